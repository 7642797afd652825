"""The HTTP server: the output folder as it will be deployed, plus the live-reload endpoints.

Standard library only (`ThreadingHTTPServer`). Every answer is `no-store` (a
writer must never see a stale page) and carries no CORS header (other sites may
not read it). Requests must name this server in their Host header; files come
only through `locate`, under the lock a build holds while it swaps files in.
HTML pages get the live-reload script as they are sent; the built files never
contain it.
"""
from __future__ import annotations

import errno
import json
import mimetypes
import os
import shutil
import socket
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..diagnostics import GardenError
from .client import inject
from .hosts import host_allowed
from .livereload import EVENTS, STATUS, LiveState
from .locate import FILE, FORBIDDEN, MISSING, REDIRECT, Target, locate

PORT_TRIES = 20  # without an explicit --port, the next ports are tried when one is in use
HEARTBEAT = 15.0  # seconds between keep-alive comments on an idle event stream

# Fixed here rather than taken from the system's mime.types, which differs between machines.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml",
    ".txt": "text/plain; charset=utf-8", ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".wasm": "application/wasm", ".pdf": "application/pdf",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".wav": "audio/wav",
    ".flac": "audio/flac", ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
}

NOT_FOUND_PAGE = b"<!doctype html><meta charset=utf-8><title>Not found</title><p>Not found.</p>"


def content_type(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return CONTENT_TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"


class Handler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads to wait for
    timeout = 30  # a client that stops talking cannot hold a thread forever

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def version_string(self) -> str:
        return "garden"

    def log_message(self, format, *args) -> None:  # the terminal is for the garden's problems
        pass

    def respond(self, head: bool) -> None:
        server = self.server
        if not host_allowed(self.headers.get("Host"), server.host, server.port):
            return self.send_text(403, "Forbidden: this server only answers to its own address.\n", head)
        raw, _, query = self.path.partition("#")[0].partition("?")
        if raw == EVENTS:
            return self.send_events(head)
        if raw == STATUS:
            body = json.dumps(server.state.status(), indent=1).encode()
            return self.send_body(200, body, "application/json", head)
        self.send_site_file(raw, query, head)

    def send_site_file(self, raw: str, query: str, head: bool) -> None:
        state = self.server.state
        file = None
        with state.swap_lock:
            target = locate(state.out, state.base_path, raw)
            if target.kind == FILE:
                try:
                    file = open(target.file, "rb")
                except OSError:
                    target = Target(MISSING)
            if target.kind == MISSING:
                try:
                    body = (state.out / "404.html").read_bytes()
                except OSError:
                    body = NOT_FOUND_PAGE
            build = state.build
            page = _site_file(state.out, target.file) if target.kind == FILE else ""
        # Files are swapped in by rename, never rewritten: an open file keeps the bytes it had.
        if target.kind == REDIRECT:
            location = target.location + (f"?{query}" if query else "")
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            return self.end_headers()
        if target.kind == FORBIDDEN:
            return self.send_text(403, "Forbidden.\n", head)
        if target.kind == MISSING:
            return self.send_body(404, inject(body, build), "text/html; charset=utf-8", head)
        with file:
            kind = content_type(target.file.name)
            if kind.startswith("text/html"):
                return self.send_body(200, inject(file.read(), build, page), kind, head)
            self.send_head(200, kind, os.fstat(file.fileno()).st_size)
            if not head:
                shutil.copyfileobj(file, self.wfile)

    def send_head(self, code: int, kind: str, length: int) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def send_body(self, code: int, body: bytes, kind: str, head: bool) -> None:
        self.send_head(code, kind, len(body))
        if not head:
            self.wfile.write(body)

    def send_text(self, code: int, text: str, head: bool) -> None:
        self.send_body(code, text.encode(), "text/plain; charset=utf-8", head)

    def send_events(self, head: bool) -> None:
        """Server-Sent Events: the live status at once, then every time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        state, seen = self.server.state, -1
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not state.closed:
                message, seen = state.wait(seen, HEARTBEAT)
                if state.closed:
                    break
                self.wfile.write(f"data: {message}\n\n".encode() if message else b": idle\n\n")
                self.wfile.flush()
        except OSError:  # the page went away
            pass
        self.close_connection = True


class SiteServer(ThreadingHTTPServer):
    daemon_threads = False  # every request thread is joined when the server closes
    block_on_close = True

    def __init__(self, host: str, port: int, state: LiveState):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.state = state
        super().__init__((host.strip("[]"), port), Handler)
        self.host, self.port = host, self.server_address[1]

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the address up in DNS (getfqdn); a local server needs no name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # the browser closed the connection mid-answer
            return
        sys.stderr.write(f"garden: error while answering a request: {type(exc).__name__}: {exc}\n")


def listen(host: str, port: int, state: LiveState, explicit: bool) -> SiteServer:
    """A server bound to host:port; without an explicit port, the next free one if it is taken."""
    ports = [port] if explicit else range(port, min(port + PORT_TRIES, 65536))
    for candidate in ports:
        try:
            return SiteServer(host, candidate, state)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise GardenError(f"cannot listen on {host}:{candidate}: {exc.strerror or exc}",
                                  hint="check --host") from None
    if explicit:
        raise GardenError(f"port {port} is already in use", hint="stop the program using it, choose another "
                          "with --port, or leave out --port to take the next free one")
    raise GardenError(f"ports {port} to {port + PORT_TRIES - 1} are all in use", hint="choose one with --port")


def _site_file(out, file) -> str:
    """"notes/a/index.html" for a file in the output folder (how builds name what they wrote)."""
    try:
        return file.relative_to(out.resolve()).as_posix()
    except ValueError:
        return ""
