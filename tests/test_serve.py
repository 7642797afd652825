"""`garden serve`: real HTTP against a running server while notes are edited, broken, renamed and deleted.

Each test starts a session on a free port in a thread; waits are polls on a
condition with a generous timeout, never fixed sleeps.
"""
from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, write_files

TIMEOUT = 20.0  # seconds a condition may take on a loaded machine before a test fails


def wait_for(condition, timeout: float = TIMEOUT, what: str = "condition"):
    """Poll `condition` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


class Served:
    """A running `garden serve` session over a garden written into a temporary folder."""

    def __init__(self, root: Path, vault: Path, out: Path, overrides: dict):
        from garden.serve.session import Session

        self.root, self.vault, self.out = root, vault, out
        self.log = io.StringIO()
        self.session = Session(root, {"out": out, **overrides}, port=0, explicit_port=True, stream=self.log)
        self.port = self.session.port
        self._stop = threading.Event()
        self.session.start()
        self._thread = threading.Thread(target=self.session.run, args=(self._stop,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT)
        self.session.close()

    def request(self, path: str, host: str | None = None, method: str = "GET", headers=None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, headers={"Host": f"127.0.0.1:{self.port}" if host is None else host, **(headers or {})})
            r = conn.getresponse()
            return Response(r.status, r.headers, r.read())
        finally:
            conn.close()

    get = request

    def status(self) -> dict:
        return json.loads(self.get("/__garden__/status").body)

    def write(self, rel: str, text: str) -> None:
        path = self.vault / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def page_has(self, path: str, text: str) -> Response | None:
        r = self.get(path)
        return r if r.status == 200 and text in r.text else None

    def next_build(self, before: str) -> dict:
        return wait_for(lambda: (s := self.status())["build"] != before and s, what="a new build to go live")


@pytest.fixture
def serve(tmp_path):
    """serve(files, toml=None, root_files=None, **overrides) -> Served; stopped when the test ends.
    `root_files` go beside garden.toml (a theme of the garden's own, say)."""
    sessions = []

    def start(files: dict, toml: str | None = None, root_files: dict | None = None, **overrides) -> Served:
        root = tmp_path / f"garden{len(sessions)}"
        vault = root / "content" if toml is not None else root
        write_files(vault, files)
        write_files(root, root_files or {})
        if toml is not None:
            (root / "garden.toml").write_text(textwrap.dedent(toml))
        served = Served(root, vault, tmp_path / f"site{len(sessions)}", overrides)
        sessions.append(served)
        return served

    yield start
    for served in sessions:
        served.close()


NOTES = {
    "a.md": """
        ---
        dg-publish: true
        ---
        # Apple
        First version. Links to [[b]] and [[c]].
        """,
    "b.md": """
        ---
        dg-publish: true
        ---
        # Banana
        Banana text.
        """,
}


def body_links(r: Response) -> tuple[list[str], list[str]]:
    body = r.soup().select_one(".note-body")
    return ([a["href"] for a in body.select("a.internal")], [s.get_text() for s in body.select(".broken-link")])


# --- edits -------------------------------------------------------------------------------------------

def test_edit_is_served_with_the_live_script_which_the_built_file_lacks(serve):
    site = serve(NOTES)
    first = site.get("/a/")
    assert first.status == 200 and "First version." in first.text
    assert 'data-build="' in first.text and "/__garden__/events" in first.text
    before = site.status()["build"]

    site.write("a.md", NOTES["a.md"].replace("First version.", "Second version."))
    r = wait_for(lambda: site.page_has("/a/", "Second version."), what="the edit to be served")
    assert "First version." not in r.text
    status = site.next_build(before)
    assert status["change"] == "reload" and status["ok"] and status["previous"] == before
    assert f'data-build="{status["build"]}"' in site.get("/a/").text
    built = (site.out / "a" / "index.html").read_text()
    assert "Second version." in built and "__garden__" not in built and "data-build" not in built


def test_a_saved_notes_page_goes_live_before_the_rebuild_which_writes_the_same_bytes(serve, monkeypatch):
    """At 10,000 notes a rebuild takes seconds; the saved note's own page must not wait for it."""
    import garden.serve.rebuild as rebuild

    site = serve({**NOTES, "c.md": "---\ndg-publish: true\n---\n# Cherry\nSee [[a#Apple]] and ![[b]]."})
    gate, real = threading.Event(), rebuild.build
    monkeypatch.setattr(rebuild, "build", lambda *a, **k: gate.wait(TIMEOUT) and real(*a, **k))
    before = site.status()["build"]
    site.write("a.md", NOTES["a.md"].replace("First version.", "Second version."))
    r = wait_for(lambda: site.page_has("/a/", "Second version."), what="the preview to be served")
    soup = r.soup()
    assert [a["href"] for a in soup.select(".note-body a.internal")] == ["../b/", "../c/"]
    assert "Cherry" in soup.select_one(".backlinks").get_text()  # the garden around it is the last build's
    assert site.status()["previous"] == before and site.status()["pages"] == ["a/index.html"]

    # A save while the rebuild runs (autosave while typing) is shown at once too.
    site.write("a.md", NOTES["a.md"].replace("First version.", "Second version, again."))
    wait_for(lambda: site.page_has("/a/", "Second version, again."), what="a preview during the rebuild")
    preview = site.status()
    shown = (site.out / "a" / "index.html").read_bytes()

    gate.set()  # the first save's rebuild, then the second's
    wait_for(lambda: site.log.getvalue().count("rebuilt in") == 2, what="the rebuilds")
    assert (site.out / "a" / "index.html").read_bytes() == shown  # the rebuild found nothing to change there
    after = site.status()  # the home page lists a's new summary; a's own page stays as it is
    assert after["previous"] == preview["build"] and after["pages"] == ["index.html"], after

    # A new title changes other pages (c's link text, b's backlinks): no preview, the rebuild does it all.
    gate.clear()
    site.write("a.md", "---\ndg-publish: true\ntitle: Pear\n---\n# Apple\nThird version. Links to [[b]].\n")
    time.sleep(1.0)
    assert site.page_has("/a/", "Second version, again.")
    gate.set()
    wait_for(lambda: site.page_has("/a/", "Third version."), what="the rebuild")
    assert "Pear" in site.get("/b/").soup().select_one(".backlinks").get_text()


def test_a_preview_resolves_links_into_the_note_as_saved(serve, monkeypatch):
    """A heading added in the same save is where the note's own [[#...]] link leads."""
    import garden.serve.rebuild as rebuild

    site = serve(NOTES)
    gate, real = threading.Event(), rebuild.build
    monkeypatch.setattr(rebuild, "build", lambda *a, **k: gate.wait(TIMEOUT) and real(*a, **k))
    site.write("a.md", "---\ndg-publish: true\n---\n# Apple\nSee [[#Fresh part]], [[b]] and [[c]].\n\n## Fresh part\n\nNew.\n")
    r = wait_for(lambda: site.page_has("/a/", "Fresh part"), what="the edit")
    link = r.soup().select_one(".note-body a.internal")
    assert link is not None and link["href"] == "#fresh-part", r.soup().select_one(".note-body")
    assert r.soup().select_one("#fresh-part") is not None
    gate.set()


def test_files_written_since_the_manifest_are_checked_again(tmp_path):
    """A page a preview wrote that no rebuild confirmed (held back, or serve stopped first):
    its manifest key no longer says what it holds, so the next build renders it again."""
    from garden.build import build
    from garden.config import load_config
    from garden.serve.rebuild import Rebuilder

    write_files(tmp_path / "g" / "content", NOTES)
    (tmp_path / "g" / "garden.toml").write_text('content = "content"\n')
    cfg = load_config(tmp_path / "g")
    build(cfg)
    page = cfg.out / "a" / "index.html"
    right = page.read_bytes()
    page.write_bytes(b"a preview of a save since undone")
    assert build(cfg).changed == 0 and page.read_bytes() != right  # nothing changed as far as the build knows
    build(cfg, stale=frozenset({"a/index.html"}))
    assert page.read_bytes() == right

    rebuilder = Rebuilder(tmp_path / "g", {}, stream=io.StringIO())  # serve stops with a preview unconfirmed
    page.write_bytes(b"a preview of a save since undone")
    rebuilder.previewed["a/index.html"] = (time.monotonic(), b"")
    rebuilder.flush()
    build(load_config(tmp_path / "g"))
    assert page.read_bytes() == right


def test_an_open_page_reloads_only_when_its_own_file_changed():
    from garden.serve.livereload import changed_pages

    assert changed_pages(["a/index.html", "search/t/1.json", "sitemap.xml", "feed.xml"]) == ["a/index.html"]
    assert changed_pages(["a/index.html", "attachments/photo.png"]) is None  # pages show images as they load
    assert changed_pages(["a/index.html", "static/graph.json"]) is None  # and the local graph
    assert changed_pages(["static/explorer.json"]) is None  # and the file tree
    assert changed_pages(["static/style.css"]) is None


def test_broken_frontmatter_keeps_the_old_page_and_reports_until_fixed(serve):
    site = serve(NOTES)
    before = site.status()["build"]
    site.write("a.md", """
        ---
        dg-publish: true
        title: [unclosed
        ---
        # Apple
        Broken version.
        """)
    status = wait_for(lambda: (s := site.status())["errors"] and s, what="the error to be reported")
    assert status["held_back"] and not status["ok"] and status["build"] == before
    [error] = status["errors"]
    assert error["where"].endswith("a.md:3") and error["line"] == 3
    assert "frontmatter" in error["message"]
    r = site.get("/a/")  # the last good page is still served
    assert r.status == 200 and "First version." in r.text and "Broken version." not in r.text
    assert "a.md:3: error: invalid YAML frontmatter" in site.log.getvalue()

    site.write("a.md", NOTES["a.md"].replace("First version.", "Fixed version."))
    wait_for(lambda: site.page_has("/a/", "Fixed version."), what="the fix to be served")
    status = site.status()
    assert status["ok"] and status["errors"] == [] and not status["held_back"] and status["build"] != before


def test_an_embed_cycle_is_reported_over_the_page_until_fixed(serve):
    """The cycle's page still builds (the repeat becomes a link), but the save broke what the writer meant."""
    site = serve(NOTES)
    before = site.status()["build"]
    site.write("b.md", NOTES["b.md"].replace("Banana text.", "Banana text. ![[a]]"))
    site.write("a.md", NOTES["a.md"].replace("First version.", "Embeds ![[b]]."))
    status = wait_for(lambda: (s := site.status())["warnings"] and s, what="the cycle to be reported")
    assert status["build"] != before and not status["held_back"] and status["ok"]  # the new pages are live
    assert sorted(w["where"].rsplit("/", 1)[-1] for w in status["warnings"]) == ["a.md:5", "b.md:5"]
    assert all("contains itself" in w["message"] for w in status["warnings"])

    site.write("a.md", NOTES["a.md"].replace("First version.", "No embed now."))
    wait_for(lambda: site.page_has("/a/", "No embed now."), what="the fix to be served")
    assert site.status()["warnings"] == []


def test_errors_the_garden_already_had_do_not_hold_edits_back(serve):
    site = serve({**NOTES, "bad.md": "---\ndg-publish: true\ntitle: [x\n---\nbad\n"})
    assert site.status()["errors"][0]["where"].endswith("bad.md:3")
    site.write("b.md", NOTES["b.md"].replace("Banana text.", "Yellow banana."))
    wait_for(lambda: site.page_has("/b/", "Yellow banana."), what="the edit to be served")
    status = site.status()
    assert not status["held_back"] and len(status["errors"]) == 1


def test_rename_and_delete_update_pages_and_links(serve):
    site = serve(NOTES)
    hrefs, broken = body_links(site.get("/a/"))
    assert hrefs == ["../b/"] and broken == ["c"]

    os.rename(site.vault / "b.md", site.vault / "c.md")
    wait_for(lambda: site.get("/c/").status == 200, what="the renamed note's page")
    assert site.get("/b/").status == 404
    hrefs, broken = body_links(site.get("/a/"))
    assert hrefs == ["../c/"] and broken == ["b"]  # [[c]] now resolves, [[b]] now breaks

    (site.vault / "c.md").unlink()
    wait_for(lambda: site.get("/c/").status == 404, what="the deleted note's page to go")
    hrefs, broken = body_links(site.get("/a/"))
    assert hrefs == [] and broken == ["b", "c"]
    assert not (site.out / "c").exists()
    # The summary line is printed once the new site is live, so it may trail the 404 a moment.
    wait_for(lambda: "c.md changed" in site.log.getvalue(), what="the deletion to be reported")


def test_a_note_in_a_new_folder_is_served_and_links_to_it_resolve(serve):
    site = serve(NOTES)
    site.write("new/deep/c.md", "---\ndg-publish: true\n---\n# Cherry\nIn a new folder.\n")
    wait_for(lambda: site.page_has("/new/deep/c/", "In a new folder."), what="the new note's page")
    hrefs, broken = body_links(site.get("/a/"))
    assert hrefs == ["../b/", "../new/deep/c/"] and broken == []


def test_theme_css_change_is_a_css_swap_and_config_change_rebuilds(serve):
    site = serve(NOTES, toml='title = "Old Title"\n')
    # A theme folder of the garden's own appears: it is built from, then watched.
    theme_css = site.root / "theme" / "css" / "99-mine.css"
    theme_css.parent.mkdir(parents=True)
    theme_css.write_text(".mine { color: red }\n")
    wait_for(lambda: site.page_has("/static/style.css", ".mine { color: red }"), what="the new theme part")

    before = site.status()["build"]
    theme_css.write_text(".mine { color: blue }\n")
    status = site.next_build(before)
    assert status["change"] == "css" and status["previous"] == before
    assert ".mine { color: blue }" in site.get("/static/style.css").text

    (site.root / "garden.toml").write_text('title = "New Title"\n')
    r = wait_for(lambda: site.page_has("/a/", "New Title"), what="the new title")
    assert "Old Title" not in r.text
    assert site.status()["change"] == "reload"


def test_bad_config_keeps_serving_and_reports_the_file(serve):
    site = serve(NOTES, toml='title = "Fine"\n')
    (site.root / "garden.toml").write_text('title = "Fine"\ncolour = "red"\n')
    status = wait_for(lambda: (s := site.status())["errors"] and s, what="the config error")
    [error] = status["errors"]
    assert error["where"].endswith("garden.toml:2") and "unknown setting 'colour'" in error["message"]
    assert status["held_back"] and site.page_has("/a/", "First version.")
    (site.root / "garden.toml").write_text('title = "Fixed"\n')
    wait_for(lambda: site.page_has("/a/", "Fixed"), what="the fixed config")
    assert site.status()["ok"]


def test_editor_bursts_become_one_batch(tmp_path):
    """vim's save: probe file 4913, a swap file, rename the note to a backup, write it anew, drop the backup."""
    from garden.config import load_config
    from garden.serve.watcher import Targets, Watcher

    write_files(tmp_path, {"a.md": "one", ".obsidian/workspace.json": "{}"})
    cfg = load_config(tmp_path, out=tmp_path / "out")
    watcher = Watcher()
    watcher.watch(Targets.of(cfg, []))
    watcher.start()
    try:
        (tmp_path / "4913").write_text("")
        (tmp_path / "4913").unlink()
        (tmp_path / ".a.md.swp").write_text("swap")
        os.rename(tmp_path / "a.md", tmp_path / "a.md~")
        (tmp_path / "a.md").write_text("two")
        (tmp_path / "a.md~").unlink()
        (tmp_path / ".obsidian" / "workspace.json").write_text('{"open": "a.md"}')
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "index.html").write_text("built")
        batch = wait_for(lambda: watcher.next_batch(timeout=0.5), what="a batch")
        assert batch.content == {str(tmp_path / "a.md")} and not batch.theme and not batch.config
        (tmp_path / ".a.md.swp").unlink()
        assert watcher.next_batch(timeout=0.3) is None  # nothing else was relevant
    finally:
        watcher.stop()


# --- serving -----------------------------------------------------------------------------------------

def test_pretty_urls_redirects_and_404_page(serve):
    site = serve(NOTES)
    r = site.get("/a")
    assert r.status == 302 and r.headers["Location"] == "/a/"
    assert site.get("/a?x=1").headers["Location"] == "/a/?x=1"
    assert site.get("/a/index.html").status == 200
    assert site.get("/a/?x=1").status == 200
    home = site.get("/")
    assert home.status == 200 and home.headers["Content-Type"] == "text/html; charset=utf-8"

    for path in ("/no/such/page/", "/nope", "/a/index.html/", "/static/style.css/"):
        r = site.get(path)
        assert r.status == 404, path
        assert r.soup().select_one("h1").get_text() == "Page not found"
        assert "/__garden__/events" in r.text  # a 404 page reloads once the note appears
    head = site.get("/a/", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0


def test_base_path(serve):
    site = serve(NOTES, base_url="https://someone.github.io/repo/")
    for path, location in (("/", "/repo/"), ("/repo", "/repo/"), ("/repo/a", "/repo/a/")):
        r = site.get(path)
        assert (r.status, r.headers["Location"]) == (302, location), path
    assert site.page_has("/repo/", "Apple")
    assert site.page_has("/repo/a/", "First version.")
    assert site.get("/repo/static/style.css").status == 200
    r = site.get("/a/")
    assert r.status == 404 and '<base href="/repo/">' in r.text
    assert site.session.url() == f"http://127.0.0.1:{site.port}/repo/"


CONTENT_TYPES = {
    "app.mjs": ("export default 1;\n", "text/javascript; charset=utf-8"),
    "pic.svg": ('<svg xmlns="http://www.w3.org/2000/svg"/>\n', "image/svg+xml"),
    "data.json": ("{}\n", "application/json"),
    "feed.xml": ("<feed/>\n", "application/xml"),
    "site.webmanifest": ("{}\n", "application/manifest+json"),
    "mod.wasm": ("\0asm", "application/wasm"),
    "notes.txt": ("hi\n", "text/plain; charset=utf-8"),
    "blob.unknownext": ("?", "application/octet-stream"),
}


def test_content_types_no_store_and_no_cors(serve, tmp_path):
    site = serve(NOTES, toml="")
    static = site.root / "theme" / "static"
    write_files(static, {name: text for name, (text, _) in CONTENT_TYPES.items()})
    (site.root / "garden.toml").write_text('title = "Typed"\n')  # a rebuild after every file is written
    wait_for(lambda: site.page_has("/a/", "Typed"), what="the rebuild with the static files")
    expected = {f"/static/{name}": kind for name, (_, kind) in CONTENT_TYPES.items()}
    expected |= {"/static/style.css": "text/css; charset=utf-8",
                 "/static/garden.js": "text/javascript; charset=utf-8",
                 "/a/": "text/html; charset=utf-8", "/__garden__/status": "application/json"}
    for path, kind in expected.items():
        r = site.get(path, headers={"Origin": "https://evil.example"})
        assert r.status == 200, path
        assert r.headers["Content-Type"] == kind, path
        assert r.headers["Cache-Control"] == "no-store", path
        assert not [h for h in r.headers if h.lower().startswith("access-control-")], path
    assert site.get("/static/mod.wasm").body == b"\0asm"


def test_event_stream_sends_the_status_then_each_change(serve):
    site = serve(NOTES)
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=TIMEOUT)
    conn.request("GET", "/__garden__/events")
    r = conn.getresponse()
    assert r.status == 200 and r.headers["Content-Type"].startswith("text/event-stream")
    assert r.headers["Cache-Control"] == "no-store"

    def next_message():
        while True:
            line = r.fp.readline().decode()
            if line.startswith("data: "):
                return json.loads(line[6:])

    first = next_message()
    assert first == site.status()
    site.write("b.md", NOTES["b.md"].replace("Banana text.", "Ripe."))
    second = next_message()
    assert second["previous"] == first["build"] and second["change"] == "reload"
    conn.close()


# --- safety ------------------------------------------------------------------------------------------

def test_only_files_inside_the_output_folder_are_served(serve, tmp_path):
    site = serve(NOTES)
    (tmp_path / "secret.txt").write_text("TOPSECRET")
    os.symlink(tmp_path / "secret.txt", site.out / "leak.txt")
    os.symlink(tmp_path, site.out / "leakdir")
    os.symlink(tmp_path / "secret.txt", site.out / "a" / "index.txt")
    probes = [
        "/../secret.txt", "/a/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2E/secret.txt",
        "/a/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/a/..%2F..%2Fsecret.txt", "/..%5csecret.txt",
        "/..\\secret.txt", "//etc/passwd", "/%2fetc/passwd", "/etc/passwd", f"/{tmp_path}/secret.txt",
        f"http://127.0.0.1:{site.port}/../secret.txt", "/leak.txt", "/leakdir/secret.txt", "/leakdir/",
        "/a/index.txt", "/.garden-manifest.json", "/.garden-staging/", "/a/./index.html", "/%00",
        "/a%00/",
    ]
    for path in probes:
        r = site.get(path)
        assert r.status in (403, 404), (path, r.status)
        assert b"TOPSECRET" not in r.body and b"root:" not in r.body, path
    assert site.get("/leak.txt").status == 403
    assert site.get("/%2e%2e/secret.txt").status == 403


def test_host_header_must_name_this_server(serve):
    site = serve(NOTES)
    port, other = site.port, site.port + 1
    allowed = [f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"]
    refused = [f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
               f"localhost.evil.example:{port}", f"localhost:{other}", "localhost", f"127.0.0.1:{port}@evil.example",
               "", "[::1", f"192.168.1.20:{port}"]
    for host in allowed:
        r = site.get("/a/", host=host)
        assert r.status == 200 and "First version." in r.text, host
    for host in refused:
        for path in ("/a/", "/__garden__/status", "/__garden__/events"):
            r = site.get(path, host=host)
            assert r.status == 403 and b"First version." not in r.body and b"build" not in r.body, (host, path)


def test_host_check_when_listening_on_every_interface():
    from garden.serve.hosts import host_allowed

    assert host_allowed("192.168.1.20:8000", "0.0.0.0", 8000)
    assert host_allowed("[fe80::1]:8000", "::", 8000)
    assert host_allowed(f"{socket.gethostname()}:8000", "0.0.0.0", 8000)
    assert not host_allowed("evil.example:8000", "0.0.0.0", 8000)
    assert not host_allowed("192.168.1.20:8001", "0.0.0.0", 8000)
    assert host_allowed("myhost.lan:8000", "myhost.lan", 8000)
    assert not host_allowed("192.168.1.20:8000", "127.0.0.1", 8000)


def test_a_taken_port_moves_to_the_next_unless_given(tmp_path):
    from garden.diagnostics import GardenError
    from garden.serve.livereload import LiveState
    from garden.serve.server import listen

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        state = LiveState(tmp_path, "/")
        server = listen("127.0.0.1", port, state, explicit=False)
        try:
            assert server.port > port
        finally:
            server.server_close()
        with pytest.raises(GardenError, match=f"port {port} is already in use"):
            listen("127.0.0.1", port, state, explicit=True)


# --- the command line --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_command_serves_opens_the_browser_then_stops_cleanly_on_ctrl_c(tmp_path):
    write_files(tmp_path / "vault", NOTES)
    opener = tmp_path / "browser.sh"  # stands in for the web browser (Python's webbrowser honours $BROWSER)
    opener.write_text(f'#!/bin/sh\necho "$1" > {tmp_path}/opened.txt\n')
    opener.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BROWSER": str(opener), "PYTHONFAULTHANDLER": "1"}
    # Ctrl+C as a terminal delivers it: a test run started in the background (`cmd &` in a script)
    # hands its children SIGINT ignored, and Python then never raises KeyboardInterrupt.
    proc = subprocess.Popen([sys.executable, "-m", "garden", "serve", "vault", "--out", "site", "--port", "0",
                             "--open"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    try:
        while not any("serving" in line for line in lines):
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        url = lines[-1].split(" at ")[1].split()[0]
        host, port = url.split("//")[1].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        conn.request("GET", "/a/")
        assert "First version." in conn.getresponse().read().decode()
        conn.close()
        opened = wait_for(lambda: (tmp_path / "opened.txt").is_file() and (tmp_path / "opened.txt").read_text(),
                          what="the browser to be opened")
        assert opened.strip() == url
        proc.send_signal(signal.SIGINT)
        try:
            rest = proc.communicate(timeout=TIMEOUT)[1]
        except subprocess.TimeoutExpired:  # a hang: make it show every thread's stack (faulthandler), then fail
            proc.send_signal(signal.SIGABRT)
            pytest.fail("serve did not stop after Ctrl+C; its threads were at:\n" + proc.communicate(timeout=TIMEOUT)[1])
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "stopped" in rest and "Traceback" not in "".join(lines) + rest


def test_command_refuses_a_taken_port_given_explicitly_and_warns_about_every_interface(tmp_path):
    write_files(tmp_path, NOTES)
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "garden", "serve", ".", "--host", "0.0.0.0",
                            "--port", str(port)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 1
    assert "warning: listening on 0.0.0.0" in r.stderr
    assert f"port {port} is already in use" in r.stderr and "Traceback" not in r.stderr
