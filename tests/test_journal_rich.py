"""The richer journal (issue 18): each entry carries the query string, the request headers a test asserts
on (Authorization without its signature), the response's key headers and the action of the fault that
fired; exported as JSON Lines by ``GET /_s3mpu/journal?format=jsonl`` and ``s3mpu.journal.dump(path)``."""

from __future__ import annotations

import json
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from botocore.exceptions import ClientError

from pytest_s3mpu.harness import journal

BUCKET = "journal-bucket"


def test_entries_carry_request_and_response_headers(s3mpu, s3mpu_client):
    """A PutObject with metadata, a content type and a CRC32 checksum: the entry keeps those headers, the
    SDK's checksum algorithm, User-Agent and Expect by lower-case name, the Authorization without its
    signature (never in full), and the answer's ETag and checksum; headers no test asserts on
    (x-amz-date, amz-sdk-invocation-id) are not kept."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(
        Bucket=BUCKET, Key="k", Body=b"hello", ContentType="text/plain", Metadata={"colour": "blue"},
        ChecksumAlgorithm="CRC32",
    )  # fmt: skip
    (put,) = s3mpu.journal.requests("PutObject")
    kept = dict(put.request_headers)
    assert kept["content-type"] == "text/plain"
    assert kept["x-amz-meta-colour"] == "blue"
    assert kept["x-amz-sdk-checksum-algorithm"] == "CRC32"
    assert kept["x-amz-checksum-crc32"] == put.response_header("x-amz-checksum-crc32")
    assert kept["user-agent"].startswith("Boto3/")
    assert kept["expect"] == "100-continue"
    assert kept["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert kept["authorization"].endswith("Signature=[redacted]")
    assert "x-amz-date" not in kept and "amz-sdk-invocation-id" not in kept
    assert put.response_header("ETag") == '"5d41402abc4b2a76b9719d911017c592"'
    assert put.query is None and put.fault_action is None and put.lifecycle is None


def test_query_range_and_conditional_headers(s3mpu, s3mpu_client):
    """The query string as sent, and Range / If-Match on a GET with the Content-Range answered."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    etag = s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"0123456789")["ETag"]
    s3mpu_client.get_object(Bucket=BUCKET, Key="k", Range="bytes=2-4", IfMatch=etag)
    s3mpu_client.list_objects_v2(Bucket=BUCKET, Prefix="k")
    get = s3mpu.journal.requests("GetObject")[0]
    assert (get.header("Range"), get.header("if-match")) == ("bytes=2-4", etag)
    assert get.response_header("content-range") == "bytes 2-4/10"
    listed = s3mpu.journal.requests("ListObjectsV2")[0]
    assert listed.query is not None and "list-type=2" in listed.query and "prefix=k" in listed.query


def test_fault_action_is_recorded(s3mpu, s3mpu_client):
    """The entry a fault answered names the rule and its action, and keeps the Retry-After it sent."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    rule = s3mpu.faults.add(operation="HeadBucket", preset="SlowDown")
    client = s3mpu.client(retries={"total_max_attempts": 1})
    with pytest.raises(ClientError):
        client.head_bucket(Bucket=BUCKET)
    (head,) = s3mpu.journal.requests("HeadBucket")
    assert (head.fault, head.fault_action, head.status) == (rule.id, "error", 503)
    assert head.response_header("Retry-After") == "1"


def test_long_header_values_are_cut():
    """A header value longer than the journal's field limit is kept cut to it (metadata may be 2 KB)."""
    kept = journal.request_headers([("x-amz-meta-big", "v" * 5000), ("x-amz-date", "20300101T000000Z")])
    assert kept == (("x-amz-meta-big", "v" * journal.FIELD_CHARS),)
    assert journal._redacted("Bearer abc") == "Bearer [redacted]"


def test_jsonl_export_over_http_and_to_a_file(s3mpu, s3mpu_client, tmp_path):
    """GET /_s3mpu/journal?format=jsonl answers application/x-ndjson, one JSON object per line equal to
    the JSON list's entries; ``journal.dump(path)`` writes the same lines; another format is 400."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="k", Body=b"x", Metadata={"a": "b"})
    control = f"{s3mpu.endpoint_url}/_s3mpu/journal"
    with urlopen(f"{control}?format=jsonl", timeout=10) as answer:
        assert answer.headers["Content-Type"] == "application/x-ndjson"
        text = answer.read().decode()
    with urlopen(control, timeout=10) as answer:
        as_list = json.loads(answer.read())
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 2
    assert [json.loads(line) for line in lines] == as_list
    assert as_list[1]["request_headers"]["x-amz-meta-a"] == "b"
    path = tmp_path / "journal.jsonl"
    assert s3mpu.journal.dump(path) == 2
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(HTTPError) as refused:
        urlopen(f"{control}?format=xml", timeout=10)
    assert refused.value.code == 400
