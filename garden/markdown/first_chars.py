"""Block rules tried only on lines that can start them.

markdown-it tries its block rules in order on each line that starts a block (and, to see
whether a paragraph goes on, on each line after it): most give up on the line's first
character, but only after a debug log call and a few lookups each, which adds up to a
tenth of the parse. Here each rule that needs a particular first character (after the
indentation) is wrapped in a test of it, so a line of prose goes straight to the
paragraph rule. The test only ever gives up early, where the rule itself would: the
rule is still called, with the same arguments, on every line it could match.
"""
from __future__ import annotations

from markdown_it import MarkdownIt

# Each rule's first character, as markdown-it-py (rules_block/) and mdit-py-plugins
# (dollarmath, footnote) test it before anything else.
FIRST_CHARS = {
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "heading": "#",
    "html_block": "<",
    "reference": "[",
    "footnote_def": "[",
    "math_block": "$",
}


def _guarded(rule, chars: str):
    def guarded(state, start_line: int, end_line: int, silent: bool) -> bool:
        pos = state.bMarks[start_line] + state.tShift[start_line]
        if pos < state.eMarks[start_line] and state.src[pos] not in chars:
            return False
        return rule(state, start_line, end_line, silent)

    guarded.__wrapped__ = rule
    return guarded


def first_chars_plugin(md: MarkdownIt) -> None:
    """Use last: it wraps the block rules present."""
    ruler = md.block.ruler
    for rule in list(ruler.__rules__):  # markdown-it has no public way to read a rule back
        if rule.name in FIRST_CHARS and not hasattr(rule.fn, "__wrapped__"):
            ruler.at(rule.name, _guarded(rule.fn, FIRST_CHARS[rule.name]), {"alt": rule.alt})
