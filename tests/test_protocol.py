"""Protocol-layer units: aws-chunked bodies, XML documents, object headers, strict number parsing,
listing pages and the plugin's settings resolver. No server: plain function calls.

Expected values come from hashlib/zlib/awscrt, from the spec (``/work/shared/S3_MULTIPART_SPEC.md``,
cited as §N) and from the research notes (``/work/research/basic_ops.md``, cited as "research §N").
XML is compared as parsed structures (xmltodict), never as strings.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import tracemalloc
import zlib
from urllib.parse import quote

import pytest
import xmltodict
from awscrt import checksums as crt
from werkzeug.datastructures import Headers

from pytest_s3mpu import settings
from pytest_s3mpu.protocol import bodies, xmldoc
from pytest_s3mpu.protocol import object_headers as headers
from pytest_s3mpu.protocol.object_headers import ReadVerdict
from pytest_s3mpu.state import errors, integrity, listing, validation
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType
from pytest_s3mpu.state.model import (
    CompletedPartSpec,
    CompleteResult,
    Limits,
    ObjectBody,
    ObjectChecksum,
    ObjectMeta,
    Payload,
    StoredObject,
)
from pytest_s3mpu.state.store import Store

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
SIG = "a" * 64
TRAILER_SIG = "b" * 64
MALFORMED_TRAILER = (
    "The request contained trailing data that was not well-formed or did not conform to our published schema."
)
INCOMPLETE_BODY = "You did not provide the number of bytes specified by the Content-Length HTTP header"


# -- aws-chunked bodies (§1.5) -----------------------------------------------------------------------------


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def aws_chunked(
    data: bytes,
    chunk: int = 1024,
    trailers: tuple[tuple[str, str], ...] = (),
    signed: bool = False,
) -> bytes:
    """Encode as botocore's AwsChunkedWrapper (unsigned) or a SigV4 streaming client (signed) does."""
    ext = f";chunk-signature={SIG}" if signed else ""
    out = bytearray()
    for start in range(0, len(data), chunk):
        piece = data[start : start + chunk]
        out += f"{len(piece):x}{ext}\r\n".encode() + piece + b"\r\n"
    out += f"0{ext}\r\n".encode()
    for name, value in trailers:
        out += f"{name}:{value}\r\n".encode()
    if signed and trailers:
        out += f"x-amz-trailer-signature:{TRAILER_SIG}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


def chunked_headers(
    decoded_length: int,
    mode: str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    trailer: str | None = None,
    **extra: str,
) -> Headers:
    h = Headers()
    h["Content-Encoding"] = "aws-chunked"
    h["x-amz-content-sha256"] = mode
    h["x-amz-decoded-content-length"] = str(decoded_length)
    if trailer is not None:
        h["X-Amz-Trailer"] = trailer
    for name, value in extra.items():
        h[name.replace("_", "-")] = value
    return h


def read(body: bytes, hdrs: Headers, content_length: int | None = None, compute=()) -> Payload:
    return bodies.read_payload(io.BytesIO(body), hdrs, content_length, compute)


DATA = bytes(range(256)) * 12 + b"tail"  # 3076 bytes: three full 1 KiB chunks and a short one


def test_unsigned_trailer_body_as_botocore_sends_it():
    """§1.5: STREAMING-UNSIGNED-PAYLOAD-TRAILER: <hex>\\r\\n<data>\\r\\n ... 0\\r\\n then the checksum
    trailer and an empty line; the decoded bytes, md5 and CRC32 equal hashlib/zlib's, and the trailer is
    a checksum claim like the header."""
    body = aws_chunked(DATA, trailers=(("x-amz-checksum-crc32", crc32_b64(DATA)),))
    payload = read(body, chunked_headers(len(DATA), trailer="x-amz-checksum-crc32"))
    assert bytes(payload.data) == DATA
    assert payload.md5 == hashlib.md5(DATA).digest()
    assert payload.digests[Algorithm.CRC32] == zlib.crc32(DATA).to_bytes(4, "big")
    assert payload.claimed == {Algorithm.CRC32: crc32_b64(DATA)}
    assert integrity.verify_body(payload) == (Algorithm.CRC32, crc32_b64(DATA))


def test_unsigned_trailer_with_content_length_of_encoded_body():
    """§1.5: some SDKs send Content-Length (the encoded size) with aws-chunked; the decoded length still
    comes from x-amz-decoded-content-length."""
    body = aws_chunked(DATA, chunk=1000, trailers=(("x-amz-checksum-crc32", crc32_b64(DATA)),))
    payload = read(body, chunked_headers(len(DATA), trailer="x-amz-checksum-crc32"), content_length=len(body))
    assert bytes(payload.data) == DATA


def test_trailer_checksum_mismatch_is_bad_digest_in_the_store_layer():
    """§1.5: "Treat the trailer checksum exactly like the matching x-amz-checksum-* header" (§3 step 5:
    BadDigest "The CRC32 you specified did not match the calculated checksum.")."""
    body = aws_chunked(DATA, trailers=(("x-amz-checksum-crc32", crc32_b64(b"other")),))
    payload = read(body, chunked_headers(len(DATA), trailer="x-amz-checksum-crc32"))
    with pytest.raises(errors.BadDigest) as exc:
        integrity.verify_body(payload)
    assert exc.value.message == "The CRC32 you specified did not match the calculated checksum."


def test_signed_chunks_without_trailer():
    """§1.5: STREAMING-AWS4-HMAC-SHA256-PAYLOAD: each chunk header carries ;chunk-signature=<64 hex>,
    the final 0-chunk too, then an empty line; signatures are skipped."""
    body = aws_chunked(DATA, chunk=8192, signed=True)
    assert body.endswith(f"0;chunk-signature={SIG}\r\n\r\n".encode())
    payload = read(body, chunked_headers(len(DATA), mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
    assert bytes(payload.data) == DATA
    assert payload.claimed == {}


def test_signed_chunks_with_trailer_and_trailer_signature():
    """§1.5: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks, the checksum trailer, then
    x-amz-trailer-signature:<64 hex>; the signature line is not a checksum claim."""
    sha = base64.b64encode(hashlib.sha256(DATA).digest()).decode()
    body = aws_chunked(DATA, chunk=1024, trailers=(("x-amz-checksum-sha256", sha),), signed=True)
    hdrs = chunked_headers(
        len(DATA), mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", trailer="x-amz-checksum-sha256"
    )
    payload = read(body, hdrs)
    assert bytes(payload.data) == DATA
    assert payload.claimed == {Algorithm.SHA256: sha}
    assert payload.digests[Algorithm.SHA256] == hashlib.sha256(DATA).digest()


def test_aws_chunked_recognised_by_content_encoding_alone():
    """§1.5: Content-Encoding aws-chunked (possibly after another coding) marks an aws-chunked body."""
    hdrs = Headers({"Content-Encoding": "gzip, aws-chunked", "x-amz-decoded-content-length": str(len(DATA))})
    assert bytes(read(aws_chunked(DATA), hdrs).data) == DATA


@pytest.mark.parametrize("size", [0, 1, 1024, 1025])
def test_chunk_boundaries(size):
    """§1.5: bodies of 0 bytes, one byte, exactly one chunk and one byte over decode exactly."""
    data = bytes(range(256)) * 5
    data = data[:size]
    payload = read(aws_chunked(data), chunked_headers(size, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
    assert (bytes(payload.data), payload.md5) == (data, hashlib.md5(data).digest())


def test_uppercase_hex_chunk_size():
    """§1.5: chunk sizes are hexadecimal; upper-case digits parse too."""
    body = b"1A\r\n" + b"z" * 26 + b"\r\n0\r\n\r\n"
    assert bytes(read(body, chunked_headers(26, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")).data) == b"z" * 26


def test_digests_requested_and_claimed_are_computed():
    """§1.5/§3: every algorithm the store asks for and every one claimed in a header is computed in the
    same pass, equal to awscrt/hashlib."""
    hdrs = Headers({"x-amz-checksum-sha1": base64.b64encode(hashlib.sha1(DATA).digest()).decode()})
    payload = read(DATA, hdrs, content_length=len(DATA), compute=(Algorithm.CRC64NVME, Algorithm.CRC32C))
    assert payload.digests == {
        Algorithm.CRC64NVME: crt.crc64nvme(DATA).to_bytes(8, "big"),
        Algorithm.CRC32C: crt.crc32c(DATA).to_bytes(4, "big"),
        Algorithm.SHA1: hashlib.sha1(DATA).digest(),
    }
    assert payload.claimed == {Algorithm.SHA1: base64.b64encode(hashlib.sha1(DATA).digest()).decode()}


def test_raw_body_with_hex_sha256():
    """§1.5: a hex x-amz-content-sha256 makes the reader compute SHA-256 for the store to verify;
    Content-MD5 is passed through as sent."""
    digest = hashlib.sha256(DATA).hexdigest()
    hdrs = Headers({"x-amz-content-sha256": digest, "Content-MD5": "abc"})
    payload = read(DATA, hdrs, content_length=len(DATA))
    assert (payload.sha256, payload.content_sha256, payload.content_md5) == (
        hashlib.sha256(DATA).digest(),
        digest,
        "abc",
    )


def test_raw_body_unsigned_payload_is_not_hashed_for_sha256():
    """§1.5: UNSIGNED-PAYLOAD bodies are raw and not verified."""
    payload = read(DATA, Headers({"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}), content_length=len(DATA))
    assert (bytes(payload.data), payload.sha256, payload.content_sha256) == (DATA, None, None)


def test_raw_body_shorter_than_content_length():
    """Research §3 IncompleteBody: fewer bytes than Content-Length is 400 IncompleteBody."""
    with pytest.raises(errors.IncompleteBody) as exc:
        read(b"abc", Headers(), content_length=10)
    assert (exc.value.code, exc.value.status, exc.value.message) == ("IncompleteBody", 400, INCOMPLETE_BODY)


def _incomplete(body: bytes, declared: int, **kw) -> None:
    with pytest.raises(errors.IncompleteBody) as exc:
        read(body, chunked_headers(declared, **kw))
    assert (exc.value.code, exc.value.status, exc.value.message) == ("IncompleteBody", 400, INCOMPLETE_BODY)


@pytest.mark.parametrize("declared", [len(DATA) - 1, len(DATA) + 1, 0, 10 * len(DATA)])
def test_decoded_length_mismatch_is_incomplete_body(declared):
    """§1.5: the decoded length must equal x-amz-decoded-content-length, else 400 IncompleteBody."""
    _incomplete(aws_chunked(DATA), declared, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"zz\r\nabc\r\n0\r\n\r\n", id="bad-hex"),
        pytest.param(b"-3\r\nabc\r\n0\r\n\r\n", id="negative"),
        pytest.param(b"\r\nabc\r\n0\r\n\r\n", id="empty-size"),
        pytest.param(b"3\nabc\r\n0\r\n\r\n", id="lf-only-header"),
        pytest.param(b"3\r\nabcX\r\n0\r\n\r\n", id="no-crlf-after-data"),
        pytest.param(b"3\r\nabc", id="eof-after-data"),
        pytest.param(b"3\r\nab", id="eof-inside-chunk"),
        pytest.param(b"3\r\nabc\r\n", id="no-final-chunk"),
        pytest.param(b"2\r\nab\r\n1\r\nc\r\n1\r\nd\r\n0\r\n\r\n", id="extra-chunk-after-declared"),
        pytest.param(b"3" * 5000 + b"\r\n", id="size-line-too-long"),
        pytest.param(b"10000000000000000\r\nabc\r\n", id="seventeen-hex-digits"),
    ],
)
def test_broken_framing_is_incomplete_body(body):
    """§1.5: chunk framing that does not parse (bad hex, missing CRLF, a body that ends early, data past
    the declared length) is 400 IncompleteBody."""
    _incomplete(body, 3, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")


def test_huge_declared_chunk_is_refused_without_allocating():
    """§1.5: a chunk header claiming 2**63 bytes is IncompleteBody at once; nothing near that size (or
    even a MiB) is allocated."""
    body = f"{2**63:x};chunk-signature={SIG}\r\n".encode() + b"abc\r\n0\r\n\r\n"
    tracemalloc.start()
    try:
        _incomplete(body, 3, mode="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


def test_aws_chunked_without_decoded_length():
    """§1.5: an aws-chunked body without x-amz-decoded-content-length cannot be sized: IncompleteBody when
    a Content-Length was sent, else 411 MissingContentLength (research §3)."""
    hdrs = Headers(
        {"Content-Encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}
    )
    body = aws_chunked(b"abc")
    with pytest.raises(errors.IncompleteBody):
        read(body, hdrs, content_length=len(body))
    with pytest.raises(errors.MissingContentLength) as exc:
        read(body, hdrs)
    assert (exc.value.status, exc.value.message) == (411, "You must provide the Content-Length HTTP header.")


def _malformed_trailer(body: bytes, trailer: str | None = "x-amz-checksum-crc32") -> None:
    with pytest.raises(errors.MalformedTrailerError) as exc:
        read(body, chunked_headers(3, trailer=trailer))
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "MalformedTrailerError",
        400,
        MALFORMED_TRAILER,
    )


@pytest.mark.parametrize(
    "trailer_block",
    [
        pytest.param(b"x-amz-checksum-crc32 AAAAAA==\r\n\r\n", id="no-colon"),
        pytest.param(b":AAAAAA==\r\n\r\n", id="no-name"),
        pytest.param(
            b"x-amz-checksum-crc32:" + crc32_b64(b"abc").encode() + b"\r\n", id="no-final-empty-line"
        ),
        pytest.param(b"x-amz-checksum-crc32:" + crc32_b64(b"abc").encode() + b"\n\r\n", id="lf-only"),
        pytest.param(b"x-amz-checksum-crc32:\xff\xfe\r\n\r\n", id="not-ascii"),
        pytest.param(b"x-amz-foo:1\r\n" * 70 + b"\r\n", id="too-many-lines"),
    ],
)
def test_malformed_trailer(trailer_block):
    """§1.5: a trailer that is not name:value lines ended by an empty line is 400 MalformedTrailerError."""
    _malformed_trailer(b"3\r\nabc\r\n0\r\n" + trailer_block)


@pytest.mark.parametrize(
    ("announced", "sent"),
    [
        (None, "x-amz-checksum-crc32"),
        ("x-amz-checksum-crc32", "x-amz-checksum-sha256"),
        ("x-amz-checksum-crc32", "x-amz-meta-foo"),
        ("x-amz-checksum-md5", "x-amz-checksum-md5"),
    ],
    ids=["not-announced", "other-checksum", "not-a-checksum", "unknown-algorithm"],
)
def test_trailer_not_announced_in_x_amz_trailer(announced, sent):
    """§1.5: each trailer must be a checksum that X-Amz-Trailer announced, else MalformedTrailerError."""
    _malformed_trailer(aws_chunked(b"abc", trailers=((sent, crc32_b64(b"abc")),)), trailer=announced)


def test_chunked_reader_directly_in_small_reads():
    """§1.5: the decoder hands out data across chunk boundaries in any read size and keeps the trailers."""
    body = aws_chunked(DATA, chunk=100, trailers=(("X-Amz-Checksum-CRC32", crc32_b64(DATA)),))
    reader = bodies.ChunkedReader(io.BufferedReader(io.BytesIO(body)), limit=len(DATA))
    out = bytearray()
    buf = bytearray(7)
    for _ in range(2 * len(DATA)):
        got = reader.readinto(buf)
        if not got:
            break
        out += buf[:got]
    assert bytes(out) == DATA
    assert reader.trailers == [("x-amz-checksum-crc32", crc32_b64(DATA))]


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        (None, None),
        ("UNSIGNED-PAYLOAD", "UNSIGNED-PAYLOAD"),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
        (hashlib.sha256(b"").hexdigest(), "hex"),
        (hashlib.sha256(b"x").hexdigest().upper(), "hex"),
    ],
)
def test_content_sha256_mode(value, mode):
    """§1.5 table: x-amz-content-sha256 is a 64-hex digest or one of S3's payload tokens."""
    assert bodies.content_sha256_mode(value) == mode


@pytest.mark.parametrize(
    "value", ["abc", "a" * 63, "a" * 65, "g" * 64, "unsigned-payload", "STREAMING-PAYLOAD", ""]
)
def test_content_sha256_mode_invalid(value):
    """§1.5 table: any other value is 400 InvalidArgument with ArgumentName x-amz-content-sha256."""
    with pytest.raises(errors.InvalidArgument) as exc:
        bodies.content_sha256_mode(value)
    assert (exc.value.status, exc.value.field("ArgumentName"), exc.value.field("ArgumentValue")) == (
        400,
        "x-amz-content-sha256",
        value,
    )


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("0", 0), ("123", 123), (" 42 ", 42), ("007", 7)]
)
def test_parse_content_length(value, expected):
    """Content-Length is ASCII decimal digits (RFC 9110), optional surrounding whitespace."""
    assert bodies.parse_content_length(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", " ", "-1", "+1", "1_0", "1.0", "0x10", "1e3", "\u0661", "\u00b2", "12345678901234567890", "1 2"],
)
def test_parse_content_length_strict(value):
    """Content-Length that is not plain ASCII digits (Python's int() would take several of these) is
    400 BadRequest."""
    with pytest.raises(errors.BadRequest) as exc:
        bodies.parse_content_length(value)
    assert (exc.value.code, exc.value.status) == ("BadRequest", 400)


# -- xmldoc: parsing request bodies (§5) --------------------------------------------------------------


def _complete_xml(parts: str, root: str = f'<CompleteMultipartUpload xmlns="{NS}">') -> bytes:
    name = root[1:].split()[0].rstrip(">")
    return f'<?xml version="1.0" encoding="UTF-8"?>{root}{parts}</{name}>'.encode()


def test_parse_complete_with_namespace():
    """§5 request body: parts in order with raw number text and ETag as sent (quotes kept)."""
    body = _complete_xml(
        "<Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag></Part>"
        '<Part><PartNumber>2</PartNumber><ETag>"def"</ETag></Part>'
    )
    doc = xmldoc.parse_complete(body)
    assert doc.malformed is False
    assert doc.parts == (CompletedPartSpec("1", '"abc"'), CompletedPartSpec("2", '"def"'))


@pytest.mark.parametrize(
    "root",
    ["<CompleteMultipartUpload>", f'<s3:CompleteMultipartUpload xmlns:s3="{NS}">'],
    ids=["no-namespace", "prefixed"],
)
def test_parse_complete_namespace_optional(root):
    """§5: the namespace is optional when parsing."""
    part = "<Part><PartNumber>3</PartNumber><ETag>e</ETag></Part>"
    if root.startswith("<s3:"):
        part = "<s3:Part><s3:PartNumber>3</s3:PartNumber><s3:ETag>e</s3:ETag></s3:Part>"
    doc = xmldoc.parse_complete(_complete_xml(part, root))
    assert doc.parts == (CompletedPartSpec("3", "e"),)


def test_parse_complete_child_order_and_checksums():
    """§5: the child order inside <Part> varies; Checksum* elements are kept by algorithm name."""
    body = _complete_xml(
        "<Part><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ETag>e1</ETag><PartNumber>1</PartNumber></Part>"
        "<Part><ETag>e2</ETag><PartNumber>2</PartNumber><ChecksumSHA256>xyz=</ChecksumSHA256></Part>"
        "<Part><PartNumber>3</PartNumber><ETag>e3</ETag><ChecksumNope>q</ChecksumNope></Part>"
    )
    doc = xmldoc.parse_complete(body)
    assert doc.parts == (
        CompletedPartSpec("1", "e1", (("CRC32", "AAAAAA=="),)),
        CompletedPartSpec("2", "e2", (("SHA256", "xyz="),)),
        CompletedPartSpec("3", "e3"),
    )


@pytest.mark.parametrize("body", [b"", b"   \n\t"], ids=["empty", "whitespace"])
def test_parse_complete_empty_body(body):
    """§5.1 step 2: an empty body gives parts None (→ InvalidRequest in the store)."""
    assert xmldoc.parse_complete(body).parts is None


def test_parse_complete_zero_parts_is_not_flagged_here():
    """§5.1 step 3: a well-formed body with zero <Part> parses to no parts (the store then answers
    MalformedXML)."""
    doc = xmldoc.parse_complete(_complete_xml(""))
    assert (doc.parts, doc.malformed) == ((), False)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(_complete_xml("<Part><ETag>e</ETag></Part>"), id="missing-number"),
        pytest.param(_complete_xml("<Part><PartNumber>1</PartNumber></Part>"), id="missing-etag"),
        pytest.param(
            _complete_xml("<Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>e</ETag></Part>"),
            id="two-numbers",
        ),
        pytest.param(
            _complete_xml("<Part><PartNumber><X>1</X></PartNumber><ETag>e</ETag></Part>"), id="nested"
        ),
        pytest.param(b"<CompleteMultipartUpload><Part>", id="not-well-formed"),
        pytest.param(b"not xml at all", id="not-xml"),
        pytest.param(
            b"<Other><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Other>", id="wrong-root"
        ),
        pytest.param(
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber>'
            b"<ETag>&a;</ETag></Part></CompleteMultipartUpload>",
            id="doctype-entity",
        ),
        pytest.param(
            b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><CompleteMultipartUpload/>',
            id="doctype-system",
        ),
        pytest.param(
            b"<CompleteMultipartUpload>" + b"<a>" * 40 + b"</a>" * 40 + b"</CompleteMultipartUpload>",
            id="deep",
        ),
    ],
)
def test_parse_complete_malformed(body):
    """§5.1 step 3: not well-formed, wrong root, a <Part> missing PartNumber or ETag, and any DTD or entity
    declaration (refused, never expanded) → malformed (MalformedXML in the store)."""
    assert xmldoc.parse_complete(body).malformed is True


def test_parse_delete():
    """DeleteObjects body: keys in order and the Quiet flag (research §7)."""
    body = (
        f'<Delete xmlns="{NS}"><Object><Key>a b</Key></Object><Object><Key>c/&amp;d</Key>'
        "<VersionId>null</VersionId></Object><Quiet>true</Quiet></Delete>"
    ).encode()
    assert xmldoc.parse_delete(body) == (["a b", "c/&d"], True)
    assert xmldoc.parse_delete(b"<Delete><Object><Key>k</Key></Object></Delete>") == (["k"], False)


@pytest.mark.parametrize(
    "body",
    [
        b"<Delete></Delete>",
        b"<Delete><Object></Object></Delete>",
        b"<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
        b"<Nope><Object><Key>a</Key></Object></Nope>",
        b"<Delete><Object><Key>a</Key>",
        b'<!DOCTYPE d [<!ENTITY e "x">]><Delete><Object><Key>&e;</Key></Object></Delete>',
        b"",
    ],
)
def test_parse_delete_malformed(body):
    """Research §3: a DeleteObjects body that does not validate is 400 MalformedXML."""
    with pytest.raises(errors.MalformedXML):
        xmldoc.parse_delete(body)


def test_parse_delete_too_many_keys():
    """Research §3: more than 1000 keys is MalformedXML."""
    objects = "".join(f"<Object><Key>k{n}</Key></Object>" for n in range(1001))
    with pytest.raises(errors.MalformedXML):
        xmldoc.parse_delete(f"<Delete>{objects}</Delete>".encode())


# -- xmldoc: rendering (§1.2, §1.3, §2, §5.2, §7, §8) ----------------------------------------------------


@pytest.mark.parametrize(
    ("error", "fields"),
    [
        (errors.MalformedXML(), []),
        (errors.NoSuchUpload("U1"), [("UploadId", "U1")]),
        (errors.InvalidPart("U", "2", "abc"), [("UploadId", "U"), ("PartNumber", "2"), ("ETag", "abc")]),
        (
            errors.EntityTooSmall(3, 5242880, 1, "abc"),
            [("ProposedSize", "3"), ("MinSizeAllowed", "5242880"), ("PartNumber", "1"), ("ETag", "abc")],
        ),
        (errors.invalid_part_number("0"), [("ArgumentName", "partNumber"), ("ArgumentValue", "0")]),
        (errors.InvalidDigest("x&y<z"), [("Content-MD5", "x&y<z")]),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, errors.S3Error) else None,
)
def test_render_error(error, fields):
    """§1.2: <Error> without a namespace: Code, Message, the error's fields in order, RequestId, HostId;
    text is escaped and round-trips."""
    body = xmldoc.render_error(error, "4442587FB7D0A2F9", "host/id+=")
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    parsed = xmltodict.parse(body)
    assert list(parsed) == ["Error"]
    root = parsed["Error"]
    assert list(root) == ["Code", "Message", *(name for name, _ in fields), "RequestId", "HostId"]
    expected = {"Code": error.code, "Message": error.message, **dict(fields)}
    expected |= {"RequestId": "4442587FB7D0A2F9", "HostId": "host/id+="}
    assert {k: v or "" for k, v in root.items()} == expected


def test_render_error_message_with_markup_round_trips():
    """§1.2: messages with quotes and angle brackets are escaped, not emitted raw."""
    err = errors.InvalidRequest("a <b> & 'c' \"d\"")
    assert xmltodict.parse(xmldoc.render_error(err, "R", "H"))["Error"]["Message"] == "a <b> & 'c' \"d\""


def _parse_doc(body: bytes, root: str, force_list=()) -> dict:
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    parsed = xmltodict.parse(body, force_list=force_list)
    assert list(parsed) == [root]
    doc = parsed[root]
    assert doc.pop("@xmlns") == NS
    return doc


def test_initiate_result():
    """§2 Response: InitiateMultipartUploadResult with Bucket, Key, UploadId in the S3 namespace."""
    doc = _parse_doc(xmldoc.initiate_result("b", "a/k&", "U"), "InitiateMultipartUploadResult")
    assert doc == {"Bucket": "b", "Key": "a/k&", "UploadId": "U"}


def test_complete_result_with_checksum():
    """§5.2 Response: Location, Bucket, Key, quoted ETag, then the checksum element and ChecksumType."""
    checksum = ObjectChecksum(Algorithm.CRC32, ChecksumType.COMPOSITE, "AAAAAA==-2")
    body = xmldoc.complete_result("http://h/b/k", CompleteResult("b", "k", "abc-2", checksum))
    doc = _parse_doc(body, "CompleteMultipartUploadResult")
    assert doc == {
        "Location": "http://h/b/k",
        "Bucket": "b",
        "Key": "k",
        "ETag": '"abc-2"',
        "ChecksumCRC32": "AAAAAA==-2",
        "ChecksumType": "COMPOSITE",
    }
    assert list(doc)[:4] == ["Location", "Bucket", "Key", "ETag"]


def _store_with_parts(algorithm: str | None = None) -> tuple[Store, str, list[bytes]]:
    store = Store(limits=Limits(min_part_size=1))
    store.create_bucket("bkt")
    kwargs = {"checksum_algorithm": algorithm} if algorithm else {}
    upload = store.create_multipart_upload("bkt", "k", ObjectMeta(), **kwargs)
    datas = [b"one", b"two!", b"three"]
    for number, data in zip((1, 3, 5), datas, strict=True):
        claimed = {Algorithm.CRC32: base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()}
        store.upload_part("bkt", "k", upload.upload_id, str(number), Payload.of(data, claimed=claimed))
    return store, upload.upload_id, datas


def test_list_parts_document_default_upload():
    """§7 Response: markers, MaxParts, IsTruncated (lower case), Initiator, Owner, StorageClass, then the
    parts with quoted ETag, ISO time with milliseconds and size; no checksum fields for a default upload
    even though the parts were sent with CRC32."""
    store, uid, datas = _store_with_parts()
    page = store.list_parts("bkt", "k", uid, max_parts="2")
    doc = _parse_doc(xmldoc.list_parts(page), "ListPartsResult", force_list=("Part",))
    parts = doc.pop("Part")
    assert {k: v for k, v in doc.items() if k not in ("Initiator", "Owner")} == {
        "Bucket": "bkt",
        "Key": "k",
        "UploadId": uid,
        "PartNumberMarker": "0",
        "NextPartNumberMarker": "3",
        "MaxParts": "2",
        "IsTruncated": "true",
        "StorageClass": "STANDARD",
    }
    assert set(doc["Initiator"]) >= {"ID"} and set(doc["Owner"]) >= {"ID"}
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [
        ("1", f'"{hashlib.md5(datas[0]).hexdigest()}"', "3"),
        ("3", f'"{hashlib.md5(datas[1]).hexdigest()}"', "4"),
    ]
    for p in parts:
        assert set(p) == {"PartNumber", "LastModified", "ETag", "Size"}
        dt.datetime.strptime(p["LastModified"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert p["LastModified"].endswith(".000Z")


def test_list_parts_document_with_algorithm():
    """§7: ChecksumAlgorithm and ChecksumType appear for uploads created with an algorithm, and each part
    carries its checksum element."""
    store, uid, datas = _store_with_parts("CRC32")
    doc = _parse_doc(
        xmldoc.list_parts(store.list_parts("bkt", "k", uid)), "ListPartsResult", force_list=("Part",)
    )
    assert (doc["ChecksumAlgorithm"], doc["ChecksumType"], doc["IsTruncated"]) == (
        "CRC32",
        "COMPOSITE",
        "false",
    )
    assert [p["ChecksumCRC32"] for p in doc["Part"]] == [
        base64.b64encode(zlib.crc32(d).to_bytes(4, "big")).decode() for d in datas
    ]


def test_list_parts_document_without_parts():
    """§7: no <Part> elements when there are none; NextPartNumberMarker 0."""
    store = Store()
    store.create_bucket("bkt")
    upload = store.create_multipart_upload("bkt", "k", ObjectMeta())
    doc = _parse_doc(xmldoc.list_parts(store.list_parts("bkt", "k", upload.upload_id)), "ListPartsResult")
    assert "Part" not in doc
    assert (doc["NextPartNumberMarker"], doc["IsTruncated"], doc["MaxParts"]) == ("0", "false", "1000")


def test_list_uploads_document():
    """§8 Response: KeyMarker/UploadIdMarker always present, Next* markers, Delimiter/Prefix when given,
    MaxUploads, IsTruncated, uploads and CommonPrefixes."""
    store = Store()
    store.create_bucket("bkt")
    first = store.create_multipart_upload("bkt", "a/x", ObjectMeta()).upload_id
    second = store.create_multipart_upload("bkt", "b", ObjectMeta(), "SHA256").upload_id
    page = store.list_multipart_uploads("bkt", delimiter="/")
    doc = _parse_doc(
        xmldoc.list_uploads(page, None), "ListMultipartUploadsResult", force_list=("Upload", "CommonPrefixes")
    )
    uploads = doc.pop("Upload")
    assert doc == {
        "Bucket": "bkt",
        "KeyMarker": None,
        "UploadIdMarker": None,
        "NextKeyMarker": "b",
        "NextUploadIdMarker": second,
        "Delimiter": "/",
        "MaxUploads": "1000",
        "IsTruncated": "false",
        "CommonPrefixes": [{"Prefix": "a/"}],
    }
    assert [(u["Key"], u["UploadId"], u["StorageClass"]) for u in uploads] == [("b", second, "STANDARD")]
    assert (uploads[0]["ChecksumAlgorithm"], uploads[0]["ChecksumType"]) == ("SHA256", "COMPOSITE")
    assert uploads[0]["Initiated"].endswith("Z")
    assert first != second


def test_list_uploads_document_url_encoding():
    """§8: encoding-type=url echoes EncodingType and URL-encodes keys (decoding gives the key back)."""
    from urllib.parse import unquote_plus

    store = Store()
    store.create_bucket("bkt")
    store.create_multipart_upload("bkt", "a b/\u00e9&", ObjectMeta())
    doc = _parse_doc(
        xmldoc.list_uploads(store.list_multipart_uploads("bkt"), "url"),
        "ListMultipartUploadsResult",
        force_list=("Upload",),
    )
    assert doc["EncodingType"] == "url"
    key = doc["Upload"][0]["Key"]
    assert " " not in key and "&" not in key
    assert unquote_plus(key) == "a b/\u00e9&"


# -- headers (research §1-2, §10; spec §1.5) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size", "expected"),
    [
        (None, 10, None),
        ("bytes=0-4", 10, (0, 5)),
        ("bytes=2-2", 10, (2, 3)),
        ("bytes=0-99999", 8, (0, 8)),
        ("bytes=5-", 10, (5, 10)),
        ("bytes=-3", 10, (7, 10)),
        ("bytes=-20", 10, (0, 10)),
        ("bytes=9-9", 10, (9, 10)),
        ("bytes=10-", 10, "unsatisfiable"),
        ("bytes=10-20", 10, "unsatisfiable"),
        ("bytes=1024-4096", 8, "unsatisfiable"),
        ("bytes=0-", 0, "unsatisfiable"),
        ("bytes=0-0", 0, "unsatisfiable"),
        ("bytes=-5", 0, None),
        ("bytes=-0", 10, "unsatisfiable"),
        ("bytes=abc", 10, None),
        ("bytes=5-2", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("items=0-1", 10, None),
        ("0-1", 10, None),
        ("bytes=-", 10, None),
        ("bytes=\u0661-2", 10, None),
    ],
)
def test_parse_range(value, size, expected):
    """Research §1-2: single ranges clamp to the object; start past the end (or any first-byte range on an
    empty object, or bytes=-0) is unsatisfiable (416); unparseable, reversed, multi-range or other-unit
    ranges are ignored (200, whole object); a suffix range on an empty object is a plain 200."""
    assert headers.parse_range(value, size) == expected


T0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
NOW = dt.datetime(2024, 6, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def _obj(etag: str = "abc") -> StoredObject:
    return StoredObject("k", ObjectBody((b"x",)), etag, T0, ObjectMeta(), None)


def _date(moment: dt.datetime) -> str:
    return headers.http_date(moment)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, None),
        ({"If-Match": '"abc"'}, None),
        ({"If-Match": "abc"}, None),
        ({"If-Match": '"x", "abc"'}, None),
        ({"If-Match": "*"}, None),
        ({"If-Match": '"xyz"'}, ReadVerdict.IF_MATCH_FAILED),
        (
            {"If-Unmodified-Since": _date(T0 - dt.timedelta(seconds=1))},
            ReadVerdict.IF_UNMODIFIED_SINCE_FAILED,
        ),
        ({"If-Unmodified-Since": _date(T0)}, None),
        ({"If-Match": "abc", "If-Unmodified-Since": _date(T0 - dt.timedelta(days=1))}, None),
        ({"If-None-Match": '"abc"'}, ReadVerdict.NOT_MODIFIED),
        ({"If-None-Match": "abc"}, ReadVerdict.NOT_MODIFIED),
        ({"If-None-Match": '"xyz"'}, None),
        ({"If-Modified-Since": _date(T0)}, ReadVerdict.NOT_MODIFIED),
        ({"If-Modified-Since": _date(T0 + dt.timedelta(days=1))}, ReadVerdict.NOT_MODIFIED),
        ({"If-Modified-Since": _date(T0 - dt.timedelta(seconds=1))}, None),
        ({"If-Modified-Since": _date(NOW + dt.timedelta(days=1))}, None),
        (
            {"If-None-Match": "abc", "If-Modified-Since": _date(T0 - dt.timedelta(days=1))},
            ReadVerdict.NOT_MODIFIED,
        ),
        ({"If-None-Match": "xyz", "If-Modified-Since": _date(T0 + dt.timedelta(days=1))}, None),
        ({"If-Match": "xyz", "If-None-Match": "abc"}, ReadVerdict.IF_MATCH_FAILED),
        ({"If-Modified-Since": "not a date"}, None),
        ({"If-Unmodified-Since": "not a date"}, None),
    ],
)
def test_read_condition(given, expected):
    """Research §10 (RFC 7232 as S3 applies it): If-Match mismatch → 412; If-Unmodified-Since earlier
    than Last-Modified → 412 unless If-Match is present; If-None-Match match → 304; If-Modified-Since at or
    after Last-Modified → 304 unless If-None-Match is present; a future If-Modified-Since is ignored;
    ETags compare with or without quotes; If-Match is checked first."""
    assert headers.read_condition(Headers(given), _obj(), NOW) == expected


@pytest.mark.parametrize(
    ("encoding", "stored"),
    [
        (None, None),
        ("aws-chunked", None),
        ("gzip,aws-chunked", "gzip"),
        ("gzip, aws-chunked", "gzip"),
        ("aws-chunked,gzip", "gzip"),
        ("gzip", "gzip"),
    ],
)
def test_object_meta_strips_aws_chunked(encoding, stored):
    """§1.5 (ceph test_object_content_encoding_aws_chunked): aws-chunked is removed from the stored
    Content-Encoding; a bare aws-chunked is stored as nothing."""
    hdrs = Headers({"Content-Encoding": encoding} if encoding else {})
    assert headers.object_meta(hdrs, list(hdrs.items())).content_encoding == stored


def test_object_meta_captures_create_headers():
    """§2: Content-Type (default binary/octet-stream), the content headers, x-amz-meta-* (names lower
    case, research §8), storage class (default STANDARD), tagging and redirect are captured."""
    hdrs = Headers(
        {
            "Content-Disposition": "attachment",
            "Content-Language": "de",
            "Cache-Control": "no-cache",
            "Expires": "Wed, 21 Oct 2015 07:28:00 GMT",
            "X-Amz-Meta-Color": "Blue",
            "x-amz-tagging": "a=1&b=2",
            "x-amz-website-redirect-location": "/other",
        }
    )
    meta = headers.object_meta(hdrs, list(hdrs.items()))
    assert meta == ObjectMeta(
        content_type="binary/octet-stream",
        content_disposition="attachment",
        content_language="de",
        cache_control="no-cache",
        expires="Wed, 21 Oct 2015 07:28:00 GMT",
        metadata=(("color", "Blue"),),
        storage_class="STANDARD",
        tagging=(("a", "1"), ("b", "2")),
        website_redirect_location="/other",
    )
    typed = Headers({"Content-Type": "text/plain", "x-amz-storage-class": "STANDARD_IA"})
    meta = headers.object_meta(typed, list(typed.items()))
    assert (meta.content_type, meta.storage_class) == ("text/plain", "STANDARD_IA")


def test_iso_and_http_dates():
    """§1.3: XML times are ISO-8601 with milliseconds in UTC; Last-Modified is an RFC 7231 GMT date."""
    moment = dt.datetime(2026, 2, 21, 0, 18, 10, 123456, tzinfo=dt.timezone.utc)
    assert headers.iso_time(moment) == "2026-02-21T00:18:10.123Z"
    assert headers.http_date(moment.replace(microsecond=0)) == "Sat, 21 Feb 2026 00:18:10 GMT"


# -- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("7", 7), ("007", 7), ("-5", -5), ("10000", 10000), ("9" * 24, int("9" * 24))],
)
def test_parse_decimal(raw, expected):
    """§3 step 2: numbers are ASCII decimal with an optional minus sign."""
    assert validation.parse_decimal(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", " 1", "1 ", "+1", "1_0", "1.0", "0x1", "\u0661", "\u00b2", "1\n", "-", "--1", "9" * 25, "1e3"],
)
def test_parse_decimal_rejects(raw):
    """§3 step 2: what Python's int() accepts but S3 does not (Unicode digits, spaces, +, _) is refused."""
    assert validation.parse_decimal(raw) is None


@pytest.mark.parametrize("raw", ["1", "10000", "5000"])
def test_part_number_valid(raw):
    """§3 step 2: 1..10000 inclusive."""
    assert validation.part_number(raw, 10000) == int(raw)


@pytest.mark.parametrize("raw", ["0", "10001", "-1", "abc", "\u0661", None])
def test_part_number_invalid(raw):
    """§3 step 2: InvalidArgument "Part number must be an integer between 1 and 10000, inclusive" with
    ArgumentName partNumber and the raw ArgumentValue."""
    with pytest.raises(errors.InvalidArgument) as exc:
        validation.part_number(raw, 10000)
    assert exc.value.message == "Part number must be an integer between 1 and 10000, inclusive"
    assert exc.value.fields() == [("ArgumentName", "partNumber"), ("ArgumentValue", raw or "")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1000), ("", 1000), ("0", 0), ("5", 5), ("1000", 1000), ("1001", 1000), ("2147483647", 1000)],
)
def test_list_limit(raw, expected):
    """§7/§8: max-parts / max-uploads default to 1000 (also when empty) and are clamped to 1000."""
    assert validation.list_limit("max-parts", raw, 1000, 1000) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "Argument max-uploads must be an integer between 0 and 2147483647"),
        ("abc", "Provided max-uploads not an integer or within integer range"),
        ("2147483648", "Provided max-uploads not an integer or within integer range"),
    ],
)
def test_list_limit_invalid(raw, message):
    """§7 steps 2-3, §8: negative → "Argument … must be an integer between 0 and 2147483647"; non-integer
    or above 2^31-1 → "Provided … not an integer or within integer range"."""
    with pytest.raises(errors.InvalidArgument) as exc:
        validation.list_limit("max-uploads", raw, 1000, 1000)
    assert (exc.value.message, exc.value.fields()) == (
        message,
        [("ArgumentName", "max-uploads"), ("ArgumentValue", raw)],
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 0), ("", 0), ("0", 0), ("42", 42), ("2147483647", 2147483647)]
)
def test_list_marker(raw, expected):
    """§7: part-number-marker defaults to 0 and is a plain number."""
    assert validation.list_marker("part-number-marker", raw) == expected


@pytest.mark.parametrize("raw", ["-1", "x", "2147483648"])
def test_list_marker_invalid(raw):
    """§7 steps 2-3: an invalid part-number-marker is InvalidArgument naming it."""
    with pytest.raises(errors.InvalidArgument) as exc:
        validation.list_marker("part-number-marker", raw)
    assert exc.value.field("ArgumentName") == "part-number-marker"


@pytest.mark.parametrize(
    ("key", "ok"), [("a" * 1024, True), ("a" * 1025, False), ("\u00e9" * 512, True), ("\u00e9" * 513, False)]
)
def test_object_key_length_in_utf8_bytes(key, ok):
    """Research §3 KeyTooLongError: keys are limited to 1024 bytes of UTF-8, with Size and MaxSizeAllowed."""
    if ok:
        validation.object_key(key, 1024)
        return
    with pytest.raises(errors.KeyTooLongError) as exc:
        validation.object_key(key, 1024)
    assert exc.value.fields() == [("MaxSizeAllowed", "1024"), ("Size", str(len(key.encode())))]


# -- listing.paginate (§8; research §4) -------------------------------------------------------------


def _paginate(keys: tuple[str, ...], prefix: str, delimiter: str | None, max_entries: int):
    """listing.paginate over a sorted list of ``keys`` (items ``item:KEY``), from the prefix on."""
    ordered = sorted(keys)

    def seek(key: str):
        return ((found, f"item:{found}") for found in ordered if found >= key)

    return listing.paginate(seek(prefix), seek, prefix, delimiter, max_entries)


def _entries(*keys: str) -> tuple[str, ...]:
    return keys


def test_paginate_plain():
    """Research §4: without a delimiter, entries in order up to the limit; truncated when more remain."""
    page = _paginate(("a", "b", "c"), "", None, 2)
    assert (page.items, page.prefixes, page.truncated, page.last_key, page.count) == (
        ["item:a", "item:b"],
        [],
        True,
        "b",
        2,
    )
    page = _paginate(("a", "b"), "", None, 2)
    assert (page.truncated, page.last_key) == (False, "b")


def test_paginate_prefix():
    """Research §4 / §8: only keys that start with the prefix count."""
    page = _paginate(("a/1", "b/1", "b/2", "c"), "b/", None, 10)
    assert page.items == ["item:b/1", "item:b/2"]


def test_paginate_delimiter_prefixes_count_toward_the_limit():
    """§8 / research §4: keys with the delimiter after the prefix fold into one common prefix each, and
    each prefix counts as one entry; a page cut on a prefix ends with that prefix as last key."""
    entries = _entries("a/1", "a/2", "b", "c/1", "c/2", "d")
    page = _paginate(entries, "", "/", 3)
    assert (page.items, page.prefixes, page.truncated) == (["item:b"], ["a/", "c/"], True)
    assert (page.last_key, page.ends_with_prefix, page.count) == ("c/", True, 3)
    whole = _paginate(entries, "", "/", 10)
    assert (whole.items, whole.prefixes, whole.truncated) == (["item:b", "item:d"], ["a/", "c/"], False)


def test_paginate_prefix_and_delimiter():
    """§8 (vgw ListMultipartUploads_both_delimiter_and_prefix): folding starts after the prefix."""
    page = _paginate(("foo/abc/x", "foo/bar", "foo/r/a", "foo/r/b", "zoo/a"), "foo/", "/", 10)
    assert (page.items, page.prefixes) == (["item:foo/bar"], ["foo/abc/", "foo/r/"])


def test_paginate_multi_character_delimiter():
    """Research §4: a delimiter may be longer than one character."""
    page = _paginate(("a--b", "a--c", "ab"), "", "--", 10)
    assert (page.items, page.prefixes) == (["item:ab"], ["a--"])


def test_paginate_max_zero_is_empty_and_not_truncated():
    """Research §4 (ceph test_bucket_list_maxkeys_zero, run against AWS): max-keys=0 gives an empty page
    with IsTruncated false."""
    page = _paginate(("a", "b"), "", None, 0)
    assert (page.items, page.prefixes, page.truncated) == ([], [], False)


@pytest.mark.parametrize(
    ("marker", "prefix", "delimiter", "first"),
    [
        (None, "p", None, "p"),
        ("", "", "/", ""),
        ("a", "", None, "a\0"),
        ("a", "b", None, "b"),
        ("a/", "", "/", "a0"),  # a common prefix: its group is skipped ("0" follows "/")
        ("a/b/c", "", "/", "a0"),  # a key rolled up into "a/": the rest of "a/" is skipped too
        ("a/b/c", "a/", "/", "a/b0"),
        ("a/b", "a/b", "/", "a/b\0"),  # not rolled up under this prefix
        ("a/", "a/b", "/", "a/b"),  # before the prefix: the prefix's keys all follow
        ("\U0010ffffx", "", "\U0010ffff", None),  # nothing can follow the group "\U0010ffff"
        ("a\U0010ffff/x", "", "/", "a\U0010ffff0"),
    ],
)
def test_first_key(marker, prefix, delimiter, first):
    """Where a page resumes: strictly after the marker; a marker that is a common prefix, or a key rolled
    up into one, skips that group [LS-AWS: test_list_objects_marker_common_prefixes
    (list-objects-manual-first-file), recorded 2026-02-21]."""
    assert listing.first_key(marker, prefix, delimiter) == first


# -- settings.resolve (STYLE.md Plugin: marker > CLI > env > ini > default) -----------------------------


def _sources(marker=None, cli=None, env=None, ini=None) -> settings.Sources:
    return settings.Sources(marker=marker or {}, cli=cli or {}, env=env or {}, ini=ini or {})


ENV = settings.MIN_PART_SIZE.env


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (_sources(), 5 * 1024 * 1024),
        (_sources(ini={"min_part_size": "10"}), 10),
        (_sources(env={ENV: "20"}, ini={"min_part_size": "10"}), 20),
        (_sources(cli={"min_part_size": "30"}, env={ENV: "20"}, ini={"min_part_size": "10"}), 30),
        (_sources(marker={"min_part_size": 40}, cli={"min_part_size": "30"}, env={ENV: "20"}), 40),
        (_sources(marker={"min_part_size": "1KiB"}), 1024),
        (_sources(cli={"min_part_size": "5MiB"}), 5 * 1024 * 1024),
        (_sources(cli={"min_part_size": None}, env={ENV: "2kib"}), 2048),
        (_sources(cli={"min_part_size": ""}, ini={"min_part_size": "7"}), 7),
    ],
)
def test_resolve_precedence(sources, expected):
    """STYLE.md Plugin: marker > CLI > environment > ini > default; unset (None or empty) sources are
    skipped; sizes accept KiB/MiB suffixes."""
    assert settings.resolve(settings.MIN_PART_SIZE, sources) == expected


def test_setting_names_in_every_source():
    """STYLE.md Naming: one prefix: --s3mpu-*, s3mpu_*, PYTEST_S3MPU_*."""
    setting = settings.MIN_PART_SIZE
    assert (setting.option, setting.ini, setting.env) == (
        "--s3mpu-min-part-size",
        "s3mpu_min_part_size",
        "PYTEST_S3MPU_MIN_PART_SIZE",
    )


@pytest.mark.parametrize(
    ("sources", "origin"),
    [
        (_sources(marker={"min_part_size": "lots"}), "the s3mpu marker"),
        (_sources(cli={"min_part_size": "-5"}, env={ENV: "20"}), "option --s3mpu-min-part-size"),
        (
            _sources(env={ENV: "1.5B"}, ini={"min_part_size": "10"}),
            "environment variable PYTEST_S3MPU_MIN_PART_SIZE",
        ),
        (_sources(ini={"min_part_size": "ten"}), "ini key s3mpu_min_part_size"),
    ],
)
def test_resolve_bad_value_names_its_source(sources, origin):
    """STYLE.md Plugin (pytest-timeout's habit): a bad value is an error naming the setting, the value and
    the source it came from; a lower source never silently takes over."""
    with pytest.raises(settings.SettingError) as exc:
        settings.resolve(settings.MIN_PART_SIZE, sources)
    text = str(exc.value)
    assert "min_part_size" in text
    assert origin in text


@pytest.mark.parametrize("setting", [settings.HOST, settings.PORT], ids=["host", "port"])
def test_marker_may_not_set_server_settings(setting):
    """STYLE.md Plugin: host and port belong to the session's server; the marker may not change them."""
    with pytest.raises(settings.SettingError, match=setting.name):
        settings.resolve(setting, _sources(marker={setting.name: "1"}))


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), ("65535", 65535), ("8080", 8080)])
def test_port_values(raw, expected):
    """A port is 0..65535 (0 picks a free one)."""
    assert settings.resolve(settings.PORT, _sources(cli={"port": raw})) == expected


@pytest.mark.parametrize("raw", ["65536", "-1", "http"])
def test_port_invalid(raw):
    """A port outside 0..65535 names its source."""
    with pytest.raises(settings.SettingError, match="option --s3mpu-port"):
        settings.resolve(settings.PORT, _sources(cli={"port": raw}))


def test_region_default_and_override():
    """The region defaults to us-east-1 (S3's default) and follows the same precedence."""
    assert settings.resolve(settings.REGION, _sources()) == "us-east-1"
    assert settings.resolve(settings.REGION, _sources(env={settings.REGION.env: "eu-west-1"})) == "eu-west-1"
    assert settings.resolve(
        settings.REGION, _sources(marker={"region": "ap-south-1"}, cli={"region": "x"})
    ) == ("ap-south-1")


@pytest.mark.parametrize("encoding", [None, "url"])
@pytest.mark.parametrize("owner", [True, False])
def test_list_objects_contents_are_written_exactly(encoding, owner):
    """The directly written <Contents> entries (a 1000-key page's cost) carry each element of the
    dict-shaped form in S3's order, keys escaped as all text is (&, <, >; url-encoded on
    request), read back exactly by an XML parser."""
    when = dt.datetime(2026, 2, 21, 12, 0, 0, tzinfo=dt.timezone.utc)
    store = Store(clock=lambda: when)
    store.create_bucket("bench")
    keys = ["a&b", "c<d>", "t\tab", "é/ü", "%41", "q\"u'"]
    for n, key in enumerate(keys):
        store.put_object(
            "bench", key, Payload.of(key.encode()), ObjectMeta(storage_class=("GLACIER", "STANDARD")[n % 2])
        )
    page = store.list_objects("bench", "", None, 1000, None)
    document = xmldoc.list_objects_v2(page, "", None, 1000, encoding, None, None, None, owner)
    parsed = xmltodict.parse(document, force_list=("Contents",))["ListBucketResult"]["Contents"]
    expected = []
    for obj in page.objects:
        entry = {
            "Key": quote(obj.key, safe="/") if encoding else obj.key,
            "LastModified": "2026-02-21T12:00:00.000Z",
        }
        entry |= {"ETag": f'"{obj.etag}"', "ChecksumAlgorithm": "CRC64NVME", "ChecksumType": "FULL_OBJECT"}
        entry["Size"] = str(obj.size)
        if owner:
            entry["Owner"] = {"ID": xmldoc.OWNER_ID}
        entry["StorageClass"] = obj.meta.storage_class
        expected.append(entry)
    assert [dict(item) for item in parsed] == expected
    assert [list(item) for item in parsed] == [list(entry) for entry in expected]


@pytest.mark.parametrize(
    ("target", "split"),
    [
        ("/bkt/key?uploads", ("/bkt/key", "uploads")),
        ("//bkt//key", ("//bkt//key", "")),  # origin-form is never folded (S3 keys may start with "/")
        ("/bkt/a://b?x=1", ("/bkt/a://b", "x=1")),  # "://" inside an origin-form key
        ("http://localhost:9000/bkt/key?partNumber=1", ("/bkt/key", "partNumber=1")),  # RFC 9112 §3.2.2
        ("http://localhost:9000", ("/", "")),
        ("http://localhost:9000?x", ("/", "x")),
    ],
)
def test_split_target_once_for_server_and_app(target, split):
    """One split of the request target (issue 16 item 4), used by the server for PATH_INFO/QUERY_STRING
    and by the app for the exact path: origin-form and absolute-form (RFC 9112 §3.2)."""
    from pytest_s3mpu.protocol.target import split_target

    assert split_target(target) == split
