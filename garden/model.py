"""The values that flow through the pipeline: parse makes `Note`s, resolve makes a `Garden`.

Plain dataclasses, picklable, so notes can be parsed in worker processes and
cached on disk by their file's digest.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field, fields
from itertools import repeat
from typing import NamedTuple


class Link(NamedTuple):
    """A link or embed as written in a note, before it is resolved.

    kind: "link" (wikilink or Markdown link to a note/file), "embed" (![[...]]),
    "image" (a Markdown image), "tag" (an inline #tag, target is the tag).
    The rendered body holds a slot for it (see render/slots.py), filled once the
    whole garden is known. A NamedTuple: gardens hold hundreds of thousands of
    links, and tuples are what the cache loads fastest.
    """
    kind: str
    target: str  # "Note", "folder/Note.md", "" for the same note, the tag for "tag"
    fragment: str = ""  # "Heading", "A#B", "^block-id"
    text: str = ""  # display text (links) or alt text / size spec (embeds)
    line: int = 0  # file line, 1-based
    markdown: bool = False  # written as a Markdown link/image (target is a URL path, relative to the note)


class Heading(NamedTuple):
    level: int
    text: str
    id: str
    line: int


# What the note's page and links into it read, but not the garden-wide stages: kept as bytes
# by a pickled note until first read (see Note.__reduce__).
TAIL = frozenset({"links", "headings", "sections", "extras"})


@dataclass(eq=False)
class Note:
    rel: str  # vault path
    digest: str
    mtime: float
    meta: dict
    published: bool
    title: str = ""
    permalink: str | None = None  # explicit permalink, normalized to a site path
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    html: str | None = ""  # the body, with link slots; None when kept in the cache (see cache.Bodies)
    links: list[Link] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)  # heading id / "^id" -> html slice
    embeds: dict[int, tuple[str, ...]] = field(default_factory=dict)  # embed link -> parts holding it ("" = all)
    summary: str = ""  # plain text
    text: str | None = ""  # the body as plain text, for search; None when kept in the cache
    words: int = 0  # words in the body, for reading time
    extras: dict = field(default_factory=dict)  # per-feature data from markdown plugins (toc, tldrs, math, ...)
    diagnostics: list = field(default_factory=list)  # Diagnostic, found while parsing
    lines: dict[str, int] = field(default_factory=dict)  # file line of the placement keys (permalink, dg-home, ...)
    body: tuple[str, int, int] | None = None  # where the cache keeps html and text: (pack, offset, length)
    # Where a published note asks to be, which parse works out once (not every build for every note):
    tree: str = ""  # its vault path as the file tree shows it (dg-path moves it)
    slug: str = ""  # the site path the tree path gives it, where no permalink says another
    home: int = 0  # 0: not a home page candidate; otherwise its rank, the lowest wins

    def __reduce__(self):
        """The fields only some stages read (see TAIL) pickle apart, as bytes the next build
        unpickles on first use: a rebuild after one edit then builds the links and headings
        of the notes it looks into, not those of all 10,000. Links and headings pickle as
        plain tuples, several times faster than NamedTuples; the other fields as one tuple
        of their values (a third faster to load than the instance's dict)."""
        d = self.__dict__
        tail = d.get("_tail")
        if tail is None:
            tail = pickle.dumps((list(map(tuple, self.links)), list(map(tuple, self.headings)),
                                 self.sections, self.extras), pickle.HIGHEST_PROTOCOL)
        return _note, ((*[d[name] for name in _KEPT], tail),)

    def __getattr__(self, name):  # only called for a field not loaded yet: one of TAIL
        if name not in TAIL or "_tail" not in self.__dict__:
            raise AttributeError(name)
        links, headings, sections, extras = pickle.loads(self.__dict__["_tail"])
        self.__dict__.update(links=list(map(tuple.__new__, repeat(Link), links)),
                             headings=list(map(tuple.__new__, repeat(Heading), headings)),
                             sections=sections, extras=extras)
        return self.__dict__[name]

    @property
    def stem(self) -> str:
        name = self.rel.rsplit("/", 1)[-1]
        return name[:-3] if name.lower().endswith(".md") else name

    def line_of(self, *keys: str) -> int:
        """Where the first of `keys` is in the frontmatter, so resolve can point at it; else line 1,
        the top of the file (a problem with the note's place comes from its name then)."""
        return next((self.lines[k] for k in keys if k in self.lines), 1)

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""


_KEPT = tuple(f.name for f in fields(Note) if f.name not in TAIL)  # what Note.__reduce__ keeps, in order


def _note(values: tuple) -> Note:
    note = Note.__new__(Note)
    note.__dict__.update(zip((*_KEPT, "_tail"), values))
    return note
