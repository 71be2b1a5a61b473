"""Where a webhook may be sent (SSRF guard) and the one HTTP POST that sends it.

The host is resolved and EVERY address checked, at subscription and again at each delivery,
and the connection goes to the address that was checked (no second lookup an attacker's DNS
could answer differently). Redirects are not followed. Loopback, private, link-local,
multicast and reserved addresses are refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS (dev, tests).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit


class TargetRefused(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def check(url: str, *, allow_private: bool) -> Target:
    """The URL's target if every address it resolves to may be reached; TargetRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("That is not a valid URL.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise TargetRefused("Use an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise TargetRefused("Leave credentials out of the URL.")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused("That host name does not resolve.") from None
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        if not ip.is_global and not allow_private:
            raise TargetRefused(f"{parts.hostname} resolves to a private or reserved address ({ip}).")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST to the checked address (TLS verified against the host name); the status code."""
    sock = socket.create_connection((target.address, target.port), timeout=timeout)
    if target.scheme == "https":
        connection = http.client.HTTPSConnection(target.host, target.port, timeout=timeout)
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host)
    else:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    connection.sock = sock
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()
