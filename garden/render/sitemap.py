"""`sitemap.xml` (every page with its last-modified date) and `robots.txt`.

A sitemap must list absolute URLs, so, like the feeds, it is written only when
`base_url` is a full address (feeds.py reports its absence once for both).
robots.txt is always written; it names the sitemap when there is one.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator

from ..resolve import Garden
from .feeds import feeds_enabled
from ..theme import Theme

SITEMAP = "sitemap.xml"


def _day(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).date().isoformat()


def sitemap_entries(garden: Garden) -> list[tuple[str, str]]:
    """(site path, lastmod) for every note page, the home page, and tag and folder pages
    (whose date is that of their newest note)."""
    entries: dict[str, str] = {}
    for page in garden.pages:
        entries[page.path] = _day(page.dates.updated) if page.dates else ""
    newest = max((e for e in entries.values() if e), default="")
    entries.setdefault("", newest)
    entries.setdefault("tags/", newest)
    listings = [(t.path, t.pages) for t in garden.tags.values()] + list(garden.folders.items())
    for path, pages in listings:
        if path not in entries:
            entries[path] = max((_day(p.dates.updated) for p in pages if p.dates), default=newest)
    return sorted(entries.items())


def emit_sitemap(garden: Garden, theme: Theme) -> Iterator[tuple[str, bytes]]:
    cfg = garden.config
    robots = ["User-agent: *", "Allow: /"]
    if feeds_enabled(cfg):
        from xml.sax.saxutils import escape  # imported here: most builds without a base_url never need it
        lines = ['<?xml version="1.0" encoding="utf-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        for path, lastmod in sitemap_entries(garden):
            lines.append(f"<url><loc>{escape(cfg.absolute_url(path))}</loc>"
                         + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>")
        lines.append("</urlset>")
        yield SITEMAP, ("\n".join(lines) + "\n").encode()
        robots.append(f"Sitemap: {cfg.absolute_url(SITEMAP)}")
    yield "robots.txt", ("\n".join(robots) + "\n").encode()
