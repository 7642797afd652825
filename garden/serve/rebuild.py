"""One build per batch of changes, through the ordinary pipeline (`garden.build.build`).

The pipeline already reuses parsed notes by file digest, writes only files whose
bytes changed and stages the site before swapping it in; whatever else it learns
to skip, serve gains for free. This module adds what a long-running session needs:

- a config change reads garden.toml again first (a theme or content change just rebuilds);
- the swap happens under the server's lock, so no request sees half of it;
- a rebuild that reports an error the live site did not have (a note saved with
  broken frontmatter, say) is held back: the last good site stays live and the
  error is shown over the page and on the terminal until a save fixes it. Errors
  the garden already had when serving began do not hold anything back.
- warnings that always mean a note is broken (an embed cycle) are shown over the
  page too, without holding the site back; a link to a note not written yet is
  ordinary in a garden, so other warnings go to the terminal only.
- a rebuild that cannot finish at all (bad config, template error, a bug) keeps
  the server up the same way;
- before the rebuild, a saved note's own page goes live at once (preview.py), and
  an open page reloads only when its own file changed (or the theme, or a file
  that pages show as they load, such as an image).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..build import BuildResult, build
from ..cache import Cache
from ..cli import print_diagnostics, relative
from ..config import Config, fingerprint, load_config
from ..diagnostics import Diagnostic, GardenError
from ..plural import count
from ..preview import preview
from ..progress import Progress
from ..theme import Theme
from ..write import Output
from .livereload import LiveState
from .watcher import Changes, Targets


OVERLAID_WARNINGS = {"embed-cycle"}  # codes of warnings shown over the page


def _key(d: Diagnostic) -> tuple[str, str]:
    return d.path, d.message  # not the line: editing above an old error moves it


class Rebuilder:
    def __init__(self, source: Path, overrides: dict, stream=None):
        self.source, self.overrides = source, overrides
        self.stream = stream or sys.stderr
        self.cfg: Config = load_config(source, **overrides)
        self.state = LiveState(self.cfg.out, self.cfg.base_path)
        self.live = False  # a build of this session is being served
        self.accepted: set[tuple[str, str]] = set()  # the errors of the live site
        self.warned: set[Diagnostic] = set()
        self.behind = False  # changes since the live build did not go live (held back or failed)
        self.session: dict = {}  # the build cache, kept in memory between rebuilds
        self.last: BuildResult | None = None  # the live build, whose garden previews are rendered in
        self.previewed: dict[str, tuple[float, bytes]] = {}  # site file -> (when, bytes) of previews gone live
        self.reshapes = self.reshaped = 0  # config/theme batches seen, and rebuilt: previews wait between

    def flush(self) -> None:
        """Write the in-memory cache to disk, so the next `garden build` or serve starts warm;
        pages a rebuild never confirmed after their preview are checked by the next build."""
        Cache(self.cfg.cache_dir, fingerprint(self.cfg), session=self.session).flush()
        if self.previewed:
            Output(self.cfg.out).forget(list(self.previewed))

    def targets(self) -> Targets:
        try:
            folders = Theme(self.cfg).folders
        except GardenError:  # an unknown theme: reported by the build; watch what exists
            folders = [f for f in (self.cfg.root / "theme", self.cfg.root / "themes") if f.is_dir()]
        return Targets.of(self.cfg, folders)

    def reconfigure(self, changes: Changes) -> bool:
        """Read garden.toml again; False (and the error reported) when it is broken."""
        try:
            self.cfg = load_config(self.source, **self.overrides)
            return True
        except GardenError as exc:
            self._failed(exc.diagnostic, changes)
            return False

    def rebuild(self, changes: Changes | None = None) -> BuildResult | None:
        """Build once; the first build (no `changes`) goes live even when it reports errors."""
        started = time.perf_counter()
        first = changes is None
        css_only = bool(changes) and changes.only_css and not self.behind
        with self.state.swap_lock:
            began, stale = time.monotonic(), frozenset(self.previewed)

        def commit(report, swap):
            errors = {_key(d) for d in report.errors}
            if self.live and not errors <= self.accepted:
                self.behind = True
                return None
            with self.state.swap_lock:
                written = swap()
                self._keep_previews(began, written)
                if written or not self.live:
                    self.state.went_live(self.cfg.out, self.cfg.base_path, css_only, written)
            self.live, self.accepted, self.behind = True, errors, False
            return written

        try:
            result = build(self.cfg, progress=Progress(enabled=None if first else False), commit=commit,
                           session=self.session, stale=stale)
        except GardenError as exc:
            return self._failed(exc.diagnostic, changes)
        except Exception as exc:  # a bug in garden must not stop the server either
            where = exc.__traceback__
            while where.tb_next:
                where = where.tb_next
            return self._failed(Diagnostic(
                "garden", 0, "error", f"internal error: {type(exc).__name__}: {exc} "
                f"(at {Path(where.tb_frame.f_code.co_filename).name}:{where.tb_lineno})",
                "this is a bug in garden, not in your notes; please report it"), changes)
        self._report(result, changes, time.perf_counter() - started)
        self.reshaped += changes.reshapes if changes else 0
        if result.written is not None and result.garden is not None:
            result.garden.memo.clear()
            self.last = result
        return result

    def preview(self, changes: Changes) -> None:
        """One saved note: its own page goes live now, the rest with the rebuild (see preview.py).
        Called as the save is seen, even while a rebuild runs (the session's watching thread);
        not while a config or theme change waits for its rebuild, which may change every page."""
        if changes.theme or changes.config:
            changes.reshapes = 1
            self.reshapes += 1
            return
        last = self.last
        if last is None or self.behind or self.reshapes != self.reshaped or len(changes.content) != 1:
            return
        cfg = last.garden.config
        path = Path(next(iter(changes.content)))
        try:
            found = preview(last.garden, last.theme, path) if path.suffix.lower() == ".md" else None
            if found is None:
                return
            target = cfg.out / found[0]
            if target.read_bytes() == found[1]:
                return
            with self.state.swap_lock:
                _replace(target, found[1])
                self.previewed[found[0]] = (time.monotonic(), found[1])
                self.state.went_live(cfg.out, cfg.base_path, False, [found[0]])
        except Exception:  # whatever went wrong, the rebuild that follows reports it
            return
        self.state.notify()

    def _keep_previews(self, began: float, written: list[str]) -> None:
        """A rebuild that began before a save must not put the page of the save before back:
        previews newer than the build stay, and the next rebuild checks them (`stale`)."""
        for site_file, (when, data) in list(self.previewed.items()):
            if when <= began:
                del self.previewed[site_file]  # this build read that save
            elif site_file in written and (self.cfg.out / site_file).is_file():  # not if it was removed
                try:
                    _replace(self.cfg.out / site_file, data)
                except OSError:
                    pass

    def _report(self, result: BuildResult, changes: Changes | None, seconds: float) -> None:
        report, cfg = result.report, self.cfg
        shown = [d for d in report.sorted() if d.level == "error" or d not in self.warned]
        self.warned = set(report.warnings)
        print_diagnostics(shown, cfg.vault, self.stream)
        held_back = result.written is None
        errors = [_view(relative(d, cfg.vault)) for d in report.sorted() if d.level == "error"]
        overlaid = [_view(relative(d, cfg.vault)) for d in report.sorted()
                    if d.level == "warning" and d.code in OVERLAID_WARNINGS]
        self.state.publish(errors, held_back, overlaid)
        n_errors, n_warnings = len(report.errors), len(report.warnings)
        counts = f"{count(n_warnings, 'warning')}, {count(n_errors, 'error')}"
        if changes is None:
            self._say(f"{count(result.notes, 'note')} read, {count(result.pages, 'page')} published, {counts} "
                      f"in {seconds:.2f} s")
        elif held_back:
            self._say(f"{changes.describe(cfg.root)}: the rebuild reported new errors; "
                      "still serving the last good site until they are fixed")
        else:
            self._say(f"{changes.describe(cfg.root)}: rebuilt in {seconds:.2f} s, "
                      f"{count(len(result.written), 'file')} updated, {counts}")

    def _failed(self, diagnostic: Diagnostic, changes: Changes | None) -> None:
        self.behind = True
        self.reshaped += changes.reshapes if changes else 0  # that change was handled, if badly
        shown = relative(diagnostic, None if diagnostic.path == "garden" else self.cfg.vault)
        self.stream.write(shown.format() + "\n")
        what = changes.describe(self.cfg.root) + ": " if changes else ""
        self._say(f"{what}the site could not be built; " + ("still serving the last good site" if self.live
                                                            else "it is built at the first save that fixes this"))
        self.state.publish([_view(shown)], held_back=self.live, warnings=self.state.warnings)
        return None

    def _say(self, text: str) -> None:
        self.stream.write(f"garden: {text}\n")
        self.stream.flush()


def _replace(target: Path, data: bytes) -> None:
    tmp = target.with_name(target.name + ".preview.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _view(d: Diagnostic) -> dict:
    """An error as the overlay and /__garden__/status show it."""
    return {"where": f"{d.path}:{d.line}" if d.line else d.path, "path": d.path, "line": d.line,
            "message": d.message, "hint": d.hint, "code": d.code}
