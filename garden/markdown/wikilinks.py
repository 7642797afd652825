"""`[[Note#Heading|Alias]]` and `![[Embed]]` as an inline rule.

Being an inline rule, it never fires inside code spans or code blocks, and
escaped brackets (`\\[\\[`) stay text. In tables markdown-it has already turned
`\\|` into `|`, so `[[A\\|B]]` in a cell is a link to A shown as B.
"""
from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..model import Link
from . import escape_html as escapeHtml
from .slots import close_slot, line_of, open_slot, register

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

IMAGE = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".ico"}
AUDIO = {".mp3", ".wav", ".ogg", ".m4a", ".flac", ".3gp", ".opus", ".aac"}
VIDEO = {".mp4", ".webm", ".mov", ".mkv", ".ogv", ".m4v"}
MEDIA = IMAGE | AUDIO | VIDEO | {".pdf"}


def embeds_block(target: str) -> bool:
    """Whether `![[target]]` shows a note (a block of HTML) rather than a media file."""
    return posixpath.splitext(target)[1].lower() not in MEDIA


def split_inner(inner: str) -> tuple[str, str, str | None]:
    """'Note#Heading|Alias' -> ('Note', 'Heading', 'Alias'); alias is None when absent."""
    inner = inner.replace("\\|", "|")
    target, sep, alias = inner.partition("|")
    target, _, fragment = target.partition("#")
    return target.strip(), fragment.strip(), (alias.strip() if sep else None)


def display_text(target: str, fragment: str) -> str:
    """What Obsidian shows for a link without an alias: "Note", "Note > Heading", "Heading",
    and for a block "Note > ^id" or "^id" (the caret says it is a block, not a heading)."""
    fragment = fragment.replace("#", " > ")
    if not target:
        return fragment
    return f"{target} > {fragment}" if fragment else target


def _rule(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    start = pos + (3 if embed else 2)
    if not embed and not src.startswith("[[", pos):
        return False
    end = src.find("]]", start)
    if end < 0:
        return False
    inner = src[start:end]
    if "\n" in inner or "[[" in inner or not inner.strip():
        return False
    target, fragment, alias = split_inner(inner)
    if not target and not fragment:
        return False
    if not silent:
        line = line_of(state)
        if embed:
            token = state.push("wikiembed", "", 0)
            token.meta = {"link": Link("embed", target, fragment, alias or "", line)}
        else:
            token = state.push("wikilink", "", 0)
            text = alias if alias else display_text(target, fragment)
            token.meta = {"link": Link("link", target, fragment, text, line)}
        token.content = inner
    state.pos = end + 2
    return True


def _render_link(self, tokens, idx, options, env) -> str:
    link = tokens[idx].meta["link"]
    n = register(env, link)
    return open_slot(n) + escapeHtml(link.text) + close_slot(n)


def _render_embed(self, tokens, idx, options, env) -> str:
    """A note embed standing as a block (see embed_blocks.py) ends its line like other blocks."""
    token = tokens[idx]
    return open_slot(register(env, token.meta["link"])) + ("\n" if token.meta.get("block") else "")


def wikilinks_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", _rule)
    md.add_render_rule("wikilink", _render_link)
    md.add_render_rule("wikiembed", _render_embed)
