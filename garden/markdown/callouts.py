"""Callouts: a blockquote whose first line is `[!type] Title` becomes a callout box.

`> [!tip]+ Title` is foldable and open, `> [!tip]- Title` foldable and closed
(both a `<details>`); without a sign it is a plain box. Types and aliases are
Obsidian's; an unknown type keeps its name in `data-callout` (so a theme can
style it) and looks like a note. Nesting is just blockquotes in blockquotes.

A core rule between block and inline parsing rewrites the blockquote's tokens,
so the title and body are parsed like any other Markdown (links, embeds, code).
Icons and colours live in the theme (css/30-callouts.css), keyed by type.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

ALIASES = {
    "note": ("note",),
    "abstract": ("abstract", "summary", "tldr"),
    "info": ("info",),
    "todo": ("todo",),
    "tip": ("tip", "hint", "important"),
    "success": ("success", "check", "done"),
    "question": ("question", "help", "faq"),
    "warning": ("warning", "caution", "attention"),
    "failure": ("failure", "fail", "missing"),
    "danger": ("danger", "error"),
    "bug": ("bug",),
    "example": ("example",),
    "quote": ("quote", "cite"),
}
CANONICAL = {alias: kind for kind, aliases in ALIASES.items() for alias in aliases}
GITHUB_ALERTS = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"}  # as GitHub writes them

_HEAD = re.compile(r"^\[!([\w-]+)\]([+-]?)(?:[ \t]+(.*))?$")


def canonical_type(name: str) -> str:
    """'TLDR' -> 'abstract'; an unknown type is shown as a note."""
    return CANONICAL.get(name.lower(), "note")


def _closer(tokens, i: int) -> int:
    level = tokens[i].level
    return next(j for j in range(i + 1, len(tokens)) if tokens[j].level == level and tokens[j].nesting == -1)


def _convert(state, i: int) -> bool:
    """Turn the blockquote opening at i into a callout, if its first line says so."""
    tokens = state.tokens
    if i + 2 >= len(tokens) or tokens[i + 1].type != "paragraph_open" or tokens[i + 2].type != "inline":
        return False
    inline = tokens[i + 2]
    head, _, rest = inline.content.partition("\n")
    m = _HEAD.match(head.strip())
    if not m:
        return False
    name, fold, title = m.group(1), m.group(2), (m.group(3) or "").strip()
    close = _closer(tokens, i)
    quote_open, quote_close = tokens[i], tokens[close]
    level = quote_open.level
    line = quote_open.map[0] if quote_open.map else 0

    quote_open.type, quote_open.tag = "callout_open", "details" if fold else "div"
    quote_close.type, quote_close.tag = "callout_close", quote_open.tag
    quote_open.meta = {**(quote_open.meta or {}), "callout": name.lower(), "fold": fold,
                       "kind": canonical_type(name)}
    quote_close.meta = {"fold": fold}

    head_tag = "summary" if fold else "div"
    title_open = Token("callout_title_open", head_tag, 1, map=[line, line + 1], level=level + 1, block=True)
    title_inline = Token("inline", "", 0, map=[line, line + 1], level=level + 2, content=title, children=[])
    if not title:
        # Its type, capitalized; GitHub's alerts (`[!NOTE]`) read as GitHub shows them ("Note").
        text = Token("text", "", 0, content=name.capitalize() if name in GITHUB_ALERTS else name[:1].upper() + name[1:])
        title_inline.children = [text]
    title_close = Token("callout_title_close", head_tag, -1, level=level + 1, block=True)
    body_open = Token("callout_content_open", "div", 1, level=level + 1, block=True)
    body_close = Token("callout_content_close", "div", -1, level=level + 1, block=True)

    after = tokens[i + 4:close]  # the blocks after the first paragraph
    for token in after:
        token.level += 1
    first: list[Token] = []
    if rest.strip():
        # The rest of the first paragraph is Markdown of its own (a list, display math, a table...).
        state.md.block.parse(rest, state.md, state.env, first)
        for token in first:
            token.level += level + 2
            if token.map:
                token.map = [token.map[0] + line + 1, token.map[1] + line + 1]
    body = first + after
    inner = [body_open, *body, body_close] if body else []
    tokens[i + 1:close] = [title_open, title_inline, title_close, *inner]
    return True


def _core(state) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type == "blockquote_open":
            _convert(state, i)
        i += 1


def _open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    meta = token.meta
    token.attrJoin("class", f"callout callout-{meta['kind']}")
    token.attrSet("data-callout", meta["callout"])
    if meta["fold"]:
        token.attrSet("data-callout-fold", meta["fold"])
        if meta["fold"] == "+":
            token.attrSet("open", "")
    attrs = "".join(f' {k}="{escapeHtml(str(v))}"' if v != "" else f" {k}" for k, v in token.attrItems())
    return f"<{token.tag}{attrs}>\n"


def _title_open(self, tokens, idx, options, env) -> str:
    return (f'<{tokens[idx].tag} class="callout-title"><span class="callout-icon" aria-hidden="true"></span>'
            '<span class="callout-title-text">')


def _title_close(self, tokens, idx, options, env) -> str:
    return f"</span></{tokens[idx].tag}>\n"


def _content_open(self, tokens, idx, options, env) -> str:
    return '<div class="callout-content">\n'


def _close(self, tokens, idx, options, env) -> str:
    return f"</{tokens[idx].tag}>\n"


def callouts_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "callouts", _core)
    md.add_render_rule("callout_open", _open)
    md.add_render_rule("callout_title_open", _title_open)
    md.add_render_rule("callout_title_close", _title_close)
    md.add_render_rule("callout_content_open", _content_open)
    md.add_render_rule("callout_content_close", _close)
    md.add_render_rule("callout_close", _close)
