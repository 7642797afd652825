// The search index written by garden/render/search.py (which explains its files), queried
// with MiniSearch. No page here: the dialog (43-search.js) uses it, and so do the tests, in
// node. `fetchJSON(path, fresh)` reads a file of the site; `fresh` asks past any cache.
garden.searchIndex = function searchIndex(fetchJSON, MiniSearch) {
  const RUN = /[\p{L}\p{M}\p{N}]+/gu;  // as search.py's _patterns
  const CJK = "\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}";
  const PIECE = new RegExp("([" + CJK + "]+)|[^" + CJK + "]+", "gu");
  const ONE_CJK = new RegExp("^[" + CJK + "]$", "u");
  /** Whether a query term finds the terms it begins: from three characters on, and a lone
   * Chinese, Japanese or Korean character (which the index holds inside its pairs). */
  const prefixed = (term, m) => [...term].length >= m.keyLength || ONE_CJK.test(term);
  const files = new Map(), decoded = new Map();
  let meta = null;

  /** meta.json, asked for again when `again`: it names every other file. */
  function load(again) {
    if (!meta || again) {
      files.clear();
      decoded.clear();
      meta = fetchJSON("search/meta.json", true).then((m) => ({ ...m, stop: new Set(m.stopWords) }));
      meta.catch(() => { meta = null; });
    }
    return meta;
  }

  /** search/<folder>/<name>.json, fetched once (names are digests of the content). */
  function file(folder, name) {
    const path = "search/" + folder + "/" + name + ".json";
    if (!files.has(path)) {
      const got = fetchJSON(path, false);
      files.set(path, got);
      got.catch(() => files.delete(path));
    }
    return files.get(path);
  }

  /** The terms of a text, as search.py's `tokenize` makes them: words of two characters or
   * more, and in Chinese, Japanese or Korean each pair of neighbouring characters. */
  function terms(text, stop) {
    const out = [];
    const plain = String(text).normalize("NFC").toLowerCase().replace(/\p{Variation_Selector}/gu, "");
    for (const run of plain.match(RUN) || []) {
      for (const [part, cjk] of run.matchAll(PIECE)) {
        const chars = [...part];
        if (!cjk) {
          if (chars.length > 1) out.push(part);
        } else if (chars.length === 1) {
          out.push(part);
        } else {
          for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
        }
      }
    }
    return out.filter((t) => !stop.has(t));
  }

  /** Postings as search.py's `encode_pairs` writes them -> {id: frequency}; ids go into `ids`. */
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
      const got = file("s", name).then((entries) => {
        const ids = new Set();
        const index = entries.map(([term, fields]) => {
          const data = {};
          for (const f in fields) data[f] = postings(fields[f], ids);
          return [term, data];
        });
        return { index, ids };
      });
      decoded.set(name, got);
      got.catch(() => decoded.delete(name));
    }
    return decoded.get(name);
  }

  /** The shards holding a query term and, from three characters on, every term it begins:
   * the shard of the longest key that begins the term, and those of keys the term begins. */
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
    if (prefixed(term, m)) {
      for (const key in keys) if (key.startsWith(term)) names.add(keys[key]);
    }
    return Promise.all([...names].map(shard));
  }

  /** Field lengths of these notes -> Map(id -> [length per field]). */
  async function lengths(ids, m) {
    const shift = m.idBits - m.lengthBits, chunks = new Set(), out = new Map(), width = m.fields.length;
    ids.forEach((id) => chunks.add(id >>> shift));
    await Promise.all([...chunks].map(async (c) => {
      if (!m.lengths[c]) return;
      const values = await file("l", m.lengths[c]);
      for (let i = 0, prev = -1; i < values.length; i += width + 1) {
        prev += values[i];
        out.set(prev, values.slice(i + 1, i + 1 + width));
      }
    }));
    return out;
  }

  /** What results show -> Map(id -> [page path, title, summary]). */
  async function stored(ids) {
    const m = await load();
    const shift = m.idBits - m.storedBits, out = new Map(), names = await file("r", m.stored);
    await Promise.all([...new Set(ids.map((id) => id >>> shift))].map(async (c) => {
      const chunk = await file("r", names[c]);
      for (const id in chunk) out.set(Number(id), chunk[id]);
    }));
    return out;
  }

  /** Every tag (with its parents, as in its page's address) -> [notes, file of their ids]. */
  async function tags() {
    return file("t", (await load()).tags);
  }

  /** The ids of the notes that have every one of these tags. */
  async function tagged(wanted) {
    const all = await tags();
    let ids = null;
    for (const tag of wanted) {
      const found = new Set();
      if (all[tag]) postings(await file("t", all[tag][1]), found);
      ids = ids ? new Set([...ids].filter((id) => found.has(id))) : found;
    }
    return ids;
  }

  /** MiniSearch over the shards of the words' terms with the statistics of the whole index,
   * so results rank as in one index holding every note; only notes with all `withTags`. */
  async function query(words, withTags = [], options = {}) {
    const m = await load();
    const wanted = terms(words, m.stop);
    if (!wanted.length) return [];
    const parts = (await Promise.all(wanted.map((t) => shardsOf(t, m)))).flat();
    const only = withTags.length ? await tagged(withTags) : null;
    const entries = [], ids = new Set(), seen = new Set();
    for (const part of parts) {
      if (seen.has(part)) continue;
      seen.add(part);
      entries.push(...part.index);
      part.ids.forEach((id) => ids.add(id));
    }
    // Lengths only of the notes that can be found: MiniSearch reads none of the others'
    // once boostDocument gives them 0.
    const length = await lengths(only ? [...ids].filter((id) => only.has(id)) : ids, m);
    const documentIds = {}, fieldLength = {}, fieldIds = {};
    ids.forEach((id) => { documentIds[id] = id; if (length.has(id)) fieldLength[id] = length.get(id); });
    m.fields.forEach((f, i) => { fieldIds[f] = i; });
    const engine = MiniSearch.loadJS({
      documentCount: m.documentCount, nextId: m.nextId, documentIds, fieldIds, fieldLength,
      averageFieldLength: m.averageFieldLength, storedFields: {}, dirtCount: 0, index: entries,
      serializationVersion: 2,
    }, { fields: m.fields, tokenize: (text) => terms(text, m.stop), processTerm: (t) => t });
    return engine.search(words, {
      combineWith: "AND",
      prefix: (t) => prefixed(t, m),
      fuzzy: (t) => ([...t].length >= 5 ? 0.2 : false),
      boost: m.boost,
      boostDocument: only ? (id) => (only.has(id) ? 1 : 0) : undefined,
      ...options,
    });
  }

  return { load, terms, query, stored, tags };
};
