"""`garden serve`: build, serve on localhost, and rebuild on every save.

    session.py    the first build, the server, the watcher, a rebuild per batch
    rebuild.py    one build per batch through the ordinary pipeline; broken saves held back
    watcher.py    watchdog events -> debounced batches sorted by kind (content, theme, config)
    server.py     the HTTP server (standard library), content types, no caching
    locate.py     a request path -> a file inside the output folder, or why not
    hosts.py      the Host header check (DNS rebinding)
    livereload.py the live status and the event stream open pages listen to
    client.py     the script added to served pages: reload, CSS swap, error overlay
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import webbrowser

from ..cli import add_source_arguments

DEFAULT_PORT = 8000
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_arguments(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; "
                        "0.0.0.0 lets other machines on the network read the site)")
    p.add_argument("--port", type=int, default=None,
                   help=f"port to listen on (default {DEFAULT_PORT}, or the next free one if it is taken; "
                        "a port given here that is taken is an error)")
    p.add_argument("--open", action="store_true", help="open the site in the web browser")


def _stop_on_sigterm(main_pid: int):
    """SIGTERM stops the session as cleanly as Ctrl+C; build workers (forked) just end as usual."""
    def handler(signum, frame):
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt
    return handler


def run(args) -> int:
    from .session import Session

    if not args.source.is_dir():
        sys.stderr.write(f"garden: error: {args.source} is not a folder\n")
        return 2
    if args.port is not None and not 0 <= args.port <= 65535:
        sys.stderr.write(f"garden: error: --port must be between 0 and 65535, not {args.port}\n")
        return 2
    if args.host not in LOOPBACK and not args.host.startswith("127."):
        sys.stderr.write(f"garden: warning: listening on {args.host}: other machines on your network "
                         "can read this site; leave out --host to serve this machine only\n")
    overrides = {"out": args.out, "base_url": args.base_url, "publish": args.publish}
    session = Session(args.source, overrides, host=args.host,
                      port=DEFAULT_PORT if args.port is None else args.port,
                      explicit_port=args.port is not None)
    if args.port is None and session.port != DEFAULT_PORT:
        sys.stderr.write(f"garden: port {DEFAULT_PORT} is in use; using {session.port}\n")
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm(os.getpid()))
    try:
        session.start()
        url = session.url()
        sys.stderr.write(f"garden: serving {session.rebuilder.cfg.title} at {url} (Ctrl+C to stop)\n")
        sys.stderr.flush()
        if args.open:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        session.run()
    except KeyboardInterrupt:
        pass
    finally:
        session.close()
        signal.signal(signal.SIGTERM, previous)
    sys.stderr.write("garden: stopped\n")
    return 0
