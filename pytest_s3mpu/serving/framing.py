"""Pure framing decisions for one HTTP/1.x request: keep the connection alive? how is the body framed?
does the client wait for ``100 Continue``?

Layer 6 (server), no I/O and no S3 rule: each function takes what the request head said and returns a
decision (the shape of h11's ``_keep_alive`` and ``_body_framing``), so each rule of RFC 9112 is tested
on its own (tests/test_framing.py) rather than through a socket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_s3mpu.protocol import bodies
from pytest_s3mpu.state import errors


def keep_alive(version: tuple[int, int], connection: str | None) -> bool:
    """Whether the connection stays open after this request (RFC 9112 §9.3): HTTP/1.1 by default,
    HTTP/1.0 only when asked; ``Connection: close`` / ``keep-alive`` say so explicitly."""
    option = (connection or "").lower()
    if option == "close":
        return False
    if option == "keep-alive":
        return True
    return version >= (1, 1)


def expects_continue(version: tuple[int, int], expect: str | None) -> bool:
    """Whether the client waits for ``100 Continue`` before the body (RFC 9110 §10.1.1; HTTP/1.1 only)."""
    return version >= (1, 1) and (expect or "").lower() == "100-continue"


@dataclass(frozen=True, slots=True)
class BodyFraming:
    """How the request body ends: HTTP chunked (its last chunk) or after ``length`` bytes.

    :param length: the Content-Length as a number; None when absent or when chunked.
    """

    chunked: bool
    length: int | None

    @property
    def declared_length(self) -> int:
        """Bytes to read for a length-framed body (no Content-Length: none)."""
        return self.length or 0


def body_framing(transfer_encoding: str | None, content_lengths: Iterable[str]) -> BodyFraming:
    """The request body's framing from Transfer-Encoding and every Content-Length field sent.

    A transfer coding the server does not know leaves the body unframed (RFC 9112 §6.1): S3 answers 501
    NotImplemented naming the header (research basic_ops: NotImplemented). Differing Content-Length
    values cannot be framed (RFC 9112 §6.3): 400. Chunked wins over Content-Length (RFC 9112 §6.3 item 3).
    """
    codings = [c.strip().lower() for c in (transfer_encoding or "").split(",") if c.strip()]
    if codings and codings != ["chunked"]:
        raise errors.NotImplementedByS3(Header="Transfer-Encoding")
    lengths = {v.strip() for item in content_lengths for v in item.split(",")}
    if len(lengths) > 1:
        raise errors.BadRequest()
    if codings:
        return BodyFraming(chunked=True, length=None)
    return BodyFraming(chunked=False, length=bodies.parse_content_length(lengths.pop() if lengths else None))


@dataclass(frozen=True, slots=True)
class AnswerFraming:
    """How an answer's body is framed on the wire.

    :param chunked: sent with ``Transfer-Encoding: chunked``.
    :param close: the connection must end after it (its end is where the body ends).
    """

    chunked: bool
    close: bool


def answer_framing(
    version: tuple[int, int], status: int, head_request: bool, has_length: bool
) -> AnswerFraming:
    """The framing of an answer whose app gave no Content-Length (``has_length`` False): chunked for an
    HTTP/1.1 client, and for an HTTP/1.0 one, which cannot read chunked (RFC 9112 §7.1: not unless the
    request said HTTP/1.1), the body ends where the connection does (RFC 9112 §6.3 item 8). An answer to
    HEAD, a 204 or a 304 has no body to frame (RFC 9112 §6.3 items 1-2)."""
    if has_length or head_request or status in (204, 304) or 100 <= status < 200:
        return AnswerFraming(chunked=False, close=False)
    if version >= (1, 1):
        return AnswerFraming(chunked=True, close=False)
    return AnswerFraming(chunked=False, close=True)
