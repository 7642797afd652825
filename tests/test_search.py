"""The search index as written: what it holds and leaves out, that the page's MiniSearch reads
it as garden meant (same terms, same ranking as one index MiniSearch builds itself), and that
updating it after edits gives the same files as writing it anew."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import write_files
from garden.build import build
from garden.config import load_config
from garden.render import search

ROOT = Path(__file__).resolve().parent.parent
INDEX_JS = ROOT / "themes" / "default" / "js" / "43-search-index.js"
MINISEARCH = ROOT / "themes" / "default" / "static" / "vendor" / "minisearch" / "minisearch.min.js"


def pub(body: str = "", **meta) -> str:
    lines = ["dg-publish: true"] + [f"{k.replace('_', '-')}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def read_index(out: Path) -> dict:
    """Everything search/ holds, decoded: meta, terms {term: {field: {id: n}}}, shard keys,
    stored {id: [path, title, summary]}, lengths {id: [...]}, tags {tag: (count, ids)}."""
    folder = out / "search"
    meta = json.loads((folder / "meta.json").read_text())
    load = lambda kind, name: json.loads((folder / kind / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    terms, keys = {}, {}
    for dir_name in meta["dirs"].values():
        for key, name in load("d", dir_name).items():
            keys[key] = []
            for term, fields in load("s", name):
                keys[key].append(term)
                terms[term] = {int(f): search.decode(",".join(map(str, v))) for f, v in fields.items()}
    stored = {int(i): v for name in load("r", meta["stored"]) if name for i, v in load("r", name).items()}
    lengths = {}
    width = len(meta["fields"])
    for name in meta["lengths"]:
        if name:
            values, prev = load("l", name), -1
            for i in range(0, len(values), width + 1):
                prev += values[i]
                lengths[prev] = values[i + 1:i + 1 + width]
    tags = {t: (n, set(search.decode(",".join(map(str, load("t", name)))))) for t, (n, name) in load("t", meta["tags"]).items()}
    return {"meta": meta, "terms": terms, "keys": keys, "stored": stored, "lengths": lengths, "tags": tags}


# --- what the index holds ---------------------------------------------------------------------

def test_the_index_holds_published_visible_notes_and_nothing_else(make_garden):
    site = make_garden({
        "Seen.md": pub("The zorbvisible word. %%zorbcomment in a comment%%\n\n%%\nzorbblockcomment\n%%\n",
                       tags="[area/sub]", description="Seen in short."),
        "Hidden.md": pub("zorbhidden body", dg_hide="true"),
        "Private.md": "---\ntitle: zorbprivatetitle\n---\nzorbprivate body, links [[Seen]]",
        "Off.md": "---\ndg-publish: false\n---\nzorboff",
    })
    index = read_index(site.out)
    assert "zorbvisible" in index["terms"]
    for word in ("zorbcomment", "zorbblockcomment", "zorbhidden", "zorbprivatetitle", "zorbprivate",
                 "zorboff"):
        assert word not in index["terms"]
    assert [v[0] for v in index["stored"].values()] == ["seen/"]
    assert index["meta"]["documentCount"] == 1
    everything = "".join(p.read_text(encoding="utf-8") for p in (site.out / "search").rglob("*.json"))
    assert "zorbhidden" not in everything and "zorbprivate" not in everything and "zorbcomment" not in everything
    (doc,) = index["stored"]
    assert index["stored"][doc] == ["seen/", "Seen", "Seen in short."]
    assert {t: n for t, (n, _) in index["tags"].items()} == {"area": 1, "area/sub": 1}  # #area finds #area/sub
    assert index["tags"]["area"][1] == {doc}


def test_aliases_are_found_by_their_text_and_a_table_among_them_is_left_out(make_garden):
    site = make_garden({"A.md": pub("body", aliases="[Ay, {xyzzy: 1}, 2024, true]")})
    index = read_index(site.out)
    alias = index["meta"]["fields"].index("aliases")
    assert {t for t, fields in index["terms"].items() if str(alias) in map(str, fields)} == {"ay", "2024", "true"}
    assert site.warnings == ["A.md:3: warning: frontmatter 'aliases' holds a table, not text; it is left out"]


def test_fields_are_title_aliases_headings_and_body_with_their_boosts(make_garden):
    site = make_garden({"Bees & Hives.md": pub("## Swarming\n\nBody text about bees.\n", aliases="[Apis]")})
    index = read_index(site.out)
    meta = index["meta"]
    assert meta["fields"] == ["title", "aliases", "headings", "body"]
    assert meta["boost"] == {"title": 10, "aliases": 8, "headings": 5, "body": 1}
    (doc,) = index["stored"]
    title, alias, heading, body = range(4)
    assert index["terms"]["hives"] == {title: {doc: 1}}
    assert index["terms"]["apis"] == {alias: {doc: 1}}
    assert index["terms"]["swarming"] == {heading: {doc: 1}, body: {doc: 1}}  # the body text holds headings
    assert index["terms"]["bees"] == {title: {doc: 1}, body: {doc: 1}}
    assert "about" in index["terms"] and "text" in index["terms"]
    assert index["lengths"][doc] == [2, 1, 1, 5]  # distinct terms per field, as MiniSearch counts
    assert meta["averageFieldLength"] == [2, 1, 1, 5]


def test_tokens_drop_stop_words_and_single_characters():
    stop = search.stop_words("en")
    assert search.tokenize("The Art of War, a Book: I read it 2 times in 2024.", stop) == \
        ["art", "war", "book", "read", "times", "2024"]
    assert search.stop_words("de") == frozenset()
    assert search.tokenize("Die Straße", frozenset()) == ["die", "straße"]
    # No spaces between words: each pair of neighbouring characters is a term, a lone one itself.
    assert search.tokenize("図書館で本", frozenset()) == ["図書", "書館", "館で", "で本"]
    assert search.tokenize("猫 と データ2024年", frozenset()) == ["猫", "と", "デー", "ータ", "2024", "年"]
    assert search.tokenize("학교에서 read", frozenset()) == ["학교", "교에", "에서", "read"]
    assert search.tokenize("葛\U000E0100城市", frozenset()) == ["葛城", "城市"]


@pytest.mark.parametrize("text", [
    "The Art of War, a Book: I read it 2 times in 2024.",
    "snake_case and kebab-case, x.y.z; v2 or 2x?\tTabs\nand\r\nlines [[Wiki|links]] #tag/sub ~~ok~~ A B c",
    "  ",
    "Die Straße, the café",  # not ASCII: counted from tokenize's own words
])
def test_term_counts_count_exactly_the_terms_tokenize_finds(text):
    _same_terms(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_term_counts_of_any_ascii_text_are_tokenizes(text):
    _same_terms(text)


def _same_terms(text: str) -> None:
    stop = search.stop_words("en")
    counts = search.term_counts(text, stop)
    assert counts == Counter(search.tokenize(text, stop))
    assert list(counts) == list(dict.fromkeys(search.tokenize(text, stop)))  # in the order they first appear


def test_big_shards_give_their_longer_prefixes_shards_of_their_own():
    sizes = {"compost": 5, "compile": 3, "comfrey": 1, "com": 1, "comma": 1}
    assert search.layout("com", sizes, budget=100) == {"com": ["com", "comfrey", "comma", "compile", "compost"]}
    assert search.layout("com", sizes, budget=4) == {
        "comp": ["compile"], "compo": ["compost"], "com": ["com", "comfrey", "comma"]}


def test_postings_are_delta_coded_with_frequency_one_implied():
    postings = {3: 1, 10: 4, 11: 1, 500: 2}
    text = search.encode(postings)
    assert text == "-4,7,4,-1,489,2"
    assert search.decode(text) == postings
    assert search.decode("") == {}


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.integers(0, 300), st.sampled_from([1, 1, 2, 9]), max_size=40),
       st.dictionaries(st.integers(0, 310), st.sampled_from([0, 0, 1, 3]), min_size=1, max_size=6))
def test_splicing_postings_equals_encoding_them_patched(postings, edits):
    """A rebuild patches a term's postings in their text; it must write what encoding the
    patched postings from scratch writes (a cold build's bytes)."""
    patched = {i: n for i, n in (postings | edits).items() if n}
    text, grown = search.splice(search.encode(postings), edits)
    assert text == search.encode(patched)
    assert grown == len(patched) - len(postings)


def test_ids_are_stable_when_other_pages_come_and_go():
    paths = [f"note-{i}/" for i in range(300)]
    ids, bits = search.assign_ids(paths)
    assert len(set(ids.values())) == len(paths) and all(i < 1 << bits for i in ids.values())
    fewer, same_bits = search.assign_ids(paths[:-1] + ["another/"])
    assert same_bits == bits
    assert sum(ids[p] != fewer[p] for p in paths[:-1]) <= 1  # only a page whose slot the newcomer took


def test_a_rebuild_takes_the_last_ids_only_for_the_same_pages():
    paths = [f"note-{i}/" for i in range(300)]
    ids, _ = search.assign_ids(paths)
    # The last index's ids, one of them moved as a collision would have left it.
    last = search.Index(docs={p: search.Doc("", ids[p] if p != "note-0/" else 7, (), "", ()) for p in paths})
    assert search.ids_of(list(reversed(paths)), last)["note-0/"] == 7  # the same pages: taken as they were
    other = paths[:-1] + ["another/"]
    assert search.ids_of(other, last) == search.assign_ids(other)[0]  # others: assigned again
    assert search.ids_of(paths, None) == ids


# --- the page reads it as garden meant --------------------------------------------------------

TEXTS = {
    "Compost.md": pub("Turning scraps into humus; composting takes patience. Compost heaps warm up.\n\n"
                      "## Turning\n\nTurn the heap weekly.\n", tags="[soil, practice]", aliases="[Humus heap]"),
    "Soil Basics.md": pub("Soil is alive: sand, silt, clay. Compost feeds it.\n\n## Compost\n\nA heading.\n",
                          tags="[soil]", description="What soil is made of."),
    "Unicode.md": pub("Café, cafe\u0301 and NAÏVE naïve; Straße STRASSE ẞ; ΟΔΟΣ οδός; İstanbul; हिन्दी भाषा; "
                      "日本語のテキスト; x² ½ ٣٤٥; don't e-mail; a I o; 🌱emoji🌱 ﬁnance Ǆemal 2024.\n"),
    "Bees/Hive Life.md": pub("A hive is a superorganism. Bees compost nothing.\n", tags="[bees]"),
    "Bees/Swarming.md": pub("Swarms in May; a swarm leaves the hive.\n", tags="[bees/wild]"),
    "Plain ASCII.md": pub("Compost compost COMPOST compostable composted decomposition.\n"),
    "Accents.md": pub("Crème brûlée à la façade; Ærøskøbing, Ĳsselmeer and ǅemal; x² ½; a ́ mark alone.\n"),
    "Library.md": pub("東京の図書館で日本語の本を読みました。静かでした。\n"),
    "Garden CN.md": pub("我们在花园里种植蔬菜和草药。\n"),
    "School.md": pub("학교에서 데이터베이스를 공부했습니다.\n"),
    "Katsuragi.md": pub("葛\U000E0100城市の山。\n"),  # 葛 with a variation selector
}
QUERIES = [("compost", []), ("compo", []), ("soil compost", []), ("hive", []), ("hive", ["bees"]),
           ("compost", ["soil"]), ("swarm", ["bees"]), ("straße", []), ("caf", []), ("naïve", []),
           ("οδος", []), ("हिन्दी", []), ("日本語のテキスト", []), ("the heap", []), ("nothing here", []),
           ("図書館", []), ("日本語", []), ("花园", []), ("蔬菜", []), ("학교", []), ("데이터베이스", []), ("館で本", []), ("本", []),
           ("葛城", [])]

NODE_SCRIPT = r"""
const fs = require("fs"), path = require("path");
const [site, docsFile] = process.argv.slice(2);
const MiniSearch = require(%(minisearch)s);
const garden = {};
new Function("garden", fs.readFileSync(%(index_js)s, "utf8"))(garden);
const read = (p) => Promise.resolve(JSON.parse(fs.readFileSync(path.join(site, p), "utf8")));
const index = garden.searchIndex(read, MiniSearch);
const input = JSON.parse(fs.readFileSync(docsFile, "utf8"));
(async () => {
  const m = await index.load();
  const terms = (text) => index.terms(text, m.stop);
  const reference = new MiniSearch({ fields: m.fields, tokenize: terms, processTerm: (t) => t });
  reference.addAll(input.docs);
  const lone = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]$/u;  // a lone CJK character
  const options = { combineWith: "AND", prefix: (t) => [...t].length >= m.keyLength || lone.test(t), fuzzy: false,
                    boost: m.boost };
  const out = { tokens: input.docs.map((d) => m.fields.map((f) => terms(d[f]))), queries: [] };
  for (const [words, tags] of input.queries) {
    const ours = await index.query(words, tags, { fuzzy: false });
    const theirs = reference.search(words, { ...options,
      filter: (r) => tags.every((t) => input.docs.find((d) => d.id === r.id).tags.includes(t)) });
    out.queries.push({ ours: ours.map((r) => [r.id, r.score]), theirs: theirs.map((r) => [r.id, r.score]) });
  }
  const fuzzy = await index.query("compast");
  out.fuzzy = fuzzy.map((r) => r.id);
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_the_page_reads_the_index_as_one_minisearch_index_of_the_same_notes(make_garden, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    site = make_garden(TEXTS)
    garden = site.result.garden
    index = read_index(site.out)
    ids = {v[0]: i for i, v in index["stored"].items()}
    docs = []
    for page in garden.pages:
        texts = search.field_texts(garden, page)
        docs.append({"id": ids[page.path], **dict(zip(search.FIELDS, texts)),
                     "tags": search.tag_values(page.note.tags)})
    (tmp_path / "docs.json").write_text(json.dumps({"docs": docs, "queries": QUERIES}))
    script = NODE_SCRIPT % {"minisearch": json.dumps(str(MINISEARCH)), "index_js": json.dumps(str(INDEX_JS))}
    (tmp_path / "check.js").write_text(script)
    done = subprocess.run([node, str(tmp_path / "check.js"), str(site.out), str(tmp_path / "docs.json")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    stop = search.stop_words("en")
    for doc, tokens in zip(docs, out["tokens"]):  # the same terms on both sides
        assert [search.tokenize(doc[f], stop) for f in search.FIELDS] == tokens
    unicode_terms = search.tokenize(TEXTS["Unicode.md"], stop)
    for expected in ("café", "naïve", "straße", "οδός", "οδος", "i̇stanbul", "हिन्दी", "x²", "٣٤٥", "don", "ﬁnance", "ǆemal"):
        assert expected in unicode_terms
    assert unicode_terms.count("café") == 2  # a decomposed é is composed first
    for (words, tags), result in zip(QUERIES, out["queries"]):  # the same notes, ranked the same
        assert [i for i, _ in result["ours"]] == [i for i, _ in result["theirs"]], (words, tags)
        for (_, a), (_, b) in zip(result["ours"], result["theirs"]):
            assert a == pytest.approx(b, rel=1e-9), (words, tags)
    found = {words: [index["stored"][i][0] for i, _ in r["ours"]] for (words, tags), r in zip(QUERIES, out["queries"])
             if not tags}
    assert found["compost"][0] == "compost/"  # title over aliases over headings over body
    assert found["compo"][0] == "compost/" and "plain-ascii/" in found["compo"]  # prefix search
    assert found["nothing here"] == [] and found["the heap"] == ["compost/"]
    assert found["οδος"] == ["unicode/"] and found["हिन्दी"] == ["unicode/"]
    # Chinese, Japanese and Korean words inside sentences, found by their pairs of characters
    assert found["図書館"] == ["library/"] and sorted(found["日本語"]) == ["library/", "unicode/"]
    assert found["花园"] == found["蔬菜"] == ["garden-cn/"]
    assert found["학교"] == found["데이터베이스"] == ["school/"]
    assert found["館で本"] == []  # every pair must be there: 館で is, で本 is not
    assert sorted(found["本"]) == ["library/", "unicode/"]  # a lone character finds the pairs it begins (本を, 本語)
    assert found["葛城"] == ["katsuragi/"]  # the variation selector is not a break between words
    tagged = lambda n: sorted(index["stored"][i][0] for i, _ in out["queries"][n]["ours"])  # noqa: E731
    assert tagged(4) == ["bees/hive-life/", "bees/swarming/"]  # #bees finds #bees/wild
    assert tagged(5) == ["compost/", "soil-basics/"]  # not the other notes that say compost
    assert "bees/hive-life/" in found["compost"] and "plain-ascii/" in found["compost"]
    assert ids["compost/"] in out["fuzzy"]  # a typo is forgiven among the terms of the word's shard


# --- incremental updates ----------------------------------------------------------------------

def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "search").rglob("*")) if p.is_file()}


WORDS = "soil compost mulch root leaf seed bloom pollen bee hive honey nectar garden meadow hedge moss".split()


def note(rng: random.Random, n: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
    tags = rng.sample(["soil", "bees", "soil/clay", "craft"], rng.randint(0, 2))
    extra = "dg-hide: true\n" if rng.random() < 0.1 else ""
    return f"---\ndg-publish: true\ntags: [{', '.join(tags)}]\n{extra}---\n## {rng.choice(WORDS)}\n\n{body} w{n}\n"


def test_updating_the_index_after_edits_equals_writing_it_anew(tmp_path, monkeypatch):
    rng = random.Random(5)
    vault, out = tmp_path / "vault", tmp_path / "out"
    names = [f"N{i}.md" for i in range(40)]
    write_files(vault, {name: note(rng, i) for i, name in enumerate(names)})
    cfg = load_config(vault, out=out)
    build(cfg)
    made_anew, phase = [], ["incremental"]
    monkeypatch.setattr(search, "_fill", lambda *a, _fill=search._fill: made_anew.append(phase[0]) or _fill(*a))
    for step in range(12):
        time.sleep(0.01)
        kind = rng.choice(["edit", "edit", "add", "delete", "rename", "title"])
        name = rng.choice(names)
        if kind == "edit":
            write_files(vault, {name: note(rng, step)})
        elif kind == "add":
            names.append(f"New {step}.md")
            write_files(vault, {names[-1]: note(rng, 100 + step)})
        elif kind == "delete" and len(names) > 30:
            (vault / name).unlink()
            names.remove(name)
        elif kind == "rename":
            names.remove(name)
            names.append(f"Renamed {step}.md")
            (vault / name).rename(vault / names[-1])
        else:
            text = (vault / name).read_text().replace("---\ndg-publish", f"---\ntitle: {rng.choice(WORDS)}\ndg-publish", 1)
            write_files(vault, {name: text})
        phase[0] = "incremental"
        build(cfg)
        phase[0] = "cold"
        cold = tmp_path / f"cold{step}"
        build(load_config(vault, out=cold), use_cache=False)
        assert snapshot(out) == snapshot(cold), (step, kind)
    assert "incremental" not in made_anew and made_anew  # every change was patched in, not made anew


def _edit_and_compare(tmp_path, vault, cfg, files: dict) -> None:
    time.sleep(0.01)
    write_files(vault, files)
    build(cfg)
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    build(load_config(vault, out=cold), use_cache=False)
    assert snapshot(cfg.out) == snapshot(cold)


def test_the_blobs_log_is_appended_to_and_compacted_when_mostly_dead(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    write_files(vault, {f"N{i}.md": pub(f"note {i} " + " ".join(WORDS[i % 8:i % 8 + 6])) for i in range(12)})
    cfg = load_config(vault, out=tmp_path / "out")
    build(cfg)
    store = cfg.cache_dir / "search"
    (first,) = store.glob("blobs-*.log")
    size = first.stat().st_size
    _edit_and_compare(tmp_path, vault, cfg, {"N1.md": pub("note one, edited " + " ".join(WORDS[8:12]))})
    assert list(store.glob("blobs-*.log")) == [first] and first.stat().st_size > size  # one blob appended
    monkeypatch.setattr(search.Blobs, "MAX_DEAD", 0)
    made_anew = []
    monkeypatch.setattr(search, "_fill", lambda *a, _fill=search._fill: made_anew.append(1) or _fill(*a))
    logs = []
    for round in range(8):  # two notes edited a round: the dead blobs come to outweigh the live
        _edit_and_compare(tmp_path, vault, cfg, {f"N{i}.md": pub(f"round {round} {WORDS[(round + i) % len(WORDS)]}")
                                                 for i in (round, round + 4)})
        (log,) = store.glob("blobs-*.log")
        logs.append(log.name)
    assert len(made_anew) == 8  # the cold builds only: each rebuild patched the index
    assert logs[0] == first.name and len(set(logs)) > 1  # compacted into a new log


@pytest.mark.parametrize("damage", ["cut", "garbled", "gone"])
def test_a_damaged_blobs_log_makes_the_index_anew_not_wrong(tmp_path, monkeypatch, damage):
    vault = tmp_path / "vault"
    write_files(vault, {f"N{i}.md": pub(f"note {i} " + " ".join(WORDS[i:i + 6])) for i in range(6)})
    cfg = load_config(vault, out=tmp_path / "out")
    build(cfg)
    (log,) = (cfg.cache_dir / "search").glob("blobs-*.log")
    data = log.read_bytes()
    if damage == "cut":
        log.write_bytes(data[:len(data) // 3])
    elif damage == "garbled":
        log.write_bytes(bytes(b ^ 0x5A for b in data))
    else:
        log.unlink()
    made_anew = []
    monkeypatch.setattr(search, "_fill", lambda *a, _fill=search._fill: made_anew.append(1) or _fill(*a))
    _edit_and_compare(tmp_path, vault, cfg, {"N4.md": pub("note four, edited")})
    assert made_anew == [1, 1]  # the rebuild (its log unreadable) and the cold build
    made_anew.clear()
    _edit_and_compare(tmp_path, vault, cfg, {"N2.md": pub("note two, edited")})
    assert made_anew == [1]  # the cold build only: the new log is read


@pytest.mark.parametrize("damage", ["cut", "garbled"])
def test_a_damaged_index_file_is_made_anew_not_read_wrong(tmp_path, monkeypatch, damage):
    vault = tmp_path / "vault"
    write_files(vault, {f"N{i}.md": pub(f"note {i} " + " ".join(WORDS[i:i + 6])) for i in range(6)})
    cfg = load_config(vault, out=tmp_path / "out")
    build(cfg)
    (kept,) = (cfg.cache_dir / "search").glob("index-*.pickle")
    data = kept.read_bytes()
    if damage == "cut":
        kept.write_bytes(data[:len(data) // 2])
    else:
        kept.write_bytes(bytes(b ^ 0x5A for b in data))
    made_anew = []
    monkeypatch.setattr(search, "_fill", lambda *a, _fill=search._fill: made_anew.append(1) or _fill(*a))
    _edit_and_compare(tmp_path, vault, cfg, {"N4.md": pub("note four, edited")})
    assert made_anew == [1, 1]  # the rebuild (its index unreadable) and the cold build
    made_anew.clear()
    _edit_and_compare(tmp_path, vault, cfg, {"N2.md": pub("note two, edited")})
    assert made_anew == [1]  # the cold build only: the index saved last time is read and patched


def test_a_rebuild_reading_no_blob_from_a_lost_log_saves_an_index_the_next_reads(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    write_files(vault, {f"N{i}.md": pub(f"note {i} " + " ".join(WORDS[i:i + 6])) for i in range(6)})
    cfg = load_config(vault, out=tmp_path / "out")
    build(cfg)
    (log,) = (cfg.cache_dir / "search").glob("blobs-*.log")
    log.unlink()
    made_anew = []
    monkeypatch.setattr(search, "_fill", lambda *a, _fill=search._fill: made_anew.append(1) or _fill(*a))
    _edit_and_compare(tmp_path, vault, cfg, {"New.md": pub("a note added, no blob read")})
    assert made_anew == [1, 1]  # its blobs could not be copied into a new log: made anew
    made_anew.clear()
    _edit_and_compare(tmp_path, vault, cfg, {"N2.md": pub("note two, edited")})
    assert made_anew == [1]  # the cold build only: the index saved last time is patched


def test_an_edit_rewrites_only_the_shards_of_the_words_it_changed(tmp_path):
    vault, out = tmp_path / "vault", tmp_path / "out"
    files = {f"N{i}.md": pub(f"Words of note {i}: {' '.join(WORDS[i % 8:i % 8 + 8])}.") for i in range(30)}
    write_files(vault, files)
    cfg = load_config(vault, out=out)
    build(cfg)
    before = snapshot(out)
    time.sleep(0.01)
    write_files(vault, {"N3.md": pub("Words of note 3: " + " ".join(WORDS[3:11]) + " zymurgy.")})
    build(cfg)
    after = snapshot(out)
    shards_before = {p for p in before if p.startswith("search/s/")}
    new = {p for p in after if p.startswith("search/s/")} - shards_before
    assert len(new) == 1 and b'"zymurgy"' in after[new.pop()]  # the shard of the new word, alone
    assert len(shards_before - set(after)) == 0  # no other shard changed
    assert after["search/meta.json"] != before["search/meta.json"]  # lengths and statistics did


def test_nothing_is_redone_when_no_searchable_content_changed(tmp_path):
    write_files(tmp_path / "content", {"A.md": pub("apple"), "B.md": pub("banana")})
    (tmp_path / "garden.toml").write_text("")
    cfg = load_config(tmp_path, out=tmp_path / "site")
    build(cfg)
    (cached,) = (tmp_path / ".garden-cache" / "search").glob("index-*.pickle")
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "site" / "search").rglob("*")}
    write_files(tmp_path / "theme" / "css", {"99-mine.css": "body { color: red }"})  # not searchable
    build(load_config(tmp_path, out=tmp_path / "site"))
    assert list((tmp_path / ".garden-cache" / "search").glob("index-*.pickle")) == [cached]
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site" / "search").rglob("*")} == stamps
    shutil.rmtree(tmp_path / "site" / "search" / "s")  # a lost file is written again, from the cache
    write_files(tmp_path / "theme" / "css", {"99-mine.css": "body { color: blue }"})
    build(load_config(tmp_path, out=tmp_path / "site"))
    assert (tmp_path / "site" / "search" / "s").is_dir() and any((tmp_path / "site" / "search" / "s").iterdir())
    write_files(tmp_path / "content", {"B.md": pub("banana bread")})
    build(load_config(tmp_path, out=tmp_path / "site"))
    assert list((tmp_path / ".garden-cache" / "search").glob("index-*.pickle")) != [cached]
