"""Inline `#tags` and nested `#area/sub`, as Obsidian reads them.

A tag starts after whitespace or an opening bracket, holds letters, digits, `_`,
`-` and `/`, and has at least one character that is not a digit (`#2024` is not
a tag). Never inside code, link text or URLs: it is an inline rule, and it
refuses to fire inside a link.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Link
from . import escape_html as escapeHtml
from .slots import close_slot, line_of, open_slot, register

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# The Digital Garden plugin's mark of the home page: a flag for garden, not a topic, so an
# inline #gardenEntry is read (see resolve) but never shown.
HOME_TAG = "gardenentry"
TAG_RE = re.compile(r"#([\w/-]*[^\W\d][\w/-]*)", re.UNICODE)
_BEFORE = set(" \t\n([{\"'")


def normalize_tag(tag: str) -> str:
    """'#Area/Sub/' -> 'Area/Sub': what is shown; tags compare case-insensitively."""
    return tag.strip().lstrip("#").strip("/").strip()


def _rule(state, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or getattr(state, "linkLevel", 0) > 0:
        return False
    if pos > 0 and state.src[pos - 1] not in _BEFORE:
        return False
    m = TAG_RE.match(state.src, pos)
    if not m:
        return False
    tag = m.group(1).rstrip("/")
    if not tag or tag.replace("/", "").isdigit():
        return False
    if not silent:
        token = state.push("hashtag", "", 0)
        token.content = tag
        token.meta = {"line": line_of(state)}
        state.env.setdefault("tags", []).append(tag)
    state.pos = pos + 1 + len(tag)
    return True


def _render(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if token.content.lower() == HOME_TAG:
        return ""
    n = register(env, Link("tag", token.content, "", "#" + token.content, token.meta["line"]))
    return open_slot(n) + escapeHtml("#" + token.content) + close_slot(n)


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "hashtag", _rule)
    md.add_render_rule("hashtag", _render)
