"""Problems a Markdown rule finds (bad LaTeX, ...), passed out through `env`.

The parse stage turns each into a `path:line: warning: ...` diagnostic; a rule
only knows the file line (see `slots.line_of` for inline rules).
"""
from __future__ import annotations


def warn(env: dict, line: int, message: str, code: str) -> None:
    env.setdefault("problems", []).append((line, message, code))
