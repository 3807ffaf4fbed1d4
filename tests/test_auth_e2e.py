"""Signature verification (``auth`` = ``sigv4``) end to end: boto3 and raw signed requests through the real
server, each refusal with S3's error and its fields, and nothing stored by a refused request.

Sources: S3_AUTH_SPEC.md (sections cited per test), LocalStack's recordings against AWS
(tests/aws/services/s3/test_s3.snapshot.json, recorded 2026-02-21), AWS S3 API Reference pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.parse
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from s3_assertions import error_fields, expect_error, raw_request, state

from pytest_s3mpu.protocol import sigv4

SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
SIGNED = pytest.mark.s3mpu(auth="sigv4")
pytestmark = SIGNED


def _client(s3mpu: Any, access_key: str, secret: str, token: str | None = None) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=s3mpu.region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4", retries={"max_attempts": 1}),
    )


def test_right_keys_work_and_the_journal_names_the_key(s3mpu):
    """The handle's client signs with the first configured pair (default test:test); every request is
    verified and the journal records the key and how it was signed (issue 17)."""
    s3 = s3mpu.client()
    s3.create_bucket(Bucket="signed")
    s3.put_object(Bucket="signed", Key="a b+c.txt", Body=b"hello")
    upload = s3.create_multipart_upload(Bucket="signed", Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket="signed", Key="mp", UploadId=upload, PartNumber=1, Body=b"x" * 10)["ETag"]
    s3.complete_multipart_upload(
        Bucket="signed",
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]},
    )
    assert s3.get_object(Bucket="signed", Key="a b+c.txt")["Body"].read() == b"hello"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "signed", "Key": "mp"})
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"x" * 10
    entries = s3mpu.journal.entries()
    assert {(e.access_key, e.auth) for e in entries[:-1]} == {("test", "header")}
    assert (entries[-1].operation, entries[-1].access_key, entries[-1].auth) == (
        "GetObject",
        "test",
        "presigned",
    )


def test_wrong_secret_is_signature_does_not_match_and_stores_nothing(s3mpu):
    """A wrong secret: 403 SignatureDoesNotMatch with AWSAccessKeyId, StringToSign, SignatureProvided,
    StringToSignBytes, CanonicalRequest, CanonicalRequestBytes [LS-AWS:
    test_presigned_url_signature_authentication[s3v4-False], recorded 2026-02-21]; nothing stored."""
    s3mpu.create_bucket("bkt")
    before = state(s3mpu)
    with pytest.raises(Exception) as caught:
        _client(s3mpu, "test", "wrong").put_object(Bucket="bkt", Key="k", Body=b"data")
    error = caught.value.response["Error"]  # type: ignore[attr-defined]
    assert (error["Code"], error["Message"]) == ("SignatureDoesNotMatch", SIGNATURE_MESSAGE)
    assert error["AWSAccessKeyId"] == "test"
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert error["StringToSignBytes"] == " ".join(f"{b:02x}" for b in error["StringToSign"].encode())
    assert error["CanonicalRequest"].startswith("PUT\n/bkt/k\n\nhost:127.0.0.1:")
    assert error["CanonicalRequestBytes"] == " ".join(f"{b:02x}" for b in error["CanonicalRequest"].encode())
    assert state(s3mpu) == before
    last = s3mpu.journal.entries()[-1]
    assert (last.operation, last.status, last.error_code, last.access_key, last.auth) == (
        "PutObject",
        403,
        "SignatureDoesNotMatch",
        "test",
        "refused",
    )


def test_unknown_key_is_invalid_access_key_id(s3mpu):
    """An access key the double does not know: 403 InvalidAccessKeyId naming it (S3_AUTH_SPEC §10)."""
    s3mpu.create_bucket("bkt")
    expect_error(
        lambda: _client(s3mpu, "AKIDUNKNOWN", "test").put_object(Bucket="bkt", Key="k", Body=b"d"),
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        AWSAccessKeyId="AKIDUNKNOWN",
    )
    assert s3mpu.objects("bkt") == {}


def test_unsigned_request_is_access_denied(s3mpu):
    """No Authorization header and no signed query: 403 AccessDenied "Access Denied" (CEPH
    test_object_anon_put; S3_AUTH_SPEC §9)."""
    s3mpu.create_bucket("bkt")
    status, body = raw_request(s3mpu, "PUT", "/bkt/k", {"Content-Length": "1"}, b"x")
    assert (status, error_fields(body)["Code"], error_fields(body)["Message"]) == (
        403,
        "AccessDenied",
        "Access Denied",
    )
    assert s3mpu.objects("bkt") == {}


def test_skewed_client_clock_is_request_time_too_skewed(s3mpu):
    """A request signed more than 15 minutes from the server's time: 403 RequestTimeTooSkewed with
    RequestTime (x-amz-date as sent), ServerTime, MaxAllowedSkewMilliseconds 900000 (GH
    versity/versitygw#1514; S3-HDR). The test clock moves instead of sleeping."""
    s3mpu.create_bucket("bkt")
    s3mpu.clock.advance(minutes=16)
    with pytest.raises(Exception) as caught:
        s3mpu.client(retries={"max_attempts": 1}).put_object(Bucket="bkt", Key="k", Body=b"d")
    error = caught.value.response["Error"]  # type: ignore[attr-defined]
    assert error["Code"] == "RequestTimeTooSkewed"
    assert error["Message"] == "The difference between the request time and the current time is too large."
    assert error["MaxAllowedSkewMilliseconds"] == "900000"
    sent = dt.datetime.strptime(error["RequestTime"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    server = dt.datetime.strptime(error["ServerTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert dt.timedelta(minutes=15) < server - sent < dt.timedelta(minutes=17)
    assert s3mpu.objects("bkt") == {}
    s3mpu.clock.advance(minutes=-16)
    s3mpu.client().put_object(Bucket="bkt", Key="k", Body=b"d")  # back within the skew: accepted


def test_expired_presigned_url_is_access_denied_with_its_times(s3mpu):
    """A presigned PUT used after X-Amz-Date + X-Amz-Expires: 403 AccessDenied "Request has expired" with
    X-Amz-Expires, Expires, ServerTime [LS-AWS: test_s3_presigned_url_expired[s3v4], recorded
    2026-02-21; GH aws/aws-sdk-php#1333]; within its time the same URL works."""
    s3mpu.create_bucket("bkt")
    url = s3mpu.client().generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=60
    )
    target = url.split(s3mpu.endpoint_url, 1)[1]
    s3mpu.clock.advance(61)
    status, body = raw_request(s3mpu, "PUT", target, {"Content-Length": "4"}, b"late")
    error = error_fields(body)
    assert (status, error["Code"], error["Message"], error["X-Amz-Expires"]) == (
        403,
        "AccessDenied",
        "Request has expired",
        "60",
    )
    expires = dt.datetime.strptime(error["Expires"], "%Y-%m-%dT%H:%M:%SZ")
    server_time = dt.datetime.strptime(error["ServerTime"], "%Y-%m-%dT%H:%M:%SZ")
    assert dt.timedelta(0) < server_time - expires <= dt.timedelta(seconds=3)
    assert list(error)[:5] == ["Code", "Message", "X-Amz-Expires", "Expires", "ServerTime"]
    assert s3mpu.objects("bkt") == {}
    s3mpu.clock.advance(-61)
    assert raw_request(s3mpu, "PUT", target, {"Content-Length": "4"}, b"ok!!")[0] == 200
    assert s3mpu.object_bytes("bkt", "k") == b"ok!!"


def test_presigned_url_parameter_errors(s3mpu):
    """X-Amz-Expires above a week is AuthorizationQueryParametersError (GH aws/aws-cli#5464); a URL
    missing one of the six parameters gets the recorded message [LS-AWS:
    test_s3_put_presigned_url_missing_sig_param[s3v4], recorded 2026-02-21]."""
    s3mpu.create_bucket("bkt")
    s3 = s3mpu.client()
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=604801)
    status, body = raw_request(s3mpu, "GET", url.split(s3mpu.endpoint_url, 1)[1], {})
    assert (status, error_fields(body)["Code"], error_fields(body)["Message"]) == (
        400,
        "AuthorizationQueryParametersError",
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less "
        "than 604800 seconds",
    )
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    target = "&".join(p for p in url.split(s3mpu.endpoint_url, 1)[1].split("&") if "X-Amz-Signature" not in p)
    status, body = raw_request(s3mpu, "GET", target, {})
    assert (status, error_fields(body)["Message"]) == (
        400,
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    )


def test_presigned_url_refuses_unsigned_amz_headers(s3mpu):
    """x-amz-* headers sent beside a presigned URL that did not sign them: 403 AccessDenied with
    HeadersNotSigned [LS-AWS: test_put_object_with_md5_and_chunk_signature_bad_headers[s3v4-True],
    recorded 2026-02-21]; an unsigned Content-Type is harmless
    (test_s3_put_presigned_url_with_different_headers)."""
    s3mpu.create_bucket("bkt")
    url = s3mpu.client().generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "k"})
    target = url.split(s3mpu.endpoint_url, 1)[1]
    headers = {"Content-Length": "1", "x-amz-date": "20260101T000000Z", "x-amz-decoded-content-length": "1"}
    status, body = raw_request(s3mpu, "PUT", target, headers, b"x")
    error = error_fields(body)
    assert (status, error["Code"], error["Message"], error["HeadersNotSigned"]) == (
        403,
        "AccessDenied",
        "There were headers present in the request which were not signed",
        "x-amz-date, x-amz-decoded-content-length",
    )
    assert s3mpu.objects("bkt") == {}
    assert (
        raw_request(s3mpu, "PUT", target, {"Content-Length": "1", "Content-Type": "image/png"}, b"x")[0]
        == 200
    )


def test_presigned_url_names_an_unsigned_header_before_checking_the_signature(s3mpu):
    """A URL that signed ``x-amz-meta-foo``: sent without it, SignatureDoesNotMatch; with it, stored;
    with an unsigned ``x-amz-meta-wrong`` instead, 403 AccessDenied naming it (not
    SignatureDoesNotMatch, though the signed header is missing too), and the object unchanged [LS-AWS:
    test_put_url_metadata_with_sig_s3v4[True], recorded 2026-02-21]."""
    s3mpu.create_bucket("bkt")
    s3 = s3mpu.client()
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "k", "Metadata": {"foo": "bar"}}
    )
    target = url.split(s3mpu.endpoint_url, 1)[1]
    assert "x-amz-meta-foo=bar" not in target  # signed as a header, not sent in the query
    status, body = raw_request(s3mpu, "PUT", target, {"Content-Length": "11"}, b"content 123")
    assert (status, error_fields(body)["Code"]) == (403, "SignatureDoesNotMatch")
    assert (
        raw_request(s3mpu, "PUT", target, {"Content-Length": "11", "x-amz-meta-foo": "bar"}, b"content 123")[
            0
        ]
        == 200
    )
    before = state(s3mpu)
    status, body = raw_request(
        s3mpu, "PUT", target, {"Content-Length": "3", "x-amz-meta-wrong": "wrong"}, b"new"
    )
    error = error_fields(body)
    assert (status, error["Code"], error["Message"], error["HeadersNotSigned"]) == (
        403,
        "AccessDenied",
        "There were headers present in the request which were not signed",
        "x-amz-meta-wrong",
    )
    assert [name for name in error if name not in ("RequestId", "HostId")] == [
        "Code",
        "Message",
        "HeadersNotSigned",
    ]
    assert state(s3mpu) == before
    assert s3.head_object(Bucket="bkt", Key="k")["Metadata"] == {"foo": "bar"}


def test_presigned_url_with_an_unsigned_x_amz_expires_header_is_access_denied(s3mpu):
    """A URL signed with ``x-amz-request-payer`` sent with only an ``x-amz-expires: 5`` header: the
    header is named as not signed [LS-AWS: test_s3_put_presigned_url_same_header_and_qs_parameter,
    override-signed-qs, recorded 2026-02-21]; the same parameter added to the query beside the signed
    header is SignatureDoesNotMatch (double-header-query-string)."""
    s3mpu.create_bucket("bkt")
    s3 = s3mpu.client()
    url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "k", "RequestPayer": "requester"}, ExpiresIn=10
    )
    target = url.split(s3mpu.endpoint_url, 1)[1]
    status, body = raw_request(
        s3mpu, "PUT", target, {"Content-Length": "9", "x-amz-expires": "5"}, b"test_data"
    )
    error = error_fields(body)
    assert (status, error["Code"], error["HeadersNotSigned"]) == (403, "AccessDenied", "x-amz-expires")
    path, _, query = target.partition("?")
    doubled = f"{path}?x-amz-request-payer=non-valid&{query}"
    headers = {"Content-Length": "9", "x-amz-request-payer": "requester"}
    status, body = raw_request(s3mpu, "PUT", doubled, headers, b"test_data")
    assert (status, error_fields(body)["Code"]) == (403, "SignatureDoesNotMatch")
    assert s3mpu.objects("bkt") == {}


@pytest.mark.s3mpu(auth="sigv4", region="eu-central-1")
def test_sigv2_is_refused_in_a_sigv4_only_region(s3mpu):
    """botocore presigns with SigV2 in us-east-1 unless told s3v4: in a SigV4-only region (one launched
    after January 2014) answered InvalidRequest (GH nukulb/s3-angular-file-upload#23); a SigV2 query
    missing a parameter is the recorded AccessDenied [LS-AWS:
    test_s3_put_presigned_url_missing_sig_param[s3]]."""
    s3mpu.create_bucket("bkt")
    v2 = boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3"),
    )
    target = v2.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}).split(
        s3mpu.endpoint_url, 1
    )[1]
    assert "AWSAccessKeyId=" in target
    status, body = raw_request(s3mpu, "GET", target, {})
    assert (status, error_fields(body)["Code"], error_fields(body)["Message"]) == (
        400,
        "InvalidRequest",
        "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
    )
    status, body = raw_request(s3mpu, "GET", "/bkt/k?AWSAccessKeyId=test&Expires=1", {})
    assert (status, error_fields(body)["Message"]) == (
        403,
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
    )


@pytest.fixture
def temporary(s3mpu: Any) -> dict[str, str]:
    """A temporary key pair whose token expires an hour from the server's clock."""
    expires = s3mpu.clock.now() + dt.timedelta(hours=1)
    s3mpu.auth.add("ASIATEMPORARY", "temp-secret", "the-session-token", expires=expires)
    s3mpu.create_bucket("bkt")
    return {"access_key": "ASIATEMPORARY", "secret": "temp-secret", "token": "the-session-token"}


def test_session_token_right_is_accepted(s3mpu, temporary):
    """Temporary credentials sign x-amz-security-token (S3-HDR; BOTO); the right token is accepted."""
    s3 = _client(s3mpu, *temporary.values())
    s3.put_object(Bucket="bkt", Key="k", Body=b"d")
    assert s3mpu.object_bytes("bkt", "k") == b"d"
    assert s3mpu.journal.entries()[-1].access_key == "ASIATEMPORARY"


def test_session_token_wrong_or_missing_is_invalid_token(s3mpu, temporary):
    """A wrong token, or none for a temporary key: 400 InvalidToken (GH s3tools/s3cmd#297)."""
    for token in ("another-token", None):
        expect_error(
            lambda token=token: _client(
                s3mpu, temporary["access_key"], temporary["secret"], token
            ).put_object(Bucket="bkt", Key="k", Body=b"d"),
            400,
            "InvalidToken",
            "The provided token is malformed or otherwise invalid.",
        )
    assert s3mpu.objects("bkt") == {}


def test_session_token_expired_is_expired_token(s3mpu, temporary):
    """Past the token's expiry (the clock moved two hours): 400 ExpiredToken with Token-0 (GH
    romange/helio#15); it comes before the clock-skew check (S3_AUTH_SPEC §10 order)."""
    s3mpu.clock.advance(hours=2)
    expect_error(
        lambda: _client(s3mpu, *temporary.values()).put_object(Bucket="bkt", Key="k", Body=b"d"),
        400,
        "ExpiredToken",
        "The provided token has expired.",
        **{"Token-0": "the-session-token"},
    )
    assert s3mpu.objects("bkt") == {}


class _StreamingSigner(S3SigV4Auth):
    """botocore's S3 signer with the streaming literal as the payload hash, as SDKs that send signed
    chunks sign the head (S3-CHUNK)."""

    def payload(self, request: AWSRequest) -> str:
        return "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"


def _streaming_put(
    s3mpu: Any, key: str, chunks: list[bytes], secret: str = "test", forge: int | None = None
) -> tuple[int, bytes]:
    """PUT a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body over http: botocore signs the head (the seed), the
    chunks are signed as S3-CHUNK describes (boto3 never sends signed chunks; the Java SDK v1 does).
    ``forge``: the chunk whose data is changed after signing."""
    url = f"{s3mpu.endpoint_url}/bkt/{key}"
    host = urllib.parse.urlsplit(url).netloc
    sizes = [len(c) for c in chunks] + [0]
    encoded_length = sum(len(f"{n:x};chunk-signature=".encode()) + 64 + 2 + n + 2 for n in sizes)
    headers = {
        "Host": host,
        "Content-Encoding": "aws-chunked",
        "Content-Length": str(encoded_length),
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": str(sum(len(c) for c in chunks)),
    }
    request = AWSRequest("PUT", url, headers=headers)
    _StreamingSigner(Credentials("test", secret), "s3", s3mpu.region).add_auth(request)
    signed = dict(request.headers.items())
    amz_date = signed["X-Amz-Date"]
    seed = signed["Authorization"].rsplit("Signature=", 1)[1]
    key_bytes = sigv4.signing_key(secret, amz_date[:8], s3mpu.region)
    scope = sigv4.scope(amz_date[:8], s3mpu.region)
    previous, body = seed, b""
    for index, data in enumerate([*chunks, b""]):
        text = sigv4.chunk_string_to_sign(amz_date, scope, previous, hashlib.sha256(data).hexdigest())
        previous = sigv4.signature(key_bytes, text)
        sent = data[:-1] + b"!" if index == forge else data
        body += f"{len(data):x};chunk-signature={previous}\r\n".encode() + sent + b"\r\n"
    assert len(body) == encoded_length
    return raw_request(s3mpu, "PUT", f"/bkt/{key}", signed, body)


def test_streaming_signed_body_is_verified_chunk_by_chunk(s3mpu):
    """Signed aws-chunked bodies (S3-CHUNK): a correct chain stores the decoded bytes; a chunk changed
    after signing is 403 SignatureDoesNotMatch whose StringToSign is that chunk's, and nothing is
    stored; a wrong secret fails on the head already."""
    s3mpu.create_bucket("bkt")
    chunks = [b"a" * 8192, b"b" * 100]
    assert _streaming_put(s3mpu, "good", chunks)[0] == 200
    assert s3mpu.object_bytes("bkt", "good") == b"a" * 8192 + b"b" * 100
    status, body = _streaming_put(s3mpu, "forged", chunks, forge=1)
    error = error_fields(body)
    assert (status, error["Code"]) == (403, "SignatureDoesNotMatch")
    assert error["StringToSign"].startswith("AWS4-HMAC-SHA256-PAYLOAD\n")
    assert error["StringToSign"].endswith(hashlib.sha256(b"b" * 99 + b"!").hexdigest())
    status, body = _streaming_put(s3mpu, "wrong-secret", chunks, secret="nope")
    assert (status, error_fields(body)["Code"], error_fields(body)["StringToSign"][:17]) == (
        403,
        "SignatureDoesNotMatch",
        "AWS4-HMAC-SHA256\n",
    )
    assert sorted(s3mpu.objects("bkt")) == ["good"]
    assert [(e.key, e.auth) for e in s3mpu.journal.requests("PutObject")] == [
        ("good", "header"),
        ("forged", "refused"),
        ("wrong-secret", "refused"),
    ]


def test_query_checksum_is_signed_but_not_checked(s3mpu):
    """The JS SDK v3 presigner puts x-amz-checksum-crc32=AAAAAA== (CRC32 of nothing) into every presigned
    URL; S3 stores a 6-byte body sent to such a URL (no CRC32 of it kept), and refuses the URL once that
    value is changed, since it is signed [LS-AWS: test_presigned_url_v4_x_amz_in_qs, recorded
    2026-02-21]. Here: a presigned UploadPart of that shape, signed by botocore's query signer."""
    s3mpu.create_bucket("bkt")
    s3 = s3mpu.client()
    upload = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
    query = urllib.parse.urlencode(
        {
            "partNumber": "1",
            "uploadId": upload,
            "x-amz-checksum-crc32": "AAAAAA==",
            "x-amz-sdk-checksum-algorithm": "CRC32",
            "x-id": "UploadPart",
        }
    )
    request = AWSRequest("PUT", f"{s3mpu.endpoint_url}/bkt/k?{query}")
    S3SigV4QueryAuth(Credentials("test", "test"), "s3", s3mpu.region, expires=300).add_auth(request)
    target = request.url.split(s3mpu.endpoint_url, 1)[1]
    assert "x-amz-checksum-crc32=AAAAAA%3D%3D" in target
    tampered = target.replace("AAAAAA%3D%3D", "BBBBBB%3D%3D")
    assert raw_request(s3mpu, "PUT", tampered, {"Content-Length": "6"}, b"123456")[0] == 403
    assert s3mpu.parts(upload) == {}
    assert raw_request(s3mpu, "PUT", target, {"Content-Length": "6"}, b"123456")[0] == 200
    assert [part.size for part in s3mpu.parts(upload).values()] == [6]


def test_control_api_needs_no_signature(s3mpu):
    """/_s3mpu/ is the double's own API, not S3: unsigned requests reach it with verification on."""
    with urllib.request.urlopen(f"{s3mpu.endpoint_url}/_s3mpu/clock") as response:
        assert "now" in json.loads(response.read())


@pytest.mark.s3mpu(auth="off")
def test_off_accepts_any_credentials(s3mpu):
    """The default: no verification, any key and secret accepted (existing suites see no change); the
    journal still names the key, and records no outcome."""
    s3 = _client(s3mpu, "anything", "whatever")
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"d")
    assert s3mpu.auth is None
    assert {(e.access_key, e.auth) for e in s3mpu.journal.entries()} == {("anything", None)}


@pytest.mark.s3mpu(auth="sigv4", credentials="AKIDONE:secret-one, AKIDTWO:secret-two")
def test_credentials_setting_gives_several_pairs(s3mpu):
    """``credentials`` takes several pairs; the handle's client signs with the first."""
    s3mpu.client().create_bucket(Bucket="bkt")
    _client(s3mpu, "AKIDTWO", "secret-two").put_object(Bucket="bkt", Key="k", Body=b"d")
    assert [e.access_key for e in s3mpu.journal.entries()] == ["AKIDONE", "AKIDTWO"]


@pytest.mark.s3mpu(auth="off")
@pytest.mark.parametrize(
    ("preset", "status", "message", "fields"),
    [
        (
            "RequestTimeTooSkewed",
            403,
            "The difference between the request time and the current time is too large.",
            ["RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds"],
        ),
        ("ExpiredToken", 400, "The provided token has expired.", ["Token-0"]),
        (
            "InvalidAccessKeyId",
            403,
            "The AWS Access Key Id you provided does not exist in our records.",
            ["AWSAccessKeyId"],
        ),
        ("AccessDenied", 403, "Access Denied", []),
        (
            "SignatureDoesNotMatch",
            403,
            SIGNATURE_MESSAGE,
            ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"],
        ),
    ],
)
def test_auth_fault_presets_carry_their_fields(s3mpu, preset, status, message, fields):
    """The auth presets answer with the verifier's own errors: S3's status, message and extra elements
    (S3_AUTH_SPEC §10), with verification off; the request is not applied (fault "before")."""
    s3 = s3mpu.client(retries={"max_attempts": 1})
    s3.create_bucket(Bucket="bkt")
    s3mpu.faults.add(operation="PutObject", preset=preset)
    status_seen, body = raw_request(s3mpu, "PUT", "/bkt/k", _signed_headers(s3mpu, "/bkt/k"), b"d")
    error = error_fields(body)
    assert (status_seen, error["Code"], error["Message"]) == (status, preset, message)
    assert [name for name in error if name not in ("Code", "Message", "RequestId", "HostId")] == fields
    if preset == "InvalidAccessKeyId":
        assert error["AWSAccessKeyId"] == "AKIDFAULT"  # the key the request named
    if preset == "RequestTimeTooSkewed":
        assert error["MaxAllowedSkewMilliseconds"] == "900000"
    assert s3mpu.objects("bkt") == {}


def _signed_headers(s3mpu: Any, path: str) -> dict[str, str]:
    request = AWSRequest("PUT", f"{s3mpu.endpoint_url}{path}", data=b"d")
    S3SigV4Auth(Credentials("AKIDFAULT", "secret"), "s3", s3mpu.region).add_auth(request)
    return {**dict(request.headers.items()), "Content-Length": "1"}


def test_presigned_url_with_session_token(s3mpu, temporary):
    """A presigned URL made with temporary credentials carries X-Amz-Security-Token, signed [LS-AWS:
    test_presigned_url_with_session_token, recorded 2026-02-21]; it dies with its token, whatever
    X-Amz-Expires says (S3_AUTH_SPEC §9)."""
    s3 = _client(s3mpu, *temporary.values())
    s3.put_object(Bucket="bkt", Key="k", Body=b"d")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=604800)
    target = url.split(s3mpu.endpoint_url, 1)[1]
    assert "X-Amz-Security-Token=the-session-token" in target
    assert raw_request(s3mpu, "GET", target, {}) == (200, b"d")
    status, body = raw_request(s3mpu, "GET", target.replace("the-session-token", "other-token"), {})
    assert (status, error_fields(body)["Code"]) == (400, "InvalidToken")
    s3mpu.clock.advance(hours=2)
    status, body = raw_request(s3mpu, "GET", target, {})
    assert (status, error_fields(body)["Code"], error_fields(body)["Token-0"]) == (
        400,
        "ExpiredToken",
        "the-session-token",
    )


def test_wrong_region_is_authorization_header_malformed(s3mpu):
    """A scope naming another region: 400 AuthorizationHeaderMalformed "the region 'x' is wrong;
    expecting 'y'" with Region [LS-AWS: test_create_bucket_aws_global, recorded 2026-02-21]; botocore's
    region redirector reads that Region, signs again for it and succeeds, as against S3."""
    s3mpu.create_bucket("bkt")
    request = AWSRequest("PUT", f"{s3mpu.endpoint_url}/bkt/k", data=b"d")
    S3SigV4Auth(Credentials("test", "test"), "s3", "eu-west-1").add_auth(request)
    status, body = raw_request(
        s3mpu, "PUT", "/bkt/k", {**dict(request.headers.items()), "Content-Length": "1"}, b"d"
    )
    assert (status, error_fields(body)) == (
        400,
        {
            "Code": "AuthorizationHeaderMalformed",
            "Message": "The authorization header is malformed; the region 'eu-west-1' is wrong; "
            "expecting 'us-east-1'",
            "Region": "us-east-1",
            "RequestId": error_fields(body)["RequestId"],
            "HostId": error_fields(body)["HostId"],
        },
    )
    assert s3mpu.objects("bkt") == {}
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}),
    )
    client.put_object(Bucket="bkt", Key="k", Body=b"d")
    assert [e.error_code for e in s3mpu.journal.requests("PutObject")] == [
        "AuthorizationHeaderMalformed",
        "AuthorizationHeaderMalformed",
        None,
    ]


@pytest.mark.parametrize(
    ("headers", "target", "status", "code", "message"),
    [
        (
            {"Authorization": "Bearer abc"},
            "/bkt/k",
            400,
            "InvalidArgument",
            "Unsupported Authorization Type",
        ),
        (
            {"Authorization": "AWS test:c2lnbmF0dXJl"},
            "/bkt/k",
            403,
            "AccessDenied",
            "AWS authentication requires a valid Date or x-amz-date header",
        ),
        (
            {"Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request"},
            "/bkt/k?X-Amz-Algorithm=AWS4-HMAC-SHA256",
            400,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
            "string parameter or the Authorization header should be specified",
        ),
        ({"Authorization": ""}, "/bkt/k", 403, "AccessDenied", "Access Denied"),
    ],
    ids=["other-scheme", "sigv2-header-without-date", "two-mechanisms", "empty-header"],
)
def test_authorization_forms_s3_refuses(s3mpu, headers, target, status, code, message):
    """Which method a request uses, and S3's answer to those it refuses (S3_AUTH_SPEC §1: GH
    versity/versitygw#1512, nukulb/s3-angular-file-upload#23, catalyst/moodle-tool_objectfs#303; CEPH
    test_bucket_create_bad_authorization_empty)."""
    s3mpu.create_bucket("bkt")
    got_status, body = raw_request(s3mpu, "PUT", target, {**headers, "Content-Length": "1"}, b"x")
    error = error_fields(body)
    assert (got_status, error["Code"], error["Message"]) == (status, code, message)
    if code == "InvalidArgument":
        assert (error["ArgumentName"], error["ArgumentValue"]) == ("Authorization", headers["Authorization"])
    assert s3mpu.objects("bkt") == {}


def test_application_code_under_s3mpu_env_signs_with_the_configured_pair(s3mpu_env):
    """``s3mpu_env`` hands unmodified code (``boto3.client("s3")``) the first configured pair."""
    s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket="app")
    s3.put_object(Bucket="app", Key="k", Body=b"d")
    assert {e.access_key for e in s3mpu_env.journal.entries()} == {"test"}
