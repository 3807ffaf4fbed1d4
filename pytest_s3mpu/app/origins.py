"""Which requests a web page in the developer's browser must not make: the Host and Origin checks.

Layer 5 (app), pure decisions on header values (testable without a socket), no S3 rule. A page on
another site can send a cross-site form POST to ``http://127.0.0.1:PORT/_s3mpu/reset`` (no preflight
for ``enctype=text/plain``), and a DNS-rebinding page reaches the server under its own name (``Host:
evil.example``) and reads every answer. So: every request must name an allowed host, and a state-changing
control request that a browser marks as coming from another origin is refused. Plain clients (curl,
requests, the SDKs) send no ``Origin`` and no ``Sec-Fetch-Site`` and are not affected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ANY_HOST = "*"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
# Fetch Metadata (W3C): what a browser says about the page that made the request. "same-site" is another
# origin too (another port of localhost, say), so only "same-origin" and "none" (typed by the user) pass.
_FOREIGN_SITES = ("cross-site", "same-site")


def host_name(host: str) -> str:
    """The name in a Host header value, without its port or brackets, lower case, no trailing dot."""
    text = host.strip().lower()
    if text.startswith("["):  # [::1]:9000
        return text[1:].partition("]")[0]
    if text.count(":") == 1:
        text = text.partition(":")[0]
    return text.rstrip(".")


def allowed_names(names: Iterable[str]) -> frozenset[str]:
    """Allowed host names as matched by ``host_allowed``: ``*.example`` and ``.example`` mean
    ``example`` and its subdomains, as every name does; ``*`` alone allows any host."""
    result: set[str] = set()
    for name in names:
        text = name.strip().lower()
        if text == ANY_HOST:
            result.add(ANY_HOST)
            continue
        text = text.removeprefix("*").lstrip(".")
        if text:
            result.add(host_name(text))
    return frozenset(result)


def host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's Host header names an allowed host or a subdomain of one (a bucket in
    virtual-hosted style). No Host header (HTTP/1.0): allowed -- browsers always send one."""
    if host is None or ANY_HOST in allowed:
        return True
    name = host_name(host)
    if name in allowed:
        return True
    return any(name.endswith("." + allowed_name) for allowed_name in allowed)


def from_another_origin(headers: Mapping[str, str], scheme: str) -> bool:
    """Whether a browser says this request comes from a page of another origin: an ``Origin`` other
    than this server's own (``scheme://Host``; ``null`` included), or, without ``Origin``, a
    ``Sec-Fetch-Site`` of ``cross-site`` or ``same-site``."""
    origin = headers.get("Origin")
    if origin is not None:
        own = f"{scheme}://{headers.get('Host', '')}"
        return origin.strip().lower() != own.lower()
    return (headers.get("Sec-Fetch-Site") or "").strip().lower() in _FOREIGN_SITES
