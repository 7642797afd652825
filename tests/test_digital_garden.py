"""A repository made from the Obsidian Digital Garden template builds as the same garden,
with no garden.toml, and `garden init --from-digital-garden` writes the equivalent one."""
from __future__ import annotations

import filecmp

import pytest
from bs4 import BeautifulSoup
from conftest import broken_references, run_garden, write_files

from garden.digital_garden import date_pattern, read_env
from garden.render.dates import format_date

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

# The shape the plugin publishes: notes as it writes them, images under img/user, .env settings.
TEMPLATE = {
    "src/site/notes/Hedgerow.md": (
        '---\n{"dg-publish":true,"permalink":"/","dg-home":true,"tags":["gardenEntry"],'
        '"title":"The Hedgerow","created":"2023-01-02T10:00:00.000+01:00"}\n---\n\n'
        "A hedge is a slow garden: a row of shrubs that turns, over decades, into a wood.\n\n"
        "Start with [[Field Guide/Hawthorn|the hawthorn]] or the [[Field Guide/Blackthorn|blackthorn]].\n\n"
        "![A laid hedge in winter](/img/user/photos/laid%20hedge.png)\n"),
    "src/site/notes/Field Guide/Hawthorn.md": (
        '---\n{"dg-publish":true,"permalink":"/field-guide/hawthorn/","tags":["shrub"],'
        '"dg-show-backlinks":true,"created":"2023-05-14T08:30:00.000+02:00"}\n---\n\n'
        "# Hawthorn\n\nMay blossom, then red haws the birds strip by November.\n\n![[blossom.png]]\n\n"
        "It grows well beside [[Field Guide/Blackthorn|blackthorn]].\n"),
    "src/site/notes/Field Guide/Blackthorn.md": (
        '---\n{"dg-publish":true,"permalink":"/sloe/","tags":["shrub"]}\n---\n\n'
        "# Blackthorn\n\nFlowers before its leaves; the sloes want a frost. See [[Field Guide/Hawthorn]].\n"),
    "src/site/img/user/photos/laid hedge.png": PNG,
    "src/site/img/user/blossom.png": PNG + b"blossom",
    ".env": ("SITE_NAME_HEADER=Hedgerow Notes\n"
             "SITE_MAIN_LANGUAGE=en-GB\n"
             "SITE_BASE_URL=https://hedgerow.example.org\n"
             "SHOW_CREATED_TIMESTAMP=true\n"
             "TIMESTAMP_FORMAT=MMM dd, yyyy h:mm a\n"
             "SHOW_UPDATED_TIMESTAMP=false\n"
             "NOTE_ICON_DEFAULT=\n"
             "STYLE_SETTINGS_CSS=body{color:red}\n"
             "UI_BACKLINK_HEADER=Mentioned in\n"
             "UI_SEARCH_ENTER_HINT=enter to open\n"
             "dgHomeLink=true\n"
             "dgPassFrontmatter=false\n"
             "dgShowBacklinks=false\n"
             "dgShowLocalGraph=true\n"
             "dgShowInlineTitle=true\n"
             "dgShowFileTree=true\n"
             "dgEnableSearch=true\n"
             "dgShowToc=maybe\n"
             "dgLinkPreview=true\n"
             "dgShowTags=true\n"),
    ".gitignore": "node_modules\ndist\n.env.local\n",
    "package.json": '{"name": "digital-garden", "private": true}\n',
}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "hedgerow"
    write_files(root, TEMPLATE)
    return root


def page(out, site_path=""):
    return BeautifulSoup((out / site_path / "index.html").read_text(), "html.parser")


def test_template_repository_builds_as_the_same_garden(repo, tmp_path):
    out = tmp_path / "site"
    r = run_garden("build", repo, "--out", out, "--strict")
    assert r.returncode == 0, r.stderr
    assert "0 warnings, 0 errors" in r.stderr

    home = page(out)
    assert home.select_one("h1.note-title").text == "The Hedgerow"  # the gardenEntry note is the home page
    assert home.title.text.endswith("Hedgerow Notes")  # SITE_NAME_HEADER
    assert home.html["lang"] == "en-GB"  # SITE_MAIN_LANGUAGE
    assert home.select_one('link[rel="canonical"]')["href"] == "https://hedgerow.example.org/"
    img = home.select_one(".note-body img")
    assert img["src"] == "img/user/photos/laid-hedge.png" and img["alt"] == "A laid hedge in winter"
    assert (out / "img/user/photos/laid-hedge.png").read_bytes() == PNG
    assert (out / "img/user/blossom.png").read_bytes() == PNG + b"blossom"
    assert broken_references(out) == []

    hawthorn = page(out, "field-guide/hawthorn")  # permalinks as the plugin wrote them
    assert hawthorn.select_one(".note-body img")["src"] == "../../img/user/blossom.png"
    assert hawthorn.select_one('.note-body a[href="../../sloe/"]').text == "blackthorn"
    # dgShowBacklinks=false is the site default; the note's own setting wins; UI_BACKLINK_HEADER names it.
    assert hawthorn.select_one(".backlinks h2").text == "Mentioned in"
    assert page(out, "sloe").select_one(".backlinks") is None
    # SHOW_CREATED_TIMESTAMP with the TIMESTAMP_FORMAT, by the day; SHOW_UPDATED_TIMESTAMP=false.
    meta = hawthorn.select_one(".note-meta")
    assert meta.select_one("time")["datetime"] == "2023-05-14"
    assert meta.select_one("time").text == "May 14, 2023"
    assert "Updated" not in meta.text
    assert "gardenEntry" not in home.select_one(".note-header").text  # an internal tag
    assert not (out / "tags" / "gardenentry").exists()


def test_the_template_repository_is_left_as_it_was(repo, tmp_path):
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*"))
    r = run_garden("build", repo, "--out", tmp_path / "site")
    assert r.returncode == 0, r.stderr
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before


def test_default_output_is_build_in_the_repository(repo):
    r = run_garden("build", cwd=repo)
    assert r.returncode == 0, r.stderr
    assert (repo / "build" / "sloe" / "index.html").is_file()
    assert not (repo / "src" / "site" / "notes" / "build").exists()


def same_tree(a, b) -> list[str]:
    """The files that differ between two built sites (the build manifest aside)."""
    files = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files == other
    match, mismatch, errors = filecmp.cmpfiles(a, b, [f for f in files if f != ".garden-manifest.json"],
                                               shallow=False)
    return mismatch + errors


def test_init_from_digital_garden_writes_the_equivalent_garden_toml(repo, tmp_path):
    r = run_garden("init", "--from-digital-garden", repo)
    assert r.returncode == 0, r.stderr
    toml = (repo / "garden.toml").read_text()
    for line in ('title = "Hedgerow Notes"', 'language = "en-GB"', 'content = "src/site/notes"',
                 '"img/user" = "src/site/img/user"', "backlinks = false  # dg-show-backlinks",
                 'format = "MMM dd, yyyy"', 'backlinks = "Mentioned in"', "created = true  # when the note was first written"):
        assert line in toml.splitlines(), line
    assert (repo / ".github" / "workflows" / "pages.yml").is_file()
    assert (repo / ".gitignore").read_text() == TEMPLATE[".gitignore"]  # theirs, untouched
    assert "add /build/ and /.garden-cache/ to .gitignore" in r.stdout
    assert "STYLE_SETTINGS_CSS" in r.stdout and "UI_SEARCH_ENTER_HINT" in r.stdout  # what was not carried over
    assert "NOTE_ICON_DEFAULT" not in r.stdout  # empty: nothing lost
    assert "dgShowToc=maybe: not true or false" in r.stdout

    env_built = tmp_path / "from-env"
    toml_built = tmp_path / "from-toml"
    (repo / "garden.toml").rename(tmp_path / "garden.toml")
    assert run_garden("build", repo, "--out", env_built).returncode == 0
    (tmp_path / "garden.toml").rename(repo / "garden.toml")
    r = run_garden("build", repo, "--out", toml_built)
    assert r.returncode == 0, r.stderr
    assert same_tree(env_built, toml_built) == []

    # In another folder, the paths in garden.toml lead back to the repository.
    elsewhere = tmp_path / "elsewhere"
    r = run_garden("init", elsewhere, "--from-digital-garden", repo)
    assert r.returncode == 0, r.stderr
    assert 'content = "../hedgerow/src/site/notes"' in (elsewhere / "garden.toml").read_text()
    assert (elsewhere / ".gitignore").is_file()
    r = run_garden("build", elsewhere, "--out", tmp_path / "from-elsewhere")
    assert r.returncode == 0, r.stderr
    assert same_tree(env_built, tmp_path / "from-elsewhere") == []


def test_init_from_something_else_is_refused(tmp_path):
    r = run_garden("init", "--from-digital-garden", tmp_path)
    assert r.returncode == 1
    assert "is not a Digital Garden repository (there is no src/site/notes/ folder in it)" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_mount_that_does_not_exist_is_a_clear_error(tmp_path):
    write_files(tmp_path, {"content/a.md": "---\ndg-publish: true\n---\nA",
                           "garden.toml": 'title = "x"\n\n[mounts]\n"img" = "pictures"\n'})
    r = run_garden("build", tmp_path)
    assert r.returncode == 1
    assert "garden.toml:3: error: mounts: 'img' must name a vault path and an existing folder" in r.stderr


@pytest.mark.parametrize("text, expected", [
    ("SITE_NAME_HEADER=My Garden\n", {"SITE_NAME_HEADER": "My Garden"}),
    ('export A="two words"  # a comment\n', {"A": "two words"}),
    ("A='single # kept'\n", {"A": "single # kept"}),
    ("A=value # comment\nB=\n# C=1\n\nnot a setting\n", {"A": "value", "B": ""}),
    ('A="line\\nbreak"\n', {"A": "line\nbreak"}),
    ("A=1\r\nA=2\r\n", {"A": "2"}),
])
def test_read_env(text, expected):
    assert read_env(text) == expected


@pytest.mark.parametrize("luxon, pattern, shown", [
    ("MMM dd, yyyy h:mm a", "MMM dd, yyyy", "Mar 05, 2024"),
    ("dd.MM.yyyy HH:mm", "dd.MM.yyyy", "05.03.2024"),
    ("EEEE, d MMMM yyyy", "EEEE, d MMMM yyyy", "Tuesday, 5 March 2024"),
    ("yyyy-MM-dd", "yyyy-MM-dd", "2024-03-05"),
    ("h:mm a", "yyyy-MM-dd", "2024-03-05"),
    ("d 'of' MMMM", "d 'of' MMMM", "5 of March"),
])
def test_timestamp_format_keeps_the_day(luxon, pattern, shown):
    assert date_pattern(luxon) == pattern
    assert format_date("2024-03-05T10:00:00+01:00", pattern) == shown


def test_format_date_leaves_what_is_not_a_date():
    assert format_date("someday", "MMM yyyy") == "someday"
