"""Properties of every build, checked by hypothesis over generated vaults.

A build never crashes; every page is well-formed HTML; every internal href and src
leads to a written file (and element, for #anchors); nothing of an unpublished note
or of a %%comment%% reaches any output file; an incremental rebuild equals a cold
build of the same vault, byte for byte.
"""
from __future__ import annotations

import json
import os
import tempfile
from xml.etree import ElementTree
from pathlib import Path

import pytest
from conftest import broken_references, html_errors, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.common.normalize_url import normalizeLink

from garden.build import build
from garden.config import load_config
from garden.diagnostics import GardenError
from garden.markdown.links import normalize_link

NAMES = ["Alpha", "beta note", "Café Noir", "🌱", "deep/Gamma", "deep/sub/delta", "שלום", "ALPHA", "x/Alpha",
         "Zed & Co", "index"]
WORDS = ["soil", "bees", "compost", "a < b", "R&D", '"quoted"', "it's", "emoji 🐝", "שלום", "1 * 2", "_x_"]
HEADINGS = ["Intro", "Part Two", "Émigré", "Part Two"]  # a repeated heading gets a numbered id
SECRET = "PRIVATESENTINEL"
COMMENT = "COMMENTSENTINEL"
PUBLISH = "---\n{meta}\n---\n"
BASE_URL = "https://user.example/sub/"

# Per test, not a global profile, so other test files keep their own settings.
MODEST = settings(deadline=None, max_examples=40,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def inline(names):
    name = st.sampled_from(names)
    return st.one_of(
        st.sampled_from(WORDS),
        name.map(lambda n: f"[[{n}]]"),
        st.tuples(name, st.sampled_from(HEADINGS)).map(lambda t: f"[[{t[0]}#{t[1]}]]"),
        name.map(lambda n: f"[[{n}|alias <i>{n}</i>]]"),
        name.map(lambda n: f"![[{n}]]"),
        st.tuples(name, st.sampled_from(HEADINGS)).map(lambda t: f"![[{t[0]}#{t[1]}]]"),
        name.map(lambda n: f"[md link]({n.replace(' ', '%20')}.md)"),
        st.sampled_from(["![[pic.png]]", "![alt](pic.png)", "![[missing.png]]", "[[pic.png]]", "#tag/sub",
                         "#Tag", "`[[not a link]]`", "**bold [[Alpha]]**", f"%%{COMMENT} [[Alpha]]%%",
                         "https://example.org/x", "[^1]", "^block1",
                         # a page's site path, a folder page, a tag page: links that can change
                         # where they lead when another note moves, appears or loses its tag
                         "[by path](/shared/)", "[by path](/one/)", "[[deep/]]", "[folder](deep/)",
                         "[[tags/garden]]"]),
    )


def blocks(names):
    line = st.lists(inline(names), min_size=1, max_size=6).map(" ".join)
    return st.one_of(
        line,
        st.sampled_from(HEADINGS).map(lambda h: f"## {h}"),
        st.lists(line, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
        line.map(lambda t: f"> {t}"),
        line.map(lambda t: f"> [!note] Callout\n> {t}"),
        st.just(f"%%\n{COMMENT} across\nlines\n%%"),
        st.just("```\ncode [[Alpha]] %%kept%%\n```"),
        st.just("[^1]: a footnote"),
        st.just("| a | b |\n|---|---|\n| [[Alpha]] | ![[pic.png]] |"),
    )


@st.composite
def vaults(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique=True))
    files: dict[str, str | bytes] = {"pic.png": b"\x89PNG picture", "secret.png": SECRET.encode()}
    any_published = False
    for i, name in enumerate(names):
        published = draw(st.booleans()) or (i == 0 and not any_published)
        any_published |= published
        meta: dict = {"dg-publish": published}
        if draw(st.booleans()):
            meta["title"] = draw(st.sampled_from(["<b>Bold</b> title", "Ünïcödé", "Plain", "A & B"]))
        if draw(st.booleans()):
            meta["permalink"] = draw(st.sampled_from(["/shared/", "/one/", "/deep/x/", "/two/"]))
        if draw(st.booleans()):
            meta["tags"] = draw(st.lists(st.sampled_from(["garden", "a/b", "🌱", "Garden"]), max_size=2))
        body = draw(st.lists(blocks(names), max_size=6))
        if not published:  # everything private carries the sentinel
            meta["description"] = f"{SECRET} description"
            meta["tags"] = [f"{SECRET}tag"]
            meta["aliases"] = [f"{SECRET} alias"]
            body = [f"{SECRET} body #{SECRET}hashtag ![[secret.png]]"] + body + [f"## {SECRET} heading"]
        files[f"{name}.md"] = PUBLISH.format(meta=json.dumps(meta)) + "\n\n".join(body) + "\n"
    return files


def build_site(root: Path, out: Path, use_cache: bool):
    cfg = load_config(root, out=out)
    return build(cfg, use_cache=use_cache)


def new_garden(folder: Path, files) -> Path:
    (folder / "content").mkdir(parents=True)
    write_files(folder / "content", files)
    # A full base_url, so the feeds and the sitemap are written (and checked) too.
    (folder / "garden.toml").write_text(f'title = "Generated <garden>"\nbase_url = "{BASE_URL}"\n')
    return folder


def site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".garden-manifest.json"}


@MODEST
@given(vaults())
def test_every_build_is_whole_well_formed_linked_and_private(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = new_garden(Path(tmp) / "g", files)
        try:
            build_site(root, Path(tmp) / "out", use_cache=False)
        except GardenError as exc:  # a clean refusal (nothing to publish) is not a crash
            assert "no note" in str(exc)
            return
        out = Path(tmp) / "out"
        written = site_files(out)
        for rel, data in written.items():
            assert SECRET.encode() not in data, f"private text in {rel}"
            assert COMMENT.encode() not in data, f"comment in {rel}"
            if rel.endswith(".html"):
                assert html_errors(data) == [], rel
            elif rel.endswith(".json"):
                json.loads(data)
            elif rel.endswith(".xml"):
                ElementTree.fromstring(data)
        assert {"feed.xml", "rss.xml", "sitemap.xml"} <= set(written)
        assert broken_references(out, base_path="/sub/") == []


MUTATIONS = st.lists(st.tuples(st.sampled_from(["edit", "add", "delete", "flip", "touch", "picture", "move"]),
                               st.integers(0, 50)), min_size=1, max_size=4)


@settings(MODEST, max_examples=25)
@given(vaults(), MUTATIONS)
def test_incremental_rebuild_equals_a_cold_build(files, mutations):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = new_garden(tmp / "g", files)
        vault = root / "content"
        try:
            build_site(root, tmp / "out", use_cache=True)
        except GardenError:
            return
        for kind, n in mutations:
            notes = sorted(vault.rglob("*.md"))
            note = notes[n % len(notes)] if notes else None
            if kind == "edit" and note:
                note.write_text(note.read_text() + f"\n\nEdited {n} [[Alpha]] ![[beta note]]\n")
            elif kind == "add":
                write_files(vault, {f"added {n}.md": f'---\n{{"dg-publish": true}}\n---\nNew [[Alpha]] #t{n}\n'})
            elif kind == "delete" and note and len(notes) > 1:
                note.unlink()
            elif kind == "flip" and note:
                text = note.read_text()
                note.write_text(text.replace('"dg-publish": true', '"dg-publish": X').replace(
                    '"dg-publish": false', '"dg-publish": true').replace('"dg-publish": X', '"dg-publish": false'))
            elif kind == "touch" and note:
                note.write_text(note.read_text())
            elif kind == "picture":
                (vault / "pic.png").write_bytes(b"\x89PNG another picture " + bytes([n]))
            elif kind == "move" and note:  # another permalink, or one where there was none
                text = note.read_text()
                moved = text.replace('"permalink": "/one/"', '"permalink": "/two/"', 1)
                note.write_text(moved if moved != text else text.replace("{", '{"permalink": "/one/", ', 1))
            if n % 2:  # every other change built at once: the next build starts from that one
                try:
                    build_site(root, tmp / "out", use_cache=True)
                except GardenError:
                    pass
        try:
            build_site(root, tmp / "out", use_cache=True)
        except GardenError:
            return
        cold = new_garden(tmp / "cold", {})
        for path in sorted(vault.rglob("*")):  # the same files, with the same times, in a fresh garden
            if path.is_file():
                target = cold / "content" / path.relative_to(vault)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
                stat = path.stat()
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        build_site(cold, tmp / "cold-out", use_cache=False)
        incremental, fresh = site_files(tmp / "out"), site_files(tmp / "cold-out")
        assert sorted(incremental) == sorted(fresh)
        for rel in fresh:
            assert incremental[rel] == fresh[rel], rel


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("wW.:/@-_ aé9İ\n")), max_size=40))
def test_the_bare_www_check_agrees_with_its_regex(text):
    """Whether a note holds a bare www. link decides which parser reads it: the quick check
    must give the regex's answer for every text, uppercase and two-letter lowercases too."""
    from garden.parse import _BARE_WWW, _bare_www
    assert _bare_www(text) == bool(_BARE_WWW.search(text))


_URL_CHARS = list("AZaz09-._~:/?#@!$&'()*+,;=%[]\\ é<>\"`{}|^")
_LABEL = st.text(alphabet=st.sampled_from(list("aZ09-_.")), max_size=70)


@pytest.mark.parametrize("url", [
    "https://example.org/a/b?c=d&e=f#g", "HTTPS://Example.COM/Path_(x)", "https://x.org/a%2Fb%zz",
    "http://@", "http://a@b/", "http://@.org/", "http://,:0", "https://x.org/a b", "https://x.org/é", "http://[::1]/",
    "https://" + "a" * 64 + ".org/", "https://" + ".".join(["a" * 60] * 5) + "/", "https://x.org:123456/",
    "https://xn--caf-dma.org/", "https://münchen.de/", "mailto:a@b.c", "notes/Some Note.md",
])
def test_plain_web_addresses_are_normalized_as_markdown_it_does(url):
    """Links skip markdown-it's address parser only where it would change nothing."""
    assert normalize_link(url) == normalizeLink(url)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTP://", "https:/", ""]),
       st.lists(_LABEL, min_size=1, max_size=4).map(".".join),
       st.sampled_from(["", ":80", ":0", ":123456", ":x", "@h"]),
       st.text(alphabet=st.sampled_from(_URL_CHARS), max_size=30))
def test_any_web_address_is_normalized_as_markdown_it_does(scheme, host, port, rest):
    url = scheme + host + port + rest
    assert normalize_link(url) == normalizeLink(url)
