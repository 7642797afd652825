"""Shared browser-test helpers: one chromium per test session, a static server that mounts
a built site under any base path, and an accessibility check with axe-core.

Use from a test module:

    from browser import browser, serve_site, axe_violations  # noqa: F401 (browser is a fixture)

Chromium is Debian's (/usr/bin/chromium), driven by Playwright; it is never downloaded.
When it is missing the tests skip, unless GARDEN_REQUIRE_BROWSER=1 (CI), where they fail.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = os.environ.get("GARDEN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(reason: str):
    if os.environ.get("GARDEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here (GARDEN_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole test session."""
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        _unavailable(f"no chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves `directory` under `prefix` only; anything else is a 404 (the site's 404.html
    if there is one, as GitHub Pages does). Never follows a path out of the folder."""
    prefix = "/"

    def log_message(self, *args):  # keep test output quiet
        pass

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")
        rel = path[len(self.prefix):]
        target = (Path(self.directory) / rel).resolve()
        root = Path(self.directory).resolve()
        if target != root and root not in target.parents:
            return str(root / "\0missing")
        return str(target)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


_Handler.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                           ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm",
                           ".svg": "image/svg+xml"}


@contextmanager
def serve_site(folder: Path, prefix: str = "/"):
    """Serve a built site at http://127.0.0.1:PORT{prefix} in a thread; yields that URL."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def open_page(browser, *, color_scheme: str = "light", viewport=(1280, 900)):
    """A fresh page (own storage) that collects console errors and failed requests in `page.problems`."""
    context = browser.new_context(color_scheme=color_scheme, viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.set_default_timeout(20_000)  # generous: CI machines are shared
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.problems = problems
    try:
        yield page
    finally:
        context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """Run axe-core (npm, installed into tests/node_modules by `npm ci --prefix tests`) on the page."""
    if not AXE.is_file():
        _unavailable(f"axe-core is not installed ({AXE}); run: npm ci --prefix tests")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + (n.failureSummary || ""))}));
    }""")
    return [f"{v['impact']}: {v['id']}: {v['help']}: {json.dumps(v['nodes'])}" for v in result if v["impact"] in impacts]
