"""Counts as a reader says them: "1 note", "2 notes", never "1 notes".

The theme's strings are settings (`[ui]`), so the word that follows a number is
written in the string itself: `{count:note|notes}` is "note" when `count` is 1 and
"notes" otherwise, and the number is `{count}` as before. A translation writes its
own forms, and a string without them is used as written. The page's script reads
the same syntax (`garden.format` in the theme's js/00-core.js).
"""
from __future__ import annotations

import re

_FORMS = re.compile(r"\{(\w+):([^{}|]*)\|([^{}]*)\}")


def count(n: int, word: str, plural: str = "") -> str:
    """ "1 file", "3 files": for garden's own messages."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def choose(text: str, values: dict) -> str:
    """`text` with each `{name:one|other}` replaced by the form that fits `values[name]`."""
    def pick(m: re.Match) -> str:
        if m.group(1) not in values:
            return m.group(0)  # as the page's script leaves it
        return m.group(2) if str(values[m.group(1)]) == "1" else m.group(3)

    return _FORMS.sub(pick, text)


class Text(str):
    """A `[ui]` string whose `format` also picks the word forms, so templates (a garden's
    own overrides included) keep writing `ui.notes_count.format(count=n)`."""

    def format(self, *args, **values) -> str:
        return str.format(choose(self, values), *args, **values)
