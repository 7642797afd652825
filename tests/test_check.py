"""`garden check`: every finding with its place, a summary, exit codes, JSON for CI, nothing written."""
from __future__ import annotations

import json

from conftest import run_garden, write_files

PUB = "---\ndg-publish: true\n---\n"

# One garden with one of every kind of finding; the comments give the line each is on.
FINDINGS = {
    "index.md": PUB + "Start: [[Linked]] [[Cyclic]] [[Missing Note]] [[Secret]] [[Twin]]\n",   # line 4
    "Linked.md": PUB + "Back to [[index]].\n\n![[photo.png]]\n\n![[Nowhere]]\n",  # lines 6 and 8
    "Cyclic.md": PUB + "Me again:\n\n![[Cyclic]]\n",  # line 6
    "Lonely.md": PUB + "Nobody links here.\n",
    "Secret.md": "---\ndg-publish: false\n---\nprivate\n",
    "a/Twin.md": PUB + "one twin\n",
    "b/Twin.md": PUB + "other twin\n",
    "Dup.md": "---\ndg-publish: true\npermalink: /same/\n---\n[[index]]\n",
    "Dup2.md": "---\ndg-publish: true\npermalink: same\n---\n[[index]] wants the same permalink\n",
    "Broken.md": "---\ndg-publish: true\ntitle: [unclosed\n---\nbody\n",  # line 3
    "Doubled.md": "---\ndg-publish: true\ntitle: One\ntitle: Two\n---\n[[index]]\n",  # line 4
}


def codes(diagnostics) -> set[tuple[str, int, str, str]]:
    return {(d["path"].rsplit("vault/", 1)[-1], d["line"], d["level"], d["code"]) for d in diagnostics}


def test_text_report_names_every_finding_with_path_and_line(tmp_path):
    write_files(tmp_path / "vault", FINDINGS)
    r = run_garden("check", "vault", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "Traceback" not in out + r.stderr
    expected = [
        "vault/index.md:4: warning: broken link: [[Missing Note]] matches no file in the vault",
        "vault/index.md:4: warning: link to [[Secret]], which is not published",
        "vault/index.md:4: warning: ambiguous link [[Twin]]: 2 files match; using a/Twin.md",
        "vault/Linked.md:6: warning: missing attachment: [[photo.png]] matches no file in the vault",
        "vault/Linked.md:8: warning: broken embed: [[Nowhere]] matches no file in the vault",
        "vault/Cyclic.md:6: warning: embed of [[Cyclic]] contains itself (Cyclic.md → Cyclic.md)",
        "vault/Lonely.md: notice: orphan note: no other page links to it",
        "vault/Dup2.md:3: error: permalink '/same/' is also claimed by Dup.md",
        "vault/Broken.md:3: error: invalid YAML frontmatter",
        "vault/Doubled.md:4: warning: duplicate frontmatter key 'title'",
    ]
    for line in expected:
        assert line in out, f"{line!r} not in\n{out}"
    assert "vault/Linked.md: notice" not in out  # linked from index: not an orphan
    assert "vault/index.md: notice" not in out  # the home page is never an orphan
    assert out.rstrip().splitlines()[-1] == \
        "garden check: 11 notes read, 8 to publish: 2 errors, 7 warnings, 4 notices"


def test_json_report_for_ci(tmp_path):
    write_files(tmp_path / "vault", FINDINGS)
    r = run_garden("check", "vault", "--format", "json", cwd=tmp_path)
    assert r.returncode == 1
    report = json.loads(r.stdout)
    assert (report["ok"], report["notes"], report["pages"]) == (False, 11, 8)
    assert (report["errors"], report["warnings"], report["notices"]) == (2, 7, 4)
    assert len(report["diagnostics"]) == 13
    assert codes(report["diagnostics"]) >= {
        ("index.md", 4, "warning", "broken-link"),
        ("index.md", 4, "warning", "unpublished-link"),
        ("index.md", 4, "warning", "ambiguous-link"),
        ("Linked.md", 6, "warning", "missing-attachment"),
        ("Linked.md", 8, "warning", "broken-embed"),
        ("Cyclic.md", 6, "warning", "embed-cycle"),
        ("Lonely.md", 0, "notice", "orphan"),
        ("Dup2.md", 3, "error", "duplicate-permalink"),
        ("Broken.md", 3, "error", "frontmatter"),
        ("Doubled.md", 4, "warning", "frontmatter"),
    }
    for d in report["diagnostics"]:
        assert set(d) == {"path", "line", "level", "code", "message", "hint"} and d["code"], d


def test_exit_codes_errors_warnings_strict_and_notices(tmp_path):
    write_files(tmp_path / "clean", {"index.md": PUB + "[[b]]", "b.md": PUB + "[[index]]"})
    write_files(tmp_path / "warn", {"index.md": PUB + "[[nowhere]]"})
    write_files(tmp_path / "notice", {"index.md": PUB + "home", "alone.md": PUB + "alone"})
    r = run_garden("check", "clean", cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "garden check: 2 notes read, 2 to publish: 0 errors, 0 warnings, "
                                           "0 notices\n")
    assert run_garden("check", "clean", "--strict", cwd=tmp_path).returncode == 0
    assert run_garden("check", "warn", cwd=tmp_path).returncode == 0
    r = run_garden("check", "warn", "--strict", cwd=tmp_path)
    assert r.returncode == 1 and r.stdout.rstrip().endswith("(failing: --strict)")
    assert run_garden("check", "notice", "--strict", cwd=tmp_path).returncode == 0
    assert json.loads(run_garden("check", "warn", "--strict", "--format", "json", cwd=tmp_path).stdout)["ok"] \
        is False
    assert run_garden("check", "nowhere", cwd=tmp_path).returncode == 2
    assert run_garden("check", "--format", "xml", cwd=tmp_path).returncode == 2


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def test_check_writes_nothing_but_the_parse_cache(tmp_path):
    write_files(tmp_path / "site" / "content", FINDINGS)
    (tmp_path / "site" / "garden.toml").write_text('title = "T"\n')
    before = snapshot(tmp_path / "site")
    r = run_garden("check", "--no-cache", cwd=tmp_path / "site")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert snapshot(tmp_path / "site") == before  # no build/, no .garden-cache/, the vault untouched
    r = run_garden("check", "site", "--out", tmp_path / "elsewhere", cwd=tmp_path)
    assert r.returncode == 1
    assert not (tmp_path / "elsewhere").exists()
    after = snapshot(tmp_path / "site")
    assert {k for k in after if not k.startswith(".garden-cache")} == set(before)
    assert all(after[k] == before[k] for k in before)


def test_check_reports_what_build_reports(tmp_path):
    """Same load -> parse -> resolve: check's findings (less its orphan notices) are build's."""
    write_files(tmp_path / "vault", FINDINGS)
    check = json.loads(run_garden("check", "vault", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    build = run_garden("build", "vault", "--out", tmp_path / "out", "--no-cache", cwd=tmp_path)
    from_check = {f"{d['path']}:{d['line']}: {d['level']}: {d['message']}" if d["line"] else
                  f"{d['path']}: {d['level']}: {d['message']}"
                  for d in check["diagnostics"] if d["level"] != "notice"}
    from_build = {line.split(" (", 1)[0] for line in build.stderr.splitlines() if line.startswith("vault/")}
    assert from_build == {line.split(" (", 1)[0] for line in from_check}


def test_embed_cycles_are_found_without_rendering(tmp_path):
    write_files(tmp_path / "v", {
        "A.md": PUB + "# A\n\n![[B]]\n\n## Part\n\nplain part\n",
        "B.md": PUB + "B shows a part of A: ![[A#Part]] and then all of it:\n\n![[C]]\n",
        "C.md": PUB + "![[A]]\n",
        "D.md": PUB + "A part of myself is fine: ![[D#Tail]]\n\n## Tail\n\nend\n",
    })
    r = run_garden("check", "v", "--format", "json", cwd=tmp_path)
    cycles = [(d["path"], d["line"], d["message"]) for d in json.loads(r.stdout)["diagnostics"]
              if d["code"] == "embed-cycle"]
    assert cycles == [
        ("v/A.md", 6, "embed of [[B]] contains itself (A.md → B.md → C.md → A.md); "
                      "it becomes a link where it would repeat"),
        ("v/B.md", 6, "embed of [[C]] contains itself (B.md → C.md → A.md → B.md); "
                      "it becomes a link where it would repeat"),
        ("v/C.md", 4, "embed of [[A]] contains itself (C.md → A.md → B.md → C.md); "
                      "it becomes a link where it would repeat"),
    ]


def test_unreadable_garden_is_reported_in_either_format(tmp_path):
    write_files(tmp_path / "g" / "content", {"a.md": PUB + "x"})
    (tmp_path / "g" / "garden.toml").write_text('title = "x"\ntitel = "typo"\n')
    r = run_garden("check", "g", cwd=tmp_path)
    assert r.returncode == 1
    assert "g/garden.toml:2: error: unknown setting 'titel'" in r.stderr
    r = run_garden("check", "g", "--format", "json", cwd=tmp_path)
    report = json.loads(r.stdout)
    assert r.returncode == 1 and report["ok"] is False and report["errors"] == 1
    assert report["diagnostics"][0]["message"] == "unknown setting 'titel'"
    assert report["diagnostics"][0]["code"] == "garden"


def test_nothing_published_is_an_error(tmp_path):
    write_files(tmp_path / "v", {"a.md": "no frontmatter"})
    r = run_garden("check", "v", cwd=tmp_path)
    assert r.returncode == 1
    assert "error: no note is marked for publishing (1 note read)" in r.stdout
    assert run_garden("check", "v", "--publish", "all", cwd=tmp_path).returncode == 0
