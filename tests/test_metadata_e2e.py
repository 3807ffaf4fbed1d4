"""User metadata as S3 keeps it, through the real server with boto3 (raw http.client for raw bytes):
names with ``_``, RFC 2047 encoded-words decoded on the way in and non-ASCII text answered encoded."""

from __future__ import annotations

import http.client
import string
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.handlers import validate_ascii_metadata

from pytest_s3mpu.protocol import metadata_values

BUCKET = "meta"


def test_metadata_names_with_underscores_are_kept(s3mpu_client):
    """[LS-AWS: test_metadata_header_character_decoding, recorded 2026-02-21] x-amz-meta- names with
    ``_`` are stored (lower-cased) and answered."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    metadata = {"TEST_META_1": "foo", "__meta_2": "bar"}
    s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"foo", Metadata=metadata)
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="k")["Metadata"] == {
        "test_meta_1": "foo",
        "__meta_2": "bar",
    }


def test_rfc2047_values_are_decoded_and_non_ascii_answered_encoded(s3mpu_client):
    """[LS-AWS: test_user_metadata_rfc2047_encoded, recorded 2026-02-21] encoded-words are stored as
    the text they stand for: plain ASCII comes back plain (``=?UTF-8?Q?actually-ascii?=`` ->
    ``actually-ascii``), other text as S3 encodes it: Q with S3's alphabet (``_`` and ``?`` as =5F
    and =3F, space as ``_``), B for text with control characters or U+FFFD; ASCII punctuation as sent."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    sent = {
        "non-ascii": "=?UTF-8?B?" + "dGVzdF/igJRfZmlsZSVFMiU4MCU5NF/DqV8yPy5wZGY=" + "?=",
        "non-ascii-2": "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
        "non-ascii-binary": "=?UTF-8?B?AAECAw==?=",
        "replacement-chars": "=?UTF-8?B?77+977+977+977+977+977+977+9?=",
        "fake-encoded": "=?UTF-8?Q?actually-ascii?=",
        "asciib64-encoded": "=?UTF-8?B?YWJj?=",
        "safe-chars": string.punctuation,
    }
    s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"", Metadata=sent)
    assert s3mpu_client.get_object(Bucket=BUCKET, Key="k")["Metadata"] == {
        "asciib64-encoded": "abc",
        "fake-encoded": "actually-ascii",
        "non-ascii": "=?UTF-8?Q?test=5F=E2=80=94=5Ffile%E2%80%94=5F=C3=A9=5F2=3F.pdf?=",
        "non-ascii-2": "=?UTF-8?Q?=C3=84M=C3=84Z=C3=95=C3=91_S3?=",
        "non-ascii-binary": "=?UTF-8?B?AAECAw==?=",
        "replacement-chars": "=?UTF-8?B?77+977+977+977+977+977+977+9?=",
        "safe-chars": string.punctuation,
    }
    copied = s3mpu_client.copy_object(Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "k"})
    assert copied["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="copy")["Metadata"]["asciib64-encoded"] == "abc"


def test_raw_utf8_metadata_is_read_as_utf8_and_answered_encoded(s3mpu, s3mpu_client):
    """User Guide, "Working with object metadata": a value with non-US-ASCII characters is UTF-8 text,
    answered RFC 2047-encoded. Raw UTF-8 bytes (which boto3 cannot send) are read as UTF-8, not Latin-1;
    a word in a charset nobody knows is kept as sent (no recording covers one)."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    endpoint = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        connection.putrequest("PUT", f"/{BUCKET}/raw")
        connection.putheader("x-amz-meta-word", "é and ü".encode())
        connection.putheader("x-amz-meta-bad", "=?X-NO-SUCH-CHARSET?B?YWJj?=")
        connection.putheader("x-amz-meta-idna", "=?idna?Q?abc?=")
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    metadata = s3mpu_client.head_object(Bucket=BUCKET, Key="raw")["Metadata"]
    assert metadata["word"] == metadata_values.encode("é and ü") == "=?UTF-8?Q?=C3=A9_and_=C3=BC?="
    assert metadata["bad"] == "=?X-NO-SUCH-CHARSET?B?YWJj?="
    assert metadata["idna"] == "=?idna?Q?abc?="


def test_bad_base64_encoded_word_is_decoded_leniently(s3mpu_client):
    """[LS-AWS: test_user_metadata_rfc2047_bad_b64_encoded, recorded 2026-02-21] a B-encoded word with
    a misplaced ``=`` is not refused nor kept as sent: S3 decodes it leniently (bytes FC 61 86, not
    UTF-8 but "a") and answers the text B-encoded: U+FFFD, "a", U+FFFD."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    put = s3mpu_client.put_object(Bucket=BUCKET, Key="k", Metadata={"bad-b64-encoded": "=?UTF-8?B?=GGG?="})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = s3mpu_client.get_object(Bucket=BUCKET, Key="k")
    assert got["Metadata"] == {"bad-b64-encoded": "=?UTF-8?B?77+9Ye+/vQ==?="}


def test_encoded_words_are_decoded_on_every_write(s3mpu_client):
    """[LS-AWS: test_user_metadata_rfc2047_encoded, recorded 2026-02-21] the same rule for every header
    write: CreateMultipartUpload and CopyObject with REPLACE store an encoded-word as its text too, the
    lenient base64 included."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    sent = {"b": "=?UTF-8?B?YWJj?=", "bad": "=?UTF-8?B?=GGG?=", "q": "=?UTF-8?Q?=C3=A9_x?="}
    answered = {"b": "abc", "bad": "=?UTF-8?B?77+9Ye+/vQ==?=", "q": "=?UTF-8?Q?=C3=A9_x?="}
    upload = s3mpu_client.create_multipart_upload(Bucket=BUCKET, Key="mpu", Metadata=sent)
    part = s3mpu_client.upload_part(
        Bucket=BUCKET, Key="mpu", UploadId=upload["UploadId"], PartNumber=1, Body=b"x"
    )
    s3mpu_client.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mpu",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="mpu")["Metadata"] == answered
    s3mpu_client.copy_object(
        Bucket=BUCKET,
        Key="copy",
        CopySource={"Bucket": BUCKET, "Key": "mpu"},
        MetadataDirective="REPLACE",
        Metadata={"bad": "=?UTF-8?B?=GGG?="},
    )
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="copy")["Metadata"] == {"bad": answered["bad"]}


@pytest.fixture
def sigv2_client(s3mpu):
    """A SigV2 presigning client: its signer puts metadata into the URL's query (LocalStack's
    _s3_client_pre_signed_client with signature_version "s3"), without boto3's ASCII-only check (other
    SDKs have none, and S3 takes non-ASCII metadata there)."""
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=s3mpu.endpoint_url,
        region_name=s3mpu.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3"),
    )
    client.meta.events.unregister("before-parameter-build.s3.PutObject", validate_ascii_metadata)
    client.meta.events.unregister("before-parameter-build.s3.CreateMultipartUpload", validate_ascii_metadata)
    return client


def _send(s3mpu, method: str, url: str) -> tuple[int, bytes]:
    """The presigned URL as a browser or ``requests`` sends it: no headers of its own, no body."""
    target = urlsplit(url)
    endpoint = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        connection.request(method, f"{target.path}?{target.query}", headers={"Content-Length": "0"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_presigned_url_query_metadata_is_stored_as_sent(s3mpu, s3mpu_client, sigv2_client):
    """[LS-AWS: test_put_url_metadata_with_sig_s3, test_put_unicode_metadata_with_sig_s3, recorded
    2026-02-21] x-amz-meta-* in a presigned URL's query is the object's metadata: "bar" comes back as
    "bar", and UTF-8 text (query-decoded, its own ``%E2%80%94`` kept literally) comes back Q-encoded.
    CreateMultipartUpload by presigned URL follows the same rule (no recording shows it)."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    for key, value in (("plain", "bar"), ("unicode", "non-ascii-%E2%80%94_\u2014_\u00e9_")):
        url = sigv2_client.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": key, "Metadata": {"foo": value}}
        )
        assert "x-amz-meta-foo=" in url
        assert _send(s3mpu, "PUT", url)[0] == 200
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="plain")["Metadata"] == {"foo": "bar"}
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="unicode")["Metadata"] == {
        "foo": "=?UTF-8?Q?non-ascii-%E2%80%94=5F=E2=80=94=5F=C3=A9=5F?="
    }
    url = sigv2_client.generate_presigned_url(
        "create_multipart_upload", Params={"Bucket": BUCKET, "Key": "mpu", "Metadata": {"foo": "caf\u00e9"}}
    )
    status, body = _send(s3mpu, "POST", url)
    assert status == 200
    upload_id = body.split(b"<UploadId>")[1].split(b"</UploadId>")[0].decode()
    part = s3mpu_client.upload_part(Bucket=BUCKET, Key="mpu", UploadId=upload_id, PartNumber=1, Body=b"x")
    s3mpu_client.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mpu",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="mpu")["Metadata"] == {"foo": "=?UTF-8?Q?caf=C3=A9?="}


def test_query_metadata_without_a_presigned_signature_is_not_metadata(s3mpu, s3mpu_client):
    """Only a presigned URL carries headers in its query (User Guide, "Sharing objects with presigned
    URLs"); on a plain request x-amz-meta-* in the query is no metadata (no recording shows this)."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    assert _send(s3mpu, "PUT", f"{s3mpu.endpoint_url}/{BUCKET}/k?x-amz-meta-foo=bar")[0] == 200
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="k")["Metadata"] == {}


def test_response_override_outside_latin1_is_invalid_argument(s3mpu, s3mpu_client, sigv2_client):
    """[LS-AWS: test_get_response_overrides_unicode_metadata_with_sig_s3, recorded 2026-02-21] a
    response-* override no HTTP header can carry (an em dash) is 400 InvalidArgument naming the first
    such parameter and its decoded value."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="key-non-ascii")
    url = sigv2_client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": BUCKET,
            "Key": "key-non-ascii",
            "ResponseCacheControl": "non-ascii-%E2%80%94_\u2014_\u00e9_",
            "ResponseContentDisposition": 'filename="test_\u2014_file%E2%80%94_\u00e9_2.pdf"',
        },
    )
    status, body = _send(s3mpu, "GET", url)
    assert status == 400
    text = body.decode()
    assert "<Code>InvalidArgument</Code>" in text
    assert "<Message>Header value cannot be represented using ISO-8859-1.</Message>" in text
    assert "<ArgumentName>response-cache-control</ArgumentName>" in text
    assert "<ArgumentValue>non-ascii-%E2%80%94_\u2014_\u00e9_</ArgumentValue>" in text
