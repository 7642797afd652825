"""Annotated posts in a real browser: link previews (hover, keyboard, Escape, web links), the
TL;DR reading mode kept across a reload, the explain-simply button, the share links, all
served under a sub-path (as GitHub project pages are) and without a request to any other site.

Skipped when chromium is missing, unless GARDEN_REQUIRE_BROWSER=1 (as in CI).
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from browser import serve_site
from conftest import write_files

FM = "---\npublish: true\n---\n"
NOTES = {
    "Bees.md": """---
publish: true
title: Why Do Bees Dance?
---
Bees dance in the dark. For background see [[Colony|how a colony works]].

## What is the dance?

- **[BBC News: Bees learn](https://www.bbc.com/news/science-environment-64577478):** Young bees learn it.

Filler paragraph one, which the reading mode hides.

*TLDR:* The dance is a looping run.

## Do bees follow it?

Filler paragraph two.

**TL;DR:** Yes, radar says so.

## Simplify

Can you explain this post like I'm in middle school?

Bees wiggle to say where the flowers are.

Can you write a short version I could share?

> Honeybees give directions by dancing.
""",
    "Colony.md": """---
publish: true
tags: [bees, biology]
description: A colony is one family of bees, tens of thousands strong.
---
# Colony

Text.
""",
    "Quiet.md": "---\npublish: true\ndg-link-preview: false\n---\nSee [[Colony]] and [x](https://example.com/x).\n",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The garden built for the sub-path /garden/ and served there; yields the site's URL."""
    from garden.build import build
    from garden.config import load_config

    root = tmp_path_factory.mktemp("annotate-browser")
    write_files(root / "vault", NOTES)
    build(load_config(root / "vault", out=root / "www", base_url="/garden/"), use_cache=False)
    with serve_site(root / "www", "/garden/") as url:
        yield url


@pytest.fixture
def open_page(browser, served):
    """open_page(path) -> page; afterwards, checks that nothing outside the site was requested."""
    contexts, outside, errors = [], [], []

    def open_(path: str, **options):
        ctx = browser.new_context(**options)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("request", lambda r: None if r.url.startswith(served) else outside.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(served + path)
        return page

    yield open_
    for ctx in contexts:
        ctx.close()
    assert outside == [] and errors == []


CARD = ".link-preview:not([hidden])"


def test_preview_on_hover_shows_title_summary_tags_and_closes_with_escape(open_page):
    page = open_page("bees/")
    link = page.locator('.note-body a.internal[href*="colony"]')
    link.hover()
    card = page.wait_for_selector(CARD)
    assert card.get_attribute("role") == "tooltip"
    assert card.query_selector(".link-preview-title").inner_text() == "Colony"
    assert card.query_selector(".link-preview-text").inner_text() == \
        "A colony is one family of bees, tens of thousands strong."
    assert [t.inner_text() for t in card.query_selector_all(".link-preview-tags li")] == ["#bees", "#biology"]
    assert link.get_attribute("aria-describedby") == card.get_attribute("id")
    box, link_box = card.bounding_box(), link.bounding_box()
    assert box["y"] >= link_box["y"] + link_box["height"] - 1 or box["y"] + box["height"] <= link_box["y"] + 1
    page.keyboard.press("Escape")
    page.wait_for_selector(".link-preview", state="hidden")
    assert link.get_attribute("aria-describedby") is None


def test_preview_on_keyboard_focus(open_page):
    page = open_page("bees/")
    for _ in range(40):  # Tab through the page to the link, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.note-body a.internal')"):
            break
    else:
        pytest.fail("the internal link is not reachable with Tab")
    card = page.wait_for_selector(CARD)
    assert card.query_selector(".link-preview-title").inner_text() == "Colony"
    page.keyboard.press("Escape")
    page.wait_for_selector(".link-preview", state="hidden")
    assert page.evaluate("document.activeElement.matches('.note-body a.internal')")  # focus stays


def test_preview_of_a_web_link_shows_domain_and_address_without_fetching_it(open_page):
    page = open_page("bees/")
    page.locator('.note-body a.external[data-domain="bbc.com"]').hover()
    card = page.wait_for_selector(CARD)
    assert card.get_attribute("data-kind") == "external"
    assert card.query_selector(".link-preview-domain").inner_text() == "bbc.com"
    assert card.query_selector(".link-preview-title").inner_text() == "BBC News: Bees learn"
    assert card.query_selector(".link-preview-url").inner_text() == \
        "https://www.bbc.com/news/science-environment-64577478"
    # open_page checks afterwards that the browser asked bbc.com for nothing


def test_no_previews_where_the_note_turns_them_off(open_page):
    page = open_page("quiet/")
    page.wait_for_selector("html[data-link-previews]", state="attached")  # the script has run
    assert page.evaluate("document.documentElement.dataset.linkPreviews") == "off"
    page.locator(".note-body a.internal").hover()
    page.locator(".note-body a.external").hover()
    page.keyboard.press("Tab")
    assert page.query_selector(".link-preview") is None  # no card was ever made
    assert open_page("bees/").evaluate("document.documentElement.dataset.linkPreviews") == "on"


def test_tldr_mode_shows_headings_and_tldrs_and_survives_a_reload(open_page):
    page = open_page("bees/")
    toggle = page.locator(".post-tools .tldr-toggle")
    filler = page.get_by_text("Filler paragraph one")
    assert filler.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    toggle.focus()
    page.keyboard.press("Enter")  # reachable and usable by keyboard
    assert toggle.get_attribute("aria-pressed") == "true"
    assert not filler.is_visible()
    assert page.locator("#tldr-what-is-the-dance").is_visible()
    assert page.locator("h2#do-bees-follow-it").is_visible()
    assert not page.locator(".sources").is_visible()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.tldr") == "on"
    assert page.locator(".post-tools .tldr-toggle").get_attribute("aria-pressed") == "true"
    assert not page.get_by_text("Filler paragraph one").is_visible()
    page.locator(".tldr-show-all").click()  # the other way back to the whole post
    assert page.get_by_text("Filler paragraph one").is_visible()
    page.reload()
    assert page.locator(".post-tools .tldr-toggle").get_attribute("aria-pressed") == "false"


def test_explain_simply_button_jumps_to_the_panel(open_page):
    page = open_page("bees/", viewport={"width": 1000, "height": 600})
    panel = page.locator("section.explain-simply")
    assert panel.evaluate("el => el.getBoundingClientRect().top") > 600  # below the fold at first
    page.locator(".post-tools .explain-jump").click()
    assert page.evaluate("location.hash") == "#simplify"
    top = page.locator("#simplify").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 600


def test_share_links_carry_the_text_and_the_page_address(open_page, served):
    page = open_page("bees/")
    x = page.locator('.share-card a[data-share="x"]').get_attribute("href")
    query = parse_qs(urlsplit(x).query)
    assert query["text"] == ["Honeybees give directions by dancing."]
    assert query["url"] == [served + "bees/"]
    page.locator('.share-card button[data-share="mastodon"]').click()
    form = page.locator(".share-mastodon-form")
    assert form.is_visible() and form.locator("input").evaluate("el => el === document.activeElement")
