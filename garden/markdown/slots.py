"""Link slots: how a note's HTML refers to things only the whole garden knows.

The markdown step runs once per note, before the garden is resolved, so it
cannot know where `[[Other Note]]` lives or whether it is published. It writes
a slot instead: "\\x02{n}\\x03" opens (or is) link number n of the note, and
"\\x02/{n}\\x03" closes it. The render stage fills each slot for the page it is
written into (URLs are relative to that page). The loader strips \\x02 and \\x03
from every note, so a slot can only come from here.
"""
from __future__ import annotations

import re

from ..model import Link

SLOT_RE = re.compile("\x02(/?)(\\d+)\x03")


def register(env: dict, link: Link) -> int:
    links = env.setdefault("links", [])
    links.append(link)
    return len(links) - 1


def open_slot(n: int) -> str:
    return f"\x02{n}\x03"


def close_slot(n: int) -> str:
    return f"\x02/{n}\x03"


def line_of(state) -> int:
    """The file line of the inline parser's position (inline tokens have no map of their own)."""
    env = state.env
    return env.get("_block_line", 0) + state.src.count("\n", 0, state.pos)
