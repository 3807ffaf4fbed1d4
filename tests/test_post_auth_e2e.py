"""Browser POST forms with signature verification on (``auth`` = ``sigv4``), through the real server:
forms made by boto3's generate_presigned_post with right and wrong keys, sent as a browser sends them.

The form's head is not signed; its ``X-Amz-Signature`` field signs the base64 ``policy`` with the scope of
``X-Amz-Credential`` (AWS S3 API Reference, "Browser-Based Uploads Using POST (AWS Signature Version 4)",
"Calculating a Signature"). Recordings: LocalStack tests/aws/services/s3/test_s3.py::TestS3PresignedPost
against real S3 ("LS-AWS s3", recorded 2026-02-21).
"""

from __future__ import annotations

import datetime as dt
import http.client
from typing import Any

import boto3
import pytest
from botocore.config import Config
from s3_assertions import error_fields
from urllib3 import encode_multipart_formdata

BUCKET = "signed-post"
SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
pytestmark = pytest.mark.s3mpu(auth="sigv4")


@pytest.fixture
def s3(s3mpu: Any) -> Any:
    s3mpu.create_bucket(BUCKET)
    return s3mpu.client()


def _client(s3mpu: Any, access_key: str, secret: str, token: str | None = None) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=s3mpu.region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def _form(client: Any, key: str, expires_in: int = 60) -> dict[str, str]:
    return client.generate_presigned_post(Bucket=BUCKET, Key=key, ExpiresIn=expires_in)["fields"]


def _post(s3mpu: Any, fields: dict[str, str], file: bytes) -> tuple[int, bytes]:
    """The form as a browser sends it (no Authorization header): the fields, then the file."""
    body, content_type = encode_multipart_formdata([*fields.items(), ("file", ("f.bin", file))])
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", f"/{BUCKET}", body=body, headers={"Content-Type": content_type})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _stored(s3mpu: Any) -> list[str]:
    """The bucket's keys, read from the store (a moved clock would make a signed request skewed)."""
    return sorted(s3mpu.objects(BUCKET))


def test_form_signed_with_the_configured_keys_is_stored(s3, s3mpu):
    """A form signed with a configured key pair uploads (204), and the object is the file; the journal
    names the form's key and ``post`` as how it was signed."""
    status, body = _post(s3mpu, _form(s3, "ok"), b"signed bytes")
    assert (status, body) == (204, b"")
    assert s3mpu.object_bytes(BUCKET, "ok") == b"signed bytes"
    last = s3mpu.journal.entries()[-1]
    assert (last.operation, last.access_key, last.auth) == ("PostObject", "test", "post")


def test_form_signed_with_a_wrong_secret_is_signature_does_not_match(s3, s3mpu):
    """[LS-AWS s3: test_post_request_malformed_policy[s3v4], recorded 2026-02-21] 403
    SignatureDoesNotMatch naming the key; StringToSign is the policy itself, SignatureProvided the form's
    X-Amz-Signature. Nothing is stored."""
    fields = _form(_client(s3mpu, "test", "not-the-secret"), "wrong-secret")
    status, body = _post(s3mpu, fields, b"nope")
    error = error_fields(body)
    assert (status, error["Code"], error["Message"]) == (403, "SignatureDoesNotMatch", SIGNATURE_MESSAGE)
    assert error["AWSAccessKeyId"] == "test"
    assert error["StringToSign"] == fields["policy"]
    assert error["SignatureProvided"] == fields["x-amz-signature"]
    assert _stored(s3mpu) == []
    last = s3mpu.journal.entries()[-1]
    assert (last.access_key, last.auth, last.error_code) == ("test", "refused", "SignatureDoesNotMatch")


def test_changed_policy_is_signature_does_not_match(s3, s3mpu):
    """[LS-AWS s3: test_post_request_malformed_policy[s3v4]] the policy cut by two characters no longer
    matches its signature: SignatureDoesNotMatch, before the policy is even read."""
    fields = _form(s3, "cut")
    fields["policy"] = fields["policy"][:-2]
    status, body = _post(s3mpu, fields, b"nope")
    assert (status, error_fields(body)["Code"], error_fields(body)["StringToSign"]) == (
        403,
        "SignatureDoesNotMatch",
        fields["policy"],
    )
    assert _stored(s3mpu) == []


def test_form_of_an_unknown_key_is_invalid_access_key_id(s3, s3mpu):
    """An access key the double does not know: 403 InvalidAccessKeyId naming it (as for any signed
    request, S3_AUTH_SPEC §10). Nothing is stored."""
    status, body = _post(s3mpu, _form(_client(s3mpu, "AKIDUNKNOWN", "x"), "unknown"), b"nope")
    error = error_fields(body)
    assert (status, error["Code"], error["AWSAccessKeyId"]) == (403, "InvalidAccessKeyId", "AKIDUNKNOWN")
    assert error["Message"] == "The AWS Access Key Id you provided does not exist in our records."
    assert _stored(s3mpu) == []


def test_expired_policy_is_refused_after_its_signature_checks(s3, s3mpu):
    """[LS-AWS s3: test_post_request_expires, recorded 2026-02-21] a rightly signed form whose policy
    expired by the test clock: 403 AccessDenied "Invalid according to Policy: Policy expired."."""
    fields = _form(s3, "late", expires_in=60)
    s3mpu.clock.advance(61)
    status, body = _post(s3mpu, fields, b"late")
    error = error_fields(body)
    assert (status, error["Code"], error["Message"]) == (
        403,
        "AccessDenied",
        "Invalid according to Policy: Policy expired.",
    )
    assert _stored(s3mpu) == []


def test_form_without_signing_fields_is_anonymous_and_refused(s3, s3mpu):
    """[LS-AWS s3: test_post_request_missing_fields[s3v4], exception-no-sig-related-fields] only key and
    policy: 403 AccessDenied "Access Denied"; a form without a policy is anonymous too (S3 refuses an
    anonymous POST to a private bucket). Some signing fields but not all: the first missing one."""
    fields = _form(s3, "anon")
    for sent in ({"key": "anon", "policy": fields["policy"]}, {"key": "anon"}):
        status, body = _post(s3mpu, sent, b"nope")
        assert (status, error_fields(body)["Code"], error_fields(body)["Message"]) == (
            403,
            "AccessDenied",
            "Access Denied",
        )
    partial = {k: v for k, v in fields.items() if k not in ("x-amz-algorithm", "x-amz-credential")}
    status, body = _post(s3mpu, partial, b"nope")
    assert (status, error_fields(body)["Code"], error_fields(body)["ArgumentName"]) == (
        400,
        "InvalidArgument",
        "X-Amz-Algorithm",
    )
    assert _stored(s3mpu) == []


def test_session_credentials_need_their_token_in_the_form(s3, s3mpu):
    """Temporary keys add x-amz-security-token to the form (boto3 does, and signs it into the policy's
    conditions); the right token uploads, none or a wrong one is 400 InvalidToken (as for a signed
    request, GH s3tools/s3cmd#297), and an expired token is 400 ExpiredToken."""
    expires = s3mpu.clock.now() + dt.timedelta(hours=1)
    s3mpu.auth.add("ASIATEMP", "temp-secret", "the-token", expires=expires)
    fields = _form(_client(s3mpu, "ASIATEMP", "temp-secret", "the-token"), "temp")
    assert fields["x-amz-security-token"] == "the-token"
    without = {k: v for k, v in fields.items() if k != "x-amz-security-token"}
    status, body = _post(s3mpu, without, b"nope")
    assert (status, error_fields(body)["Code"]) == (400, "InvalidToken")
    assert _post(s3mpu, fields, b"temp")[0] == 204
    assert s3mpu.object_bytes(BUCKET, "temp") == b"temp"
    s3mpu.clock.advance(3601)
    status, body = _post(s3mpu, _form(_client(s3mpu, "ASIATEMP", "temp-secret", "the-token"), "t2"), b"x")
    assert (status, error_fields(body)["Code"]) == (400, "ExpiredToken")
    assert _stored(s3mpu) == ["temp"]


@pytest.mark.s3mpu(auth="sigv4", region="eu-central-1")
def test_sigv2_form_is_answered_as_in_a_sigv4_only_region(s3, s3mpu):
    """A SigV2 form (AWSAccessKeyId, Signature) with verification on, in a region launched after January
    2014: 400 InvalidRequest (GH nukulb/s3-angular-file-upload#23); in the older ones it is verified
    (test_sigv2_e2e)."""
    policy = _form(s3, "v2")["policy"]
    sent = {"key": "v2", "AWSAccessKeyId": "test", "policy": policy, "signature": "c2lnbmF0dXJl"}
    status, body = _post(s3mpu, sent, b"nope")
    assert (status, error_fields(body)["Code"]) == (400, "InvalidRequest")
    assert error_fields(body)["Message"].endswith("Please use AWS4-HMAC-SHA256.")
    assert _stored(s3mpu) == []
