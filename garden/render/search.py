"""Full-text search: a Pagefind index in `pagefind/`, queried by the theme's own search dialog.

Why Pagefind: its index is split into small chunks, so a search in a garden of
10,000 notes downloads a few hundred kilobytes, not the whole index; it ranks
with per-element weights and filters by tag; it ships as a binary inside the
`pagefind[bin]` wheel, so it runs offline. Its script is loaded only when the
reader opens search.

Each page becomes one small HTML record written for the indexer (not the page
itself): the title weighs most, then aliases, then headings, then the body;
tags (with their parents, so #area finds #area/sub) are filters; the summary
and the title travel as metadata for the result list. Pagefind re-indexes
everything on each run, so the index is cached under a digest of the records
and rebuilt only when some note's searchable content changed.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html import escape
from pathlib import Path

from ..diagnostics import Diagnostic, WARNING
from ..resolve import HOME_TAG, Garden, Page, tag_path
from .theme import Theme

INDEX_DIR = "pagefind/"
# Files of Pagefind's bundle the theme's own dialog never loads.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
WEIGHTS = {"title": 10.0, "alias": 8.0, "heading": 5.0}


def searchable(page: Page) -> bool:
    return not page.settings.get("hide")


def record(page: Page, language: str) -> tuple[str, str]:
    """(url, HTML) for the indexer: weighted title, aliases and headings, then the body text."""
    note = page.note
    # Each tag and its parents (#area finds #area/sub), as in its page's address: tags/<value>/.
    tags = sorted({tag_path("/".join(t.split("/")[:i]))[len("tags/"):-1] for t in note.tags
                   if t.lower() != HOME_TAG for i in range(1, t.count("/") + 2)})
    # The body comes first so that excerpts read as prose; the weighted title, aliases and
    # headings follow (the body text already holds the headings in place, at body weight).
    parts = [f'<html lang="{escape(language)}"><body><main data-pagefind-body>']
    for paragraph in note.text.split("\n"):
        if paragraph.strip():
            parts.append(f"<p>{escape(paragraph)}</p>")
    parts.append(f'<h1 data-pagefind-weight="{WEIGHTS["title"]}" data-pagefind-meta="title">{escape(note.title)}</h1>')
    if note.aliases:
        parts.append(f'<p data-pagefind-weight="{WEIGHTS["alias"]}">{escape(" · ".join(note.aliases))}</p>')
    for h in note.headings:
        parts.append(f'<h2 data-pagefind-weight="{WEIGHTS["heading"]}">{escape(h.text)}</h2>')
    if note.summary:
        parts.append(f'<span data-pagefind-meta="summary" hidden>{escape(note.summary)}</span>')
    for tag in tags:
        parts.append(f'<span data-pagefind-filter="tag" data-pagefind-ignore hidden>{escape(tag)}</span>')
    parts.append("</main></body></html>")
    return "/" + page.path, "".join(parts)


@functools.lru_cache(maxsize=1)
def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    for name in ("pagefind_bin", "pagefind"):
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "?"


def records_digest(records: list[tuple[str, str]], language: str) -> str:
    h = hashlib.sha256(f"pagefind {pagefind_version()} {language}\n".encode())
    for url, html in records:
        h.update(url.encode() + b"\0" + html.encode() + b"\0")
    return h.hexdigest()[:20]


def pagefind_command() -> list[str]:
    """The binary from the `pagefind_bin` wheel, run directly (`python -m pagefind` costs
    a Python start-up per build)."""
    try:
        from pagefind_bin import get_executable
        return [str(get_executable())]
    except Exception:  # another packaging of Pagefind: its module entry point
        return [sys.executable, "-m", "pagefind"]


def _index(records: list[tuple[str, str]], language: str, out: Path) -> None:
    """Run Pagefind's command line over the records written as files (its Python API answers
    one call per 0.1 s, far too slow for thousands of notes)."""
    source = out.with_name(out.name + ".src")
    shutil.rmtree(source, ignore_errors=True)
    try:
        for url, html in records:
            file = source / url.strip("/") / "index.html" if url.strip("/") else source / "index.html"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(html, encoding="utf-8")
        done = subprocess.run([*pagefind_command(), "--site", str(source), "--output-path", str(out),
                               "--force-language", language.split("-")[0].lower() or "en", "--silent"],
                              capture_output=True, text=True, timeout=1800)
        if done.returncode != 0 or not (out / "pagefind.js").is_file():
            raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or f"exit {done.returncode}")
    finally:
        shutil.rmtree(source, ignore_errors=True)


def build_index(records: list[tuple[str, str]], language: str, cache: Path) -> Path:
    """The folder holding the index for these records: from the cache, or made now."""
    digest = records_digest(records, language)
    folder = cache / "pagefind" / digest
    if (folder / "pagefind.js").is_file():
        return folder
    tmp = folder.with_name(digest + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    _index(records, language, tmp)
    for old in folder.parent.iterdir():  # keep only the index in use
        if old.name != tmp.name:
            shutil.rmtree(old, ignore_errors=True)
    tmp.rename(folder)
    return folder


def emit_search(garden: Garden, theme: Theme) -> Iterator[tuple[str, Path] | Diagnostic]:
    cfg = garden.config
    records = [record(p, cfg.language) for p in garden.pages if searchable(p)]
    if not records:
        return
    if importlib.util.find_spec("pagefind") is None and importlib.util.find_spec("pagefind_bin") is None:
        yield Diagnostic(cfg.source or str(cfg.vault), 0, WARNING, "search is off: Pagefind is not installed",
                         hint="pip install 'pagefind[bin]'", code="search")
        return
    try:
        folder = build_index(records, cfg.language, cfg.cache_dir)
    except Exception as exc:  # the binary failed: the site still builds, without search
        yield Diagnostic(cfg.source or str(cfg.vault), 0, WARNING, f"search is off: Pagefind failed: {exc}",
                         code="search")
        return
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not name.startswith(UNUSED):
            yield INDEX_DIR + name, path
