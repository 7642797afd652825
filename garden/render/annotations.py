"""The parts of an annotated post the theme shows around its body: the cited sources, the
TLDRs (for the reading mode), the explain-simply panel to jump to, and the social card
(OpenGraph/Twitter) with its image. Plain data for the templates, from `Note.extras`.
"""
from __future__ import annotations

import posixpath

from ..markdown.wikilinks import IMAGE
from ..resolve import HOME_TAG, Garden, Page


def annotation_view(garden: Garden, page: Page) -> dict:
    note, cfg = page.note, garden.config
    extras = note.extras
    tldrs = extras.get("x_tldrs", [])
    explain = extras.get("x_explain", [])
    return {
        "sources": sources_view(extras.get("x_sources", [])) if cfg.annotations.sources else [],
        "source_sites": len({s["domain"] for s in extras.get("x_sources", [])}),
        "tldrs": [{"id": t["id"], "section": t["section"], "heading": t["heading"]} for t in tldrs],
        "explain": explain[0]["id"] if explain else "",
        "social": social_view(garden, page),
    }


def sources_view(sources: list[dict]) -> list[dict]:
    """Each cited page once: where it is, what the post calls it, and links back to each citation."""
    return [{"url": s["url"], "domain": s["domain"], "labels": s["labels"] or [s["domain"]],
             "count": len(s["cites"]), "cites": [{"id": c, "n": n} for n, c in enumerate(s["cites"], 1)]}
            for s in sources]


def social_view(garden: Garden, page: Page) -> dict:
    note, cfg = page.note, garden.config
    image = cover_image(garden, page)
    tags = [t for t in note.tags if t.lower() != HOME_TAG]
    return {
        "site_name": cfg.title,
        "image": image,
        "card": "summary_large_image" if image else "summary",
        "tags": tags,
        "author": str(note.meta.get("author") or cfg.author or ""),
    }


def cover_image(garden: Garden, page: Page) -> str:
    """The post's image for link cards: frontmatter `image`/`cover`, else its first image.
    Absolute when the garden has a base_url, like the canonical link."""
    note, cfg = page.note, garden.config
    targets = garden.targets.get(note.rel, [])
    cover = note.extras.get("x_cover")
    if cover is not None and cover < len(targets) and targets[cover].kind == "file":
        return cfg.absolute_url(targets[cover].path)
    if note.extras.get("x_cover_url"):
        return note.extras["x_cover_url"]
    for link, target in zip(note.links, targets):
        if link.kind in ("image", "embed") and target.kind == "file" \
                and posixpath.splitext(target.path)[1].lower() in IMAGE:
            return cfg.absolute_url(target.path)
    return ""
