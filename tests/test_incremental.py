"""Rebuilds with the cache must equal cold builds, byte for byte, whatever changed."""
from __future__ import annotations

import calendar
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import run_garden, write_files
from garden.build import build
from garden.config import load_config

BASE = {
    "index.md": "---\ndg-publish: true\n---\nWelcome. [[Alpha]] [[Beta#Part One]] [[Gone]] #start\n",
    "notes/Alpha.md": "---\ndg-publish: true\ntitle: Alpha\ntags: [greek]\n---\nAlpha links [[Beta]].\n\n"
                      "![[Beta#Part One]]\n\n## A Heading\n\ntext ^blk\n",
    "notes/Beta.md": "---\ndg-publish: true\n---\n# Beta\n\nIntro.\n\n## Part One\n\nOne [[Alpha#A Heading]].\n",
    "notes/Gamma.md": "---\ndg-publish: true\n---\nGamma embeds ![[Alpha#^blk]] and [[Private]].\n",
    "Private.md": "no flag\n",
    "img.png": b"\x89PNG",
    # Links whose target no file name decides: a site path, a folder and a tag page, a broken
    # link's "did you mean".
    "Ways.md": "---\ndg-publish: true\n---\n[by path](/delta/) [[other/]] [[tags/greek]] [[Epsilonn]]\n",
}


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".garden-manifest.json"}


def edit(vault: Path, files: dict) -> None:
    time.sleep(0.01)  # a distinct mtime, as a real save has
    for rel, content in files.items():
        if content is None:
            (vault / rel).unlink()
        else:
            write_files(vault, {rel: content})


def built(vault: Path, out: Path, use_cache: bool):
    cfg = load_config(vault, out=out)
    return build(cfg, use_cache=use_cache)


EDITS = {
    "body of a linked note": {"notes/Beta.md": "---\ndg-publish: true\n---\n# Beta\n\nNew intro.\n\n## Part One\n\nChanged.\n"},
    "a heading others link to": {"notes/Alpha.md": "---\ndg-publish: true\ntitle: Alpha\n---\nAlpha.\n\n## Renamed\n\ntext ^blk\n"},
    "a title shown in backlinks": {"notes/Alpha.md": "---\ndg-publish: true\ntitle: Alpha Prime\ntags: [greek]\n---\n[[Beta]]\n"},
    "a note that fixes a broken link": {"Gone.md": "---\ndg-publish: true\n---\nNow here.\n"},
    "a deleted note": {"notes/Gamma.md": None},
    "a note made private": {"notes/Beta.md": "---\ndg-publish: false\n---\n# Beta\n"},
    "a private note published": {"Private.md": "---\ndg-publish: true\n---\nnow public [[Alpha]]\n"},
    "an embedded block": {"notes/Alpha.md": "---\ndg-publish: true\ntitle: Alpha\ntags: [greek]\n---\n## A Heading\n\nother ^blk\n"},
    "tags": {"notes/Beta.md": "---\ndg-publish: true\ntags: [greek, new]\n---\n# Beta\n\n## Part One\n"},
    "a renamed note": {"notes/Beta.md": None, "notes/Beta Two.md": BASE["notes/Beta.md"]},
    "a page moved to a linked site path": {"notes/Gamma.md": "---\ndg-publish: true\npermalink: delta\n---\nGamma.\n"},
    "a new folder": {"other/Zeta.md": "---\ndg-publish: true\n---\nZeta.\n"},
    "a tag's only note untagged": {"notes/Alpha.md": "---\ndg-publish: true\ntitle: Alpha\n---\n[[Beta]]\n"},
    "a name close to a broken link's": {"Epsilon.md": "no flag, but a name all the same\n"},
    "a removed attachment": {"img.png": None, "index.md": "---\ndg-publish: true\n---\n![[img.png]]\n"},
    # What only the explorer shows of a note, one at a time (the explorer is made again when any changes).
    "a note pinned in the file tree": {"notes/Gamma.md": BASE["notes/Gamma.md"].replace("---\nG", "dg-pinned: true\n---\nG")},
    "a note's icon": {"notes/Gamma.md": BASE["notes/Gamma.md"].replace("---\nG", "dg-note-icon: star\n---\nG")},
    "a note hidden from the file tree": {
        "notes/Gamma.md": BASE["notes/Gamma.md"].replace("---\nG", "dg-hide-in-filetree: true\n---\nG")},
    "a note hidden": {"notes/Gamma.md": BASE["notes/Gamma.md"].replace("---\nG", "dg-hide: true\n---\nG")},
}


@pytest.mark.parametrize("change", list(EDITS))
def test_rebuild_after_an_edit_equals_a_cold_build(tmp_path, change):
    vault = tmp_path / "vault"
    write_files(vault, BASE)
    out = tmp_path / "out"
    built(vault, out, use_cache=True)
    first = built(vault, out, use_cache=True)
    assert first.changed == 0  # nothing changed: nothing written
    edit(vault, EDITS[change])
    again = built(vault, out, use_cache=True)
    cold = tmp_path / "cold"
    fresh = built(vault, cold, use_cache=False)
    assert snapshot(out) == snapshot(cold)
    assert [d.format() for d in again.report.items] == [d.format() for d in fresh.report.items]


# A page's key is made again only when something it reads changed (render.stale_pages): each
# case changes one such thing and nothing else the page reads.
KEYED = {
    "a note embedded whole, two embeds away": (
        {"Top.md": "---\ndg-publish: true\n---\n![[Middle]]\n", "Middle.md": "---\ndg-publish: true\n---\n![[Bottom]]\n",
         "Bottom.md": "---\ndg-publish: true\n---\nBottom.\n"},
        {"Bottom.md": "---\ndg-publish: true\n---\nBottom, edited.\n"}),
    "a tag's name as first written": (
        {"b/Tagged.md": "---\ndg-publish: true\ntags: [greek]\n---\nTagged.\n"},
        {"a/First.md": "---\ndg-publish: true\ntags: [GREEK]\n---\nFirst.\n"}),
    "a page listed by a folder note": (
        {"notes.md": "---\ndg-publish: true\n---\nThe folder's own note.\n", "notes/One.md": "---\ndg-publish: true\n---\nOne.\n"},
        {"notes/One.md": "---\ndg-publish: true\ntitle: One, retitled\n---\nOne.\n"}),
    "the home page moved": (
        {"index.md": "---\ndg-publish: true\n---\nHome.\n", "Other.md": "---\ndg-publish: true\n---\nOther.\n"},
        {"Other.md": "---\ndg-publish: true\ndg-home: true\n---\nOther.\n"}),
    # A list page's entries are made again only when one of its pages changed or left it.
    "one page leaving a tag as another joins it": (
        {"A.md": "---\ndg-publish: true\ntags: [x]\n---\nA.\n", "B.md": "---\ndg-publish: true\n---\nB.\n"},
        {"A.md": "---\ndg-publish: true\n---\nA.\n", "B.md": "---\ndg-publish: true\ntags: [x]\n---\nB.\n"}),
    "a title shown on a tag page": (
        {"f/A.md": "---\ndg-publish: true\ntags: [x]\n---\nA.\n"},
        {"f/A.md": "---\ndg-publish: true\ntitle: A, retitled\ntags: [x]\n---\nA.\n"}),
    "a page on a folder page deleted": (
        {"f/One.md": "---\ndg-publish: true\n---\nOne.\n", "f/Two.md": "---\ndg-publish: true\n---\nTwo.\n"},
        {"f/Two.md": None}),
}


@pytest.mark.parametrize("change", list(KEYED))
def test_a_page_is_made_again_when_what_its_key_reads_changed(tmp_path, change):
    files, changes = KEYED[change]
    vault = tmp_path / "vault"
    write_files(vault, {**files, "Aside.md": "---\ndg-publish: true\n---\nAside.\n"})
    out = tmp_path / "out"
    built(vault, out, use_cache=True)
    edit(vault, {"Aside.md": "---\ndg-publish: true\n---\nAside, edited.\n"})
    built(vault, out, use_cache=True)  # a rebuild: the first to keep all a rebuild can reuse
    edit(vault, changes)
    built(vault, out, use_cache=True)
    cold = tmp_path / "cold"
    built(vault, cold, use_cache=False)
    assert snapshot(out) == snapshot(cold)


def test_embed_cycles_found_in_a_rebuild_equal_a_cold_builds(tmp_path):
    """A rebuild reuses the last embed cycles unless a page that embeds changed, came or went."""
    vault, out = tmp_path / "vault", tmp_path / "out"
    cyclic = "---\ndg-publish: true\n---\n# B\n\n## Part\n\n![[A]]\n"
    write_files(vault, {"A.md": "---\ndg-publish: true\n---\nA shows ![[B#Part]]\n", "B.md": cyclic,
                        "Aside.md": "---\ndg-publish: true\n---\nAside.\n"})
    built(vault, out, use_cache=True)
    steps = [{"Aside.md": "---\ndg-publish: true\n---\nAside, edited.\n"},  # the cycle is kept as found
             {"B.md": cyclic.replace("![[A]]", "![[Aside]]")},  # broken, B still embedding
             {"B.md": cyclic},  # closed again
             {"B.md": cyclic.replace("true", "false")}]  # a page on it unpublished
    for n, change in enumerate(steps):
        edit(vault, change)
        again = built(vault, out, use_cache=True)
        cold = tmp_path / f"cold{n}"
        fresh = built(vault, cold, use_cache=False)
        assert snapshot(out) == snapshot(cold), n
        assert [d.format() for d in again.report.items] == [d.format() for d in fresh.report.items], n
        assert any(d.code == "embed-cycle" for d in fresh.report.items) == (n in (0, 2)), n


def test_a_note_touched_shows_its_new_date(tmp_path):
    """Same bytes, a new mtime: the note is not parsed again, but the date its page shows moved."""
    vault = tmp_path / "vault"
    write_files(vault, {"Note.md": "---\ndg-publish: true\n---\nText.\n", "Other.md": "---\ndg-publish: true\n---\n[[Note]]\n"})
    out = tmp_path / "out"
    built(vault, out, use_cache=True)
    os.utime(vault / "Note.md", (1_700_000_000, 1_700_000_000))  # 2023-11-14
    built(vault, out, use_cache=True)
    assert "2023-11-14" in (out / "note" / "index.html").read_text()
    cold = tmp_path / "cold"
    built(vault, cold, use_cache=False)
    assert snapshot(out) == snapshot(cold)


def test_a_check_between_an_edit_and_a_build_does_not_hide_the_edit(tmp_path):
    """`garden check` saves the notes it parsed, which are not those the site was made from."""
    from garden.build import read_garden
    from garden.diagnostics import Report
    dated = "---\ndg-publish: true\ncreated: 2024-01-01\nupdated: 2024-02-01\n"  # the dates do not move with the file
    vault = tmp_path / "vault"
    write_files(vault, {"Alpha.md": dated + "---\n[[Beta]]\n", "Beta.md": dated + "---\nBeta.\n"})
    out = tmp_path / "out"
    built(vault, out, use_cache=True)
    edit(vault, {"Alpha.md": dated + "title: Alpha Prime\n---\n[[Beta]]\n"})
    read_garden(load_config(vault, out=out), Report())
    built(vault, out, use_cache=True)
    assert "Alpha Prime" in (out / "beta" / "index.html").read_text()
    cold = tmp_path / "cold"
    built(vault, cold, use_cache=False)
    assert snapshot(out) == snapshot(cold)


def test_a_site_built_before_an_edit_into_another_folder_is_made_again(tmp_path):
    """The cache follows the last build, wherever it wrote: a site in another folder, made
    before the edit, keeps no page the edit changed."""
    dated = "---\ndg-publish: true\ncreated: 2024-01-01\nupdated: 2024-02-01\n"
    vault = tmp_path / "vault"
    write_files(vault, {"Alpha.md": dated + "---\n[[Beta]]\n", "Beta.md": dated + "---\nBeta.\n"})
    first, second = tmp_path / "first", tmp_path / "second"
    built(vault, first, use_cache=True)
    edit(vault, {"Alpha.md": dated + "title: Alpha Prime\n---\n[[Beta]]\n"})
    built(vault, second, use_cache=True)
    built(vault, first, use_cache=True)
    assert "Alpha Prime" in (first / "beta" / "index.html").read_text()
    assert snapshot(first) == snapshot(second)


def test_an_edit_rewrites_only_the_pages_it_affects(tmp_path):
    vault = tmp_path / "vault"
    files = dict(BASE)
    for i in range(20):
        files[f"more/Note {i}.md"] = f"---\ndg-publish: true\n---\nUnrelated note {i}.\n"
    write_files(vault, files)
    out = tmp_path / "out"
    built(vault, out, use_cache=True)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    edit(vault, {"notes/Gamma.md": "---\ndg-publish: true\n---\nGamma, edited.\n"})
    built(vault, out, use_cache=True)
    rewritten = sorted(p.relative_to(out).as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t)
    # the note itself, and the generated home page listing it (its summary changed)
    assert "notes/gamma/index.html" in rewritten
    assert not any(r.startswith("more/") for r in rewritten)
    assert len(rewritten) <= 3, rewritten  # (the search index and graph data change too: not pages)


def test_a_build_names_exactly_the_site_files_it_wrote_or_removed(tmp_path):
    """What a build reports written (serve reloads the pages among it) is what changed on disk:
    every file of a first build, then the files an edit rewrote and the ones a deletion removed."""
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)

    def site() -> dict[str, tuple[int, int]]:
        return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino) for p in out.rglob("*")
                if p.is_file() and p.name != ".garden-manifest.json"}

    first = built(vault, out, use_cache=True)
    before = site()
    assert sorted(first.written) == sorted(before)
    edit(vault, {"notes/Gamma.md": "---\ndg-publish: true\n---\nGamma, edited.\n", "Ways.md": None})
    second = built(vault, out, use_cache=True)
    after = site()
    rewritten = {f for f, stamp in after.items() if before.get(f) != stamp}
    removed = set(before) - set(after)
    assert "notes/gamma/index.html" in rewritten and "ways/index.html" in removed
    assert sorted(second.written) == sorted(rewritten | removed)


def test_an_edited_template_is_used_by_the_next_cached_build(tmp_path):
    """Compiled templates are kept in the cache between builds; an edited one is compiled again."""
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    note = "{% extends 'base.html' %}{% block main %}<p class=\"mine\">{{ page.title }} WORD</p>{% endblock %}"
    for word in ("first", "second"):
        edit(vault, {"theme/templates/note.html": note.replace("WORD", word)})
        built(vault, out, use_cache=True)
        assert f"Alpha {word}</p>" in (out / "notes/alpha/index.html").read_text()
    cfg = load_config(vault, out=out)
    assert any(cfg.cache_dir.glob("notes-*/templates/*"))  # where they are kept
    cold = tmp_path / "cold"
    built(vault, cold, use_cache=False)
    assert snapshot(out) == snapshot(cold)


def test_a_session_keeps_the_cache_in_memory_and_equals_cold_builds(tmp_path):
    """What `garden serve` does: many builds in one process, the cache kept between them."""
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    session: dict = {}
    build(cfg, session=session)
    for change in ("body of a linked note", "a renamed note", "a note that fixes a broken link"):
        edit(vault, EDITS[change])
        build(cfg, session=session)
        cold = tmp_path / f"cold-{len(change)}"
        built(vault, cold, use_cache=False)
        assert snapshot(out) == snapshot(cold), change
    assert not any((cfg.cache_dir).rglob("state.pickle"))  # nothing reached the disk yet
    from garden.cache import Cache
    from garden.config import fingerprint
    Cache(cfg.cache_dir, fingerprint(cfg), session=session).flush()
    assert any((cfg.cache_dir).rglob("state.pickle"))


def test_the_cache_appends_to_its_log_only_what_changed(tmp_path, monkeypatch):
    from garden.cache import Cache, Index, Log, State
    from garden.model import Note

    def note(digest):
        return Note(f"{digest}.md", digest, 0.0, {"title": digest * 50}, True)

    def digests(state):
        return {rel: n.digest for rel, n in state.notes.items()}, dict(state.resolutions)

    cache = Cache(tmp_path, "k")
    cache.prepare()
    cache.save(Index(), State().after({"a": note("old a"), "b": note("b")}, {}, {"r": ("res",)}, None, None, None))
    (log,) = cache.folder.glob("values-*.log")
    size = log.stat().st_size
    loaded = Cache(tmp_path, "k").load_state()
    assert digests(loaded) == ({"a": "old a", "b": "b"}, {"r": ("res",)})
    cache.save(Index(), loaded.after({"a": note("new a"), "b": loaded.notes["b"], "c": note("c")}, {},
                                     loaded.resolutions, None, None, None))
    grown = log.stat().st_size - size
    assert 0 < grown < size  # a and c appended; b and the resolution stay where they are
    again = Cache(tmp_path, "k").load_state()
    assert digests(again) == ({"a": "new a", "b": "b", "c": "c"}, {"r": ("res",)})
    # A log mostly of values no state names any more is copied into a new one, live values only.
    monkeypatch.setattr(Log, "MAX_DEAD", 0)
    cache.save(Index(), again.after({"a": again.notes["a"]}, {}, {}, None, None, None))
    (new,) = cache.folder.glob("values-*.log")
    assert new != log and new.stat().st_size < size
    assert digests(Cache(tmp_path, "k").load_state()) == ({"a": "new a"}, {})
    # Values that are not where the state says (two builds saving at once, a damaged disk)
    # make a slower build, never a wrong one.
    cache.save(Index(), State().after({"a": note("x"), "b": note("y")}, {}, {}, None, None, None))
    (new,) = cache.folder.glob("values-*.log")
    assert digests(Cache(tmp_path, "k").load_state()) == ({"a": "x", "b": "y"}, {})
    data = new.read_bytes()
    half = len(data) // 2  # the two records, of the same length, swapped
    new.write_bytes(data[half:] + data[:half])
    assert digests(Cache(tmp_path, "k").load_state()) == ({}, {})
    new.write_bytes(data[:5])  # cut short, as a crash may leave it
    assert digests(Cache(tmp_path, "k").load_state()) == ({}, {})


def test_note_bodies_are_kept_in_a_few_packs_that_stay_few(tmp_path, monkeypatch):
    """The cache keeps bodies in one pack per process that parsed notes, not one file per
    note; edits add packs, and a save copies the live bodies into one when they grow many."""
    from garden.cache import Bodies
    from garden.parallel import workers

    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE | {f"more/Note {i}.md": f"---\ndg-publish: true\n---\nNote {i} [[Alpha]].\n"
                               for i in range(300)})
    cfg = load_config(vault, out=out)
    build(cfg)
    (bodies,) = cfg.cache_dir.glob("notes-*/bodies")
    assert 1 <= len(list(bodies.iterdir())) <= workers()
    monkeypatch.setattr(Bodies, "MAX_PACKS", 3)
    monkeypatch.setattr("garden.cache.workers", lambda: 1)  # (the floor is two packs a core)
    for i in range(6):
        edit(vault, {f"more/Note {i}.md": f"---\ndg-publish: true\n---\nNote {i}, edit {i} [[Beta]].\n"})
        build(cfg)
        assert len(list(bodies.iterdir())) <= 3, i
        built(vault, tmp_path / f"cold{i}", use_cache=False)
        assert snapshot(out) == snapshot(tmp_path / f"cold{i}")
    before = sum(p.stat().st_size for p in bodies.iterdir())
    monkeypatch.setattr(Bodies, "MAX_DEAD", 0)
    edit(vault, {f"more/Note {i}.md": None for i in range(300)})  # their bodies are dead bytes now
    build(cfg)
    assert len(list(bodies.iterdir())) == 1
    assert sum(p.stat().st_size for p in bodies.iterdir()) < before / 10
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_notes_whose_files_keep_their_bytes_are_not_parsed_again(tmp_path, monkeypatch):
    """A checkout or a sync gives every file a new mtime: load compares the bytes' digest
    and the parsed notes are reused; a new file is parsed (its digest found as it is read)."""
    import os

    import garden.parse as parsing

    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    build(cfg)
    parsed = tmp_path / "parsed.txt"  # a file, not a list: a rebuild may parse in a helper process
    real = parsing.parse_note

    def counted(source, c):
        with parsed.open("a") as f:
            f.write(source.rel + "\n")
        return real(source, c)
    monkeypatch.setattr(parsing, "parse_note", counted)
    later = time.time() + 60
    for path in vault.rglob("*.md"):
        os.utime(path, (later, later))
    write_files(vault, {"notes/Delta.md": "---\ndg-publish: true\n---\nNew, links [[Alpha]].\n"})
    build(cfg)
    assert parsed.read_text().split() == ["notes/Delta.md"]
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_a_file_that_is_not_utf8_is_reported_at_every_build_until_it_is_fixed(tmp_path):
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE | {"Bad.md": b"---\ndg-publish: true\n---\nfine\nbad \xff byte\n"})
    cfg = load_config(vault, out=out)
    for _ in range(2):  # the second build finds nothing changed
        result = build(cfg)
        assert [e.format() for e in result.report.errors] == \
            ["Bad.md:5: error: not valid UTF-8 at byte 34 (save the file as UTF-8); the note is skipped"]
        assert result.notes == len(BASE) - 1 and not (out / "bad").exists()  # less the picture
    edit(vault, {"Bad.md": "---\ndg-publish: true\n---\nfine\nnow good\n"})
    result = build(cfg)
    assert not result.report.errors and result.notes == len(BASE) and (out / "bad" / "index.html").is_file()


def test_a_session_appends_every_rebuild_to_one_pack(tmp_path, monkeypatch):
    """`garden serve` rebuilds for every save: its bodies go to one pack, not one more per
    rebuild, so the cache neither grows a file a save nor copies itself over and over."""
    from garden.cache import Bodies, Cache
    from garden.config import fingerprint

    monkeypatch.setattr(Bodies, "MAX_PACKS", 1)
    monkeypatch.setattr("garden.cache.workers", lambda: 1)
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    session: dict = {}
    build(cfg, session=session)
    (bodies,) = cfg.cache_dir.glob("notes-*/bodies")
    for i in range(8):
        edit(vault, {"notes/Gamma.md": f"---\ndg-publish: true\n---\nGamma, edit {i}, embeds ![[Alpha#^blk]].\n"})
        build(cfg, session=session)
    assert len(list(bodies.iterdir())) == 1
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")
    Cache(cfg.cache_dir, fingerprint(cfg), session=session).flush()
    assert len(list(bodies.iterdir())) == 1


def _cut_short(pack: Path) -> None:
    with open(pack, "r+b") as f:
        f.truncate(pack.stat().st_size // 2)


@pytest.mark.parametrize("damage", [Path.unlink, _cut_short], ids=["deleted", "cut short by a crash"])
def test_a_damaged_pack_of_bodies_only_makes_a_slower_build(tmp_path, damage):
    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    build(cfg)
    for pack in cfg.cache_dir.glob("notes-*/bodies/*"):
        damage(pack)
    edit(vault, {"notes/Gamma.md": "---\ndg-publish: true\n---\nGamma embeds ![[Alpha#^blk]] again.\n"})
    assert not build(cfg).report.errors
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_a_build_without_the_cache_keeps_bodies_on_disk_and_leaves_nothing_behind(tmp_path):
    """--no-cache still moves each note's HTML out of memory (into a scratch folder of the
    system's temporary space, which goes with the build), and writes no .garden-cache/."""
    notes = {f"n{i:03}.md": f"---\ndg-publish: true\n---\nNote {i} shows ![[n{(i + 1) % 200:03}#Part]].\n\n"
                            f"## Part\n\nPart of note {i}, with `code` and [[n{(i + 7) % 200:03}]].\n"
             for i in range(200)}  # enough notes for helpers to parse them, each writing a pack of its own
    write_files(tmp_path / "vault", notes)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch))
    r = run_garden("build", "vault", "--out", tmp_path / "bare", "--no-cache", cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "vault" / ".garden-cache").exists() and list(scratch.iterdir()) == []
    assert run_garden("build", "vault", "--out", tmp_path / "cached", cwd=tmp_path, env=env).returncode == 0
    assert snapshot(tmp_path / "bare") == snapshot(tmp_path / "cached")
    assert "Part of note 1, with <code>code</code>" in (tmp_path / "bare" / "n000" / "index.html").read_text()

    garden = built(tmp_path / "vault", tmp_path / "again", use_cache=False).garden
    note = garden.by_rel["n005.md"].note
    assert note.html is None and "Part of note 5" in garden.html(note)  # read back from the scratch folder


def test_a_list_is_rendered_again_when_a_day_it_shows_changes_not_the_time(tmp_path):
    """Pages show a note's dates as days: an edit later on the day the note last changed leaves
    the tag and folder pages listing it as they were; an edit on another day renders them again
    (here with a list template that shows each note's day)."""
    listing = (Path(__file__).parent.parent / "themes" / "default" / "templates" / "list.html").read_text()
    assert "{{ item.title }}</a>" in listing
    write_files(tmp_path, {"garden.toml": "", "theme/templates/list.html": listing.replace(
        "{{ item.title }}</a>", "{{ item.title }}</a> <time>{{ item.updated }}</time>")})
    note = "---\ndg-publish: true\ntags: [soil]\n---\nSoil notes.\n"
    write_files(tmp_path / "content", {"beds/Soil.md": note, "beds/Other.md": "---\ndg-publish: true\n---\nOther.\n"})
    path, out = tmp_path / "content" / "beds" / "Soil.md", tmp_path / "site"
    day = calendar.timegm((2024, 5, 10, 9, 0, 0))  # file times are shown as UTC days
    os.utime(path, (day, day))
    build(load_config(tmp_path, out=out))
    lists = ["tags/soil/index.html", "beds/index.html"]
    stamps = {p: (out / p).stat().st_mtime_ns for p in lists}

    def edit_at(when: float, text: str) -> None:
        path.write_text(note + "\n## Later\n\n" + text)  # the summary stays the first paragraph
        os.utime(path, (when, when))
        build(load_config(tmp_path, out=out))
        cold = tmp_path / "cold"
        shutil.rmtree(cold, ignore_errors=True)
        build(load_config(tmp_path, out=cold), use_cache=False)
        assert snapshot(out) == snapshot(cold)

    edit_at(day + 3600, "An hour later.\n")
    assert {p: (out / p).stat().st_mtime_ns for p in lists} == stamps  # the same day shown
    edit_at(day + 3 * 86400, "Three days later.\n")
    assert all(b"<time>2024-05-13</time>" in (out / p).read_bytes() for p in lists)  # a new day shown


@pytest.mark.parametrize("also", ["nothing else", "an edit", "the cache's state loaded in vain"])
def test_site_files_deleted_since_the_last_build_are_written_again(tmp_path, monkeypatch, also):
    """The next build looks for every file the last one wrote (in a helper, while this process
    loads the cache's state) and writes again the ones someone deleted, whatever else changed."""
    from garden import parallel

    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    build(cfg)
    whole = snapshot(out)
    gone = ["notes/alpha/index.html", "tags/greek/index.html", "static/graph.json",
            next(p for p in whole if p.startswith("search/s/"))]
    for rel in gone:
        (out / rel).unlink()
    if also == "an edit":
        edit(vault, {"notes/Gamma.md": BASE["notes/Gamma.md"] + "\nMore.\n"})
    if also == "the cache's state loaded in vain":
        # The helper's answer (nothing changed) is waited for: loading the state stops at once,
        # and the files gone make the build load it after all.
        monkeypatch.setattr(parallel.Ahead, "ready", lambda self: self._helper is None or self._ours.poll(30))
    result = build(cfg)
    assert result.changed >= len(gone)
    assert all((out / rel).is_file() for rel in gone)
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")
    if also != "an edit":
        assert snapshot(out) == whole


def test_a_build_that_finds_nothing_changed_leaves_the_state_half_loaded(tmp_path, monkeypatch):
    """Nothing changed: the build returns once the helper that walked the vault says so, and
    the cache's state it was loading meanwhile is dropped; the next edit builds as ever."""
    from garden import cache, parallel

    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    build(cfg)
    monkeypatch.setattr(parallel.Ahead, "ready", lambda self: self._helper is None or self._ours.poll(30))
    loaded = []
    real = cache.Cache.load_state
    monkeypatch.setattr(cache.Cache, "load_state", lambda self, stop=None: loaded.append(r := real(self, stop)) or r)
    result = build(cfg)
    assert result.changed == 0 and result.garden is None and loaded == [None]
    edit(vault, {"notes/Beta.md": BASE["notes/Beta.md"].replace("Intro.", "Intro, again.")})
    assert build(cfg).changed > 0
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_a_rebuild_whose_scout_dies_finds_what_it_would_have_found(tmp_path, monkeypatch):
    """The helper that walks the vault while the state loads is killed (say, by the system
    running out of memory): the build does its work itself and the site is as ever."""
    import garden.build as building

    vault, out = tmp_path / "vault", tmp_path / "out"
    write_files(vault, BASE)
    cfg = load_config(vault, out=out)
    build(cfg)
    parent, real = os.getpid(), building._scout
    monkeypatch.setattr(building, "_scout", lambda *a, **k: real(*a, **k) if os.getpid() == parent else os._exit(9))
    edit(vault, {"notes/Beta.md": BASE["notes/Beta.md"].replace("Intro.", "Intro, again.")})
    assert build(cfg).changed > 0
    built(vault, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")
    assert build(cfg).changed == 0  # and the next build finds the site current


def test_a_rebuild_loads_the_markdown_parser_only_where_a_note_is_parsed(tmp_path):
    """After an edit, the helper that walks the vault parses the note; the main process, which
    renders the site, never imports markdown-it (0.02 s of a rebuild); a build that finds the
    site current imports neither it nor Jinja."""
    import subprocess
    import sys

    vault = tmp_path / "vault"
    write_files(vault, BASE)
    probe = ("import sys; from garden import cli; "
             "code = cli.main(['build', '-q', sys.argv[1], '--out', sys.argv[2]]); "
             "print(code, 'markdown_it' in sys.modules, 'jinja2' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]))

    def build_and_look() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(vault), str(tmp_path / "site")], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120).stdout.strip()
    assert build_and_look() == "0 True True"  # the first build parses every note here
    edit(vault, {"notes/Beta.md": BASE["notes/Beta.md"].replace("Intro.", "Intro, edited.")})
    assert build_and_look() == "0 False True"
    assert "Intro, edited." in (tmp_path / "site" / "notes" / "beta" / "index.html").read_text()
    assert build_and_look() == "0 False False"
