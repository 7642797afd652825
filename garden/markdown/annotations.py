"""Annotated posts: TLDRs, explain-simply parts, questions with their answers, share cards.

Notes written as annotated posts close each section with a `*TLDR:*` line, end
with a `## Simplify` section, and often keep the chat that produced it: a
question ("can you explain this like I'm in middle school?") followed by its
answer, or by a short quoted text to share. A core rule over the token stream,
run after headings have their ids, recognises these shapes and marks them:

- a TLDR paragraph (`*TLDR:*`, `*TLDR*`, `**TL;DR:**`, `TLDR:` at its start) loses
  its marker, gets `class="tldr"`, a label, and the id of the section it closes;
  `> [!tldr]` callouts and a `## TL;DR` section are TLDRs too;
- a section headed "Simplify", "ELI5", ... and `> [!eli5]` callouts become
  explain-simply panels (`class="explain-simply"`);
- a question paragraph and the blocks after it become a question and an answer
  (inside an explain-simply section any request-shaped paragraph counts; elsewhere
  only one that asks for a simple explanation or a text to share);
- an answer that is only a short quote, given to a question asking for a text to
  share, becomes a share card with share links that carry the text.

What it finds goes out through `env` for the page: `x_tldrs` (each TLDR's id,
section and plain text) and `x_explain` (each panel's id). A note with none of
these shapes is left exactly as it was.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from .headings import inline_text

SHARE_MAX = 600  # characters: longer quotes are not share texts
QUESTION_MAX = 300


@dataclass(frozen=True)
class Settings:
    """What the parser needs of `[annotations]` and `[ui]`: hashable, so parsers are cached by it."""
    enabled: bool = True
    link_domains: bool = True
    tldr_markers: tuple[str, ...] = ("TL;DR", "TLDR", "TL DR", "TL:DR")
    tldr_headings: tuple[str, ...] = ("TL;DR", "TLDR", "TL DR", "Too long; didn't read")
    tldr_callouts: tuple[str, ...] = ("tldr",)
    simple_headings: tuple[str, ...] = ()
    simple_callouts: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    simple_questions: tuple[str, ...] = ()
    share_questions: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # ui strings: tldr, question, answer, share_on, copy, ...

    @classmethod
    def from_config(cls, cfg) -> "Settings":
        a, ui = cfg.annotations, cfg.ui
        names = ("tldr", "question", "answer", "share", "share_on", "copy", "copied", "mastodon_server",
                 "explain_simply")
        return cls(a.enabled, a.link_domains, tuple(a.tldr_markers), tuple(a.tldr_headings),
                   tuple(a.tldr_callouts), tuple(a.simple_headings), tuple(a.simple_callouts),
                   tuple(a.questions), tuple(a.simple_questions), tuple(a.share_questions),
                   tuple((n, getattr(ui, n)) for n in names))

    @classmethod
    def defaults(cls) -> "Settings":
        from ..config import Config
        return cls.from_config(Config())

    def label(self, name: str) -> str:
        return dict(self.labels).get(name, name)


class _Patterns:
    """The settings compiled once per parser."""

    def __init__(self, s: Settings):
        self.s = s
        markers = sorted(s.tldr_markers, key=len, reverse=True)
        alternatives = "|".join(re.escape(m) for m in markers)
        self.marker = re.compile(r"^\s*(?:" + alternatives + r")(?![\w])\s*[:.\-–—]?\s*", re.I) if markers else None
        self.marker_start = re.compile(r"[\s*_]*(?:" + alternatives + ")", re.I) if markers else None
        self.tldr_headings = {_heading_key(h) for h in s.tldr_headings}
        self.simple_headings = {_heading_key(h) for h in s.simple_headings}
        self.tldr_callouts = {c.lower() for c in s.tldr_callouts}
        self.simple_callouts = {c.lower() for c in s.simple_callouts}
        self.questions = [re.compile(p, re.I) for p in s.questions]
        self.simple_questions = [re.compile(p, re.I) for p in s.simple_questions]
        self.share_questions = [re.compile(p, re.I) for p in s.share_questions]


_TRAILING = re.compile(r"[\s:.!?…\-–—]+$")


def _heading_key(text: str) -> str:
    """'Explain simply:' and 'explain  simply' are the same heading."""
    return " ".join(_TRAILING.sub("", text.replace("’", "'")).lower().split())


def _any(patterns, text: str) -> bool:
    return any(p.search(text) for p in patterns)


# --- the token stream, as top-level blocks ------------------------------------------------------

def _end(tokens: list[Token], i: int) -> int:
    """Index after the block that starts at i (a leaf, or an open token and its close)."""
    if tokens[i].nesting != 1:
        return i + 1
    level = tokens[i].level
    j = i + 1
    while not (tokens[j].nesting == -1 and tokens[j].level == level):
        j += 1
    return j + 1


def _blocks(tokens: list[Token], start: int, stop: int) -> list[tuple[int, int]]:
    blocks = []
    i = start
    while i < stop:
        j = _end(tokens, i)
        blocks.append((i, j))
        i = j
    return blocks


def _paragraph_text(tokens: list[Token], i: int) -> str | None:
    """The text of a visible paragraph block at i, else None."""
    if tokens[i].type != "paragraph_open" or tokens[i].hidden:
        return None
    return inline_text(tokens[i + 1])


def _wrap(tokens: list[Token], start: int, stop: int, kind: str, attrs: dict, tag: str = "div") -> None:
    """Put tokens[start:stop] inside a `tag` element (a `kind`_open and `kind`_close token)."""
    level = tokens[start].level
    for t in tokens[start:stop]:
        t.level += 1
    open_ = Token(kind + "_open", tag, 1, level=level, block=True)
    for k, v in attrs.items():
        open_.attrSet(k, v)
    close = Token(kind + "_close", tag, -1, level=level, block=True)
    tokens[stop:stop] = [close]
    tokens[start:start] = [open_]


class _Ids:
    """Element ids that collide with no heading id nor each other."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.used: set | None = None  # found on the first new id: most notes never ask for one

    def new(self, base: str) -> str:
        if self.used is None:
            self.used = {hid for t in self.tokens if (hid := t.attrs.get("id"))}
        n, hid = 1, base
        while hid in self.used:
            n += 1
            hid = f"{base}-{n}"
        self.used.add(hid)
        return hid


# --- the rule -----------------------------------------------------------------------------------

def _core(state, p: _Patterns) -> None:
    tokens: list[Token] = state.tokens
    ids = _Ids(tokens)
    tldrs: list[dict] = []
    panels: list[dict] = []

    _marks(tokens, p, ids, tldrs, panels)
    # Questions and answers: inside explain-simply sections any request counts; elsewhere only
    # a request for a simple explanation or a text to share. Regions are walked last to first so
    # that wrapping one never moves the tokens of another; they never cross a heading, so the
    # sections are found again afterwards.
    for start, stop, simple in reversed(_regions(tokens, _sections(tokens, p))):
        _questions(tokens, start, stop, simple, p, ids, panels)
    for i, stop, kind, hid in reversed(_sections(tokens, p)):
        line = tokens[i].map[0] if tokens[i].map else 0
        if kind == "simple":
            _wrap(tokens, i, stop, "explain", {"class": "explain-simply", "aria-labelledby": hid}, "section")
            panels.append({"id": hid, "line": line})
        else:
            text = " ".join(t for j, _ in _blocks(tokens, i + 3, stop) if (t := _block_text(tokens, j)))
            _wrap(tokens, i, stop, "tldr_section", {"class": "tldr tldr-section", "aria-labelledby": hid},
                  "section")
            tldrs.append({"id": hid, "section": "", "heading": inline_text(tokens[i + 2]), "text": text,
                          "scope": "post", "line": line})
    if tldrs:
        tldrs.sort(key=lambda t: t.pop("line"))
        state.env["x_tldrs"] = tldrs
    if panels:
        panels.sort(key=lambda t: t.pop("line"))
        state.env["x_explain"] = panels


def _block_text(tokens: list[Token], i: int) -> str:
    return " ".join(inline_text(t) for t in tokens[i:_end(tokens, i)] if t.type == "inline")


def _marks(tokens, p: _Patterns, ids: _Ids, tldrs: list, panels: list) -> None:
    """TLDR paragraphs and callouts (`> [!tldr]`), and `> [!eli5]` explain-simply callouts, in
    document order; each TLDR is tied to the section (heading) it closes."""
    heading = None  # the index of the heading whose section we are in
    for i, t in enumerate(tokens):
        if t.type == "heading_open":
            heading = i
            continue
        if t.type == "paragraph_open":
            if t.hidden or p.marker is None or not _may_mark(tokens[i + 1], p) \
                    or not _strip_marker(tokens[i + 1], p.marker):
                continue
            label = Token("html_inline", "", 0,
                          content=f'<span class="tldr-label">{escapeHtml(p.s.label("tldr"))}</span> ')
            tokens[i + 1].children.insert(0, label)
            text = inline_text(tokens[i + 1])
        elif t.type == "callout_open" and t.meta.get("callout") in p.tldr_callouts:
            stop = _end(tokens, i)
            body = next((j for j in range(i, stop) if tokens[j].type == "callout_content_open"), None)
            # The text: the body, else a title of its own (a bare `> [!tldr]` says nothing).
            text = _block_text(tokens, body) if body is not None else \
                inline_text(tokens[i + 2]) if tokens[i + 2].content.strip() else ""
            if not text:
                continue
            _default_title(tokens[i + 2], p.s.label("tldr"))
        elif t.type == "callout_open" and t.meta.get("callout") in p.simple_callouts:
            _default_title(tokens[i + 2], p.s.label("explain_simply"))
            hid = ids.new("explain-simply")
            t.attrJoin("class", "explain-simply")
            t.attrSet("id", hid)
            panels.append({"id": hid, "line": t.map[0] if t.map else 0})
            continue
        else:
            continue
        section = (tokens[heading].attrGet("id") or "") if heading is not None else ""
        hid = ids.new(f"tldr-{section}" if section else "tldr")
        t.attrJoin("class", "tldr")
        t.attrSet("id", hid)
        if section:
            t.attrSet("data-section", section)
        title = inline_text(tokens[heading + 1]) if heading is not None else ""
        tldrs.append({"id": hid, "section": section, "heading": title, "text": text,
                      "scope": "section" if section else "post", "line": t.map[0] if t.map else 0})


def _default_title(title: Token, label: str) -> None:
    """A callout without a title of its own is titled by its type ("Eli5"): say what it is."""
    if not title.content.strip() and title.children and title.children[0].type == "text":
        title.children[0].content = label


def _may_mark(inline: Token, p: _Patterns) -> bool:
    """Whether the paragraph's source could start with a TLDR marker (after `*` and `_`
    of emphasis), which is far cheaper to ask than `_strip_marker`. The text it reads is
    the source itself, except where an escape (`\\;`) or an entity (`&#59;`) stands for a
    character: then the source cannot tell."""
    content = inline.content
    return p.marker_start.match(content) is not None or "\\" in content or "&" in content


def _strip_marker(inline: Token, marker: re.Pattern) -> bool:
    """Remove a leading TLDR marker (`*TLDR:*`, `**TL;DR:**`, `TLDR:`) from a paragraph's children.

    True when there was one and some text follows it.
    """
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content)]
    k = 0
    while k < len(children) and children[k].type in ("em_open", "strong_open"):
        k += 1
    if k >= len(children) or children[k].type != "text":
        return False
    m = marker.match(children[k].content)
    if not m:
        return False
    rest = children[k].content[m.end():]
    opened = children[:k]
    closes = children[k + 1:k + 1 + len(opened)]
    if not rest and len(closes) == len(opened) and all(c.type.endswith("_close") for c in closes):
        drop = set(range(0, 2 * k + 1))  # the emphasis around the marker goes with it
        after = children[2 * k + 1:]
        if after and after[0].type == "text":
            after[0].content = re.sub(r"^\s*[:.\-–—]?\s*", "", after[0].content)
    else:
        drop = {k} if not rest else set()
        children[k].content = rest
    kept = [c for n, c in enumerate(children) if n not in drop]
    kept = [c for c in kept if not (c.type == "text" and not c.content)]
    if not inline_text(Token("inline", "", 0, children=kept)):
        return False
    inline.children = kept
    return True


def _sections(tokens, p: _Patterns) -> list[tuple[int, int, str, str]]:
    """(start, stop, "simple" | "tldr", heading id) of each explain-simply or TL;DR section."""
    found = []
    heads = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]
    for n, i in enumerate(heads):
        key = _heading_key(inline_text(tokens[i + 1]))
        kind = "simple" if key in p.simple_headings else "tldr" if key in p.tldr_headings else None
        if kind is None:
            continue
        level = int(tokens[i].tag[1])
        stop = next((j for j in heads[n + 1:] if int(tokens[j].tag[1]) <= level), None)
        if stop is None:
            stop = next((j for j in range(i, len(tokens)) if tokens[j].type == "footnote_block_open"), len(tokens))
        if found and found[-1][0] < i < found[-1][1]:
            continue  # a section inside one already found is part of it
        found.append((i, stop, kind, tokens[i].attrGet("id") or ""))
    return found


def _regions(tokens, sections) -> list[tuple[int, int, bool]]:
    """Stretches of top-level blocks between headings: (start, stop, inside an explain-simply section)."""
    regions = []
    heads = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]
    bounds = [0] + [j for i in heads for j in (i, _end(tokens, i))] + [len(tokens)]
    for start, stop in zip(bounds[::2], bounds[1::2]):
        if start >= stop:
            continue
        simple = any(s <= start < e and kind == "simple" for s, e, kind, _ in sections)
        regions.append((start, stop, simple))
    return regions


def _questions(tokens, start: int, stop: int, simple: bool, p: _Patterns, ids: _Ids, panels: list) -> None:
    stop = next((j for j in range(start, stop) if tokens[j].type == "footnote_block_open"), stop)
    blocks = _blocks(tokens, start, stop)
    asks = []  # (block index, kind)
    for n, (i, _) in enumerate(blocks):
        text = _paragraph_text(tokens, i)
        if (text is None or len(text) > QUESTION_MAX or text[:1] in _QUOTES or not _any(p.questions, text)
                or "tldr" in (tokens[i].attrGet("class") or "")):
            continue
        share = _any(p.share_questions, text)
        plain = _any(p.simple_questions, text)
        if share or plain or simple:
            asks.append((n, "share" if share else "simple" if plain else "ask", plain))
    for m in reversed(range(len(asks))):
        n, kind, plain = asks[m]
        last = asks[m + 1][0] if m + 1 < len(asks) else len(blocks)
        answer = blocks[n + 1:last]
        if not answer:
            continue
        q_start = blocks[n][0]
        a_start, a_stop = answer[0][0], answer[-1][1]
        shared = kind == "share" and _share_card(tokens, answer[0], p, ids)
        if kind == "share" and not shared:
            if not simple and not plain:
                continue  # asked for a text to share, answered with something else: leave it be
            kind = "simple" if plain else "ask"
        if shared:
            a_stop = _end(tokens, a_start)  # the card is the answer; what follows is not
        line = tokens[q_start].map[0] if tokens[q_start].map else 0
        tokens[q_start].attrJoin("class", "qa-question")
        tokens[q_start + 1].children.insert(0, _hidden_label(p.s.label("question") + ": "))
        _wrap(tokens, a_start, a_stop, "qa_answer", {"class": "qa-answer"})
        label = Token("html_label", "", 0, level=tokens[a_start].level + 1,
                      content=_hidden_label(p.s.label("answer") + ": ").content + "\n")
        tokens.insert(a_start + 1, label)
        end = a_stop + 3  # the answer's open, label and close tokens
        _wrap(tokens, q_start, end, "qa", {"class": "qa qa-share" if shared else "qa"})
        if kind == "simple" and not simple:
            hid = ids.new("explain-simply")
            _wrap(tokens, q_start, end + 2, "explain", {"class": "explain-simply", "id": hid, "role": "region",
                                                        "aria-label": p.s.label("explain_simply")})
            panels.append({"id": hid, "line": line})


def _hidden_label(text: str) -> Token:
    return Token("html_inline", "", 0, content=f'<span class="qa-label">{escapeHtml(text)}</span>')


_QUOTES = "\"“”„«»'‘’"


def _share_card(tokens, block: tuple[int, int], p: _Patterns, ids: _Ids) -> bool:
    """Make `block` a share card when it is a short quote: a blockquote of paragraphs, or one
    paragraph in quotation marks. True if it was."""
    i, j = block
    t = tokens[i]
    if t.type == "blockquote_open":
        if any(tokens[k].type not in ("paragraph_open", "paragraph_close", "inline") for k in range(i + 1, j - 1)):
            return False
        text = "\n\n".join(inline_text(tokens[k]) for k in range(i, j) if tokens[k].type == "inline")
        if not text or len(text) > SHARE_MAX:
            return False
        quote_open = t
    elif t.type == "paragraph_open" and not t.hidden:
        children = tokens[i + 1].children or []
        text = inline_text(tokens[i + 1])
        if (len(text) < 3 or len(text) > SHARE_MAX or text[0] not in _QUOTES or text[-1] not in _QUOTES
                or children[0].type != "text" or children[-1].type != "text"):
            return False
        children[0].content = children[0].content.lstrip().lstrip(_QUOTES)
        children[-1].content = children[-1].content.rstrip().rstrip(_QUOTES)
        text = inline_text(tokens[i + 1])
        _wrap(tokens, i, j, "blockquote", {}, "blockquote")
        quote_open = tokens[i]
        j += 2
    else:
        return False
    quote_open.attrJoin("class", "share-text")
    _wrap(tokens, i, j, "share_card", {"class": "share-card", "id": ids.new("share"), "data-share-text": text},
          "figure")
    tokens[i].meta = tokens[j + 1].meta = {"text": text, "labels": dict(p.s.labels)}
    return True


# --- rendering ----------------------------------------------------------------------------------

SHARE_SITES = (
    ("x", "X", "https://x.com/intent/tweet?text={text}"),
    ("bluesky", "Bluesky", "https://bsky.app/intent/compose?text={text}"),
)


def _open_tag(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    attrs = "".join(f' {k}="{escapeHtml(str(v))}"' for k, v in token.attrItems())
    return f"<{token.tag}{attrs}>\n"


def _close_tag(self, tokens, idx, options, env) -> str:
    return f"</{tokens[idx].tag}>\n"


def _share_close(self, tokens, idx, options, env) -> str:
    """The share links, after the quote: they carry its text (the page's address is added by
    the theme's script, which knows where the page is served)."""
    meta = tokens[idx].meta
    labels, text = meta["labels"], quote(meta["text"], safe="")
    links = "".join(
        f'<a class="share-link" data-share="{key}" href="{escapeHtml(url.format(text=text))}" target="_blank" '
        f'rel="noopener noreferrer" aria-label="{escapeHtml(labels["share_on"].format(site=name))}">'
        f'{escapeHtml(name)}</a>'
        for key, name, url in SHARE_SITES)
    buttons = (f'<button type="button" class="share-link needs-js" data-share="mastodon" '
               f'aria-label="{escapeHtml(labels["share_on"].format(site="Mastodon"))}" '
               f'data-prompt="{escapeHtml(labels["mastodon_server"])}">Mastodon</button>'
               f'<button type="button" class="share-link needs-js" data-share="copy" '
               f'data-done="{escapeHtml(labels["copied"])}">{escapeHtml(labels["copy"])}</button>')
    return (f'<figcaption class="share-actions"><span class="share-title">{escapeHtml(labels["share"])}</span>'
            f'{links}{buttons}</figcaption>\n</figure>\n')


def _raw(self, tokens, idx, options, env) -> str:
    return tokens[idx].content


def annotations_plugin(md: MarkdownIt, settings: Settings | None = None) -> None:
    settings = settings or Settings.defaults()
    if not settings.enabled:
        return
    patterns = _Patterns(settings)
    md.core.ruler.push("annotations", lambda state: _core(state, patterns))
    for kind in ("explain", "tldr_section", "qa", "qa_answer", "share_card"):
        md.add_render_rule(kind + "_open", _open_tag)
        md.add_render_rule(kind + "_close", _close_tag)
    md.add_render_rule("share_card_close", _share_close)
    md.add_render_rule("html_label", _raw)
