"""The request head reader (``http_head``) on its own, and through the real server.

RFC 9112 §5 (field lines) and §2.3 (HTTP-version), RFC 9110 §5.5 (field values): a header section is
read strictly, and what cannot be read is answered 400 (or 431 past http.server's limits), as S3 error
XML, never guessed at. Werkzeug's environ conventions hold: repeated fields are joined with ",", and a
name with "_" never reaches the app.
"""

from __future__ import annotations

import io
import re
import socket

import pytest

from pytest_s3mpu.app.request_fields import RequestHeaders
from pytest_s3mpu.s3server import S3Server
from pytest_s3mpu.serving import request_head as http_head


def fields(raw: bytes) -> list[tuple[str, str]]:
    return list(http_head.read_fields(io.BytesIO(raw).readline))


def refused(raw: bytes) -> int:
    with pytest.raises(http_head.HeadError) as caught:
        http_head.read_fields(io.BytesIO(raw).readline)
    return caught.value.status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"Host: x\r\nX-Amz-Date: 1\r\n\r\n", [("Host", "x"), ("X-Amz-Date", "1")]),
        (b"A:b\r\n\r\n", [("A", "b")]),
        (b"A: \t b c \t\r\n\r\n", [("A", "b c")]),  # optional white space around the value
        (b"A:\r\n\r\n", [("A", "")]),
        (b"A: \t \t\r\n\r\n", [("A", "")]),  # white space only: an empty value
        (b"A: " + b"v \t" * 200 + b"end \t \r\n\r\n", [("A", "v \t" * 200 + "end")]),  # inner OWS kept
        (b"A: b\n\n", [("A", "b")]),  # a lone LF ends a line, as http.server accepts
        (b"A: b", [("A", "b")]),  # the stream ended: what was sent
        (b"A: caf\xe9\r\n\r\n", [("A", "caf\u00e9")]),  # obs-text, read as Latin-1
        (b"A: 1\r\nA: 2\r\n\r\n", [("A", "1"), ("A", "2")]),
        (b"\r\n", []),
    ],
)
def test_field_lines_are_read_in_order_and_case(raw, expected):
    """RFC 9112 §5: ``name ":" OWS value OWS``, in the order and case sent."""
    assert fields(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"NoColon\r\n\r\n", id="no-colon"),
        pytest.param(b"A : b\r\n\r\n", id="space-before-colon"),
        pytest.param(b"Bad Name: v\r\n\r\n", id="space-in-name"),
        pytest.param(b"A: b\r\n folded\r\n\r\n", id="obs-fold"),
        pytest.param(b"A: b\r\n\tfolded\r\n\r\n", id="obs-fold-tab"),
        pytest.param(b"A: b\x00c\r\n\r\n", id="nul"),
        pytest.param(b"A: b\rc\r\n\r\n", id="bare-cr"),
        pytest.param(b"A: b\r\r\n\r\n", id="cr-before-crlf"),
        pytest.param(b": v\r\n\r\n", id="empty-name"),
        pytest.param(b"A\xe9: v\r\n\r\n", id="name-not-a-token"),
    ],
)
def test_malformed_field_lines_are_400(raw):
    """RFC 9112 §5.1 (no white space before the colon: MUST reject with 400), §5.2 (obs-fold: reject),
    RFC 9110 §5.5 (CR, LF, NUL in a value: reject)."""
    assert refused(raw) == 400


def test_limits_are_431():
    """http.server's limits, kept: a line over 65,536 bytes or more than 100 fields is 431."""
    assert refused(b"A: " + b"x" * http_head.MAX_LINE + b"\r\n\r\n") == 431
    many = b"".join(b"X-%d: v\r\n" % i for i in range(http_head.MAX_FIELDS + 1)) + b"\r\n"
    assert refused(many) == 431
    exactly = b"".join(b"X-%d: v\r\n" % i for i in range(http_head.MAX_FIELDS)) + b"\r\n"
    assert len(fields(exactly)) == http_head.MAX_FIELDS


def test_lookups_are_case_insensitive_and_take_the_first_value():
    """RFC 9110 §5.1: field names are case-insensitive. The server looks up Connection and Expect this way;
    every value stays in the fields, in order, for the environ (which joins repeats, §5.3)."""
    head = http_head.read_fields(io.BytesIO(b"Expect: 100-continue\r\nA: 1\r\na: 2\r\n\r\n").readline)
    assert head.get("expect") == "100-continue"
    assert head.get("A") == "1"
    assert list(head) == [("Expect", "100-continue"), ("A", "1"), ("a", "2")]
    assert head.get("missing") is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [("HTTP/1.1", (1, 1)), ("HTTP/1.0", (1, 0)), ("HTTP/0.9", (0, 9))],
)
def test_versions(word, expected):
    """RFC 9112 §2.3: ``HTTP/`` DIGIT "." DIGIT, read as (major, minor)."""
    assert http_head.parse_version(word) == expected


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("HTTP/2.0", 505),
        ("HTTP/3.0", 505),
        ("HTTP/3", 400),
        ("http/1.1", 400),
        ("HTTP/1.1a", 400),
        ("HTTP/\u00b2.\u00b9", 400),
        ("HTTP/99999999999.1", 400),
    ],
)
def test_bad_versions(word, status):
    """RFC 9112 §2.3: ``HTTP/`` DIGIT "." DIGIT, case-sensitive; this server speaks HTTP/1.x."""
    with pytest.raises(http_head.HeadError) as caught:
        http_head.parse_version(word)
    assert caught.value.status == status


def _answered(port: int, request: bytes) -> bytes:
    """Send bytes on a connection of their own and read the whole answer, up to the server's close (the
    requests here end in ``Connection: close`` or an error that closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(request)
        answer = b""
        for _ in range(1000):  # bounded
            piece = raw.recv(65536)
            if not piece:
                break
            answer += piece
    return answer


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(b"x-amz-meta-a: x\r\n  folded\r\n", id="obs-fold"),
        pytest.param(b"Bad Name: v\r\n", id="space-in-name"),
        pytest.param(b"NoColonHere\r\n", id="no-colon"),
        pytest.param(b"x-amz-meta-a: x\x00y\r\n", id="nul"),
    ],
)
def test_malformed_header_is_s3_bad_request_through_the_server(header):
    """Through the real server, a field line RFC 9112 forbids is answered 400 BadRequest as S3 error
    XML and the connection closed (spec §1.2) -- not read as the start of a body, dropping the fields
    after it, as http.server's email-based reader did."""
    with S3Server() as server:
        answer = _answered(server.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n" + header + b"\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert re.search(rb"\r\nConnection: close(\r\n|$)", head, re.I)
    assert b"<Code>BadRequest</Code>" in body


def test_repeated_fields_join_and_underscored_names_never_reach_the_app():
    """Werkzeug's environ rules, kept: repeated field values are joined with "," (RFC 9110 §5.3), and a
    name with "_" is dropped, so ``x_amz_meta_a`` cannot pose as ``x-amz-meta-a``. Observed through
    PutObject's stored metadata."""
    with S3Server() as server:
        port = server.port
        _answered(
            port, b"PUT /bkt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        put = (
            b"PUT /bkt/k HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\nConnection: close\r\n"
            b"x-amz-meta-a: 1\r\nx-amz-meta-a: 2\r\nx_amz_meta_b: 3\r\n\r\nz"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(put)
            assert raw.recv(65536).startswith(b"HTTP/1.1 200 ")
        stored = server.store.get_object("bkt", "k")
    assert dict(stored.meta.metadata) == {"a": "1,2"}


def test_pipelined_requests_are_answered_in_order():
    """RFC 9112 §9.3.2: a client may send requests back to back without waiting; the server answers them
    in order on the same connection. Reading one request's head and body must take nothing of the next."""
    with S3Server() as server:
        server.store.create_bucket("bkt")
        requests = (
            b"PUT /bkt/a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\none"
            b"PUT /bkt/b HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\ntwo"
            b"GET /bkt/a HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        answer = _answered(server.port, requests)  # the server closes after the third answer
        stored = {key: server.store.get_object("bkt", key).body.read() for key in ("a", "b")}
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"200", b"200"]
    assert answer.endswith(b"one")
    assert stored == {"a": b"one", "b": b"two"}


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            b"PUT /bkt/k HTTP/1.1\r\nHost: localhost\r\nx-amz-meta-a: 1\r\nContent-Length: 003\r\n"
            b"X-Amz-Meta-A: 2\r\nx_amz_meta_b: 3\r\nContent-Type: \r\n",
            {"host": "localhost", "x-amz-meta-a": "1,2", "content-length": "3", "connection": "close"},
            id="repeated-underscored-empty-type-padded-length",
        ),
        pytest.param(
            b"PUT /bkt/k HTTP/1.1\r\nHost: localhost\r\nContent-Type: \r\nContent-Length: 3\r\n"
            b"Content-Type: text/plain\r\nContent-Length: 3\r\n",
            {"host": "localhost", "content-type": "text/plain", "content-length": "3", "connection": "close"},
            id="type-and-length-repeated",
        ),
        pytest.param(
            b"PUT /bkt/k HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nx-amz-date: 1\r\n",
            {"host": "localhost", "transfer-encoding": "chunked", "x-amz-date": "1", "connection": "close"},
            id="chunked",
        ),
        pytest.param(
            b"GET /bkt HTTP/1.1\r\nHost: localhost\r\nAccept: a\r\nAccept: b\r\n",
            {"host": "localhost", "accept": "a,b", "connection": "close"},
            id="no-body",
        ),
    ],
)
def test_the_app_reads_the_header_fields_once_from_the_environ_the_server_built(head, expected):
    """The server puts the fields in the WSGI environ once (HTTP_* keys, as Werkzeug does) and the app
    reads them from there (``RequestHeaders.from_environ``), as it would under any WSGI server: repeated
    fields joined with "," (RFC 9110 §5.3), names with "_" dropped, Content-Type and Content-Length only
    when not empty, Content-Length as framed (RFC 9112 §6.3), none with a chunked body."""
    seen: list[list[tuple[str, str]]] = []
    server = S3Server()
    real_app = server.app

    def capture(environ, start_response):
        seen.append(list(RequestHeaders.from_environ(environ).items()))
        return real_app(environ, start_response)

    server.app = capture  # type: ignore[assignment]
    with server:
        server.store.create_bucket("bkt")
        body = b"3\r\nabc\r\n0\r\n\r\n" if b"chunked" in head else b"abc" if b"PUT" in head else b""
        answer = _answered(server.port, head + b"Connection: close\r\n\r\n" + body)
    # S3 refuses a PutObject body without a declared length (its error list: MissingContentLength, 411)
    assert answer.startswith(b"HTTP/1.1 411 " if b"chunked" in head else b"HTTP/1.1 200 "), answer[:300]
    ((given,),) = [seen]
    assert dict(given) == expected
