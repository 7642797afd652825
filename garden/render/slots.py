"""Fill a note's link slots for the page its HTML is written into.

Links become relative `<a href>`s (so the site works under any base path),
broken links become plain text with a class, embeds pull in the target note's
HTML (or one section or block of it), with their own slots filled in turn.
Resolve marks the embeds that lie on a cycle (resolve/embeds.py); such an embed is
expanded until it would repeat a note already being shown, and is a link there.
Embeds nested deeper than MAX_DEPTH are links too, and so is any beyond MAX_EMBEDS
in one page (a few notes embedding each other many times over would otherwise
multiply into an enormous page).
"""
from __future__ import annotations

import posixpath
import re

from markupsafe import escape

from ..diagnostics import Diagnostic
from ..markdown.slots import SLOT_RE
from ..markdown.wikilinks import AUDIO, IMAGE, VIDEO
from ..model import Link, Note
from ..paths import relative_url

MAX_DEPTH = 5
MAX_EMBEDS = 1000  # note embeds expanded in one page
_SIZE = re.compile(r"^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$")


class Filler:
    """Fills slots for one output page; `diagnostics` holds any problem found while filling."""

    def __init__(self, garden, page_path: str):
        self.garden = garden
        self.page_path = page_path
        self.diagnostics: list[Diagnostic] = []
        self.extras: dict = {}  # Note.extras of every note embedded in the page (mermaid, ...)
        self.embeds = 0

    def features(self, note: Note) -> dict:
        """What the page needs from the theme (a script, ...): `x_name` flags of the note and its embeds."""
        return {k[2:]: v for k, v in {**self.extras, **note.extras}.items() if k.startswith("x_")}

    def url(self, site_path: str, fragment: str = "") -> str:
        href = relative_url(self.page_path, site_path) if site_path != self.page_path or not fragment else ""
        return href + ("#" + _quote_id(fragment) if fragment else "")

    def fill(self, html: str, note: Note, shown: tuple = ()) -> str:
        """`shown`: the (note, fragment) embeds this HTML sits in, outermost first."""
        targets = self.garden.targets.get(note.rel, [])

        def replace(m: re.Match) -> str:
            closing, n = m.group(1), int(m.group(2))
            link, target = note.links[n], targets[n] if n < len(targets) else None
            if closing:
                return "</a>" if target is not None and target.kind != "missing" and link.kind in ("link", "tag") \
                    else "</span>"
            return self.open(link, target, note, shown)

        return SLOT_RE.sub(replace, html)

    # One method per kind of slot.
    def open(self, link: Link, target, note: Note, shown: tuple) -> str:
        if target is None or target.kind == "missing":
            if link.kind in ("embed", "image"):
                name = escape(link.target + ("#" + link.fragment if link.fragment else ""))
                return f'<span class="missing-embed" role="note">Missing embed: {name}</span>'
            return '<span class="broken-link" title="This page does not exist (yet)">'
        if link.kind == "tag":
            return f'<a class="tag" href="{escape(self.url(target.path))}">'
        if link.kind == "link":
            if target.kind == "note":
                same = target.rel == note.rel and not shown
                href = ("#" + _quote_id(target.fragment) if target.fragment else "#") if same \
                    else self.url(target.path, target.fragment)
                return f'<a class="internal" href="{escape(href)}" data-slug="{escape(target.path)}">'
            kind = "internal file" if target.kind == "file" else "internal"
            return f'<a class="{kind}" href="{escape(self.url(target.path))}">'
        if target.kind == "file":
            return self.media(link, target)
        return self.embed_note(link, target, note, shown)

    def media(self, link: Link, target) -> str:
        src = escape(self.url(target.path))
        ext = posixpath.splitext(target.path)[1].lower()
        spec = link.text
        m = _SIZE.match(spec) if not link.markdown else None
        size = ""
        alt = spec
        if m:
            size = f' width="{m.group(1)}"' + (f' height="{m.group(2)}"' if m.group(2) else "")
            alt = ""
        elif "|" in spec:  # ![[img.png|alt text|300]]
            alt, _, tail = spec.rpartition("|")
            m = _SIZE.match(tail)
            if m:
                size = f' width="{m.group(1)}"' + (f' height="{m.group(2)}"' if m.group(2) else "")
            else:
                alt = spec
        name = target.rel.rsplit("/", 1)[-1]
        if ext in IMAGE:
            alt_text = alt or posixpath.splitext(name)[0]
            return f'<img src="{src}" alt="{escape(alt_text)}"{size} loading="lazy">'
        if ext in AUDIO:
            return f'<audio controls preload="metadata" src="{src}"><a href="{src}">{escape(name)}</a></audio>'
        if ext in VIDEO:
            return f'<video controls preload="metadata" src="{src}"{size}><a href="{src}">{escape(name)}</a></video>'
        if ext == ".pdf":
            height = size or ' height="600"'
            if link.fragment:  # ![[paper.pdf#page=3]] opens at that page
                src = escape(self.url(target.path) + "#" + link.fragment)
            return (f'<object class="pdf-embed" data="{src}" type="application/pdf"{height} '
                    f'aria-label="{escape(name)}">'
                    f'<a href="{src}">{escape(name)}</a></object>')
        return f'<a class="internal file" href="{src}">{escape(alt or name)}</a>'

    def embed_note(self, link: Link, target, note: Note, shown: tuple) -> str:
        page = self.garden.by_rel[target.rel]
        source = page.note
        href = escape(self.url(page.path, target.fragment))
        if target.lost:  # ![[Note#No such heading]]: say so, as Obsidian does, rather than show all of Note
            name = escape(link.target + "#" + link.fragment)
            return f'<span class="missing-embed" role="note">Missing embed: <a class="internal" href="{href}">{name}</a></span>'
        title = escape(link.text or source.title + (f" › {link.fragment.lstrip('^')}" if link.fragment else ""))
        shown = shown or ((note.rel, ""),)
        node = (source.rel, target.fragment)
        if (target.cycle and node in shown) or len(shown) > MAX_DEPTH or self.embeds >= MAX_EMBEDS:
            return f'<a class="internal embed-link" href="{href}">{title}</a>'
        self.embeds += 1
        html = self.garden.html(source)
        if target.fragment:
            start, end = source.sections.get(target.fragment, (0, len(html)))
            html = html[start:end]
            if html.startswith("<li"):  # a list item's ^block: an <li> needs its list around it
                html = f"<ul>\n{html}</ul>\n"
        inner = self.fill(_borrowed(html, self.url(page.path)), source, shown + (node,))
        self.extras.update(source.extras)
        return (f'<div class="embed" data-embed="{escape(page.path)}">'
                f'<div class="embed-title"><a class="internal" href="{href}">{title}</a></div>'
                f'<div class="embed-body">{inner}</div></div>')


_ID = re.compile(r' id="[^"]*"')
_LOCAL_HREF = re.compile(r' href="#')


def _borrowed(html: str, page_url: str) -> str:
    """Another note's HTML, shown inside this page: its ids would clash with this page's
    own (the same heading, the same note embedded twice), so they are dropped, and its
    `#anchor` links lead to the note's own page, where those ids are."""
    return _LOCAL_HREF.sub(f' href="{escape(page_url)}#', _ID.sub("", html))


def _quote_id(fragment: str) -> str:
    from urllib.parse import quote
    return quote(fragment, safe="-._~!$&'()*+,;=:@")  # "^" (block ids) is not allowed unencoded
