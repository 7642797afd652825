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
  const WORD = /[\p{L}\p{M}\p{N}]{2,}/gu;  // as search.py's WORD
  const EDGE = "[\\p{L}\\p{M}\\p{N}]";
  let dialog, input, results, status, observer, index, active = -1, count = 0, seq = 0, timer = 0;
  const files = new Map(), decoded = new Map(), pages = new Map();

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

  // --- the index ---------------------------------------------------------------------------

  /** meta.json (always asked for again: it names every other file) and the MiniSearch script. */
  function load(again) {
    if (!index || again) {
      const meta = fetch(garden.url("search/meta.json"), { cache: "no-cache" }).then((r) => {
        if (!r.ok) throw new Error("search/meta.json: " + r.status);
        return r.json();
      });
      index = Promise.all([meta, script()]).then(([m]) => ({ ...m, stop: new Set(m.stopWords) }));
      index.catch(() => { index = null; });
    }
    return index;
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

  /** search/<folder>/<name>.json, fetched once (names are digests of the content). */
  function file(folder, name) {
    const path = "search/" + folder + "/" + name + ".json";
    if (!files.has(path)) {
      const got = fetch(garden.url(path)).then((r) => {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      files.set(path, got);
      got.catch(() => files.delete(path));
    }
    return files.get(path);
  }

  /** The terms of a text, as search.py's `tokenize` makes them. */
  function terms(text, stop) {
    return (text.normalize("NFC").toLowerCase().match(WORD) || []).filter((t) => !stop.has(t));
  }

  /** Postings as search.py's `encode` writes them -> {id: frequency}; each id is put in `ids`. */
  function postings(values, ids) {
    const out = {};
    for (let i = 0, prev = -1; i < values.length; i++) {
      const v = values[i];
      if (v < 0) { prev -= v; out[prev] = 1; } else { prev += v; out[prev] = values[++i]; }
      ids.add(prev);
    }
    return out;
  }

  /** A shard as MiniSearch's index entries, and the ids of the notes it names. */
  function shard(name) {
    if (!decoded.has(name)) {
      decoded.set(name, file("s", name).then((entries) => {
        const ids = new Set();
        const index = entries.map(([term, fields]) => {
          const data = {};
          for (const f in fields) data[f] = postings(fields[f], ids);
          return [term, data];
        });
        return { index, ids };
      }));
      decoded.get(name).catch(() => decoded.delete(name));
    }
    return decoded.get(name);
  }

  /** The shards that hold a query term and, from three characters on, every term it begins. */
  async function shardsOf(term, m) {
    const chars = [...term];
    const dir = m.dirs[chars[0]];
    if (!dir) return [];
    const keys = await file("d", dir);
    const names = new Set();
    for (let n = chars.length; n >= Math.min(m.keyLength, chars.length); n--) {
      const key = chars.slice(0, n).join("");
      if (keys[key]) { names.add(keys[key]); break; }
    }
    if (chars.length >= m.keyLength) {
      for (const key in keys) if (key.startsWith(term)) names.add(keys[key]);
    }
    return Promise.all([...names].map(shard));
  }

  /** Field lengths of these notes -> Map(id -> [length per field]). */
  async function lengths(ids, m) {
    const shift = m.idBits - m.lengthBits, chunks = new Set();
    ids.forEach((id) => chunks.add(id >>> shift));
    const out = new Map();
    await Promise.all([...chunks].map(async (c) => {
      if (!m.lengths[c]) return;
      const values = await file("l", m.lengths[c]);
      const width = m.fields.length;
      for (let i = 0, prev = -1; i < values.length; i += width + 1) {
        prev += values[i];
        out.set(prev, values.slice(i + 1, i + 1 + width));
      }
    }));
    return out;
  }

  /** What each result shows -> Map(id -> [path, title, summary]). */
  async function stored(ids, m) {
    const shift = m.idBits - m.storedBits, out = new Map();
    await Promise.all([...new Set(ids.map((id) => id >>> shift))].map(async (c) => {
      const chunk = await file("r", m.stored[c]);
      for (const id in chunk) out.set(Number(id), chunk[id]);
    }));
    return out;
  }

  /** The ids of the notes with every one of these tags. */
  async function tagged(tags, m) {
    const all = await file("t", m.tags);
    let ids = null;
    for (const tag of tags) {
      const found = all[tag] ? postings(await file("t", all[tag][1]), new Set()) : {};
      const set = new Set(Object.keys(found).map(Number));
      ids = ids ? new Set([...ids].filter((id) => set.has(id))) : set;
    }
    return ids;
  }

  /** MiniSearch over the shards of the query's terms, with the statistics of the whole index:
   * the results, as one index holding every note would rank them. */
  async function query(words, tags, m) {
    const wanted = terms(words, m.stop);
    if (!wanted.length) return [];
    const parts = (await Promise.all(wanted.map((t) => shardsOf(t, m)))).flat();
    const only = tags.length ? await tagged(tags, m) : null;
    const entries = [], ids = new Set(), seen = new Set();
    for (const part of parts) {
      if (seen.has(part)) continue;
      seen.add(part);
      entries.push(...part.index);
      part.ids.forEach((id) => ids.add(id));
    }
    // Field lengths are read only for the notes that can be found (see boostDocument).
    const length = await lengths(only ? [...ids].filter((id) => only.has(id)) : ids, m);
    const documentIds = {}, fieldLength = {};
    ids.forEach((id) => { documentIds[id] = id; if (length.has(id)) fieldLength[id] = length.get(id); });
    const fieldIds = {};
    m.fields.forEach((f, i) => { fieldIds[f] = i; });
    const options = { fields: m.fields, tokenize: (text) => terms(text, m.stop), processTerm: (t) => t };
    const engine = MiniSearch.loadJS({
      documentCount: m.documentCount, nextId: m.nextId, documentIds, fieldIds, fieldLength,
      averageFieldLength: m.averageFieldLength, storedFields: {}, dirtCount: 0, index: entries,
      serializationVersion: 2,
    }, options);
    return engine.search(words, {
      combineWith: "AND",
      prefix: (t) => [...t].length >= m.keyLength,
      fuzzy: (t) => ([...t].length >= 5 ? 0.2 : false),
      boost: m.boost,
      boostDocument: only ? (id) => (only.has(id) ? 1 : 0) : undefined,
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
    let m;
    try {
      m = await load(retried === true);
    } catch (e) {
      if (mine === seq) status.textContent = ui.search_unavailable || "Search is unavailable.";
      return;
    }
    try {
      if (!words) { await suggestTags(m, tags, mine); return; }
      const found = await query(words, tags, m);
      const best = found.slice(0, LIMIT);
      const data = await stored(best.map((r) => r.id), m);
      if (mine !== seq) return;  // a newer query has already answered
      show(best.map((r) => item(r, data.get(r.id), words, m)));
      status.textContent = found.length ? (ui.search_results || "{count} results").replace("{count}", found.length)
        : (ui.no_results || "No results.");
    } catch (e) {
      // A file named by an older meta.json is gone (the site was rebuilt): read it again, once.
      if (retried !== true && mine === seq) return run(true);
      if (mine === seq) status.textContent = ui.search_unavailable || "Search is unavailable.";
    }
  }

  /** A result to show: its title, and its summary or a passage of its page as the snippet. */
  function item(result, data, words, m) {
    const [path, title, summary] = data || ["", "", ""];
    const marks = marker([...result.terms, ...terms(words, m.stop)]);
    const fields = new Set(Object.values(result.match).flat());
    // The summary is the snippet when it holds a query word, or when the words are only in
    // the title or aliases; else a passage of the page, made when the result is in view.
    const page = Boolean(marks) && (fields.has("body") || fields.has("headings")) && !(summary && marks.test(summary));
    return { url: garden.href(path), title: highlight(title || path, marks), snippet: highlight(summary || "", marks),
             page, marks };
  }

  /** A regular expression finding the terms at the start of words, or null. */
  function marker(list) {
    const unique = [...new Set(list)].sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return unique.length ? new RegExp("(?<!" + EDGE + ")(" + unique.join("|") + ")", "iu") : null;
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
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    if (end < text.length) end = text.lastIndexOf(" ", end) > found.index ? text.lastIndexOf(" ", end) : end;
    return (start > 0 ? "… " : "") + highlight(text.slice(start, end), marks) + (end < text.length ? " …" : "");
  }

  // "#tag" alone: the tags that start with it, each leading to its tag page.
  async function suggestTags(m, tags, mine) {
    const all = await file("t", m.tags);
    if (mine !== seq) return;
    const wanted = tags[tags.length - 1];
    const found = Object.keys(all).filter((t) => t.startsWith(wanted))
      .sort((a, b) => (a === wanted ? -1 : b === wanted ? 1 : all[b][0] - all[a][0] || a.localeCompare(b))).slice(0, LIMIT);
    show(found.map((t) => ({ url: garden.href("tags/" + t + "/"), title: garden.escape("#" + t),
      snippet: garden.escape((ui.notes_count || "{count} notes").replace("{count}", all[t][0])) })));
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
