"""Hostile and broken input: each case is reported as `path:line`, the good notes still build,
nothing leaks or escapes the output folder, and no traceback ever reaches the user."""
from __future__ import annotations

import json
import os
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import broken_references, html_errors, run_garden, write_files

PUB = "---\ndg-publish: true\n---\n"
GOOD = {"good.md": PUB + "# Good\n\nThe good note [[good]].\n"}


def problems(site) -> list[str]:
    return site.errors + site.warnings


# --- Frontmatter and bytes -------------------------------------------------------------------

@pytest.mark.parametrize("content, expected", [
    ("---\ndg-publish: true\ntags: [a, b\n---\nbody", "bad.md:3: error: invalid YAML frontmatter"),
    ("---\ndg-publish: true\ntitle: a: b: c\n---\nbody", "bad.md:3: error: invalid YAML frontmatter"),
    ('{"dg-publish": true,, "title": "x"}\nbody', "bad.md:1: error: invalid JSON frontmatter"),
    ('---\n{"dg-publish": true,\n "title": "x" "y"}\n---\nbody', "bad.md:3: error: invalid JSON frontmatter"),
    ("---\n- dg-publish\n- true\n---\nbody", "bad.md:1: error: frontmatter must be a mapping of keys to values, "
                                             "not a list"),
    ("---\njust words\n---\nbody", "bad.md:1: error: frontmatter must be a mapping of keys to values, "
                                   "not a single str value"),
    ("---\ndg-publish: true\ntitle: never closed\n\nbody", "bad.md:1: error: frontmatter opened with '---' "
                                                           "is never closed"),
    (b"---\ndg-publish: true\n---\nfine\nbad \xff\xfe byte\n", "bad.md:5: error: not valid UTF-8 at byte 34"),
    (b"\xc3\x28---\n", "bad.md:1: error: not valid UTF-8 at byte 0"),
])
def test_broken_frontmatter_and_bytes_skip_the_note_with_its_line(make_garden, content, expected):
    site = make_garden({**GOOD, "bad.md": content})
    assert any(e.startswith(expected) for e in site.errors), site.errors
    assert (site.out / "good" / "index.html").is_file()
    assert not (site.out / "bad").exists()


def test_duplicate_keys_warn_with_their_line_and_the_last_value_wins(make_garden):
    site = make_garden({**GOOD, "dup.md": "---\ndg-publish: true\ntitle: First\ntitle: Second\n---\nbody"})
    assert site.warnings == ["dup.md:4: warning: duplicate frontmatter key 'title': the last value is used"]
    assert site.page("dup/").select_one("h1").get_text() == "Second"


def test_bom_crlf_and_empty_files(make_garden):
    site = make_garden({
        **GOOD,
        "bom.md": b"\xef\xbb\xbf---\r\ndg-publish: true\r\ntitle: Byte order mark\r\n---\r\nbom body\r\n",
        "crlf.md": b"---\r\ndg-publish: true\r\n---\r\nline 4\r\n\r\nline 6 [[nowhere]]\r\n",
        "mac.md": b"---\rdg-publish: true\r---\rold mac [[nowhere]]\r",
        "empty.md": b"",
        "only-fences.md": b"---\n---\n",
        "blank.md": b"\n\n\n",
    })
    assert site.errors == []
    assert sorted(site.warnings) == ["crlf.md:6: warning: broken link: [[nowhere]] matches no file in the vault",
                                     "mac.md:4: warning: broken link: [[nowhere]] matches no file in the vault"]
    assert site.page("bom/").select_one("h1").get_text() == "Byte order mark"
    assert "\r" not in site.text("crlf/index.html")
    assert site.result.notes == 7 and site.result.pages == 4
    everything = make_garden({"empty.md": b"", "only-fences.md": b"---\n---\n"}, publish="all")
    assert everything.errors == [] and everything.page("empty/").select_one("h1").get_text() == "empty"


# --- Size and depth ---------------------------------------------------------------------------

def test_a_ten_megabyte_note_builds(make_garden):
    paragraph = "Compost turns kitchen scraps into soil, given air, water and patience. " * 14 + "\n\n"
    body = "".join(f"## Part {i}\n\n" + paragraph * 20 if i % 2 else paragraph * 20 for i in range(520))
    assert len(body) > 10_000_000
    site = make_garden({**GOOD, "big.md": PUB + body + "THE-VERY-END\n"})
    assert site.errors == [] and site.warnings == []
    html = site.text("big/index.html")
    assert "THE-VERY-END" in html and html.count('<h2 id="part-') == 260


@pytest.mark.parametrize("body", [
    "> " * 1000 + "deep quote\n",
    "- " * 1000 + "deep list\n",
    "".join("  " * i + "- level\n" for i in range(1000)) + "\n",
    "1. > - " * 400 + "mixed\n",
    "[" * 3000 + "brackets" + "]" * 3000 + "\n",
    "*" * 5000 + "stars" + "*" * 5000 + "\n",
    "![[" * 2000 + "\n",
])
def test_thousand_deep_nesting_keeps_the_text_after_it(make_garden, body):
    site = make_garden({**GOOD, "deep.md": PUB + body + "\nAFTER-THE-DEEP-PART\n"})
    html = site.text("deep/index.html")
    assert "AFTER-THE-DEEP-PART" in html
    assert html_errors(html) == []
    assert html.count("<blockquote>") <= 60 and html.count("<ul>") + html.count("<ol>") <= 60  # bounded


# --- Names, tags and permalinks ---------------------------------------------------------------

def test_unicode_emoji_and_rtl_names_and_tags(make_garden):
    site = make_garden({
        "index.md": PUB + "[[🌱]] [[🌻]] [[שלום עולם]] [[Café Noir]] [[日本語のノート]] [[✨ ✨]]\n",
        "🌱.md": "---\ndg-publish: true\ntags: [🌱, עברית]\n---\nseedling #תג #日本\n",
        "🌻.md": PUB + "sunflower [[🌱]]\n",
        "שלום עולם.md": PUB + "שלום! ‏right-to-left‏ text [[index]]\n",
        "Café Noir.md": PUB + "coffee\n",
        "日本語のノート.md": PUB + "note\n",
        "✨ ✨.md": PUB + "sparkles\n",
        "folder 📁/inner.md": PUB + "inside [[🌻]]\n",
    })
    assert site.errors == [] and site.warnings == []
    pages = {p for p in site.files() if p.endswith("index.html")}
    assert {"🌱/index.html", "🌻/index.html", "שלום-עולם/index.html", "café-noir/index.html",
            "日本語のノート/index.html", "✨-✨/index.html", "folder/inner/index.html",
            "tags/🌱/index.html", "tags/עברית/index.html", "tags/תג/index.html", "tags/日本/index.html"} <= pages
    assert broken_references(site.out) == []
    links = [a.get_text() for a in site.body("").select("a.internal")]
    assert links == ["🌱", "🌻", "שלום עולם", "Café Noir", "日本語のノート", "✨ ✨"]


def test_names_differing_only_by_case_are_a_duplicate_permalink(make_garden, tmp_path):
    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "A").touch()
    if (probe / "a").exists():
        pytest.skip("case-insensitive file system")
    site = make_garden({"Note.md": PUB + "upper", "note.md": PUB + "lower", "x.md": PUB + "[[note]] [[Note]]"})
    assert site.errors == ["note.md:1: error: permalink '/note/' is also claimed by Note.md; this note is skipped "
                           "(give one of them another permalink)"]
    assert "upper" in site.text("note/index.html")


@pytest.mark.parametrize("permalink, message", [
    ("../../escape", "a permalink may not contain '..'"),
    ("a/./b/../../../c", "a permalink may not contain '..'"),
    ("%2e%2e/%2e%2e/up", "a permalink may not contain '..'"),
    ("https://evil.example/x", "a permalink must be a path, not a URL"),
    ("//evil.example/x", "a permalink must be a path, not a URL"),
    ("javascript:alert(1)", "a permalink must be a path, not a URL"),
    ("C:\\\\Windows\\\\x", "a permalink must be a path, not a URL"),
    ("a\\\\..\\\\..\\\\b", "a permalink may not contain backslashes or control characters"),
    ("a%00b", "a permalink may not contain backslashes or control characters"),
    (".git/config", "a part of a permalink may not start with '.'"),
    (".garden-manifest.json", "a part of a permalink may not start with '.'"),
    ("x" * 300, "a part of a permalink may be at most 200 bytes long"),
])
def test_unsafe_permalinks_are_refused_and_nothing_leaves_the_output(make_garden, tmp_path, permalink, message):
    before = sorted(p for p in tmp_path.rglob("*"))
    site = make_garden({**GOOD, "evil.md": f'---\ndg-publish: true\npermalink: "{permalink}"\n---\nEVIL-NOTE\n'})
    assert [e.split(": error: ")[0] for e in site.errors] == ["evil.md:3"]
    assert message in site.errors[0]
    written = sorted(p for p in tmp_path.rglob("*") if p not in before)
    assert all(p.is_relative_to(site.out) or p.is_relative_to(tmp_path / "garden1") for p in written)
    assert "EVIL-NOTE" not in site.all_text()


def test_absolute_permalinks_stay_inside_the_site(make_garden):
    site = make_garden({**GOOD, "abs.md": "---\ndg-publish: true\npermalink: /etc/passwd\n---\nabs",
                        "long name " * 25 + ".md": PUB + "a very long file name"})
    assert site.errors == []
    assert (site.out / "etc" / "passwd" / "index.html").is_file()
    long_page = [f for f in site.files() if f.startswith("long-name")]
    assert len(long_page) == 1 and len(long_page[0].split("/")[0].encode()) <= 200


def test_reserved_and_duplicate_permalinks_name_both_files(make_garden):
    site = make_garden({**GOOD, "one.md": "---\ndg-publish: true\npermalink: /same/\n---\nONE",
                        "two.md": "---\ndg-publish: true\npermalink: same\n---\nTWO",
                        "slug.md": "---\ndg-publish: true\n---\nSLUG",
                        "steal.md": "---\ndg-publish: true\npermalink: /slug/\n---\nSTEAL",
                        "static.md": "---\ndg-publish: true\npermalink: /static/style.css\n---\nSTATIC",
                        "moved.md": "---\ndg-publish: true\ntitle: Moved\ndg-path: Same.md\n---\nMOVED",
                        "far.md": "---\ndg-publish: true\ndg-path: ../../far.md\n---\nFAR",
                        "home1.md": '---\n{"dg-publish": true, "dg-home": true}\n---\nHOME',
                        "home2.md": "---\ndg-publish: true\ndg-home: true\n---\nSECOND HOME"})
    # Each at the line of the frontmatter key that placed the note, or line 1 for its file name.
    assert sorted(site.errors) == [
        "moved.md:4: error: permalink '/same/' is also claimed by one.md; this note is skipped "
        "(give one of them another permalink)",
        "slug.md:1: error: permalink '/slug/' is also claimed by steal.md; this note is skipped "
        "(give one of them another permalink)",
        "static.md:3: error: permalink '/static/style.css/' is reserved for the site's own pages; this note is "
        "skipped (give it another permalink)",
        "two.md:3: error: permalink '/same/' is also claimed by one.md; this note is skipped "
        "(give one of them another permalink)",
    ]
    assert sorted(site.warnings) == [
        "far.md:3: warning: dg-path '../../far.md' leaves the vault; the note stays at far.md",
        "home2.md:3: warning: several notes are marked dg-home; using home1.md",
    ]
    assert "STEAL" in site.text("slug/index.html") and "ONE" in site.text("same/index.html")


MARKUP = '<x-evil onload="alert(1)">&amp;"\'</x-evil>'


def test_markup_in_titles_tags_aliases_and_descriptions_is_escaped_everywhere(make_garden):
    meta = {"dg-publish": True, "title": "T " + MARKUP, "description": "D " + MARKUP, "tags": ["t" + MARKUP],
            "aliases": ["A " + MARKUP], "dg-content-classes": MARKUP}
    site = make_garden({"evil.md": "---\n" + json.dumps(meta) + "\n---\nbody [[evil|L " + MARKUP + "]]\n",
                        "index.md": PUB + "[[evil]] ![[evil]]\n"}, base_url="https://user.example/")
    assert site.errors == []
    assert {"feed.xml", "rss.xml", "sitemap.xml"} <= set(site.files())
    checked = 0
    for rel in site.files():
        data = (site.out / rel).read_bytes()
        if rel.endswith(".html"):
            assert html_errors(data) == [], rel
            assert b"<x-evil" not in data, rel
            checked += 1
        elif rel.endswith(".json"):
            json.loads(data)  # escaped as JSON: it parses, and the string is data, not markup
        elif rel.endswith(".xml"):
            root = ET.fromstring(data)
            assert not any(el.tag.endswith("x-evil") for el in root.iter()), rel
    assert checked >= 4
    atom = "{http://www.w3.org/2005/Atom}"
    entry = ET.fromstring((site.out / "feed.xml").read_bytes()).find(atom + "entry")
    assert entry.find(atom + "title").text == "T " + MARKUP
    rss_item = ET.fromstring((site.out / "rss.xml").read_bytes()).find("channel/item")
    assert rss_item.find("title").text == "T " + MARKUP
    page = site.page("evil/")
    assert page.select_one("h1").get_text() == "T " + MARKUP
    assert page.select_one('meta[name="description"]')["content"] == "D " + MARKUP
    assert page.select_one("title").get_text().startswith("T " + MARKUP)
    assert [a.get_text() for a in page.select(".note-tags a")] == ["#t" + MARKUP]


# --- Embeds -----------------------------------------------------------------------------------

def test_embed_cycles_and_self_embeds_render_once_and_are_reported(make_garden):
    site = make_garden({
        "a.md": PUB + "A-TEXT\n\n![[b]]\n",
        "b.md": PUB + "B-TEXT\n\n![[a]]\n",
        "self.md": PUB + "SELF-TEXT ![[self]]\n\n![[self#Tail]]\n\n## Tail\n\nTAIL-TEXT\n",
    })
    assert sorted(site.warnings) == [
        "a.md:6: warning: embed of [[b]] contains itself (a.md → b.md → a.md); it becomes a link where it would "
        "repeat",
        "b.md:6: warning: embed of [[a]] contains itself (b.md → a.md → b.md); it becomes a link where it would "
        "repeat",
        "self.md:4: warning: embed of [[self]] contains itself (self.md → self.md); it becomes a link where it "
        "would repeat",
    ]
    a = str(site.body("a/"))
    assert a.count("A-TEXT") == 1 and a.count("B-TEXT") == 1 and 'class="internal embed-link" href="../a/"' in a
    self_page = str(site.body("self/"))
    assert self_page.count("SELF-TEXT") == 1 and self_page.count("TAIL-TEXT") == 2  # its own section, embedded
    for rel in site.files():
        if rel.endswith(".html"):
            assert html_errors(site.text(rel)) == [], rel
    assert broken_references(site.out) == []


def test_a_thousand_long_embed_chain(make_garden):
    files = {f"n{i}.md": PUB + f"STEP-{i}-\n\n![[n{i + 1}]]\n" for i in range(1000)}
    files["n1000.md"] = PUB + "the end\n"
    site = make_garden(files)
    assert site.errors == [] and site.warnings == []
    first = site.text("n0/index.html")
    assert [f"STEP-{i}-" in first for i in range(8)] == [True] * 6 + [False] * 2  # 5 levels deep, then a link
    assert 'class="internal embed-link" href="../n6/"' in first
    assert html_errors(first) == []


def test_embeds_multiplying_stay_bounded(make_garden):
    """Notes each embedding the next one ten times: 10^5 copies of the last unbounded; capped per page."""
    files = {f"m{i}.md": PUB + "".join(f"![[m{i + 1}]]\n\n" for _ in range(10)) for i in range(5)}
    files["m5.md"] = PUB + "LEAF\n"
    site = make_garden(files)
    html = site.text("m0/index.html")
    assert 500 <= html.count("LEAF") <= 1000 and len(html) < 5_000_000
    assert html_errors(html) == []


def test_links_to_missing_notes_are_text_with_a_hint(make_garden):
    site = make_garden({**GOOD, "linker.md": PUB + "See [[Goood]] and [[Nothing Here|that]].\n"})
    assert sorted(site.warnings) == [
        "linker.md:4: warning: broken link: [[Goood]] matches no file in the vault (did you mean [[good]]?)",
        "linker.md:4: warning: broken link: [[Nothing Here]] matches no file in the vault",
    ]
    spans = site.body("linker/").select("span.broken-link")
    assert [s.get_text() for s in spans] == ["Goood", "that"]
    assert broken_references(site.out) == []


# --- The file system: symlinks and the output folder ------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlinks_out_of_the_vault_and_loops_are_not_followed(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    write_files(outside, {"leak.md": PUB + "OUTSIDE-SECRET", "dir/leak2.md": PUB + "OUTSIDE-SECRET-2"})
    write_files(vault, {**GOOD, "sub/inner.md": PUB + "inner"})
    (vault / "leak.md").symlink_to(outside / "leak.md")
    (vault / "outdir").symlink_to(outside / "dir")
    (vault / "sub" / "loop").symlink_to(vault)
    (vault / "self").symlink_to(vault / "self")
    (vault / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    r = run_garden("build", vault, "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    for expected in ["vault/leak.md: warning: symlink points outside the vault; not followed",
                     "vault/outdir: warning: symlink points outside the vault; not followed",
                     "vault/sub/loop: warning: symlink loop: this folder is already part of the vault",
                     "vault/self: warning: broken symlink skipped",
                     "vault/dangling.md: warning: broken symlink skipped"]:
        assert expected in r.stderr
    site = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert b"OUTSIDE-SECRET" not in site
    assert (tmp_path / "out" / "sub" / "inner" / "index.html").is_file()


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def test_output_folder_that_is_or_holds_the_vault_is_refused_and_nothing_is_deleted(tmp_path):
    write_files(tmp_path / "garden" / "vault", GOOD)
    before = snapshot(tmp_path)
    for out in (tmp_path / "garden" / "vault", tmp_path / "garden", tmp_path):
        r = run_garden("build", tmp_path / "garden" / "vault", "--out", out, "--force")
        assert r.returncode == 1 and "holds the vault; refusing to write there" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert snapshot(tmp_path) == before


def test_output_folder_inside_the_vault_is_refused_unless_it_is_the_default(tmp_path):
    """A chosen --out (or `output`) inside the vault is refused, nothing written; the default
    `./build` of a plain vault built from inside it is allowed and never read as notes."""
    vault = tmp_path / "vault"
    write_files(vault, {**GOOD, "index.md": PUB + "home"})
    before = snapshot(tmp_path)
    for out in (vault / "site" / "public", vault / "notes"):
        r = run_garden("build", vault, "--out", out, "--force")
        assert r.returncode == 1 and "is inside the vault" in r.stderr and "Traceback" not in r.stderr, r.stderr
    (tmp_path / "garden.toml").write_text('content = "vault"\noutput = "vault/site"\n')
    r = run_garden("build", tmp_path)
    assert r.returncode == 1 and "is inside the vault" in r.stderr, r.stderr
    (tmp_path / "garden.toml").unlink()
    assert snapshot(tmp_path) == before
    for _ in range(2):  # the second build sees the first one's output inside the vault
        r = run_garden("build", cwd=vault)  # a plain vault built from inside: ./build is in the vault
        assert r.returncode == 0, r.stderr
        assert "2 notes read" in r.stderr
    assert not (vault / "build" / "build").exists()
    r = run_garden("check", vault, "--format", "json", cwd=vault)
    assert json.loads(r.stdout)["notes"] == 2


def test_output_folder_with_files_garden_did_not_write(tmp_path):
    write_files(tmp_path / "vault", GOOD)
    write_files(tmp_path / "out", {"thesis.txt": "years of work", "good/notes.txt": "mine"})
    before = snapshot(tmp_path / "out")
    r = run_garden("build", tmp_path / "vault", "--out", tmp_path / "out")
    assert r.returncode == 1 and "holds files garden did not write" in r.stderr and "--force" in r.stderr
    assert snapshot(tmp_path / "out") == before
    r = run_garden("build", tmp_path / "vault", "--out", tmp_path / "out", "--force")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "thesis.txt").read_text() == "years of work"
    assert (tmp_path / "out" / "good" / "notes.txt").read_text() == "mine"
    # A folder of the user's where garden needs to put a file is not removed to make room.
    write_files(tmp_path / "out2", {"404.html/mine.txt": "keep me"})
    r = run_garden("build", tmp_path / "vault", "--out", tmp_path / "out2", "--force")
    assert r.returncode == 1 and "refusing to replace it with a file" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "out2" / "404.html" / "mine.txt").read_text() == "keep me"



def test_a_tampered_manifest_or_a_link_in_the_output_never_reaches_outside_it(tmp_path):
    """The manifest and the output folder may come from elsewhere (a cloned repository's
    docs/ folder): what they say never makes garden delete or write a file outside."""
    write_files(tmp_path / "vault", GOOD)
    write_files(tmp_path / "elsewhere", {"precious.txt": "mine", "deep/kept.txt": "mine too"})
    write_files(tmp_path, {"beside.txt": "mine"})
    out = tmp_path / "out"
    assert run_garden("build", tmp_path / "vault", "--out", out).returncode == 0
    manifest = json.loads((out / ".garden-manifest.json").read_text())
    for rel in ("../beside.txt", str(tmp_path / "elsewhere" / "precious.txt"), "x/../../beside.txt",
                "linked/kept.txt"):
        manifest["files"][rel] = "forged"
    (out / ".garden-manifest.json").write_text(json.dumps(manifest))
    os.symlink(tmp_path / "elsewhere" / "deep", out / "linked")
    before = snapshot(tmp_path / "elsewhere")
    r = run_garden("build", tmp_path / "vault", "--out", out)
    assert r.returncode == 0, r.stderr
    assert snapshot(tmp_path / "elsewhere") == before
    assert (tmp_path / "beside.txt").read_text() == "mine"
    # A link where the site needs a folder is refused, not written through; nothing moved.
    (out / "good" / "index.html").unlink()
    (out / "good").rmdir()
    os.symlink(tmp_path / "elsewhere", out / "good")
    r = run_garden("build", tmp_path / "vault", "--out", out)
    assert r.returncode == 1 and "'good' in the output folder is a link" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(tmp_path / "elsewhere") == before

# --- One hostile vault through the real command line ------------------------------------------

def test_the_command_line_reports_every_problem_and_builds_the_rest(tmp_path):
    write_files(tmp_path / "v", {
        **GOOD,
        "yaml.md": "---\ndg-publish: true\ntags: [a\n---\nx",
        "json.md": '{"dg-publish": true,}\nx',
        "list.md": "---\n- a\n---\nx",
        "bytes.md": b"---\ndg-publish: true\n---\n\xff",
        "open.md": "---\ndg-publish: true\n",
        "perm.md": "---\ndg-publish: true\npermalink: ../x\n---\nx",
        "cycle.md": PUB + "![[cycle]]",
        "broken.md": PUB + "[[good]] [[nope]]",
    })
    r = run_garden("build", "v", "--out", "out", cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("v/")]
    assert [line.split(": ")[0] for line in lines] == [
        "v/broken.md:4", "v/bytes.md:4", "v/cycle.md:4", "v/json.md:1", "v/list.md:1", "v/open.md:1",
        "v/perm.md:3", "v/yaml.md:3"]
    assert (tmp_path / "out" / "good" / "index.html").is_file()
    assert (tmp_path / "out" / "broken" / "index.html").is_file()


def test_an_internal_error_prints_a_short_report_not_a_traceback(tmp_path, monkeypatch, capsys):
    import garden.parallel
    import garden.parse
    from garden.cli import ISSUES_URL, main

    write_files(tmp_path / "v", {f"n{i}.md": PUB + "x" for i in range(4)})

    def broken(source, cfg):
        raise ValueError("something impossible")

    monkeypatch.setattr(garden.parse, "parse_note", broken)
    monkeypatch.delenv("GARDEN_DEBUG", raising=False)
    for min_items in (1000, 1):  # in this process, then in worker processes
        monkeypatch.setattr(garden.parallel, "PARALLEL_MIN", min_items)
        code = main(["build", str(tmp_path / "v"), "--out", str(tmp_path / "out"), "--no-cache"])
        err = capsys.readouterr().err
        assert code == 3
        assert err.splitlines()[:2] == ["garden: internal error: ValueError: something impossible",
                                        "  at garden/build.py:" + err.split("garden/build.py:")[1].split(" ")[0]
                                        + " in _parse_one"]
        assert ISSUES_URL in err and "GARDEN_DEBUG=1" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_os_errors_and_closed_pipes_are_not_internal_errors(tmp_path):
    write_files(tmp_path / "v", GOOD)
    (tmp_path / "file").write_text("not a folder")
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "file" / "out")
    assert r.returncode == 1 and r.stderr.startswith("garden: error: ") and "internal" not in r.stderr
    import subprocess
    pipe = subprocess.run(f"{sys.executable} -m garden check {tmp_path / 'v'} --format json | head -c 1",
                          shell=True, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert pipe.stdout == "{" and pipe.stderr == ""


def test_a_note_saved_during_a_build_is_cached_as_parsed_and_read_again_next_time(tmp_path, monkeypatch):
    """Load hashes a note's bytes; the worker that parses it reads the file again. A save
    in between (an editor writing while the build runs) must not leave the page holding
    what was parsed under the digest of what load read."""
    import garden.load
    from garden.build import build
    from garden.config import load_config

    note = tmp_path / "v" / "a.md"
    write_files(tmp_path / "v", {"a.md": PUB + "# A\n\nfirst words\n", "b.md": PUB + "# B\n\nb\n"})
    cfg = load_config(tmp_path / "v", out=tmp_path / "out")
    page = tmp_path / "out" / "a" / "index.html"
    build(cfg)
    final = PUB + "# A\n\nthe final words\n"
    note.write_text(final)
    read = garden.load.Source.read

    def saved_while_parsed(source):
        if source.rel != "a.md":
            return read(source)
        note.write_text(PUB + "# A\n\nhalf writ")  # the editor is still writing...
        try:
            return read(source)
        finally:
            note.write_text(final)  # ...and finishes with the bytes load read

    monkeypatch.setattr(garden.load.Source, "read", saved_while_parsed)
    build(cfg)
    assert "half writ" in page.read_text()  # this build saw the file mid-save
    monkeypatch.setattr(garden.load.Source, "read", read)
    build(cfg)
    assert "the final words" in page.read_text() and "half writ" not in page.read_text()


def test_a_note_removed_during_a_build_is_an_error_naming_it_and_the_rest_builds(tmp_path, monkeypatch):
    import garden.load
    from garden.build import build
    from garden.config import load_config

    write_files(tmp_path / "v", {"a.md": PUB + "# A\n\na\n", "b.md": PUB + "# B\n\nb\n"})
    read = garden.load.Source.read

    def removed_first(source):
        if source.rel == "a.md":
            os.remove(source.path)
        return read(source)

    monkeypatch.setattr(garden.load.Source, "read", removed_first)
    result = build(load_config(tmp_path / "v", out=tmp_path / "out"), use_cache=False)
    assert [(d.path, d.level, d.code) for d in result.report.errors] == [("a.md", "error", "io")]
    assert "cannot read file" in result.report.errors[0].message
    assert (tmp_path / "out" / "b" / "index.html").is_file() and not (tmp_path / "out" / "a").exists()
