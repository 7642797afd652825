"""Problems found while building, reported as `path:line: level: message`.

Every stage appends to one `Report`; nothing raises for a problem in a note,
so one bad file never stops the rest of the garden from building.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # vault-relative (or config) path, as the user knows it
    line: int  # 1-based; 0 when the problem has no line
    level: str
    message: str
    hint: str = ""
    code: str = ""  # a stable kind, e.g. "broken-link", for `garden check --format json`

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.level}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_json(self) -> dict:
        return {
            "path": self.path, "line": self.line, "level": self.level,
            "code": self.code, "message": self.message, "hint": self.hint,
        }


@dataclass
class Report:
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, d: Diagnostic) -> None:
        self.items.append(d)

    def extend(self, ds) -> None:
        self.items.extend(ds)

    def error(self, path: str, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(path, line, ERROR, message, hint, code))

    def warning(self, path: str, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(path, line, WARNING, message, hint, code))

    @property
    def errors(self) -> list[Diagnostic]:
        """Each once (a link written twice on a line is one problem), so counts match what is shown."""
        return list(dict.fromkeys(d for d in self.items if d.level == ERROR))

    @property
    def warnings(self) -> list[Diagnostic]:
        return list(dict.fromkeys(d for d in self.items if d.level == WARNING))

    def sorted(self) -> list[Diagnostic]:
        """Deduplicated, in file then line order, so output is stable across runs."""
        return sorted(set(self.items))


def did_you_mean(word: str, candidates, label=lambda c: c) -> str:
    """A hint naming the closest candidate, or "" when nothing is close."""
    names = {label(c).lower(): label(c) for c in candidates}
    close = difflib.get_close_matches(word.lower(), list(names), n=1, cutoff=0.75)
    return f"did you mean [[{names[close[0]]}]]?" if close else ""


class GardenError(Exception):
    """A problem that stops the whole build (bad config, unsafe output folder)."""

    def __init__(self, message: str, path: str = "", line: int = 0, hint: str = ""):
        super().__init__(message)
        self.diagnostic = Diagnostic(path or "garden", line, ERROR, message, hint)

    def __reduce__(self):  # so it crosses from worker processes intact
        d = self.diagnostic
        return (GardenError, (d.message, d.path, d.line, d.hint))
