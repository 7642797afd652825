"""Atom and RSS feeds of the newest notes, with their summaries.

Feed readers need absolute URLs, so the feeds are written only when
`base_url` is a full address (https://user.github.io/repo/); without it the
build says so once, as a note (not a warning: a site without feeds is fine).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator

from ..config import Config
from ..diagnostics import Diagnostic
from ..resolve import HOME_TAG, Garden, Page
from ..theme import Theme

FEED = "feed.xml"
RSS = "rss.xml"
FEED_SIZE = 30
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
NOTE = "note"  # a diagnostic level that is neither warning nor error


def feeds_enabled(cfg: Config) -> bool:
    return cfg.base_url.lower().startswith(("http://", "https://"))


def no_base_url(cfg: Config, what: str) -> Diagnostic:
    """A base_url that is only a path ("/repo/") places the site but cannot make full addresses."""
    given = f"base_url '{cfg.base_url}' is a path, not a full address" if cfg.base_url else "no base_url set"
    return Diagnostic(cfg.source or str(cfg.vault), 0, NOTE, f"{given}, so {what} not written",
                      hint="set base_url = \"https://…/\" in garden.toml or pass --base-url", code="no-base-url")


def feed_pages(garden: Garden) -> list[Page]:
    """The newest notes first (by created date), leaving out hidden ones and the home page."""
    pages = [p for p in garden.pages if not p.settings.get("hide") and p is not garden.home]
    pages.sort(key=lambda p: (p.dates.created if p.dates else EPOCH, p.path), reverse=True)
    return pages[:FEED_SIZE]


def _iso(when: datetime.datetime | None) -> str:
    return (when or EPOCH).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(garden: Garden) -> bytes:
    from xml.sax.saxutils import escape, quoteattr  # imported here: a build without feeds never needs them
    cfg = garden.config
    pages = feed_pages(garden)
    updated = max((p.dates.updated for p in pages if p.dates), default=EPOCH)
    home, self_url = cfg.absolute_url(""), cfg.absolute_url(FEED)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(cfg.language)}>',
             f"<title>{escape(cfg.title)}</title>"]
    if cfg.description:
        lines.append(f"<subtitle>{escape(cfg.description)}</subtitle>")
    lines += [f"<id>{escape(home)}</id>", f"<link href={quoteattr(home)}/>",
              f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
              f"<updated>{_iso(updated)}</updated>",
              f"<author><name>{escape(cfg.author or cfg.title)}</name></author>",
              "<generator>garden</generator>"]
    for page in pages:
        url = cfg.absolute_url(page.path)
        lines += ["<entry>", f"<title>{escape(page.title)}</title>", f"<id>{escape(url)}</id>",
                  f"<link href={quoteattr(url)}/>",
                  f"<published>{_iso(page.dates.created if page.dates else None)}</published>",
                  f"<updated>{_iso(page.dates.updated if page.dates else None)}</updated>"]
        lines += [f"<category term={quoteattr(t)}/>" for t in page.note.tags if t.lower() != HOME_TAG]
        if page.note.summary:
            lines.append(f'<summary type="text">{escape(page.note.summary)}</summary>')
        lines.append("</entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode()


def rss(garden: Garden) -> bytes:
    from email.utils import format_datetime
    from xml.sax.saxutils import escape, quoteattr
    cfg = garden.config
    pages = feed_pages(garden)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
             f"<title>{escape(cfg.title)}</title>", f"<link>{escape(cfg.absolute_url(''))}</link>",
             f"<description>{escape(cfg.description or cfg.title)}</description>",
             f"<language>{escape(cfg.language)}</language>",
             f'<atom:link href={quoteattr(cfg.absolute_url(RSS))} rel="self" type="application/rss+xml"/>']
    for page in pages:
        url = cfg.absolute_url(page.path)
        lines += ["<item>", f"<title>{escape(page.title)}</title>", f"<link>{escape(url)}</link>",
                  f'<guid isPermaLink="true">{escape(url)}</guid>',
                  f"<pubDate>{format_datetime((page.dates.created if page.dates else EPOCH).astimezone(datetime.timezone.utc), usegmt=True)}</pubDate>"]
        if page.note.summary:
            lines.append(f"<description>{escape(page.note.summary)}</description>")
        lines.append("</item>")
    lines.append("</channel></rss>")
    return ("\n".join(lines) + "\n").encode()


def emit_feeds(garden: Garden, theme: Theme) -> Iterator[tuple[str, bytes] | Diagnostic]:
    if not feeds_enabled(garden.config):
        yield no_base_url(garden.config, "the feeds (feed.xml, rss.xml) and sitemap.xml are")
        return
    yield FEED, atom(garden)
    yield RSS, rss(garden)
