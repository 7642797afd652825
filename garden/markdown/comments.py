"""`%%comments%%`, inline or across lines, removed before anything else sees them.

Comments are private: they are cut from the source text itself (a core rule
that runs right after normalization), so no later rule, index or feed can leak
them. Fenced code, indented code blocks and inline code spans keep their `%%`.
Line breaks inside a comment are kept, so every later line number still matches
the file.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def strip_comments(text: str, code_lines: frozenset[int] = frozenset()) -> str:
    """`text` without its comments; `code_lines` (0-based) are lines of indented code blocks."""
    if "%%" not in text:
        return text
    out: list[str] = []
    fence: str | None = None
    in_comment = False
    for number, line in enumerate(text.split("\n")):
        if not in_comment and number in code_lines:
            out.append(line)
            continue
        if not in_comment:
            m = _FENCE.match(line)
            if fence is not None:
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                        and not line[m.end():].strip():
                    fence = None
                out.append(line)
                continue
            if m and not (m.group(1)[0] == "`" and "`" in line[m.end():]):
                fence = m.group(1)
                out.append(line)
                continue
        kept, in_comment = _strip_line(line, in_comment)
        out.append(kept)
    return "\n".join(out)


def _strip_line(line: str, in_comment: bool) -> tuple[str, bool]:
    kept: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if in_comment:
            end = line.find("%%", i)
            if end < 0:
                return "".join(kept), True
            i, in_comment = end + 2, False
            continue
        c = line[i]
        if c == "`":
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            close = re.compile(rf"(?<!`){'`' * run}(?!`)").search(line, i + run)
            stop = close.end() if close else i + run
            kept.append(line[i:stop])
            i = stop
        elif line.startswith("%%", i):
            in_comment = True
            i += 2
        else:
            kept.append(c)
            i += 1
    return "".join(kept), in_comment


def _indented_code(md: MarkdownIt, text: str) -> frozenset[int]:
    """The lines of indented code blocks, found by markdown-it's own block parser (only it
    knows when four spaces are code and when they continue a list item or a paragraph)."""
    tokens: list = []
    md.block.parse(text, md, {}, tokens)
    return frozenset(n for t in tokens if t.type == "code_block" and t.map for n in range(*t.map))


def _core(state) -> None:
    if "%%" in state.src:
        state.src = strip_comments(state.src, _indented_code(state.md, state.src))


def comments_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("normalize", "obsidian_comments", _core)
