"""Markdown links and images: internal ones become slots, external ones are marked.

`[text](Other%20Note.md)` and `![alt](img/photo.png)` point into the vault and
are resolved with the wikilinks; `[text](https://...)` points out and gets
`class="external"` and `rel="noopener noreferrer"`.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml

from ..model import Link
from .slots import close_slot, open_slot, register, use_line_stamps

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_SIZED_ALT = re.compile(r"^(.*?)\s*\|\s*(\d+)\s*(?:x\s*(\d+)\s*)?$", re.S)
# A web address markdown-it's normalizeLink leaves as it is: a host of DNS labels (no user, no
# IPv6 brackets, nothing its URL parser splits a host on), then only characters it never
# escapes. normalize_link also keeps the whole address under 256 characters: mdurl drops a
# longer host.
_PLAIN_WEB = re.compile(r"https?://(?:[A-Za-z0-9-]{1,63}\.){0,8}[A-Za-z0-9-]{1,63}(?::[0-9]{1,5})?"
                        r"(?:[/?#](?:[A-Za-z0-9\-._~/?#!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*)?")


def is_internal(href: str) -> bool:
    """A path into the vault or site: no scheme, not protocol-relative, not a same-page anchor."""
    return bool(href) and not _SCHEME.match(href) and not href.startswith(("#", "//"))


def is_web(href: str) -> bool:
    return href.lower().startswith(("http://", "https://", "//"))


def split_href(href: str) -> tuple[str, str]:
    """'My%20Note.md#Some%20Heading' -> ('My Note.md', 'Some Heading')."""
    path, _, fragment = href.partition("#")
    path = path.split("?", 1)[0]
    return unquote(path), unquote(fragment)


def _link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    stack = env.setdefault("_link_stack", [])
    if is_internal(href):
        path, fragment = split_href(href)
        text = ""
        for t in tokens[idx + 1:]:
            if t.type == "link_close":
                break
            text += t.content if t.type in ("text", "code_inline") else ""
        n = register(env, Link("link", path, fragment, text, token.meta.get("line", 0), markdown=True))
        stack.append(n)
        return open_slot(n)
    stack.append(None)
    if is_web(href):
        token.attrJoin("class", "external")
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _link_close(self, tokens, idx, options, env):
    stack = env.get("_link_stack") or [None]
    n = stack.pop()
    return close_slot(n) if n is not None else "</a>"


def _image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    if is_internal(src):
        path, fragment = split_href(src)
        link = Link("image", path, fragment, alt, token.meta.get("line", 0), markdown=True)
        return open_slot(register(env, link))
    size = ""
    m = _SIZED_ALT.match(alt)
    if m:  # ![Engelbart|100x145](https://...): Obsidian's size after the alt text
        alt, size = m.group(1), f' width="{m.group(2)}"' + (f' height="{m.group(3)}"' if m.group(3) else "")
    attrs = f' src="{escapeHtml(src)}" alt="{escapeHtml(alt)}"{size} loading="lazy"'
    if token.attrGet("title"):
        attrs += f' title="{escapeHtml(token.attrGet("title"))}"'
    return f"<img{attrs}>"


def normalize_link(url: str) -> str:
    """markdown-it's normalizeLink, which parses every address (a thirtieth of a note's parse
    when it cites a few sources), skipped for the plain web addresses it returns unchanged."""
    if len(url) < 256 and _PLAIN_WEB.fullmatch(url):
        return url
    return normalizeLink(url)


def links_plugin(md: MarkdownIt) -> None:
    use_line_stamps(md)
    md.normalizeLink = normalize_link
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("image", _image)
