"""When each note was created and last updated.

In order: the note's frontmatter (`created`/`date`, `updated`/`modified`), else
the git history of the vault (read with one `git log` for the whole vault, never
one call per file), else the file's modification time. A shallow clone (the
default of most CI checkouts) knows only the last commits, so every note would
seem to be created at the clone's tip: that is reported, the commonest cause of
wrong dates in published gardens.
"""
from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

from .diagnostics import Report

CREATED_KEYS = ("created", "date", "dg-created", "created_at", "createdAt")
UPDATED_KEYS = ("updated", "modified", "dg-updated", "lastmod", "last_modified", "last-modified", "updatedAt")
UTC = datetime.timezone.utc
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$")


class Dates:
    """A page's dates, with `key`: what pages show of them (the days, see render.page_dates),
    which page keys read. A note edited again on the day it last changed shows the same dates,
    so the lists showing it are not rendered again. Made with the dates, not when first
    read: every build reads the key of every page."""
    __slots__ = ("created", "updated", "source", "key")

    def __init__(self, created: datetime.datetime, updated: datetime.datetime, source: str):
        self.created = created
        self.updated = updated
        self.source = source  # "frontmatter", "git" or "file", for the created date
        self.key = f"{created.date().isoformat()}\0{updated.date().isoformat()}"


def parse_date(value) -> datetime.datetime | None:
    """A frontmatter date ("2024-03-01", "2024-03-01 10:20", a YAML date) as an aware datetime."""
    if type(value) is str:  # the commonest, and often the same day in many notes
        found = _PARSED.get(value)
        if found is None:
            if len(_PARSED) > 65536:
                _PARSED.clear()
            found = _PARSED[value] = _parse_text(value) or False
        return found or None
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=UTC)
    return _parse_text(value) if isinstance(value, str) else None


_PARSED: dict[str, datetime.datetime | bool] = {}  # text -> its date, False when it is none


def _parse_text(value: str) -> datetime.datetime | None:
    text = value.strip()
    m = DATE.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, tz = m.groups()
    zone = UTC
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        zone = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), tzinfo=zone)
    except ValueError:
        return None


def _from_meta(meta: dict, keys: tuple[str, ...]) -> datetime.datetime | None:
    for key in keys:
        value = meta.get(key)
        if value is not None and (found := parse_date(value)) is not None:
            return found
    return None


History = tuple[str, dict[str, tuple[float, float]]]


def git_head(vault: Path) -> str:
    """Where the vault's git history stands: whether the clone is shallow, the work tree, the
    vault's folder in it and HEAD's commit; "" when the vault is not in a git work tree with
    a commit, or git is missing. A build whose files are unchanged still runs when it changed:
    a commit changes the notes' dates."""
    try:
        top = subprocess.run(["git", "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix",
                              "HEAD"], cwd=vault, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return top.stdout.strip() if top.returncode == 0 else ""


def git_history(vault: Path, report: Report | None = None, known: History | None = None) -> History:
    """(HEAD's commit, vault path -> (first, last) author timestamp), from one `git log` over
    the vault; ("", {}) when the vault is not in a git work tree with a commit, or git is missing.

    `known`, what an earlier call returned, is returned again while HEAD is the same commit
    and the vault the same folder of the same work tree (the log of a long history takes a
    good part of a second, asking for HEAD milliseconds); never for a shallow clone, whose
    history grows under the same HEAD when it is fetched in full.
    """
    head = git_head(vault)
    if not head:
        return "", {}
    if head.startswith("true\n"):  # a shallow clone: its history grows under this HEAD when fetched in full
        head = ""  # so it is never kept
        if report is not None:
            report.warning(str(vault), 0, "the vault is a shallow git clone, so its notes' dates come from the "
                           "few commits it holds and may all look new",
                           hint="fetch the full history (git fetch --unshallow, or fetch-depth: 0 in "
                                "actions/checkout) or set created/updated in the frontmatter", code="shallow-clone")
    elif known is not None and known[0] == head:
        return known
    try:
        log = subprocess.run(["git", "-c", "core.quotepath=off", "log", "-z", "--format=%x1e%at",
                              "--name-only", "--relative", "--no-renames", "--", "."],
                             cwd=vault, capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError):
        return "", {}
    if log.returncode != 0:
        return "", {}
    history: dict[str, tuple[float, float]] = {}
    for chunk in log.stdout.decode("utf-8", "replace").split("\x1e"):
        stamp, _, rest = chunk.partition("\0")
        if not stamp.strip().isdigit():
            continue
        when = float(stamp.strip())
        for name in rest.lstrip("\n").split("\0"):
            if not name:
                continue
            first, last = history.get(name, (when, when))  # newest commit comes first
            history[name] = (min(first, when), max(last, when))
    return head, history


def note_dates(meta: dict, rel: str, mtime: float, history: dict[str, tuple[float, float]]) -> Dates:
    """Frontmatter first, then git (first and last commit touching the file), then the file's mtime."""
    first, last = history.get(rel, (None, None))
    created = updated = None
    if not _DATE_KEYS.isdisjoint(meta):  # many notes give no date: their keys are not looked up one by one
        created, updated = _from_meta(meta, CREATED_KEYS), _from_meta(meta, UPDATED_KEYS)
    source = "frontmatter"
    if created is None and first is not None:
        created, source = datetime.datetime.fromtimestamp(first, UTC), "git"
    if updated is None and last is not None:
        updated = datetime.datetime.fromtimestamp(last, UTC)
    if created is None or updated is None:
        file_time = datetime.datetime.fromtimestamp(mtime or 0, UTC)
        if created is None:
            created, source = min(file_time, updated or file_time), "file"
        updated = updated or file_time
    return Dates(created, max(updated, created), source)


_DATE_KEYS = frozenset(CREATED_KEYS + UPDATED_KEYS)
