"""Obsidian-flavoured Markdown: one markdown-it parser with our plugins, and a
renderer that records where each block starts in the HTML (for embeds of a
section or a block)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

# markdown-it is imported where a note is parsed: the rest of the pipeline reads a few names
# of this package (a heading's id, the media kinds, the home tag) in a rebuild whose notes a
# helper parsed, and importing the parser for them was 0.02 s of it.
if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from .annotations import Settings


def escape_html(raw: str) -> str:
    """markdown-it's escapeHtml (&, <, > and "), here so that using it loads no parser."""
    return raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _inline_with_lines(state) -> None:
    """The core 'inline' rule, telling inline rules which file line their block starts on.

    Text without a single character that could start an inline rule (most headings, many
    list items and table cells) is one text token: it is made here directly, as the inline
    parser would make it, without setting up the parser for it."""
    from markdown_it.token import Token

    md = state.md
    offset = state.env.get("line_offset", 0)
    terminator = md.inline.terminator_re
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if token.content and not terminator.search(token.content):
                token.children.append(Token("text", "", 0, content=token.content))
                continue
            state.env["_block_line"] = offset + (token.map[0] + 1 if token.map else 1)
            md.inline.parse(token.content, md, state.env, token.children)


def _normalize(state) -> None:
    """markdown-it's normalize rule (CR LF and CR to LF, NUL to U+FFFD), only when there is
    one of those to replace: otherwise its two regex passes over the note change nothing."""
    if "\r" in state.src or "\0" in state.src:
        from markdown_it.rules_core.normalize import normalize
        normalize(state)


def create_markdown(settings: Settings | None = None, www: bool = True) -> MarkdownIt:
    """The parser; `settings` (from garden.toml's [annotations] and [ui]) shape annotated posts.

    `www=False` leaves out bare `www.example.org` autolinks: their rule must stop the text
    scanner at every letter "w", which makes parsing a third slower, so a note that holds
    no "www." is parsed without it (same output, see parse.parse_note)."""
    # The plugins (and Pygments, latex2mathml behind them) are imported here, on the first
    # note parsed: a rebuild that parses nothing never pays for them.
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

    from .annotations import Settings, annotations_plugin
    from .blockids import blockids_plugin
    from .callouts import callouts_plugin
    from .code import code_plugin
    from .comments import comments_plugin
    from .embed_blocks import embed_blocks_plugin
    from .first_chars import first_chars_plugin
    from .headings import headings_plugin
    from .highlight import highlight_plugin
    from .links import links_plugin
    from .math import math_plugin
    from .mermaid import mermaid_plugin
    from .nesting import nesting_plugin
    from .sources import sources_plugin
    from .tags import tags_plugin
    from .tasks import tasks_plugin
    from .wikilinks import wikilinks_plugin

    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.core.ruler.at("normalize", _normalize)
    md.core.ruler.at("inline", _inline_with_lines)
    for plugin in (comments_plugin, callouts_plugin, math_plugin, wikilinks_plugin, tags_plugin,
                   highlight_plugin, gfm_autolink_plugin, footnote_plugin, tasks_plugin, headings_plugin,
                   blockids_plugin, links_plugin, code_plugin, mermaid_plugin):
        md.use(plugin)
    if not www:
        md.inline.ruler.disable("gfm_autolink_www")
        md.inline.terminator_re = re.compile(md.inline.terminator_re.pattern.replace("w", ""))
    md.use(nesting_plugin)
    md.use(embed_blocks_plugin)
    settings = settings or Settings.defaults()
    md.use(annotations_plugin, settings)  # after headings: TLDRs are tied to their section's id
    md.use(sources_plugin, settings)
    md.use(first_chars_plugin)  # last: it wraps the block rules the others added
    return md


def render_with_offsets(md: MarkdownIt, tokens, env) -> tuple[str, list[int]]:
    """Render block tokens to HTML; offsets[i] is where token i's HTML starts."""
    renderer = md.renderer
    rules = renderer.rules
    options = md.options
    out: list[str] = []
    offsets: list[int] = []
    size = 0
    for i, token in enumerate(tokens):
        offsets.append(size)
        if token.type == "inline":
            piece = renderer.renderInline(token.children or [], options, env)
        elif token.type in rules:
            piece = rules[token.type](tokens, i, options, env)
        else:
            piece = renderer.renderToken(tokens, i, options, env)
        out.append(piece)
        size += len(piece)
    offsets.append(size)
    return "".join(out), offsets
