"""Deep nesting without losing text.

markdown-it stops at `maxNesting` levels and silently drops the rest of the container
it is in (for a list, everything after it in the note). Here, from MAX_NESTING levels
on, the block parser carries on with the paragraph rule only: deeper `>` or `-`
markers stay as literal text and nothing after them is lost, while the parser's
recursion (and so Python's stack) stays bounded by the limit.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import paragraph

MAX_NESTING = 50


def _flat(state, start: int, end: int) -> None:
    """markdown-it's block loop (ParserBlock.tokenize) with no rule that could nest."""
    line, empty_before = start, False
    while line < end:
        state.line = line = state.skipEmptyLines(line)
        if line >= end or state.sCount[line] < state.blkIndent:
            break
        paragraph(state, line, end, False)
        state.tight = not empty_before
        line = state.line
        if line - 1 < end and state.isEmpty(line - 1):
            empty_before = True
        if line < end and state.isEmpty(line):
            empty_before = True
            line += 1
            state.line = line


def nesting_plugin(md: MarkdownIt, limit: int = MAX_NESTING) -> None:
    md.options["maxNesting"] = limit
    nested = md.block.tokenize  # quotes and lists call md.block.tokenize for their content

    def tokenize(state, start: int, end: int, *args) -> None:
        if state.level >= limit:
            _flat(state, start, end)
        else:
            nested(state, start, end, *args)

    md.block.tokenize = tokenize
