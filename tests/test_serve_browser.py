"""`garden serve` in a real browser: the open page follows the files as they are saved."""
from __future__ import annotations

import pytest

from test_serve import NOTES, serve, wait_for  # noqa: F401  (serve is a fixture)

TIMEOUT_MS = 20_000


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    yield context.new_page()
    context.close()


LONG = "---\ndg-publish: true\n---\n# Long\n\n" + "\n\n".join(
    f"Paragraph {i}: " + "words that fill the line " * 12 for i in range(80)) + "\n\nThe end: {ending}.\n"


def test_the_page_reloads_itself_with_the_new_text_keeping_its_scroll_position(serve, page):
    from playwright.sync_api import expect

    site = serve({**NOTES, "long.md": LONG.format(ending="old ending")})
    page.goto(f"http://127.0.0.1:{site.port}/long/")
    # A browser restores the scroll position of a reloaded page by itself unless the page opts out;
    # opting out leaves it to the live-reload script.
    page.evaluate("history.scrollRestoration = 'manual'; window.scrollTo(0, 2000); window.stillTheSamePage = true")
    page.wait_for_function("window.scrollY === 2000")

    (site.vault / "long.md").write_text(LONG.format(ending="new ending"), encoding="utf-8")
    expect(page.locator(".note-body")).to_contain_text("The end: new ending.", timeout=TIMEOUT_MS)
    assert page.evaluate("window.stillTheSamePage") is None  # it reloaded
    page.wait_for_function("document.readyState === 'complete'")
    assert page.evaluate("window.scrollY") == 2000


def test_a_css_change_swaps_the_stylesheet_without_reloading(serve, page):
    site = serve(NOTES, toml="", root_files={"theme/css/99-mine.css": ".note-title { color: rgb(1, 2, 3) }\n"})
    page.goto(f"http://127.0.0.1:{site.port}/a/")
    title_color = "getComputedStyle(document.querySelector('.note-title')).color"
    assert page.evaluate(title_color) == "rgb(1, 2, 3)"
    page.evaluate("window.stillTheSamePage = true")

    (site.root / "theme" / "css" / "99-mine.css").write_text(".note-title { color: rgb(4, 5, 6) }\n")
    page.wait_for_function(f"{title_color} === 'rgb(4, 5, 6)'", timeout=TIMEOUT_MS)
    assert page.evaluate("window.stillTheSamePage") is True
    page.wait_for_function("document.querySelectorAll('link[rel=stylesheet]').length === 1", timeout=TIMEOUT_MS)


def test_a_broken_save_shows_an_overlay_until_the_fix(serve, page):
    from playwright.sync_api import expect

    site = serve(NOTES)
    page.goto(f"http://127.0.0.1:{site.port}/a/")
    page.evaluate("window.stillTheSamePage = true")
    site.write("a.md", "---\ndg-publish: true\ntitle: [unclosed <b>bold</b>\n---\nBroken.\n")
    overlay = page.locator("#garden-live-overlay")
    expect(overlay).to_contain_text("a.md:3", timeout=TIMEOUT_MS)
    expect(overlay).to_contain_text("invalid YAML frontmatter")
    expect(overlay).to_contain_text("last version that built")
    assert page.evaluate("window.stillTheSamePage") is True  # nothing to reload: the old page stays
    expect(page.locator(".note-body")).to_contain_text("First version.")

    site.write("a.md", NOTES["a.md"].replace("First version.", "Fixed version."))
    expect(page.locator(".note-body")).to_contain_text("Fixed version.", timeout=TIMEOUT_MS)
    expect(overlay).to_have_count(0)


def test_a_page_the_rebuild_did_not_change_stays_as_it_is(serve, page):
    """Editing a's text changes a's page and the search index, not b's page: b is not reloaded,
    and it still reloads at the next build that changes it."""
    from playwright.sync_api import expect

    site = serve(NOTES)
    page.goto(f"http://127.0.0.1:{site.port}/b/")
    page.evaluate("window.stillTheSamePage = true")
    before = site.status()["build"]
    site.write("a.md", NOTES["a.md"].replace("First version.", "Second version."))
    status = wait_for(lambda: (s := site.status())["build"] != before and "rebuilt in" in site.log.getvalue() and s,
                      what="the rebuild")
    assert "b/index.html" not in (status["pages"] or ["b/index.html"]), status
    page.wait_for_timeout(500)
    assert page.evaluate("window.stillTheSamePage") is True

    site.write("b.md", NOTES["b.md"].replace("Banana text.", "Banana bread."))
    expect(page.locator(".note-body")).to_contain_text("Banana bread.", timeout=TIMEOUT_MS)
    assert page.evaluate("window.stillTheSamePage") is None


def test_an_embed_cycle_shows_an_overlay_until_the_fix(serve, page):
    from playwright.sync_api import expect

    site = serve(NOTES)
    page.goto(f"http://127.0.0.1:{site.port}/a/")
    site.write("b.md", NOTES["b.md"].replace("Banana text.", "Banana text. ![[a]]"))
    site.write("a.md", NOTES["a.md"].replace("First version.", "Embeds ![[b]]."))
    overlay = page.locator("#garden-live-overlay")
    expect(overlay).to_contain_text("a.md:5", timeout=TIMEOUT_MS)
    expect(overlay).to_contain_text("contains itself")
    expect(page.locator(".note-body")).to_contain_text("Embeds")  # the new page is shown beneath

    site.write("a.md", NOTES["a.md"].replace("First version.", "No embed now."))
    expect(page.locator(".note-body")).to_contain_text("No embed now.", timeout=TIMEOUT_MS)
    expect(overlay).to_have_count(0)
