"""Heading ids and anchor links, the same ids that `[[Note#Heading]]` computes.

An id is the slug of the heading's text; repeats get "-1", "-2". Links compute
the slug of their fragment and match it against these ids, so the two can never
disagree.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Heading
from ..paths import slugify_segment
from . import escape_html as escapeHtml
from .tags import HOME_TAG

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


# Ids the page around a note already uses (the theme's templates and scripts, footnotes,
# citations): a heading named "Content" must not share <main id="content">'s id, or links
# to it would land at the top of the page. Such a heading is "content-1".
PAGE_IDS = frozenset({"content", "site-nav", "toc-title", "backlinks-title", "cited-sources", "graph-title",
                      "garden-ui", "garden-frontmatter", "search-results", "search-hint", "garden-link-preview"})
_PAGE_ID = re.compile(r"(?:fn|fnref)\d+(?::\d+)?|(?:cite|search-option)-\d+|tree-.*")


def _taken(hid: str, used: dict) -> bool:
    return hid in used or hid in PAGE_IDS or bool(_PAGE_ID.fullmatch(hid))


def heading_slug(text: str) -> str:
    return slugify_segment(text) or "section"


def inline_text(inline) -> str:
    """The plain text a reader sees in an inline token (for titles, ids, the TOC)."""
    children = inline.children
    if not children:
        return ""
    if len(children) == 1 and children[0].type == "text":  # most items and headings: no markup
        return children[0].content.strip()
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "wikilink":
            parts.append(child.meta["link"].text)
        elif child.type == "hashtag":
            if child.content.lower() != HOME_TAG:
                parts.append("#" + child.content)
        elif child.type in ("math_inline", "math_inline_double"):
            parts.append(child.content)
    return "".join(parts).strip()


def _core(state) -> None:
    used: dict[str, int] = {}
    headings = state.env.setdefault("headings", [])
    offset = state.env.get("line_offset", 0)
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.meta.get("embedded"):
            continue
        text = inline_text(tokens[i + 1])
        base = heading_slug(text)
        n = used.get(base, 0)
        hid = base if n == 0 else f"{base}-{n}"
        while _taken(hid, used):
            n += 1
            hid = f"{base}-{n}"
        used[base] = n + 1
        used[hid] = used.get(hid, 1)
        token.attrSet("id", hid)
        line = offset + (token.map[0] + 1 if token.map else 0)
        headings.append(Heading(int(token.tag[1]), text, hid, line))


def _heading_close(self, tokens, idx, options, env) -> str:
    hid = None
    for j in range(idx - 1, -1, -1):
        if tokens[j].type == "heading_open":
            hid = tokens[j].attrGet("id")
            break
    anchor = (f'<a class="anchor" href="#{escapeHtml(hid)}" aria-hidden="true" tabindex="-1">#</a>'
              if hid else "")
    return f"{anchor}</{tokens[idx].tag}>\n"


def headings_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("heading_ids", _core)
    md.add_render_rule("heading_close", _heading_close)
