"""Cited sources: every web link says where it goes, and the post lists what it cites.

A core rule over the token stream gives each web link (already marked
`class="external"` by links.py) its domain, `www.` dropped, as a small
`<span class="link-domain">` after its text and as `data-domain` (the theme
draws an icon for well-known domains from that attribute, so this output does
not depend on the theme), and an id (`cite-N`) to link back to.

`env["x_sources"]` lists each cited page once, in order of first citation:
its URL, domain, the labels that cite it and the ids of the citing links; the
theme renders it as the post's "Sources" section.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .annotations import Settings
from .links import is_web


@lru_cache(maxsize=1024)  # each link asks twice (its domain, its source key)
def domain_of(url: str) -> str:
    """'https://www.BBC.com/news' -> 'bbc.com'; '' when the URL has no host."""
    try:
        host = urlsplit(url if not url.startswith("//") else "https:" + url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    if host.startswith("xn--") or ".xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            pass
    return host[4:] if host.startswith("www.") and host.count(".") > 1 else host


def _source_key(url: str) -> str:
    """Two links to one page (another #fragment, http or https, www. or not) cite one source."""
    parts = urlsplit(url if not url.startswith("//") else "https:" + url)
    path = parts.path.rstrip("/") or "/"
    return f"{domain_of(url)}{path}?{parts.query}"


def _text_of(children: list[Token], start: int) -> tuple[str, int]:
    """The plain text of a link whose link_open is children[start], and its link_close index."""
    depth, text = 0, []
    for k in range(start, len(children)):
        c = children[k]
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth -= 1
            if depth == 0:
                return "".join(text).strip(), k
        elif c.type in ("text", "code_inline"):
            text.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            text.append(" ")
        elif c.type == "image":
            text.append(c.content)
    return "".join(text).strip(), len(children) - 1


def _core(state, settings: Settings) -> None:
    sources: dict[str, dict] = {}
    n = 0
    in_heading = False
    for block in state.tokens:
        if block.type in ("heading_open", "heading_close"):
            in_heading = block.type == "heading_open"
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        for k, token in enumerate(children):  # a span inserted after k is visited too, and skipped
            if token.type != "link_open":
                continue
            href = token.attrGet("href") or ""
            domain = domain_of(href) if href and is_web(href) else ""
            if not domain:
                continue
            label, close = _text_of(children, k)
            n += 1
            cite = f"cite-{n}"
            token.attrSet("id", cite)
            token.attrSet("data-domain", domain)
            source = sources.setdefault(_source_key(href), {"url": href, "domain": domain, "labels": [],
                                                            "cites": []})
            source["cites"].append(cite)
            if label and label not in source["labels"] and label != href:
                source["labels"].append(label)
            shows_domain = domain in label.lower() or label.lower().startswith(("http://", "https://", "www."))
            if settings.link_domains and not in_heading and not shows_domain:
                span = Token("html_inline", "", 0, content=f'<span class="link-domain">{escapeHtml(domain)}</span>')
                children.insert(close, span)
    if sources:
        state.env["x_sources"] = list(sources.values())


def sources_plugin(md: MarkdownIt, settings: Settings | None = None) -> None:
    settings = settings or Settings.defaults()
    if not settings.enabled:
        return
    md.core.ruler.push("sources", lambda state: _core(state, settings))
