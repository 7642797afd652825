"""The benchmark's synthetic gardens: deterministic, realistic, and built by garden without errors."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT, Site

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.convert import to_eleventy, to_hugo  # noqa: E402
from bench.generate import MAX_WORDS, MIN_WORDS, generate  # noqa: E402


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def garden(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("bench") / "garden", 30, seed=7)


def test_same_notes_and_seed_give_the_same_bytes(garden, tmp_path):
    again = generate(tmp_path / "again", 30, seed=7)
    assert tree(again.root) == tree(garden.root)
    other = generate(tmp_path / "other", 30, seed=8)
    assert tree(other.content) != tree(garden.content)


def test_notes_have_what_real_gardens_have(garden):
    notes = {p.relative_to(garden.content).as_posix(): p.read_text(encoding="utf-8")
             for p in garden.content.rglob("*.md")}
    assert len(notes) == 30
    assert {rel.count("/") for rel in notes} >= {1, 2, 3, 4}  # folders 1 to 4 deep (plus Home at the root)
    for rel, text in notes.items():
        body = text.split("\n---\n", 1)[1]
        assert MIN_WORDS <= len(body.split()) <= MAX_WORDS, rel
    text = "\n".join(notes.values())
    expected = {
        "JSON frontmatter": r'^\{"dg-publish":true,"permalink":"/[^"]+/","title":"[^"]+","tags":\[',
        "YAML frontmatter": r"^dg-publish: true\ntags:\n  - ",
        "nested frontmatter tag": r'"\w+/\w+"|^  - \w+/\w+$',
        "h2": r"^## \w", "h3": r"^### \w",
        "link": r"(?<!!)\[\[[^\]#|]+\]\]", "link with alias": r"(?<!!)\[\[[^\]#|]+\|[^\]]+\]\]",
        "link to a heading": r"(?<!!)\[\[[^\]|#]+#[^\]]+\]\]",
        "note embed": r"^!\[\[[^\]#.]+\]\]$", "section embed": r"^!\[\[[^\]]+#[^\]]+\]\]$",
        "image embed": r"^!\[\[[\w-]+\.(svg|png)\]\]$",
        "inline tag": r" #\w+ ", "nested inline tag": r" #\w+/\w+ ",
        "annotated source": r"^- \*\*\[[^\]]+\]\(https://[\w.-]+/[^)]+\):\*\* \w",
        "TLDR": r"^\*TLDR:\* \w", "python": r"^```python$", "js": r"^```js$",
        "callout": r"^> \[!\w+\][-+]? \w", "footnote": r"^\[\^1\]: \w",
    }
    missing = [name for name, rx in expected.items() if not re.search(rx, text, re.M)]
    assert not missing
    names = {Path(rel).stem.lower() for rel in notes}
    targets = {m.lower().rsplit("/", 1)[-1] for m in re.findall(r"\[\[([^\]#|]+)", text)}
    images = {t for t in targets if t.endswith((".svg", ".png"))}
    assert targets - images - names, "a few links go to notes that do not exist"
    assert all((garden.content / "attachments" / i).is_file() for i in images)


def test_garden_builds_it_without_errors(garden, tmp_path):
    from garden.build import build
    from garden.config import load_config

    cfg = load_config(garden.root, out=tmp_path / "site")
    result = build(cfg, use_cache=False)
    site = Site(tmp_path / "site", result)
    assert site.errors == []
    published = sum(n.published for n in garden.plan.notes)
    assert result.pages == published > 25
    home = site.page("")
    assert home.select_one(".note-body a[href]") is not None
    assert any(f.endswith(".svg") for f in site.files()) and any(f.endswith(".png") for f in site.files())
    assert all("broken link" in w or "nests too deep" in w for w in site.warnings)


def test_a_site_built_across_processes_equals_one_built_in_this_process(garden, tmp_path, monkeypatch):
    """Pages, list pages and search files rendered in worker processes, byte for byte."""
    from garden import parallel
    from garden.build import build
    from garden.config import load_config

    sites = {}
    for name, min_items in (("serial", 10**6), ("parallel", 1)):
        monkeypatch.setattr(parallel, "PARALLEL_MIN", min_items)
        build(load_config(garden.root, out=tmp_path / name), use_cache=False)
        sites[name] = tree(tmp_path / name)
    assert any(p.startswith("tags/") for p in sites["serial"]) and any(p.startswith("search/") for p in sites["serial"])
    assert sites["parallel"] == sites["serial"]


def test_changes_are_undone_byte_for_byte(tmp_path):
    garden = generate(tmp_path / "g", 12, seed=3)
    before = tree(garden.content)
    edited, added, deleted = garden.edit_one(), garden.add_one(), garden.delete_one()
    after = tree(garden.content)
    rel = {p: p.relative_to(garden.content).as_posix() for p in (edited, added, deleted)}
    assert after[rel[edited]] != before[rel[edited]]
    assert rel[added] in after and rel[added] not in before
    assert rel[deleted] in before and rel[deleted] not in after
    garden.restore()
    assert tree(garden.content) == before


def test_the_hugo_and_eleventy_sites_carry_the_same_notes(garden, tmp_path):
    published = sum(n.published for n in garden.plan.notes)
    hugo = to_hugo(garden.content, tmp_path / "hugo")
    eleventy = to_eleventy(garden.content, tmp_path / "eleventy", ROOT / "bench" / "node")
    assert hugo["pages"] == eleventy["pages"] == published
    for site in (tmp_path / "hugo" / "content", tmp_path / "eleventy" / "src"):
        pages = list(site.rglob("*.md"))
        assert len(pages) >= published
        text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
        assert "[[" not in text  # wikilinks became Markdown links, embeds their Markdown
        assert re.search(r"\]\(/[\w/-]+/#[\w-]+\)", text)  # a link to a heading of another note
        assert "](/attachments/" in text


def test_a_garden_gets_the_same_hints_in_every_process(tmp_path):
    """"Did you mean" picks among names that tie: by name, not by the order Python's
    per-process string hashing gives a set, so every build says the same."""
    import os
    import subprocess

    big = generate(tmp_path / "big", 3000, seed=1)
    said = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "garden", "check", str(big.root), "--no-cache"],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        said.append([line for line in done.stderr.splitlines() + done.stdout.splitlines() if "did you mean" in line])
    assert len(said[0]) > 20
    assert said[0] == said[1]
