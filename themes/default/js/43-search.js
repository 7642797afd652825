// Search: a modal dialog over the Pagefind index in pagefind/. Pagefind's script is
// loaded only when the dialog first opens (Ctrl/Cmd+K, "/" or the search button);
// "#tag" words filter by tag; arrows choose a result, Enter opens it, Esc closes.
(function search() {
  const openers = document.querySelectorAll("[data-search-open]");
  if (!openers.length) return;
  const ui = garden.ui;
  const LIMIT = 12;
  const TAGGED_POOL = 60;  // best results looked at when a query also names tags
  let dialog, input, results, status, pagefind, tagCounts, active = -1, count = 0, seq = 0, timer = 0;

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
    document.body.append(dialog);
  }

  function open() {
    if (!dialog) build();
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    load().catch(() => {});
  }

  function load() {
    if (!pagefind) {
      pagefind = import(garden.url("pagefind/pagefind.js")).then(async (pf) => {
        await pf.options({ baseUrl: new URL(garden.root, document.baseURI).pathname, excerptLength: 24 });
        await pf.init();
        return pf;
      });
      pagefind.catch(() => { status.textContent = ui.search_unavailable || "Search is unavailable."; });
    }
    return pagefind;
  }

  function parse(query) {
    const tags = [];
    const words = query.replace(/(^|\s)#([^\s#]+)/g, (m, space, tag) => { tags.push(tag.toLowerCase()); return " "; });
    return { words: words.trim().replace(/\s+/g, " "), tags };
  }

  async function run() {
    const mine = ++seq;
    const { words, tags } = parse(input.value);
    if (!words && !tags.length) { show([], ""); status.textContent = ""; return; }
    let pf;
    try { pf = await load(); } catch (e) { return; }
    if (!words) { await suggestTags(pf, tags, mine); return; }
    const found = await pf.search(words);
    let data, total = found.results.length;
    if (!tags.length) {
      data = await Promise.all(found.results.slice(0, LIMIT).map((r) => r.data()));
    } else {  // keep the results that have every tag (the tags travel as metadata, see search.py)
      const best = await Promise.all(found.results.slice(0, TAGGED_POOL).map((r) => r.data()));
      data = best.filter((d) => { const have = ((d.meta && d.meta.tags) || "").split(",");
        return tags.every((t) => have.includes(t)); });
      total = data.length;
      data = data.slice(0, LIMIT);
    }
    if (mine !== seq) return;  // a newer query has already answered
    show(data, words);
    status.textContent = total ? (ui.search_results || "{count} results").replace("{count}", total)
      : (ui.no_results || "No results.");
  }

  // "#tag" alone: the tags that start with it, each leading to its tag page. (A search
  // with a filter and no words would download the whole index.)
  async function suggestTags(pf, tags, mine) {
    if (!tagCounts) tagCounts = fetch(garden.url("static/tags.json")).then((r) => r.json()).catch(() => ({}));
    const counts = await tagCounts;
    if (mine !== seq) return;
    const wanted = tags[tags.length - 1];
    const found = Object.keys(counts).filter((t) => t.startsWith(wanted))
      .sort((a, b) => (a === wanted ? -1 : b === wanted ? 1 : counts[b] - counts[a] || a.localeCompare(b))).slice(0, LIMIT);
    show(found.map((t) => ({ url: garden.href("tags/" + t + "/"), meta: { title: "#" + t },
      excerpt: "", summary: (ui.notes_count || "{count} notes").replace("{count}", counts[t]) })), "");
    status.textContent = found.length ? "" : (ui.no_results || "No results.");
  }

  function highlight(text, words) {
    const terms = words.toLowerCase().split(" ").filter((w) => w.length > 1)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (!terms.length) return { html: garden.escape(text), hit: false };
    const parts = String(text).split(new RegExp("(" + terms.join("|") + ")", "gi"));
    const html = parts.map((p, i) => (i % 2 ? "<mark>" + garden.escape(p) + "</mark>" : garden.escape(p))).join("");
    return { html, hit: parts.length > 1 };
  }

  function excerpt(html) {
    // Pagefind's excerpt is text with <mark> around hits; keep only those tags.
    const text = html.replace(/<(\/?)mark>/g, "\u0001$1\u0002").replace(/<[^>]*>/g, "");
    const div = document.createElement("textarea");
    div.innerHTML = text;  // decode entities without running anything
    return garden.escape(div.value).replace(/\u0001(\/?)\u0002/g, "<$1mark>");
  }

  function show(data, words) {
    results.replaceChildren();
    count = data.length;
    data.forEach((item, i) => {
      const li = garden.el("li");
      li.setAttribute("role", "none");
      const a = garden.el("a", "search-result");
      a.setAttribute("role", "option");
      a.id = "search-option-" + i;
      a.dataset.index = i;
      a.tabIndex = -1;
      a.href = item.url;
      const title = highlight((item.meta && item.meta.title) || item.url, words);
      const summary = item.summary ? { html: garden.escape(item.summary), hit: true }
        : item.meta && item.meta.summary ? highlight(item.meta.summary, words) : null;
      // The post's summary is the snippet when the query is found in it (or in the title
      // only); otherwise the passage of the body where the words are.
      const useSummary = summary && (summary.hit || !/<mark>/.test(item.excerpt || "") || !words);
      a.innerHTML = '<span class="search-title">' + title.html + "</span>" +
        '<span class="search-snippet">' + (useSummary ? summary.html : excerpt(item.excerpt || "")) + "</span>";
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
