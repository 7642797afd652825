"""`garden build` end to end, in process: what a visitor of the built site sees."""
from __future__ import annotations

import io

import pytest

from conftest import broken_references, write_files
from garden.build import build
from garden.config import load_config
from garden.diagnostics import GardenError
from garden.progress import Progress

PUB = "---\ndg-publish: true\n---\n"


def pub(body: str = "", **meta) -> str:
    lines = ["dg-publish: true"] + [f"{k.replace('_', '-')}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


# --- publishing -----------------------------------------------------------------------------------

PRIVATE_GARDEN = {
    "Public.md": pub("See [[Secret Plans]] and [[Open Note]].\n\n![[hidden.png]]\n"),
    "Open Note.md": "---\npublish: true\n---\nAlso public. ![[shared.png]]\n",
    "Secret Plans.md": "---\ntitle: TOP-SECRET-TITLE\n---\nSECRET-BODY links to [[Public]] #secret-tag\n\n![[hidden.png]]"
                       " ![[only-private.png]]",
    "Opted Out.md": "---\ndg-publish: false\n---\nOPTED-OUT-BODY",
    "Draft.md": "---\ndraft: true\n---\nDRAFT-BODY",
    "Loose.md": "No frontmatter at all. LOOSE-BODY",
    "hidden.png": b"\x89PNG hidden",
    "shared.png": b"\x89PNG shared",
    "only-private.png": b"\x89PNG private",
}


def test_flagged_mode_publishes_only_marked_notes(make_garden):
    site = make_garden(PRIVATE_GARDEN)
    assert [f for f in site.files() if not f.startswith(("search/", "static/"))] == sorted([
        ".nojekyll", "404.html", "index.html", "public/index.html", "open-note/index.html",
        "hidden.png", "shared.png", "tags/index.html", "graph/index.html", "robots.txt",
    ])


def test_an_unpublished_note_appears_nowhere(make_garden):
    site = make_garden(PRIVATE_GARDEN)
    everything = site.all_text()
    for secret in ("TOP-SECRET-TITLE", "SECRET-BODY", "secret-tag", "OPTED-OUT-BODY", "DRAFT-BODY",
                   "LOOSE-BODY", "secret-plans"):
        assert secret not in everything
    body = site.body("public/")
    broken = body.select_one(".broken-link")
    assert broken.get_text() == "Secret Plans" and broken.name == "span"
    assert [a.get_text() for a in body.select("a.internal")] == ["Open Note"]
    # no backlink from the private note, and the attachment only it uses is not copied
    assert site.page("public/").select(".backlinks a") == []
    assert "only-private.png" not in site.files() and "hidden.png" in site.files()
    assert any("Secret Plans" in w and "not published" in w for w in site.warnings)


def test_publish_all_respects_opt_outs(make_garden):
    site = make_garden(PRIVATE_GARDEN, publish="all")
    pages = [f for f in site.files() if f.endswith("/index.html") and not f.startswith(("tags/", "graph/"))]
    assert sorted(pages) == ["loose/index.html", "open-note/index.html", "public/index.html",
                             "secret-plans/index.html"]
    assert "OPTED-OUT-BODY" not in site.all_text() and "DRAFT-BODY" not in site.all_text()
    # the previously private note now links back, and its picture is copied
    assert [a.get_text() for a in site.page("public/").select(".backlinks a")] == ["TOP-SECRET-TITLE"]
    assert "only-private.png" in site.files()


def test_nothing_to_publish_says_how_to_fix_it(make_garden):
    with pytest.raises(GardenError) as exc:
        make_garden({"a.md": "no flags", "b.md": "---\ntitle: x\n---\n"})
    message = str(exc.value)
    assert "dg-publish: true" in message and "--publish all" in message


# --- permalinks, home, titles ------------------------------------------------------------------------

def test_permalinks_paths_and_slugs(make_garden):
    site = make_garden({
        "Folder/My Note.md": pub("slugged"),
        "Blog/Post.md": '---\n{"dg-publish":true,"permalink":"/03-create/blog/a-post/","title":"A Post"}\n---\nx',
        "Other.md": pub("y", dg_permalink="custom/place"),
        "Moved.md": pub("z", dg_path="Somewhere/Else/Moved Here.md"),
    })
    files = site.files()
    for expected in ("folder/my-note/index.html", "03-create/blog/a-post/index.html",
                     "custom/place/index.html", "somewhere/else/moved-here/index.html"):
        assert expected in files
    # folder pages exist for the tree, including the dg-path one
    assert "folder/index.html" in files and "somewhere/else/index.html" in files


@pytest.mark.parametrize("files, home_text", [
    ({"Start.md": pub("HOME-A", dg_home="true"), "index.md": pub("not home")}, "HOME-A"),
    ({"Start.md": pub("HOME-B", tags="[gardenEntry]"), "Other.md": pub("o")}, "HOME-B"),
    ({"index.md": pub("HOME-C"), "Other.md": pub("o")}, "HOME-C"),
    ({"Home.md": pub("HOME-D"), "Other.md": pub("o")}, "HOME-D"),
    ({"Start.md": pub("HOME-E #gardenEntry\n\n#gardenentry"), "Other.md": pub("o")}, "HOME-E"),
])
def test_home_page(make_garden, files, home_text):
    site = make_garden(files)
    assert home_text in site.body("").get_text()
    # gardenEntry marks the home page: a flag for garden, shown nowhere, with no tag page
    assert "gardenentry" not in site.all_text().lower()
    assert broken_references(site.out) == []


def test_generated_home_lists_every_page(make_garden):
    site = make_garden({"B.md": pub("b"), "a/A.md": pub("a")})
    titles = [a.get_text() for a in site.page("").select(".note-list a")]
    assert titles == ["A", "B"]


@pytest.mark.parametrize("source, title, h1_count", [
    ("---\ndg-publish: true\ntitle: From Meta\n---\n# From Meta\n\ntext", "From Meta", 1),
    ("---\ndg-publish: true\n---\n# From Heading\n\ntext", "From Heading", 1),
    ("---\ndg-publish: true\n---\ntext only", "file name", 1),
    ("---\ndg-publish: true\ntitle: Meta\n---\n# Different Heading\n\ntext", "Meta", 2),
])
def test_title_precedence_and_shown_once(make_garden, source, title, h1_count):
    site = make_garden({"file name.md": source})
    page = site.page("file-name/")
    assert page.select_one("h1.note-title").get_text() == title
    assert page.title.get_text().startswith(title)
    assert len(page.select("h1")) == h1_count


@pytest.mark.parametrize("value, title", [
    ("2024", "2024"), ("1.10", "1.10"), ("yes", "yes"), ("true  # a flag", "true"), ('"[a, b]"', "[a, b]"),
])
def test_a_number_or_true_title_is_shown_as_written(make_garden, value, title):
    site = make_garden({"N.md": f"---\ndg-publish: true\ntitle: {value}\n---\ntext"})
    assert site.page("n/").select_one("h1.note-title").get_text() == title
    assert site.page("n/").title.get_text().startswith(title + " ")
    assert site.warnings == []


@pytest.mark.parametrize("value, kind", [("[a, b]", "a list"), ("{a: b}", "a table")])
def test_a_list_or_table_title_is_ignored_with_a_warning(make_garden, value, kind):
    site = make_garden({"With Heading.md": f"---\ndg-publish: true\ntitle: {value}\n---\n# The Heading\n\ntext",
                        "Bare.md": f"---\ndg-publish: true\ntitle: {value}\n---\ntext"})
    page = site.page("with-heading/")
    assert page.select_one("h1.note-title").get_text() == "The Heading" and len(page.select("h1")) == 1
    assert site.page("bare/").select_one("h1.note-title").get_text() == "Bare"
    assert "'" not in site.page("bare/").title.get_text()
    assert sorted(site.warnings) == [
        f"Bare.md:3: warning: frontmatter 'title' is {kind}, not text; "
        "the title is the first heading or the file name",
        f"With Heading.md:3: warning: frontmatter 'title' is {kind}, not text; "
        "the title is the first heading or the file name"]


def test_aliases_tags_and_description_show_text_never_python_values(make_garden):
    site = make_garden({
        "A.md": "---\ndg-publish: true\naliases: [Ay, {x: 1}, 2024]\ntags: [ok, {k: v}, true]\n"
                "description: [not, text]\n---\nThe first paragraph.\n",
        "C.md": "---\ndg-publish: true\ndescription: 42\n---\nBody.\n",
    })
    page = site.page("a/")
    assert [a.get_text() for a in page.select(".note-tags a")] == ["#ok", "#true"]
    assert page.select_one('meta[name="description"]')["content"] == "The first paragraph."
    assert site.page("c/").select_one('meta[name="description"]')["content"] == "42"
    assert "'k'" not in site.all_text() and "'x'" not in site.all_text()  # no Python value anywhere
    assert sorted(site.warnings) == [
        "A.md:3: warning: frontmatter 'aliases' holds a table, not text; it is left out",
        "A.md:4: warning: frontmatter 'tags' holds a table, not text; it is left out",
        "A.md:5: warning: frontmatter 'description' is a list, not text; the summary is taken from the note"]


# --- tags ----------------------------------------------------------------------------------------------

def test_tags_from_frontmatter_and_text(make_garden):
    site = make_garden({
        "A.md": "---\ndg-publish: true\ntags: [alpha, '#beta']\n---\nInline #gamma and #area/sub.\n\n"
                "`#not-code` and [#not-link](https://x.org/#frag) and https://e.org/#nope and #2024\n\n"
                "```\n#not-fence\n```\n",
        "B.md": "---\ndg-publish: true\ntags: alpha, delta\n---\nb",
    })
    page = site.page("a/")
    assert [a.get_text() for a in page.select(".note-tags a")] == ["#alpha", "#beta", "#gamma", "#area/sub"]
    assert [a.get_text() for a in site.body("a/").select("a.tag")] == ["#gamma", "#area/sub"]
    files = site.files()
    for tag in ("alpha", "beta", "gamma", "area", "area/sub", "delta"):
        assert f"tags/{tag}/index.html" in files
    for wrong in ("not-code", "not-link", "frag", "nope", "2024", "not-fence"):
        assert f"tags/{wrong}/index.html" not in files
    assert [a.get_text() for a in site.page("tags/alpha/").select(".note-list a")] == ["A", "B"]
    # a nested tag's parent lists it too
    assert [a.get_text() for a in site.page("tags/area/").select(".note-list a")] == ["A"]
    assert "#delta" in site.page("tags/").get_text()


# --- links ---------------------------------------------------------------------------------------------

LINKS = {
    "notes/Source.md": pub(
        "1 [[Target]] 2 [[Target|Alias]] 3 [[Target#Second Part]] 4 [[sub/Target]] 5 [[Target.md]]\n"
        "6 [md](../other/Space%20Name.md) 7 [[#Local Heading]] 8 [[Missing Note]] 9 [[targt]]\n"
        "10 [[Target#No Such Heading]] 11 [[Target#^para-id]] 12 [[TARGET]]\n\n"
        "## Local Heading\n\n| a | b |\n|---|---|\n| [[Target\\|In Table]] | x |\n"),
    "notes/sub/Target.md": pub("# Target\n\nA paragraph. ^para-id\n\n## Second Part\n\ntext"),
    "other/Space Name.md": pub("s"),
}


def test_links_resolve_like_obsidian(make_garden):
    site = make_garden(LINKS)
    body = site.body("notes/source/")
    links = {a.get_text(): a["href"] for a in body.select("a.internal")}
    assert links == {
        "Target": "../../notes/sub/target/",
        "Alias": "../../notes/sub/target/",
        "Target > Second Part": "../../notes/sub/target/#second-part",
        "sub/Target": "../../notes/sub/target/",
        "Target.md": "../../notes/sub/target/",
        "md": "../../other/space-name/",
        "Local Heading": "#local-heading",
        "Target > No Such Heading": "../../notes/sub/target/",
        "Target > ^para-id": "../../notes/sub/target/#%5Epara-id",  # "^" is not allowed in a URL
        "TARGET": "../../notes/sub/target/",
        "In Table": "../../notes/sub/target/",
    }
    assert [s.get_text() for s in body.select(".broken-link")] == ["Missing Note", "targt"]
    assert not body.select('a[href=""]')
    assert broken_references(site.out) == []


def test_broken_links_warn_with_path_line_and_hint(make_garden):
    site = make_garden(LINKS)
    warnings = "\n".join(site.warnings)
    assert "notes/Source.md:5: warning: broken link: [[Missing Note]]" in warnings
    assert "[[targt]] matches no file in the vault (did you mean [[Target]]?)" in warnings
    assert "notes/Source.md:6: warning: heading 'No Such Heading' not found in notes/sub/Target.md" in warnings


def test_backlinks(make_garden):
    site = make_garden(LINKS)
    assert [a.get_text() for a in site.page("notes/sub/target/").select(".backlinks a")] == ["Source"]
    assert site.page("other/space-name/").select(".backlinks a")[0]["href"] == "../../notes/source/"


def test_attachments_used_by_published_notes_are_copied(make_garden):
    site = make_garden({
        "Note.md": pub("![[pics/Photo One.png]] ![img](pics/Photo%20One.png) [[doc.pdf]]"),
        "pics/Photo One.png": b"png", "doc.pdf": b"%PDF", "unused.png": b"nope",
    })
    assert "pics/photo-one.png" in site.files() and "doc.pdf" in site.files()
    assert "unused.png" not in site.files()
    srcs = [img["src"] for img in site.body("note/").select("img")]
    assert srcs == ["../pics/photo-one.png", "../pics/photo-one.png"]


# --- output -------------------------------------------------------------------------------------------

def test_every_url_works_under_a_sub_path(make_garden):
    site = make_garden({**LINKS, "index.md": pub("[[Target]] #tag ![[pic.png]]"), "pic.png": b"x"},
                       base_url="https://user.github.io/repo/")
    assert broken_references(site.out, base_path="/repo/") == []
    page = site.page("notes/source/")
    assert page.select_one('link[rel="canonical"]')["href"] == "https://user.github.io/repo/notes/source/"
    not_found = site.page("404.html")
    assert not_found.select_one("base")["href"] == "/repo/"
    for el in page.select("[href], [src]"):
        url = el.get("href") or el.get("src")
        assert not url.startswith("/"), f"root-relative URL {url} breaks under a sub-path"


def test_builds_are_deterministic(make_garden, tmp_path):
    a = make_garden(LINKS, out=tmp_path / "one")
    b = make_garden(LINKS, out=tmp_path / "two")
    assert a.files() == b.files()
    for f in a.files():
        assert (a.out / f).read_bytes() == (b.out / f).read_bytes(), f


def test_no_asset_from_another_site(make_garden):
    site = make_garden(LINKS)
    for f in site.files():
        if f.endswith((".html", ".css", ".js")):
            text = site.text(f)
            assert "cdn" not in text.lower() and "googleapis" not in text


# --- the terminal ----------------------------------------------------------------------------------------

def test_a_progress_bar_while_notes_are_read_and_pages_written(make_garden):
    site = make_garden(LINKS)  # a vault on disk to build again, with a terminal this time
    vault = site.out.parent / "garden1"
    screen = io.StringIO()
    build(load_config(vault, out=site.out.parent / "shown"), use_cache=False,
          progress=Progress(enabled=True, stream=screen))
    drawn = screen.getvalue()
    assert "\rreading notes    [" in drawn and "] 3/3" in drawn
    assert "\rwriting pages    [" in drawn and drawn.endswith("\r\033[K")  # the bar clears for the summary
    write_files(vault, {"more.md": PUB + "x"})
    quiet = io.StringIO()  # not a terminal (a pipe, a CI log): no bar at all
    build(load_config(vault, out=site.out.parent / "piped"), use_cache=False, progress=Progress(stream=quiet))
    assert quiet.getvalue() == ""
