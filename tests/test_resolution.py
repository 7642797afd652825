"""Obsidian link resolution, as [link, linking note, expected file] tables."""
import pytest

from garden.resolve.links import LinkIndex

NOTES = [
    "Home.md",
    "Ideas.md",
    "projects/Ideas.md",
    "projects/garden/Plan.md",
    "archive/2020/Plan.md",
    "areas/Reading List.md",
    "deep/a/b/c/Unique.md",
    "Journal/Daily.md",
]
FILES = ["attachments/photo.png", "projects/garden/photo.png", "docs/Spec Sheet.pdf", "Ideas.canvas"]
INDEX = LinkIndex(NOTES, FILES)


@pytest.mark.parametrize("target, source, expected", [
    ("Unique", "Home.md", "deep/a/b/c/Unique.md"),  # a name anywhere
    ("unique", "Home.md", "deep/a/b/c/Unique.md"),  # case-insensitive
    ("Unique.md", "Home.md", "deep/a/b/c/Unique.md"),  # with extension
    ("Ideas", "Home.md", "Ideas.md"),  # shortest path wins
    ("Ideas", "projects/garden/Plan.md", "Ideas.md"),
    ("Ideas", "projects/Other.md", "projects/Ideas.md"),  # same folder wins
    ("Plan", "Projects/Garden/Other.md", "projects/garden/Plan.md"),  # folder case does not matter
    ("projects/Ideas", "Home.md", "projects/Ideas.md"),  # full path
    ("garden/Plan", "Home.md", "projects/garden/Plan.md"),  # path suffix
    ("2020/plan", "Home.md", "archive/2020/Plan.md"),
    ("Plan", "Home.md", "archive/2020/Plan.md"),  # equal depth: the shorter path, then alphabetical
    ("Reading List", "Home.md", "areas/Reading List.md"),
    ("photo.png", "Home.md", "attachments/photo.png"),
    ("photo.png", "projects/garden/Plan.md", "projects/garden/photo.png"),
    ("garden/photo.png", "Home.md", "projects/garden/photo.png"),
    ("Spec Sheet.pdf", "Home.md", "docs/Spec Sheet.pdf"),
    ("Missing", "Home.md", None),
    ("Ideas.png", "Home.md", None),
    ("", "Journal/Daily.md", "Journal/Daily.md"),  # [[#Heading]]: the note itself
])
def test_wikilink_resolution(target, source, expected):
    assert INDEX.resolve(target, source).rel == expected


@pytest.mark.parametrize("target, source, expected", [
    ("Ideas.md", "projects/garden/Plan.md", "Ideas.md"),
    ("../Ideas.md", "projects/garden/Plan.md", "projects/Ideas.md"),  # relative to the note
    ("./Plan.md", "projects/garden/Other.md", "projects/garden/Plan.md"),
    ("/projects/Ideas.md", "deep/a/b/c/Unique.md", "projects/Ideas.md"),  # from the vault root
    ("Reading List.md", "Home.md", "areas/Reading List.md"),
    ("../../attachments/photo.png", "projects/garden/Plan.md", "attachments/photo.png"),
    ("../../../../../etc/passwd", "Home.md", None),
])
def test_markdown_link_resolution(target, source, expected):
    assert INDEX.resolve(target, source, markdown=True).rel == expected


def test_ambiguous_names_report_every_candidate():
    match = INDEX.resolve("Plan", "Home.md")
    assert set(match.candidates) == {"projects/garden/Plan.md", "archive/2020/Plan.md"}
    assert INDEX.resolve("Unique", "Home.md").candidates == ()


def test_did_you_mean_is_the_same_whether_names_are_looked_through_or_indexed():
    """A rebuild's few hints look through the names; past a few, the names are indexed."""
    import random

    from garden.resolve import _Context

    rng = random.Random(7)
    syllables = ["com", "post", "bee", "hive", "gar", "den", "moss", "fern", "ro", "ot", "seed", "ling"]
    names = {" ".join("".join(rng.sample(syllables, rng.randint(1, 3))) for _ in range(rng.randint(1, 3)))
             for _ in range(1500)}
    names |= {f"zzz {name}" for name in sorted(names)[:200]} | {"qqqqqqqq"}  # "zzz": in over a tenth of them
    rels = {f"f{i % 7}/{name}.md" for i, name in enumerate(sorted(names))}
    words = [name[::-1] for name in sorted(names)[:30]] + [name + "s" for name in sorted(names)[30:60]] + ["zzz qqqqqqqq", "o"]

    def context(scans: int) -> _Context:
        ctx = _Context(LinkIndex([], []), {}, {}, rels, {}, {})
        ctx.SCANS = scans
        return ctx

    looked, indexed = context(len(words) + 1), context(0)
    hints = [looked.hint(w) for w in words]
    assert looked._grams is None and indexed._grams is None  # nothing asked yet on the second
    assert hints == [indexed.hint(w) for w in words] and indexed._grams is not None
    assert sum(bool(h) for h in hints) > 20
    assert "[[qqqqqqqq]]" in hints[-2]  # the pieces many names share tell nothing: left out either way
