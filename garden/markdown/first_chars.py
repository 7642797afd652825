"""Block and inline rules tried only where they can start.

markdown-it tries its rules in order wherever something could begin: its block rules on
each line that starts a block (and, to see whether a paragraph goes on, on each line
after it), its inline rules at each character the text rule stops at. Most give up on
the first character, which costs a call each and, for block rules, a debug log call and
a few lookups: together 7% of the parse of a note (bench garden). Here the rules that need a first
character are only tried where it stands:

- each such block rule is wrapped in a test of the line's first character (after the
  indentation);
- the inline rules after `text` are replaced by one that tries, at the current character,
  the rules that can start with it, in their order (and any rule not listed here at
  every character).

Only giving up is done early: a rule is still called, with the same arguments, wherever it
could match, so what it does is unchanged.
"""
from __future__ import annotations

from typing import Callable

from markdown_it import MarkdownIt

# Each rule's first character, as markdown-it-py (rules_block/, rules_inline/) and
# mdit-py-plugins (dollarmath, footnote, gfm_autolink) and our plugins test it first.
BLOCK_FIRST_CHARS = {
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
INLINE_FIRST_CHARS = {
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "math_inline": "$",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "gfm_autolink_www": "w",
    "gfm_autolink_protocol": ":",
    "gfm_autolink_email": "@",
    "mark": "=",  # highlight.py
    "wikilink": "[!",  # wikilinks.py: [[ and ![[
    "hashtag": "#",  # tags.py
}


def _guarded(rule, chars: str):
    def guarded(state, start_line: int, end_line: int, silent: bool) -> bool:
        pos = state.bMarks[start_line] + state.tShift[start_line]
        if pos < state.eMarks[start_line] and state.src[pos] not in chars:
            return False
        return rule(state, start_line, end_line, silent)

    guarded.__wrapped__ = rule
    return guarded


def _dispatch(rules) -> Callable:
    """One inline rule standing for `rules` (markdown-it's Rule objects, in order)."""
    def tried_at(char: str) -> tuple:
        return tuple(r.fn for r in rules if r.name not in INLINE_FIRST_CHARS or char in INLINE_FIRST_CHARS[r.name])

    anywhere = tried_at("")  # the rules not listed
    by_char = {c: tried_at(c) for r in rules for c in INLINE_FIRST_CHARS.get(r.name, "")}

    def first_char_rules(state, silent: bool) -> bool:
        for rule in by_char.get(state.src[state.pos], anywhere):
            if rule(state, silent):
                return True
        return False

    return first_char_rules


def first_chars_plugin(md: MarkdownIt) -> None:
    """Use last: it works on the rules present (markdown-it has no public way to read them)."""
    ruler = md.block.ruler
    for rule in list(ruler.__rules__):
        if rule.name in BLOCK_FIRST_CHARS and not hasattr(rule.fn, "__wrapped__"):
            ruler.at(rule.name, _guarded(rule.fn, BLOCK_FIRST_CHARS[rule.name]), {"alt": rule.alt})

    inline = md.inline.ruler
    rules = [r for r in inline.__rules__ if r.enabled]
    if not rules or rules[0].name != "text":
        return  # the text rule must stay first: it is what stops at the characters below
    for rule in rules[1:]:
        inline.disable(rule.name)
    inline.push("first_char_rules", _dispatch(rules[1:]))
