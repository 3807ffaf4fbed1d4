"""What every S3 answer carries whoever sends it: the status line, the request ids, the Date.

Layer 3 (protocol). Shared by the app (its answers) and the server (the answers it gives on its own,
to requests it cannot frame or connections it cannot take), which never import each other.
"""

from __future__ import annotations

import base64
import os
from email.utils import formatdate
from http import HTTPStatus

from pytest_s3mpu.protocol import wire, xmldoc
from pytest_s3mpu.state import errors
from pytest_s3mpu.state.clock import Clock

_STATUS_TEXT = {
    200: "OK",
    204: "No Content",
    206: "Partial Content",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    412: "Precondition Failed",
    416: "Requested Range Not Satisfiable",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def status_line(status: int) -> str:
    """``200 OK``: S3's reason phrases, else the standard one (a fault rule may choose any 300-599)."""
    text = _STATUS_TEXT.get(status)
    if text is None:
        try:
            text = HTTPStatus(status).phrase
        except ValueError:
            text = "Unknown"
    return f"{status} {text}"


def new_request_id() -> str:
    """16 upper-case hex characters, the shape of S3's x-amz-request-id."""
    return os.urandom(8).hex().upper()


def host_id_for(request_id: str) -> str:
    return base64.b64encode(os.urandom(32) + request_id.encode()).decode("ascii")


_date_cache: tuple[int, str] = (0, "")


def http_date(clock: Clock) -> str:
    """The Date header (RFC 9110 §5.6.7) at the store's clock's time, formatted once per second the
    clock shows rather than once a request: a moved clock moves it at once."""
    global _date_cache
    now = clock.second()
    second, text = _date_cache
    if second != now:
        text = formatdate(now, usegmt=True)
        _date_cache = (now, text)  # one assignment: a thread sees the old pair or the new one
    return text


def error_answer(error: errors.S3Error, clock: Clock) -> bytes:
    """A whole HTTP answer carrying ``error`` as S3 error XML, closing the connection."""
    request_id = new_request_id()
    host_id = host_id_for(request_id)
    body = xmldoc.render_error(error, request_id, host_id)
    head = (
        f"HTTP/1.1 {status_line(error.status)}\r\n"
        f"Content-Type: {wire.XML_CONTENT_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"{wire.REQUEST_ID}: {request_id}\r\n"
        f"{wire.HOST_ID}: {host_id}\r\n"
        f"Date: {http_date(clock)}\r\n"
        "Server: AmazonS3\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
