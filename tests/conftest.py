"""Shared helpers: build a small garden from a dict of files and read what a visitor would see."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import browser  # noqa: E402,F401  (one chromium per session, for every browser test)

ROOT = Path(__file__).resolve().parents[1]


def write_files(folder: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


class Site:
    """A built site: its files and parsed pages."""

    def __init__(self, out: Path, result=None, stderr: str = "", code: int = 0):
        self.out, self.result, self.stderr, self.code = out, result, stderr, code

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*")
                      if p.is_file() and p.name != ".garden-manifest.json")

    def text(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def page(self, site_path: str) -> BeautifulSoup:
        rel = site_path + "index.html" if site_path.endswith("/") or not site_path else site_path
        return BeautifulSoup(self.text(rel), "html.parser")

    def body(self, site_path: str):
        return self.page(site_path).select_one(".note-body")

    def all_text(self) -> str:
        """Every byte of the site as text, for leak checks."""
        return "\n".join((self.out / f).read_bytes().decode("utf-8", "replace") for f in self.files())

    @property
    def warnings(self) -> list[str]:
        return [d.format() for d in self.result.report.warnings] if self.result else []

    @property
    def errors(self) -> list[str]:
        return [d.format() for d in self.result.report.errors] if self.result else []


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Builds of plain vaults cache under XDG_CACHE_HOME: keep tests out of the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture
def make_garden(tmp_path):
    """make_garden(files, toml=None, **config overrides) -> Site, built in-process."""
    from garden.build import build
    from garden.config import load_config

    counter = {"n": 0}

    def make(files: dict, toml: str | None = None, out: Path | None = None, **overrides) -> Site:
        counter["n"] += 1
        root = tmp_path / f"garden{counter['n']}"
        vault = root / "content" if toml is not None else root
        write_files(vault, files)
        if toml is not None:
            (root / "garden.toml").write_text(textwrap.dedent(toml))
        out = out or tmp_path / f"out{counter['n']}"
        cfg = load_config(root, out=out, base_url=overrides.pop("base_url", None),
                          publish=overrides.pop("publish", None))
        for key, value in overrides.items():
            setattr(cfg, key, value)
        result = build(cfg, use_cache=False)
        return Site(out, result)

    return make


def run_garden(*args, cwd: Path | None = None, env=None) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it, with the garden package of this checkout
    (from another folder, `python -m garden` would import whichever copy is installed)."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run([sys.executable, "-m", "garden", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def broken_references(out: Path, base_path: str = "/") -> list[str]:
    """Every href/src in every page that does not lead to a written file (or a missing #anchor).

    Root-relative URLs must start with `base_path`, which is how a site under a
    sub-path (GitHub project pages) breaks when a generator hard-codes "/".
    """
    from urllib.parse import unquote, urljoin, urlsplit

    problems = []
    ids_cache: dict[Path, set] = {}

    def ids(path: Path) -> set:
        if path not in ids_cache:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids_cache[path] = {el["id"] for el in soup.select("[id]")}
        return ids_cache[path]

    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        base = soup.select_one("base[href]")
        page_url = "https://site.test" + base_path + rel
        if base is not None:
            page_url = urljoin("https://site.test", base["href"])
        for el in soup.select("a[href], img[src], link[href], script[src], audio[src], video[src], object[data]"):
            attr = next(a for a in ("href", "src", "data") if el.has_attr(a))
            url = el[attr]
            if el.name == "link" and el.get("rel") == ["canonical"]:
                continue
            if url.startswith(("http://", "https://", "mailto:", "//")) and "site.test" not in url:
                continue
            full = urlsplit(urljoin(page_url, url))
            if not full.path.startswith(base_path):
                problems.append(f"{rel}: {url} leaves the base path {base_path}")
                continue
            target = out / unquote(full.path[len(base_path):])
            if full.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{rel}: {url} -> missing {target.relative_to(out)}")
            elif full.fragment and target.suffix == ".html" and unquote(full.fragment) not in ids(target):
                problems.append(f"{rel}: {url} -> no element #{unquote(full.fragment)}")
    return problems


def html_errors(data: bytes | str) -> list[str]:
    """Parse errors html5lib (the HTML5 parsing algorithm, as browsers run it) finds in a page."""
    import html5lib

    parser = html5lib.HTMLParser(strict=False)
    parser.parse(data)
    return [f"{line}:{col}: {code} {info or ''}" for (line, col), code, info in parser.errors]
