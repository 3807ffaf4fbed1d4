"""Fault injection through the real server with real clients: botocore's and s3transfer's retries under
each fault kind, the journal that proves them, "before"/"after" semantics, seeded determinism, the HTTP
control endpoint (curl), the ``s3mpu_fault`` marker and the standalone server's ``--faults``/``--fault-seed``
(issue 3; S3_MULTIPART_SPEC.md §5.2, §5.4)."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError, ConnectionClosedError

MIB = 1024 * 1024
SMALL_MIN = 1024
BUCKET = "fault-bucket"
KEY = "dir/object.bin"

INTERNAL = "We encountered an internal error. Please try again."
SLOW_DOWN = "Please reduce your request rate."
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)
JOURNAL_FIELDS = [
    "seq",
    "time",
    "operation",
    "bucket",
    "key",
    "upload_id",
    "part_number",
    "status",
    "error_code",
    "bytes_in",
    "bytes_out",
    "duration_ms",
    "fault",
    "attempt",
    "invocation_id",
    "method",
    "path",
    "access_key",
    "auth",
    "query",
    "request_headers",
    "response_headers",
    "fault_action",
    "lifecycle",
]
FEW_RETRIES = {"max_attempts": 2, "mode": "standard"}  # botocore: 2 retries, 3 attempts in all
NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(*parts: bytes) -> str:
    """The ETag of a completed upload, derived from the parts (spec §5.2)."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def upload_parts(client, parts: list[bytes], key: str = KEY) -> tuple[str, list[dict]]:
    """Create an upload and send its parts with the low-level client; returns the id and the parts list."""
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    listed = []
    for number, data in enumerate(parts, start=1):
        reply = client.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number, Body=data)
        listed.append({"PartNumber": number, "ETag": reply["ETag"]})
    return upload_id, listed


def complete(client, upload_id: str, listed: list[dict], key: str = KEY) -> dict:
    return client.complete_multipart_upload(
        Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Parts": listed}
    )


def wait_for(condition, timeout: float = 5.0) -> bool:
    """Poll ``condition`` until true or ``timeout`` seconds passed (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


@pytest.fixture
def bucket(s3mpu):
    return s3mpu.create_bucket(BUCKET)


# -- error faults and managed transfers ----------------------------------------------------------------------


def test_slow_down_twice_on_part_two_upload_fileobj(s3mpu, bucket, random_bytes):
    """SlowDown (503) twice on part 2 of a threaded multipart upload_fileobj: botocore retries it, so part
    2 is sent three times with SDK attempts 1, 2, 3 and every other part once; the object is byte-exact
    and its ETag is the multipart ETag of the parts (issue 3: presets, journal; spec §5.2)."""
    chunk = 5 * MIB  # s3transfer never uses chunks below 5 MiB
    data = random_bytes(2 * chunk + MIB)
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="SlowDown", times=2)
    client = s3mpu.client(retries={"max_attempts": 4, "mode": "standard"})
    config = TransferConfig(multipart_threshold=chunk, multipart_chunksize=chunk, max_concurrency=3)

    client.upload_fileobj(io.BytesIO(data), BUCKET, KEY, Config=config)

    assert rule.hits == 2
    journal = s3mpu.journal
    part_two = journal.requests("UploadPart", part_number=2)
    assert [e.attempt for e in part_two] == [1, 2, 3]
    assert [(e.status, e.error_code, e.fault) for e in part_two] == [
        (503, "SlowDown", rule.id),
        (503, "SlowDown", rule.id),
        (200, None, None),
    ]
    assert len({e.invocation_id for e in part_two}) == 1  # one SDK call, retried
    assert journal.attempts("UploadPart", part_number=1) == [1]
    assert journal.attempts("UploadPart", part_number=3) == [1]
    assert journal.part_attempts(2) == 3
    assert [e.status for e in journal.failed()] == [503, 503]
    assert s3mpu.object_bytes(BUCKET, KEY) == data
    parts = (data[:chunk], data[chunk : 2 * chunk], data[2 * chunk :])
    assert f'"{s3mpu.objects(BUCKET)[KEY].etag}"' == multipart_etag(*parts)
    assert s3mpu.uploads() == []


def test_slow_down_answer_carries_retry_after(s3mpu, bucket):
    """The SlowDown answer is 503 with S3's message and Retry-After / x-amz-retry-after headers (issue 3);
    the request was not applied ("before"), and the next request succeeds."""
    s3mpu.faults.add(operation="PutObject", preset="SlowDown", retry_after=2)
    client = s3mpu.client(retries=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        client.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert (response["Error"]["Code"], response["Error"]["Message"]) == ("SlowDown", SLOW_DOWN)
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["retry-after"] == "2"
    assert headers["x-amz-retry-after"] == "2"
    assert s3mpu.objects(BUCKET) == {}
    client.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    assert s3mpu.object_bytes(BUCKET, "k") == b"data"


def test_rule_as_context_manager(s3mpu, bucket):
    """``with s3mpu.faults.rule(...)``: the rule fails requests inside the block only (issue 3)."""
    client = s3mpu.client(retries=NO_RETRIES)
    with s3mpu.faults.rule(
        operation="PutObject", key="tmp/*", preset="ServiceUnavailable", times=None
    ) as rule:
        for key in ("tmp/a", "tmp/b"):
            with pytest.raises(ClientError) as caught:
                client.put_object(Bucket=BUCKET, Key=key, Body=b"x")
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
            assert (caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]) == (
                "ServiceUnavailable",
                SLOW_DOWN,
            )
        client.put_object(Bucket=BUCKET, Key="kept/a", Body=b"x")  # the key glob does not match
    client.put_object(Bucket=BUCKET, Key="tmp/a", Body=b"x")
    assert rule.hits == 2
    assert s3mpu.faults.rules() == []
    assert sorted(s3mpu.objects(BUCKET)) == ["kept/a", "tmp/a"]


def test_persistent_internal_error_aborts_the_upload(s3mpu, bucket, random_bytes):
    """InternalError on part 2 every time (times=None): botocore gives up after its retries, s3transfer
    aborts the upload and raises; nothing stays in progress and no object is created (issue 3; spec §6)."""
    chunk = 5 * MIB
    data = random_bytes(2 * chunk + 1024)
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="InternalError", times=None)
    client = s3mpu.client(retries=FEW_RETRIES)
    config = TransferConfig(multipart_threshold=chunk, multipart_chunksize=chunk, max_concurrency=3)

    with pytest.raises(ClientError) as caught:
        client.upload_fileobj(io.BytesIO(data), BUCKET, KEY, Config=config)

    error = caught.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == ("InternalError", INTERNAL)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    journal = s3mpu.journal
    assert rule.hits == 3
    assert journal.attempts("UploadPart", part_number=2) == [1, 2, 3]
    assert {(e.status, e.error_code) for e in journal.requests("UploadPart", part_number=2)} == {
        (500, "InternalError")
    }
    upload_id = journal.requests("CreateMultipartUpload")[0].upload_id
    assert upload_id is not None
    assert journal.aborted(upload_id)
    assert journal.requests("CompleteMultipartUpload") == []
    assert s3mpu.uploads() == []
    assert s3mpu.objects(BUCKET) == {}


# -- embedded errors in a 200 --------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize(
    ("whitespace_first", "code", "message"),
    [
        (False, "InternalError", INTERNAL),
        # Whitespace before the XML declaration is not well-formed XML (XML 1.0 §2.8: the declaration
        # must come first), so botocore cannot read <Error>: it treats the 200 as a 500 (handlers.py
        # _looks_like_special_case_error) and raises with the status as the code.
        (True, "500", "Internal Server Error"),
    ],
)
def test_embedded_error_on_complete_persisting(s3mpu, bucket, random_bytes, whitespace_first, code, message):
    """CompleteMultipartUpload answered 200 + whitespace + <Error> every time: botocore detects the error
    in the 200, retries, then raises it; the upload is untouched, so a Complete without the fault succeeds
    (spec §5.2 "200 with an embedded error"; issue 3: embedded_error)."""
    parts = [random_bytes(SMALL_MIN), random_bytes(10)]
    client = s3mpu.client(retries=FEW_RETRIES)
    upload_id, listed = upload_parts(client, parts)
    rule = s3mpu.faults.add(
        operation="CompleteMultipartUpload",
        action="embedded_error",
        times=None,
        duration_s=0.2,
        keepalive_s=0.05,
        whitespace_first=whitespace_first,
    )

    with pytest.raises(ClientError) as caught:
        complete(client, upload_id, listed)

    assert (caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]) == (
        code,
        message,
    )
    completes = s3mpu.journal.requests("CompleteMultipartUpload")
    assert [(e.status, e.error_code, e.fault, e.attempt) for e in completes] == [
        (200, "InternalError", rule.id, attempt) for attempt in (1, 2, 3)
    ]
    assert all(e.duration_ms >= 200 for e in completes)
    assert [u.upload_id for u in s3mpu.uploads()] == [upload_id]
    assert sorted(s3mpu.parts(upload_id)) == [1, 2]
    assert s3mpu.objects(BUCKET) == {}
    s3mpu.faults.clear()
    assert complete(client, upload_id, listed)["ETag"] == multipart_etag(*parts)
    assert s3mpu.object_bytes(BUCKET, KEY) == b"".join(parts)


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_embedded_error_once_is_retried(s3mpu, bucket, random_bytes):
    """One embedded error: botocore's retry of the Complete succeeds, with the right ETag (spec §5.2)."""
    parts = [random_bytes(SMALL_MIN), random_bytes(10)]
    client = s3mpu.client(retries=FEW_RETRIES)
    upload_id, listed = upload_parts(client, parts)
    s3mpu.faults.add(
        operation="CompleteMultipartUpload", action="embedded_error", duration_s=0.2, keepalive_s=0.05
    )
    assert complete(client, upload_id, listed)["ETag"] == multipart_etag(*parts)
    assert s3mpu.journal.attempts("CompleteMultipartUpload") == [1, 2]
    assert s3mpu.object_bytes(BUCKET, KEY) == b"".join(parts)


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("whitespace_first", [False, True])
def test_embedded_error_on_the_wire(s3mpu, bucket, whitespace_first):
    """On the wire: status 200 and headers at once, then the XML declaration and whitespace (or, in the
    variant, whitespace and then the declaration), then the <Error> document (issue 3; spec §1.2, §5.2)."""
    client = s3mpu.client()
    upload_id, listed = upload_parts(client, [b"only part"])
    s3mpu.faults.add(
        operation="CompleteMultipartUpload",
        action="embedded_error",
        preset="SlowDown",
        duration_s=0.3,
        keepalive_s=0.05,
        whitespace_first=whitespace_first,
    )
    body = (
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
        f"<ETag>{listed[0]['ETag']}</ETag></Part></CompleteMultipartUpload>"
    ).encode()
    url = urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        started = time.monotonic()
        connection.request("POST", f"/{BUCKET}/{KEY}?uploadId={upload_id}", body=body)
        response = connection.getresponse()
        head_after = time.monotonic() - started
        payload = response.read()
        total = time.monotonic() - started
    finally:
        connection.close()
    assert response.status == 200
    assert head_after < 0.25  # the 200 comes before the error is decided
    assert total >= 0.3
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>'
    if whitespace_first:
        keepalive = payload[: payload.index(declaration)]
    else:
        assert payload.startswith(declaration)
        keepalive = payload[len(declaration) : payload.index(b"<Error>")]
    assert keepalive.strip() == b""
    assert keepalive.count(b" ") >= 3  # whitespace every keepalive_s for duration_s
    assert b"<Code>SlowDown</Code><Message>Please reduce your request rate.</Message>" in payload
    assert payload.rstrip().endswith(b"</Error>")


# -- reset, truncate, delay ----------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize(
    "fault",
    [
        {"operation": "UploadPart", "part_number": 2, "action": "reset"},
        {"operation": "UploadPart", "part_number": 2, "action": "reset", "apply": "after"},
        {"operation": "CreateMultipartUpload", "action": "truncate"},
        {"operation": "CompleteMultipartUpload", "action": "truncate"},
        {"operation": "CompleteMultipartUpload", "action": "truncate", "apply": "after"},
        {"operation": "CompleteMultipartUpload", "action": "reset", "apply": "after"},
    ],
    ids=lambda f: "-".join(str(v) for v in f.values()),
)
def test_connection_faults_are_retried(s3mpu, bucket, random_bytes, fault):
    """A dropped connection (reset: no byte of the answer) or a truncated answer (headers and part of the
    body) is retried by botocore, and the upload still ends byte-exact with the right ETag (issue 3:
    reset, truncate; spec §5.2, and §5.4 for a Complete retried after it was applied)."""
    parts = [random_bytes(SMALL_MIN), random_bytes(SMALL_MIN), random_bytes(100)]
    rule = s3mpu.faults.add(**fault)
    client = s3mpu.client(retries=FEW_RETRIES)
    upload_id, listed = upload_parts(client, parts)
    done = complete(client, upload_id, listed)

    assert rule.hits == 1
    assert done["ETag"] == multipart_etag(*parts)
    assert s3mpu.object_bytes(BUCKET, KEY) == b"".join(parts)
    assert s3mpu.uploads() == []
    match = {"part_number": 2} if "part_number" in fault else {}
    hit = s3mpu.journal.requests(fault["operation"], **match)
    assert [e.attempt for e in hit] == [1, 2]
    assert hit[0].fault == rule.id
    assert hit[1].fault is None and hit[1].status == 200
    assert hit[0].invocation_id == hit[1].invocation_id
    if fault["action"] == "reset":
        assert (hit[0].status, hit[0].bytes_out) == (None, 0)
        assert hit[0] in s3mpu.journal.failed()
    else:
        assert hit[0].bytes_out > 0


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_delay_past_the_read_timeout_is_retried(s3mpu, bucket, random_bytes):
    """A delay longer than the client's read timeout, after the part was applied: botocore times out and
    re-sends the part, which succeeds; the upload ends byte-exact (issue 3: delay, apply "after")."""
    parts = [random_bytes(SMALL_MIN), random_bytes(10)]
    rule = s3mpu.faults.add(operation="UploadPart", part_number=1, action="delay", delay_s=1.2, apply="after")
    client = s3mpu.client(retries=FEW_RETRIES, read_timeout=0.5)
    started = time.monotonic()
    upload_id, listed = upload_parts(client, parts)
    assert complete(client, upload_id, listed)["ETag"] == multipart_etag(*parts)
    assert time.monotonic() - started >= 0.5
    assert rule.hits == 1
    assert s3mpu.object_bytes(BUCKET, KEY) == b"".join(parts)
    # The delayed request is journaled once the server has finished sleeping (bounded wait).
    assert wait_for(lambda: len(s3mpu.journal.requests("UploadPart", part_number=1)) == 2)
    by_attempt = {e.attempt: e for e in s3mpu.journal.requests("UploadPart", part_number=1)}
    assert by_attempt[1].fault == rule.id
    assert by_attempt[1].duration_ms >= 1200
    assert by_attempt[2].fault is None and by_attempt[2].status == 200


def test_delay_before_keeps_the_answer(s3mpu, bucket):
    """A delay shorter than the timeout only slows the request down; the answer is the normal one."""
    rule = s3mpu.faults.add(operation="PutObject", action="delay", delay_s=0.2)
    client = s3mpu.client(retries=NO_RETRIES)
    client.put_object(Bucket=BUCKET, Key="k", Body=b"abc")
    [entry] = s3mpu.journal.requests("PutObject")
    assert (entry.status, entry.fault, rule.hits) == (200, rule.id, 1)
    assert entry.duration_ms >= 200
    assert s3mpu.object_bytes(BUCKET, "k") == b"abc"


def test_truncated_get_object_is_retried_by_download_fileobj(s3mpu, bucket, random_bytes):
    """GetObject answered with its headers and half its body: s3transfer's download retries the read and
    the file is byte-exact (issue 3: truncate, apply "after")."""
    data = random_bytes(256 * 1024)
    client = s3mpu.client(retries=FEW_RETRIES)
    client.put_object(Bucket=BUCKET, Key="big", Body=data)
    rule = s3mpu.faults.add(operation="GetObject", action="truncate", apply="after", truncate_at=0.5)
    sink = io.BytesIO()
    client.download_fileobj(BUCKET, "big", sink)
    assert sink.getvalue() == data
    gets = s3mpu.journal.requests("GetObject")
    assert [e.fault for e in gets] == [rule.id, None]
    assert gets[0].status == 200
    assert gets[0].bytes_out == len(data) // 2  # truncate_at=0.5 of the Content-Length
    assert gets[1].bytes_out == len(data)
    # The body broke after botocore had returned the response: the retry is a new SDK call.
    assert gets[0].invocation_id != gets[1].invocation_id


# -- apply "after" -------------------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_error_after_upload_part_and_after_complete(s3mpu, bucket, random_bytes):
    """Errors after the request was applied, on UploadPart and on CompleteMultipartUpload: botocore's
    retries succeed, the re-Complete returns the same ETag as the Complete that was applied (spec §5.4),
    and the object is byte-exact (issue 3: apply "after")."""
    parts = [random_bytes(SMALL_MIN), random_bytes(7)]
    part_rule = s3mpu.faults.add(operation="UploadPart", part_number=1, preset="InternalError", apply="after")
    complete_rule = s3mpu.faults.add(operation="CompleteMultipartUpload", preset="SlowDown", apply="after")
    client = s3mpu.client(retries=FEW_RETRIES)
    upload_id, listed = upload_parts(client, parts)
    done = complete(client, upload_id, listed)

    assert (part_rule.hits, complete_rule.hits) == (1, 1)
    assert done["ETag"] == multipart_etag(*parts)
    assert client.head_object(Bucket=BUCKET, Key=KEY)["ETag"] == done["ETag"]
    assert s3mpu.object_bytes(BUCKET, KEY) == b"".join(parts)
    assert s3mpu.uploads() == []
    journal = s3mpu.journal
    assert [(e.attempt, e.status, e.error_code) for e in journal.requests("UploadPart", part_number=1)] == [
        (1, 500, "InternalError"),
        (2, 200, None),
    ]
    assert [(e.attempt, e.status, e.error_code) for e in journal.requests("CompleteMultipartUpload")] == [
        (1, 503, "SlowDown"),
        (2, 200, None),
    ]
    assert {e.upload_id for e in journal.requests("CompleteMultipartUpload")} == {upload_id}


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_corrupt_etag_makes_complete_fail_with_invalid_part(s3mpu, bucket, random_bytes):
    """UploadPart answered with a wrong ETag: a Complete that uses it fails with InvalidPart (spec §5.1
    step 9a, §11), changes nothing, and a Complete with the part's real ETag succeeds (issue 3)."""
    parts = [random_bytes(SMALL_MIN), random_bytes(10)]
    rule = s3mpu.faults.add(operation="UploadPart", part_number=1, action="corrupt_etag")
    client = s3mpu.client(retries=NO_RETRIES)
    upload_id, listed = upload_parts(client, parts)
    wrong = listed[0]["ETag"]
    assert rule.hits == 1
    assert wrong != f'"{md5_hex(parts[0])}"'
    assert s3mpu.parts(upload_id)[1].etag == md5_hex(parts[0])  # the part itself is stored

    with pytest.raises(ClientError) as caught:
        complete(client, upload_id, listed)

    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == ("InvalidPart", INVALID_PART)
    assert (error["UploadId"], error["PartNumber"], error["ETag"]) == (upload_id, "1", wrong.strip('"'))
    assert [u.upload_id for u in s3mpu.uploads()] == [upload_id]
    assert sorted(s3mpu.parts(upload_id)) == [1, 2]
    assert s3mpu.objects(BUCKET) == {}
    listed[0]["ETag"] = f'"{md5_hex(parts[0])}"'
    assert complete(client, upload_id, listed)["ETag"] == multipart_etag(*parts)


# -- seeded probability --------------------------------------------------------------------------------------


def _failure_pattern(s3mpu, seed: int) -> list[bool]:
    """30 sequential PutObjects under a 30 % rule with ``seed``, without retries: which ones failed, as
    the client saw it, checked against the journal and the store."""
    s3mpu.reset()
    s3mpu.create_bucket(BUCKET)
    s3mpu.faults.add(operation="PutObject", preset="InternalError", probability=0.3, seed=seed, times=None)
    client = s3mpu.client(retries=NO_RETRIES)
    seen = []
    for index in range(30):
        try:
            client.put_object(Bucket=BUCKET, Key=f"k{index:02d}", Body=b"x")
            seen.append(False)
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "InternalError"
            seen.append(True)
    entries = s3mpu.journal.requests("PutObject")
    assert [e.key for e in entries] == [f"k{index:02d}" for index in range(30)]
    assert [e.status == 500 for e in entries] == seen
    assert sorted(s3mpu.objects(BUCKET)) == [f"k{i:02d}" for i, failed in enumerate(seen) if not failed]
    return seen


def test_seeded_probability_is_reproducible(s3mpu):
    """A probabilistic rule with a seed fails the same requests on every run; another seed fails others
    (issue 3: "probability with a seed (deterministic)")."""
    first = _failure_pattern(s3mpu, 42)
    assert _failure_pattern(s3mpu, 42) == first
    assert _failure_pattern(s3mpu, 43) != first
    assert 0 < sum(first) < 30


# -- before / after ------------------------------------------------------------------------------------------


def _state(s3mpu) -> dict:
    """The store, without random ids: objects (bytes, ETag), open uploads per key with their parts."""
    objects = {k: (s3mpu.object_bytes(BUCKET, k), o.etag) for k, o in s3mpu.objects(BUCKET).items()}
    uploads = sorted(
        (u.key, tuple(sorted((n, p.etag) for n, p in s3mpu.parts(u.upload_id).items())))
        for u in s3mpu.uploads()
    )
    return {"objects": objects, "uploads": uploads}


def _setup(s3mpu, client) -> str:
    """An object ``old`` and an open upload at ``mp`` holding part 1."""
    s3mpu.reset()
    s3mpu.create_bucket(BUCKET)
    client.put_object(Bucket=BUCKET, Key="old", Body=b"old bytes")
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    client.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=1, Body=b"part one")
    return upload_id


OPERATIONS = {
    "PutObject": lambda c, u: c.put_object(Bucket=BUCKET, Key="new", Body=b"new bytes"),
    "DeleteObject": lambda c, u: c.delete_object(Bucket=BUCKET, Key="old"),
    "CreateMultipartUpload": lambda c, u: c.create_multipart_upload(Bucket=BUCKET, Key="mp2"),
    "UploadPart": lambda c, u: c.upload_part(Bucket=BUCKET, Key="mp", UploadId=u, PartNumber=2, Body=b"two"),
    "CompleteMultipartUpload": lambda c, u: c.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp",
        UploadId=u,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": f'"{md5_hex(b"part one")}"'}]},
    ),
    "AbortMultipartUpload": lambda c, u: c.abort_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=u),
}


@pytest.mark.parametrize("action", ["error", "reset"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_before_leaves_no_trace_after_leaves_the_success_state(s3mpu, operation, action):
    """A fault "before" fails the request without applying it: the store is exactly as it was. A fault
    "after" fails the answer of an applied request: the store is exactly what the request without a fault
    leaves (issue 3: "When"; faults.py module contract)."""
    client = s3mpu.client(retries=NO_RETRIES)
    call = OPERATIONS[operation]
    spec = {"operation": operation, "action": action}
    if action == "error":
        spec["preset"] = "InternalError"
    expected_error = ClientError if action == "error" else ConnectionClosedError

    upload_id = _setup(s3mpu, client)
    untouched = _state(s3mpu)
    call(client, upload_id)
    succeeded = _state(s3mpu)
    assert succeeded != untouched  # the operation does change the store

    for apply, expected in (("before", untouched), ("after", succeeded)):
        upload_id = _setup(s3mpu, client)
        rule = s3mpu.faults.add(apply=apply, **spec)
        with pytest.raises(expected_error):
            call(client, upload_id)
        assert rule.hits == 1
        assert _state(s3mpu) == expected, apply
        [entry] = s3mpu.journal.requests(operation, fault=rule.id)
        assert entry in s3mpu.journal.failed()
        if operation == "CreateMultipartUpload" and apply == "after":
            # The journal names the upload the failed request left behind, though the client never saw it.
            [orphan] = [u.upload_id for u in s3mpu.uploads() if u.key == "mp2"]
            assert entry.upload_id == orphan


# -- the HTTP control endpoint -------------------------------------------------------------------------------


def curl(
    method: str, url: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, object]:
    """One request with the curl binary; returns the status and the parsed JSON body (bounded)."""
    command = ["curl", "-sS", "--max-time", "10", "-X", method, "-w", "\n%{http_code}", url]
    if body is not None:
        command += [
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body if isinstance(body, str) else json.dumps(body),
        ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=True)
    text, _, status = done.stdout.rpartition("\n")
    return int(status), (json.loads(text) if text.strip().startswith(("{", "[")) else text)


@pytest.fixture
def control(s3mpu):
    if shutil.which("curl") is None:
        pytest.skip("the control endpoint is exercised with the curl binary, which is not installed")
    return f"{s3mpu.endpoint_url}/_s3mpu"


def test_control_health_and_faults(s3mpu, control):
    """GET /_s3mpu/health; POST /_s3mpu/faults with one rule and with a list (the answer carries ids);
    GET lists the rules; DELETE removes them (issue 3: HTTP control endpoint)."""
    assert curl("GET", f"{control}/health") == (200, {"status": "ok"})
    status, one = curl("POST", f"{control}/faults", {"operation": "PutObject", "preset": "SlowDown"})
    assert status == 200
    assert [r["id"] for r in one] == ["fault-1"]
    assert (one[0]["status"], one[0]["code"], one[0]["retry_after"]) == (503, "SlowDown", 1)
    status, two = curl(
        "POST",
        f"{control}/faults",
        [
            {"operation": "UploadPart", "part_number": 2, "preset": "InternalError", "times": None},
            {"operation": "GetObject", "action": "truncate", "apply": "after"},
        ],
    )
    assert status == 200
    assert [(r["id"], r["operation"], r["times"]) for r in two] == [
        ("fault-2", "UploadPart", None),
        ("fault-3", "GetObject", 1),
    ]
    status, listed = curl("GET", f"{control}/faults")
    assert status == 200
    assert [r["id"] for r in listed] == ["fault-1", "fault-2", "fault-3"]
    assert [r.id for r in s3mpu.faults.rules()] == ["fault-1", "fault-2", "fault-3"]

    client = s3mpu.client(retries=NO_RETRIES)
    s3mpu.create_bucket(BUCKET)
    with pytest.raises(ClientError) as caught:
        client.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    assert caught.value.response["Error"]["Code"] == "SlowDown"
    assert curl("GET", f"{control}/faults")[1][0]["hits"] == 1

    assert curl("DELETE", f"{control}/faults") == (200, [])
    assert curl("GET", f"{control}/faults") == (200, [])
    client.put_object(Bucket=BUCKET, Key="k", Body=b"x")


def test_control_journal_and_reset(s3mpu, control):
    """GET /_s3mpu/journal gives the entries with the issue's field names, attempt and invocation id taken
    from amz-sdk-request and amz-sdk-invocation-id; DELETE empties it; POST /_s3mpu/reset empties the
    store, the rules and the journal (issue 3)."""
    invocation = str(uuid.uuid4())
    base = s3mpu.endpoint_url
    curl("POST", f"{control}/faults", {"operation": "CreateBucket", "preset": "InternalError"})
    sdk = {"amz-sdk-request": "attempt=1; max=3", "amz-sdk-invocation-id": invocation}
    assert curl("PUT", f"{base}/{BUCKET}", headers=sdk)[0] == 500
    sdk["amz-sdk-request"] = "attempt=2; max=3"
    assert curl("PUT", f"{base}/{BUCKET}", headers=sdk)[0] == 200
    assert curl("PUT", f"{base}/{BUCKET}/k", body="hello")[0] == 200

    status, entries = curl("GET", f"{control}/journal")
    assert status == 200
    assert [list(e) for e in entries] == [JOURNAL_FIELDS] * 3
    first, second, put = entries
    assert (first["seq"], first["operation"], first["bucket"], first["key"]) == (
        1,
        "CreateBucket",
        BUCKET,
        None,
    )
    assert (first["status"], first["error_code"], first["fault"]) == (500, "InternalError", "fault-1")
    assert (first["attempt"], first["invocation_id"]) == (1, invocation)
    assert (second["status"], second["error_code"], second["fault"], second["attempt"]) == (
        200,
        None,
        None,
        2,
    )
    assert second["invocation_id"] == invocation
    assert (put["operation"], put["key"], put["bytes_in"], put["attempt"], put["invocation_id"]) == (
        "PutObject",
        "k",
        5,
        None,
        None,
    )
    assert first["bytes_out"] > 0 and put["duration_ms"] >= 0
    assert abs(put["time"] - time.time()) < 60

    assert curl("DELETE", f"{control}/journal") == (200, [])
    assert curl("GET", f"{control}/journal") == (200, [])
    curl("POST", f"{control}/faults", {"operation": "PutObject", "preset": "SlowDown"})
    assert curl("POST", f"{control}/reset") == (200, {"status": "reset"})
    assert s3mpu.buckets() == []
    assert curl("GET", f"{control}/faults") == (200, [])
    assert curl("GET", f"{control}/journal") == (200, [])


def test_control_rejects_bad_requests(s3mpu, control):
    """A bad rule answers 400 with a JSON error and adds nothing (not even the valid rules of a list);
    unknown resources 404, wrong methods 405 (issue 3)."""
    status, answer = curl("POST", f"{control}/faults", {"operation": "PutObject", "action": "explode"})
    assert status == 400
    assert "action" in answer["error"]
    status, answer = curl(
        "POST", f"{control}/faults", [{"operation": "PutObject", "preset": "SlowDown"}, {"x": 1}]
    )
    assert status == 400
    assert "unknown fault field" in answer["error"]
    status, answer = curl("POST", f"{control}/faults", "{not json")
    assert status == 400
    assert "JSON" in answer["error"]
    status, answer = curl("POST", f"{control}/faults", "[1, 2]")
    assert status == 400
    assert s3mpu.faults.rules() == []
    assert curl("GET", f"{control}/nothing")[0] == 404
    assert curl("PUT", f"{control}/faults")[0] == 405
    assert curl("POST", f"{control}/health")[0] == 405


# -- the marker and the failure report -----------------------------------------------------------------------


def test_fault_marker_and_journal_in_failure_report(pytester):
    """``@pytest.mark.s3mpu_fault(...)`` installs a rule for one test (several markers keep their order);
    a failing test's report has an "s3mpu journal" section with the table (issue 3: Python API)."""
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        NO_RETRIES = {"total_max_attempts": 1}

        @pytest.mark.s3mpu_fault(operation="PutObject", preset="SlowDown", times=None)
        def test_marker_rule_fires(s3mpu):
            s3mpu.create_bucket("marker-bucket")
            client = s3mpu.client(retries=NO_RETRIES)
            for _ in range(2):
                with pytest.raises(ClientError) as caught:
                    client.put_object(Bucket="marker-bucket", Key="k", Body=b"x")
                assert caught.value.response["Error"]["Code"] == "SlowDown"
            [rule] = s3mpu.faults.rules()
            assert (rule.id, rule.hits, rule.times) == ("fault-1", 2, None)

        @pytest.mark.s3mpu_fault(operation="PutObject", preset="InternalError")
        @pytest.mark.s3mpu_fault(operation="PutObject", preset="SlowDown")
        def test_markers_in_order(s3mpu):
            assert [r.code for r in s3mpu.faults.rules()] == ["InternalError", "SlowDown"]

        def test_no_marker_no_rule(s3mpu):
            assert s3mpu.faults.rules() == []

        @pytest.mark.s3mpu_fault(operation="PutObject", preset="SlowDown")
        def test_fails_with_journal(s3mpu):
            s3mpu.create_bucket("marker-bucket")
            client = s3mpu.client(retries={"max_attempts": 2, "mode": "standard"})
            client.put_object(Bucket="marker-bucket", Key="journal/key", Body=b"x")
            assert False, "deliberate failure"

        @pytest.mark.s3mpu_fault(operation="PutObject", action="explode")
        def test_bad_marker(s3mpu):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1, errors=1)
    result.stdout.re_match_lines(
        [
            r".*s3mpu journal.*",
            r"seq\s+operation\s+bucket/key\s+part\s+status\s+error\s+fault\s+attempt\s+ms",
            r"1\s+PutObject\s+marker-bucket/journal/key\s+503\s+SlowDown\s+fault-1\s+1\s+.*",
            r"2\s+PutObject\s+marker-bucket/journal/key\s+200\s+2\s+.*",
        ]
    )
    result.stdout.fnmatch_lines(["*s3mpu_fault marker: action must be one of*"])
    # Passing tests get no journal section.
    assert result.stdout.str().count("s3mpu journal") == 1


# -- the standalone server -----------------------------------------------------------------------------------


class Standalone:
    """``python -m pytest_s3mpu --port 0 ...`` in a subprocess; every wait is bounded."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pytest_s3mpu", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=20)
        except queue.Empty:
            self.stop()
            raise AssertionError("the standalone server printed nothing within 20 s") from None
        assert first.startswith("pytest-s3mpu serving on http://127.0.0.1:"), first
        self.url = first.split()[-1]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise


def get_json(url: str) -> object:
    """GET a control URL (bounded timeout) and parse its JSON."""
    with urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def _client_for(url: str):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(retries=NO_RETRIES, s3={"addressing_style": "path"}),
    )


def _pattern(client, count: int = 20) -> list[bool]:
    failed = []
    for index in range(count):
        try:
            client.put_object(Bucket=BUCKET, Key=f"k{index}", Body=b"x")
            failed.append(False)
        except ClientError:
            failed.append(True)
    return failed


def test_standalone_faults_file_and_seed(s3mpu, tmp_path):
    """``--faults FILE.json --fault-seed N`` loads the rules at start; rules without a seed take it, so
    the standalone server fails the same requests as the same rule seeded N in-process (issue 3)."""
    rules = [
        {"operation": "PutObject", "preset": "InternalError", "probability": 0.4, "times": None},
        {"operation": "GetObject", "preset": "SlowDown", "seed": 5},
    ]
    path = tmp_path / "faults.json"
    path.write_text(json.dumps(rules))
    server = Standalone("--faults", str(path), "--fault-seed", "42")
    try:
        loaded = get_json(f"{server.url}/_s3mpu/faults")
        assert [(r["id"], r["operation"], r["seed"], r["times"]) for r in loaded] == [
            ("fault-1", "PutObject", 42, None),
            ("fault-2", "GetObject", 5, 1),
        ]
        client = _client_for(server.url)
        client.create_bucket(Bucket=BUCKET)
        remote = _pattern(client)
    finally:
        assert server.stop() == 0

    s3mpu.create_bucket(BUCKET)
    s3mpu.faults.add(**{**rules[0], "seed": 42})
    local = _pattern(s3mpu.client(retries=NO_RETRIES))
    assert remote == local
    assert 0 < sum(remote) < 20


def test_standalone_refuses_a_bad_faults_file(tmp_path):
    """A faults file with an invalid rule stops the server at start with exit status 2 and the reason."""
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"operation": "PutObject", "action": "explode"}))
    done = subprocess.run(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0", "--faults", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert f"cannot load faults from {path}" in done.stderr
    assert "action must be one of" in done.stderr
    assert done.stdout == ""


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("operation", ["CopyObject", "UploadPartCopy"])
def test_embedded_error_on_copies(s3mpu, bucket, operation):
    """S3 answers a copy that fails after it started as 200 + <Error> too (AWS docs for CopyObject and
    UploadPartCopy): botocore detects it and retries; once the fault is spent the copy succeeds and its
    result is exact (issue 3: embedded_error for CopyObject / UploadPartCopy)."""
    client = s3mpu.client(retries=FEW_RETRIES)
    client.put_object(Bucket=BUCKET, Key="source", Body=b"copy me")
    s3mpu.faults.add(operation=operation, action="embedded_error", duration_s=0.1, keepalive_s=0.05)
    if operation == "CopyObject":
        reply = client.copy_object(Bucket=BUCKET, Key="copy", CopySource=f"{BUCKET}/source")
        etag = reply["CopyObjectResult"]["ETag"]
        assert s3mpu.object_bytes(BUCKET, "copy") == b"copy me"
    else:
        upload_id = client.create_multipart_upload(Bucket=BUCKET, Key="copy")["UploadId"]
        reply = client.upload_part_copy(
            Bucket=BUCKET, Key="copy", UploadId=upload_id, PartNumber=1, CopySource=f"{BUCKET}/source"
        )
        etag = reply["CopyPartResult"]["ETag"]
        assert s3mpu.parts(upload_id)[1].size == len(b"copy me")
    assert etag == f'"{hashlib.md5(b"copy me").hexdigest()}"'
    copies = s3mpu.journal.requests(operation)
    assert [(e.status, e.error_code, e.attempt) for e in copies] == [
        (200, "InternalError", 1),
        (200, None, 2),
    ]


def test_journal_names_what_an_unimplemented_request_asked_for(s3mpu, s3mpu_client):
    """A request the double does not implement is journaled with its method, its path and query as sent,
    and the operation AWS names it (GetObjectTorrent), or ``METHOD:subresource`` when the double knows no
    name, or ``Unknown`` for a method S3 has no operation for; bucket and key as far as they can be read
    (issue 19, silent misbehaviour 5). Answers: 501 NotImplemented, as before."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    with pytest.raises(ClientError) as caught:
        s3mpu_client.get_object_torrent(Bucket=BUCKET, Key="k")
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
    host = urlsplit(s3mpu.endpoint_url)
    for method, target in (("GET", f"/{BUCKET}?metadataTable"), ("PATCH", f"/{BUCKET}/k")):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        connection.request(method, target)
        assert connection.getresponse().status == 501
        connection.close()
    entries = s3mpu.journal.entries()[1:]
    assert [(e.operation, e.method, e.path, e.bucket, e.key, e.status) for e in entries] == [
        ("GetObjectTorrent", "GET", f"/{BUCKET}/k?torrent", BUCKET, "k", 501),
        ("GET:metadataTable", "GET", f"/{BUCKET}?metadataTable", BUCKET, None, 501),
        ("Unknown", "PATCH", f"/{BUCKET}/k", BUCKET, "k", 501),
    ]
    assert (s3mpu.journal.entries()[0].method, s3mpu.journal.entries()[0].path) == (
        "PUT",
        None,
    )  # implemented: method, no path
    assert f"GET /{BUCKET}/k?torrent" in s3mpu.journal.table()


def test_operations_journaled_as_not_implemented_are_not_implemented():
    """The AWS names the journal gives unimplemented requests never name an operation the double has."""
    from pytest_s3mpu.protocol import routes

    assert not set(routes._NOT_IMPLEMENTED.values()) & routes.OPERATIONS
