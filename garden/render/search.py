"""Full-text search: a Pagefind index in `pagefind/`, queried by the theme's own search dialog.

Why Pagefind: its index is split into small chunks, so a search in a garden of
10,000 notes downloads a few hundred kilobytes, not the whole index; it ranks
with per-element weights and filters by tag; it ships as a binary inside the
`pagefind[bin]` wheel, so it runs offline. Its script is loaded only when the
reader opens search.

Each page becomes one small HTML record written for the indexer (not the page
itself): the title weighs most, then aliases, then headings, then the body;
the summary, the title and the tags (with their parents, so #area finds #area/sub)
travel as metadata for the result list, where the dialog filters by tag. (Not as
Pagefind filters: Pagefind writes its filter file in a different order on every run,
and the site must be the same bytes for the same notes.) `static/tags.json` counts
the notes of each tag, for the dialog's tag suggestions. Pagefind re-indexes
everything on each run, so the index is cached under a digest of the records
and rebuilt only when some note's searchable content changed.
"""
from __future__ import annotations

import functools
import hashlib
import json
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


def tag_values(tags: list[str]) -> list[str]:
    """Each tag and its parents (#area finds #area/sub), as in its page's address: tags/<value>/."""
    return sorted({tag_path("/".join(t.split("/")[:i]))[len("tags/"):-1] for t in tags
                   if t.lower() != HOME_TAG for i in range(1, t.count("/") + 2)})


def record(garden: Garden, page: Page, language: str) -> tuple[str, str]:
    """(url, HTML) for the indexer: weighted title, aliases and headings, then the body text."""
    note = page.note
    tags = tag_values(note.tags)
    # The body comes first so that excerpts read as prose; the weighted title, aliases and
    # headings follow (the body text already holds the headings in place, at body weight).
    parts = [f'<html lang="{escape(language)}"><body><main data-pagefind-body>']
    for paragraph in garden.text(note).split("\n"):
        if paragraph.strip():
            parts.append(f"<p>{escape(paragraph)}</p>")
    parts.append(f'<h1 data-pagefind-weight="{WEIGHTS["title"]}" data-pagefind-meta="title">{escape(note.title)}</h1>')
    if note.aliases:
        parts.append(f'<p data-pagefind-weight="{WEIGHTS["alias"]}">{escape(" · ".join(note.aliases))}</p>')
    for h in note.headings:
        parts.append(f'<h2 data-pagefind-weight="{WEIGHTS["heading"]}">{escape(h.text)}</h2>')
    if note.summary:
        parts.append(f'<span data-pagefind-meta="summary" hidden>{escape(note.summary)}</span>')
    if tags:
        parts.append(f'<span data-pagefind-meta="tags" hidden>{escape(",".join(tags))}</span>')
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


def records_digest(pages: list[Page], language: str) -> str:
    """A digest of everything `record` reads, without reading any note's text: a note's
    digest stands for its content, so an unchanged garden reuses its index at once."""
    h = hashlib.sha256(f"pagefind {pagefind_version()} {language}\n".encode())
    for page in pages:
        h.update(f"{page.path}\0{page.note.digest}\0{page.note.title}\0{page.note.summary}\n".encode())
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


def build_index(garden: Garden, pages: list[Page], language: str, cache: Path) -> Path:
    """The folder holding the index of these pages: from the cache, or made now."""
    digest = records_digest(pages, language)
    folder = cache / "pagefind" / digest
    if (folder / "pagefind.js").is_file():
        return folder
    records = [record(garden, p, language) for p in pages]
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
    pages = [p for p in garden.pages if searchable(p)]
    if not pages:
        return
    if importlib.util.find_spec("pagefind") is None and importlib.util.find_spec("pagefind_bin") is None:
        yield Diagnostic(cfg.source or str(cfg.vault), 0, WARNING, "search is off: Pagefind is not installed",
                         hint="pip install 'pagefind[bin]'", code="search")
        return
    try:
        folder = build_index(garden, pages, cfg.language, cfg.cache_dir)
    except Exception as exc:  # the binary failed: the site still builds, without search
        yield Diagnostic(cfg.source or str(cfg.vault), 0, WARNING, f"search is off: Pagefind failed: {exc}",
                         code="search")
        return
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not name.startswith(UNUSED):
            yield INDEX_DIR + name, path
    counts: dict[str, int] = {}
    for page in pages:
        for tag in tag_values(page.note.tags):
            counts[tag] = counts.get(tag, 0) + 1
    yield "static/tags.json", json.dumps(counts, sort_keys=True, ensure_ascii=False).encode()
