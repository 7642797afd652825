// Search: a modal dialog over the sharded MiniSearch index in search/ (written by
// garden/render/search.py, which explains the files). The vendored MiniSearch script and
// search/meta.json are fetched when the dialog first opens (Ctrl/Cmd+K, "/" or the search
// button); a query then fetches the shards of its words, the field lengths of the notes
// they name, the result data of the notes shown and, for a snippet from the body, the
// result's own page. "#tag" words filter by tag; arrows choose a result, Enter opens it,
// Esc closes.
(function search() {
  const openers = document.querySelectorAll("[data-search-open]");
  if (!openers.length) return;
  const ui = garden.ui;
  const LIMIT = 12;
  const CJK_CLASS = "[\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}]";
  const CJK = new RegExp("^" + CJK_CLASS, "u");
  // A word starts where no letter, mark or digit comes before it, or a Chinese, Japanese or
  // Korean one (入門python: the index holds "python").
  const START = "(?<!(?!" + CJK_CLASS + ")[\\p{L}\\p{M}\\p{N}])";
  let dialog, input, results, status, observer, index, active = -1, count = 0, seq = 0, timer = 0;
  const pages = new Map();

  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  openers.forEach((button) => {
    button.hidden = false;
    const kbd = button.querySelector("kbd");
    if (kbd && isMac) kbd.textContent = "⌘ K";
    button.addEventListener("click", open);
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target.closest && e.target.closest("input, textarea, select, [contenteditable]");
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      open();
    } else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      open();
    }
  });

  function build() {
    dialog = garden.el("dialog", "search-dialog");
    dialog.setAttribute("aria-label", ui.search || "Search");
    dialog.innerHTML =
      '<div class="search-box" role="search">' +
      '<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20"><circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" stroke-width="2"/><path d="m20 20-3.5-3.5" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>' +
      '<input type="search" class="search-input" autocomplete="off" spellcheck="false" role="combobox" aria-expanded="false" aria-autocomplete="list" aria-controls="search-results">' +
      '<button type="button" class="search-close"></button></div>' +
      '<p class="search-status" role="status" aria-live="polite"></p>' +
      '<ul class="search-results" id="search-results" role="listbox"></ul>' +
      '<p class="search-keys" aria-hidden="true"></p>';
    input = dialog.querySelector("input");
    input.placeholder = ui.search_placeholder || "Search";
    input.setAttribute("aria-label", ui.search || "Search");
    input.setAttribute("aria-describedby", "search-hint");
    results = dialog.querySelector(".search-results");
    results.setAttribute("aria-label", ui.search || "Search");
    status = dialog.querySelector(".search-status");
    const hint = garden.el("p", "visually-hidden", ui.search_hint || "");
    hint.id = "search-hint";
    dialog.querySelector(".search-box").append(hint);
    dialog.querySelector(".search-keys").textContent = ui.search_keys || "";
    const close = dialog.querySelector(".search-close");
    close.append(garden.el("span", "visually-hidden", (ui.close || "Close") + " "), "Esc");
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });  // the backdrop
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("keydown", keys);
    results.addEventListener("mousemove", (e) => {
      const option = e.target.closest("[role=option]");
      if (option) select(Number(option.dataset.index), false);
    });
    // Snippets from a result's page are made when the result scrolls into view.
    observer = new IntersectionObserver((entries) => entries.forEach((e) => {
      if (e.isIntersecting) { observer.unobserve(e.target); e.target.gardenSnippet(); }
    }), { root: results });
    document.body.append(dialog);
  }

  function open() {
    if (!dialog) build();
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load().catch(() => {});
  }

  /** The index (see 43-search-index.js), once the MiniSearch script is loaded. */
  function load(again) {
    if (!index) {
      index = script().then(() => garden.searchIndex((path, fresh) =>
        fetch(garden.url(path), fresh ? { cache: "no-cache" } : {}).then((r) => {
          if (!r.ok) throw new Error(path + ": " + r.status);
          return r.json();
        }), window.MiniSearch));
      index.catch(() => { index = null; });
    }
    return index.then((engine) => engine.load(again).then((m) => ({ engine, m })));
  }

  function script() {
    if (window.MiniSearch) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = garden.url("static/vendor/minisearch/minisearch.min.js");
      tag.onload = resolve;
      tag.onerror = () => { tag.remove(); reject(new Error("minisearch.min.js")); };
      document.head.append(tag);
    });
  }

  // --- the dialog --------------------------------------------------------------------------

  function parse(text) {
    const tags = [];
    const words = text.replace(/(^|\s)#([^\s#]+)/g, (m, space, tag) => { tags.push(tag.toLowerCase()); return " "; });
    return { words: words.trim().replace(/\s+/g, " "), tags };
  }

  async function run(retried) {
    const mine = ++seq;
    const { words, tags } = parse(input.value);
    if (!words && !tags.length) { show([]); status.textContent = ""; return; }
    let engine, m;
    try {
      ({ engine, m } = await load(retried === true));
    } catch (e) {
      if (mine === seq) status.textContent = ui.search_unavailable || "Search is unavailable.";
      return;
    }
    try {
      if (!words) { await suggestTags(engine, tags, mine); return; }
      const found = await engine.query(words, tags);
      const best = found.slice(0, LIMIT);
      const data = await engine.stored(best.map((r) => r.id));
      if (mine !== seq) return;  // a newer query has already answered
      show(best.map((r) => item(r, data.get(r.id), engine.terms(words, m.stop))));
      status.textContent = found.length ? garden.format(ui.search_results || "{count} {count:result|results}", { count: found.length })
        : (ui.no_results || "No results.");
    } catch (e) {
      // A file named by an older meta.json is gone (the site was rebuilt): read it again, once.
      if (retried !== true && mine === seq) return run(true);
      if (mine === seq) status.textContent = ui.search_unavailable || "Search is unavailable.";
    }
  }

  /** A result to show: its title, and its summary or a passage of its page as the snippet. */
  function item(result, data, words) {
    const [path, title, summary] = data || ["", "", ""];
    const marks = marker([...result.terms, ...words]);
    const fields = new Set(Object.values(result.match).flat());
    // The summary is the snippet when it holds a query word, or when the words are only in
    // the title or aliases; else a passage of the page, made when the result is in view.
    const page = Boolean(marks) && (fields.has("body") || fields.has("headings")) && !(summary && marks.test(summary));
    return { url: garden.href(path), title: highlight(title || path, marks), snippet: highlight(summary || "", marks),
             page, marks };
  }

  /** A regular expression finding the terms at the start of words, or null. Terms of
   * Chinese, Japanese or Korean are pairs of neighbouring characters, found anywhere, and
   * overlap ("図書", "書館"): a mark goes on while each next character makes a pair. */
  function marker(list) {
    const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const unique = [...new Set(list)].sort((a, b) => b.length - a.length);
    const cjk = unique.filter((t) => CJK.test(t));
    const parts = unique.filter((t) => !CJK.test(t)).map((t) => START + escape(t));
    if (cjk.length) {
      const next = cjk.map((t) => [...t]).filter((c) => c.length === 2)
        .map(([a, b]) => "(?<=" + escape(a) + ")" + escape(b));
      parts.unshift("(?:" + cjk.map(escape).join("|") + ")" + (next.length ? "(?:" + next.join("|") + ")*" : ""));
    }
    return parts.length ? new RegExp("(" + parts.join("|") + ")", "iu") : null;
  }

  function highlight(text, marks) {
    if (!marks) return garden.escape(text);
    const parts = String(text).split(new RegExp(marks.source, "giu"));
    return parts.map((p, i) => (i % 2 ? "<mark>" + garden.escape(p) + "</mark>" : garden.escape(p))).join("");
  }

  /** The text of a result's page (fetched once), as words with spaces between blocks. */
  function pageText(url) {
    if (!pages.has(url)) {
      const got = fetch(url).then((r) => (r.ok ? r.text() : "")).then((html) => {
        const doc = new DOMParser().parseFromString(html, "text/html");
        const body = doc.querySelector(".note-body") || doc.querySelector("article") || doc.querySelector("main") || doc.body;
        body.querySelectorAll("script, style, template, svg").forEach((e) => e.remove());
        body.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, pre, blockquote, td, th, dt, dd, figcaption, br, div")
          .forEach((e) => e.append(" "));
        return body.textContent.replace(/\s+/g, " ").trim();
      }).catch(() => "");
      pages.set(url, got);
    }
    return pages.get(url);
  }

  /** About 25 words of the page around the first match, highlighted. */
  function passage(text, marks) {
    const found = text.match(marks);
    if (!found) return null;
    let start = Math.max(0, found.index - 70), end = Math.min(text.length, found.index + 170);
    const space = start > 0 ? text.indexOf(" ", start) : -1;
    if (space >= 0 && space < found.index) start = space + 1;  // (text without spaces: cut anywhere)
    if (end < text.length) end = text.lastIndexOf(" ", end) > found.index ? text.lastIndexOf(" ", end) : end;
    return (start > 0 ? "… " : "") + highlight(text.slice(start, end), marks) + (end < text.length ? " …" : "");
  }

  // "#tag" alone: the tags that start with it, each leading to its tag page.
  async function suggestTags(engine, tags, mine) {
    const all = await engine.tags();
    if (mine !== seq) return;
    const wanted = tags[tags.length - 1];
    const found = Object.keys(all).filter((t) => t.startsWith(wanted))
      .sort((a, b) => (a === wanted ? -1 : b === wanted ? 1 : all[b][0] - all[a][0] || a.localeCompare(b))).slice(0, LIMIT);
    show(found.map((t) => ({ url: garden.href("tags/" + t + "/"), title: garden.escape("#" + t),
      snippet: garden.escape(garden.format(ui.notes_count || "{count} {count:note|notes}", { count: all[t][0] })) })));
    status.textContent = found.length ? "" : (ui.no_results || "No results.");
  }

  function show(items) {
    results.replaceChildren();
    observer.disconnect();
    count = items.length;
    items.forEach((item, i) => {
      const li = garden.el("li");
      li.setAttribute("role", "none");
      const a = garden.el("a", "search-result");
      a.setAttribute("role", "option");
      a.id = "search-option-" + i;
      a.dataset.index = i;
      a.tabIndex = -1;
      a.href = item.url;
      a.innerHTML = '<span class="search-title">' + item.title + '</span><span class="search-snippet">' +
        (item.page ? "" : item.snippet) + "</span>";
      if (item.page) {
        const snippet = a.querySelector(".search-snippet");
        a.gardenSnippet = () => pageText(item.url).then((text) => {
          snippet.innerHTML = passage(text, item.marks) || item.snippet;
        });
        observer.observe(a);
      }
      li.append(a);
      results.append(li);
    });
    input.setAttribute("aria-expanded", String(count > 0));
    select(count ? 0 : -1, false);
  }

  function select(i, scroll = true) {
    const options = results.querySelectorAll("[role=option]");
    options.forEach((o, j) => o.setAttribute("aria-selected", String(j === i)));
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", options[i].id);
      if (scroll) options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function keys(e) {
    if (e.key === "ArrowDown" && count) { e.preventDefault(); select((active + 1) % count); }
    else if (e.key === "ArrowUp" && count) { e.preventDefault(); select((active - 1 + count) % count); }
    else if (e.key === "Escape") { e.preventDefault(); dialog.close(); }  // a search field would only clear itself
    else if (e.key === "Enter") {
      e.preventDefault();
      const option = results.querySelector('[aria-selected="true"]');
      if (option) window.location.href = option.href;
    }
  }
})();
