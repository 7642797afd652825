"""`==highlighted text==` becomes `<mark>`, as in Obsidian.

A delimiter rule, like markdown-it's own `~~strikethrough~~` (it is a port of
markdown-it-mark): `==` pairs follow the same left/right-flanking rules as
emphasis, so `a == b` stays text and code spans are never touched.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline

_EQ = 0x3D  # "="


def _tokenize(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "="
        length -= 1
    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = "=="
        if not scanned.can_open and not scanned.can_close:
            continue
        state.delimiters.append(Delimiter(marker=_EQ, length=0, token=len(state.tokens) - 1,
                                          end=-1, open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _pair(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone: list[int] = []
    for start in delimiters:
        if start.marker != _EQ or start.end == -1:
            continue
        end = delimiters[start.end]
        for index, (kind, nesting) in ((start.token, ("mark_open", 1)), (end.token, ("mark_close", -1))):
            token = state.tokens[index]
            token.type, token.tag, token.nesting, token.markup, token.content = kind, "mark", nesting, "==", ""
        if state.tokens[end.token - 1].type == "text" and state.tokens[end.token - 1].content == "=":
            lone.append(end.token - 1)
    while lone:  # an odd run "===" leaves one "=" before the pair: move it after the closers
        i = lone.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        j -= 1
        if i != j:
            state.tokens[i], state.tokens[j] = state.tokens[j], state.tokens[i]


def _post_process(state: StateInline) -> None:
    if "==" not in state.src:  # no mark delimiters: nothing to pair
        return
    _pair(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair(state, meta["delimiters"])


def highlight_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "mark", _tokenize)
    md.inline.ruler2.before("emphasis", "mark", _post_process)
