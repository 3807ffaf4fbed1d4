"""Writing one answer on the connection: the head built in one string, the body in as few writes as
possible, chunked when its length is unknown (``framing.answer_framing`` decides: never to HTTP/1.0).

Layer 6 (server), no S3 rule. The head (for an empty body) or the body's last piece is held back until
the app's ``close`` has run (it writes the journal entry), so a client that has the whole answer finds
its request in the journal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# A piece of the body up to this size goes out in one write with its framing (one packet).
_ONE_WRITE = 64 * 1024


def header_text(value: object) -> str:
    """A header value that cannot break the head: CR and LF dropped, and text that is not Latin-1 sent
    as its UTF-8 bytes (issue: hostile input)."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to drop, nothing to encode
    text = text.replace("\r", "").replace("\n", "")
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("latin-1")
    return text


def write_answer(
    wfile: Any,
    protocol_version: str,
    status: str,
    headers: list[tuple[str, str]],
    body: Iterable[Any],
    finish: Callable[[], None],
    *,
    close: bool,
    chunked: bool,
) -> None:
    """Write ``status``, ``headers`` (plus ``Connection: close`` when ``close``) and ``body``, calling
    ``finish`` before the last bytes go out.

    :param chunked: frame the body with ``Transfer-Encoding: chunked`` (``framing.answer_framing``
        decides: the headers have no Content-Length and the client reads HTTP/1.1).
    """
    # The head is written here, not through send_header (a third of the cost of a small request's
    # answer); the app already sent Date and Server.
    lines = [f"{protocol_version} {status}\r\n"]
    lines.extend(f"{name}: {header_text(value)}\r\n" for name, value in headers)
    if close:
        lines.append("Connection: close\r\n")
    if chunked:
        lines.append("Transfer-Encoding: chunked\r\n")
    lines.append("\r\n")
    head: bytes | None = "".join(lines).encode("latin-1")  # sent with the body's first piece
    held: Any = None
    for data in body:
        if not data:
            continue
        if held is not None:
            _write_piece(wfile, head, held, chunked)
            head = None
        held = data
    finish()
    if held is not None:
        _write_piece(wfile, head, held, chunked)
        head = None
    tail = b"0\r\n\r\n" if chunked else b""
    if head is not None or tail:
        wfile.write((head or b"") + tail)
    wfile.flush()


def _write_piece(wfile: Any, head: bytes | None, data: Any, chunked: bool) -> None:
    """One piece of the body, with the head before the first; small pieces go out in one write (one
    packet), large ones without being copied."""
    prefix = (head or b"") + (f"{len(data):x}\r\n".encode() if chunked else b"")
    suffix = b"\r\n" if chunked else b""
    if len(data) <= _ONE_WRITE:
        wfile.write(prefix + bytes(data) + suffix)
    else:
        if prefix:
            wfile.write(prefix)
        wfile.write(data)
        if suffix:
            wfile.write(suffix)
