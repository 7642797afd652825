"""Dates as the reader sees them: an ISO day written with a Luxon/Unicode pattern.

The Digital Garden template writes its TIMESTAMP_FORMAT in these tokens
("MMM dd, yyyy"), so a garden moved from it keeps its dates as they were.
Date tokens only: garden knows the day a note was written, not the minute.
"""
from __future__ import annotations

import datetime
import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TOKEN = re.compile(r"'[^']*'|y+|M+|L+|d+|E+|c+")


def format_date(iso: str, pattern: str) -> str:
    """format_date("2024-03-05", "MMM d, yyyy") == "Mar 5, 2024"; text in '...' is kept as is."""
    try:
        day = datetime.date.fromisoformat(iso[:10])
    except ValueError:
        return iso

    def token(m: re.Match) -> str:
        text = m.group(0)
        kind, n = text[0], len(text)
        if kind == "'":
            return text[1:-1] or "'"
        if kind == "y":
            return f"{day.year % 100:02d}" if n == 2 else f"{day.year:0{n}d}"
        if kind in "ML":
            name = MONTHS[day.month - 1]
            return name if n >= 4 else name[:3] if n == 3 else f"{day.month:0{n}d}"
        if kind == "d":
            return f"{day.day:0{min(n, 2)}d}"
        name = WEEKDAYS[day.weekday()]
        return name if n >= 4 else name[:3] if n == 3 else str(day.isoweekday())

    return TOKEN.sub(token, pattern or "yyyy-MM-dd")
