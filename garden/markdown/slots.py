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


def stamp_lines(state) -> None:
    """Inline tokens have no line map: stamp each with its file line (`meta["line"]`),
    counted from the parent block's first line, for rules that report or record lines."""
    offset = state.env.get("line_offset", 0)
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = offset + (block.map[0] + 1 if block.map else 1)
        if "\n" not in block.content and "&" not in block.content:
            # One line (no entity such as &#10; to put a line break in a child): all on it.
            for child in block.children:
                child.meta["line"] = line
            continue
        for child in block.children:
            child.meta["line"] = line
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            else:
                line += child.content.count("\n")


def use_line_stamps(md) -> None:
    """Make sure `stamp_lines` runs once, right after inline parsing."""
    if md.core.ruler.__find__("inline_lines") < 0:
        md.core.ruler.after("inline", "inline_lines", stamp_lines)
