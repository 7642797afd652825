"""What the Markdown features do in a real browser: diagrams drawn (offline, light and dark),
the copy button, foldable callouts with their icons, math typeset with stretchy brackets.

Skipped when chromium is missing, unless GARDEN_REQUIRE_BROWSER=1 (as in CI).
"""
from __future__ import annotations

import pytest

from browser import serve_site
from conftest import write_files

FM = "---\npublish: true\n---\n"
NOTES = {
    "Diagram.md": FM + "```mermaid\ngraph LR\n  Seed --> Sprout --> Tree\n```\n",
    "Code.md": FM + '```python title="hello.py"\nprint("hello")\nprint("garden")\n```\n',
    "Callouts.md": FM + "> [!warning]- Closed\n> Hidden body.\n\n> [!tip]+ Open\n> Shown body.\n",
    "Math.md": FM + "$$\n\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}\n$$\n",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The garden built and served over HTTP (as a reader gets it); yields the site's URL."""
    from garden.build import build
    from garden.config import load_config

    root = tmp_path_factory.mktemp("browser-garden")
    write_files(root, NOTES)
    out = root.parent / (root.name + "-out")
    build(load_config(root, out=out), use_cache=False)
    with serve_site(out) as url:
        yield url


def open_page(browser, url: str, scheme: str = "light", **context):
    ctx = browser.new_context(color_scheme=scheme, **context)
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(url.split("/", 3)[0] + "//" + url.split("/")[2])
            else outside.append(r.url))
    page.goto(url)
    return ctx, page, outside


def test_mermaid_draws_offline_in_light_and_dark(browser, served):
    fills = {}
    for scheme in ("light", "dark"):
        ctx, page, outside = open_page(browser, served + "diagram/", scheme)
        page.wait_for_selector("pre.mermaid svg", timeout=20000)
        labels = page.locator("pre.mermaid").inner_text()
        assert all(word in labels for word in ("Seed", "Sprout", "Tree"))
        fills[scheme] = page.eval_on_selector("pre.mermaid svg .node rect, pre.mermaid svg .node polygon",
                                              "el => getComputedStyle(el).fill")
        assert outside == []
        ctx.close()
    assert fills["light"] != fills["dark"]


def test_no_mermaid_script_without_a_diagram(browser, served):
    ctx, page, _ = open_page(browser, served + "code/")
    assert page.evaluate("typeof window.mermaid") == "undefined"
    ctx.close()


def test_copy_button_copies_the_code(browser, served):
    from playwright.sync_api import expect

    ctx, page, outside = open_page(browser, served + "code/", permissions=["clipboard-read", "clipboard-write"])
    block = page.locator(".code-block")
    assert block.locator(".code-title").inner_text() == "hello.py"
    assert block.locator(".code-lang").inner_text() == "Python"
    button = block.locator("button.code-copy")
    button.click()
    expect(button).to_have_text("Copied")  # once the clipboard took it: a promise, not at once
    assert page.evaluate("navigator.clipboard.readText()") == 'print("hello")\nprint("garden")'
    assert outside == []
    ctx.close()


def test_callouts_fold_and_have_icons_and_colours(browser, served):
    backgrounds = {}
    for scheme in ("light", "dark"):
        ctx, page, _ = open_page(browser, served + "callouts/", scheme)
        closed = page.locator("details.callout-warning")
        assert not page.get_by_text("Hidden body.").is_visible()
        closed.locator("summary").click()
        assert page.get_by_text("Hidden body.").is_visible()
        assert page.get_by_text("Shown body.").is_visible()
        icon = page.locator(".callout-warning .callout-icon")
        box = icon.bounding_box()
        assert box["width"] > 10 and box["height"] > 10
        assert "data:image/svg+xml" in icon.evaluate("el => getComputedStyle(el).maskImage || "
                                                     "getComputedStyle(el).webkitMaskImage")
        backgrounds[scheme] = closed.evaluate("el => getComputedStyle(el).backgroundColor")
        ctx.close()
    assert backgrounds["light"] != backgrounds["dark"]


def test_math_is_typeset_with_stretchy_brackets(browser, served):
    ctx, page, outside = open_page(browser, served + "math/")
    page.evaluate("document.fonts.ready")
    page.wait_for_function("document.fonts.check('16px \"Garden Math\"')")
    heights = page.evaluate("""() => {
        const math = document.querySelector('.math-display math');
        const bracket = math.querySelector('mo');
        const digit = math.querySelector('mn');
        return [bracket.getBoundingClientRect().height, digit.getBoundingClientRect().height];
    }""")
    bracket, digit = heights
    assert bracket > 1.6 * digit  # the [ ] around two rows stretched: a real math font is in use
    assert outside == []
    ctx.close()
