"""Request body encodings and integrity checks through the real server (spec §1.5, §1.6, §3 steps 4-5).

Cases a real client cannot produce (bad digests, hand-framed aws-chunked bodies, Expect: 100-continue,
keep-alive after an error) are sent as raw HTTP with http.client or a socket; boto3 over https checks
that the aws-chunked bodies botocore really sends round-trip byte-exact. Every expected digest is
computed here independently (zlib, hashlib, awscrt), never taken from the package.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import socket
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from awscrt import checksums as crt

pytestmark = pytest.mark.s3mpu(min_part_size=1024)

BUCKET = "bodies-bucket"
KEY = "dir/object key"
PREVIOUS = b"the previous version, which a failed request must leave alone"

MD5_INVALID = "The Content-MD5 you specified was invalid."
MD5_MISMATCH = "The Content-MD5 you specified did not match what we received."
SHA256_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed."
MULTIPLE_CHECKSUMS = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
INCOMPLETE_BODY = "You did not provide the number of bytes specified by the Content-Length HTTP header"
MALFORMED_TRAILER = (
    "The request contained trailing data that was not well-formed or did not conform to our published schema."
)
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
    "aborted or completed."
)

UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# Independent reference implementations: raw big-endian digests, as S3 base64-encodes them.
DIGESTS: dict[str, Callable[[bytes], bytes]] = {
    "crc32": lambda data: zlib.crc32(data).to_bytes(4, "big"),
    "crc32c": lambda data: crt.crc32c(data).to_bytes(4, "big"),
    "crc64nvme": lambda data: crt.crc64nvme(data).to_bytes(8, "big"),
    "sha1": lambda data: hashlib.sha1(data).digest(),
    "sha256": lambda data: hashlib.sha256(data).digest(),
}


def checksum(algorithm: str, data: bytes) -> str:
    return b64(DIGESTS[algorithm](data))


# -- raw HTTP --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def error(self) -> dict[str, str]:
        """The children of ``<Error>`` as tag -> text (empty elements give "")."""
        root = ET.fromstring(self.body)
        assert root.tag == "Error"
        return {child.tag: child.text or "" for child in root}


def send(
    endpoint: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> Response:
    """One request on a fresh connection, exactly as given: no header is added but Host (and
    Content-Length when neither it nor Transfer-Encoding is given)."""
    parts = urlsplit(endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        names = {name.lower() for name in (headers or {})}
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if "content-length" not in names and "transfer-encoding" not in names:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body:
            conn.send(body)
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


def assert_error(response: Response, status: int, code: str, message: str | None = None) -> dict[str, str]:
    assert response.status == status, response.body
    error = response.error()
    assert error["Code"] == code
    if message is not None:
        assert error["Message"] == message
    return error


def aws_chunked(
    data: bytes,
    chunk_size: int,
    *,
    signed: bool = False,
    trailers: list[tuple[str, str]] | None = None,
) -> bytes:
    """aws-chunked framing as botocore's AwsChunkedWrapper writes it (lower-case hex, no leading zeros),
    or with ``;chunk-signature=`` extensions for the signed variants (AWS docs: Signature Calculations
    for the Authorization Header: Transferring Payload in Multiple Chunks / with trailing headers)."""
    extension = b";chunk-signature=" + os.urandom(32).hex().encode() if signed else b""
    out = bytearray()
    for start in range(0, len(data), chunk_size):
        chunk = data[start : start + chunk_size]
        out += f"{len(chunk):x}".encode() + extension + b"\r\n" + chunk + b"\r\n"
    out += b"0" + extension + b"\r\n"
    for name, value in trailers or []:
        out += f"{name}:{value}\r\n".encode()
    if trailers and signed:
        out += f"x-amz-trailer-signature:{os.urandom(32).hex()}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


def http_chunked(body: bytes, size: int = 1000) -> bytes:
    """HTTP/1.1 chunked transfer coding on top of an (aws-chunked) body."""
    out = bytearray()
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


def chunked_headers(
    data: bytes, token: str, trailer: str | None = "x-amz-checksum-crc32", encoding: str = "aws-chunked"
) -> dict[str, str]:
    headers = {
        "Content-Encoding": encoding,
        "x-amz-content-sha256": token,
        "X-Amz-Decoded-Content-Length": str(len(data)),
    }
    if trailer is not None:
        headers["X-Amz-Trailer"] = trailer
    return headers


# -- targets: PutObject and UploadPart ---------------------------------------------------------------


@dataclass
class Target:
    """Where a body goes, seeded with a previous version at that place, and how to read the state."""

    operation: str
    s3mpu: Any
    path: str
    upload_id: str | None = None

    @property
    def endpoint(self) -> str:
        return self.s3mpu.endpoint_url

    def state(self) -> dict[Any, bytes]:
        """Every stored object of the bucket, or every part of the upload, as bytes."""
        if self.upload_id is not None:
            return {number: bytes(part.data) for number, part in self.s3mpu.parts(self.upload_id).items()}
        return {key: self.s3mpu.object_bytes(BUCKET, key) for key in self.s3mpu.objects(BUCKET)}

    def stored(self) -> bytes:
        if self.upload_id is not None:
            return bytes(self.s3mpu.parts(self.upload_id)[1].data)
        return self.s3mpu.object_bytes(BUCKET, KEY)

    def put(
        self, headers: dict[str, str] | None = None, body: bytes = b"", path: str | None = None
    ) -> Response:
        return send(self.endpoint, "PUT", path or self.path, headers, body)

    @property
    def fresh_path(self) -> str:
        """A place with nothing stored yet: another key, or part 2."""
        if self.upload_id is not None:
            return self.path.replace("partNumber=1", "partNumber=2")
        return f"/{BUCKET}/fresh"


def create_upload(endpoint: str) -> str:
    """CreateMultipartUpload over raw HTTP; returns the UploadId."""
    response = send(endpoint, "POST", f"/{BUCKET}/{quote(KEY)}?uploads")
    assert response.status == 200, response.body
    (upload_id,) = [el.text for el in ET.fromstring(response.body).iter() if el.tag.endswith("UploadId")]
    return upload_id


@pytest.fixture(params=["PutObject", "UploadPart"])
def target(request, s3mpu) -> Target:
    """PutObject onto an existing object, or UploadPart onto an existing part 1 (seeded over raw HTTP)."""
    s3mpu.create_bucket(BUCKET)
    path = f"/{BUCKET}/{quote(KEY)}"
    upload_id = None
    if request.param == "UploadPart":
        upload_id = create_upload(s3mpu.endpoint_url)
        path = f"{path}?partNumber=1&uploadId={quote(upload_id, safe='')}"
    seeded = send(s3mpu.endpoint_url, "PUT", path, {}, PREVIOUS)
    assert seeded.status == 200, seeded.body
    result = Target(request.param, s3mpu, path, upload_id)
    assert result.state() == {(1 if upload_id else KEY): PREVIOUS}
    return result


def assert_stored(target: Target, response: Response, data: bytes) -> None:
    """200 with the ETag S3 gives a single body (quoted md5 hex), and exactly ``data`` stored."""
    assert response.status == 200, response.body
    assert response.headers["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert target.stored() == data


# -- Content-MD5 (spec §1.6) -----------------------------------------------------------------------


def test_content_md5_valid_is_stored(target):
    """A raw body with a matching Content-MD5 is stored as sent (spec §1.6; AWS docs: UploadPart)."""
    data = os.urandom(3000)
    response = target.put({"Content-MD5": b64(hashlib.md5(data).digest())}, data)
    assert_stored(target, response, data)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not base64!!", id="not-base64"),
        pytest.param(b64(b"fifteen bytes!!"), id="15-bytes"),
        pytest.param(b64(b"seventeen bytes!!"), id="17-bytes"),
        pytest.param("", id="empty"),
    ],
)
def test_content_md5_malformed_is_invalid_digest(target, value):
    """A Content-MD5 that is not base64 of 16 bytes, or is empty, is 400 InvalidDigest echoing the value in
    <Content-MD5>; nothing is stored (spec §1.6; LS-AWS test_s3_invalid_content_md5; ceph
    test_object_create_bad_md5_invalid_short / _empty)."""
    before = target.state()
    data = b"body with a malformed digest"
    error = assert_error(target.put({"Content-MD5": value}, data), 400, "InvalidDigest", MD5_INVALID)
    assert error["Content-MD5"] == value
    assert target.state() == before


def test_content_md5_mismatch_is_bad_digest(target):
    """A well-formed Content-MD5 that does not match is 400 BadDigest with ExpectedDigest (PutObject: hex of
    the value sent; UploadPart: the header as sent) and CalculatedDigest (base64 of the real MD5); state
    unchanged; a corrected retry succeeds (spec §1.6; LS-AWS test_s3_invalid_content_md5, md5-error-bad-digest
    and upload-part-md5-bad-digest, recorded 2026-02-21; ceph test_object_create_bad_md5_bad)."""
    before = target.state()
    data = os.urandom(2000)
    wrong = hashlib.md5(b"something else").digest()
    error = assert_error(target.put({"Content-MD5": b64(wrong)}, data), 400, "BadDigest", MD5_MISMATCH)
    assert error["ExpectedDigest"] == (b64(wrong) if target.operation == "UploadPart" else wrong.hex())
    assert error["CalculatedDigest"] == b64(hashlib.md5(data).digest())
    assert target.state() == before

    retry = target.put({"Content-MD5": b64(hashlib.md5(data).digest())}, data)
    assert_stored(target, retry, data)


# -- x-amz-content-sha256 (spec §1.5) --------------------------------------------------------------


def test_content_sha256_matching_hex_is_stored(target):
    """A hex x-amz-content-sha256 equal to the body's SHA-256 is accepted (spec §1.5)."""
    data = os.urandom(1500)
    response = target.put({"x-amz-content-sha256": hashlib.sha256(data).hexdigest()}, data)
    assert_stored(target, response, data)


def test_content_sha256_mismatch(target):
    """A hex x-amz-content-sha256 that differs from the body's is 400 XAmzContentSHA256Mismatch with
    ClientComputedContentSHA256 and S3ComputedContentSHA256; nothing stored (spec §1.5; vgw
    s3err/content-sha256-mismatch-error.go)."""
    before = target.state()
    data = os.urandom(1500)
    claimed = hashlib.sha256(b"other bytes").hexdigest()
    error = assert_error(
        target.put({"x-amz-content-sha256": claimed}, data), 400, "XAmzContentSHA256Mismatch", SHA256_MISMATCH
    )
    assert error["ClientComputedContentSHA256"] == claimed
    assert error["S3ComputedContentSHA256"] == hashlib.sha256(data).hexdigest()
    assert target.state() == before


@pytest.mark.parametrize("token", ["NOT-A-TOKEN", "UNSIGNED-PAYLOAD-X", "abc123"])
def test_content_sha256_unknown_token_is_invalid_argument(target, token):
    """Any x-amz-content-sha256 that is neither a SHA-256 hex digest nor one of S3's tokens is 400
    InvalidArgument with ArgumentName x-amz-content-sha256 (spec §1.5; vgw s3err/invalid-argument.go)."""
    before = target.state()
    error = assert_error(target.put({"x-amz-content-sha256": token}, b"data"), 400, "InvalidArgument")
    assert error["ArgumentName"] == "x-amz-content-sha256"
    assert error["ArgumentValue"] == token
    assert target.state() == before


def test_unsigned_payload_is_not_verified(target):
    """``UNSIGNED-PAYLOAD`` means a raw body that is not hashed against the header (spec §1.5)."""
    data = os.urandom(1200)
    assert_stored(target, target.put({"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, data), data)


# -- x-amz-checksum-* headers (spec §3 step 5) ----------------------------------------------------


@pytest.mark.parametrize("algorithm", sorted(DIGESTS))
def test_checksum_header_correct_is_stored_and_echoed(target, algorithm):
    """A correct x-amz-checksum-{algo} is accepted, echoed on the response, and (PutObject) returned on GET
    with x-amz-checksum-mode: ENABLED (spec §3 step 5 and response; LS-AWS
    upload-part-different-checksum-than-default; AWS docs: Checking object integrity)."""
    data = os.urandom(2500)
    value = checksum(algorithm, data)
    header = f"x-amz-checksum-{algorithm}"
    response = target.put({header: value}, data)
    assert_stored(target, response, data)
    assert response.headers[header] == value
    if target.operation == "UploadPart":
        assert target.s3mpu.parts(target.upload_id)[1].reported.value == algorithm.upper()
        return
    assert response.headers["x-amz-checksum-type"] == "FULL_OBJECT"
    got = send(target.endpoint, "GET", target.path, {"x-amz-checksum-mode": "ENABLED"})
    assert got.status == 200
    assert got.body == data
    assert got.headers[header] == value
    assert got.headers["x-amz-checksum-type"] == "FULL_OBJECT"
    plain = send(target.endpoint, "GET", target.path)
    assert plain.headers[header] is None


@pytest.mark.parametrize("algorithm", sorted(DIGESTS))
def test_checksum_header_wrong_is_bad_digest(target, algorithm):
    """A well-formed checksum of other bytes is 400 BadDigest "The {ALGO} you specified did not match the
    calculated checksum." with ALGO upper case; nothing stored; a corrected retry succeeds (spec §3
    step 5; LS-AWS test_multipart_upload_part_checksum_exception; ceph test_object_checksum_sha256)."""
    before = target.state()
    data = os.urandom(900)
    header = f"x-amz-checksum-{algorithm}"
    response = target.put({header: checksum(algorithm, b"not the body")}, data)
    message = f"The {algorithm.upper()} you specified did not match the calculated checksum."
    assert_error(response, 400, "BadDigest", message)
    assert target.state() == before

    retry = target.put({header: checksum(algorithm, data)}, data)
    assert_stored(target, retry, data)


@pytest.mark.parametrize("algorithm", sorted(DIGESTS))
@pytest.mark.parametrize("shape", ["not-base64", "wrong-length"])
def test_checksum_header_malformed_is_invalid_request(target, algorithm, shape):
    """A checksum value that is not valid base64 of the algorithm's digest size is 400 InvalidRequest
    "Value for x-amz-checksum-{algo} header is invalid." (spec §3 step 5; LS-AWS
    test_multipart_upload_part_checksum_exception)."""
    before = target.state()
    data = b"some body"
    raw = DIGESTS[algorithm](data)
    value = "!!!not*base64" if shape == "not-base64" else b64(raw + b"\x00")
    response = target.put({f"x-amz-checksum-{algorithm}": value}, data)
    assert_error(response, 400, "InvalidRequest", f"Value for x-amz-checksum-{algorithm} header is invalid.")
    assert target.state() == before


def test_two_checksum_headers_are_rejected(target):
    """Two x-amz-checksum-* headers, even both correct, are 400 InvalidRequest (spec §3 step 5; LS-AWS
    test_s3_checksum_no_algorithm)."""
    before = target.state()
    data = os.urandom(700)
    headers = {
        "x-amz-checksum-crc32": checksum("crc32", data),
        "x-amz-checksum-sha256": checksum("sha256", data),
    }
    assert_error(target.put(headers, data), 400, "InvalidRequest", MULTIPLE_CHECKSUMS)
    assert target.state() == before


# -- aws-chunked bodies (spec §1.5) ----------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 4096, 10_000])
@pytest.mark.parametrize("framing", ["content-length", "transfer-encoding"])
def test_unsigned_trailer_body_is_decoded(target, framing, size):
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER exactly as botocore frames it: the decoded bytes are stored, the
    CRC32 trailer is verified and echoed; with Content-Length of the encoded body or with HTTP chunked
    framing on top (spec §1.5; botocore httpchecksum.AwsChunkedWrapper)."""
    data = os.urandom(size)
    crc = checksum("crc32", data)
    encoded = aws_chunked(data, 4096, trailers=[("x-amz-checksum-crc32", crc)])
    headers = chunked_headers(data, UNSIGNED_TRAILER)
    if framing == "transfer-encoding":
        headers["Transfer-Encoding"] = "chunked"
        encoded = http_chunked(encoded)
    response = target.put(headers, encoded)
    assert_stored(target, response, data)
    assert response.headers["x-amz-checksum-crc32"] == crc


@pytest.mark.parametrize("trailer", [False, True])
def test_signed_streaming_body_is_decoded(target, trailer):
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): ``;chunk-signature=`` on every chunk (8 KiB chunks, the
    signed minimum), final ``0;chunk-signature=``, then either ``\\r\\n`` or the trailer and
    ``x-amz-trailer-signature``; signatures are not verified (spec §1.5)."""
    data = os.urandom(20_000)
    crc = checksum("crc32c", data)
    trailers = [("x-amz-checksum-crc32c", crc)] if trailer else None
    encoded = aws_chunked(data, 8192, signed=True, trailers=trailers)
    token = SIGNED_TRAILER if trailer else SIGNED
    headers = chunked_headers(data, token, "x-amz-checksum-crc32c" if trailer else None)
    response = target.put(headers, encoded)
    assert_stored(target, response, data)
    if trailer:
        assert response.headers["x-amz-checksum-crc32c"] == crc


def test_content_md5_checked_after_decoding(target):
    """Content-MD5 applies to the decoded aws-chunked body, not the framing (spec §1.6, last point)."""
    data = os.urandom(5000)
    encoded = aws_chunked(data, 2048, trailers=[("x-amz-checksum-crc32", checksum("crc32", data))])
    headers = {**chunked_headers(data, UNSIGNED_TRAILER), "Content-MD5": b64(hashlib.md5(data).digest())}
    assert_stored(target, target.put(headers, encoded), data)

    before = target.state()
    headers["Content-MD5"] = b64(hashlib.md5(encoded).digest())
    error = assert_error(target.put(headers, encoded), 400, "BadDigest", MD5_MISMATCH)
    assert error["CalculatedDigest"] == b64(hashlib.md5(data).digest())
    assert target.state() == before


@pytest.mark.parametrize("token", [UNSIGNED_TRAILER, SIGNED_TRAILER])
def test_wrong_trailer_checksum_is_bad_digest(target, token):
    """A trailer checksum is checked like the header (spec §1.5 "Treat the trailer checksum exactly like
    the matching x-amz-checksum-* header", §3 step 5): a wrong one is BadDigest and nothing is stored."""
    before = target.state()
    data = os.urandom(6000)
    signed = token == SIGNED_TRAILER
    encoded = aws_chunked(
        data,
        8192 if signed else 4096,
        signed=signed,
        trailers=[("x-amz-checksum-crc32", checksum("crc32", b"x"))],
    )
    response = target.put(chunked_headers(data, token), encoded)
    assert_error(response, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
    assert target.state() == before


@pytest.mark.parametrize("framing", ["content-length", "transfer-encoding"])
@pytest.mark.parametrize(
    "failure", ["md5-mismatch", "md5-malformed", "header-disagrees-with-trailer", "trailer-mismatch"]
)
def test_bad_claim_on_aws_chunked_body_in_either_framing_stores_nothing(target, framing, failure):
    """Every claim on an aws-chunked body is checked whether the encoded body has a Content-Length or
    comes HTTP chunked (spec §1.3a last paragraph, §1.5, §1.6): Content-MD5 malformed (InvalidDigest) or
    wrong (BadDigest), a wrong trailer, and a CRC32 header that a right CRC32 trailer contradicts -- one
    of the two is not the body's, so BadDigest, never the trailer silently preferred. Nothing is stored."""
    before = target.state()
    data = os.urandom(5000)
    headers = chunked_headers(data, UNSIGNED_TRAILER)
    crc = checksum("crc32", data)
    if failure == "md5-mismatch":
        headers["Content-MD5"] = b64(hashlib.md5(b"other").digest())
    elif failure == "md5-malformed":
        headers["Content-MD5"] = "AAAA"
    elif failure == "header-disagrees-with-trailer":
        headers["x-amz-checksum-crc32"] = checksum("crc32", b"other")
    else:
        crc = checksum("crc32", b"other")
    encoded = aws_chunked(data, 2048, trailers=[("x-amz-checksum-crc32", crc)])
    if framing == "transfer-encoding":
        headers["Transfer-Encoding"] = "chunked"
        encoded = http_chunked(encoded)
    response = target.put(headers, encoded, target.fresh_path)
    if failure == "md5-malformed":
        assert_error(response, 400, "InvalidDigest", MD5_INVALID)
    elif failure == "md5-mismatch":
        assert_error(response, 400, "BadDigest", MD5_MISMATCH)
    else:
        assert_error(
            response, 400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."
        )
    assert target.state() == before


SDK_UNMATCHED = (
    "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer "
    "headers were found."
)
SDK_INVALID = "Value for x-amz-sdk-checksum-algorithm header is invalid."


@pytest.mark.parametrize("framing", ["content-length", "transfer-encoding"])
@pytest.mark.parametrize(
    ("sdk", "sent", "message"),
    [
        ("CRC32", None, SDK_UNMATCHED),
        ("SHA1", "header", SDK_INVALID),
        ("SHA1", "trailer", SDK_INVALID),
        ("MD5", "header", SDK_INVALID),
        ("CRC32", "header", None),
        ("crc32", "trailer", None),
    ],
)
def test_sdk_checksum_algorithm_must_name_the_checksum_sent(target, framing, sdk, sent, message):
    """x-amz-sdk-checksum-algorithm (which botocore sends beside every checksum it adds) must name the
    checksum the request carries as an x-amz-checksum-* header or an announced trailer: with neither it
    is 400 InvalidRequest "x-amz-sdk-checksum-algorithm specified, but no corresponding ..." [S3's answer
    quoted in versitygw#1593; hadoop#6467]; naming another algorithm is 400 InvalidRequest "Value for
    x-amz-sdk-checksum-algorithm header is invalid." [S3's answer quoted in versitygw#1659]. Nothing is
    stored; a matching name is accepted, in either framing."""
    before = target.state()
    data = os.urandom(3000)
    crc = checksum("crc32", data)
    body = data
    headers = {"x-amz-sdk-checksum-algorithm": sdk}
    if sent == "header":
        headers["x-amz-checksum-crc32"] = crc
    if sent == "trailer" or framing == "transfer-encoding":
        trailers = [("x-amz-checksum-crc32", crc)] if sent == "trailer" else None
        body = aws_chunked(data, 1024, trailers=trailers)
        token = UNSIGNED_TRAILER if sent == "trailer" else SIGNED
        headers.update(chunked_headers(data, token, "x-amz-checksum-crc32" if trailers else None))
    if framing == "transfer-encoding":
        headers["Transfer-Encoding"] = "chunked"
        body = http_chunked(body)
    response = target.put(headers, body, target.fresh_path)
    if message is None:
        assert response.status == 200, response.body
        assert response.headers["x-amz-checksum-crc32"] == crc
        return
    assert_error(response, 400, "InvalidRequest", message)
    assert target.state() == before


@pytest.mark.parametrize("delta", [-1, 1, 100])
def test_decoded_length_mismatch_is_incomplete_body(target, delta):
    """X-Amz-Decoded-Content-Length that differs from the decoded size is 400 IncompleteBody; nothing stored
    (spec §1.5 decoder rules; vgw s3err ErrContentLengthMismatch)."""
    before = target.state()
    data = os.urandom(3000)
    encoded = aws_chunked(data, 1024, trailers=[("x-amz-checksum-crc32", checksum("crc32", data))])
    headers = chunked_headers(data, UNSIGNED_TRAILER)
    headers["X-Amz-Decoded-Content-Length"] = str(len(data) + delta)
    assert_error(target.put(headers, encoded), 400, "IncompleteBody", INCOMPLETE_BODY)
    assert target.state() == before


@pytest.mark.parametrize(
    "trailer_block",
    [
        pytest.param(b"x-amz-checksum-crc32 no colon\r\n\r\n", id="no-colon"),
        pytest.param(b":value-without-name\r\n\r\n", id="no-name"),
        pytest.param(b"x-amz-checksum-crc32:AAAAAA==\n\n", id="bare-lf"),
        pytest.param(b"x-amz-checksum-sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n", id="not-announced"),
        pytest.param(b"invalid_trailer:AAAAAA==\r\n\r\n", id="unknown-name"),
        pytest.param(b"\r\n", id="announced-but-missing"),
    ],
)
def test_malformed_trailer(target, trailer_block):
    """A trailer that does not parse, names a checksum x-amz-trailer did not announce, or is announced but
    absent, is 400 MalformedTrailerError; nothing stored (spec §1.5 decoder rules; vgw s3err/s3err.go and
    tests/integration UnsignedStreaminPayloadTrailer_malformed_trailer)."""
    before = target.state()
    data = os.urandom(2000)
    encoded = aws_chunked(data, 1024)[: -len(b"\r\n")] + trailer_block
    response = target.put(chunked_headers(data, UNSIGNED_TRAILER), encoded)
    assert_error(response, 400, "MalformedTrailerError", MALFORMED_TRAILER)
    assert target.state() == before


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [("aws-chunked", None), ("gzip,aws-chunked", "gzip"), ("gzip, aws-chunked", "gzip")],
)
def test_stored_content_encoding_drops_aws_chunked(s3mpu, encoding, stored):
    """aws-chunked is removed from the stored Content-Encoding: ``gzip,aws-chunked`` is kept as ``gzip``,
    a bare ``aws-chunked`` as nothing; the stored bytes are the decoded data exactly (spec §1.5; ceph
    test_object_content_encoding_aws_chunked)."""
    s3mpu.create_bucket(BUCKET)
    data = os.urandom(3333)
    encoded = aws_chunked(data, 1000, trailers=[("x-amz-checksum-crc32", checksum("crc32", data))])
    path = f"/{BUCKET}/encoded"
    response = send(
        s3mpu.endpoint_url, "PUT", path, chunked_headers(data, UNSIGNED_TRAILER, encoding=encoding), encoded
    )
    assert response.status == 200, response.body
    head = send(s3mpu.endpoint_url, "HEAD", path)
    assert head.status == 200
    assert head.headers["Content-Encoding"] == stored
    assert head.headers["Content-Length"] == str(len(data))
    assert s3mpu.object_bytes(BUCKET, "encoded") == data


# -- boto3 over https: real aws-chunked bodies ----------------------------------------------------


@pytest.fixture
def https_s3(tmp_path, monkeypatch, self_signed_tls):
    """An S3Server over TLS with a throwaway self-signed certificate for 127.0.0.1, and a boto3 client
    trusting exactly that certificate; the requests botocore sends are recorded (before-send)."""
    import boto3
    from botocore.config import Config

    from pytest_s3mpu.s3server import S3Server

    cert, context = self_signed_tls
    for name in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))

    with S3Server(ssl_context=context, min_part_size=1024) as server:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            verify=str(cert),
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )
        sent: list[tuple[str, str, dict[str, str]]] = []

        def record(request, **kwargs):
            sent.append((request.method, request.url, {k.lower(): v for k, v in request.headers.items()}))

        client.meta.events.register("before-send.s3", record)
        client.create_bucket(Bucket=BUCKET)
        yield server, client, sent
        assert server.handler_errors == []


def _as_text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _assert_aws_chunked(headers: dict[str, str]) -> None:
    assert "aws-chunked" in _as_text(headers["content-encoding"])
    assert _as_text(headers["x-amz-content-sha256"]) == UNSIGNED_TRAILER
    assert _as_text(headers["x-amz-trailer"]) == "x-amz-checksum-crc32"


def test_boto3_https_put_object_round_trip(https_s3):
    """boto3 over https sends PutObject as aws-chunked with a CRC32 trailer (spec §1.5 "When boto3 sends
    what"); the object is byte-exact, the CRC32 is the trailer's, and aws-chunked is not stored."""
    server, client, sent = https_s3
    data = os.urandom(300_000)
    reply = client.put_object(Bucket=BUCKET, Key=KEY, Body=data)
    assert reply["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert reply["ChecksumCRC32"] == checksum("crc32", data)
    (put,) = [headers for method, url, headers in sent if method == "PUT" and quote(KEY) in url]
    _assert_aws_chunked(put)

    got = client.get_object(Bucket=BUCKET, Key=KEY, ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == checksum("crc32", data)
    assert "ContentEncoding" not in got
    assert server.store.get_object(BUCKET, KEY).meta.content_encoding is None


def test_boto3_https_multipart_upload_fileobj(https_s3):
    """upload_fileobj over https: CreateMultipartUpload, aws-chunked UploadParts with CRC32 trailers,
    Complete; the object reads back byte-exact (spec §1.5, §3, §5)."""
    import io

    from boto3.s3.transfer import TransferConfig

    server, client, sent = https_s3
    mib = 1024 * 1024
    data = os.urandom(11 * mib)  # s3transfer never uses parts below 5 MiB: 5 + 5 + 1
    config = TransferConfig(multipart_threshold=5 * mib, multipart_chunksize=5 * mib, use_threads=False)
    client.upload_fileobj(io.BytesIO(data), BUCKET, KEY, Config=config)

    parts = [headers for method, url, headers in sent if method == "PUT" and "partNumber=" in url]
    assert len(parts) == 3
    for headers in parts:
        _assert_aws_chunked(headers)
    head = client.head_object(Bucket=BUCKET, Key=KEY)
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    assert "ContentEncoding" not in head
    assert client.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == data
    assert server.store.uploads() == []


@pytest.mark.parametrize(
    "failure", ["md5-mismatch", "sha256-mismatch", "checksum-mismatch", "trailer-mismatch", "short-decoded"]
)
def test_failed_body_creates_nothing(target, failure):
    """A body that fails any integrity check leaves no new object or part behind (spec §1.6 "On failure,
    store nothing"; §3 Effect only on success); a corrected retry then stores it."""
    before = target.state()
    data = os.urandom(4000)
    other = b"different bytes"
    headers: dict[str, str] = {}
    body = data
    if failure == "md5-mismatch":
        headers["Content-MD5"] = b64(hashlib.md5(other).digest())
    elif failure == "sha256-mismatch":
        headers["x-amz-content-sha256"] = hashlib.sha256(other).hexdigest()
    elif failure == "checksum-mismatch":
        headers["x-amz-checksum-sha1"] = checksum("sha1", other)
    else:
        crc = checksum("crc32", other if failure == "trailer-mismatch" else data)
        body = aws_chunked(data, 1500, trailers=[("x-amz-checksum-crc32", crc)])
        headers = chunked_headers(data, UNSIGNED_TRAILER)
        if failure == "short-decoded":
            headers["X-Amz-Decoded-Content-Length"] = str(len(data) - 1)
    response = target.put(headers, body, target.fresh_path)
    assert response.status == 400, response.body
    assert target.state() == before

    retry = target.put({"x-amz-checksum-sha1": checksum("sha1", data)}, data, target.fresh_path)
    assert retry.status == 200, retry.body
    assert target.state() == {**before, (2 if target.upload_id else "fresh"): data}


# -- Expect: 100-continue and keep-alive ---------------------------------------------------------


def _connect(s3mpu) -> socket.socket:
    parts = urlsplit(s3mpu.endpoint_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    return sock


def _read_head(reader) -> tuple[str, dict[str, str]]:
    """A status line and headers, read line by line (bounded)."""
    status = reader.readline(65537).decode("latin-1").rstrip("\r\n")
    headers: dict[str, str] = {}
    for _ in range(100):
        line = reader.readline(65537).decode("latin-1").rstrip("\r\n")
        if not line:
            return status, headers
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    raise AssertionError("too many header lines")


def test_expect_continue_error_answered_before_body(s3mpu):
    """UploadPart with ``Expect: 100-continue`` on an unknown upload is answered 404 NoSuchUpload at once:
    no ``100 Continue`` first, and the client never sends the body (RFC 9110 §10.1.1; spec §3 step 3)."""
    s3mpu.create_bucket(BUCKET)
    path = f"/{BUCKET}/{quote(KEY)}?partNumber=1&uploadId=no-such-upload"
    with _connect(s3mpu) as sock, sock.makefile("rb") as reader:
        sock.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        status, headers = _read_head(reader)
        assert status.startswith("HTTP/1.1 404 "), status
        body = reader.read(int(headers["content-length"]))
    error = Response(404, http.client.HTTPMessage(), body).error()
    assert error["Code"] == "NoSuchUpload"
    assert error["Message"] == NO_SUCH_UPLOAD
    assert error["UploadId"] == "no-such-upload"


def test_expect_continue_client_that_stops_waiting_still_gets_the_error(s3mpu):
    """A client that sent ``Expect: 100-continue`` may stop waiting and send the body anyway (RFC 9110
    §10.1.1; Go's net/http does after ExpectContinueTimeout, 1 s in rclone). Here the body goes out at once
    while a delay fault holds the answer, which is then 404 NoSuchUpload without a byte of the body read.
    Closing with those bytes unread would make the kernel send a TCP reset, which can destroy the answer
    before the client reads it (rclone then reported "broken pipe" instead of NoSuchUpload): the server
    discards the body instead, so the client's send completes, it reads the whole 404, and the connection
    ends with FIN, not reset (RFC 9112 §9.6; spec §11 NoSuchUpload)."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.faults.add(operation="UploadPart", action="delay", delay_s=0.3)
    size = 4 * 1024 * 1024  # more than the socket buffers hold while the server reads nothing
    block = b"x" * (1024 * 1024)
    path = f"/{BUCKET}/{quote(KEY)}?partNumber=1&uploadId=no-such-upload"
    received = b""
    with _connect(s3mpu) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        sock.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        for _ in range(size // len(block)):
            sock.sendall(block)  # a reset here: BrokenPipeError / ConnectionResetError
        for _ in range(1000):  # bounded; a reset here: ConnectionResetError
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 "), head
    assert b"100 Continue" not in head
    assert b"\r\nConnection: close" in head
    error = Response(404, http.client.HTTPMessage(), body).error()
    assert error["Code"] == "NoSuchUpload"
    assert error["Message"] == NO_SUCH_UPLOAD
    assert error["UploadId"] == "no-such-upload"
    (entry,) = s3mpu.journal.requests("UploadPart")
    assert (entry.status, entry.error_code, entry.bytes_in) == (404, "NoSuchUpload", 0)


def test_chunked_body_left_unread_is_discarded_not_reset(s3mpu):
    """As above, for a body framed with HTTP chunked transfer coding (RFC 9112 §7.1) rather than a
    Content-Length: the error is answered before the body is read, the server cannot drain 4 MiB, and it
    discards what the client still sends instead of closing on it, so the client reads the whole 404 and
    the connection ends with FIN, not reset (RFC 9112 §9.6; spec §11 NoSuchUpload). The answer cannot
    say ``Connection: close`` up front (a chunked body may turn out small enough to drain), so the server
    closes once it has given up draining."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.faults.add(operation="UploadPart", action="delay", delay_s=0.3)
    block = b"x" * (1024 * 1024)
    chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    path = f"/{BUCKET}/{quote(KEY)}?partNumber=1&uploadId=no-such-upload"
    received = b""
    closed = False
    with _connect(s3mpu) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        sock.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "x-amz-decoded-content-length: 4194304\r\n\r\n".encode()
        )
        for _ in range(4):
            sock.sendall(chunk)  # a reset here: BrokenPipeError / ConnectionResetError
        sock.sendall(b"0\r\n\r\n")
        for _ in range(1000):  # bounded; a reset here: ConnectionResetError
            piece = sock.recv(65536)
            if not piece:
                closed = True
                break
            received += piece
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 "), head
    assert closed
    error = Response(404, http.client.HTTPMessage(), body).error()
    assert (error["Code"], error["UploadId"]) == ("NoSuchUpload", "no-such-upload")


def test_expect_continue_valid_part(s3mpu):
    """A valid UploadPart with ``Expect: 100-continue`` gets ``100 Continue``, then, once the body is sent,
    200 with the part's ETag (RFC 9110 §10.1.1; spec §3 response)."""
    s3mpu.create_bucket(BUCKET)
    upload_id = create_upload(s3mpu.endpoint_url)
    data = os.urandom(4096)
    path = f"/{BUCKET}/{quote(KEY)}?partNumber=1&uploadId={quote(upload_id, safe='')}"
    with _connect(s3mpu) as sock, sock.makefile("rb") as reader:
        sock.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(data)}\r\n"
            "Expect: 100-continue\r\n\r\n".encode()
        )
        interim, _ = _read_head(reader)
        assert interim.startswith("HTTP/1.1 100 "), interim
        sock.sendall(data)
        status, headers = _read_head(reader)
    assert status.startswith("HTTP/1.1 200 "), status
    assert headers["etag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert bytes(s3mpu.parts(upload_id)[1].data) == data


def test_keep_alive_two_requests_one_connection(s3mpu):
    """Two requests on one HTTP/1.1 connection are both answered, the second on the same socket."""
    s3mpu.create_bucket(BUCKET)
    parts = urlsplit(s3mpu.endpoint_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        data = os.urandom(1000)
        conn.request("PUT", f"/{BUCKET}/a", body=data)
        first = conn.getresponse()
        first.read()
        assert first.status == 200
        sock = conn.sock
        assert sock is not None  # not closed by a Connection: close
        conn.request("GET", f"/{BUCKET}/a")
        second = conn.getresponse()
        assert second.status == 200
        assert second.read() == data
        assert conn.sock is sock
    finally:
        conn.close()


@pytest.mark.parametrize("operation", ["UploadPart", "PutObject"])
def test_keep_alive_after_error_with_unread_body(s3mpu, operation):
    """An error answered before the server read the body (NoSuchUpload / NoSuchBucket) still leaves the
    connection usable: the next request on it is answered (spec §1.4; HTTP/1.1 persistent connections)."""
    s3mpu.create_bucket(BUCKET)
    if operation == "UploadPart":
        path, code, field_name, value = (
            f"/{BUCKET}/k?partNumber=1&uploadId=nope",
            "NoSuchUpload",
            "UploadId",
            "nope",
        )
    else:
        path, code, field_name, value = "/no-such-bucket/k", "NoSuchBucket", "BucketName", "no-such-bucket"
    parts = urlsplit(s3mpu.endpoint_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("PUT", path, body=os.urandom(20_000))
        first = conn.getresponse()
        error = Response(first.status, first.headers, first.read()).error()
        assert first.status == 404
        assert error["Code"] == code
        assert error[field_name] == value
        sock = conn.sock
        assert sock is not None
        data = b"after the error"
        conn.request("PUT", f"/{BUCKET}/after", body=data)
        second = conn.getresponse()
        second.read()
        assert second.status == 200
        assert conn.sock is sock
    finally:
        conn.close()
    assert s3mpu.object_bytes(BUCKET, "after") == data


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [("deflate, gzip", "deflate, gzip"), ("gzip", "gzip"), ("identity ,br", "identity ,br")],
)
def test_stored_content_encoding_is_kept_as_sent(s3mpu, s3mpu_client, encoding, stored):
    """A Content-Encoding without aws-chunked is object metadata, stored and returned exactly as sent
    (``deflate, gzip`` keeps its space); only an aws-chunked token is taken out, as tested above
    ([AWS: PutObject, Content-Encoding](https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html);
    ceph test_object_content_encoding_aws_chunked)."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="coded", Body=b"data", ContentEncoding=encoding)
    head = s3mpu_client.head_object(Bucket=BUCKET, Key="coded")
    assert head["ContentEncoding"] == stored
    got = s3mpu_client.get_object(Bucket=BUCKET, Key="coded")
    assert got["ContentEncoding"] == stored
    assert got["Body"].read() == b"data"
