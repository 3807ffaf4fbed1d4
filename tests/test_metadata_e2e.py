"""User metadata as S3 keeps it, through the real server with boto3 (raw http.client for raw bytes):
names with ``_``, RFC 2047 encoded-words decoded on the way in and non-ASCII text answered encoded."""

from __future__ import annotations

import http.client
import string
from urllib.parse import urlsplit

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
    answered RFC 2047-encoded. Raw UTF-8 bytes (which boto3 cannot send) are read as UTF-8, not Latin-1,
    and a bad encoded-word is kept as sent (S3 answers unusable bytes for it)."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    endpoint = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        connection.putrequest("PUT", f"/{BUCKET}/raw")
        connection.putheader("x-amz-meta-word", "é and ü".encode())
        connection.putheader("x-amz-meta-bad", "=?UTF-8?B?=GGG?=")
        connection.putheader("Content-Length", "0")
        connection.endheaders()
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    metadata = s3mpu_client.head_object(Bucket=BUCKET, Key="raw")["Metadata"]
    assert metadata["word"] == metadata_values.encode("é and ü") == "=?UTF-8?Q?=C3=A9_and_=C3=BC?="
    assert metadata["bad"] == "=?UTF-8?B?=GGG?="
