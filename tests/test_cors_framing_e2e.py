"""How S3 frames its answers to preflights, through the real server over raw connections: a refused
preflight's error document goes out chunked (no Content-Length) on a connection that stays open, the
refusal of one without Origin also ends the connection, an admitted one keeps ``Content-Length: 0``,
and the actual requests around them keep their usual framing. An HTTP/1.0 client, which cannot read
chunked, gets the body ended by the connection's end instead.

Recordings: LocalStack tests/aws/services/s3/test_s3_cors.py against real S3 ("LS-AWS cors"), the full
header sets of every preflight answer in test_s3_cors.snapshot.json.
"""

from __future__ import annotations

import http.client
import socket
import xml.etree.ElementTree as ET

import pytest

BUCKET = "cors-framing"
KEY = "test-cors"
ORIGIN = "https://localhost:4200"
TIMEOUT = 5.0
NOT_ALLOWED_START = "CORSResponse: This CORS request is not allowed."


@pytest.fixture
def port(s3mpu, s3mpu_client) -> int:
    s3mpu.create_bucket(BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key=KEY, Body=b"test-cors")
    s3mpu_client.put_bucket_cors(
        Bucket=BUCKET,
        CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"], "MaxAgeSeconds": 3000}]
        },
    )
    return int(s3mpu.endpoint_url.rsplit(":", 1)[1])


def exchange(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str]
) -> tuple[http.client.HTTPResponse, bytes]:
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    return response, response.read()


def framing_of(response: http.client.HTTPResponse) -> dict[str, str | None]:
    return {name: response.getheader(name) for name in ("Content-Length", "Transfer-Encoding", "Connection")}


def message_of(body: bytes) -> str:
    return ET.fromstring(body).findtext("Message") or ""


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server ended the connection (EOF), waiting at most TIMEOUT for it."""
    sock.settimeout(TIMEOUT)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False


@pytest.mark.parametrize(
    "asked",
    [
        {"Origin": "http://localhost:4200", "Access-Control-Request-Method": "GET"},  # another origin
        {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"},  # a method the rule lacks
        {"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-a"},
    ],
    ids=["origin", "method", "headers"],
)
def test_refused_preflight_is_chunked_and_keeps_the_connection(port, asked):
    """[LS-AWS cors: test_cors_match_origins opt-wrong-origin, recorded 2023-07-31;
    test_cors_match_methods opt-put, 2025-03-17; test_cors_match_headers opt-get-non-allowed, 2025-07-07;
    test_put_cors_default_values opt-get-headers; test_cors_options_fails_partial_origin, 2024-03-01]
    403 with ``Transfer-Encoding: chunked``, no Content-Length and no ``Connection: close``: the next
    request goes on the same connection, and the GET after it is sized as usual."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        response, body = exchange(conn, "OPTIONS", f"/{BUCKET}/{KEY}", asked)
        assert response.status == 403
        assert message_of(body).startswith(NOT_ALLOWED_START)
        assert framing_of(response) == {
            "Content-Length": None,
            "Transfer-Encoding": "chunked",
            "Connection": None,
        }
        sock = conn.sock
        assert sock is not None
        response, body = exchange(conn, "GET", f"/{BUCKET}/{KEY}", {"Origin": ORIGIN})
        assert conn.sock is sock  # the same connection carried the second request
        assert (response.status, body) == (200, b"test-cors")
        assert framing_of(response) == {"Content-Length": "9", "Transfer-Encoding": None, "Connection": None}
    finally:
        conn.close()


@pytest.mark.parametrize("asked", [{}, {"Referer": ORIGIN, "Access-Control-Request-Method": "PUT"}])
def test_preflight_without_origin_is_chunked_and_closes_the_connection(port, asked):
    """[LS-AWS cors: test_cors_match_origins opt-no-origin, opt-referer, recorded 2023-07-31] 400
    "Insufficient information" with ``Connection: close`` and ``Transfer-Encoding: chunked`` (no
    Content-Length); the server then ends the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.connect()
        sock = conn.sock
        assert sock is not None
        conn.request("OPTIONS", f"/{BUCKET}/{KEY}", headers=asked)
        # Read the answer on a duplicate of the socket, so http.client's own close does not hide the
        # server's: after the chunked body, the next read must see the server's end of the connection.
        response = http.client.HTTPResponse(sock.dup(), method="OPTIONS")
        response.begin()
        body = response.read()
        assert response.status == 400
        assert message_of(body) == "Insufficient information. Origin request header needed."
        assert framing_of(response) == {
            "Content-Length": None,
            "Transfer-Encoding": "chunked",
            "Connection": "close",
        }
        assert closed_by_server(sock)
    finally:
        conn.close()


def test_admitted_preflight_and_actual_requests_keep_their_framing(port):
    """[LS-AWS cors: test_cors_match_origins opt-right-origin, get-right-origin, get-no-origin; recorded
    2023-07-31] an admitted preflight answers 200 with ``Content-Length: 0``; GETs with or without
    Origin are sized; none closes the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        response, body = exchange(
            conn, "OPTIONS", f"/{BUCKET}/{KEY}", {"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
        )
        assert (response.status, body) == (200, b"")
        assert framing_of(response) == {"Content-Length": "0", "Transfer-Encoding": None, "Connection": None}
        sock = conn.sock
        for headers in ({"Origin": ORIGIN}, {}):
            response, body = exchange(conn, "GET", f"/{BUCKET}/{KEY}", headers)
            assert (response.status, body) == (200, b"test-cors")
            assert framing_of(response) == {
                "Content-Length": "9",
                "Transfer-Encoding": None,
                "Connection": None,
            }
        assert conn.sock is sock
    finally:
        conn.close()


def test_refusals_without_configuration_or_bucket_are_framed_alike(port, s3mpu_client):
    """[LS-AWS cors: test_cors_http_options_no_config, test_cors_http_options_non_existent_bucket,
    recorded 2023-07-31: bodies only] the "CORS is not enabled" and "Bucket not found" refusals come
    from the same CORSResponse answerer as the recorded ones (test_cors_match_origins opt-wrong-origin)
    and are framed as they are: chunked, connection kept."""
    s3mpu_client.delete_bucket_cors(Bucket=BUCKET)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        for path, message in (
            (f"/{BUCKET}/{KEY}", "CORSResponse: CORS is not enabled for this bucket."),
            ("/no-such-bucket-here/k", "CORSResponse: Bucket not found"),
        ):
            response, body = exchange(conn, "OPTIONS", path, {"Origin": ORIGIN})
            assert (response.status, message_of(body)) == (403, message)
            assert framing_of(response) == {
                "Content-Length": None,
                "Transfer-Encoding": "chunked",
                "Connection": None,
            }
    finally:
        conn.close()


def _http10_answer(port: int, headers: str) -> tuple[bytes, bytes]:
    """An HTTP/1.0 preflight over a raw socket: the head and the body, read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(f"OPTIONS /{BUCKET}/{KEY} HTTP/1.0\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):  # ends at the server's close (the timeout bounds it)
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


@pytest.mark.parametrize(
    "headers",
    [
        "Origin: http://localhost:4200\r\nAccess-Control-Request-Method: GET\r\nConnection: keep-alive\r\n",
        "Connection: keep-alive\r\n",
    ],
    ids=["refused", "no-origin"],
)
def test_http10_client_gets_the_refusal_unchunked_ended_by_the_close(port, headers):
    """RFC 9112 §7.1 (no chunked answer to a request that did not say HTTP/1.1) and §6.3 item 8 (a body
    without a length ends with the connection): the refusal S3 sends chunked
    [LS-AWS cors: test_cors_match_origins, recorded 2023-07-31] reaches an HTTP/1.0 client, even one
    asking to keep the connection, as the plain XML document followed by the server's close."""
    head, body = _http10_answer(port, headers)
    lines = head.decode("latin-1").split("\r\n")
    names = {line.partition(":")[0].lower() for line in lines[1:]}
    assert lines[0].split()[1] in ("400", "403")
    assert "transfer-encoding" not in names
    assert "content-length" not in names
    assert "connection: close" in (line.lower() for line in lines)
    assert body.startswith(b"<?xml") and body.endswith(b"</Error>")


def test_fault_rules_on_preflights_keep_each_answer_framed_as_its_own(port, s3mpu):
    """A rule that only delays a preflight leaves S3's refusal framed as recorded (chunked
    [LS-AWS cors: test_cors_match_origins opt-wrong-origin, recorded 2023-07-31]); a rule's own error
    answer (a preset, not S3's CORS refusal) keeps its Content-Length, as every other answer."""
    refused = {"Origin": "http://localhost:4200", "Access-Control-Request-Method": "GET"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        delay = s3mpu.faults.add(operation="PreflightRequest", action="delay", delay_s=0.01, times=1)
        response, body = exchange(conn, "OPTIONS", f"/{BUCKET}/{KEY}", refused)
        assert delay.hits == 1
        assert response.status == 403
        assert message_of(body).startswith(NOT_ALLOWED_START)
        assert framing_of(response)["Transfer-Encoding"] == "chunked"
        s3mpu.faults.add(operation="PreflightRequest", preset="SlowDown", times=1)
        response, body = exchange(conn, "OPTIONS", f"/{BUCKET}/{KEY}", refused)
        assert (response.status, ET.fromstring(body).findtext("Code")) == (503, "SlowDown")
        assert framing_of(response) == {
            "Content-Length": str(len(body)),
            "Transfer-Encoding": None,
            "Connection": None,
        }
    finally:
        conn.close()
