"""The pure SigV4 verifier against AWS's published examples (S3_AUTH_SPEC.md §11), without HTTP.

Vectors: AWS S3 API Reference "Signature Calculations for the Authorization Header" (S3-HDR examples),
"Authenticating Requests: Using Query Parameters" (S3-QS example), "Signature Calculation: Transfer
Payload in Multiple Chunks" (S3-CHUNK) and its trailer variant (S3-TRL); IAM User Guide signing-key
example (IAM-SIGV4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest

from pytest_s3mpu.protocol import bodies, sigv4, wire
from pytest_s3mpu.protocol.authentication import Authenticator, Credential, SignedRequest
from pytest_s3mpu.state import errors

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AMZ_DATE = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
EMPTY = sigv4.EMPTY_SHA256
AT = dt.datetime(2013, 5, 24, tzinfo=dt.timezone.utc).timestamp()  # the examples' request time
HOST = "examplebucket.s3.amazonaws.com"


def _header_request(
    method: str, path: str, query: str, headers: dict[str, str], signed: str, signature: str
) -> SignedRequest:
    authorization = f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE},SignedHeaders={signed},Signature={signature}"
    all_headers = {name.lower(): value for name, value in {**headers, "Authorization": authorization}.items()}
    decoded = dict(item.partition("=")[::2] for item in query.split("&") if item)
    return SignedRequest(method, path, query, all_headers, decoded)


def _verifier() -> Authenticator:
    return Authenticator.of([Credential(AKID, SECRET)])


def test_signing_key_iam_example():
    """IAM-SIGV4 signing-key example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215,
    us-east-1, iam -> f4780e2d..."""
    key = sigv4.signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


def test_get_object_example_canonical_request_and_signature():
    """S3-HDR "Example: GET Object": canonical request hash 7344ae5b..., signature f0e8bdb8...; the
    verifier accepts it at the example's time."""
    headers = {"host": HOST, "range": "bytes=0-9", "x-amz-content-sha256": EMPTY, "x-amz-date": AMZ_DATE}
    signed = ["host", "range", "x-amz-content-sha256", "x-amz-date"]
    canonical = sigv4.canonical_request("GET", sigv4.canonical_uri("/test.txt"), "", headers, signed, EMPTY)
    assert sigv4.sha256_hex(canonical) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    signature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    request = _header_request("GET", "/test.txt", "", headers, ";".join(signed), signature)
    verified = _verifier().verify(request, AT + 5, "us-east-1")
    assert (verified.access_key, verified.method, verified.chain) == (AKID, "header", None)


@pytest.mark.parametrize(
    ("method", "path", "query", "extra", "payload", "signature"),
    [
        (
            "PUT",
            "/test%24file.text",
            "",
            {"date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
            hashlib.sha256(b"Welcome to Amazon S3.").hexdigest(),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
        ),
        (
            "GET",
            "/",
            "lifecycle",
            {},
            EMPTY,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
        ),
        (
            "GET",
            "/",
            "max-keys=2&prefix=J",
            {},
            EMPTY,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
        ),
    ],
    ids=["put-object", "get-lifecycle", "list-objects"],
)
def test_s3_header_examples(method, path, query, extra, payload, signature):
    """S3-HDR examples PUT Object (``$`` in the key, signed Date and storage class), GET ?lifecycle (a
    parameter without a value signs as ``lifecycle=``), GET ?max-keys=2&prefix=J."""
    headers = {"host": HOST, "x-amz-content-sha256": payload, "x-amz-date": AMZ_DATE, **extra}
    signed = ";".join(sorted(headers))
    request = _header_request(method, path, query, headers, signed, signature)
    assert _verifier().verify(request, AT, "us-east-1").access_key == AKID


def test_presigned_get_example():
    """S3-QS example: canonical query sorted, UNSIGNED-PAYLOAD, signature aeeed9bb...; valid through
    2013-05-25T00:00:00Z and ``Request has expired`` one second later, with S3's fields."""
    credential = f"{AKID}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={AMZ_DATE}"
        "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    )
    canonical = sigv4.canonical_request(
        "GET", "/test.txt", sigv4.canonical_query(query), {"host": HOST}, ["host"], "UNSIGNED-PAYLOAD"
    )
    assert sigv4.sha256_hex(canonical) == "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
    signature = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    raw = f"{query}&X-Amz-Signature={signature}"
    decoded = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{AKID}/{SCOPE}",
        "X-Amz-Date": AMZ_DATE,
        "X-Amz-Expires": "86400",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": signature,
    }
    request = SignedRequest("GET", "/test.txt", raw, {"host": HOST}, decoded)
    assert _verifier().verify(request, AT + 86400, "us-east-1").method == "presigned"
    with pytest.raises(errors.AccessDenied) as caught:
        _verifier().verify(request, AT + 86401, "us-east-1")
    assert caught.value.message == "Request has expired"
    assert caught.value.fields() == [
        ("X-Amz-Expires", "86400"),
        ("Expires", "2013-05-25T00:00:00Z"),
        ("ServerTime", "2013-05-25T00:00:01Z"),
    ]


def test_wrong_secret_reports_what_s3_computed():
    """SignatureDoesNotMatch carries AWSAccessKeyId, StringToSign, SignatureProvided, StringToSignBytes
    (lowercase spaced hex), CanonicalRequest, CanonicalRequestBytes (S3_AUTH_SPEC §10)."""
    headers = {"host": HOST, "range": "bytes=0-9", "x-amz-content-sha256": EMPTY, "x-amz-date": AMZ_DATE}
    signed = "host;range;x-amz-content-sha256;x-amz-date"
    provided = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    request = _header_request("GET", "/test.txt", "", headers, signed, provided)
    wrong = Authenticator.of([Credential(AKID, "not-the-secret")])
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        wrong.verify(request, AT, "us-east-1")
    fields = dict(caught.value.fields())
    assert list(fields) == [
        "AWSAccessKeyId",
        "StringToSign",
        "SignatureProvided",
        "StringToSignBytes",
        "CanonicalRequest",
        "CanonicalRequestBytes",
    ]
    assert fields["StringToSign"] == (
        f"AWS4-HMAC-SHA256\n{AMZ_DATE}\n{SCOPE}\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    )
    assert fields["StringToSignBytes"].startswith("41 57 53 34 2d 48 4d 41 43")
    assert fields["CanonicalRequest"].startswith("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n")
    assert fields["SignatureProvided"] == provided


def _chunked_body(signatures: list[str], sizes: list[int]) -> bytes:
    out = b""
    for size, signature in zip(sizes, signatures, strict=True):
        out += f"{size:x};chunk-signature={signature}\r\n".encode() + b"a" * size + b"\r\n"
    return out


CHUNK_SIGNATURES = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]


def _chunk_headers(payload: str, extra: dict[str, str]) -> dict[str, str]:
    return {
        "host": "s3.amazonaws.com",
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": payload,
        "x-amz-date": AMZ_DATE,
        "x-amz-decoded-content-length": "66560",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        **extra,
    }


def test_streaming_example_seed_and_chunk_chain():
    """S3-CHUNK: seed 4f232c43..., chunks ad80c730..., 0055627c..., final b6c6ea8a... The verifier
    accepts the header and hands the chain to the body reader, which checks every chunk as it streams."""
    headers = _chunk_headers(wire.STREAMING_SIGNED, {"content-length": "66824"})
    seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    request = _header_request(
        "PUT", "/examplebucket/chunkObject.txt", "", headers, ";".join(sorted(headers)), seed
    )
    verified = _verifier().verify(request, AT, "us-east-1")
    assert verified.chain is not None
    body = _chunked_body(CHUNK_SIGNATURES, [65536, 1024, 0])  # the last chunk's empty data ends it: CRLF CRLF
    assert len(body) == 66824
    payload = bodies.read_payload(io.BytesIO(body), headers, len(body), (), chain=verified.chain)
    assert bytes(payload.data) == b"a" * 66560


def test_streaming_forged_chunk_is_refused_with_the_chunk_string_to_sign():
    """A changed chunk breaks its signature: SignatureDoesNotMatch whose StringToSign is the chunk's
    (AWS4-HMAC-SHA256-PAYLOAD, previous signature, empty hash, data hash) [S3-CHUNK; VGW]."""
    headers = _chunk_headers(wire.STREAMING_SIGNED, {"content-length": "66824"})
    seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    request = _header_request(
        "PUT", "/examplebucket/chunkObject.txt", "", headers, ";".join(sorted(headers)), seed
    )
    chain = _verifier().verify(request, AT, "us-east-1").chain
    body = bytearray(_chunked_body(CHUNK_SIGNATURES, [65536, 1024, 0]))
    body[1000] = ord("b")  # inside the first chunk's data
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        bodies.read_payload(io.BytesIO(bytes(body)), headers, len(body), (), chain=chain)
    text = caught.value.field("StringToSign") or ""
    assert text.startswith(f"AWS4-HMAC-SHA256-PAYLOAD\n{AMZ_DATE}\n{SCOPE}\n{seed}\n{EMPTY}\n")
    assert caught.value.field("SignatureProvided") == CHUNK_SIGNATURES[0]
    assert caught.value.field("CanonicalRequest") is None


def test_streaming_trailer_example():
    """S3-TRL: seed 106e2a8a..., chunks b474d886..., 1c1344b1..., 2ca2aba2..., trailer
    x-amz-checksum-crc32c:sOO8/Q== signed d81f82fc...; a changed trailer signature is refused."""
    headers = _chunk_headers(wire.STREAMING_SIGNED_TRAILER, {"x-amz-trailer": "x-amz-checksum-crc32c"})
    seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
    chunks = [
        "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    ]
    trailer = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"

    def body(trailer_signature: str) -> bytes:
        head = _chunked_body(chunks, [65536, 1024, 0])[:-2]  # the zero chunk's CRLF comes after trailers
        return (
            head
            + b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
            + f"x-amz-trailer-signature:{trailer_signature}\r\n\r\n".encode()
        )

    request = _header_request(
        "PUT", "/examplebucket/chunkObject.txt", "", headers, ";".join(sorted(headers)), seed
    )
    good = body(trailer)
    chain = _verifier().verify(request, AT, "us-east-1").chain
    payload = bodies.read_payload(io.BytesIO(good), headers, len(good), (), chain=chain)
    assert bytes(payload.data) == b"a" * 66560
    bad = body("0" * 64)
    chain = _verifier().verify(request, AT, "us-east-1").chain
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        bodies.read_payload(io.BytesIO(bad), headers, len(bad), (), chain=chain)
    assert (caught.value.field("StringToSign") or "").startswith("AWS4-HMAC-SHA256-TRAILER\n")


def test_canonical_uri_encodes_once_and_keeps_dots():
    """S3 encodes the path once and never normalises it; ``%2F`` canonicalises to ``/`` (recorded, LS
    test_pre_signed_url_forward_slash_bucket); botocore's key ``my key+1.txt`` (BOTO-RUN)."""
    assert sigv4.canonical_uri("/b/my%20key%2B1.txt") == "/b/my%20key%2B1.txt"
    assert sigv4.canonical_uri("/b/./a//..") == "/b/./a//.."
    assert sigv4.canonical_uri("/%2Fbucket/k") == "//bucket/k"
    assert sigv4.canonical_uri("/b/caf%C3%A9~") == "/b/caf%C3%A9~"


def test_canonical_query_sorts_encoded_names_and_keeps_equals():
    """IAM-SIGV4 / S3-HDR: sorted by encoded name (upper case first), ``=`` kept for empty values,
    ``/`` and ``=`` inside values encoded."""
    assert sigv4.canonical_query("uploadId=abc%2Fdef%3D&partNumber=1&X-Amz-Date=1&uploads") == (
        "X-Amz-Date=1&partNumber=1&uploadId=abc%2Fdef%3D&uploads="
    )
    assert sigv4.canonical_query("a=1&X-Amz-Signature=ff", omit="X-Amz-Signature") == "a=1"


def test_policy_signature_vector():
    """A POST form's signature is the signing key over the base64 policy (AWS S3 API Reference
    sigv4-post-example: the policy expiring 2015-12-30, signature 8afdbf40...)."""
    policy = (
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6"
        "ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFj"
        "bCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tl"
        "dC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5"
        "cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZl"
        "ci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoN"
        "CiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVx"
        "dWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAx"
        "NTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
    )
    expected = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
    assert sigv4.policy_signature(SECRET, "20151229", "us-east-1", policy) == expected
    assert sigv4.verify_policy_signature(SECRET, "20151229", "us-east-1", policy, expected)
    assert not sigv4.verify_policy_signature("other", "20151229", "us-east-1", policy, expected)


def _presigned(**changes: str | None) -> SignedRequest:
    """The S3-QS example's request with some parameters changed (None: left out)."""
    params: dict[str, str | None] = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{AKID}/{SCOPE}",
        "X-Amz-Date": AMZ_DATE,
        "X-Amz-Expires": "86400",
        "X-Amz-SignedHeaders": "host",
        "X-Amz-Signature": "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
        **changes,
    }
    kept = {name: value for name, value in params.items() if value is not None}
    raw = "&".join(f"{sigv4.uri_encode(n)}={sigv4.uri_encode(v)}" for n, v in kept.items())
    return SignedRequest("GET", "/test.txt", raw, {"host": HOST}, kept)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"X-Amz-Date": None},
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
            "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
        ),
        ({"X-Amz-Algorithm": "AWS4-HMAC-SHA1"}, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'),
        (
            {"X-Amz-Credential": f"{AKID}/20130524/us-east-1/s3"},
            "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
            'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        ),
        (
            {"X-Amz-Date": "2013-05-24T00:00:00Z"},
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
        ),
        ({"X-Amz-Expires": "soon"}, "X-Amz-Expires should be a number"),
        ({"X-Amz-Expires": "-1"}, "X-Amz-Expires must be non-negative"),
        (
            {"X-Amz-Expires": "604801"},
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
            "less than 604800 seconds",
        ),
        (
            {"X-Amz-Credential": f"{AKID}/20130524/eu-west-1/s3/aws4_request"},
            "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; "
            "expecting 'us-east-1'",
        ),
    ],
    ids=[
        "missing",
        "algorithm",
        "credential",
        "date",
        "expires-text",
        "expires-negative",
        "expires-week",
        "region",
    ],
)
def test_presigned_parameter_errors(changes, message):
    """AuthorizationQueryParametersError 400 and its messages (S3_AUTH_SPEC §1, §8: LS recorded
    test_s3_put_presigned_url_missing_sig_param and test_presigned_double_encoded_credentials; MINIO;
    GH minio/minio-js#1312, noobaa/noobaa-core#8873, aws/aws-cli#5464; VGW)."""
    with pytest.raises(errors.AuthorizationQueryParametersError) as caught:
        _verifier().verify(_presigned(**changes), AT, "us-east-1")
    assert (caught.value.status, caught.value.message) == (400, message)


def test_presigned_week_is_allowed_and_future_url_not_yet_valid():
    """604800 seconds itself is allowed (CLI ``--expires-in`` maximum); a URL dated more than 15 minutes
    ahead is AccessDenied "Request is not yet valid" with X-Amz-Date, Expires, ServerTime (GH
    minio/minio#2638, an AWS capture). The signature check comes after, so these fail on time alone."""
    with pytest.raises(errors.SignatureDoesNotMatch):  # valid parameters: only the signature is wrong
        _verifier().verify(_presigned(**{"X-Amz-Expires": "604800"}), AT, "us-east-1")
    with pytest.raises(errors.AccessDenied) as caught:
        _verifier().verify(_presigned(), AT - 901, "us-east-1")
    assert caught.value.message == "Request is not yet valid"
    assert [name for name, _ in caught.value.fields()] == ["X-Amz-Date", "Expires", "ServerTime"]


def _presigned_with_headers(headers: dict[str, str], **changes: str | None) -> SignedRequest:
    request = _presigned(**changes)
    return SignedRequest(request.method, request.raw_path, request.raw_query, headers, request.query)


@pytest.mark.parametrize(
    ("headers", "changes", "named"),
    [
        ({"host": HOST, "x-amz-meta-wrong": "wrong"}, {}, "x-amz-meta-wrong"),
        (
            {"host": HOST, "x-amz-expires": "5"},
            {"X-Amz-Signature": "0" * 64},
            "x-amz-expires",
        ),
        (
            {"host": HOST, "X-Amz-Meta-B": "b", "x-amz-acl": "public-read", wire.CONTENT_SHA256: EMPTY},
            {},
            "x-amz-acl, x-amz-meta-b",
        ),
        ({"host": HOST}, {"X-Amz-SignedHeaders": ""}, "host"),
    ],
    ids=["valid-signature", "before-the-signature", "sorted-lower-case", "host"],
)
def test_presigned_unsigned_headers_are_refused_before_the_signature(headers, changes, named):
    """Headers a presigned URL did not sign: each ``x-amz-*`` one sent (but ``x-amz-content-sha256``)
    and ``host`` are AccessDenied "There were headers present in the request which were not signed"
    naming them, lower case, sorted, ", "-joined; checked before the signature, so a URL whose
    signature would fail too is refused for its headers [LS-AWS: test_put_url_metadata_with_sig_s3v4,
    test_s3_put_presigned_url_same_header_and_qs_parameter (override-signed-qs), recorded 2026-02-21;
    ``host``: AWS answers quoted in GH brendanhay/amazonka#272, aws/aws-sdk-java#1680]."""
    with pytest.raises(errors.AccessDenied) as caught:
        _verifier().verify(_presigned_with_headers(headers, **changes), AT, "us-east-1")
    assert caught.value.message == "There were headers present in the request which were not signed"
    assert caught.value.fields() == [("HeadersNotSigned", named)]


def test_presigned_signed_headers_and_content_sha256_pass():
    """The S3-QS example with an unsigned ``x-amz-content-sha256`` and an unsigned Content-Type still
    verifies (LS test_s3_ignored_special_headers; test_s3_put_presigned_url_with_different_headers)."""
    headers = {"host": HOST, wire.CONTENT_SHA256: wire.UNSIGNED_PAYLOAD, "content-type": "text/plain"}
    assert _verifier().verify(_presigned_with_headers(headers), AT, "us-east-1").method == "presigned"


def _header_with(authorization: str, **headers: str) -> SignedRequest:
    base = {"host": HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": AMZ_DATE, **headers}
    return SignedRequest("GET", "/", "", {**base, "authorization": authorization}, {})


@pytest.mark.parametrize(
    ("authorization", "headers", "error", "message"),
    [
        (
            f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, Signature={'0' * 64}",
            {},
            errors.AuthorizationHeaderMalformed,
            "The authorization header is malformed; missing SignedHeaders.",
        ),
        (
            f"AWS4-HMAC-SHA256 Credential={AKID}/20130525/us-east-1/s3/aws4_request, SignedHeaders=host, "
            f"Signature={'0' * 64}",
            {},
            errors.AuthorizationHeaderMalformed,
            "The authorization header is malformed; Invalid credential date. Date is not the same as "
            "X-Amz-Date.",
        ),
        (
            f"AWS4-HMAC-SHA256 Credential={AKID}/20130524/us-east-1/s4/aws4_request, SignedHeaders=host, "
            f"Signature={'0' * 64}",
            {},
            errors.AuthorizationHeaderMalformed,
            'The authorization header is malformed; incorrect service "s4". This endpoint belongs to "s3".',
        ),
        (
            f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, SignedHeaders=host, Signature={'0' * 64}",
            {"x-amz-date": "yesterday"},
            errors.AccessDenied,
            "AWS authentication requires a valid Date or x-amz-date header",
        ),
        (
            f"AWS4-HMAC-SHA256 Credential=AKIDOTHER/{SCOPE}, SignedHeaders=host, Signature={'0' * 64}",
            {},
            errors.InvalidAccessKeyId,
            "The AWS Access Key Id you provided does not exist in our records.",
        ),
        (
            f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, SignedHeaders=host, Signature={'0' * 64}",
            {"x-amz-security-token": "unexpected"},
            errors.InvalidToken,
            "The provided token is malformed or otherwise invalid.",
        ),
    ],
    ids=["missing-component", "scope-date", "service", "bad-date", "unknown-key", "token-for-permanent-key"],
)
def test_header_errors_in_s3_order(authorization, headers, error, message):
    """Authorization header faults, each found before the signature is computed (S3_AUTH_SPEC §2, §9,
    §10 check order)."""
    with pytest.raises(error) as caught:
        _verifier().verify(_header_with(authorization, **headers), AT, "us-east-1")
    assert caught.value.message == message


def test_missing_content_sha256_and_date_header_time():
    """Header auth needs x-amz-content-sha256 (InvalidRequest, VGW); without x-amz-date the Date header
    gives the time, converted to ISO basic for the string to sign (S3-COMMON; the PUT example above)."""
    request = SignedRequest(
        "GET",
        "/",
        "",
        {
            "host": HOST,
            "x-amz-date": AMZ_DATE,
            "authorization": f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, "
            f"SignedHeaders=host, Signature={'0' * 64}",
        },
        {},
    )
    with pytest.raises(errors.InvalidRequest, match="x-amz-content-sha256"):
        _verifier().verify(request, AT, "us-east-1")
    dated = _header_with(
        f"AWS4-HMAC-SHA256 Credential={AKID}/{SCOPE}, SignedHeaders=date;host, Signature={'0' * 64}",
        date="Fri, 24 May 2013 00:00:00 GMT",
    )
    del dated.headers["x-amz-date"]  # type: ignore[attr-defined]
    with pytest.raises(errors.SignatureDoesNotMatch) as caught:
        _verifier().verify(dated, AT, "us-east-1")
    assert (caught.value.field("StringToSign") or "").split("\n")[1] == AMZ_DATE
