"""Stage 4, render: the resolved garden -> the files of the site.

Each emitter yields `(site path, bytes)` for generated files or
`(site path, Path)` for files copied as they are. Templates only ever see plain
dicts and lists (the "views" below), never the pipeline's objects.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..cache import code_version
from ..config import DISPLAY_SETTINGS, fingerprint, note_settings
from ..diagnostics import Diagnostic
from ..paths import page_file, relative_url, root_url, slugify_path
from ..resolve import HOME_TAG, Garden, Page, targets_digest
from .annotations import annotation_view
from .feeds import FEED, feeds_enabled
from .graph import GRAPH_PAGE
from .slots import Filler
from ..theme import Theme

WORDS_PER_MINUTE = 220


def site_view(garden: Garden, theme: Theme, page_path: str) -> dict:
    cfg = garden.config
    root = root_url(page_path)
    css = [f"{root}static/{name}?v={theme.asset_version(name)}"
           for name in ("style.css", "custom.css") if name in theme.statics]
    return {
        "title": cfg.title, "description": cfg.description, "language": cfg.language, "author": cfg.author,
        "root": root, "tags_url": root + "tags/", "base_path": cfg.base_path,
        "css": css, "js": f"{root}static/garden.js?v={theme.asset_version('garden.js')}",
        "has_home_note": garden.home is not None,
        "dates": {"created": cfg.dates.created, "updated": cfg.dates.updated},
        "graph_url": root + GRAPH_PAGE if GRAPH_PAGE not in garden.by_path else "",
        "feed_url": root + FEED if feeds_enabled(cfg) else "",
        "display": dict(_made_once("display", cfg.display, dataclasses.asdict)),  # a page's own copy (flat)
        "ui_json": ui_json(cfg),
    }


def ui_json(cfg) -> Markup:
    """The UI strings the page's script needs, as JSON safe inside <script>."""
    def make(ui) -> Markup:
        data = json.dumps(dataclasses.asdict(ui), ensure_ascii=False, sort_keys=True)
        return Markup(data.replace("<", "\\u003c").replace("&", "\\u0026"))
    return _made_once("ui_json", cfg.ui, make)


def _made_once(kind: str, source, make: Callable[[Any], Any]):
    """make(source), worked out once while `source` (a part of the config) is the very object it
    was made from: every page's view holds it."""
    found = _MADE.get(kind)  # read once: `garden serve` renders previews from another thread
    if found is None or found[0] is not source:
        found = _MADE[kind] = (source, make(source))
    return found[1]


_MADE: dict = {}


def page_dates(page: Page) -> dict:
    """The note's dates as shown and as machine-readable (dates.py decides where they come from)."""
    if page.dates is None:
        return {"created": "", "updated": ""}
    return {"created": page.dates.created.date().isoformat(), "updated": page.dates.updated.date().isoformat()}


def link_view(from_path: str, page: Page) -> dict:
    return {"title": page.title, "url": relative_url(from_path, page.path), "summary": page.note.summary,
            "tags": [t for t in page.note.tags if t.lower() != HOME_TAG]}


def breadcrumbs(garden: Garden, page_path: str, tree: str) -> list[dict]:
    crumbs = [{"title": garden.config.ui.home, "url": root_url(page_path)}]
    parts = tree.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = slugify_path("/".join(parts[:depth]) + ".md")
        crumbs.append({"title": parts[depth - 1], "url": relative_url(page_path, folder)})
    return crumbs


def page_key(garden: Garden, page: Page, common: str) -> str:
    """A digest of everything `render_note` reads for this page: equal keys, equal pages.

    The note itself, where it sits, where each of its links leads, the notes it
    embeds (and what they embed and link to), the pages that link to it, its tags,
    the pages it lists, and `common` (config, theme, code). Keep it in step with
    `render_note`: anything the page shows must be named here.
    """
    note = page.note
    said = _once(garden, "settings", id(page.settings),  # notes saying the same share one settings dict
                 lambda: repr(sorted(page.settings.items())))
    parts = [f"{common}\0{garden.home is None}\0{GRAPH_PAGE in garden.by_path}\0{page.path}\0{page.tree}\0"
             f"{page.dates.key if page.dates else None}\0{said}\0"]
    resolutions = garden.resolutions
    if not resolutions[note.rel].embedded:  # most notes embed no note
        parts.append(_links_digest(garden, note))
    else:
        todo, seen = [note], set()
        while todo:  # the note, then what it embeds (without recursion: embed chains can be long)
            current = todo.pop()
            if current.rel in seen:
                continue
            seen.add(current.rel)
            parts.append(_links_digest(garden, current))
            for rel in resolutions[current.rel].embedded:
                if (embedded := garden.by_rel.get(rel)) is not None:
                    todo.append(embedded.note)
    cards, dated = _cards(garden)
    if (backlinks := garden.backlinks.get(note.rel)) is not None:
        parts.extend([cards[p] for p in backlinks])
    tags = garden.tags
    parts.extend([f"#{t.name}" if (t := tags.get(tag.lower())) else "#" for tag in note.tags])
    if (listed := garden.listing(page.path)) is not None:
        parts.extend([dated[p] for p in listed])
    # One digest of the parts joined: the same bytes as fed piece by piece, in fewer calls.
    return hashlib.blake2b("".join(parts).encode(), digest_size=16).hexdigest()


@dataclass
class KeyBasis:
    """What a build's page keys were made from besides each note and its resolution (which
    the cache keeps anyway), and the keys themselves: the next build computes again only the
    keys of pages something of this, or a note they read, changed for (see stale_pages)."""
    common: str  # common_key, and whether a note is the home page or took the graph's address
    places: dict[str, tuple]  # note -> (site path, tree path, dates) of its page
    tags: dict[str, str]  # lowercased tag -> its name as shown
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # page path -> its key
    lists: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)  # see list_entries
    cards: dict[str, str] = dataclasses.field(default_factory=dict)  # note -> what lists read of its page


def key_basis(garden: Garden, common: str) -> KeyBasis:
    return KeyBasis(f"{common}\0{garden.home is None}\0{GRAPH_PAGE in garden.by_path}",
                    {p.note.rel: (p.path, p.tree, p.dates.key if p.dates else None) for p in garden.pages},
                    {k: t.name for k, t in garden.tags.items()})


def changed_notes(garden: Garden, now: KeyBasis, last: KeyBasis | None, resolutions: dict) -> set[str] | None:
    """The notes (by vault path) whose page changed or moved since the last build, given that
    build's basis and resolutions; None: any may have. A note's resolution is made again
    whenever the note changed, or what its links lead to: where it is not the very object the
    last build had, the note changed."""
    if last is None or last.common != now.common:
        return None
    return {rel for rel, place in now.places.items()
            if resolutions.get(rel) is not garden.resolutions[rel] or last.places.get(rel) != place}


def stale_pages(garden: Garden, now: KeyBasis, last: KeyBasis, changed: set[str], resolutions: dict) -> set[str]:
    """The pages (by vault path) whose keys may differ from the last build's, given the notes
    that changed (changed_notes). Keep it in step with page_key: a page's key reads its own
    note, place and resolution, the cards of the pages linking to it, the notes it embeds (and
    theirs), its tags' names and, for a tag or folder page, the pages it lists."""
    gone = last.places.keys() - now.places.keys()
    stale = set(changed)
    for rel in changed | gone:  # the pages it linked to and links to now: their backlinks
        for resolution in (resolutions.get(rel), garden.resolutions.get(rel)):
            if resolution is not None:
                stale.update(resolution.linked)
    embedders: dict[str, list[str]] = {}
    for rel, resolution in garden.resolutions.items():
        for target in resolution.embedded:
            embedders.setdefault(target, []).append(rel)
    todo, seen = [rel for rel in changed if rel in embedders], set(changed)
    while todo:  # the pages embedding a changed note, and those embedding them
        for rel in embedders.get(todo.pop(), ()):
            if rel not in seen:
                seen.add(rel)
                todo.append(rel)
    stale |= seen
    for key, name in now.tags.items():
        if last.tags.get(key) != name:
            stale.update(p.note.rel for p in garden.tags[key].pages)
    stale.update(p.note.rel for p in garden.pages if p.path.startswith("tags/") or p.path in garden.folders)
    return stale


def _once(garden: Garden, kind: str, key, make: Callable[[], Any]):
    """`make()`, worked out once per build for `key`: what many pages' keys read alike."""
    memo = garden.memo.setdefault(kind, {})
    found = memo.get(key)
    if found is None:
        found = memo[key] = make()
    return found


def _links_digest(garden: Garden, note) -> str:
    """A note's content, its title, and where each of its links leads (the digest its
    resolution keeps, unless this build marked an embed cycle in its targets)."""
    resolution = garden.resolutions[note.rel]
    targets = garden.targets[note.rel]
    signature = resolution.signature if targets is resolution.targets else targets_digest(targets)
    return f"{note.rel}\0{note.digest}\0{note.title}\0{signature}\0"


def _cards(garden: Garden) -> tuple["_Cards", "_Dated"]:
    """What a list of pages shows of each page (place, title, summary, tags), and that with
    what page_dates reads, by page: each made once per build, when a key first reads it (a
    rebuild's keys read few of them)."""
    found = garden.memo.get("cards")
    if found is None:
        cards = _Cards()
        found = garden.memo["cards"] = (cards, _Dated(cards))
    return found


class _Cards(dict):
    """page -> its card, made when first asked for."""

    def __missing__(self, p: Page) -> str:
        found = self[p] = f"{p.path}\0{p.title}\0{p.note.summary}\0{'|'.join(p.note.tags)}\n"
        return found


class _Dated(dict):
    """page -> a digest of its card and dates, made when first asked for (a digest: the
    cache keeps one per page between builds, see keep_cards)."""

    def __init__(self, cards: _Cards):
        super().__init__()
        self.cards = cards

    def __missing__(self, page: Page) -> str:  # the dates' key changes whenever the dates shown do
        found = self[page] = hashlib.blake2b(f"{self.cards[page]}{page.dates.key if page.dates else None}".encode(),
                                             digest_size=16).hexdigest()
        return found


def _by_title(garden: Garden) -> Callable[[Page], int]:
    """A page's place in title order (resolve sorted the pages so once): what lists sort by,
    looked up in C."""
    return _once(garden, "rank", None, lambda: {p: i for i, p in enumerate(garden.by_title)}.__getitem__)


def _entries(garden: Garden, pages: list[Page]) -> str:
    """A digest of what a list shows of its pages, in title order."""
    dated = _cards(garden)[1]
    ordered = garden.by_title if pages is garden.pages else sorted(pages, key=_by_title(garden))
    return hashlib.blake2b("".join([dated[p] for p in ordered]).encode(), digest_size=16).hexdigest()


def _lists(garden: Garden) -> dict[str, list[Page]]:
    """The pages each list page (generated home, tag, folder) shows, by its site path."""
    lists = {"": garden.pages} if garden.home is None else {}
    lists.update((t.path, t.pages) for t in garden.tags.values())
    lists.update(garden.folders)
    return lists


def keep_cards(garden: Garden, last: dict[str, str], changed: set[str]) -> None:
    """Take the last build's card of each page whose note and place did not change (see
    changed_notes): the generated home lists every page, and making all their cards again
    was most of gathering a one-note rebuild's list entries."""
    dated = _cards(garden)[1]
    for page in garden.pages:
        if (card := last.get(page.note.rel)) is not None and page.note.rel not in changed:
            dict.__setitem__(dated, page, card)


def card_table(garden: Garden) -> dict[str, str]:
    """Each page's _Dated digest (its card with its dates), by note, for the next build's keep_cards."""
    dated = _cards(garden)[1]
    return {page.note.rel: dated[page] for page in garden.pages}


def list_entries(garden: Garden, last: dict[str, tuple[int, str]], changed: set[str]) -> dict[str, tuple[int, str]]:
    """Each list page's (page count, _entries digest), the last build's kept where the list
    has as many pages and none of them changed (a page joining a list changed to join it;
    one leaving it leaves it shorter). emit_lists reads them from garden.memo."""
    found = {}
    moved = {page for rel in changed if (page := garden.by_rel.get(rel)) is not None}  # pages hash by identity
    for path, pages in _lists(garden).items():
        hit = last.get(path)
        if hit is None or hit[0] != len(pages) or not moved.isdisjoint(pages):
            hit = (len(pages), _entries(garden, pages))
        found[path] = hit
    garden.memo["entries"] = found
    return found


def render_note(garden: Garden, theme: Theme, page: Page) -> tuple[bytes, list[Diagnostic]]:
    note, cfg = page.note, garden.config
    filler = Filler(garden, page.path)
    body = filler.fill(garden.html(note), note)
    words = note.words
    settings = page.settings or note_settings(note.meta, cfg.display)
    view = {
        "kind": "note",
        "title": note.title,
        "path": page.path,
        "canonical": cfg.absolute_url(page.path),
        "description": note.summary or cfg.description,
        "body": Markup(body),
        "tags": [{"name": t.name, "url": relative_url(page.path, t.path)}
                 for tag in note.tags if (t := garden.tags.get(tag.lower()))],
        "backlinks": [link_view(page.path, p) for p in garden.backlinks.get(note.rel, [])],
        "toc": [{"level": h.level, "text": h.text, "id": h.id} for h in note.headings if 2 <= h.level <= 4],
        "display": {k: settings[k] for k in DISPLAY_SETTINGS},
        "features": filler.features(note),
        "dates": page_dates(page),
        "words": words,
        "minutes": max(1, math.ceil(words / WORDS_PER_MINUTE)),
        "breadcrumbs": breadcrumbs(garden, page.path, page.tree) if page.path else [],
        "is_home": page.path == "",
        "listing": [link_view(page.path, p) | page_dates(p)
                    for p in sorted(listed, key=lambda p: (p.title.lower(), p.path)) if p is not page]
        if (listed := garden.listing(page.path)) else [],
        "classes": " ".join(settings["content_classes"]),
        "icon": settings["note_icon"],
        "metatags": [{"attr": "property" if k.startswith(("og:", "article:")) else "name", "name": k, "content": v}
                     for k, v in settings["metatags"].items()],
        "frontmatter": json.dumps(note.meta, default=str, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c") if settings["pass_frontmatter"] else "",
        **annotation_view(garden, page),
    }
    html = theme.render("note.html", site=site_view(garden, theme, page.path), page=view, ui=cfg.ui)
    return html.encode(), filler.diagnostics


@dataclass(frozen=True)
class Deferred:
    """Output rendered only when `key` differs from what the last build wrote there.

    An emitter yields one instead of bytes when building its view is cheap and
    rendering it is not: the view's digest is the key.
    """
    key: str
    make: Callable[[], bytes]


def view_key(theme: Theme, cfg, *views) -> str:
    data = json.dumps(views, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(f"{common_key(theme, cfg)}\0{data}".encode(), digest_size=16).hexdigest()


def common_key(theme: Theme, cfg) -> str:
    """What every output depends on: the settings, the theme and garden's own code."""
    key = getattr(theme, "_common_key", None)
    if key is None:
        key = theme._common_key = f"{fingerprint(cfg)}\0{theme.fingerprint}\0{code_version()}"
    return key


def _list_page(garden: Garden, theme: Theme, path: str, title: str, pages: list[Page], **extra) -> Deferred:
    """A listing of `pages` (in title order), rendered only when what it shows changed: its
    key is built from each entry's card (cheap strings), the full view only when the page is
    rendered."""
    known = garden.memo.get("entries", {}).get(path)
    entries = known[1] if known is not None else _entries(garden, pages)
    key = view_key(theme, garden.config, path, title, extra, garden.home is None, GRAPH_PAGE in garden.by_path,
                   entries)

    def make() -> bytes:
        view = {"kind": "list", "title": title, "path": path, "canonical": garden.config.absolute_url(path),
                "description": extra.get("description", "") or garden.config.description,
                "entries": [link_view(path, p) | page_dates(p) for p in sorted(pages, key=_by_title(garden))],
                **{k: v for k, v in extra.items() if k != "description"}}
        return theme.render("list.html", site=site_view(garden, theme, path), page=view,
                            ui=garden.config.ui).encode()

    return Deferred(key, make)


def emit_lists(garden: Garden, theme: Theme) -> Iterator[tuple[str, bytes]]:
    """The generated home (when no note is the home), tag pages and folder pages."""
    cfg = garden.config
    claimed = {p.path for p in garden.pages}
    if garden.home is None:
        yield "index.html", _list_page(garden, theme, "", cfg.title, garden.pages,
                                       description=cfg.description, is_home=True)
    tags = [{"name": t.name, "url": relative_url("tags/", t.path), "count": len(t.pages)}
            for t in garden.tags.values()]
    if "tags/" not in claimed:
        yield "tags/index.html", _list_page(garden, theme, "tags/", cfg.ui.all_tags, [], tag_cloud=tags)
    for tag in garden.tags.values():
        if tag.path in claimed:
            continue  # a note at tags/<tag>.md introduces the tag; its page lists the tag's notes
        yield page_file(tag.path), _list_page(garden, theme, tag.path, cfg.ui.tag_page.format(tag=tag.name),
                                              tag.pages)
    children: dict[str, list[str]] = {}  # folder -> the folders directly in it, in garden.folders' order
    for f in garden.folders:
        children.setdefault(f[:f.rstrip("/").rfind("/") + 1], []).append(f)
    for folder, pages in garden.folders.items():
        if folder in claimed:
            continue  # a note with the folder's path (a folder note) is its page
        name = folder.rstrip("/").rsplit("/", 1)[-1]
        subfolders = [{"name": f.rstrip("/").rsplit("/", 1)[-1], "url": relative_url(folder, f)}
                      for f in children.get(folder, ())]
        shown = next((p.tree.split("/")[-2] for p in pages), name)
        yield page_file(folder), _list_page(garden, theme, folder, cfg.ui.folder_page.format(folder=shown),
                                            pages, subfolders=subfolders)


def emit_404(garden: Garden, theme: Theme) -> Iterator[tuple[str, bytes]]:
    """404.html is served for any missing URL at any depth, so its links are rooted at the
    base path (a <base> element) instead of being relative to where it sits."""
    cfg = garden.config
    site = site_view(garden, theme, "")
    view = {"kind": "404", "title": cfg.ui.not_found_title, "path": "404.html", "canonical": "",
            "description": cfg.ui.not_found_text, "base_href": cfg.base_path}
    yield "404.html", theme.render("404.html", site=site, page=view, ui=cfg.ui).encode()


def emit_static(garden: Garden, theme: Theme):
    for name, path in theme.statics.items():
        yield "static/" + name, path
    yield ".nojekyll", b""


def emit_files(garden: Garden, theme: Theme):
    for rel, site_path in sorted(garden.files.items()):
        yield site_path, garden.config.file_path(rel)
