"""Finding your way, in a real browser: search, graph, explorer, theme toggle, contents,
accessibility; at the site root and under a /sub/path/ base, with no console errors."""
from __future__ import annotations

import re

import pytest

from browser import axe_violations, open_page, serve_site
from conftest import write_files

NOTES = {
    "Home.md": "---\ndg-publish: true\ndg-home: true\ntags: [gardenEntry]\n---\n# Welcome\n\n"
               "Start at [[Soil Basics]] or [[Bees/Hive Life]].\n",
    "Soil Basics.md": "---\ndg-publish: true\ntags: [soil]\ndescription: What soil is made of, in short.\n---\n"
                      "Soil is alive. Read [[Compost]] and [[Bees/Hive Life]].\n\n"
                      "## Texture\n\n" + "Sand, silt and clay. " * 60 + "\n\n"
                      "## Life\n\n" + "Worms and fungi. " * 60 + "\n\n## Water\n\n" + "Rain soaks in. " * 80 + "\n",
    "Compost.md": "---\ndg-publish: true\ntags: [soil, practice]\n---\n"
                  "Turning scraps into humus; the zymurgical secret is patience. Back to [[Soil Basics]].\n",
    "Bees/Hive Life.md": "---\ndg-publish: true\ntags: [bees]\n---\nA hive is a superorganism. See [[Bees/Swarming]].\n",
    "Bees/Swarming.md": "---\ndg-publish: true\ntags: [bees]\ndg-pinned: true\n---\nSwarms in May. [[Compost]]\n",
    "Bees/Queen Notes 10.md": "---\ndg-publish: true\n---\nThe tenth note about queens.\n",
    "Bees/Queen Notes 9.md": "---\ndg-publish: true\n---\nThe ninth note about queens.\n",
    "Quiet.md": "---\ndg-publish: true\ndg-hide-in-graph: true\n---\nNot in the graph. Links to [[Compost]].\n",
    "Secret.md": "---\ntitle: Unpublished\n---\nnever shown, links to [[Compost]]\n",
}
PREFIXES = ["/", "/sub/path/"]
# The script has drawn the explorer and any graph on the page.
DRAWN = """() => { const e = document.querySelector("[data-explorer]"), g = document.querySelector("[data-graph]");
    return (!e || e.classList.contains("ready")) && (!g || g.dataset.state === "settled"); }"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from garden.build import build
    from garden.config import load_config

    root = tmp_path_factory.mktemp("navgarden")
    write_files(root / "content", NOTES)
    (root / "garden.toml").write_text('title = "Test Garden"\nbase_url = "https://example.org/sub/path/"\n')
    cfg = load_config(root, out=root / "site")
    result = build(cfg, use_cache=False)
    assert not result.report.errors
    return root / "site"


@pytest.fixture(params=PREFIXES, ids=["root", "subpath"])
def url(request, site):
    with serve_site(site, request.param) as base:
        yield base


def test_search_finds_a_note_by_a_word_in_its_body(browser, url):
    with open_page(browser) as page:
        page.goto(url + "soil-basics/")
        page.keyboard.press("Control+K")
        box = page.locator(".search-dialog .search-input")
        box.wait_for()
        assert box.evaluate("el => el === document.activeElement")
        box.fill("zymurgical")
        option = page.locator(".search-result").first
        option.wait_for()
        assert option.locator(".search-title").inner_text() == "Compost"
        assert "zymurgical" in option.locator(".search-snippet mark").first.inner_text().lower()
        assert option.get_attribute("aria-selected") == "true"
        # the summary lacks the word: the snippet is the passage of the page around it
        box.fill("fungi")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === 'Soil Basics'"
                               " && document.querySelector('.search-snippet mark')")
        snippet = page.locator(".search-result").first.locator(".search-snippet")
        assert snippet.locator("mark").first.inner_text() == "fungi"
        assert "Worms and fungi" in snippet.inner_text() and "in short" not in snippet.inner_text()
        box.fill("zymurgical")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === 'Compost'")
        box.press("Enter")
        page.wait_for_url(re.compile(re.escape(url) + "compost/$"))
        assert page.locator("h1.note-title").inner_text() == "Compost"
        assert page.problems == []


def test_search_ranks_titles_filters_tags_and_uses_keys(browser, url):
    with open_page(browser) as page:
        page.goto(url)
        page.locator("[data-search-open]").click()
        box = page.locator(".search-input")
        box.fill("compost")
        page.locator(".search-result").first.wait_for()
        titles = page.locator(".search-title").all_inner_texts()
        assert titles[0] == "Compost"  # the title outranks notes that only mention it
        # the summary is the snippet when the query is found in it
        box.fill("soil")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === 'Soil Basics'")
        soil = page.locator(".search-result").filter(has=page.locator(".search-title", has_text=re.compile("^Soil Basics$")))
        assert soil.locator(".search-snippet").inner_text() == "What soil is made of, in short."
        assert soil.locator(".search-snippet mark").inner_text() == "soil"
        # words and a #tag: only notes with the tag
        titles = "() => [...document.querySelectorAll('.search-title')].map(t => t.textContent).sort().join('|')"
        box.fill("hive")
        page.wait_for_function(titles + " === 'Hive Life|Soil Basics|Welcome'")
        box.fill("hive #bees")
        page.wait_for_function(titles + " === 'Hive Life'")
        # a #tag alone suggests tags, each leading to its page
        box.fill("#so")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === '#soil'")
        assert page.locator(".search-snippet").first.inner_text() == "2 notes"
        box.fill("#")
        box.fill("#bees")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === '#bees'")
        box.press("Enter")
        page.wait_for_url(re.compile(re.escape(url) + "tags/bees/$"))
        page.keyboard.press("Control+K")
        box = page.locator(".search-input")
        box.fill("soil")
        page.wait_for_function("() => document.querySelectorAll('.search-result').length >= 2")
        box.press("ArrowDown")
        second = page.locator(".search-result").nth(1)
        assert second.get_attribute("aria-selected") == "true"
        assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
        box.press("Escape")
        assert not page.locator(".search-dialog").evaluate("d => d.open")
        assert page.problems == []


def test_search_loads_its_script_and_index_only_when_opened(browser, site, url):
    with open_page(browser) as page:
        requested = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url + "compost/")
        page.wait_for_load_state("networkidle")
        assert not any("/search/" in u or "minisearch" in u for u in requested)
        page.keyboard.press("Control+K")
        page.locator(".search-input").fill("soil")
        page.locator(".search-result").first.wait_for()
        assert url + "static/vendor/minisearch/minisearch.min.js" in requested
        assert url + "search/meta.json" in requested
        # the query fetched the shard of its word, not the whole index
        shards = [u for u in requested if "/search/s/" in u]
        assert shards and all(u.startswith(url) for u in shards)
        assert len(shards) < len(list((site / "search" / "s").iterdir()))
        assert page.problems == []


def _graph(page):
    page.wait_for_function("() => { const g = document.querySelector('[data-graph]');"
                           " return g && g.dataset.state === 'settled'; }")
    return page.locator("[data-graph]")


def test_global_graph_draws_nodes_and_a_click_opens_the_note(browser, url):
    with open_page(browser) as page:
        page.goto(url + "graph/")
        graph = _graph(page)
        ids = graph.evaluate("g => g.gardenGraph.nodes.map(n => n.id).sort()")
        assert "quiet/" not in ids  # dg-hide-in-graph
        assert not any("secret" in i for i in ids)  # unpublished
        assert {"", "compost/", "soil-basics/", "bees/hive-life/"} <= set(ids)
        # something was drawn: the canvas has non-background pixels
        assert graph.evaluate("""g => { const c = g.querySelector('canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }""") > 200
        assert sorted(page.locator(".graph-legend li").all_inner_texts()) == ["#bees", "#soil"]
        page.select_option("[data-graph-colors]", "folder")
        assert page.locator(".graph-legend li").all_inner_texts() == ["Bees"]
        pos = graph.evaluate("g => g.gardenGraph.screenPosition('compost/')")
        page.locator("[data-graph] canvas").click(position={"x": pos["x"], "y": pos["y"]})
        page.wait_for_url(re.compile(re.escape(url) + "compost/$"))
        assert page.problems == []


def test_graph_pans_zooms_and_moves_a_node_by_pointer(browser, url):
    with open_page(browser) as page:
        page.goto(url + "graph/")
        graph = _graph(page)
        box = page.locator("[data-graph] canvas").bounding_box()
        view = "g => ({...g.gardenGraph.view})"
        before = graph.evaluate(view)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -300)  # scroll up: zoom in
        page.wait_for_function("k => document.querySelector('[data-graph]').gardenGraph.view.k > k", arg=before["k"])
        # drag the background: the graph follows the pointer
        start = graph.evaluate("""g => { const G = g.gardenGraph, r = g.querySelector('canvas').getBoundingClientRect();
            for (let y = 5; y < r.height; y += 10) for (let x = 5; x < r.width; x += 10)
              if (!G.nodeAt(x, y)) return {x, y}; }""")
        at = graph.evaluate(view)
        page.mouse.move(box["x"] + start["x"], box["y"] + start["y"])
        page.mouse.down()
        page.mouse.move(box["x"] + start["x"] + 40, box["y"] + start["y"] + 25, steps=5)
        page.mouse.up()
        moved = graph.evaluate(view)
        assert (round(moved["x"] - at["x"]), round(moved["y"] - at["y"])) == (40, 25)
        # drag a node: it moves, and letting go does not open its note
        pos = graph.evaluate("g => g.gardenGraph.screenPosition('compost/')")
        page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
        page.mouse.down()
        page.mouse.move(box["x"] + pos["x"] + 60, box["y"] + pos["y"] + 30, steps=5)
        dragged = graph.evaluate("g => g.gardenGraph.screenPosition('compost/')")
        page.mouse.up()
        assert abs(dragged["x"] - pos["x"] - 60) < 3 and abs(dragged["y"] - pos["y"] - 30) < 3
        page.wait_for_timeout(300)
        assert page.url == url + "graph/"
        assert page.problems == []


def test_local_graph_shows_neighbours_to_the_chosen_depth(browser, url):
    with open_page(browser) as page:
        page.goto(url + "bees/swarming/")
        graph = _graph(page)
        depth1 = sorted(graph.evaluate("g => g.gardenGraph.nodes.map(n => n.id)"))
        assert depth1 == ["bees/hive-life/", "bees/swarming/", "compost/"]
        page.select_option("[data-graph-depth]", "2")
        page.wait_for_function("() => document.querySelector('[data-graph]').gardenGraph.nodes.length > 3")
        depth2 = set(graph.evaluate("g => g.gardenGraph.nodes.map(n => n.id)"))
        assert {"soil-basics/", ""} <= depth2 and "quiet/" not in depth2
        # zoom buttons are keyboard-usable controls
        before = graph.evaluate("g => g.gardenGraph.view.k")
        page.get_by_role("button", name="Zoom in").focus()
        page.keyboard.press("Enter")
        assert graph.evaluate("g => g.gardenGraph.view.k") > before
        assert page.problems == []


def test_explorer_marks_the_current_note_and_folders_collapse(browser, url):
    with open_page(browser) as page:
        page.goto(url + "bees/hive-life/")
        explorer = page.locator("[data-explorer].ready")
        explorer.wait_for()
        current = explorer.locator('[aria-current="page"]')
        assert current.inner_text() == "Hive Life"
        toggle = explorer.get_by_role("button", name="Toggle folder Bees")
        assert toggle.get_attribute("aria-expanded") == "true"
        bees = explorer.locator(".tree-folder > .tree").first
        # pinned first, then natural order (9 before 10); hidden notes are absent
        assert bees.locator(":scope > li > a").all_inner_texts() == [
            "Swarming", "Hive Life", "Queen Notes 9", "Queen Notes 10"]
        top = explorer.locator(":scope > .tree > li > a").all_inner_texts()
        assert top == ["Compost", "Quiet", "Soil Basics"]  # the home page is the site title
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false" and bees.is_hidden()
        toggle.press("Enter")
        assert bees.is_visible()
        href = explorer.locator("a", has_text="Soil Basics").get_attribute("href")
        assert href == "../../soil-basics/"
        assert page.problems == []


def test_theme_toggle_persists_across_pages(browser, url):
    with open_page(browser, color_scheme="light") as page:
        page.goto(url + "compost/")
        bg = "() => getComputedStyle(document.body).backgroundColor"
        light = page.evaluate(bg)
        toggle = page.locator("[data-theme-toggle]")
        assert toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.evaluate(bg) != light
        page.goto(url + "bees/swarming/")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert page.locator("[data-theme-toggle]").get_attribute("aria-pressed") == "true"
        assert page.evaluate(bg) != light
        assert page.problems == []
    with open_page(browser, color_scheme="dark") as page:  # no choice made: the system's setting
        page.goto(url + "compost/")
        assert page.locator("[data-theme-toggle]").get_attribute("aria-pressed") == "true"


def test_contents_follow_scrolling(browser, url):
    with open_page(browser, viewport=(1400, 700)) as page:
        page.goto(url + "soil-basics/")
        assert page.locator('.toc a[aria-current="true"]').inner_text() == "Texture"
        current = "() => document.querySelector('.toc a[aria-current=\"true\"]').textContent"
        page.evaluate("document.getElementById('life').scrollIntoView()")
        page.wait_for_function(current + " === 'Life'")
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")  # the short last section
        page.wait_for_function(current + " === 'Water'")
        assert page.problems == []


def test_phone_menu_opens_the_explorer(browser, url):
    with open_page(browser, viewport=(390, 800)) as page:
        page.goto(url + "compost/")
        nav = page.locator("#site-nav")
        assert nav.is_hidden()
        menu = page.get_by_role("button", name="Menu")
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible()
        page.keyboard.press("Escape")
        assert nav.is_hidden()
        assert page.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site, scheme):
    with serve_site(site, "/sub/path/") as url, open_page(browser, color_scheme=scheme) as page:
        found = {}
        for path in ("soil-basics/", "bees/", "tags/", "graph/", "no/such/page/"):
            page.goto(url + path)
            page.wait_for_function(DRAWN)
            found[path] = axe_violations(page)
        page.goto(url + "compost/")
        page.keyboard.press("Control+K")
        page.locator(".search-input").fill("soil")
        page.locator(".search-result").first.wait_for()
        found["search"] = axe_violations(page)
        assert {k: v for k, v in found.items() if v} == {}
        assert [p for p in page.problems if "status of 404" not in p] == []


RICH = {
    "Rich.md": "---\ndg-publish: true\n---\n# Rich\n\n"
               "```ts {2}\n// a comment\nconst answer = x instanceof Y && !done; // marked line\n"
               "function f(a: number): string { return `${a}`; }\n"
               "const long = '" + "a very long line that has to scroll sideways " * 6 + "';\n```\n\n"
               + "".join(f"> [!{kind}] A {kind} callout\n> With text.\n\n" for kind in (
                   "note", "abstract", "info", "todo", "tip", "success", "question", "warning",
                   "failure", "danger", "bug", "example", "quote"))
               + "- [ ] to do\n- [x] done\n- [-] dropped\n- [>] moved\n\n"
               "A claim.[^1]\n\n[^1]: Its source.\n\n"
               "$$\n" + " + ".join(f"x_{{{i}}}^{{2}}" for i in range(60)) + "\n$$\n\n"
               "![[paper.pdf]]\n\n"
               "```mermaid\ngraph LR\n  A[Seed] --\"grows into\"--> B[Tree]\n```\n",
    "paper.pdf": b"%PDF-1.4\n",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notes_full_of_markdown_have_no_serious_accessibility_violations(browser, tmp_path, scheme):
    """Code, every callout, tasks, footnotes, wide math, a PDF and a diagram: what real gardens hold."""
    from garden.build import build
    from garden.config import load_config

    write_files(tmp_path / "vault", RICH)
    build(load_config(tmp_path / "vault", out=tmp_path / "site"), use_cache=False)
    with serve_site(tmp_path / "site", "/sub/path/") as url, open_page(browser, color_scheme=scheme) as page:
        page.goto(url + "rich/")
        page.wait_for_function("() => document.querySelector('pre.mermaid svg .edgeLabel')")
        page.locator(".code-block").first.hover()  # the copy button at its most visible
        assert axe_violations(page) == []
        assert [p for p in page.problems if "chrome-extension://" not in p] == []  # the browser's own PDF viewer


def test_the_404_page_works_at_any_depth(browser, site):
    """Served for any missing address, it finds its styles and links through the base path
    of base_url (https://example.org/sub/path/)."""
    with serve_site(site, "/sub/path/") as url, open_page(browser) as page:
        response = page.goto(url + "no/such/page/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        page.locator("[data-explorer].ready").wait_for()
        href = page.locator("[data-explorer] a", has_text="Compost").get_attribute("href")
        page.locator("[data-explorer] a", has_text="Compost").click()
        page.wait_for_url(re.compile(re.escape(url) + "compost/$"))
        assert href and [p for p in page.problems if "404" not in p] == []


def test_without_javascript_every_page_still_leads_everywhere(browser, url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + "bees/swarming/")
        assert page.locator("[data-explorer]").is_hidden() and page.locator(".graph-panel").is_hidden()
        assert page.locator("[data-search-open]").is_hidden() and page.locator("[data-theme-toggle]").is_hidden()
        page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Bees").click()
        page.wait_for_url(re.compile(re.escape(url) + "bees/$"))
        assert "Hive Life" in page.locator(".note-list").inner_text()
    finally:
        context.close()


def test_search_from_a_file_on_disk_says_it_needs_a_server(browser, site):
    with open_page(browser) as page:
        page.goto((site / "compost" / "index.html").as_uri())
        page.keyboard.press("Control+K")
        page.locator(".search-input").fill("soil")
        status = page.locator(".search-status")
        status.wait_for()
        assert "served over http" in status.inner_text()
        assert page.locator("h1.note-title").inner_text() == "Compost"  # the page itself works


def test_explorer_remembers_opened_folders_across_pages(browser, url):
    with open_page(browser) as page:
        page.goto(url + "compost/")
        toggle = page.get_by_role("button", name="Toggle folder Bees")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator("[data-explorer] a", has_text="Hive Life").count() == 0  # made when opened
        toggle.click()
        page.locator("[data-explorer] a", has_text="Hive Life").wait_for()
        page.goto(url + "soil-basics/")
        toggle = page.get_by_role("button", name="Toggle folder Bees")
        assert toggle.get_attribute("aria-expanded") == "true"
        toggle.click()
        page.goto(url + "compost/")
        assert page.get_by_role("button", name="Toggle folder Bees").get_attribute("aria-expanded") == "false"
        assert page.problems == []


def test_a_note_left_out_of_the_graph_has_no_local_graph(browser, url):
    with open_page(browser) as page:
        page.goto(url + "quiet/")
        page.wait_for_function("() => document.querySelector('[data-graph]').dataset.state === 'hidden'")
        assert page.locator(".graph-panel").is_hidden()
        page.locator("[data-theme-toggle]").click()
        assert page.problems == []



def test_search_finds_and_marks_a_japanese_word_inside_a_sentence(browser, tmp_path):
    from garden.build import build
    from garden.config import load_config

    write_files(tmp_path / "content", {
        "Library.md": "---\ndg-publish: true\n---\n東京の図書館で日本語の本を読みました。静かでした。\n",
        "Garden.md": "---\ndg-publish: true\n---\n我们在花园里种植蔬菜。\n",
        "Greenhouse.md": "---\ndg-publish: true\ndescription: 短い説明。\n---\n"
                         + "あいうえお" * 30 + "温室で野菜を育てる。 " + "かきくけこ" * 30 + " Fin.\n",
        "Intro.md": "---\ndg-publish: true\n---\n入門pythonの本です。\n",
    })
    (tmp_path / "garden.toml").write_text('title = "庭"\n')
    result = build(load_config(tmp_path, out=tmp_path / "site"), use_cache=False)
    assert not result.report.errors
    with serve_site(tmp_path / "site", "/") as base, open_page(browser) as page:
        page.goto(base + "garden/")
        page.keyboard.press("Control+K")
        box = page.locator(".search-dialog .search-input")
        box.fill("図書館")
        option = page.locator(".search-result").first
        option.wait_for()
        assert option.locator(".search-title").inner_text() == "Library"
        assert option.locator(".search-snippet mark").first.inner_text() == "図書館"
        assert page.locator(".search-result").count() == 1
        # the summary lacks the word: the passage around it, in text without spaces
        box.fill("温室")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === 'Greenhouse'"
                               " && document.querySelector('.search-snippet mark')")
        snippet = page.locator(".search-result").first.locator(".search-snippet")
        assert snippet.locator("mark").inner_text() == "温室" and "温室で野菜を育てる" in snippet.inner_text()
        # a word right after Japanese text is marked as a word of its own
        box.fill("python")
        page.wait_for_function("() => document.querySelector('.search-title').textContent === 'Intro'")
        assert page.locator(".search-result .search-snippet mark").first.inner_text() == "python"
        assert page.problems == []
