"""Stage 2, parse: one file -> one `Note`, independent of every other file.

Only published notes go through the Markdown parser: a private note's body is
never read past its frontmatter, so nothing of it can reach the site.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from ..config import Config
from ..diagnostics import ERROR, WARNING, Diagnostic
from ..load import Source
from ..markdown import create_markdown, render_with_offsets
from ..markdown.annotations import Settings
from ..markdown.headings import inline_text
from ..markdown.links import is_web, split_href
from ..markdown.slots import SLOT_RE, register
from ..markdown.tags import HOME_TAG, normalize_tag
from ..model import Link, Note
from ..paths import UnsafePermalink, normalize_permalink, slugify_path
from . import values
from .frontmatter import split

# Frontmatter keys that decide where a note goes; resolve reports their problems at their line.
PLACEMENT_KEYS = ("permalink", "dg-permalink", "dg-path", "dgPath", "dg-home", "dgHome")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _flag(value) -> bool | None:
    """A frontmatter boolean, forgiving of "true"/"false" strings; None when absent or unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def is_published(meta: dict, mode: str) -> bool:
    """`flagged`: only notes marked dg-publish/publish: true. `all`: every note not opted out."""
    dg, pub = _flag(meta.get("dg-publish")), _flag(meta.get("publish"))
    if mode == "flagged":
        return dg is True or pub is True
    return dg is not False and pub is not False and _flag(meta.get("draft")) is not True


_BARE_WWW = re.compile(r"(?<![/\w.@-])www\.", re.IGNORECASE)  # not inside https://www... or a@www...


def _bare_www(text: str) -> bool:
    """Whether `_BARE_WWW` is found in `text`: the same answer, found by str.find in a
    twentieth of the time the regex takes to try every position of a note."""
    low = text.lower()
    if len(low) != len(text):  # a letter lowercased into two: positions no longer line up
        return bool(_BARE_WWW.search(text))
    i = low.find("www.")
    while i >= 0:
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_/.@-"):
            return True
        i = low.find("www.", i + 1)
    return False


@lru_cache(maxsize=8)
def _markdown(settings: Settings, www: bool):
    """One parser per process for each set of settings (they shape the plugins it holds)."""
    return create_markdown(settings, www)


def parse_note(source: Source, cfg: Config) -> Note:
    fm = split(source.text)
    diagnostics = [Diagnostic(source.rel, line, WARNING, msg, code="frontmatter") for line, msg in fm.warnings]
    if fm.error:
        line, msg = fm.error
        diagnostics.append(Diagnostic(source.rel, line, ERROR, msg + "; the note is skipped", code="frontmatter"))
        return Note(source.rel, source.digest, source.mtime, {}, False, diagnostics=diagnostics)
    meta = fm.meta
    if not is_published(meta, cfg.publish):
        return Note(source.rel, source.digest, source.mtime, {}, False)

    note = Note(source.rel, source.digest, source.mtime, meta, True, diagnostics=diagnostics)
    note.lines = {key: _meta_line(source.text, key) for key in PLACEMENT_KEYS if key in meta}
    raw_permalink = meta.get("permalink", meta.get("dg-permalink"))
    if raw_permalink is not None:
        try:
            note.permalink = normalize_permalink(str(raw_permalink))
        except UnsafePermalink as exc:
            note.published = False
            note.diagnostics.append(Diagnostic(source.rel, _meta_line(source.text, "permalink"), ERROR,
                                               f"unsafe permalink '{raw_permalink}': {exc}; the note is skipped",
                                               code="unsafe-permalink"))
            return note

    md = _markdown(Settings.from_config(cfg), _bare_www(fm.body))
    env: dict = {"line_offset": fm.body_line - 1}
    tokens = md.parse(fm.body, env)

    title = _text(note, source.text, "title", "the title is the first heading or the file name")
    first = next((i for i, t in enumerate(tokens) if t.type != "html_block" or t.content.strip()), None)
    if first is not None and tokens[first].type == "heading_open" and tokens[first].tag == "h1":
        h1 = inline_text(tokens[first + 1])
        if not title or " ".join(str(title).split()).lower() == " ".join(h1.split()).lower():
            title = title or h1
            hid = tokens[first].attrGet("id")
            # It stays a heading links can name ([[Note#Its Title]]), with "" for the page's top.
            env["headings"] = [h._replace(id="") if h.id == hid else h for h in env.get("headings", [])]
            del tokens[first:first + 3]
    note.title = title.strip() if title and title.strip() else note.stem

    note.html, offsets = render_with_offsets(md, tokens, env)
    _cover(meta, source.text, env)
    note.links = env.get("links", [])
    note.headings = env.get("headings", [])
    note.sections = _sections(tokens, offsets)
    note.embeds = _embed_holders(note)

    tags: dict[str, str] = {}
    for tag in _texts(note, source.text, "tags" if "tags" in meta else "tag", r"[,\s]+") + env.get("tags", []):
        tag = normalize_tag(tag)
        if tag:
            tags.setdefault(tag.lower(), tag)
    note.tags = list(tags.values())
    aliases = _texts(note, source.text, "aliases" if "aliases" in meta else "alias", ",")
    note.aliases = [a.strip() for a in aliases]
    note.text = _plain_text(tokens)
    note.words = len(note.text.split())
    for key in ("description", "summary"):
        description = _text(note, source.text, key, "the summary is taken from the note") or ""
        if description.strip():
            break
    note.summary = _summary(description, tokens, env)
    note.extras = {k: v for k, v in env.items() if k.startswith("x_")}
    note.diagnostics.extend(Diagnostic(source.rel, line, WARNING, msg, code=code)
                            for line, msg, code in env.get("problems", []))
    note.tree = _tree_path(note)
    note.slug = slugify_path(note.tree)
    note.home = _home_rank(note)
    return note


def _tree_path(note: Note) -> str:
    """The note's place in the file tree: its vault path, or where `dg-path` moves it."""
    override = note.meta.get("dg-path") or note.meta.get("dgPath")
    if isinstance(override, str) and override.strip().strip("/"):
        tree = posixpath.normpath(override.strip().strip("/"))
        if not tree.startswith(".."):
            return tree if tree.lower().endswith(".md") else tree + ".md"
        note.diagnostics.append(Diagnostic(note.rel, note.line_of("dg-path", "dgPath"), WARNING,
                                           f"dg-path '{override}' leaves the vault; the note stays at {note.rel}",
                                           code="unsafe-permalink"))
    return note.rel


def _home_rank(note: Note) -> int:
    """0 when the note is not a home page candidate; otherwise lower wins: marked dg-home, then
    tagged with the home tag, then named index.md or home.md."""
    meta = note.meta
    if meta.get("dg-home") is True or meta.get("dgHome") is True:
        return 1
    if HOME_TAG in map(str.lower, note.tags):
        return 2
    if note.rel.lower() in ("index.md", "home.md"):
        return 3
    return 0


def _text(note: Note, text: str, key: str, instead: str) -> str | None:
    """Frontmatter `key` as text (see values.py), with a warning when it is a list or a table."""
    value = note.meta.get(key)
    if value is None or isinstance(value, str):  # the usual case: no need to find its line
        return value
    line = _meta_line(text, key)
    shown = values.text(value, text.split("\n")[line - 1])
    if shown is None:
        note.diagnostics.append(Diagnostic(note.rel, line, WARNING, f"frontmatter '{key}' is "
                                           f"{values.kind(value)}, not text; {instead}", code="frontmatter"))
    return shown


def _texts(note: Note, text: str, key: str, split: str) -> list[str]:
    """Frontmatter `key` as a list of texts; a list or a table inside it is left out with a warning."""
    found, bad = values.texts(note.meta.get(key), split)
    if bad is not None:
        note.diagnostics.append(Diagnostic(note.rel, _meta_line(text, key), WARNING,
                                           f"frontmatter '{key}' holds {values.kind(bad)}, not text; "
                                           "it is left out", code="frontmatter"))
    return found


def _meta_line(text: str, key: str) -> int:
    for n, line in enumerate(text.split("\n")[:200], 1):
        if f'"{key}"' in line or re.match(rf"\s*{re.escape(key)}\s*:", line):
            return n
    return 1


def _sections(tokens, offsets: list[int]) -> dict[str, tuple[int, int]]:
    """Where each heading's section and each ^block sits in the HTML, for embeds.

    A section runs to the next heading of its level or above, or to the end of
    the element it is in (a heading inside a <section> ends with it), so the
    slice is always whole elements.
    """
    sections: dict[str, tuple[int, int]] = {}
    for i, t in enumerate(tokens):
        if t.type != "heading_open" or not t.attrGet("id"):
            continue
        level, depth = int(t.tag[1]), t.level
        end = len(tokens)
        for j in range(i + 3, len(tokens)):
            u = tokens[j]
            if (u.type == "footnote_block_open" or (u.nesting == -1 and u.level < depth)
                    or (u.type == "heading_open" and u.level <= depth and int(u.tag[1]) <= level)):
                end = j
                break
        sections[t.attrGet("id")] = (offsets[i], offsets[end])
    for i, t in enumerate(tokens):
        block_id = t.meta.get("block_id") if t.meta else None
        if block_id and t.nesting == 1:
            close = next(j for j in range(i + 1, len(tokens))
                         if tokens[j].nesting == -1 and tokens[j].level == t.level)
            sections["^" + block_id] = (offsets[i], offsets[close + 1])
    return sections


def _embed_holders(note: Note) -> dict[int, tuple[str, ...]]:
    """For each note embed, the parts of this note that contain it: the whole note ("")
    and every heading section or ^block around it (resolve finds embed cycles with this)."""
    holders: dict[int, tuple[str, ...]] = {}
    if not any(link.kind == "embed" for link in note.links):
        return holders
    for m in SLOT_RE.finditer(note.html):
        n = int(m.group(2))
        if m.group(1) or note.links[n].kind != "embed":
            continue
        pos = m.start()
        holders[n] = ("",) + tuple(sorted(f for f, (start, end) in note.sections.items() if start <= pos < end))
    return holders


def _plain_text(tokens) -> str:
    parts = []
    for t in tokens:
        if t.type == "inline":
            parts.append(inline_text(t))
        elif t.type in ("fence", "code_block"):
            parts.append(t.content)
    return "\n".join(p for p in parts if p)


def _summary(description: str, tokens, env: dict) -> str:
    """Frontmatter description/summary, else the post's TLDRs, else its first paragraph."""
    if description.strip():
        return " ".join(description.split())
    tldrs = env.get("x_tldrs", [])
    whole = [t["text"] for t in tldrs if t["scope"] == "post"]
    if whole or tldrs:
        return _clip(" ".join(whole or [t["text"] for t in tldrs]))
    for i, t in enumerate(tokens):
        if t.type == "paragraph_open" and t.level == 0:
            text = inline_text(tokens[i + 1])
            if text:
                return _clip(text)
    return ""


def _cover(meta: dict, text: str, env: dict) -> None:
    """The `image`/`cover` of the frontmatter, for social cards: a web address as it is
    (`x_cover_url`), a vault file as one more link of the note (`x_cover`, its index),
    so it is resolved like any image, reported when missing, and copied into the site."""
    for key in ("image", "cover"):
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()
        if is_web(value):
            env["x_cover_url"] = value
            return
        wiki = value.lstrip("!").startswith("[[") and value.endswith("]]")
        if wiki:
            target, fragment = value.lstrip("!")[2:-2].split("|", 1)[0], ""
        else:
            target, fragment = split_href(value)
        env["x_cover"] = register(env, Link("image", target.strip(), fragment, "", _meta_line(text, key),
                                            markdown=not wiki))
        return


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"
