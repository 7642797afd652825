"""Finding your way, as built files: explorer and graph data, search index, feeds, sitemap,
dates, per-note dg-* settings and theme overrides."""
from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, broken_references, write_files
from garden.config import Display, note_settings
from garden.dates import note_dates, parse_date

ATOM = "{http://www.w3.org/2005/Atom}"


def pub(body: str = "", **meta) -> str:
    lines = ["dg-publish: true"] + [f"{k.replace('_', '-')}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


GARDEN = {
    "Home.md": pub("Welcome. [[Alpha]] [[Hidden]]", dg_home="true"),
    "Alpha.md": pub("Links to [[Beta]] and [[Private]].", tags="[soil]", created="2024-01-05",
                    updated="2024-02-01", description="Alpha in short."),
    "Beta.md": pub("Back to [[Alpha]].", tags="[soil/clay]", created="2024-03-01", updated="2024-03-02"),
    "Hidden.md": pub("HIDDEN-BODY [[Alpha]]", dg_hide="true", created="2024-04-01"),
    "Off Graph.md": pub("[[Alpha]]", dgHideInGraph="true"),
    "Off Tree.md": pub("x", dg_hide_in_filetree="true"),
    "Private.md": "---\ntitle: PRIVATE-TITLE\n---\nPRIVATE-BODY [[Alpha]]",
    "Folder/Note 10.md": pub("ten"),
    "Folder/Note 9.md": pub("nine"),
    "Folder/zeta.md": pub("z", dg_pinned="true", dg_note_icon="🌱"),
    "Folder/Sub/Deep.md": pub("deep"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import Site
    from garden.build import build
    from garden.config import load_config

    root = tmp_path_factory.mktemp("nav")
    write_files(root / "content", GARDEN)
    (root / "garden.toml").write_text('title = "Nav & Co"\nbase_url = "https://example.org/garden/"\n'
                                      'description = "A test garden"\n')
    cfg = load_config(root, out=root / "site")
    return Site(root / "site", build(cfg, use_cache=False))


# --- explorer --------------------------------------------------------------------------------------

def test_explorer_json_is_the_folder_tree_sorted_naturally_with_pins_first(site):
    tree = json.loads(site.text("static/explorer.json"))
    assert [n["title"] for n in tree["notes"]] == ["Alpha", "Beta", "Off Graph"]  # no home, hidden, off-tree
    (folder,) = tree["folders"]
    assert folder["name"] == "Folder" and folder["path"] == "folder/"
    assert [n["title"] for n in folder["notes"]] == ["zeta", "Note 9", "Note 10"]
    assert folder["notes"][0] == {"title": "zeta", "path": "folder/zeta/", "icon": "🌱", "pinned": True}
    assert folder["folders"][0]["path"] == "folder/sub/"


def test_folder_pages_leave_out_what_the_explorer_hides(make_garden):
    s = make_garden({"F/A.md": pub("a"), "F/B.md": pub("b", dg_hide="true"), "F/C.md": pub("c", dg_hide_in_filetree="true")})
    assert [a.get_text() for a in s.page("f/").select(".note-list a")] == ["A"]


def test_pages_do_not_embed_the_whole_garden(site):
    """An edit to one note must not change every page: the tree and graph are fetched, not inlined."""
    page = site.text("folder/note-9/index.html")
    assert "Note 10" not in page and "Deep" not in page and "Beta" not in page
    assert page.count("data-explorer") == 1 and 'data-graph="local"' in page


# --- graph -----------------------------------------------------------------------------------------

def test_graph_json_has_published_visible_notes_and_their_links(site):
    graph = json.loads(site.text("static/graph.json"))
    ids = [n["id"] for n in graph["nodes"]]
    assert "off-graph/" not in ids and "hidden/" not in ids and not any("private" in i for i in ids)
    assert {"", "alpha/", "beta/", "off-tree/", "folder/zeta/"} <= set(ids)
    edges = {(ids[a], ids[b]) for a, b in graph["links"]}
    assert ("alpha/", "beta/") in edges and ("beta/", "alpha/") in edges and ("", "alpha/") in edges
    assert not any("hidden/" in e for e in edges)
    alpha = graph["nodes"][ids.index("alpha/")]
    assert alpha["tags"] == ["soil"] and alpha["folder"] == ""
    assert graph["nodes"][ids.index("folder/sub/deep/")]["folder"] == "Folder"


def test_graph_page_and_local_graph_switches(make_garden):
    s = make_garden({"A.md": pub("[[B]]"), "B.md": pub("x", dg_show_local_graph="false"),
                     "C.md": pub("y", dgShowGraphDepthControl="false")})
    assert s.page("graph/").select_one('[data-graph="global"]') is not None
    assert s.page("a/").select_one('[data-graph="local"]') is not None
    assert s.page("a/").select_one("[data-graph-depth]") is not None
    assert s.page("b/").select_one("[data-graph]") is None
    assert s.page("c/").select_one("[data-graph-depth]") is None


def test_a_note_may_take_the_graph_address(make_garden):
    s = make_garden({"Graph.md": pub("my own graph page"), "A.md": pub("a")})
    assert "my own graph page" in s.text("graph/index.html")
    assert not s.page("a/").select('a[href$="graph/"]')


# --- search ----------------------------------------------------------------------------------------

def test_search_index_is_written_and_leaves_out_hidden_notes(site):
    """(What the index holds, how the page reads it and how it is updated: test_search.py.)"""
    from test_search import read_index

    index = read_index(site.out)
    assert index["meta"]["documentCount"] == len(GARDEN) - 2  # all but hidden and private
    shown = {path: (title, summary) for path, title, summary in index["stored"].values()}
    assert "hidden/" not in shown and not any("private" in p for p in shown)
    assert shown["alpha/"] == ("Alpha", "Alpha in short.")
    assert set(index["lengths"]) == set(index["stored"])
    assert {i for postings in index["terms"].values() for f in postings.values() for i in f} <= set(index["stored"])
    assert "private" not in index["terms"] or index["terms"]["private"].keys() == {3}  # a link's text, not a title
    assert index["tags"]["soil"][0] == 2 and index["tags"]["soil/clay"][0] == 1  # #soil finds #soil/clay


# --- feeds, sitemap, robots ------------------------------------------------------------------------

def test_atom_feed_lists_newest_notes_with_summaries(site):
    feed = ET.fromstring(site.text("feed.xml"))
    assert feed.find(f"{ATOM}title").text == "Nav & Co"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Hidden" not in titles and "PRIVATE-TITLE" not in titles and "Home" not in titles
    assert titles.index("Beta") < titles.index("Alpha")  # created 2024-03-01, then 2024-01-05
    alpha = entries[titles.index("Alpha")]
    assert alpha.find(f"{ATOM}link").get("href") == "https://example.org/garden/alpha/"
    assert alpha.find(f"{ATOM}summary").text == "Alpha in short."
    assert alpha.find(f"{ATOM}published").text == "2024-01-05T00:00:00Z"
    assert alpha.find(f"{ATOM}updated").text == "2024-02-01T00:00:00Z"
    assert [c.get("term") for c in alpha.findall(f"{ATOM}category")] == ["soil"]
    rss = ET.fromstring(site.text("rss.xml"))
    assert [i.find("title").text for i in rss.iter("item")][:2] == titles[:2]
    assert site.page("alpha/").select_one('link[rel="alternate"]')["href"] == "../feed.xml"


def test_sitemap_has_every_page_with_its_last_change_and_robots_names_it(site):
    tree = ET.fromstring(site.text("sitemap.xml"))
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {u.find(f"{ns}loc").text: (u.find(f"{ns}lastmod").text if u.find(f"{ns}lastmod") is not None else "")
            for u in tree}
    assert urls["https://example.org/garden/alpha/"] == "2024-02-01"
    assert urls["https://example.org/garden/tags/soil/"] == "2024-03-02"  # its newest note (Beta, nested tag)
    assert "https://example.org/garden/folder/" in urls and "https://example.org/garden/" in urls
    assert not any("private" in u for u in urls)
    assert site.text("robots.txt") == "User-agent: *\nAllow: /\nSitemap: https://example.org/garden/sitemap.xml\n"


def test_without_base_url_feeds_and_sitemap_are_skipped_with_one_note(make_garden):
    s = make_garden({"A.md": pub("a"), "B.md": pub("b")})
    assert not {"feed.xml", "rss.xml", "sitemap.xml"} & set(s.files())
    assert s.text("robots.txt") == "User-agent: *\nAllow: /\n"
    notes = [d for d in s.result.report.items if d.code == "no-base-url"]
    assert len(notes) == 1 and notes[0].level == "note" and not s.warnings
    assert s.page("a/").select_one('link[rel="alternate"]') is None
    assert notes[0].message.startswith("no base_url set, so the feeds")
    s = make_garden({"A.md": pub("a")}, base_url="/repo/")  # a path places the site, but is no address
    notes = [d for d in s.result.report.items if d.code == "no-base-url"]
    assert [d.message.split(", so")[0] for d in notes] == ["base_url '/repo/' is a path, not a full address"]
    assert not {"feed.xml", "rss.xml", "sitemap.xml"} & set(s.files())


def test_every_link_works_under_a_sub_path(site):
    assert broken_references(site.out, "/garden/") == []


# --- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2024-03-01", "2024-03-01T00:00:00+00:00"),
    ("2024-03-01 10:20", "2024-03-01T10:20:00+00:00"),
    ("2024-03-01T10:20:30+02:00", "2024-03-01T10:20:30+02:00"),
    (datetime.date(2023, 5, 6), "2023-05-06T00:00:00+00:00"),
    ("yesterday", None), ("2024-13-01", None), (True, None),
])
def test_frontmatter_dates(value, expected):
    found = parse_date(value)
    assert (found.isoformat() if found else None) == expected


def test_dates_prefer_frontmatter_then_git_then_the_file():
    history = {"a.md": (1_600_000_000.0, 1_700_000_000.0)}
    mtime = 1_750_000_000.0
    d = note_dates({"created": "2020-01-01"}, "a.md", mtime, history)
    assert (d.created.date().isoformat(), d.updated.date().isoformat(), d.source) == ("2020-01-01", "2023-11-14", "frontmatter")
    d = note_dates({}, "a.md", mtime, history)
    assert (d.created.date().isoformat(), d.updated.date().isoformat(), d.source) == ("2020-09-13", "2023-11-14", "git")
    d = note_dates({}, "b.md", mtime, history)
    assert (d.created.date().isoformat(), d.updated.date().isoformat(), d.source) == ("2025-06-15", "2025-06-15", "file")


def _git(cwd, *args, date=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _repo(root, notes: dict) -> None:
    """A garden in a git repository whose first commit, of `notes`, is dated 2021-04-05."""
    write_files(root / "content", notes)
    (root / "garden.toml").write_text("")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "first", date="2021-04-05T12:00:00Z")


def test_dates_come_from_one_git_log_and_a_shallow_clone_is_reported(tmp_path, make_garden):
    from garden.build import build
    from garden.config import load_config

    repo = tmp_path / "repo"
    _repo(repo, {"Old Note.md": pub("one"), "Ünïcode/Second.md": pub("two")})
    write_files(repo / "content", {"Old Note.md": pub("one, revised")})
    _git(repo, "commit", "-qam", "second", date="2022-07-08T12:00:00Z")

    result = build(load_config(repo, out=tmp_path / "site"), use_cache=False)
    dates = {p.note.rel: (p.dates.created.date().isoformat(), p.dates.updated.date().isoformat(), p.dates.source)
             for p in result.garden.pages}
    assert dates == {"Old Note.md": ("2021-04-05", "2022-07-08", "git"),
                     "Ünïcode/Second.md": ("2021-04-05", "2021-04-05", "git")}
    assert not any(d.code == "shallow-clone" for d in result.report.items)

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True)
    result = build(load_config(clone, out=tmp_path / "site2"), use_cache=False)
    shallow = [d for d in result.report.warnings if d.code == "shallow-clone"]
    assert len(shallow) == 1 and "fetch-depth: 0" in shallow[0].hint


def test_git_dates_are_read_again_only_when_head_moves(tmp_path, monkeypatch):
    """The log of a long history is slow; the cache keeps it while HEAD stays the same commit."""
    from garden import dates
    from garden.build import build
    from garden.config import load_config

    repo = tmp_path / "repo"
    _repo(repo, {"Old Note.md": pub("one"), "Other.md": pub("two")})
    logs = []
    run = dates.subprocess.run

    def counting(args, **kw):
        if "log" in args:
            logs.append(args)
        return run(args, **kw)

    monkeypatch.setattr(dates.subprocess, "run", counting)

    def updated(rel: str = "Old Note.md") -> str:
        result = build(load_config(repo, out=tmp_path / "site"))
        return next(p.dates.updated.date().isoformat() for p in result.garden.pages if p.note.rel == rel)

    assert updated() == "2021-04-05" and len(logs) == 1
    write_files(repo / "content", {"Other.md": pub("two, edited but not committed")})
    assert updated() == "2021-04-05" and len(logs) == 1  # HEAD did not move: the log is not read again
    write_files(repo / "content", {"Old Note.md": pub("one, revised")})
    _git(repo, "commit", "-qam", "second", date="2022-07-08T12:00:00Z")
    assert updated() == "2022-07-08" and len(logs) == 2
    write_files(repo / "content", {"Other.md": pub("two, edited again")})
    assert updated("Other.md") != "2023-09-10" and len(logs) == 2
    _git(repo, "commit", "-qam", "third", date="2023-09-10T12:00:00Z")
    assert updated("Other.md") == "2023-09-10" and len(logs) == 3  # no file changed, but its dates did


def test_a_shallow_clone_fetched_in_full_gets_its_git_dates_on_the_next_build(tmp_path):
    """Fetching the whole history leaves HEAD where it was: the cached dates must not stay."""
    from garden.build import build
    from garden.config import load_config

    repo = tmp_path / "repo"
    _repo(repo, {"Old Note.md": pub("one")})
    write_files(repo / "content", {"Old Note.md": pub("one, revised")})
    _git(repo, "commit", "-qam", "second", date="2022-07-08T12:00:00Z")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True, capture_output=True)

    def created() -> tuple[str, list]:
        result = build(load_config(clone, out=tmp_path / "site"))
        return (result.garden.pages[0].dates.created.date().isoformat(),
                [d.code for d in result.report.warnings if d.code == "shallow-clone"])

    assert created() == ("2022-07-08", ["shallow-clone"])
    _git(clone, "fetch", "-q", "--unshallow")
    assert created() == ("2021-04-05", [])


def test_pages_show_their_dates(site):
    meta = site.page("alpha/").select_one(".note-meta time")
    assert meta["datetime"] == "2024-02-01"


# --- per-note settings -----------------------------------------------------------------------------

def test_note_settings_read_both_spellings_and_false_wins_over_the_site():
    site_on = Display()
    s = note_settings({"dg-show-backlinks": False, "dgShowToc": "false", "dgPinned": True,
                       "noteIcon": "3", "dg-content-classes": "wide  two <bad>", "dg-metatags": {"og:image": "x.png", "robots": "noindex"}},
                      site_on)
    assert s["backlinks"] is False and s["toc"] is False and s["local_graph"] is True
    assert s["pinned"] is True and s["hide"] is False and s["note_icon"] == "3"
    assert s["content_classes"] == ["wide", "two"]
    assert s["metatags"] == {"og:image": "x.png", "robots": "noindex"}
    site_off = Display(backlinks=False)
    assert note_settings({}, site_off)["backlinks"] is False
    assert note_settings({"dgShowBacklinks": True}, site_off)["backlinks"] is True


def test_site_defaults_come_from_garden_toml_and_a_note_overrides_them(make_garden):
    s = make_garden({"A.md": pub("a\n\n## H"), "B.md": pub("b\n\n## H", dg_show_toc="true", dg_show_backlinks="false")},
                    toml="[display]\ntoc = false\nfile_tree = false\nsearch = false\n")
    a, b = s.page("a/"), s.page("b/")
    assert a.select_one(".toc") is None and b.select_one(".toc") is not None
    assert a.select_one(".backlinks") is not None and b.select_one(".backlinks") is None
    assert a.select_one("[data-explorer]") is None and a.select_one("[data-search-open]") is None


# What each display setting shows on a note's page, found by a selector.
SHOWN_BY = {
    "backlinks": ".backlinks",
    "toc": ".toc",
    "local_graph": ".graph-panel [data-graph]",
    "graph_depth_control": "[data-graph-depth]",
    "file_tree": "[data-explorer]",
    "search": "[data-search-open]",
    "link_previews": None,  # the page opts out with <meta name="garden-link-previews" content="off">
    "tags": ".note-tags",
    "inline_title": "h1.note-title",
    "home_link": ".nav-links a[href]",
}


def _shows(page, name: str) -> bool:
    if name == "link_previews":
        return page.select_one('meta[name="garden-link-previews"]') is None
    if name == "home_link":
        return "Home" in [a.get_text() for a in page.select(SHOWN_BY[name])]
    return page.select_one(SHOWN_BY[name]) is not None


@pytest.mark.parametrize("name", list(SHOWN_BY))
def test_every_display_setting_switches_its_part_of_the_page_in_both_spellings(make_garden, name):
    from garden.config import DISPLAY_SETTINGS

    kebab, camel = DISPLAY_SETTINGS[name]
    body = "Text #soil [[Other]]\n\n## One\n\n## Two\n"
    notes = {"Default.md": pub(body), "Kebab.md": pub(body, **{kebab: "false"}),
             "Camel.md": '---\n{"dg-publish": true, "%s": false}\n---\n%s' % (camel, body),
             "Other.md": pub("[[Default]] [[Kebab]] [[Camel]]")}
    on = make_garden(notes, toml="")
    assert _shows(on.page("default/"), name)
    assert not _shows(on.page("kebab/"), name) and not _shows(on.page("camel/"), name)
    # the site switches it off; a note's true switches it back on
    notes = {**notes, "Kebab.md": pub(body, **{kebab: "true"}),
             "Camel.md": '---\n{"dg-publish": true, "%s": true}\n---\n%s' % (camel, body)}
    off = make_garden(notes, toml=f"[display]\n{name} = false\n")
    assert not _shows(off.page("default/"), name)
    assert _shows(off.page("kebab/"), name) and _shows(off.page("camel/"), name)


def test_metatags_classes_icon_and_passed_frontmatter_are_escaped(make_garden):
    s = make_garden({"A.md": '---\n{"dg-publish": true, "dg-content-classes": "wide", "dg-pass-frontmatter": true,'
                             ' "dg-metatags": {"description": "a \\"quoted\\" <b>", "og:image": "cover.png"},'
                             ' "mood": "</script><script>alert(1)</script>"}\n---\nbody\n'})
    page = s.page("a/")
    assert "wide" in page.select_one("article.note")["class"]
    desc = [m["content"] for m in page.select('meta[name="description"]')]
    assert 'a "quoted" <b>' in desc
    assert page.select_one('meta[property="og:image"]')["content"] == "cover.png"
    raw = s.text("a/index.html")
    assert "</script><script>alert(1)" not in raw
    data = json.loads(page.select_one("#garden-frontmatter").string)
    assert data["mood"] == "</script><script>alert(1)</script>"


# --- themes ----------------------------------------------------------------------------------------

def test_minimal_theme_overrides_some_parts_and_inherits_the_rest(make_garden):
    s = make_garden({"A.md": pub("a [[B]]\n\n## Part"), "B.md": pub("b [[A]]")}, toml='theme = "minimal"\n')
    page = s.page("a/")
    assert page.select_one("article.minimal-note") is not None  # its own note.html
    assert page.select_one("[data-graph]") is None and page.select_one("details.toc") is not None
    assert page.select_one("[data-explorer]") is not None  # base.html from default
    css = s.text("static/style.css")
    assert "--accent: #9b2c2c" in css  # its own part
    assert ".tree-toggle" in css and ".search-dialog" in css  # default parts it does not replace
    assert "minimal layout" in css and "Tablet: the right column" not in css  # 40-layout.css replaced
    assert "#9b2c2c" in s.text("static/favicon.svg")
    assert s.page("tags/").select_one("article.listing") is not None  # list.html from default


def test_a_garden_overrides_templates_and_adds_css_without_copying_the_theme(make_garden, tmp_path):
    files = {"A.md": pub("a")}
    s = make_garden(files, toml="")
    root = s.out.parent / "garden1"
    write_files(root / "theme", {
        "templates/404.html": '{% extends "base.html" %}{% block main %}<p class="mine">Lost, sorry.</p>{% endblock %}',
        "css/99-mine.css": ".mine { color: rebeccapurple }",
        "static/custom.css": "body { letter-spacing: .01em }",
    })
    from garden.build import build
    from garden.config import load_config
    build(load_config(root, out=s.out), use_cache=False)
    assert "Lost, sorry." in s.text("404.html")
    assert "rebeccapurple" in s.text("static/style.css") and ".tree-toggle" in s.text("static/style.css")
    assert any("static/custom.css" in link["href"] for link in s.page("a/").select('link[rel="stylesheet"]'))


def test_ui_strings_are_translatable_in_pages_and_scripts(make_garden):
    s = make_garden({"A.md": pub("a\n\n## H")},
                    toml='[ui]\nsearch = "Suchen"\nexplorer = "Ordner"\ngraph_zoom_in = "Vergrößern"\n'
                         'search_placeholder = "Den Garten <durchsuchen>"\n')
    page = s.page("a/")
    assert page.select_one("[data-search-open] .tool-label").get_text() == "Suchen"
    assert page.select_one("#site-nav")["aria-label"] == "Ordner"
    ui = json.loads(page.select_one("#garden-ui").string)
    assert ui["graph_zoom_in"] == "Vergrößern" and ui["search_placeholder"] == "Den Garten <durchsuchen>"
    assert "<durchsuchen>" not in s.text("a/index.html")  # escaped inside the script element


def test_counts_of_one_read_one_note_one_word(make_garden):
    s = make_garden({"A.md": pub("Hello", tags="[solo]"), "B.md": pub("Two here", tags="[pair]"),
                     "C.md": pub("x", tags="[pair]")})
    assert s.page("tags/solo/").select_one(".listing .muted").get_text() == "1 note"
    assert s.page("tags/pair/").select_one(".listing .muted").get_text() == "2 notes"
    assert "1 word" in s.page("a/").select_one(".note-meta").get_text()
    assert "2 words" in s.page("b/").select_one(".note-meta").get_text()


def test_a_translation_writes_its_own_word_forms_and_plain_strings_still_work(make_garden):
    s = make_garden({"A.md": pub("a", tags="[solo]"), "B.md": pub("b", tags="[pair]"), "C.md": pub("c", tags="[pair]")},
                    toml='[ui]\nnotes_count = "{count} {count:Notiz|Notizen}"\nwords = "{count} Wörter"\n')
    assert s.page("tags/solo/").select_one(".listing .muted").get_text() == "1 Notiz"
    assert s.page("tags/pair/").select_one(".listing .muted").get_text() == "2 Notizen"
    assert "1 Wörter" in s.page("a/").select_one(".note-meta").get_text()  # no forms given: as written
    ui = json.loads(s.page("a/").select_one("#garden-ui").string)
    assert ui["notes_count"] == "{count} {count:Notiz|Notizen}"  # the page's script picks the form itself


def test_the_page_script_picks_the_same_word_forms(make_garden, tmp_path):
    """Search results, tag suggestions and the graph's label are counted in the browser."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    core = (ROOT / "themes" / "default" / "js" / "00-core.js").read_text(encoding="utf-8")
    script = tmp_path / "format.js"
    script.write_text("globalThis.document = { querySelector: () => null };\n" + core + """
const ui = JSON.parse(process.argv[2]);
console.log(JSON.stringify([1, 2].map((n) => [garden.format(ui.search_results, { count: n }),
  garden.format(ui.graph_label, { notes: n, links: 3 - n })])));
""", encoding="utf-8")
    from garden.config import UI
    import dataclasses
    done = subprocess.run([node, str(script), json.dumps(dataclasses.asdict(UI()))],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [["1 result", "Graph of 1 note and 2 links"],
                                       ["2 results", "Graph of 2 notes and 1 link"]]
