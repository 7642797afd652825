"""Obsidian Markdown through a whole build: links land, embeds embed, warnings name path:line,
diagrams load their script only where needed, and nothing raw is left on any page.

`raw_syntax(folder)` is also a command: `python tests/test_markdown_build.py SITE_FOLDER`
lists what is left raw in any built site (used to check real vaults).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

from bs4 import BeautifulSoup

from conftest import ROOT, broken_references

from garden.build import build
from garden.config import load_config

FM = "---\npublish: true\n---\n"  # 3 lines of frontmatter: body line N is file line N + 3

RAW = re.compile(r"!?\[\[|\]\]|\[![\w-]+\][+-]?|(?<![=\w])==\S|\$\$|%%|\^\[")


def raw_syntax(out: Path) -> list[str]:
    """Obsidian syntax left unrendered in the text of any page (code, math and scripts aside)."""
    found = []
    for page in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        body = soup.select_one(".note-body") or soup.body
        if body is None:
            continue
        for el in body.select("pre, code, script, style, math, kbd"):
            el.decompose()
        text = body.get_text(" ")
        for m in RAW.finditer(text):
            context = " ".join(text[max(0, m.start() - 30):m.end() + 30].split())
            found.append(f"{page.relative_to(out).as_posix()}: {m.group(0)!r} in …{context}…")
    return found


GARDEN = {
    "Start.md": FM + """\
# Start

Links: [[Guide#Install]], [[Guide#Part A#Step Two]], [[Guide#^key-fact]], [[#Here]],
[[ Guide | spaced alias ]], [[Guide|C# tips]] and [[Café Ünïcode]].

## Here

| Page | Image |
|---|---|
| [[Guide\\|In a table]] | ![[pic.png\\|120]] |

![[Guide#Install]]

![[Guide#^key-fact]]

> [!tip]- Folded, holding an embed
> ![[Guide#^key-fact]]
>
> - [x] done
> - [/] half

Math $a^2 + b^2 = c^2$ and ==marked== text %%private remark%%.

```python
print("hi")
```
""",
    "Guide.md": FM + """\
# Guide

## Install
Run the installer.

### Details
More about installing.

## Part A
### Step Two
Second step.

A key fact worth quoting. ^key-fact

## Usage
Use it.
""",
    "Café Ünïcode.md": FM + "Unicode name. ![[pic.png|A picture|200x100]]\n",
    "Diagram.md": FM + "```mermaid\ngraph TD\n  A --> B\n```\n",
    "Embeds Diagram.md": FM + "![[Diagram]]\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
}


def test_block_links_read_as_obsidian_shows_them(make_garden):
    site = make_garden({"Note.md": FM + "A fact. ^fact\n\nSee [[#^fact]], [[Note#^fact]] and [[#Part]].\n\n## Part\n",
                        "Other.md": FM + "See [[Note#^fact]].\n"})
    links = [(a.get_text(), a["href"]) for a in site.body("note/").select("a.internal")]
    assert links == [("^fact", "#%5Efact"), ("Note > ^fact", "#%5Efact"), ("Part", "#part")]
    assert [(a.get_text(), a["href"]) for a in site.body("other/").select("a.internal")] == \
        [("Note > ^fact", "../note/#%5Efact")]


def test_links_and_embeds_land_on_their_targets(make_garden):
    site = make_garden(GARDEN)
    assert broken_references(site.out) == []
    body = site.body("start/")
    hrefs = {a.get_text(): a["href"] for a in body.select("a.internal")}
    assert hrefs["Guide > Install"] == "../guide/#install"
    assert hrefs["Guide > Part A > Step Two"] == "../guide/#step-two"  # the last heading of the path
    assert hrefs["Guide > ^key-fact"] == "../guide/#%5Ekey-fact"
    assert hrefs["Here"] == "#here"
    assert hrefs["spaced alias"] == hrefs["C# tips"] == "../guide/"
    assert unquote(hrefs["Café Ünïcode"]) == "../café-ünïcode/"
    assert body.select_one("td a.internal").get_text() == "In a table"
    assert body.select_one("td img")["width"] == "120"
    guide = site.body("guide/")
    assert guide.select_one("#key-fact") is None and guide.select_one('[id="^key-fact"]').get_text() \
        == "A key fact worth quoting."  # the marker itself is not shown
    assert not [w for w in site.warnings if "Start.md" in w or "Guide.md" in w]


def test_heading_paths_land_under_their_parent_heading(make_garden):
    """`[[Note#Part B#Setup]]` is the Setup under Part B, even when Part A has one too;
    the heading that became the page's title can be linked and embedded like any other."""
    site = make_garden({
        "Start.md": FM + "[[Guide#Part B#Setup]] · [[Guide#Part A#Setup]] · [[Guide#Setup]] · [[Guide#The Guide]]"
                         " · [[Guide#The Guide#Part B#Setup|nested under the title]]\n\n![[Guide#The Guide]]\n",
        "Guide.md": FM + "# The Guide\n\n## Part A\n### Setup\nFirst.\n\n## Part B\n### Setup\nSecond.\n",
    })
    hrefs = [a["href"] for a in site.body("start/").select("p a.internal")]
    assert hrefs == ["../guide/#setup-1", "../guide/#setup", "../guide/#setup", "../guide/", "../guide/#setup-1"]
    assert site.body("guide/").select_one("#setup-1").find_next("p").get_text() == "Second."
    embed = site.body("start/").select_one(".embed .embed-body")
    assert [p.get_text() for p in embed.select("p")] == ["First.", "Second."]  # the title's section: the note
    assert not site.warnings


def test_section_and_block_embeds(make_garden):
    site = make_garden(GARDEN)
    embeds = site.body("start/").select(":scope > .embed")
    section, block = embeds[0].select_one(".embed-body"), embeds[1].select_one(".embed-body")
    # A section runs to the next heading of the same or a higher level, subheadings included.
    assert [h.get_text("", strip=True).rstrip("#") for h in section.select("h2, h3")] == ["Install", "Details"]
    assert "Part A" not in section.get_text()
    assert block.get_text(" ", strip=True) == "A key fact worth quoting."
    assert embeds[0].select_one(".embed-title a")["href"] == "../guide/#install"  # a link to the source
    # No <p> wraps an embed (a block inside <p> is invalid HTML).
    assert not site.body("start/").select("p > .embed")


def test_callout_holds_an_embed_and_a_task_list(make_garden):
    site = make_garden(GARDEN)
    callout = site.body("start/").select_one("details.callout-tip")
    assert callout is not None and not callout.has_attr("open")
    assert callout.select_one("summary .callout-title-text").get_text() == "Folded, holding an embed"
    assert callout.select_one(".callout-content .embed .embed-body").get_text(strip=True) == "A key fact worth quoting."
    assert [li["data-task"] for li in callout.select("li.task-list-item")] == ["x", "/"]


def test_media_embeds(make_garden):
    site = make_garden({
        "Media.md": FM + "![[pic.png]]\n![[pic.png|300]]\n![[pic.png|300x200]]\n![[pic.png|A red door]]\n"
                         "![[pic.png|A red door|250]]\n![Alt](pics/inner.png)\n![[talk.mp3]]\n![[clip.mp4|640]]\n"
                         "![[paper.pdf#page=3]]\n![[gone.png]]\n",
        "pic.png": b"\x89PNG\r\n\x1a\n", "pics/inner.png": b"\x89PNG\r\n\x1a\n",
        "talk.mp3": b"ID3", "clip.mp4": b"\x00\x00\x00\x18ftyp", "paper.pdf": b"%PDF-1.4\n",
    })
    body = site.body("media/")
    images = [(i.get("alt"), i.get("width"), i.get("height")) for i in body.select("img")]
    # Without alt text, the file's name is the alt text.
    assert images == [("pic", None, None), ("pic", "300", None), ("pic", "300", "200"), ("A red door", None, None),
                      ("A red door", "250", None), ("Alt", None, None)]
    assert body.select_one("audio")["src"] == "../talk.mp3"
    assert body.select_one("video")["width"] == "640"
    assert body.select_one("object.pdf-embed")["data"] == "../paper.pdf#page=3"
    assert body.select_one(".missing-embed").get_text() == "Missing embed: gone.png"
    assert "Media.md:13: warning: missing attachment: [[gone.png]] matches no file in the vault" in site.warnings
    assert broken_references(site.out) == []


def test_a_heading_named_content_does_not_share_the_pages_ids(make_garden):
    """<main id="content"> comes first: a heading with that id would never be reached by its links."""
    site = make_garden({"Start.md": FM + "[[#Content]] and a note[^1].\n\n## Content\n\n## fn1\n\n[^1]: A footnote.\n"})
    page = site.page("start/")
    ids = [el["id"] for el in page.select("[id]")]
    assert len(ids) == len(set(ids))
    href = site.body("start/").select_one("p a.internal")["href"]
    assert page.select_one(href).name == "h2" and page.select_one(href).get_text().startswith("Content")
    assert [a["href"] for a in page.select(".toc a")] == ["#content-1", "#fn1-1"]


def test_an_embed_of_a_missing_heading_or_block_is_a_placeholder(make_garden):
    """Not the whole note in its place: the reader sees what is missing and can open the note."""
    site = make_garden({
        "Start.md": FM + "![[Guide#No Such Heading]]\n\n![[Guide#^no-such-block]]\n",
        "Guide.md": FM + "A long guide, nowhere near what was asked for.\n",
    })
    body = site.body("start/")
    assert "A long guide" not in body.get_text()
    assert [m.get_text() for m in body.select(".missing-embed")] == [
        "Missing embed: Guide#No Such Heading", "Missing embed: Guide#^no-such-block"]
    assert [a["href"] for a in body.select(".missing-embed a")] == ["../guide/", "../guide/"]
    assert "Start.md:4: warning: heading 'No Such Heading' not found in Guide.md" in site.warnings
    assert "Start.md:6: warning: block '^no-such-block' not found in Guide.md" in site.warnings


def test_embed_cycles_are_reported_and_shown_as_links(make_garden):
    site = make_garden({
        "A.md": FM + "A starts.\n\n![[B]]\n",
        "B.md": FM + "B starts.\n\n![[A]]\n",
        "Self.md": FM + "Me again:\n\n![[Self]]\n",
    })
    a = site.body("a/")
    assert "B starts." in a.get_text()
    assert a.select_one(".embed .embed-body a.embed-link")["href"] == "../a/"  # B's embed of A is a link back
    assert ("B.md:6: warning: embed of [[A]] contains itself (B.md → A.md → B.md); "
            "it becomes a link where it would repeat") in site.warnings
    assert site.body("self/").select_one("a.embed-link") is not None
    assert ("Self.md:6: warning: embed of [[Self]] contains itself (Self.md → Self.md); "
            "it becomes a link where it would repeat") in site.warnings


def test_every_warning_names_the_file_line(make_garden):
    site = make_garden({
        "Lines.md": FM + """\
Intro line.

> [!note] Title with [[Missing One]]
> Body line
> and [[Missing Two]] here.

| a | b |
|---|---|
| x | [[Missing Three\\|alias]] |

- item
- [ ] task with [[Missing Four]]

Bad math: $\\frac{1}{$ ends.
""",
    })
    lines = {w.split(": warning: ")[0]: w for w in site.warnings}
    assert set(lines) == {"Lines.md:6", "Lines.md:8", "Lines.md:12", "Lines.md:15", "Lines.md:17"}
    assert "Missing One" in lines["Lines.md:6"] and "Missing Two" in lines["Lines.md:8"]
    assert "Missing Three" in lines["Lines.md:12"] and "Missing Four" in lines["Lines.md:15"]
    assert "cannot typeset math" in lines["Lines.md:17"]
    assert site.body("lines/").select_one("code.math-error").get_text() == "$\\frac{1}{$"


def test_mermaid_script_only_on_pages_that_show_a_diagram(make_garden):
    site = make_garden(GARDEN)
    script = "static/vendor/mermaid/mermaid.min.js"
    assert (site.out / script).is_file()

    def scripts(path):
        return [s["src"] for s in site.page(path).select("script[src]")]

    assert "../static/vendor/mermaid/mermaid.min.js" in scripts("diagram/")
    assert "../static/vendor/mermaid/mermaid.min.js" in scripts("embeds-diagram/")  # through the embed
    assert not [s for s in scripts("guide/") if "mermaid" in s]
    assert site.body("diagram/").select_one("pre.mermaid").get_text() == "graph TD\n  A --> B\n"


def test_comments_reach_no_output_file(make_garden):
    site = make_garden({
        "Note.md": FM + "Shown %%SECRET-INLINE%% text.\n\n%%\nSECRET-BLOCK [[Hidden Link]] #secret-tag\n%%\n"
                        "Keep `%%code%%`.\n",
        "Hidden Link.md": FM + "Only linked from a comment.\n",
    })
    everything = site.all_text()
    assert "SECRET" not in everything and "secret-tag" not in everything
    assert site.body("note/").select_one("code").get_text() == "%%code%%"
    assert not site.page("hidden-link/").select(".backlinks li")  # the comment's link made no backlink
    assert not site.warnings


def test_nothing_raw_is_left(make_garden):
    site = make_garden(GARDEN)
    assert raw_syntax(site.out) == []
    # ...and the scan does find raw syntax when there is some (in text, not in code).
    page = site.out / "guide" / "index.html"
    page.write_text(page.read_text().replace("Use it.", "Use [[it]] and > [!note] and <code>[[fine]]</code>."))
    assert [f.split(": ", 1)[1].split(" in ")[0] for f in raw_syntax(site.out)] == ["'[['", "']]'", "'[!note]'"]


SAMPLE_SHOWS = {  # what the sample garden in content/ shows somewhere: each Obsidian feature in use
    "heading link": 'a.internal[href*="#"]:not([href*="#%5E"])', "block link": 'a.internal[href*="#%5E"]',
    "note embed": ".embed", "section embed": '.embed-title a[href*="#"]:not([href*="#%5E"])',
    "block embed": '.embed-title a[href*="#%5E"]', "image": "img", "sized image": "img[width]",
    "audio": "audio", "video": "video", "PDF": "object.pdf-embed", "wikilink in a table": "td a.internal",
    "callout": "div.callout", "folded callout": "details.callout:not([open])", "open foldable callout":
    "details.callout[open]", "nested callout": ".callout .callout", "highlight": "mark", "strike": "s",
    "footnote": ".footnotes li", "task": "li.task-list-item", "other task status": 'li[data-task="-"]',
    "table": "table", "inline math": 'math[display="inline"]', "display math": 'math[display="block"]',
    "diagram": "pre.mermaid", "highlighted code": ".code-block[data-lang] .highlight", "heading anchor": "a.anchor",
    "contents": "nav.toc", "raw HTML": "kbd", "tag": ".note-body a.tag", "external link": "a.external",
    "TLDR": ".tldr", "explain simply": ".explain-simply", "share card": ".share-card", "sources": "section.sources",
}


def test_the_sample_garden_shows_every_feature(tmp_path):
    out = tmp_path / "site"
    build(load_config(ROOT, out=out), use_cache=False)
    pages = [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in out.rglob("*.html")]
    assert [name for name, selector in SAMPLE_SHOWS.items() if not any(p.select(selector) for p in pages)] == []
    assert raw_syntax(out) == []
    assert not any("COMMENT-SENTINEL" in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())


def test_code_block_colours_are_pygments_own():
    from garden.markdown.code import pygments_css
    css = Path(__file__).resolve().parents[1] / "themes" / "default" / "css" / "32-pygments.css"
    assert css.read_text(encoding="utf-8") == pygments_css(), "run: python -m garden.markdown.code"


def test_code_blocks_are_highlighted_at_build_time(make_garden):
    site = make_garden(GARDEN)
    block = site.body("start/").select_one(".code-block")
    assert block["data-lang"] == "python" and block.select_one(".code-lang").get_text() == "Python"
    assert block.select_one("pre code span.nb").get_text() == "print"
    assert ".highlight .nb" in site.text("static/style.css")


if __name__ == "__main__":
    problems = raw_syntax(Path(sys.argv[1]))
    print("\n".join(problems) or "nothing raw")
    sys.exit(1 if problems else 0)
