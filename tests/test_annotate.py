"""Annotated posts through a whole build: the Sources list, the social meta tags, the summary's
precedence, share cards, the reading tools, and plain notes rendering exactly as before.

The detection rules themselves are fixture files: tests/fixtures/markdown/annotations*.md.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from markdown_it.utils import read_fixture_file

from conftest import broken_references
from garden.diagnostics import GardenError
from garden.markdown import create_markdown, render_with_offsets
from garden.markdown.annotations import Settings

FM = "---\npublish: true\n---\n"
FIXTURES = Path(__file__).parent / "fixtures" / "markdown"

POST = """---
publish: true
title: Why Do Bees Dance?
tags: [bees, science]
---
Bees dance in the dark, and here is how we know. See [[Colony]].

## What is the dance?

- **[Wikipedia: Waggle dance](https://en.wikipedia.org/wiki/Waggle_dance):** A figure-eight.
- **[BBC News: Bees](https://www.bbc.com/news/bees):** Young bees learn it.

*TLDR:* The dance is a looping run.

## Do bees follow it?

- **[Radar study](https://www.nature.com/articles/nature03526):** Recruits fly where it says.
- **[Waggle dance, again](https://en.wikipedia.org/wiki/Waggle_dance#History):** Known since 1920s.

**TL;DR:** Yes, radar says so.

## Simplify

Can you explain this post like I'm in middle school?

Bees wiggle to say where the flowers are.

Can you write a short version I could share?

> Honeybees give directions by dancing. 🐝
"""

COLONY = FM + "# Colony\n\nA colony is a family of bees.\n"


def soup_meta(page, key: str, attr: str = "property") -> str | None:
    tag = page.select_one(f'meta[{attr}="{key}"]')
    return tag["content"] if tag else None


@pytest.fixture(scope="module")
def bees(tmp_path_factory):
    """The annotated post, built once with a base_url (absolute social URLs)."""
    from conftest import Site, write_files
    from garden.build import build
    from garden.config import load_config

    root = tmp_path_factory.mktemp("bees")
    write_files(root, {"Bees.md": POST, "Colony.md": COLONY})
    out = root.parent / (root.name + "-out")
    result = build(load_config(root, out=out, base_url="https://example.github.io/garden/"), use_cache=False)
    return Site(out, result)


# --- Sources --------------------------------------------------------------------------------------

def test_sources_lists_each_cited_page_once_with_domain_labels_and_count(bees):
    page = bees.page("bees/")
    items = page.select(".sources .source-list > li")
    assert [li.select_one(".source-domain").get_text() for li in items] == \
        ["en.wikipedia.org", "bbc.com", "nature.com"]
    wiki = items[0]
    assert wiki.select_one("a.source-link")["href"] == "https://en.wikipedia.org/wiki/Waggle_dance"
    assert wiki.select_one("a.source-link").get_text() == "Wikipedia: Waggle dance · Waggle dance, again"
    assert "cited 2×" in wiki.get_text()
    assert "cited" not in items[1].get_text()
    assert page.select_one(".sources-summary").get_text() == "3 pages cited from 3 sites"


def test_source_counts_say_one_source_and_one_site(make_garden):
    one = "- **[Wikipedia: Waggle dance](https://en.wikipedia.org/wiki/Waggle_dance):** A figure-eight.\n"
    two = one + "- **[Wikipedia: Bees](https://en.wikipedia.org/wiki/Bee):** Insects.\n"
    post = FM + "Bees dance.\n\n## What is the dance?\n\n{}\n*TLDR:* The dance is a looping run.\n"
    site = make_garden({"One.md": post.format(one), "Two.md": post.format(two)})
    assert site.page("one/").select_one(".post-tools a.sources-jump").get_text() == "1 source"
    two_page = site.page("two/")
    assert two_page.select_one(".post-tools a.sources-jump").get_text() == "2 sources"
    assert two_page.select_one(".sources-summary").get_text() == "2 pages cited from 1 site"


def test_sources_link_back_to_each_citation(bees):
    page = bees.page("bees/")
    backrefs = [a["href"] for a in page.select(".sources .source-list > li")[0].select("a.source-backref")]
    assert len(backrefs) == 2
    for href in backrefs:
        cited = page.select_one(href)
        assert cited is not None and cited.name == "a" and "external" in cited["class"]
        assert cited["href"].startswith("https://en.wikipedia.org/wiki/Waggle_dance")
    assert broken_references(bees.out, "/garden/") == []


def test_web_links_show_their_domain_and_stay_safe(bees):
    link = bees.page("bees/").select_one('.note-body a[href="https://www.bbc.com/news/bees"]')
    assert link["rel"] == ["noopener", "noreferrer"] and "external" in link["class"]
    assert link["data-domain"] == "bbc.com"
    assert link.select_one(".link-domain").get_text() == "bbc.com"


def test_no_sources_section_without_web_links_or_when_turned_off(make_garden):
    site = make_garden({"A.md": FM + "Only [[B]] here.\n", "B.md": FM + "B\n"})
    assert site.page("a/").select_one(".sources") is None
    site = make_garden({"A.md": FM + "[x](https://example.com/a)\n"},
                       toml="[annotations]\nsources = false\nlink_domains = false\n")
    page = site.page("a/")
    assert page.select_one(".sources") is None and page.select_one(".link-domain") is None
    assert page.select_one("a.external")["data-domain"] == "example.com"


# --- Meta tags and the summary ---------------------------------------------------------------

def test_social_meta_tags(bees):
    page = bees.page("bees/")
    assert soup_meta(page, "og:title") == "Why Do Bees Dance?"
    assert soup_meta(page, "og:url") == "https://example.github.io/garden/bees/"
    assert page.select_one('link[rel="canonical"]')["href"] == "https://example.github.io/garden/bees/"
    summary = "The dance is a looping run. Yes, radar says so."
    assert soup_meta(page, "description", "name") == summary
    assert soup_meta(page, "og:description") == summary
    assert soup_meta(page, "twitter:description", "name") == summary
    assert soup_meta(page, "twitter:card", "name") == "summary"  # no image
    assert soup_meta(page, "og:image") is None
    assert [m["content"] for m in page.select('meta[property="article:tag"]')] == ["bees", "science"]


def test_og_image_from_cover_is_copied_and_absolute(make_garden):
    files = {
        "posts/Post.md": "---\npublish: true\ncover: ../img/cover.png\n---\nText ![[other.png]]\n",
        "First.md": FM + "Text.\n\n![A photo](img/first.png)\n",
        "Wiki.md": '---\npublish: true\nimage: "[[cover.png]]"\n---\nText.\n',
        "img/cover.png": b"\x89PNG cover", "img/first.png": b"\x89PNG first", "other.png": b"\x89PNG other",
    }
    site = make_garden(files, base_url="https://example.org/sub/")
    post = site.page("posts/post/")
    assert soup_meta(post, "og:image") == "https://example.org/sub/img/cover.png"
    assert soup_meta(post, "twitter:card", "name") == "summary_large_image"
    assert soup_meta(post, "twitter:image", "name") == "https://example.org/sub/img/cover.png"
    assert (site.out / "img/cover.png").read_bytes() == b"\x89PNG cover"  # copied, though no page shows it
    assert soup_meta(site.page("first/"), "og:image") == "https://example.org/sub/img/first.png"
    assert soup_meta(site.page("wiki/"), "og:image") == "https://example.org/sub/img/cover.png"
    assert site.warnings == []


def test_missing_cover_is_reported_with_its_line(make_garden):
    site = make_garden({"Post.md": "---\npublish: true\ntitle: T\ncover: nowhere.png\n---\nText.\n"})
    assert any(w.startswith("Post.md:4: warning: missing attachment: 'nowhere.png'") for w in site.warnings), site.warnings
    assert soup_meta(site.page("post/"), "og:image") is None


@pytest.mark.parametrize("front, body, expected", [
    ("description: From the description.\nsummary: Not this.", "*TLDR:* Not this either.\n\nFirst.",
     "From the description."),
    ("summary: From the summary.", "*TLDR:* Not this.\n\nFirst.", "From the summary."),
    ("", "First paragraph.\n\n## A\n\n*TLDR:* One.\n\n## B\n\nTLDR: Two.", "One. Two."),
    ("", "## TL;DR\n\nThe whole post.\n\n## A\n\n*TLDR:* Only a section.", "The whole post."),
    ("", "> [!tldr] In short, this.\n\n## A\n\n*TLDR:* A section.", "In short, this."),
    ("", "First paragraph, with a [link](https://example.com) and **bold**.\n\nSecond.",
     "First paragraph, with a link and bold."),
    ('description: "<b>Bold</b> & <script>x</script>"', "Text.", "<b>Bold</b> & <script>x</script>"),
])
def test_summary_precedence(make_garden, front, body, expected):
    site = make_garden({"Post.md": f"---\npublish: true\n{front}\n---\n{body}\n"})
    page = site.page("post/")
    assert soup_meta(page, "description", "name") == expected
    assert soup_meta(page, "og:description") == expected
    assert "<script>x" not in site.text("post/index.html")  # frontmatter is escaped


# --- Share card, explain simply, the reading tools ---------------------------------------------

def test_share_card_carries_the_text_and_loads_nothing(bees):
    page = bees.page("bees/")
    card = page.select_one(".explain-simply .qa-share figure.share-card")
    assert card.select_one("blockquote.share-text").get_text(strip=True) == "Honeybees give directions by dancing. 🐝"
    links = {a["data-share"]: a["href"] for a in card.select("a.share-link")}
    assert set(links) == {"x", "bluesky"}
    assert parse_qs(urlsplit(links["x"]).query)["text"] == ["Honeybees give directions by dancing. 🐝"]
    assert urlsplit(links["bluesky"]).netloc == "bsky.app"
    assert {b["data-share"] for b in card.select("button")} == {"mastodon", "copy"}
    html = bees.text("bees/index.html")
    for site in ("x.com", "twitter.com", "bsky.app", "mastodon"):  # nothing fetched from them
        assert not page.select(f'[src*="{site}"], link[href*="{site}"]')
    assert "mastodonshare" not in html


def test_explain_button_and_tldr_toggle_only_where_they_apply(bees, make_garden):
    page = bees.page("bees/")
    jump = page.select_one(".post-tools a.explain-jump")
    assert jump["href"] == "#simplify"
    assert page.select_one("#simplify").find_parent("section")["class"] == ["explain-simply"]
    assert page.select_one(".post-tools button.tldr-toggle")["aria-pressed"] == "false"
    assert page.select_one(".post-tools a.sources-jump")["href"] == "#cited-sources"
    assert [p["id"] for p in page.select(".note-body .tldr")] == \
        ["tldr-what-is-the-dance", "tldr-do-bees-follow-it"]
    assert f"{bees.result.garden.by_rel['Bees.md'].note.words} words" in page.select_one(".note-meta").get_text()
    colony = bees.page("colony/")
    assert colony.select_one(".post-tools") is None and colony.select_one(".sources") is None


def test_section_embed_of_an_explain_simply_panel_is_whole(make_garden):
    site = make_garden({"Post.md": FM + "## Simplify\n\nPlainly.\n\n## Other\n\nNo.\n",
                        "Host.md": FM + "![[Post#Simplify]]\n"})
    body = site.body("host/")
    embed = body.select_one(".embed-body")
    # embedded headings lose their ids (they would clash with the page's own), not their text
    assert embed.select_one("h2").get_text().startswith("Simplify") and "Plainly." in embed.get_text()
    assert "No." not in embed.get_text()
    html = str(embed)
    assert html.count("<section") == html.count("</section>")


# --- Plain notes are untouched -----------------------------------------------------------------

PLAIN = {
    "Plain.md": """---
publish: true
tags: [garden]
---
# A plain post

Can you imagine a garden without bees? It would be quiet.

## Summary

- Where does the honey go? Into [[Jar]].
- The word TLDR, mid-sentence.

> A quotation, kept as a quotation.

> [!summary] A summary callout
> Stays a callout.

```python
# TLDR: in code
```
""",
    "Jar.md": FM + "A jar.\n",
}


def test_plain_note_renders_exactly_as_without_annotations(make_garden):
    on = make_garden(PLAIN)
    off = make_garden(PLAIN, toml="[annotations]\nenabled = false\n")
    for page in ("plain/index.html", "jar/index.html"):
        assert on.text(page) == off.text(page)
    assert on.page("plain/").select_one(".tldr, .explain-simply, .qa, .share-card, .sources, .post-tools") is None


def plain_cases():
    for line, title, src, expected in read_fixture_file(FIXTURES / "annotations-plain.md"):
        yield pytest.param(src, expected, id=f"{line + 1}:{title}")


@pytest.mark.parametrize("src, expected", list(plain_cases()))
def test_plain_fixtures_are_the_same_with_annotations_off(src, expected):
    from test_markdown_fixtures import render
    html = {}
    for enabled in (True, False):
        md = create_markdown(Settings.from_config(_config(enabled=enabled)))
        env: dict = {"line_offset": 0}
        html[enabled], _ = render_with_offsets(md, md.parse(src, env), env)
        assert not [k for k in env if k.startswith("x_")]
    assert html[True] == html[False]
    assert render(src) == expected


def _config(**annotations):
    from garden.config import Config
    cfg = Config()
    for key, value in annotations.items():
        setattr(cfg.annotations, key, value)
    return cfg


# --- Settings ------------------------------------------------------------------------------------

def test_patterns_come_from_garden_toml_and_parsers_are_not_shared(make_garden):
    files = {"Post.md": FM + "## Plain talk\n\nSimple.\n\nIN SHORT: Bees dance.\n\n## Simplify\n\nNot a panel here.\n"}
    site = make_garden(files, toml="""
        [annotations]
        simple_headings = ["Plain talk"]
        tldr_markers = ["In short"]
        [ui]
        tldr = "In short"
        """)
    body = site.body("post/")
    assert body.select_one("section.explain-simply h2")["id"] == "plain-talk"
    assert body.select_one("#simplify").find_parent("section") is None
    assert body.select_one(".tldr .tldr-label").get_text() == "In short"
    # The same process, default settings: another parser, the defaults apply.
    default = make_garden(files)
    assert default.body("post/").select_one("section.explain-simply h2")["id"] == "simplify"
    assert default.body("post/").select_one(".tldr") is None


def test_a_bad_pattern_is_an_error_naming_the_setting(tmp_path):
    from garden.config import load_config
    (tmp_path / "content").mkdir()
    (tmp_path / "garden.toml").write_text('[annotations]\nshare_questions = ["(unclosed"]\n')
    with pytest.raises(GardenError) as err:
        load_config(tmp_path)
    assert "annotations.share_questions" in str(err.value) and err.value.diagnostic.line == 2


def test_readme_lists_the_default_patterns():
    import tomllib
    from garden.config import Annotations
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("[annotations]\nenabled"):]
    documented = tomllib.loads(block[:block.index("```")])["annotations"]
    assert documented == {k: getattr(Annotations(), k) for k in documented}
    assert set(documented) == set(Annotations.__dataclass_fields__)
