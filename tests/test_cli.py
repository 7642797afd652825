"""The `garden build` command line: exit codes, messages, and a safe output folder."""
from __future__ import annotations

import os
import re

from conftest import run_garden, write_files

GOOD = {"a.md": "---\ndg-publish: true\n---\nHello [[b]]", "b.md": "---\ndg-publish: true\n---\nB"}


def test_plain_vault_builds_into_dot_build(tmp_path):
    write_files(tmp_path / "vault", GOOD)
    work = tmp_path / "work"
    work.mkdir()
    r = run_garden("build", tmp_path / "vault", cwd=work)
    assert r.returncode == 0, r.stderr
    assert (work / "build" / "a" / "index.html").is_file()
    assert re.search(r"garden: 2 notes read, 2 pages published, \d+ files in build/ \(\d+ written\), "
                     r"0 warnings, 0 errors in \d+\.\d\d s", r.stderr)


def test_the_summary_line_says_one_note_not_one_notes(tmp_path):
    write_files(tmp_path / "vault", {"a.md": "---\ndg-publish: true\n---\nSee [[missing]]."})
    r = run_garden("build", tmp_path / "vault", "--base-url", "https://example.org/", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert re.search(r"garden: 1 note read, 1 page published, \d+ files in build/ \(\d+ written\), "
                     r"1 warning, 0 errors in ", r.stderr), r.stderr


def test_a_rebuild_with_nothing_changed_reports_what_the_build_did(tmp_path):
    """Tag and folder pages are files of the site, not published notes: the summary line
    of a rebuild that had nothing to do says the same as the build before it."""
    write_files(tmp_path / "vault", {"a.md": "---\ndg-publish: true\ntags: [x, y]\n---\nA", "f/b.md": "---\ndg-publish: true\n---\nB"})
    first = run_garden("build", tmp_path / "vault", cwd=tmp_path)
    again = run_garden("build", tmp_path / "vault", cwd=tmp_path)
    assert "2 pages published" in first.stderr, first.stderr
    assert "2 pages published" in again.stderr and "(0 written)" in again.stderr, again.stderr


def test_garden_folder_with_config_builds_beside_it(tmp_path):
    write_files(tmp_path / "site" / "notes", GOOD)
    (tmp_path / "site" / "garden.toml").write_text('title = "Mine"\ncontent = "notes"\n')
    r = run_garden("build", cwd=tmp_path / "site")  # SOURCE defaults to "."
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "site" / "build" / "a" / "index.html").read_text()
    assert "<title>a · Mine</title>" in html
    assert not (tmp_path / "site" / "notes" / "build").exists()


def test_warnings_exit_zero_unless_strict(tmp_path):
    write_files(tmp_path / "v", {"a.md": "---\ndg-publish: true\n---\n[[nowhere]]"})
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "o1")
    assert r.returncode == 0
    assert "a.md:4: warning: broken link: [[nowhere]]" in r.stderr
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "o2", "--strict")
    assert r.returncode == 1


def test_the_summary_counts_the_problems_printed(tmp_path):
    write_files(tmp_path, {"a.md": "---\ndg-publish: true\n---\n[[nowhere]] and [[nowhere]] again\n[[gone]]"})
    r = run_garden("build", ".", cwd=tmp_path)
    shown = [line for line in r.stderr.splitlines() if ": warning: " in line]
    assert shown == ["a.md:4: warning: broken link: [[nowhere]] matches no file in the vault",
                     "a.md:5: warning: broken link: [[gone]] matches no file in the vault"]
    assert ", 2 warnings, 0 errors in " in r.stderr


def test_a_broken_note_is_reported_and_the_rest_builds(tmp_path):
    write_files(tmp_path / "v", {**GOOD, "bad.md": "---\ndg-publish: true\ntags: [oops\n---\nbody"})
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "out")
    assert r.returncode == 1
    assert "bad.md:3: error: invalid YAML frontmatter" in r.stderr
    assert (tmp_path / "out" / "a" / "index.html").is_file()
    assert not (tmp_path / "out" / "bad").exists()
    assert "Traceback" not in r.stderr


def test_duplicate_and_unsafe_permalinks_are_errors(tmp_path):
    write_files(tmp_path / "v", {
        "one.md": "---\ndg-publish: true\npermalink: /same/\n---\nONE",
        "two.md": "---\ndg-publish: true\npermalink: same\n---\nTWO",
        "evil.md": "---\ndg-publish: true\npermalink: ../../escape\n---\nEVIL",
    })
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "out")
    assert r.returncode == 1
    assert "two.md:3: error: permalink '/same/' is also claimed by one.md" in r.stderr
    assert "evil.md:3: error: unsafe permalink '../../escape'" in r.stderr
    assert "ONE" in (tmp_path / "out" / "same" / "index.html").read_text()
    assert not (tmp_path / "escape").exists()


def test_usage_errors_exit_2(tmp_path):
    assert run_garden("build", tmp_path / "nope").returncode == 2
    assert run_garden("build", "--publish", "some").returncode == 2
    assert run_garden("frobnicate").returncode == 2


def test_unknown_config_key_names_key_and_file(tmp_path):
    write_files(tmp_path / "content", GOOD)
    (tmp_path / "garden.toml").write_text('title = "x"\ntitel = "typo"\n')
    r = run_garden("build", tmp_path)
    assert r.returncode == 1
    assert "garden.toml:2: error: unknown setting 'titel'" in r.stderr


def test_refuses_an_output_folder_garden_did_not_write(tmp_path):
    write_files(tmp_path / "v", GOOD)
    precious = tmp_path / "docs"
    write_files(precious, {"thesis.txt": "years of work"})
    r = run_garden("build", tmp_path / "v", "--out", precious)
    assert r.returncode == 1
    assert "holds files garden did not write" in r.stderr and "--force" in r.stderr
    assert sorted(os.listdir(precious)) == ["thesis.txt"]


def test_refuses_an_output_folder_that_holds_the_vault(tmp_path):
    write_files(tmp_path / "v", GOOD)
    for out in (tmp_path / "v", tmp_path):
        r = run_garden("build", tmp_path / "v", "--out", out)
        assert r.returncode == 1 and "holds the vault" in r.stderr
    assert sorted(os.listdir(tmp_path / "v")) == ["a.md", "b.md"]


def test_rebuild_replaces_stale_pages_and_keeps_unchanged_files(tmp_path):
    vault, out = tmp_path / "v", tmp_path / "out"
    write_files(vault, GOOD)
    assert run_garden("build", vault, "--out", out).returncode == 0
    css = out / "static" / "style.css"
    before = css.stat().st_mtime_ns
    (vault / "b.md").unlink()
    write_files(vault, {"c.md": "---\ndg-publish: true\n---\nC"})
    r = run_garden("build", vault, "--out", out)
    assert r.returncode == 0
    assert not (out / "b").exists() and (out / "c" / "index.html").is_file()
    assert css.stat().st_mtime_ns == before  # same bytes, not rewritten


def test_a_failed_build_leaves_the_previous_site(tmp_path):
    root, out = tmp_path / "g", tmp_path / "g" / "build"
    write_files(root / "content", GOOD)
    (root / "garden.toml").write_text('title = "x"\n')
    assert run_garden("build", root).returncode == 0
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    write_files(root / "content", {"a.md": "---\ndg-publish: true\n---\nCHANGED"})
    write_files(root / "theme" / "templates", {"note.html": "{% extends 'base.html' %}{% block main %}"
                                                            "{{ page.nonexistent.attr }}{% endblock %}"})
    r = run_garden("build", root)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "templates/note.html:1: error: template error: 'dict object' has no attribute 'nonexistent'" in r.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == snapshot


def test_symlinks_out_of_the_vault_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    write_files(outside, {"leak.md": "---\ndg-publish: true\n---\nLEAKED-CONTENT"})
    write_files(tmp_path / "v", GOOD)
    os.symlink(outside, tmp_path / "v" / "linked")
    os.symlink(outside / "leak.md", tmp_path / "v" / "leak-file.md")
    r = run_garden("build", tmp_path / "v", "--out", tmp_path / "out")
    assert "symlink points outside the vault" in r.stderr
    assert not any("LEAKED-CONTENT" in p.read_text(errors="ignore")
                   for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_the_command_exits_cleanly_with_stdout_closed_and_keeps_its_report(tmp_path):
    """The command leaves without Python's teardown; what it printed must still arrive, and a
    closed stdout (`garden build >&-`) is no reason to fail."""
    import subprocess
    import sys
    write_files(tmp_path / "v", {"a.md": "---\ndg-publish: true\n---\n# A\n\n[[missing]]\n"})
    closed = subprocess.run(f"{sys.executable} -m garden build {tmp_path / 'v'} --out {tmp_path / 'o'} >&-",
                            shell=True, capture_output=True, text=True, timeout=120)
    assert closed.returncode == 0, closed.stderr
    assert "Traceback" not in closed.stderr and "broken link" in closed.stderr
    assert (tmp_path / "o" / "a" / "index.html").is_file()
    piped = run_garden("check", tmp_path / "v", "--format", "json")
    import json
    assert piped.returncode == 0
    assert "broken link: [[missing]] matches no file in the vault" in [
        d["message"] for d in json.loads(piped.stdout)["diagnostics"]]
