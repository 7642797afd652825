"""`garden build`: load -> parse -> resolve -> render -> write. Read this first."""
from __future__ import annotations

import time
from dataclasses import dataclass

from .cache import NoteCache
from .config import Config, fingerprint
from .diagnostics import Diagnostic, GardenError, Report
from .load import load
from .parallel import pmap
from .parse import parse_note
from .progress import Progress
from .render import emit_404, emit_files, emit_lists, emit_static, render_note
from .render.explorer import emit_explorer
from .render.feeds import emit_feeds
from .render.graph import emit_graph
from .render.search import emit_search
from .render.sitemap import emit_sitemap
from .render.theme import Theme
from .resolve import Garden, resolve
from .write import Output, check_output


@dataclass
class BuildResult:
    notes: int  # markdown files read
    pages: int  # notes published as pages
    files: int  # files in the site
    changed: int  # files written this time
    report: Report
    seconds: float
    garden: Garden | None = None


def build(cfg: Config, *, force: bool = False, progress: Progress | None = None,
          use_cache: bool = True) -> BuildResult:
    started = time.perf_counter()
    progress = progress or Progress(enabled=False)
    report = Report()
    check_output(cfg.out, cfg.vault, force)
    theme = Theme(cfg)

    vault = load(cfg.vault, skip=[cfg.out, cfg.cache_dir], ignore=cfg.ignore, report=report)
    notes = parse_all(vault.sources, cfg, progress, use_cache)
    for note in notes:
        report.extend(note.diagnostics)
    garden = resolve(notes, list(vault.attachments), cfg, report)
    if not garden.pages:
        raise GardenError(nothing_published(cfg, len(notes)), str(cfg.vault))

    output = Output(cfg.out)
    output.begin()
    try:
        write_site(garden, theme, output, report, progress)
        output.commit()
    except BaseException:
        output.abort()
        raise
    return BuildResult(len(notes), len(garden.pages), len(output.new), output.changed, report,
                       time.perf_counter() - started, garden)


def parse_all(sources, cfg: Config, progress: Progress, use_cache: bool):
    """Parse every source, reusing cached notes whose file digest is unchanged."""
    cache = NoteCache(cfg.cache_dir, fingerprint(cfg), enabled=use_cache)
    cached = cache.load()
    notes = [None] * len(sources)
    todo = []
    for i, source in enumerate(sources):
        hit = cached.get(source.rel)
        if hit is not None and hit.digest == source.digest and hit.mtime == source.mtime:
            notes[i] = hit
        else:
            todo.append(i)
    progress.start("reading notes", len(todo))
    fresh = pmap(_parse_one, len(todo), (cfg, [sources[i] for i in todo]), progress)
    for i, note in zip(todo, fresh):
        notes[i] = note
    if todo or len(cached) != len(notes):
        cache.save({n.rel: n for n in notes})
    return notes


def _parse_one(context, i):
    cfg, sources = context
    return parse_note(sources[i], cfg)


def write_site(garden: Garden, theme: Theme, output: Output, report: Report, progress: Progress) -> None:
    progress.start("writing pages", len(garden.pages))
    results = pmap(_render_one, len(garden.pages), (garden, theme, output), progress)
    for page, (key, changed, diagnostics) in zip(garden.pages, results):
        output.note(_page_file(page.path), key, changed)
        report.extend(diagnostics)
    for emitter in EMITTERS:
        for item in emitter(garden, theme):
            if isinstance(item, Diagnostic):  # an emitter may report a problem instead of a file
                report.add(item)
                continue
            site_path, content = item
            if isinstance(content, (bytes, bytearray)):
                output.write(site_path, content)
            else:
                output.copy(site_path, content)


# Garden-wide outputs, each a function (garden, theme) -> iterable of (site path, bytes | Path)
# (or a Diagnostic, reported instead of a file).
EMITTERS = [emit_lists, emit_404, emit_static, emit_files,
            emit_explorer, emit_graph, emit_feeds, emit_sitemap, emit_search]


def _page_file(path: str) -> str:
    return path + "index.html"


def _render_one(context, i):
    garden, theme, output = context
    page = garden.pages[i]
    html, diagnostics = render_note(garden, theme, page)
    key, changed = output.stage(_page_file(page.path), html)
    return key, changed, diagnostics


def nothing_published(cfg: Config, count: int) -> str:
    if cfg.publish == "flagged":
        return (f"no note is marked for publishing ({count} notes read). Add `dg-publish: true` "
                "(or `publish: true`) to the frontmatter of the notes you want on the site, "
                "or build every note with --publish all")
    return f"no note to publish: all {count} notes are marked dg-publish/publish: false or draft: true"
