"""The graph of links between notes: `static/graph.json` and the global graph page.

Pages never embed the graph: the script fetches graph.json (cached by the
browser) and draws the local graph of the current note or the whole garden,
so an edit to one note re-renders only the pages it affects. Notes with
`dg-hide` or `dg-hide-in-graph` are left out, and unpublished notes are never
in the garden to begin with.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from ..resolve import HOME_TAG, Garden, Page
from ..theme import Theme

GRAPH_JSON = "static/graph.json"
GRAPH_PAGE = "graph/"


def in_graph(page: Page) -> bool:
    return not (page.settings.get("hide") or page.settings.get("hide_in_graph"))


def graph_json(garden: Garden) -> bytes:
    """{"nodes": [{id, title, tags, folder}], "links": [[source index, target index], ...]}, the
    nodes in page order and the links sorted (sources in order, each one's targets sorted;
    `linked` holds each once). The links, most of the file, are written as text, each
    source's at once (json.dumps took a third of a 10,000-note rebuild's graph)."""
    pages = [p for p in garden.pages if in_graph(p)]
    index = {p.note.rel: i for i, p in enumerate(pages)}
    nodes = []
    for page in pages:
        folder = page.tree.split("/")[0] if "/" in page.tree else ""
        nodes.append({"id": page.path, "title": page.title, "folder": folder,
                      "tags": [t for t in page.note.tags if t.lower() != HOME_TAG]})
    links = []
    resolutions, get = garden.resolutions, index.get
    for source, page in enumerate(pages):
        found = [i for i in map(get, resolutions[page.note.rel].linked) if i is not None]
        if found:
            found.sort()
            links.append(f"[{source}," + f"],[{source},".join(map(str, found)) + "]")
    nodes = json.dumps(nodes, ensure_ascii=False, separators=(",", ":"))
    return f'{{"nodes":{nodes},"links":[{",".join(links)}]}}'.encode()


def emit_graph(garden: Garden, theme: Theme) -> Iterator[tuple]:
    yield GRAPH_JSON, graph_json(garden)
    if GRAPH_PAGE in garden.by_path:
        return  # a note took the address; the header then has no graph link
    from . import Deferred, site_view, view_key  # the views live in render/__init__
    cfg = garden.config
    view = {"kind": "graph", "title": cfg.ui.global_graph, "path": GRAPH_PAGE,
            "canonical": cfg.absolute_url(GRAPH_PAGE), "description": cfg.description}
    yield GRAPH_PAGE + "index.html", Deferred(
        view_key(theme, cfg, view, garden.home is None),  # with the config and theme, all site_view reads
        lambda: theme.render("graph.html", site=site_view(garden, theme, GRAPH_PAGE), page=view, ui=cfg.ui).encode())
