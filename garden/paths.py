"""The vocabulary of paths, each with its invariant.

- vault path: "Folder/My Note.md", posix, relative to the vault, as on disk.
- site path:  "folder/my-note/", posix, relative to the site root, no leading "/",
              ending in "/" for a page ("" is the home page) or a file name for an asset.
- URL:        what goes into an href: a site path made relative to the page that links to
              it, so every link works under any base path (GitHub project pages) and offline.
"""
from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

_SLUG_DROP = re.compile(r"[^\w\s/.-]", re.UNICODE)
_SLUG_SPACE = re.compile(r"[\s./]+")
_SLUG_DASHES = re.compile(r"-{2,}")


@lru_cache(maxsize=65536)
def slugify_segment(text: str) -> str:
    """"My Note (draft)!" -> "my-note-draft"; keeps letters of every script."""
    text = unicodedata.normalize("NFC", text).lower().replace("&", "-and-")
    text = _SLUG_SPACE.sub("-", _SLUG_DROP.sub("", text))
    return _SLUG_DASHES.sub("-", text).strip("-_")


MAX_SEGMENT = 200  # bytes in one folder or file name of the site, well under every file system's limit
_UNSAFE = re.compile(r'[\x00-\x20\x7f"#%&\'*/:<>?\\^`{|}]+')


def path_segment(text: str) -> str:
    """The slug of a file or folder name, never empty: a name with no letter or digit
    ("🌱", "✨ ✨") keeps its own characters instead, so two such names never share a page
    (and never become the home page). A very long slug is cut and made unique by a digest."""
    slug = slugify_segment(text) or _UNSAFE.sub("-", unicodedata.normalize("NFC", text)).strip("-.")
    if not slug:
        return "_" + _short_digest(text)
    if len(slug.encode()) > MAX_SEGMENT:  # file systems refuse names over 255 bytes
        slug = slug.encode()[:MAX_SEGMENT - 9].decode(errors="ignore").rstrip("-") + "-" + _short_digest(text)
    return slug


def _short_digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


@lru_cache(maxsize=65536)
def slugify_path(vault_path: str) -> str:
    """'Folder/My Note.md' -> 'folder/my-note/' (the site path of the note's page)."""
    stem = vault_path[:-3] if vault_path.lower().endswith(".md") else vault_path
    parts = [path_segment(p) for p in stem.split("/") if p]
    return "/".join(parts) + "/" if parts else ""


_FILE_EXTENSION = re.compile(r"\.(?!md$)[a-z0-9]*[a-z][a-z0-9]*$", re.I)


def names_a_file(target: str) -> bool:
    """Whether a link target names an attachment ("img.png", "a/b.PDF"), not a note
    ("Note", "Note.md", "Version 1.2")."""
    return bool(_FILE_EXTENSION.search(target))


def slugify_file(vault_path: str) -> str:
    """An attachment keeps its extension: 'Images/My Photo.PNG' -> 'images/my-photo.png'."""
    folder, name = posixpath.split(vault_path)
    stem, ext = posixpath.splitext(name)
    parts = [path_segment(p) for p in folder.split("/") if p] + [path_segment(stem) if stem else "file"]
    return "/".join(parts) + ext.lower()


class UnsafePermalink(ValueError):
    pass


def normalize_permalink(value: str) -> str:
    """A user permalink ("/blog/post", "blog/post/") -> site path "blog/post/".

    Refuses anything that could leave the site or hide in it: "..", absolute URLs,
    backslashes, control characters, names starting with "." (also when
    percent-encoded: a browser reads "%2e%2e" as "..").
    """
    value = value.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) or value.startswith("//"):
        raise UnsafePermalink("a permalink must be a path, not a URL")
    value = unquote(value.split("?")[0].split("#")[0])
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise UnsafePermalink("a permalink may not contain backslashes or control characters")
    parts = [p for p in value.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise UnsafePermalink("a permalink may not contain '..'")
    if any(p.startswith(".") for p in parts):
        raise UnsafePermalink("a part of a permalink may not start with '.'")
    if any(len(p.encode()) > MAX_SEGMENT for p in parts):
        raise UnsafePermalink(f"a part of a permalink may be at most {MAX_SEGMENT} bytes long")
    if parts and parts[-1].lower().endswith((".html", ".htm")):
        parts[-1] = parts[-1].rsplit(".", 1)[0]
        if parts[-1] == "index":
            parts.pop()
    return "/".join(parts) + "/" if parts else ""


def page_file(site_path: str) -> str:
    """The file a page is written to: "a/b/" -> "a/b/index.html"."""
    return site_path + "index.html" if site_path.endswith("/") or not site_path else site_path


def relative_url(from_page: str, to: str) -> str:
    """The href from the page at site path `from_page` to site path `to`.

    relative_url("a/b/", "c/") == "../../c/"; relative_url("", "") == "./"
    """
    if from_page.endswith("/") or not from_page:
        depth = from_page.count("/")
    else:
        depth = posixpath.dirname(from_page).count("/") + bool(posixpath.dirname(from_page))
    return ("../" * depth + _quoted(to)) or "./"


@lru_cache(maxsize=65536)
def _quoted(path: str) -> str:
    return quote(path, safe="/#%:@!$&'()*+,;=-._~")


def root_url(from_page: str) -> str:
    """The href of the site root from a page, ending in "/" ("./" at the root)."""
    return relative_url(from_page, "")
