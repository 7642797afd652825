"""Stage 3, resolve: the whole garden at once.

Decides which notes become pages and where (permalinks, the home page),
resolves every link the way Obsidian does, and derives backlinks, tags, folders
and the attachments to copy. Cheap, and always run in full, so incremental
builds can never disagree with cold ones.
"""
from __future__ import annotations


import hashlib
import heapq
import pickle
import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, repeat
from typing import ClassVar, NamedTuple

from ..cache import Bodies
from ..config import Config, note_settings
from ..dates import Dates, History, git_history, note_dates
from ..diagnostics import Report, did_you_mean
from ..markdown.headings import heading_slug
from ..markdown.tags import HOME_TAG
from ..model import Link, Note
from ..parallel import pmap
from ..paths import names_a_file, path_segment, slugify_file, slugify_path
from .embeds import embed_cycles
from .links import LinkIndex, name_of

RESERVED = ("static/", "search/", "404.html")  # tags/ pages may take an intro note, see `listing_of`


@dataclass(eq=False)
class Page:
    """A published note placed in the site. Compared by identity: comparing notes field by
    field made `page in list` checks quadratic in the garden's size."""
    note: Note
    path: str  # site path, "" for the home page
    tree: str  # vault path as shown in the file tree (dg-path moves it)
    dates: Dates | None = None  # created/updated: frontmatter, else git, else the file
    settings: dict = field(default_factory=dict)  # config.note_settings: display switches, dg-hide, dg-pinned, ...

    @property
    def title(self) -> str:
        return self.note.title


class Target(NamedTuple):
    """Where a link leads, once the garden is known."""
    kind: str  # "note", "file", "tag", "listing" (a folder or tag page), "missing"
    path: str = ""  # site path (page, attachment or tag page)
    fragment: str = ""  # element id on the target page
    rel: str = ""  # vault path of the target note or file
    cycle: bool = False  # an embed that would contain itself: shown as a link (see embeds.py)
    lost: bool = False  # the #heading or #^block named is not in the note: an embed of it shows nothing


@dataclass
class Tag:
    name: str  # as first written
    path: str  # site path of its page
    pages: list[Page] = field(default_factory=list)  # tagged with it or a nested tag below it


@dataclass
class Garden:
    config: Config
    pages: list[Page]  # in vault-path order
    by_rel: dict[str, Page]
    home: Page | None
    targets: Targets  # per note, parallel to note.links
    backlinks: dict[str, list[Page]]
    tags: dict[str, Tag]  # by lowercased tag
    files: dict[str, str]  # attachments used by published notes: vault path -> site path
    folders: dict[str, list[Page]]  # folder site path -> pages directly in it
    by_title: list[Page] = field(default_factory=list)  # the pages in the order lists show them
    bodies: Bodies = field(default_factory=lambda: Bodies(None))  # where note bodies are kept
    resolutions: dict = field(default_factory=dict)  # rel -> Resolution: read by page keys and the graph too
    memo: dict = field(default_factory=dict)  # what render works out once per build (see render.page_key)
    history: dict = field(default_factory=dict)  # git dates per vault path (see dates.git_history)
    history_at: str = ""  # where git stood when `history` was read (see dates.git_head); "": not to keep
    context: "_Context | None" = None  # what resolving a link looks at (see resolve_links)
    shape: "Shape | None" = None  # the garden's shape its links were resolved in (kept by the cache)

    def html(self, note: Note) -> str:
        """A note's body with its slots (kept on disk by the cache between builds)."""
        return self.bodies.html(note)

    def text(self, note: Note) -> str:
        """A note's body as plain text (for search)."""
        return self.bodies.text(note)

    @cached_property
    def by_path(self) -> dict[str, Page]:
        return {p.path: p for p in self.pages}

    def listing(self, path: str) -> list[Page] | None:
        """The pages a tag or folder page at `path` lists (None when `path` is neither)."""
        if path.startswith("tags/"):
            tag = next((t for t in self.tags.values() if t.path == path), None)
            return tag.pages if tag else None
        return self.folders.get(path)

    def page_of(self, target: Target) -> Page | None:
        return self.by_rel.get(target.rel) if target.kind == "note" else None


@lru_cache(maxsize=65536)
def tag_path(tag: str) -> str:
    return "tags/" + "/".join(path_segment(p) for p in tag.split("/") if p) + "/"


def resolve(notes: list[Note], attachments: list[str], cfg: Config, report: Report,
            previous: dict[str, Resolution] | None = None, history: History | None = None,
            shape: Shape | None = None) -> Garden:
    """The garden; `previous` holds the last build's per-note resolutions, reused where still
    valid, with `shape`, the garden's shape they were valid in, and `history` its git dates,
    reused while HEAD has not moved."""
    notes = sorted(notes, key=lambda n: n.rel)
    published = [n for n in notes if n.published]

    # Which note is the home page.
    candidates = sorted((n.home, n.rel) for n in published if n.home)
    home_rel = candidates[0][1] if candidates else None
    if len([c for c in candidates if c[0] == 1]) > 1:
        other = next(n for n in published if n.rel == candidates[1][1])
        report.warning(other.rel, other.line_of("dg-home", "dgHome"),
                       f"several notes are marked dg-home; using {home_rel}", code="home")

    # Where each note is written; two notes may not claim one path. The home page comes
    # first, then notes with a permalink of their own: one written out wins over a slug.
    pages: list[Page] = []
    claimed: dict[str, str] = {}
    for note in sorted(published, key=lambda n: (n.rel != home_rel, n.permalink is None, n.rel)):
        if note.rel == home_rel:
            path = ""
        elif note.permalink is not None:
            path = note.permalink
        else:
            path = note.slug
        problem, code, hint = "", "reserved-permalink", "give it another permalink"
        if path in claimed:
            problem, code = f"permalink '/{path}' is also claimed by {claimed[path]}", "duplicate-permalink"
            hint = "give one of them another permalink"
        elif path == "" and note.rel != home_rel:
            problem = f"permalink '/' is the home page, which is {home_rel or 'generated'}"
        elif path.startswith(RESERVED):
            problem = f"permalink '/{path}' is reserved for the site's own pages"
        if problem:
            line = note.line_of("permalink", "dg-permalink") if note.permalink is not None \
                else note.line_of("dg-path", "dgPath")
            report.error(note.rel, line, problem + "; this note is skipped", hint=hint, code=code)
            continue
        claimed[path] = note.rel
        pages.append(Page(note, path, note.tree, settings=note_settings(note.meta, cfg.display)))
    pages.sort(key=lambda p: p.note.rel)
    history_at, history = git_history(cfg.vault, report, history) if pages else ("", {})
    for page in pages:
        page.dates = note_dates(page.note.meta, page.note.rel, page.note.mtime, history)
    by_rel = {p.note.rel: p for p in pages}
    by_path = {p.path: p for p in pages}
    home = by_rel.get(home_rel) if home_rel else None
    tags = _tags(pages)
    folders = _folders(pages)

    # Links, embeds, images and tags, resolved for every page. A note's links are resolved
    # again only when the note changed, when a part of the garden's shape that one of its
    # links looked at changed (see Shape), or when a note it links into by #heading or
    # #^block changed; otherwise the last build's resolution is reused with its warnings.
    all_rels = {n.rel for n in notes}
    now = Shape(frozenset(all_rels.union(attachments)), {p.note.rel: p.path for p in pages},
                _listings(tags, folders), len(set(map(_name, all_rels))))
    changed = now.changes_since(shape) if previous else None
    context = _Context(LinkIndex([n.rel for n in notes], attachments), by_rel, by_path, all_rels, tags, folders)
    resolutions: dict[str, Resolution] = {}
    todo = []
    last_ones = previous or {}
    for page in pages:
        note = page.note
        last = last_ones.get(note.rel)
        if last is None or last.digest != note.digest or changed is None or (
                changed and not changed.isdisjoint(last.looked.split("\0"))) or (last.deps and any(
                (by_rel[rel].note.digest if rel in by_rel else "") != digest for rel, digest in last.deps)):
            todo.append(page)
        else:
            resolutions[note.rel] = last
    # A cold build resolves every link of the garden: across cores, like parsing.
    for page, resolution in zip(todo, pmap(_resolution_of, len(todo), (todo, context))):
        resolutions[page.note.rel] = resolution
    files: dict[str, str] = {}
    for page in pages:
        resolution = resolutions[page.note.rel]
        if resolution.diagnostics:
            report.extend(resolution.diagnostics)
        if resolution.files:
            files.update(resolution.files)

    targets = Targets(resolutions)
    # Backlinks in title order: the pages are sorted once and each lists itself under the notes
    # it links to (each once: see _reach), instead of sorting every note's backlinks.
    linking: defaultdict[str, list[Page]] = defaultdict(list)
    by_title = sorted(pages, key=lambda p: (p.title.lower(), p.path))
    for page in by_title:
        for rel in resolutions[page.note.rel].linked:
            linking[rel].append(page)
    backlinks = dict(linking)
    now.cycles = _cycles(pages, resolutions, previous, shape.cycles if shape is not None else None)
    _mark_embed_cycles(now.cycles[1], by_rel, targets, report)

    for path, rel in _file_collisions(files, claimed):
        report.error(rel, 0, f"attachment would be written to '{path}', which another file or page uses",
                     code="duplicate-permalink")

    return Garden(cfg, pages, by_rel, home, targets, backlinks, tags, files, folders, by_title, resolutions=resolutions,
                  history=history, history_at=history_at, context=context, shape=now)


def _resolution_of(context, i) -> Resolution:
    """One page's links resolved against the garden, with what that depended on."""
    pages, ctx = context
    page = pages[i]
    note, found = page.note, Report()
    looked = {_PLACE + note.rel: None}  # its own place: a link into the note itself leads there
    targets = tuple(_resolve_link(link, page, ctx, found, looked) for link in note.links)
    deps = tuple(sorted({(t.rel, ctx.by_rel[t.rel].note.digest) for t, link in zip(targets, note.links)
                         if t.kind == "note" and link.fragment and t.rel != note.rel}))
    return Resolution(note.digest, "\0".join(looked), deps, targets, tuple(found.items), *_reach(note, targets),
                      targets_digest(targets))


def targets_digest(targets: tuple[Target, ...]) -> str:
    """A digest of where each link leads: what a page's key reads of the note's resolved links."""
    return hashlib.blake2b("".join([f"{t.kind}\0{t.path}\0{t.fragment}\0{t.cycle}\0{t.lost}\0" for t in targets])
                           .encode(), digest_size=16).hexdigest()


def resolve_links(garden: Garden, page: Page) -> tuple[Target, ...]:
    """Where a page's links lead in this garden, its warnings left to the next build
    (what preview.py renders a saved note's page with)."""
    return tuple(_resolve_link(link, page, garden.context, Report(), {}) for link in page.note.links)


class Resolution:
    """One note's links, resolved, with what that depended on (kept by the build cache)."""
    __slots__ = ("digest", "looked", "deps", "_targets", "diagnostics", "linked", "embedded", "edges", "files",
                 "signature")

    def __init__(self, digest: str, looked: str, deps: tuple, targets: tuple | bytes, diagnostics: tuple,
                 linked: tuple, embedded: tuple, edges: tuple, files: tuple, signature: str):
        self.digest = digest  # the note's digest
        self.looked = looked  # what its links looked at in the garden's shape, \0 between them (see Shape)
        self.deps = deps  # (rel, digest) of notes whose headings or blocks a link points into
        self._targets = targets  # Target per link; as pickled (bytes) until first read
        self.diagnostics = diagnostics  # the warnings resolving produced
        self.linked = linked  # the notes it links to or embeds, itself left out (see _reach)
        self.embedded = embedded  # the note of each of its note embeds, in order
        self.edges = edges  # its edges in the embed graph: (part holding an embed, (note, fragment) shown, link index)
        self.files = files  # (vault path, site path) of each file it shows or links to
        self.signature = signature  # digest of the targets, see targets_digest

    @property
    def targets(self) -> tuple[Target, ...]:
        """Where each link leads. Kept as bytes by the cache until read: a rebuild reads the
        targets of the few pages it renders, and building those of every note was a fifth of
        loading the cache."""
        found = self._targets
        if type(found) is bytes:
            found = self._targets = tuple(map(tuple.__new__, repeat(Target), pickle.loads(found)))
        return found

    def __reduce__(self):  # Targets pickle as plain tuples, several times faster than NamedTuples
        targets = self._targets
        if type(targets) is not bytes:
            targets = pickle.dumps(tuple(map(tuple, targets)), pickle.HIGHEST_PROTOCOL)
        return Resolution, (self.digest, self.looked, self.deps, targets, self.diagnostics, self.linked,
                            self.embedded, self.edges, self.files, self.signature)


class Targets(dict):
    """vault path -> where each of the page's links leads, read from its resolution when first
    asked for (see Resolution.targets); set for a page whose embed cycles were marked."""

    def __init__(self, resolutions: dict[str, Resolution]):
        super().__init__()
        self.resolutions = resolutions

    def __missing__(self, rel: str) -> tuple[Target, ...]:
        found = self[rel] = self.resolutions[rel].targets
        return found

    def get(self, rel: str, default=None):
        return self[rel] if rel in self or rel in self.resolutions else default

    def but(self, rel: str, targets: tuple[Target, ...]) -> "Targets":
        """These targets with `rel`'s replaced (what a preview renders with)."""
        other = Targets(self.resolutions)
        other.update(self)
        other[rel] = targets
        return other


def _reach(note: Note, targets: tuple) -> tuple[tuple[str, ...], tuple[str, ...], tuple, tuple[tuple[str, str], ...]]:
    """The notes a note links to or embeds, the notes it embeds, its edges in the embed graph
    (see embeds.py) and the files it uses: what backlinks, page keys, embed cycles, the graph
    and the site's attachments read of its links, worked out once with its resolution rather
    than from every link of every note in each build."""
    notes: dict[str, None] = {}
    embedded: list[str] = []
    files: dict[str, str] = {}
    for link, target in zip(note.links, targets):
        if target.kind == "note":
            if target.rel != note.rel and link.kind in ("link", "embed"):
                notes[target.rel] = None
            if link.kind == "embed":
                embedded.append(target.rel)
        elif target.kind == "file":
            files[target.rel] = target.path
    edges = tuple((part, (target.rel, target.fragment), i) for i, parts in note.embeds.items()
                  if (target := targets[i]).kind == "note" and not target.lost for part in parts)
    return tuple(notes), tuple(embedded), edges, tuple(files.items())


# What a link can look at in the garden's shape, as the strings Resolution.looked lists:
_NAME = "n:"  # + a file name: which vault files go by it (links.Match.names)
_PLACE = "r:"  # + a vault path: whether that note is published, and where
_PATH = "p:"  # + a site path: which page is there (a link written as a site path)
_TAG = "t:"  # + a tag, lowercased: where its page is (a link that names no file may name one)
_FOLDER = "f:"  # + a folder's site path: whether it has a page (or a folder page)
_GRAM = "g:"  # + three letters: which notes' names hold them (a broken link's "did you mean")
_ALL_NAMES = "b"  # how many notes' names there are (which letters "did you mean" passes over)


@dataclass
class Shape:
    """The garden as link resolution sees it besides the linking note and heading targets:
    which files exist, which notes are published and where, which tag and folder pages exist.
    Between two builds, `changes_since` names the parts that differ, and a note's links are
    resolved again only when they looked at one of those (a note added, removed or moved
    does not send every link of the garden through resolution again)."""
    files: frozenset[str]  # vault paths of every note and attachment
    places: dict[str, str]  # vault path of each published note -> its site path
    listings: dict[str, str]  # _TAG + tag -> its page, _FOLDER + folder -> that folder
    names: int  # how many names "did you mean" offers (notes' names, each once)
    cycles: tuple | None = None  # (the pages that embed, the embed cycles found among them)

    def changes_since(self, last: "Shape | None") -> set[str] | None:
        """What differs from `last`, as Resolution.looked names it; None: anything may have."""
        if last is None:
            return None
        changed: set[str] = set()
        for rel in last.files ^ self.files:  # the pieces of its name too: a hint may offer it
            changed.add(_NAME + name_of(rel))
            changed.update(_GRAM + gram for gram in _trigrams(_name(rel)))
        if _unhelpful(last.names) != _unhelpful(self.names):
            changed.add(_ALL_NAMES)
        if last.places != self.places:
            for rel in last.places.keys() | self.places.keys():
                was, now = last.places.get(rel), self.places.get(rel)
                if was != now:
                    changed.add(_PLACE + rel)
                    changed.update(_PATH + p for p in (was, now) if p is not None)
        if last.listings != self.listings:
            changed.update(k for k in last.listings.keys() | self.listings.keys()
                           if last.listings.get(k) != self.listings.get(k))
        return changed


def _listings(tags: dict[str, Tag], folders: dict) -> dict[str, str]:
    return {**{_TAG + key: tag.path for key, tag in tags.items()}, **{_FOLDER + f: f for f in folders}}


@dataclass
class _Context:
    """What resolving one link looks at: the whole garden's indexes."""
    index: LinkIndex
    by_rel: dict[str, Page]
    by_path: dict[str, Page]
    all_rels: set[str]
    tags: dict[str, Tag]
    folders: dict[str, list[Page]]
    _names: list[str] | None = None
    _padded: list[str] | None = None  # each name as _trigrams pads it
    _grams: dict[str, list[int]] | None = None
    _hints: dict[str, str] = field(default_factory=dict)  # a broken link's name -> its hint
    _slugs: dict[str, tuple] = field(default_factory=dict)  # rel -> (its headings, their slugs)
    SCANS: ClassVar[int] = 4  # hints found by looking through the names before they are indexed

    def hint(self, target: str) -> str:
        """"did you mean [[Note]]?" for a broken link. difflib is slow against thousands of
        names, so it only sees the 20 names sharing the most three-letter pieces with the
        link; pieces found in over a tenth of all names tell nothing and are left out. The
        first few hints look for their pieces through the names; after that every name's
        pieces are indexed (at 10,000 notes a look takes 18 ms, indexing 120 ms, and a rebuild
        mostly asks for one or two hints, a cold build for hundreds)."""
        if self._names is None:
            self._names = sorted(set(map(_name, self.all_rels)))
            self._padded = [f"  {name.lower()} " for name in self._names]
        if self._grams is None and len(self._hints) >= self.SCANS:
            grams: dict[str, list[int]] = {}
            for i, name in enumerate(self._names):
                for gram in _trigrams(name):
                    grams.setdefault(gram, []).append(i)
            limit = _unhelpful(len(self._names))
            self._grams = {g: ids for g, ids in grams.items() if len(ids) <= limit}
        word = _name(target)
        found = self._hints.get(word)
        if found is None:
            if self._grams is not None:
                holding = [self._grams.get(gram, ()) for gram in _trigrams(word)]
            else:
                limit = _unhelpful(len(self._names))
                holding = [ids for gram in _trigrams(word)
                           if len(ids := [i for i, padded in enumerate(self._padded) if gram in padded]) <= limit]
            shared = Counter(chain.from_iterable(holding))  # in C
            # The 20 names sharing the most pieces; ties go to the first name alphabetically, not
            # to the order a set of pieces happens to have in this process: the same vault gets
            # the same hint every build. The 20th count is found among plain ints first, so only
            # the few names at or above it are sorted.
            least = heapq.nlargest(20, shared.values())[-1] if shared else 0
            best = sorted((i for i, n in shared.items() if n >= least), key=lambda i: (-shared[i], i))[:20]
            found = self._hints[word] = did_you_mean(word, [self._names[i] for i in best])
        return found

    def slugs(self, note: Note) -> list[str]:
        """The slug of each of a note's headings, worked out once for all the links into it
        (and again for a note saved since: serve's previews resolve against this context)."""
        found = self._slugs.get(note.rel)
        if found is None or found[0] is not note.headings:
            found = self._slugs[note.rel] = (note.headings, [heading_slug(h.text) for h in note.headings])
        return found[1]


def _name(path: str) -> str:
    """A note's name as "did you mean" offers it, or the name a broken link asks for."""
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def _unhelpful(names: int) -> int:
    """How many names may share three letters before those letters tell nothing about a name."""
    return max(50, names // 10)


def _trigrams(name: str) -> set[str]:
    padded = f"  {name.lower()} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _cycles(pages: list[Page], resolutions: dict[str, Resolution], previous: dict[str, Resolution] | None,
            last: tuple | None) -> tuple[frozenset[str], dict]:
    """(the pages that embed, the embed cycles among them): the last build's while the same
    pages embed and each has the edges it had, as cycles read nothing but the embed graph."""
    embedders = frozenset(p.note.rel for p in pages if p.note.embeds)
    if previous and last is not None and last[0] == embedders and all(
            (now := resolutions[rel]) is (was := previous.get(rel)) or (was is not None and now.edges == was.edges)
            for rel in embedders):
        return last
    return embedders, embed_cycles(pages, resolutions)


def _mark_embed_cycles(cycles: dict, by_rel: dict[str, Page], targets: Targets, report: Report) -> None:
    for (rel, i), cycle in sorted(cycles.items()):
        link = by_rel[rel].note.links[i]
        marked = list(targets[rel])  # a copy: the cached resolution keeps the unmarked targets
        marked[i] = marked[i]._replace(cycle=True)
        targets[rel] = tuple(marked)
        shown = " → ".join(r + (f"#{f}" if f else "") for r, f in cycle)
        report.warning(rel, link.line, f"embed of [[{link.target}]] contains itself ({shown}); "
                       "it becomes a link where it would repeat", code="embed-cycle")


def _resolve_link(link: Link, page: Page, ctx: _Context, report: Report, looked: dict[str, None]) -> Target:
    """Where `link` leads; adds to `looked` what it looked at in the garden's shape (see Shape)."""
    note = page.note
    if link.kind == "tag":
        return Target("tag", tag_path(link.target))
    if link.markdown and link.target.startswith("/"):
        # A site path such as "/blog/post/": a page's permalink, as the Digital Garden plugin writes them.
        path = link.target.strip("/") + "/" if link.target.strip("/") else ""
        looked[_PATH + path] = None
        other = ctx.by_path.get(path)
        if other is not None:  # a link into the note itself reads the page being resolved (see preview.py)
            looked[_PLACE + other.note.rel] = None
            return _note_target(link, page if other.note.rel == note.rel else other, note, report, ctx)
    match = ctx.index.resolve(link.target, note.rel, link.markdown)
    for name in match.names:
        looked[_NAME + name] = None
    if match.rel is None and link.kind == "link":
        listing = _listing_target(link, note, ctx.tags, ctx.folders, looked)
        if listing is not None:
            return listing
    if match.rel is None:  # its "did you mean" reads the names that share three letters with it
        looked[_ALL_NAMES] = None
        looked.update(dict.fromkeys([_GRAM + gram for gram in _trigrams(_name(link.target))]))
        what = "embed" if link.kind in ("embed", "image") else "link"
        label = f"[[{link.target}]]" if not link.markdown else f"'{link.target}'"
        problem, code = f"broken {what}", f"broken-{what}"
        if names_a_file(link.target):
            problem, code = "missing attachment", "missing-attachment"
        report.warning(note.rel, link.line, f"{problem}: {label} matches no file in the vault",
                       hint=ctx.hint(link.target),
                       code=code)
        return Target("missing")
    if match.candidates:
        report.warning(note.rel, link.line,
                       f"ambiguous link [[{link.target}]]: {len(match.candidates)} files match; using {match.rel}",
                       hint="write the folder too, e.g. [[" + match.rel.removesuffix(".md") + "]]",
                       code="ambiguous-link")
    rel = match.rel
    looked[_PLACE + rel] = None
    if rel in ctx.all_rels:
        target_page = ctx.by_rel.get(rel)
        if target_page is None:
            report.warning(note.rel, link.line, f"link to [[{link.target}]], which is not published; "
                           "shown as plain text", code="unpublished-link")
            return Target("missing", rel="")
        return _note_target(link, page if rel == note.rel else target_page, note, report, ctx)
    return Target("file", slugify_file(rel), "", rel)


def _listing_target(link: Link, note: Note, tags: dict[str, Tag], folders: dict[str, list[Page]],
                    looked: dict[str, None]) -> Target | None:
    """A link to a folder (`[[advanced/]]`, `[x](./features/)`) or to a tag page (`[[tags/plugin]]`)."""
    target = link.target.strip()
    if link.markdown and not target.startswith("/"):
        target = posixpath.normpath(posixpath.join(note.folder, target))
    target = target.strip("/")
    if target.lower().startswith("tags/"):
        tag = target[5:].lower()
        looked[_TAG + tag] = None
        if tag in tags:
            return Target("listing", tags[tag].path)
    folder = slugify_path(target + ".md") if target and target != "." else ""
    looked[_FOLDER + folder] = None
    if folder in folders:
        return Target("listing", folder)
    return None


def _note_target(link: Link, page: Page, source: Note, report: Report, ctx: _Context) -> Target:
    fragment = _fragment(link, page.note, source, report, ctx)
    return Target("note", page.path, fragment or "", page.note.rel, lost=fragment is None)


def _fragment(link: Link, target: Note, source: Note, report: Report, ctx: _Context) -> str | None:
    """The element id a `#Heading` or `#^block` fragment points at, checked against the target
    (None, and a warning, when the target has no such heading or block)."""
    fragment = link.fragment
    if not fragment:
        return ""
    if fragment.startswith("^"):
        if fragment in target.sections:
            return fragment
        report.warning(source.rel, link.line, f"block '{fragment}' not found in {target.rel}", code="broken-anchor")
        return None
    heading = fragment.split("#")[-1].strip()
    found = _heading_id(fragment.split("#"), target.headings, ctx.slugs(target))
    if found is not None:
        return found
    if link.markdown and fragment in {h.id for h in target.headings}:
        return fragment
    close = did_you_mean(heading, [h.text for h in target.headings])
    report.warning(source.rel, link.line, f"heading '{heading}' not found in {target.rel}",
                   hint=close.replace("[[", f"[[{target.stem}#") if close else "", code="broken-anchor")
    return None


def _heading_id(path: list[str], headings, slugs: list[str]) -> str | None:
    """The id of the heading `#A#B` names: B within A's section, as Obsidian reads it, so
    `[[Note#Part 2#Setup]]` finds the Setup under Part 2 when several headings say Setup.
    Failing that, the first heading named like the last part. The note's title heading
    has id "" (the top of its page)."""
    wanted = [heading_slug(part.strip()) for part in path if part.strip()]
    if not wanted:
        return None
    lo, hi, found = 0, len(headings), None
    for slug in wanted:
        found = next((k for k in range(lo, hi) if slugs[k] == slug), None)
        if found is None:
            break
        level = headings[found].level
        lo, hi = found + 1, next((k for k in range(found + 1, hi) if headings[k].level <= level), hi)
    if found is None:
        found = next((k for k, slug in enumerate(slugs) if slug == wanted[-1]), None)
    if found is None:  # "Setup 1": the second Setup, by its id
        found = next((k for k, h in enumerate(headings) if h.id == wanted[-1]), None)
    return headings[found].id if found is not None else None


def _file_collisions(files: dict[str, str], claimed: dict[str, str]):
    seen: dict[str, str] = {}
    for rel, path in sorted(files.items()):
        if path in seen or path + "/" in claimed or path.startswith(RESERVED):
            yield path, rel
        seen[path] = rel


def _tags(pages: list[Page]) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    expanded: dict[str, list] = {}  # a tag as written -> its (key, name) and those of the tags above it
    for page in pages:
        names = {}
        for tag in page.note.tags:
            found = expanded.get(tag)
            if found is None:
                found = expanded[tag] = _tag_and_parents(tag)
            for key, name in found:
                names.setdefault(key, name)
        for key, name in names.items():
            tag = tags.get(key)
            if tag is None:
                tag = tags[key] = Tag(name, tag_path(name))
            tag.pages.append(page)
    return dict(sorted(tags.items()))


def _tag_and_parents(tag: str) -> list[tuple[str, str]]:
    """#area/sub -> [("area", "area"), ("area/sub", "area/sub")], lowercased keys: a note with a
    nested tag is listed under the tags above it too. The home tag lists nowhere."""
    if tag.lower() == HOME_TAG:
        return []
    parts = tag.split("/")
    return [(name.lower(), name) for name in ("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))]


def _folders(pages: list[Page]) -> dict[str, list[Page]]:
    """Folder pages by site path; a vault folder `tags/` holds tag intros, not a folder page.
    A folder page is the explorer without JavaScript, so it leaves out what the explorer hides."""
    folders: dict[str, list[Page]] = {}
    chains: dict[str, list[str]] = {}  # a vault folder -> the site paths of it and the folders above it
    for page in pages:
        folder = page.tree.rpartition("/")[0]
        chain = chains.get(folder)
        if chain is None:
            parts = folder.split("/") if folder else []
            chain = chains[folder] = [slugify_path("/".join(parts[:depth]) + ".md") for depth in range(1, len(parts) + 1)]
            for path in chain:
                folders.setdefault(path, [])
        if chain and not (page.settings.get("hide") or page.settings.get("hide_in_filetree")):
            folders[chain[-1]].append(page)
    return {k: v for k, v in sorted(folders.items()) if not k.startswith("tags/")}
