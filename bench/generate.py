"""Synthetic gardens for the benchmark, deterministic from (notes, seed).

A garden is a folder with `garden.toml` and `content/`: N notes over nested
folders (depth 1 to 4), each 300 to 1,500 words of word-list prose with what
real Obsidian notes hold: frontmatter in the Digital Garden plugin's one-line
JSON form and in Obsidian's YAML form, h2/h3 headings, wikilinks with aliases and
headings (a few to notes that do not exist), note, section and image embeds,
inline and frontmatter tags (some nested), annotated source links, `*TLDR:*`
paragraphs, python/js code blocks, callouts and footnotes, plus small SVG and PNG
attachments shared across notes. The same notes and seed always give the same
bytes; nothing is read from the network.

    python bench/generate.py /tmp/garden-1k --notes 1000 --seed 1
    garden build /tmp/garden-1k

Importable: `generate(dest, notes, seed)` returns a `GeneratedGarden`, whose
`edit_one`, `add_one` and `delete_one` make the changes the benchmark times.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

try:
    from .words import CALLOUTS, CONTENT, DOMAINS, FOLDERS, FUNCTION, TAG_ROOTS
except ImportError:  # run as a script: python bench/generate.py
    from words import CALLOUTS, CONTENT, DOMAINS, FOLDERS, FUNCTION, TAG_ROOTS

GENERATOR_VERSION = 1  # bump whenever the output for a given (notes, seed) changes
MARKER = "bench-garden.json"  # written at the garden's root; only such folders are ever replaced
ATTACHMENTS = "attachments"
IMAGES = [f"diagram-{i:02d}.svg" for i in range(1, 13)] + [f"photo-{i:02d}.png" for i in range(1, 13)]
MIN_WORDS, MAX_WORDS = 300, 1500


@dataclass
class NotePlan:
    """What other notes need to know about a note before any body is written."""
    index: int
    name: str  # the file name without .md: what [[links]] use
    folder: str  # "Soil/Carbon"; "" for the vault root
    form: str  # "json" (Digital Garden plugin) or "yaml" (Obsidian properties)
    published: bool
    sections: list[tuple[str, list[str]]]  # (h2 text, [h3 texts])
    tags: list[str]
    words: int  # target word count of the body
    sources: bool  # ends with a "Sources" section of annotated links

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.name}.md" if self.folder else f"{self.name}.md"

    @property
    def headings(self) -> list[str]:
        out = []
        for h2, h3s in self.sections:
            out.append(h2)
            out.extend(h3s)
        if self.sources:
            out.append("Sources")
        return out

    @property
    def permalink(self) -> str:
        return "/" + slug(self.name) + "/"


@dataclass
class Plan:
    seed: int
    notes: list[NotePlan]
    folders: list[str]
    tags: list[str]
    tag_weights: list[float]
    by_folder: dict[str, list[int]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # lower-cased, for dead-link names


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the plan: names, folders, headings and tags of every note ---------------------------

def _folders(rng: random.Random, count: int) -> list[str]:
    """`count` folders (at least 6), 1 to 4 deep, sibling names unique."""
    names = list(dict.fromkeys(FOLDERS))
    tops = rng.sample(names, k=max(3, min(12, count - 3)))
    folders = list(tops)
    children: dict[str, set[str]] = {f: set() for f in folders}
    chain = tops[0]
    for name in rng.sample([f for f in names if f not in tops], k=3):  # one path 4 deep, in any garden
        chain = f"{chain}/{name}"
        children[chain.rsplit("/", 1)[0]].add(name)
        children[chain] = set()
        folders.append(chain)
    while len(folders) < count:
        parent = rng.choice(folders)
        depth = parent.count("/") + 1
        if depth >= 4 or rng.random() > (1.0, 0.7, 0.35)[depth - 1]:  # fewer folders deeper down
            continue
        name = rng.choice(names)
        if name in children[parent] or name in parent.split("/"):
            continue
        path = f"{parent}/{name}"
        children[parent].add(name)
        children[path] = set()
        folders.append(path)
    return folders


def _tags(rng: random.Random) -> list[str]:
    tags = []
    for root in TAG_ROOTS:
        tags.append(root)
        for child in rng.sample(CONTENT, k=rng.choice((0, 0, 1, 2, 3))):
            tags.append(f"{root}/{child}")
    rng.shuffle(tags)
    return tags


def _phrase(rng: random.Random, lo: int, hi: int) -> str:
    return _cap(" ".join(rng.choices(CONTENT, k=rng.randint(lo, hi))))


def plan_garden(notes: int, seed: int) -> Plan:
    if notes < 2:
        raise ValueError("a garden needs at least 2 notes (a home note and one more)")
    rng = random.Random(f"garden-bench/{seed}/plan")
    folders = _folders(rng, max(8, notes // 25))
    tags = _tags(rng)
    weights = [1.0 / (k + 1) for k in range(len(tags))]  # a few big tags, a long tail
    plan = Plan(seed, [], folders, tags, weights)
    taken = {"home"}
    for i in range(notes):
        if i == 0:
            name, folder, form, published = "Home", "", "yaml", True
        else:
            name = _phrase(rng, 2, 4)
            while name.lower() in taken:
                name = _phrase(rng, 2, 4)
            folder = rng.choice(folders)
            form = "json" if rng.random() < 0.5 else "yaml"
            published = rng.random() >= 0.03
        taken.add(name.lower())
        words = rng.randint(380, 1350)
        count = max(2, min(8, round(words / 180)))
        headings = {"sources"}
        sections = []
        for _ in range(count):
            h2s = [_phrase(rng, 1, 4)]
            for _ in range(rng.choices((0, 1, 2), weights=(6, 3, 1))[0]):
                h2s.append(_phrase(rng, 2, 4))
            h2s = [h for h in h2s if h.lower() not in headings and not headings.add(h.lower())]
            if h2s:
                sections.append((h2s[0], h2s[1:]))
        if not sections:
            sections.append(("Overview", []))
        note_tags = list(dict.fromkeys(rng.choices(tags, weights=weights, k=rng.randint(1, 4))))
        if i == 0:
            note_tags = ["gardenEntry"]
        plan.notes.append(NotePlan(i, name, folder, form, published, sections, note_tags, words,
                                   sources=rng.random() < 0.45))
        plan.by_folder.setdefault(folder, []).append(i)
    plan.names = taken
    return plan


# --- prose ---------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _bank(seed: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Sentences drawn once per seed; paragraphs pick from them (fast, and reads like prose)."""
    rng = random.Random(f"garden-bench/{seed}/sentences")
    sentences, counts = [], []
    for _ in range(6000):
        n = rng.randint(6, 22)
        words = [rng.choice(FUNCTION) if rng.random() < 0.42 else rng.choice(CONTENT) for _ in range(n)]
        words[0] = _cap(words[0])
        if n > 11 and rng.random() < 0.4:
            k = rng.randint(3, n - 4)
            words[k] += ","
        end = "?" if rng.random() < 0.05 else "."
        sentences.append(" ".join(words) + end)
        counts.append(n)
    return tuple(sentences), tuple(counts)


PYTHON_SNIPPETS = [
    'def {a}_{b}(items, limit={n}):\n    """Return the {a} {b} of each item, at most {n}."""\n'
    '    result = []\n    for item in items[:limit]:\n        if item.get("{c}"):\n'
    '            result.append(item["{c}"] * {n})\n    return result\n',
    'from dataclasses import dataclass\n\n\n@dataclass\nclass {A}:\n    {a}: str\n    {b}: int = {n}\n\n'
    '    def score(self) -> float:\n        return len(self.{a}) / max(1, self.{b})\n',
    '{a} = {{"{b}": {n}, "{c}": {m}}}\nfor key, value in sorted({a}.items()):\n'
    '    print(f"{{key}}: {{value:>4}}")\n',
]
JS_SNIPPETS = [
    'function {a}{B}(list, size = {n}) {{\n  // group the {c} entries by {b}\n  const out = new Map();\n'
    '  for (const entry of list.slice(0, size)) {{\n    const key = entry.{b} ?? "{c}";\n'
    '    out.set(key, (out.get(key) || 0) + 1);\n  }}\n  return out;\n}}\n',
    'const {a} = document.querySelectorAll(".{b}");\n{a}.forEach((el, i) => {{\n'
    '  el.dataset.{c} = String(i * {n});\n  el.addEventListener("click", () => el.classList.toggle("open"));\n}});\n',
    'export async function load{A}(url) {{\n  const response = await fetch(url);\n'
    '  if (!response.ok) throw new Error("{a} {b} failed: " + response.status);\n  return response.json();\n}}\n',
]


class Body:
    """Writes one note's Markdown body, counting its words as it goes."""

    def __init__(self, plan: Plan, note: NotePlan, rng: random.Random):
        self.plan, self.note, self.rng = plan, note, rng
        self.sentences, self.counts = _bank(plan.seed)
        self.parts: list[str] = []
        self.words = 0
        self.prose: list[int] = []  # indices of plain paragraphs in parts, which trim() may drop
        self.footnotes: list[str] = []
        # One note in 12 links to a note not written yet, one in 12 embeds a whole note: by index,
        # so that even a small garden has both.
        self.dead_link = note.index % 12 == 7
        self.embeds = []  # embed lines still to place, drawn up front
        earlier = note.index - 1
        if earlier >= 1 and rng.random() < 0.25:
            self.embeds.append(self.embed(section=True))
        if earlier >= 1 and note.index % 12 == 5:
            self.embeds.append(self.embed(section=False))
        for _ in range(rng.choices((0, 1, 2), weights=(13, 5, 2))[0]):
            self.embeds.append(f"![[{rng.choice(IMAGES)}]]")
        rng.shuffle(self.embeds)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.words += len(text.split())

    # links and embeds
    def target(self) -> NotePlan:
        rng, notes = self.rng, self.plan.notes
        for _ in range(8):
            r = rng.random()
            if r < 0.4:  # popular notes: log-uniform over the index
                i = int(len(notes) ** rng.random())
            elif r < 0.65:
                i = rng.choice(self.plan.by_folder[self.note.folder])
            else:
                i = rng.randrange(len(notes))
            i = min(i, len(notes) - 1)
            if i != self.note.index and notes[i].published:
                return notes[i]
        return notes[0]

    def link(self) -> str:
        rng = self.rng
        if self.dead_link:
            self.dead_link = False
            name = _phrase(rng, 2, 3)
            if name.lower() not in self.plan.names:
                return f"[[{name}]]"
        t = self.target()
        name = f"{t.folder}/{t.name}" if t.folder and rng.random() < 0.05 else t.name
        r = rng.random()
        if r < 0.55:
            return f"[[{name}]]"
        if r < 0.75:
            return f"[[{name}|{' '.join(rng.choices(CONTENT, k=rng.randint(1, 3)))}]]"
        heading = rng.choice(t.headings)
        if r < 0.9:
            return f"[[{name}#{heading}]]"
        return f"[[{name}#{heading}|{rng.choice(CONTENT)}]]"

    def embed(self, section: bool) -> str:
        """An embed of an earlier note (so embeds never form cycles), or of one of its sections."""
        rng, notes = self.rng, self.plan.notes
        for _ in range(8):
            t = notes[rng.randrange(1, self.note.index)] if self.note.index > 1 else notes[0]
            if t.published and t.index != self.note.index:
                break
        else:
            t = notes[0]
        if section:
            return f"![[{t.name}#{rng.choice(t.headings)}]]"
        return f"![[{t.name}]]"

    def tag(self) -> str:
        tag = self.rng.choices(self.plan.tags, weights=self.plan.tag_weights)[0]
        return "#" + tag

    # prose
    def sentence(self) -> tuple[str, int]:
        k = int(self.rng.random() * len(self.sentences))  # randrange() is 3x slower, and this is hot
        return self.sentences[k], self.counts[k]

    def decorate(self, text: str) -> str:
        """Put a link, tag, emphasis, code span, external link or footnote inside a sentence."""
        rng = self.rng
        words = text.split(" ")
        k = rng.randrange(1, len(words))
        r = rng.random()
        if r < 0.55:
            piece = self.link()
        elif r < 0.63:
            piece = self.tag()
        elif r < 0.73:
            piece = f"**{rng.choice(CONTENT)} {rng.choice(CONTENT)}**"
        elif r < 0.81:
            piece = f"*{rng.choice(CONTENT)}*"
        elif r < 0.87:
            piece = f"`{rng.choice(CONTENT)}_{rng.choice(CONTENT)}()`"
        elif r < 0.93:
            piece = f"[{rng.choice(CONTENT)} {rng.choice(CONTENT)}]({self.url()})"
        else:
            self.footnotes.append(self.sentence()[0])
            words[-1] += f"[^{len(self.footnotes)}]"
            return " ".join(words)
        words.insert(k, piece)
        return " ".join(words)

    def url(self) -> str:
        rng = self.rng
        return f"https://{rng.choice(DOMAINS)}/{rng.choice(CONTENT)}/{rng.choice(CONTENT)}-{rng.randint(1, 999)}"

    def paragraph(self, budget: int) -> str:
        random = self.rng.random
        out, n = [], 0
        while n < budget:
            s, c = self.sentence()
            if random() < 0.22:
                s = self.decorate(s)
            out.append(s)
            n += c
        return " ".join(out)

    def paragraphs(self, budget: int) -> None:
        start = self.words
        while (left := budget - (self.words - start)) > 0:
            self.prose.append(len(self.parts))
            self.add(self.paragraph(min(self.rng.randint(35, 110), left + 10)))

    def trim(self, limit: int) -> None:
        """Drop plain paragraphs from the end until the note is within `limit` words
        (headings, links in other blocks and embeds stay, so every planned heading exists)."""
        while self.words > limit and self.prose:
            i = self.prose.pop()
            self.words -= len(self.parts[i].split())
            self.parts[i] = ""

    # blocks
    def code(self) -> str:
        rng = self.rng
        lang = rng.choice(("python", "js"))
        snippet = rng.choice(PYTHON_SNIPPETS if lang == "python" else JS_SNIPPETS)
        a, b, c = (rng.choice(CONTENT) for _ in range(3))
        return f"```{lang}\n" + snippet.format(a=a, b=b, c=c, A=_cap(a), B=_cap(b), n=rng.randint(2, 99),
                                                m=rng.randint(2, 99)) + "```"

    def callout(self) -> str:
        rng = self.rng
        kind = rng.choice(CALLOUTS)
        fold = rng.choice(("", "", "", "-", "+"))
        lines = [f"> [!{kind}]{fold} {_phrase(rng, 2, 5)}"]
        lines += ["> " + self.paragraph(rng.randint(15, 45))]
        if rng.random() < 0.3:
            lines += [">", "> " + self.paragraph(rng.randint(10, 25))]
        return "\n".join(lines)

    def bullets(self) -> str:
        return "\n".join("- " + self.paragraph(1) for _ in range(self.rng.randint(3, 6)))

    def sources(self, count: int) -> str:
        rng = self.rng
        items = []
        for _ in range(count):
            label = _phrase(rng, 2, 5)
            items.append(f"- **[{label}]({self.url()}):** {self.paragraph(rng.randint(8, 25))}")
        return "\n".join(items)

    def block(self) -> str:
        rng = self.rng
        if self.embeds and rng.random() < 0.6:
            return self.embeds.pop()
        return rng.choices((self.code, self.callout, self.bullets, lambda: self.sources(rng.randint(2, 4))),
                           weights=(3, 3, 3, 2))[0]()


def note_body(plan: Plan, note: NotePlan) -> str:
    rng = random.Random(f"garden-bench/{plan.seed}/body/{note.index}")
    b = Body(plan, note, rng)
    if note.index == 0:
        b.add("Welcome to this garden. " + b.paragraph(40))
        firsts = [plan.notes[ix[0]] for ix in plan.by_folder.values() if ix and ix[0] != 0]
        b.add("\n".join(f"- [[{n.name}]]" for n in firsts[:40] if n.published))
    elif rng.random() < 0.2:
        b.add(f"# {note.name}")
    target = note.words - (90 if note.sources else 0)
    b.paragraphs(rng.randint(30, 80))
    for k, (h2, h3s) in enumerate(note.sections):
        share = max(25, (target - b.words) // (len(note.sections) - k) - 40)  # 40: blocks, TLDRs
        b.add(f"## {h2}")
        b.paragraphs(share // (len(h3s) + 1))
        if rng.random() < 0.45:
            b.add(b.block())
            b.paragraphs(rng.randint(10, 30))
        for h3 in h3s:
            b.add(f"### {h3}")
            b.paragraphs(share // (len(h3s) + 1))
        if rng.random() < 0.6:
            b.add(f"*TLDR:* {b.paragraph(rng.randint(10, 30))}")
    while b.embeds:
        b.add(b.embeds.pop())
    if note.sources:
        b.add("## Sources")
        b.add(b.sources(rng.randint(2, 5)))
    while b.words < MIN_WORDS + 20:
        b.add(b.paragraph(60))
    if b.footnotes:
        b.add("\n".join(f"[^{i}]: {text}" for i, text in enumerate(b.footnotes, 1)))
    b.trim(MAX_WORDS - 20)
    return "\n\n".join(p for p in b.parts if p) + "\n"


def frontmatter(plan: Plan, note: NotePlan) -> str:
    rng = random.Random(f"garden-bench/{plan.seed}/meta/{note.index}")
    if note.form == "json":
        data = {"dg-publish": note.published, "permalink": note.permalink, "title": note.name,
                "tags": note.tags}
        return "---\n" + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n---\n"
    lines = ["---"]
    if note.published:
        lines.append("dg-publish: true")
    elif rng.random() < 0.5:
        lines.append("dg-publish: false")
    if note.index == 0:
        lines.append("dg-home: true")
    lines.append("tags:")
    lines += [f"  - {t}" for t in note.tags]
    y, m, d = rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28)
    lines.append(f"created: {y}-{m:02d}-{d:02d}")
    lines.append(f"updated: {y + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def note_text(plan: Plan, note: NotePlan) -> str:
    return frontmatter(plan, note) + "\n" + note_body(plan, note)


# --- attachments ---------------------------------------------------------------------------

def svg(i: int) -> bytes:
    rng = random.Random(f"garden-bench/svg/{i}")
    shapes = []
    for _ in range(6):
        x, y, r = rng.randint(10, 150), rng.randint(10, 90), rng.randint(5, 30)
        color = "#%02x%02x%02x" % (rng.randint(40, 200), rng.randint(80, 220), rng.randint(40, 160))
        shapes.append(f'  <circle cx="{x}" cy="{y}" r="{r}" fill="{color}" opacity="0.7"/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="100" viewBox="0 0 160 100">\n'
            '  <rect width="160" height="100" fill="#f4f1e8"/>\n' + "\n".join(shapes) + "\n</svg>\n").encode()


def png(i: int, width: int = 48, height: int = 32) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(v for x in range(width) for v in ((x * 5 + i * 20) % 256, (y * 7) % 256, 120))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


# --- writing a garden and changing it ------------------------------------------------------

@dataclass
class Change:
    """One file changed by the benchmark, with what to put back."""
    path: Path
    before: bytes | None  # None: the file did not exist


@dataclass
class GeneratedGarden:
    root: Path
    plan: Plan
    changes: list[Change] = field(default_factory=list)

    @property
    def content(self) -> Path:
        return self.root / "content"

    def _touch(self, path: Path) -> None:
        self.changes.append(Change(path, path.read_bytes() if path.exists() else None))

    def _pick(self, fraction: float) -> NotePlan:
        notes = self.plan.notes
        start = max(1, int(len(notes) * fraction))
        return next((n for n in notes[start:] + notes[1:start] if n.published), notes[0])

    def edit_one(self) -> Path:
        """Add a sentence with a new link to a note in the middle of the garden."""
        note = self._pick(0.5)
        path = self.content / note.rel
        self._touch(path)
        other = self._pick(0.25)
        with path.open("a", encoding="utf-8", newline="\n") as f:
            f.write(f"\nAn edit made while writing: this now also points to [[{other.name}]].\n")
        return path

    def add_one(self) -> Path:
        """A new published note beside an existing one, linking into the garden."""
        near = self._pick(0.5)
        new = NotePlan(len(self.plan.notes), "A note added just now", near.folder, "yaml", True,
                       [("What changed", []), ("Next steps", [])], ["seedling"], 400, False)
        path = self.content / new.rel
        self._touch(path)
        path.write_text(note_text(self.plan, new), encoding="utf-8", newline="\n")
        return path

    def delete_one(self) -> Path:
        """Delete a published note that others link to (their links become dead)."""
        note = self._pick(1 / 3)
        path = self.content / note.rel
        self._touch(path)
        path.unlink()
        return path

    def restore(self) -> None:
        """Undo every change, newest first: the garden is as generated again."""
        for change in reversed(self.changes):
            if change.before is None:
                change.path.unlink(missing_ok=True)
            else:
                change.path.write_bytes(change.before)
        self.changes.clear()


def generate(dest: Path | str, notes: int, seed: int = 1) -> GeneratedGarden:
    """Write the garden into `dest` (new, empty, or a garden this module wrote before)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            raise FileExistsError(f"{dest} is not empty and was not written by {Path(__file__).name}; "
                                  "choose a new folder")
        shutil.rmtree(dest / "content", ignore_errors=True)
    plan = plan_garden(notes, seed)
    content = dest / "content"
    (content / ATTACHMENTS).mkdir(parents=True, exist_ok=True)
    for folder in plan.folders:
        (content / folder).mkdir(parents=True, exist_ok=True)
    for note in plan.notes:
        with open(content / note.rel, "w", encoding="utf-8", newline="\n") as f:
            f.write(note_text(plan, note))
    for i, name in enumerate(IMAGES, 1):
        (content / ATTACHMENTS / name).write_bytes(svg(i) if name.endswith(".svg") else png(i))
    (dest / "garden.toml").write_text(
        f'# A synthetic garden for benchmarks: {notes} notes, seed {seed}.\n'
        f'title = "Bench garden"\ndescription = "{notes} synthetic notes"\ncontent = "content"\n',
        encoding="utf-8")
    (dest / MARKER).write_text(json.dumps({"notes": notes, "seed": seed, "generator": GENERATOR_VERSION}) + "\n",
                               encoding="utf-8")
    return GeneratedGarden(dest, plan)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Write a synthetic garden (deterministic from --notes and --seed).")
    p.add_argument("dest", type=Path, help="a new or empty folder (or one this script wrote before)")
    p.add_argument("--notes", "-n", type=int, default=1000, help="number of notes (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = p.parse_args(argv)
    started = time.perf_counter()
    try:
        garden = generate(args.dest, args.notes, args.seed)
    except (FileExistsError, ValueError) as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    published = sum(n.published for n in garden.plan.notes)
    print(f"{args.notes} notes ({published} published) in {len(garden.plan.folders)} folders, "
          f"{len(IMAGES)} images, written to {args.dest} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
