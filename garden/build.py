"""`garden build`: load -> parse -> resolve -> render -> write. Read this first."""
from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from . import plural
from .cache import Bodies, Cache, Index, State, code_version
from .config import Config, fingerprint
from .dates import git_head
from .diagnostics import ERROR, Diagnostic, GardenError, Report
from .load import UnreadableText, Vault, load, prefetch
from .model import Note
from .parallel import PARALLEL_MIN, Ahead, WorkerLost, beside, can_fork, pmap
from .progress import Progress
from .theme import Theme
from .write import Output, check_output, digest

# The parse, resolve and render stages are imported where a build reaches them: a build
# that finds the site current needs none of them, and importing them (the Markdown parser,
# YAML, Jinja and their plugins) was a third of its time.
if TYPE_CHECKING:
    from .render import Deferred, KeyBasis
    from .resolve import Garden


# commit(report, output.commit) -> the written files, or None to keep the previous site.
Commit = Callable[[Report, Callable[[], list[str]]], "list[str] | None"]


@dataclass
class BuildResult:
    notes: int  # markdown files read
    pages: int  # notes published as pages
    files: int  # files in the site
    changed: int  # files written this time
    report: Report
    seconds: float
    garden: Garden | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    written: list[str] | None = None  # site files moved into place or removed; None: not committed
    theme: Theme | None = None  # the theme the site was rendered with


def build(cfg: Config, *, force: bool = False, progress: Progress | None = None,
          use_cache: bool = True, session: dict | None = None, commit: Commit | None = None,
          stale: frozenset = frozenset()) -> BuildResult:
    """Build the site into `cfg.out`.

    `session`, a dict kept between calls, holds the cache in memory (see cache.Cache)
    so a long-running process rebuilds without reloading it. `commit`, when given,
    decides whether and how the staged site goes live: it is called as
    `commit(report, output.commit)` and returns what `output.commit()` returned, or None
    to keep the previous site (`garden serve` swaps under a lock its requests wait on,
    and holds back a rebuild that broke a note). `stale`: site files written since the
    last build (serve's previews), checked again whatever the manifest says.
    """
    with _no_gc():
        return _build(cfg, force, progress, use_cache, session, commit, stale)


@contextmanager
def _no_gc():
    """Python's cycle collector walks every object it tracks, again and again, while a build
    creates hundreds of thousands of small ones (notes, links, targets) and no cycles worth
    collecting: off during a build, it costs less than half the time it takes otherwise."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build(cfg: Config, force: bool, progress: Progress | None, use_cache: bool, session: dict | None,
           commit: Commit | None, stale: frozenset) -> BuildResult:
    started = time.perf_counter()
    progress = progress or Progress(enabled=False)
    report = Report()
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str):
        t = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - t

    check_output(cfg.out, cfg.vault, force, cfg.out_chosen)
    cache = Cache(cfg.cache_dir, fingerprint(cfg), enabled=use_cache, session=session)
    theme = Theme(cfg, cache.folder / "templates" if cache.enabled else None)
    index = cache.load_index()
    cache.prepare()
    with stage("load"):  # the cache's state included, when it loads beside the scout
        found, state = _look(cfg, index, theme, cache, stale)
    report.extend(found.diagnostics)
    vault = found.vault
    if use_cache and found.current(index, stale):
        report.extend(index.diagnostics)  # nothing changed since the last build: the site is current
        return BuildResult(index.notes, index.pages, found.files, 0, report,
                           time.perf_counter() - started, None, timings, [])
    from .resolve import resolve
    with stage("parse"):
        notes, state = parse_vault(cfg, vault, cache, report, progress, state, found.parsed)
    with stage("resolve"):
        garden = resolve(notes, list(vault.attachments), cfg, report, state.resolutions, state.history, state.shape)
    if not garden.pages:
        raise GardenError(nothing_published(cfg, len(notes)), str(cfg.vault))
    garden.bodies = cache.bodies

    output = Output(cfg.out, stale, found.gone)
    output.begin()
    try:
        with stage("render"):
            rendered, basis = write_site(garden, theme, output, report, progress, state)
        with stage("write"):
            written = output.commit() if commit is None else commit(report, output.commit)
        if written is None:
            output.abort()
    except BaseException:
        output.abort()
        raise
    if written is not None:  # a held-back site must not look current to the next build
        cache.save(Index(file_stats(vault, notes), found.inputs, report.items, len(garden.pages), len(notes)),
                   state.after({n.rel: n for n in notes}, rendered, garden.resolutions, _history(garden),
                               garden.shape, basis))
    return BuildResult(len(notes), len(garden.pages), len(output.new), output.changed, report,
                       time.perf_counter() - started, garden, timings, written, theme)


def read_garden(cfg: Config, report: Report, progress: Progress | None = None,
                use_cache: bool = True) -> tuple[Garden, list]:
    """load -> parse -> resolve: the garden as it will be published, its problems added to
    `report`. What `garden check` runs; writes nothing but the parse cache."""
    from .resolve import resolve
    cache = Cache(cfg.cache_dir, fingerprint(cfg), enabled=use_cache)
    cache.prepare()
    vault = load_vault(cfg, report, cache.load_index())
    notes, state = parse_vault(cfg, vault, cache, report, progress or Progress(enabled=False))
    garden = resolve(notes, list(vault.attachments), cfg, report, state.resolutions, state.history, state.shape)
    garden.bodies = cache.bodies
    # No input fingerprint: the site was not built, so the next build must not skip its work.
    # No key basis either: the notes saved here are not those the site's pages were made from.
    cache.save(Index(file_stats(vault, notes), "", []), state.after({n.rel: n for n in notes}, state.pages, garden.resolutions,
                                                           _history(garden), garden.shape, None))
    return garden, notes


def _history(garden: Garden) -> tuple | None:
    """The git dates to keep for the next build (none for a shallow clone: see dates.git_history)."""
    return (garden.history_at, garden.history) if garden.history_at else None


def load_vault(cfg: Config, report: Report, index: Index):
    return load(cfg.vault, skip=[cfg.out, cfg.cache_dir], ignore=cfg.ignore, report=report,
                known=index.files, mounts=cfg.mount_folders())


SCOUT_PARSE = 16  # notes a scout parses, at most: more are parsed once the state has loaded


class Scouted(NamedTuple):
    """What a build finds before it needs the cache's state (see _scout)."""
    diagnostics: list  # the problems found on the way (walking the vault)
    vault: Vault
    inputs: str  # the fingerprint of every input (see input_fingerprint)
    gone: set[str]  # the files the last build wrote that the site no longer has
    intact: bool  # whether the site holds every file the last build wrote, as it wrote it
    files: int  # the files the last build wrote
    parsed: dict[str, Note]  # the notes that changed, parsed, if `_scout` was asked to and few did

    def current(self, index: Index, stale: frozenset) -> bool:
        """Whether the site is as this garden builds it: nothing read changed since the build
        that wrote it, nothing of it is gone, and no preview wrote over it."""
        return self.inputs == index.inputs and self.intact and not stale


def _scout(cfg: Config, index: Index, theme: Theme, bodies: Bodies, parse: bool = False) -> Scouted:
    """What a build finds before it needs the cache's state; `parse`: parse the notes that
    changed, if they are few."""
    report = Report()
    vault = load_vault(cfg, report, index)
    inputs = input_fingerprint(cfg, theme, vault)
    site = Output(cfg.out)
    gone = site.gone()
    parsed = {}
    if parse and inputs != index.inputs:
        known = index.files
        changed = [s for s in vault.sources if not s.digest or known.get(s.rel, ("", "", ""))[2] != s.digest]
        if len(changed) <= SCOUT_PARSE:
            parsed = {s.rel: _parse_one((cfg, changed, bodies), i) for i, s in enumerate(changed)}
    return Scouted(report.items, vault, inputs, gone, site.intact(), len(site.old), parsed)


def _look(cfg: Config, index: Index, theme: Theme, cache: Cache, stale: frozenset) -> tuple[Scouted, State | None]:
    """What the scout finds and, in a rebuild, the cache's state, loaded here while a helper
    scouts (it walks the vault, looks for site files gone and parses the few notes that
    changed); None when the helper found the site current first, and the state stopped
    loading. A scout whose helper died is done here: it only reads, and a body it left half
    written in its pack is never read."""
    if not (cache.enabled and index.files and cache.session is None and can_fork()):
        return _scout(cfg, index, theme, cache.bodies), None
    found = None
    with Ahead(lambda: _scout(cfg, index, theme, cache.bodies, parse=True)) as scout:
        def take() -> Scouted:
            try:
                return scout.result()
            except WorkerLost:
                return _scout(cfg, index, theme, cache.bodies, parse=True)

        def site_current() -> bool:  # takes the scout's findings once they are in
            nonlocal found
            if found is None and scout.ready():
                found = take()
            return found is not None and found.current(index, stale)
        state = cache.load_state(stop=site_current)
        return found or take(), state


def parse_vault(cfg: Config, vault, cache: Cache, report: Report, progress: Progress,
                state: State | None = None, parsed: dict[str, Note] | None = None):
    """Every note of the vault, parsed or taken from the cache (whose state is loaded unless
    given), those in `parsed` already parsed; the cache's last state."""
    if state is None:
        state = cache.load_state()
    notes = parse_all(vault.sources, cfg, state, cache.bodies, progress, parsed)
    for note in notes:
        report.extend(note.diagnostics)
    return [n for n in notes if n.digest], state  # a file that could not be read is no note


def file_stats(vault, notes: list[Note]) -> dict[str, tuple[int, int, str]]:
    """Each note's file as the next build's load compares it: (size, mtime_ns, digest)."""
    sources = {s.rel: s for s in vault.sources}
    return {n.rel: (sources[n.rel].size, sources[n.rel].mtime_ns, n.digest) for n in notes}


def input_fingerprint(cfg: Config, theme: Theme, vault) -> str:
    """Everything a build reads, by name, size and mtime, and where the git history the dates
    come from stands: equal means the site is current."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{fingerprint(cfg)}\0{theme.fingerprint}\0{code_version()}\0{cfg.out}\0{git_head(cfg.vault)}\0".encode())
    for s in vault.sources:
        h.update(f"{s.rel}\0{s.size}\0{s.mtime_ns}\n".encode())
    for a in vault.attachments.values():
        h.update(f"{a.rel}\0{a.size}\0{a.mtime_ns}\n".encode())
    return h.hexdigest()


def parse_all(sources, cfg: Config, state: State, bodies: Bodies, progress: Progress,
              parsed: dict[str, Note] | None = None):
    """Parse every source, reusing the last build's notes whose file digest is unchanged and
    those `parsed` holds (parsed from these very sources)."""
    notes = [None] * len(sources)
    todo = []
    parsed = parsed or {}
    for i, source in enumerate(sources):
        hit = state.notes.get(source.rel)
        if hit is not None and source.digest and hit.digest == source.digest:
            hit.mtime = source.mtime
            notes[i] = hit
        elif source.rel in parsed:
            notes[i] = parsed[source.rel]
        else:
            todo.append(i)
    progress.start("reading notes", len(todo))
    unread = [sources[i] for i in todo]
    prefetch(unread)
    fresh = pmap(_parse_one, len(todo), (cfg, unread, bodies), progress)
    for i, note in zip(todo, fresh):
        notes[i] = note
    return notes


def _parse_one(context, i):
    from .parse import parse_note
    cfg, sources, bodies = context
    source = sources[i]
    try:
        source = source.read()
    except (OSError, UnreadableText) as exc:  # changed or removed since load read it
        line, message, code = (exc.line, str(exc), "encoding") if isinstance(exc, UnreadableText) \
            else (0, f"cannot read file: {exc.strerror}", "io")
        # No digest: whatever the file holds next time is parsed again, never taken from the cache.
        return Note(source.rel, "", source.mtime, {}, False, diagnostics=[
            Diagnostic(source.rel, line, ERROR, message + "; the note is skipped", code=code)])
    return bodies.stash(parse_note(source, cfg))


def write_site(garden: Garden, theme: Theme, output: Output, report: Report, progress: Progress,
               state: State) -> tuple[dict[str, list], KeyBasis]:
    """Render the pages whose inputs changed, then every garden-wide output; both across cores.

    Returns each page's render-time diagnostics, so a page that is not rendered
    again still reports its problems, and what its page keys were made from (render.KeyBasis),
    for the next build.
    """
    from .render import card_table, changed_notes, common_key, keep_cards, key_basis, list_entries, stale_pages
    common = common_key(theme, garden.config)
    basis = key_basis(garden, common)
    changed = changed_notes(garden, basis, state.keys, state.resolutions)
    stale = None if changed is None else stale_pages(garden, basis, state.keys, changed, state.resolutions)
    # A page nothing it reads changed for keeps the key the last build made (which the site's
    # manifest may or may not hold, see Output.unchanged); the others' keys are made on both
    # cores (on one, all of them took a third of a one-note rebuild). So do the lists'
    # entries; a build without the last ones leaves them to emit_lists, on the other core.
    last = state.keys.keys if stale is not None else {}
    if changed is not None:
        keep_cards(garden, state.keys.cards, changed)
        basis.lists = list_entries(garden, state.keys.lists, changed)

    def pages() -> dict[str, list]:
        """Each page rendered, or kept where nothing it reads changed: its diagnostics."""
        keys = [key if (key := last.get(p.path)) and p.note.rel not in stale else None for p in garden.pages]
        unkeyed = [i for i, key in enumerate(keys) if key is None]
        for i, key in zip(unkeyed, pmap(_key_of, len(unkeyed), (garden, common, unkeyed))):
            keys[i] = key
        basis.keys = {p.path: key for p, key in zip(garden.pages, keys)}
        basis.cards = card_table(garden)
        previous = state.pages
        todo = []
        diagnostics: dict[str, list] = {}
        for i, page in enumerate(garden.pages):
            path = _page_file(page.path)
            if output.unchanged(path, keys[i]) and page.path in previous:
                output.note(path, keys[i], False)
                diagnostics[page.path] = previous[page.path]
            else:
                todo.append(i)
        progress.start("writing pages", len(todo))
        results = pmap(_render_one, len(todo), (garden, theme, output, todo, keys), progress)
        for i, (changed, found) in zip(todo, results):
            page = garden.pages[i]
            output.note(_page_file(page.path), keys[i], changed)
            diagnostics[page.path] = found
        return diagnostics

    # The garden-wide outputs on both cores: the search index here, where it may spread its
    # own work across cores (a helper may not start helpers); the others beside it in a
    # helper. Each side stages what changed; this process records it. A build with many pages
    # to key and render does so across cores first; one with a few (a rebuild after a few
    # edits) starts the helper at once, as nothing the other outputs read is made by
    # rendering pages.
    from .render.search import emit_search
    others = [e for e in emitters() if e is not emit_search]
    few = stale is not None and len(stale) < PARALLEL_MIN

    def search() -> list:
        return _emit(garden, theme, output, [emit_search])

    if few:
        theirs, (diagnostics, mine) = beside(lambda: _emit(garden, theme, output, others),
                                             lambda: (pages(), search()))
    else:
        diagnostics = pages()
        theirs, mine = beside(lambda: _emit(garden, theme, output, others), search)
    for found in diagnostics.values():
        report.extend(found)
    for item in theirs + mine:
        if isinstance(item, Diagnostic):  # an emitter may report a problem instead of a file
            report.add(item)
        else:
            output.note(*item)
    return diagnostics, basis


def emitters() -> list:
    """The garden-wide outputs, each a function (garden, theme) -> iterable of (site path,
    bytes | Path | Deferred), or a Diagnostic reported instead of a file."""
    from .render import emit_404, emit_files, emit_lists, emit_static
    from .render.explorer import emit_explorer
    from .render.feeds import emit_feeds
    from .render.graph import emit_graph
    from .render.search import emit_search
    from .render.sitemap import emit_sitemap
    return [emit_lists, emit_404, emit_static, emit_files,
            emit_explorer, emit_graph, emit_feeds, emit_sitemap, emit_search]


def _page_file(path: str) -> str:
    return path + "index.html"


def _key_of(context, n) -> str:
    from .render import page_key
    garden, common, todo = context
    return page_key(garden, garden.pages[todo[n]], common)


def _render_one(context, n):
    from .render import render_note
    garden, theme, output, todo, keys = context
    page = garden.pages[todo[n]]
    html, diagnostics = render_note(garden, theme, page)
    changed = output.stage(_page_file(page.path), html, keys[todo[n]])
    return changed, diagnostics


def _emit(garden: Garden, theme: Theme, output: Output, emitters: list) -> list:
    """Run these emitters, staging each output whose key changed: [(site path, key, staged)
    or a Diagnostic], for the main process to record (in a helper, or in this process)."""
    from .render import Deferred
    done: list = []
    for emitter in emitters:
        for item in emitter(garden, theme):
            if isinstance(item, Diagnostic):
                done.append(item)
                continue
            site_path, content = item
            if isinstance(content, Deferred):
                key = content.key
                staged = not output.unchanged(site_path, key) and output.stage(site_path, content.make(), key)
            elif isinstance(content, (bytes, bytearray)):
                key = digest(content)
                staged = output.stage(site_path, content, key)
            else:
                key, staged = output.stage_copy(site_path, content)
            done.append((site_path, key, staged))
    return done


def nothing_published(cfg: Config, count: int) -> str:
    if cfg.publish == "flagged":
        return (f"no note is marked for publishing ({plural.count(count, 'note')} read). Add `dg-publish: true` "
                "(or `publish: true`) to the frontmatter of the notes you want on the site, "
                "or build every note with --publish all")
    if count == 1:
        return "no note to publish: the one note is marked dg-publish/publish: false or draft: true"
    return f"no note to publish: all {count} notes are marked dg-publish/publish: false or draft: true"
