"""The explorer: the garden's folder tree as `static/explorer.json`.

Drawn by the page's script, so a new note does not re-render every page.
Folders come first, then notes; pinned notes (`dg-pinned`) lead their folder;
names sort naturally ("note 2" before "note 10"); `dg-hide` and
`dg-hide-in-filetree` leave a note out. Without JavaScript, breadcrumbs and the
folder pages give the same way around.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator

from ..paths import slugify_path
from ..resolve import Garden
from ..theme import Theme

EXPLORER_JSON = "static/explorer.json"


def natural_key(text: str) -> tuple:
    """"Note 10" sorts after "note 9": digits compare as numbers, letters without case."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text.casefold()) if part)


def explorer_tree(garden: Garden) -> dict:
    """{"name", "path", "folders": [...], "notes": [{"title", "path", "icon"?, "pinned"?}]}."""
    root: dict = {"name": "", "path": "", "folders": {}, "notes": []}
    for page in garden.pages:
        if page.settings.get("hide") or page.settings.get("hide_in_filetree") or page is garden.home:
            continue
        parts = page.tree.split("/")[:-1]
        node = root
        for depth, name in enumerate(parts, 1):
            child = node["folders"].get(name)
            if child is None:
                child = node["folders"][name] = {
                    "name": name, "path": slugify_path("/".join(parts[:depth]) + ".md"), "folders": {}, "notes": []}
            node = child
        entry = {"title": page.title, "path": page.path}
        if page.settings.get("note_icon"):
            entry["icon"] = page.settings["note_icon"]
        if page.settings.get("pinned"):
            entry["pinned"] = True
        node["notes"].append(entry)
    return _sorted(root)


def _sorted(node: dict) -> dict:
    folders = [_sorted(f) for _, f in sorted(node["folders"].items(), key=lambda kv: natural_key(kv[0]))]
    notes = sorted(node["notes"], key=lambda n: (not n.get("pinned"), natural_key(n["title"]), n["path"]))
    out = {"name": node["name"], "path": node["path"]}
    if folders:
        out["folders"] = folders
    if notes:
        out["notes"] = notes
    return out


def explorer_key(garden: Garden, theme: Theme) -> str:
    """A digest of all explorer_tree reads of each page: the tree is built (and sorted) only
    when this changes, which an edit to a note's text never does."""
    from . import common_key
    home = garden.home
    h = hashlib.blake2b(common_key(theme, garden.config).encode(), digest_size=16)
    h.update("".join([f"{p.tree}\0{p.title}\0{p.path}\0{p.settings.get('hide')}\0{p.settings.get('hide_in_filetree')}"
                      f"\0{p.settings.get('note_icon')}\0{p.settings.get('pinned')}\0{p is home}\n"
                      for p in garden.pages]).encode())
    return h.hexdigest()


def emit_explorer(garden: Garden, theme: Theme) -> Iterator[tuple[str, "Deferred"]]:
    from . import Deferred
    yield EXPLORER_JSON, Deferred(explorer_key(garden, theme), lambda: json.dumps(
        explorer_tree(garden), ensure_ascii=False, separators=(",", ":")).encode())
