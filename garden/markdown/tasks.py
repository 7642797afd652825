"""Task lists: `- [ ] to do`, `- [x] done`, and Obsidian's other statuses (`[/]`, `[-]`, `[>]`, ...).

The list item gets `class="task-list-item"` and `data-task` set to the status
character (empty for `[ ]`), as Obsidian writes it, so themes made for
Obsidian style the same items; any status other than a space is checked. The
checkbox is disabled: a published page cannot change the note.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

_BOX = re.compile(r"^\[(.)\](?=\s|$)\s?")


def _core(state) -> None:
    tokens = state.tokens
    for i in range(len(tokens) - 2):
        item = tokens[i]
        if item.type != "list_item_open" or tokens[i + 1].type != "paragraph_open" \
                or tokens[i + 2].type != "inline":
            continue
        children = tokens[i + 2].children or []
        if not children or children[0].type != "text" or not tokens[i + 2].content.startswith("["):
            continue
        m = _BOX.match(children[0].content)
        if not m:
            continue
        status = m.group(1)
        children[0].content = children[0].content[m.end():]
        box = Token("task_checkbox", "input", 0, meta={"status": status})
        children.insert(0, box)
        item.attrJoin("class", "task-list-item" + (" is-checked" if status != " " else ""))
        item.attrSet("data-task", "" if status == " " else status)
        parent = next((tokens[j] for j in range(i - 1, -1, -1)
                       if tokens[j].level == item.level - 1 and tokens[j].nesting == 1), None)
        if parent is not None and "contains-task-list" not in (parent.attrGet("class") or ""):
            parent.attrJoin("class", "contains-task-list")


# What each status means, as Obsidian's themes name them: the checkbox's accessible name,
# since a screen reader cannot tell "cancelled" from "done" by the checked state alone.
STATUS_NAMES = {" ": "to do", "x": "done", "X": "done", "/": "in progress", "-": "cancelled",
                ">": "forwarded", "<": "scheduled", "!": "important", "?": "question", "*": "star",
                "i": "information"}


def _render(self, tokens, idx, options, env) -> str:
    status = tokens[idx].meta["status"]
    checked = " checked" if status != " " else ""
    name = STATUS_NAMES.get(status, f"[{status}]")
    return (f'<input type="checkbox" class="task-list-item-checkbox" disabled{checked} '
            f'data-task="{escapeHtml(status.strip())}" aria-label="{escapeHtml(name)}"> ')


def tasks_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("task_lists", _core)
    md.add_render_rule("task_checkbox", _render)
