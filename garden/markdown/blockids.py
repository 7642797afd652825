"""Block ids: a paragraph, list item, quote or table ending in ` ^id` can be
linked (`[[Note#^id]]`) and embedded (`![[Note#^id]]`). The marker is not shown;
the block gets `id="^id"`, which is what the link's fragment points at.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

_MARK = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$")


def _opener(tokens, close_idx: int) -> int:
    """The index of the open token matching the close token at close_idx."""
    level = tokens[close_idx].level
    for j in range(close_idx - 1, -1, -1):
        if tokens[j].nesting == 1 and tokens[j].level == level:
            return j
    return close_idx


def _core(state) -> None:
    tokens = state.tokens
    drop: list[int] = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        last = token.children[-1]
        if last.type != "text" or "^" not in last.content:  # the cheap test first: most blocks have none
            continue
        m = _MARK.search(last.content)
        if not m:
            continue
        block_id = m.group(1)
        last.content = last.content[:m.start()].rstrip()
        para = i - 1
        target = para
        if not last.content and len(token.children) == 1 and i >= 2 and tokens[i - 2].nesting == -1 \
                and tokens[i - 2].level == tokens[para].level:
            # "^id" alone on the line after a table, quote or list: it names that block.
            target = _opener(tokens, i - 2)
            drop.extend([para, i, i + 1])
        elif para >= 1 and tokens[para - 1].type == "list_item_open":
            target = para - 1
        tokens[target].attrSet("id", "^" + block_id)
        tokens[target].meta["block_id"] = block_id
    for j in sorted(drop, reverse=True):
        del tokens[j]


def blockids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("block_ids", _core)
