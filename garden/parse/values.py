"""Frontmatter values a reader sees as text: title, description, aliases and tags.

YAML reads `title: 1.10` as a number and `title: yes` as true, but the writer
meant the text they typed: a number or true/false is shown as written. A list or
a table has no text to show (Python would print `['a', 'b']`): it is left out
with a warning at its line, and the note falls back as if it were not there.
"""
from __future__ import annotations

import re

import yaml

SCALARS = (bool, int, float)


def kind(value) -> str:
    """How a warning names a value that is not text."""
    return "a list" if isinstance(value, list) else "a table" if isinstance(value, dict) else "empty"


def text(value, line: str = "") -> str | None:
    """A string as it is; a number or true/false as `line` (`key: value`) writes it,
    else as YAML writes it; None for a list, a table or nothing."""
    if isinstance(value, str):
        return value
    if not isinstance(value, SCALARS):
        return None
    m = re.match(r"""\s*["']?[\w-]+["']?\s*:\s*([^#]*?)\s*(?:#.*)?$""", line)
    if m and m.group(1):
        try:
            same = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            same = None
        if type(same) is type(value) and same == value:
            return m.group(1)
    return yaml.safe_dump(value, default_flow_style=True).split("\n", 1)[0]


def texts(value, split: str) -> tuple[list[str], object]:
    """A list of texts from a list, a string (cut at the `split` pattern) or one number;
    with the first value that is not text (a list or a table), or None."""
    if value is None:
        return [], None
    if isinstance(value, str):
        return [v for v in re.split(split, value) if v.strip()], None
    items = value if isinstance(value, list) else [value]
    found = [text(v) if v is not None else None for v in items]
    bad = next((v for v, t in zip(items, found) if t is None and v is not None), None)
    return [t for t in found if t is not None and t.strip()], bad
