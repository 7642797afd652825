"""A saved note's own page, rendered at once against the last build's garden.

`garden serve` shows it while the rebuild that follows does everything else:
at 10,000 notes a rebuild takes seconds, nearly all of them spent on what the
saved note's page does not show (listings, the graph, the search index, the
state of the cache). The page alone takes milliseconds: the note is parsed
again, its links resolved against the last build's garden, and it is rendered
as the rebuild will render it, so the rebuild then finds the page's bytes
unchanged.

Only for an edit that leaves the garden's shape as it was: the note was and
stays published, with the same frontmatter, title, tags and aliases, the same
embeds, no listing of its own and no error. Anything else returns None, and
the rebuild alone shows the change.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .dates import note_dates
from .load import Source
from .parse import parse_note
from .paths import page_file
from .render import render_note
from .theme import Theme
from .resolve import Garden, Page, resolve_links


def preview(garden: Garden, theme: Theme, path: Path) -> tuple[str, bytes] | None:
    """(site file, page bytes) for the note at `path` as saved now, or None (see above)."""
    cfg = garden.config
    try:
        rel = path.resolve().relative_to(cfg.vault.resolve()).as_posix()
        source = Source(rel, str(path), None, "", path.stat().st_mtime).read()
    except (OSError, ValueError):  # gone, outside the vault, or not UTF-8: the build will say
        return None
    old = garden.by_rel.get(rel)
    if old is None or garden.listing(old.path):
        return None
    note = parse_note(source, cfg)
    was = old.note
    if (not note.published or any(d.level == "error" for d in note.diagnostics)
            or (note.meta, note.title, note.tags, note.aliases, note.permalink)
            != (was.meta, was.title, was.tags, was.aliases, was.permalink)
            or _embeds(note) != _embeds(was) or note.embeds != was.embeds):  # embed cycles stay as found
        return None
    page = Page(note, old.path, old.tree, note_dates(note.meta, rel, source.mtime, garden.history), old.settings)
    targets = list(resolve_links(garden, page))
    cycles = [t.cycle for link, t in zip(was.links, garden.targets.get(rel, ())) if link.kind == "embed"]
    embeds = [i for i, link in enumerate(note.links) if link.kind == "embed"]
    for i, cycle in zip(embeds, cycles):  # the same embeds: the last build found their cycles
        targets[i] = targets[i]._replace(cycle=cycle)
    seen = dataclasses.replace(garden, by_rel={**garden.by_rel, rel: page}, targets=garden.targets.but(rel, tuple(targets)),
                               memo={})
    html, _ = render_note(seen, theme, page)
    return page_file(page.path), html


def _embeds(note) -> list[tuple[str, str]]:
    return [(link.target, link.fragment) for link in note.links if link.kind == "embed"]
