"""Signature Version 2 verified as S3 verifies it in the regions it served before 2014 (``auth`` =
``sigv4``, the default region us-east-1): boto3 clients configured ``signature_version="s3"`` (botocore's
SigV2: Authorization header, presigned URLs, POST forms) and raw requests through the real server.

Sources: LocalStack's tests/aws/services/s3/test_s3.py::TestS3PresignedUrl / TestS3PresignedPost, recorded
against real S3 in us-east-1 ("LS-AWS", recorded 2026-02-21); S3 user guide, "Signing and authenticating
REST requests (AWS signature version 2)" (RESTAuthentication).
"""

from __future__ import annotations

import http.client
import urllib.parse
from typing import Any

import boto3
import pytest
from botocore.config import Config
from s3_assertions import error_fields, expect_error, state
from urllib3 import encode_multipart_formdata

SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
pytestmark = pytest.mark.s3mpu(auth="sigv4")


def _v2(s3mpu: Any, secret: str = "test", addressing: str = "path", endpoint: str | None = None) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or s3mpu.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key=secret,
        config=Config(
            s3={"addressing_style": addressing}, signature_version="s3", retries={"max_attempts": 1}
        ),
    )


def _send(
    s3mpu: Any, method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, bytes]:
    """A presigned URL sent exactly as given over http.client (its Host kept: virtual-hosted ones too)."""
    parts = urllib.parse.urlsplit(url)
    port = urllib.parse.urlsplit(s3mpu.endpoint_url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        connection.request(method, target, body=body, headers={"Host": parts.netloc, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _mismatch(body: bytes) -> dict[str, str]:
    """A SigV2 SignatureDoesNotMatch: exactly the recorded fields (no CanonicalRequest: SigV2 has none)."""
    error = error_fields(body)
    assert (error["Code"], error["Message"]) == ("SignatureDoesNotMatch", SIGNATURE_MESSAGE)
    assert sorted(error) == sorted(
        [
            "Code",
            "Message",
            "AWSAccessKeyId",
            "StringToSign",
            "SignatureProvided",
            "StringToSignBytes",
            "RequestId",
            "HostId",
        ]
    )
    assert error["StringToSignBytes"] == " ".join(f"{b:02x}" for b in error["StringToSign"].encode())
    return error


@pytest.mark.parametrize("virtual", [False, True], ids=["path", "virtual"])
def test_presigned_get_put_delete_and_a_tampered_url(s3mpu, virtual):
    """GET (with response-* overrides), PUT (with a signed Content-Type) and DELETE by SigV2 presigned
    URLs succeed; the GET URL stripped of its overrides and sent with another Content-Type is 403
    SignatureDoesNotMatch naming the key, the string to sign and the signature [LS-AWS:
    test_presigned_url_signature_authentication[s3-False] / [s3-True], recorded 2026-02-21]."""
    s3mpu.create_bucket("presign")
    s3mpu.client().put_object(Bucket="presign", Key="temp.txt", Body=b"123")
    port = urllib.parse.urlsplit(s3mpu.endpoint_url).port
    endpoint = f"http://localhost:{port}" if virtual else None
    client = _v2(s3mpu, addressing="virtual" if virtual else "path", endpoint=endpoint)
    simple = {"Bucket": "presign", "Key": "temp.txt"}
    assert _send(s3mpu, "GET", client.generate_presigned_url("get_object", Params=simple)) == (200, b"123")
    overrides = {
        **simple,
        "ResponseContentType": "text/plain",
        "ResponseContentDisposition": "attachment;  f=t",
    }
    presigned = client.generate_presigned_url("get_object", Params=overrides, ExpiresIn=20)
    assert _send(s3mpu, "GET", presigned) == (200, b"123")

    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(presigned).query))
    stripped = (
        presigned.split("?", 1)[0]
        + "?"
        + urllib.parse.urlencode({name: query[name] for name in ("AWSAccessKeyId", "Signature", "Expires")})
    )
    status, body = _send(s3mpu, "GET", stripped, {"Content-Type": "my-fake-content/type"})
    error = _mismatch(body)
    assert status == 403
    assert (error["AWSAccessKeyId"], error["SignatureProvided"]) == ("test", query["Signature"])
    assert error["StringToSign"] == f"GET\n\nmy-fake-content/type\n{query['Expires']}\n/presign/temp.txt"

    put_url = client.generate_presigned_url("put_object", Params={**simple, "ContentType": "text/plain"})
    assert _send(s3mpu, "PUT", put_url, {"Content-Type": "text/plain"}, b"new") == (200, b"")
    before = state(s3mpu)
    status, body = _send(s3mpu, "PUT", put_url, {"Content-Type": "my-fake-content/type"}, b"other")
    assert (status, _mismatch(body)["StringToSign"].split("\n")[2]) == (403, "my-fake-content/type")
    assert state(s3mpu) == before
    assert _send(s3mpu, "DELETE", client.generate_presigned_url("delete_object", Params=simple))[0] == 204
    assert s3mpu.objects("presign") == {}
    assert [e.auth for e in s3mpu.journal.requests("DeleteObject")] == ["presigned"]


def test_presigned_url_expires_on_the_test_clock(s3mpu):
    """After its ``Expires`` a SigV2 URL is 403 AccessDenied "Request has expired" with Expires and
    ServerTime (ISO 8601); a new URL works again [LS-AWS: test_s3_presigned_url_expired[s3],
    test_presigned_url_signature_authentication_expired[s3-False], recorded 2026-02-21]. The server's
    clock moves instead of the test sleeping."""
    s3mpu.create_bucket("bkt")
    s3mpu.client().put_object(Bucket="bkt", Key="key-expires-in-2", Body=b"something")
    client = _v2(s3mpu)
    params = {"Bucket": "bkt", "Key": "key-expires-in-2"}
    url = client.generate_presigned_url("get_object", Params=params, ExpiresIn=2)
    assert _send(s3mpu, "GET", url) == (200, b"something")
    s3mpu.clock.advance(seconds=30)
    status, body = _send(s3mpu, "GET", url)
    error = error_fields(body)
    assert (status, error["Code"], error["Message"]) == (403, "AccessDenied", "Request has expired")
    assert list(error) == ["Code", "Message", "Expires", "ServerTime", "RequestId", "HostId"]
    assert error["Expires"] < error["ServerTime"] and error["ServerTime"].endswith("Z")
    later = client.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)
    assert _send(s3mpu, "GET", later) == (200, b"something")


def test_metadata_in_the_query_is_signed_and_an_added_amz_header_is_not(s3mpu):
    """botocore moves x-amz-meta-* into a SigV2 URL's query; S3 signs them as headers and stores the
    metadata. The same URL with another x-amz-meta-* header is SignatureDoesNotMatch and stores nothing
    [LS-AWS: test_put_url_metadata_with_sig_s3[True], recorded 2026-02-21]."""
    s3mpu.create_bucket("bkt")
    url = _v2(s3mpu).generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "key-by-hostname", "Metadata": {"foo": "bar"}}
    )
    assert "x-amz-meta-foo=bar" in url
    assert _send(s3mpu, "PUT", url, {}, b"content 123") == (200, b"")
    head = s3mpu.client().head_object(Bucket="bkt", Key="key-by-hostname")
    assert (head["Metadata"], head["ContentLength"]) == ({"foo": "bar"}, 11)
    status, body = _send(s3mpu, "PUT", url, {"x-amz-meta-wrong": "wrong"}, b"content 123")
    assert status == 403
    assert "x-amz-meta-foo:bar\nx-amz-meta-wrong:wrong\n" in _mismatch(body)["StringToSign"]
    assert s3mpu.client().head_object(Bucket="bkt", Key="key-by-hostname")["Metadata"] == {"foo": "bar"}


def test_only_md5_type_and_amz_headers_are_signed(s3mpu):
    """SigV2 signs Content-MD5, Content-Type and the x-amz-* headers, nothing else: a URL signed with
    Content-Encoding accepts another Content-Encoding but not a Content-Type it did not sign [LS-AWS:
    test_s3_put_presigned_url_with_different_headers[s3], recorded 2026-02-21]."""
    s3mpu.create_bucket("bkt")
    client = _v2(s3mpu)
    typed = client.generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "k", "ContentType": "text/plain"}, ExpiresIn=10
    )
    assert _send(s3mpu, "PUT", typed, {"Content-Type": "text/plain"}, b"test_data") == (200, b"")
    assert _send(s3mpu, "PUT", typed, {"Content-Type": "text/xml"}, b"test_data")[0] == 403
    encoded = client.generate_presigned_url(
        "put_object", Params={"Bucket": "bkt", "Key": "k", "ContentEncoding": "identity"}, ExpiresIn=10
    )
    assert _send(s3mpu, "PUT", encoded, {"Content-Encoding": "identity"}, b"test_data") == (200, b"")
    status, body = _send(s3mpu, "PUT", encoded, {"Content-Encoding": "identity", "Content-Type": "text/xml"})
    assert (status, _mismatch(body)["Code"]) == (403, "SignatureDoesNotMatch")
    assert _send(s3mpu, "PUT", encoded, {"Content-Encoding": "gzip"}, b"test_data") == (200, b"")


@pytest.mark.parametrize("decoded_length", [True, False], ids=["with-decoded-length", "without"])
def test_unsigned_amz_headers_beside_a_sigv2_url_are_signature_does_not_match(s3mpu, decoded_length):
    """A SigV2 URL sent with x-amz-date, x-amz-content-sha256 (streaming) and perhaps
    x-amz-decoded-content-length it did not sign: 403 SignatureDoesNotMatch (SigV2 signs every x-amz-*
    header; not SigV4's HeadersNotSigned), nothing stored [LS-AWS:
    test_put_object_with_md5_and_chunk_signature_bad_headers[s3-True], recorded 2026-02-21]."""
    s3mpu.create_bucket("bkt")
    md5 = "pX8KKuGXS1f2VTcuJpqjkw=="
    url = _v2(s3mpu).generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "bkt",
            "Key": "runtime.properties",
            "ContentType": "application/octet-stream",
            "ContentMD5": md5,
        },
    )
    headers = {
        "Content-MD5": md5,
        "Content-Type": "application/octet-stream",
        "X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "X-Amz-Date": "20211122T191045Z",
    }
    if decoded_length:
        headers["X-Amz-Decoded-Content-Length"] = "test"
    status, body = _send(s3mpu, "PUT", url, headers, b"test")
    assert (status, _mismatch(body)["AWSAccessKeyId"]) == (403, "test")
    assert s3mpu.objects("bkt") == {}


def test_authorization_header_v2_is_verified(s3mpu):
    """``Authorization: AWS AKID:signature`` (botocore's "s3" signer, Date header): requests with
    sub-resources work and the journal names the key and ``header``; a wrong secret is
    SignatureDoesNotMatch with the SigV2 string to sign; ``AWS`` without ``AKID:signature`` is
    InvalidArgument (S3 user guide, RESTAuthentication; s3rver and swift s3api for the message)."""
    client = _v2(s3mpu)
    client.create_bucket(Bucket="hdr")
    client.put_object(Bucket="hdr", Key="a b+c.txt", Body=b"hello", Metadata={"k": "v"})
    assert client.get_object_acl(Bucket="hdr", Key="a b+c.txt")["Grants"]
    assert client.get_object(Bucket="hdr", Key="a b+c.txt")["Body"].read() == b"hello"
    assert [o["Key"] for o in client.list_objects_v2(Bucket="hdr", Prefix="a")["Contents"]] == ["a b+c.txt"]
    last = s3mpu.journal.entries()[-1]
    assert (last.access_key, last.auth, last.status) == ("test", "header", 200)
    before = state(s3mpu)
    with pytest.raises(Exception) as caught:
        _v2(s3mpu, secret="wrong").put_object(Bucket="hdr", Key="other", Body=b"x")
    error = caught.value.response["Error"]  # type: ignore[attr-defined]
    assert (error["Code"], error["AWSAccessKeyId"]) == ("SignatureDoesNotMatch", "test")
    assert error["StringToSign"].startswith("PUT\n") and error["StringToSign"].endswith("\n/hdr/other")
    assert "CanonicalRequest" not in error
    assert state(s3mpu) == before
    refused = s3mpu.journal.entries()[-1]
    assert (refused.access_key, refused.auth) == ("test", "refused")
    assert refused.error_code == "SignatureDoesNotMatch"
    port = urllib.parse.urlsplit(s3mpu.endpoint_url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/hdr/x", headers={"Authorization": "AWS test"})
    response = connection.getresponse()
    error = error_fields(response.read())
    connection.close()
    assert (response.status, error["Code"], error["Message"], error["ArgumentValue"]) == (
        400,
        "InvalidArgument",
        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
        "AWS test",
    )


def test_skewed_date_is_request_time_too_skewed(s3mpu):
    """A SigV2 header request whose Date is more than 15 minutes from the server's clock: 403
    RequestTimeTooSkewed, as for SigV4 (RESTAuthentication, "Time stamp requirement")."""
    s3mpu.create_bucket("bkt")
    s3mpu.clock.advance(minutes=16)
    with pytest.raises(Exception) as caught:
        _v2(s3mpu).put_object(Bucket="bkt", Key="k", Body=b"d")
    assert caught.value.response["Error"]["Code"] == "RequestTimeTooSkewed"  # type: ignore[attr-defined]
    assert s3mpu.objects("bkt") == {}


def _post(s3mpu: Any, bucket: str, fields: dict[str, str], file: bytes) -> tuple[int, bytes]:
    body, content_type = encode_multipart_formdata([*fields.items(), ("file", ("f.bin", file))])
    port = urllib.parse.urlsplit(s3mpu.endpoint_url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", f"/{bucket}", body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_post_form_signed_with_sigv2(s3mpu):
    """A SigV2 POST form (AWSAccessKeyId, policy, signature) uploads; the same form with its policy cut
    short is 403 SignatureDoesNotMatch whose StringToSign is the policy as sent and SignatureProvided the
    form's signature [LS-AWS: test_post_request_malformed_policy[s3], recorded 2026-02-21]."""
    s3mpu.create_bucket("form")
    fields = _v2(s3mpu).generate_presigned_post(Bucket="form", Key="uploaded", ExpiresIn=60)["fields"]
    assert {"AWSAccessKeyId", "policy", "signature"} <= set(fields)
    status, body = _post(s3mpu, "form", fields, b"file content")
    assert (status, body) == (204, b"")
    assert s3mpu.objects("form")["uploaded"].size == 12
    assert s3mpu.journal.requests("PostObject")[-1].auth == "post"
    cut = {**fields, "key": "other", "policy": fields["policy"][:-2]}
    status, body = _post(s3mpu, "form", cut, b"file content")
    error = _mismatch(body)
    assert status == 403
    assert (error["StringToSign"], error["SignatureProvided"]) == (cut["policy"], fields["signature"])
    assert set(s3mpu.objects("form")) == {"uploaded"}


@pytest.mark.s3mpu(auth="sigv4", region="eu-central-1")
def test_sigv2_is_refused_in_a_region_launched_after_2014(s3mpu):
    """Where S3 accepts SigV4 only (eu-central-1), every SigV2 form is 400 InvalidRequest "Please use
    AWS4-HMAC-SHA256" (GH nukulb/s3-angular-file-upload#23; RESTAuthentication's note)."""
    s3mpu.create_bucket("bkt")
    client = _v2(s3mpu)
    message = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
    expect_error(lambda: client.list_objects_v2(Bucket="bkt"), 400, "InvalidRequest", message)
    status, body = _send(
        s3mpu, "GET", client.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    )
    assert (status, error_fields(body)["Code"], error_fields(body)["Message"]) == (
        400,
        "InvalidRequest",
        message,
    )
    fields = client.generate_presigned_post(Bucket="bkt", Key="k")["fields"]
    status, body = _post(s3mpu, "bkt", fields, b"x")
    assert (status, error_fields(body)["Message"]) == (400, message)
    assert s3mpu.objects("bkt") == {}
