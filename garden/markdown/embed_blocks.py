"""Note embeds are blocks: lift them out of paragraphs.

`![[Note]]` shows a whole note (paragraphs, headings, lists), which HTML does not
allow inside a `<p>`: a browser closes the paragraph early and the page is not
well-formed. So a paragraph holding note embeds is split around them: the text
before and after stay paragraphs, each embed stands between them on its own. An
embed inside emphasis, a link or a heading cannot stand on its own there and
becomes a link to the note. Embeds of files (`![[photo.png]]`) stay inline.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..model import Link
from ..paths import names_a_file
from .wikilinks import display_text


def _is_note_embed(token: Token) -> bool:
    return token.type == "wikiembed" and not names_a_file(token.meta["link"].target)


def _as_link(token: Token) -> None:
    embed = token.meta["link"]
    token.type = "wikilink"
    token.meta = {"link": Link("link", embed.target, embed.fragment,
                               display_text(embed.target, embed.fragment), embed.line)}


def _blank(children: list[Token]) -> bool:
    return all(c.type in ("softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
               for c in children)


def _split(opening: Token, inline: Token, closing: Token) -> list[Token]:
    """paragraph(text ![[A]] text) -> paragraph(text), ![[A]], paragraph(text)."""
    out: list[Token] = []
    part: list[Token] = []
    line = inline.map[0] if inline.map else 0

    def flush() -> None:
        while part and part[0].type in ("softbreak", "hardbreak"):
            part.pop(0)
        while part and part[-1].type in ("softbreak", "hardbreak"):
            part.pop()
        if part and not _blank(part):
            if part[0].type == "text":
                part[0].content = part[0].content.lstrip()
            if part[-1].type == "text":
                part[-1].content = part[-1].content.rstrip()
            first = not any(t.type == "paragraph_open" for t in out)
            p_open = Token("paragraph_open", "p", 1, level=opening.level, hidden=opening.hidden, block=True,
                           map=[line, opening.map[1]] if opening.map else None)
            if first:
                p_open.attrs, p_open.meta = opening.attrs, opening.meta
            body = Token("inline", "", 0, level=inline.level, map=p_open.map, children=list(part), block=True,
                         content="".join(c.content for c in part))
            p_close = Token("paragraph_close", "p", -1, level=opening.level, hidden=closing.hidden, block=True)
            out.extend([p_open, body, p_close])
        part.clear()

    depth = 0
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak") and not part:
            line += 1
            continue
        if depth == 0 and _is_note_embed(child):
            flush()
            child.meta["block"] = True
            out.append(Token("inline", "", 0, level=opening.level, map=[line, line + 1], children=[child], block=True,
                             content=child.content))
            continue
        if _is_note_embed(child):
            _as_link(child)
        depth += child.nesting
        part.append(child)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
    flush()
    return out


def _lift(state) -> None:
    # An embed is parsed from "![[" in its block's source: without one there is nothing to do.
    if not any(t.type == "inline" and "![[" in t.content for t in state.tokens):
        return
    tokens, out, i = state.tokens, [], 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "paragraph_open" and i + 2 < len(tokens) and tokens[i + 1].type == "inline" \
                and "![[" in tokens[i + 1].content and any(_is_note_embed(c) for c in tokens[i + 1].children or []):
            out.extend(_split(token, tokens[i + 1], tokens[i + 2]))
            i += 3
            continue
        if token.type == "inline" and i > 0 and tokens[i - 1].type == "heading_open" and "![[" in token.content:
            for child in token.children or []:
                if _is_note_embed(child):
                    _as_link(child)
        out.append(token)
        i += 1
    state.tokens = out


def embed_blocks_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("embed_blocks", _lift)
