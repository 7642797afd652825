"""Which Host headers the server answers: its own names only (no DNS rebinding).

A page on another site can make the browser resolve `evil.example` to 127.0.0.1
and read our answers; its requests then carry `Host: evil.example`, so any name
that is not this server's own is refused. IP literals cannot be rebound, so a
server bound to every interface (`--host 0.0.0.0`) also answers to its addresses
as other machines on the network type them, and to the machine's own name.
"""
from __future__ import annotations

import ipaddress
import socket

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
WILDCARD = {"0.0.0.0", "::", ""}


def split_host(header: str) -> tuple[str, int | None] | None:
    """`name:port`, `[v6]:port` or a bare name -> (name, port or None); None if malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            return None
        name, rest = header[1:end], header[end + 1:]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:] if rest else None
    else:
        name, sep, port_text = header.partition(":")
        if not sep:
            port_text = None
    if port_text is None:
        return name, None
    if not port_text.isdigit() or len(port_text) > 5:
        return None
    return name, int(port_text)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def host_allowed(header: str | None, bound_host: str, port: int) -> bool:
    if header is None:  # an HTTP/1.0 client that names no host; browsers always send one
        return True
    parsed = split_host(header)
    if parsed is None or not parsed[0]:
        return False
    name, given_port = parsed
    if (given_port or 80) != port:
        return False
    name = name.rstrip(".")
    bound = bound_host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name == bound:
        return True
    if bound in WILDCARD:
        hostname = socket.gethostname().lower()
        return _is_ip(name) or name in (hostname, hostname + ".local")
    return False
