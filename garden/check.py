"""`garden check`: find every problem in a garden without writing the site.

Runs the same load -> parse -> resolve as `garden build` (see build.read_garden), so
it reports exactly what a build would: broken links and embeds, ambiguous links,
links to unpublished notes, missing attachments, duplicate and unsafe permalinks,
frontmatter errors, embed cycles, unreadable files. On top of that it lists orphan
notes (published, but no other page links to them) as notices, which never fail a check.

Nothing is written except the parse cache (the same one `garden build` uses, so a
check makes the next build faster; `--no-cache` avoids it): the output folder is
never created or touched.
"""
from __future__ import annotations

import json
import sys
from dataclasses import replace

from .cli import add_source_arguments, relative
from .diagnostics import ERROR, WARNING, Diagnostic, GardenError, Report
from .plural import count

NOTICE = "notice"  # worth a look, never a failure (not even with --strict)


def add_arguments(p) -> None:
    add_source_arguments(p)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too, not only on errors")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text: one `path:line: level: message` per finding (default); json: for CI")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write .garden-cache/")


def run(args) -> int:
    from .build import nothing_published, read_garden
    from .config import load_config

    if not args.source.is_dir():
        sys.stderr.write(f"garden: error: {args.source} is not a folder\n")
        return 2
    report = Report()
    notes, pages, base = 0, 0, None
    try:
        cfg = load_config(args.source, out=args.out, base_url=args.base_url, publish=args.publish)
        base = cfg.vault
        garden, parsed = read_garden(cfg, report, use_cache=not args.no_cache)
    except GardenError as exc:  # the garden cannot be read at all (bad garden.toml, ...)
        if args.format != "json":
            raise
        report.add(replace(exc.diagnostic, code=exc.diagnostic.code or "garden"))
    else:
        notes, pages = len(parsed), len(garden.pages)
        if not garden.pages:
            report.error(str(cfg.vault), 0, nothing_published(cfg, notes), code="nothing-published")
        for d in orphans(garden):
            report.add(d)

    found = [relative(d, base) for d in report.sorted()]
    counts = {level: sum(d.level == level for d in found) for level in (ERROR, WARNING, NOTICE)}
    failed = bool(counts[ERROR] or (args.strict and counts[WARNING]))
    if args.format == "json":
        json.dump({"ok": not failed, "notes": notes, "pages": pages, "errors": counts[ERROR],
                   "warnings": counts[WARNING], "notices": counts[NOTICE],
                   "diagnostics": [d.to_json() for d in found]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for d in found:
            sys.stdout.write(d.format() + "\n")
        sys.stdout.write(f"garden check: {count(notes, 'note')} read, {pages} to publish: "
                         f"{count(counts[ERROR], 'error')}, {count(counts[WARNING], 'warning')}, "
                         f"{count(counts[NOTICE], 'notice')}"
                         f"{' (failing: --strict)' if failed and not counts[ERROR] else ''}\n")
    return 1 if failed else 0


def orphans(garden) -> list[Diagnostic]:
    """Published notes no other page links to or embeds (the home page is never an orphan)."""
    return [Diagnostic(page.note.rel, 0, NOTICE, "orphan note: no other page links to it", code="orphan")
            for page in garden.pages
            if page is not garden.home and not garden.backlinks.get(page.note.rel)]
