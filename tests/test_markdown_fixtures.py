"""Markdown rules, one fixture file per rule: tests/fixtures/markdown/<rule>.md.

Each case is markdown-it's fixture format: a title line, a line with a single
`.`, the Markdown, a `.`, the expected HTML, a `.`. The HTML is what the parse
stage writes for one note, with its link slots shown readably (they are filled
with real URLs only once the whole garden is known, see test_markdown_build.py):

    {link Note#Heading}text{/link}       a wikilink or Markdown link ("md:" for Markdown)
    {embed Note#^id|alias}                ![[...]]
    {image path|alt}                      a Markdown image into the vault
    {tag name}...{/tag}                   an inline #tag

After the HTML, `! line N: message` lists the warnings found while parsing and
`! x_flag` the per-note flags a rule set (e.g. x_mermaid for the note template).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from garden.markdown import create_markdown, render_with_offsets
from garden.markdown.slots import SLOT_RE

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
MD = create_markdown()


def show_slot(links, m: re.Match) -> str:
    link = links[int(m.group(2))]
    if m.group(1):
        return "{/" + link.kind + "}"
    target = ("md:" if link.markdown else "") + link.target + ("#" + link.fragment if link.fragment else "")
    text = "|" + link.text if link.text and link.kind in ("embed", "image") else ""
    return "{" + f"{link.kind} {target}{text}" + "}"


def render(src: str) -> str:
    env: dict = {"line_offset": 0}
    tokens = MD.parse(src, env)
    html, _ = render_with_offsets(MD, tokens, env)
    html = SLOT_RE.sub(lambda m: show_slot(env.get("links", []), m), html)
    notes = [f"! line {line}: {message}" for line, message, _ in env.get("problems", [])]
    notes += [f"! {key}" for key in sorted(env) if key.startswith("x_")]
    return html.rstrip("\n") + "".join("\n" + n for n in notes) + "\n"


def cases():
    for path in sorted(FIXTURES.glob("*.md")):
        for line, title, src, expected in read_fixture_file(path):
            yield pytest.param(src, expected, id=f"{path.stem}:{line + 1}:{title}")


@pytest.mark.parametrize("src, expected", list(cases()))
def test_fixture(src, expected):
    assert render(src) == expected


def test_every_rule_has_a_fixture_file():
    rules = {"callouts", "code", "comments", "footnotes", "headings", "highlight", "html", "blockids", "links",
             "math", "mermaid", "tags", "tasks", "wikilinks", "embeds", "gfm"}
    assert rules <= {p.stem for p in FIXTURES.glob("*.md")}


if __name__ == "__main__":  # print what a snippet renders to: python tests/test_markdown_fixtures.py < snippet.md
    import sys
    sys.stdout.write(render(sys.stdin.read()))


# Pieces of Markdown that start (or almost start) every rule: random documents made of them
# reach the corners where a rule tried only at its first characters could differ.
PIECES = ["# ", "## ", "> ", "> [!tip] Title\n", "> [!tldr]\n", "- ", "* ", "+ ", "1. ", "2) ", "```", "```js\n",
          "~~~", "    ", "\t", "[", "]", "(", ")", "[[", "]]", "![[", "![[a.png]]", "![[Note]]", "[[A#B|c]]", "^",
          " ^blk", "[^1]", "[^1]: x", "^[inline]", "$", "$$", "$x$", "<", ">", "<div>", "</div>", "<br>", "&amp;",
          "&#59;", "&#10;", "\\", "\\;", "*", "**", "_", "__", "`", "~~", "==", "|", "| a | b |\n|---|---|\n", ":",
          "@", "http://x.org/a", "www.ex.com", "WWW.ex.com", "#tag", "#2024", "%%", "%% c %%", "TLDR:", "*TLDR:*",
          "**TL;DR:** ", "---", "***", "___", "=", "-", "\n", "\n", "\n\n", " ", " ", "word ", "Explain simply",
          "Can you explain like I'm five?", "\"A quote.\"", "- [ ] ", "- [x] ", "## Simplify\n", "## TL;DR\n",
          "a@b.co", "<http://a.b>", "[x](http://e.com/p)", "[y](Note.md#h)", "![i](p.png)", "[ref]",
          "[ref]: http://r.org\n", "Setext\n===\n", "Setext\n---\n", "é", "\u00a0", "\r\n", "\x00"]


def test_trying_rules_only_at_their_first_characters_changes_no_note(monkeypatch):
    """first_chars.py tries each rule only where its first character stands: every note
    parses to what the parser that tries every rule everywhere makes of it."""
    import random

    import garden.markdown.first_chars as first_chars
    import garden.parse as parsing
    from garden.config import Config
    from garden.load import Source

    rng = random.Random(8)
    docs = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(1500)]
    cfg = Config()

    def parsed() -> list:
        parsing._markdown.cache_clear()  # a parser is made once per process: make it again
        notes = []
        for i, body in enumerate(docs):
            note = parsing.parse_note(Source(f"n{i}.md", f"n{i}.md", "---\npublish: true\n---\n" + body, "d", 0.0), cfg)
            notes.append((note.html, note.title, note.links, note.headings, note.sections, note.summary, note.text,
                          note.extras, note.tags, [(d.line, d.message) for d in note.diagnostics]))
        return notes

    fast = parsed()
    monkeypatch.setattr(first_chars, "first_chars_plugin", lambda md: None)
    try:
        plain = parsed()
    finally:
        parsing._markdown.cache_clear()
    differ = [docs[i] for i in range(len(docs)) if fast[i] != plain[i]]
    assert not differ, f"{len(differ)} notes differ, such as {differ[0]!r}"
