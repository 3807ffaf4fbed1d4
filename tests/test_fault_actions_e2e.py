"""The connection- and time-level fault actions (issue 18) through the real server, with boto3's and
s3transfer's own retry logic; the journal proves what the client did.

``cut_request`` (the upload dies mid-body), ``stall_request`` (the server stops reading), ``bandwidth``
(a slow link), ``throttle`` (a token bucket answering S3's 503 SlowDown) and ``sequence`` (successive
requests meet successive faults). What S3 answers under stress is from AWS, "Amazon S3 error best
practices" (503 SlowDown, retry with backoff) and the multipart spec §5.2.
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.request

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError, HTTPClientError

MIB = 1024 * 1024
CHUNK = 5 * MIB  # s3transfer never uses chunks below 5 MiB
BUCKET = "fault-actions"
KEY = "dir/object.bin"
RETRIES = {"max_attempts": 4, "mode": "standard"}
NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}


def multipart_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


@pytest.fixture
def bucket(s3mpu):
    return s3mpu.create_bucket(BUCKET)


def test_cut_request_after_one_mib_is_retried_and_the_object_is_byte_exact(s3mpu, bucket, random_bytes):
    """Part 2 of a threaded upload_fileobj dies after 1 MiB of its body (the server reads 1 MiB, then
    resets the connection): s3transfer's client retries that part, the second attempt is stored, and the
    object is byte-exact with the multipart ETag of its parts (issue 18: cut_request; spec §5.2)."""
    data = random_bytes(2 * CHUNK + MIB)
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, action="cut_request", after_bytes=MIB)
    client = s3mpu.client(retries=RETRIES)
    config = TransferConfig(multipart_threshold=CHUNK, multipart_chunksize=CHUNK, max_concurrency=3)

    client.upload_fileobj(io.BytesIO(data), BUCKET, KEY, Config=config)

    part_two = s3mpu.journal.requests("UploadPart", part_number=2)
    assert [e.attempt for e in part_two] == [1, 2]
    cut, retried = part_two
    assert (cut.status, cut.fault, cut.bytes_in, cut.bytes_out) == (None, rule.id, MIB, 0)
    assert (retried.status, retried.fault, retried.bytes_in) == (200, None, CHUNK)
    assert cut.invocation_id == retried.invocation_id  # one SDK call, retried
    assert rule.hits == 1
    assert s3mpu.object_bytes(BUCKET, KEY) == data
    parts = (data[:CHUNK], data[CHUNK : 2 * CHUNK], data[2 * CHUNK :])
    assert f'"{s3mpu.objects(BUCKET)[KEY].etag}"' == multipart_etag(*parts)


def test_cut_request_stores_nothing_of_the_part(s3mpu, bucket, random_bytes):
    """Without retries the client sees the upload die; ListParts shows no part 1, and the upload is still
    open to take the part again (issue 18: "nothing of that part stored"; spec §5.2)."""
    client = s3mpu.client(retries=NO_RETRIES)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    s3mpu.faults.add(operation="UploadPart", action="cut_request", after_bytes=64 * 1024)
    body = random_bytes(MIB)

    with pytest.raises(HTTPClientError):  # no answer at all (ConnectionClosedError), not an S3 error
        client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=body)

    assert client.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id).get("Parts", []) == []
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=body)["ETag"]
    assert etag == f'"{hashlib.md5(body).hexdigest()}"'
    (cut,) = [e for e in s3mpu.journal.requests("UploadPart") if e.fault is not None]
    assert (cut.status, cut.bytes_in) == (None, 64 * 1024)


def test_stall_request_past_the_clients_timeout_is_retried(s3mpu, bucket, random_bytes):
    """The server stops reading a PutObject body after 64 KiB for longer than the client's timeout: the
    client's write stalls (the body is larger than the socket buffers), it gives up on that attempt and
    retries, and the retried body is stored byte-exact (issue 18: stall_request). urllib3 sends the body
    under the connect timeout and reads the answer under the read timeout, so both are short here."""
    data = random_bytes(32 * MIB)
    rule = s3mpu.faults.add(operation="PutObject", action="stall_request", after_bytes=64 * 1024, delay_s=1.5)
    client = s3mpu.client(retries=RETRIES, read_timeout=0.5, connect_timeout=0.5)

    client.put_object(Bucket=BUCKET, Key=KEY, Body=data)

    assert rule.hits == 1
    puts = s3mpu.journal.requests("PutObject")
    assert [e.attempt for e in puts][-1] == 2
    assert puts[-1].status == 200 and puts[-1].fault is None
    assert s3mpu.object_bytes(BUCKET, KEY) == data


def test_short_stall_and_bandwidth_only_slow_the_request_down(s3mpu, bucket, random_bytes):
    """A stall shorter than the timeout, a body read at 2 MiB/s and an answer sent at 2 MiB/s change
    nothing in what is stored or answered (issue 18: stall_request, bandwidth both directions)."""
    data = random_bytes(512 * 1024)
    stall = s3mpu.faults.add(operation="PutObject", action="stall_request", delay_s=0.2, times=None)
    upload = s3mpu.faults.add(
        operation="UploadPart", action="bandwidth", bytes_per_s=2 * MIB, direction="request", times=None
    )
    download = s3mpu.faults.add(operation="GetObject", action="bandwidth", bytes_per_s=2 * MIB, times=None)
    client = s3mpu.client(retries=NO_RETRIES)

    client.put_object(Bucket=BUCKET, Key="small", Body=data)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=data)["ETag"]
    client.complete_multipart_upload(
        Bucket=BUCKET,
        Key=KEY,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    got = client.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()

    assert got == data and s3mpu.object_bytes(BUCKET, "small") == data
    assert (stall.hits, upload.hits, download.hits) == (1, 1, 1)
    (get,) = s3mpu.journal.requests("GetObject")
    assert (get.status, get.bytes_out, get.fault) == (200, len(data), download.id)
    (part,) = s3mpu.journal.requests("UploadPart")
    assert (part.status, part.bytes_in, part.fault) == (200, len(data), upload.id)


def test_throttled_burst_completes_under_the_rate(s3mpu, bucket):
    """A token bucket of 20 requests/s with bursts of 3 on the bucket: 15 PutObjects sent back to back
    meet 503 SlowDown (with Retry-After) once the burst is spent, botocore backs off and retries, every
    object is stored, the journal marks each refused attempt with the rule, and what passed never
    exceeds what the bucket allows (issue 18: throttle; AWS "Amazon S3 error best practices": 503
    SlowDown)."""
    rule = s3mpu.faults.add(operation="PutObject", action="throttle", rate=20, burst=3, scope="bucket")
    client = s3mpu.client(retries={"max_attempts": 10, "mode": "standard"})

    for i in range(15):
        client.put_object(Bucket=BUCKET, Key=f"k{i}", Body=b"x")

    assert sorted(s3mpu.objects(BUCKET)) == sorted(f"k{i}" for i in range(15))
    puts = s3mpu.journal.requests("PutObject")
    refused = [e for e in puts if e.status == 503]
    assert refused and all((e.error_code, e.fault) == ("SlowDown", rule.id) for e in refused)
    assert all(e.fault is None for e in puts if e.status == 200)
    stats = s3mpu.faults.throttle_report()[rule.id][BUCKET]
    assert (stats.admitted, stats.refused) == (15, len(refused))
    # The token bucket's bound: what passed is at most the burst plus the rate over the time it took.
    assert stats.admitted <= rule.burst + rule.rate * stats.seconds + 1e-9


def test_throttle_answers_slow_down_with_retry_after(s3mpu, bucket):
    """Over the rate, the answer is S3's 503 SlowDown with Retry-After; another key in a ``key`` scope is
    not throttled (issue 18: throttle scopes)."""
    s3mpu.faults.add(operation="HeadObject", action="throttle", rate=0.001, burst=1, scope="key")
    client = s3mpu.client(retries=NO_RETRIES)
    client.put_object(Bucket=BUCKET, Key="a", Body=b"1")
    client.put_object(Bucket=BUCKET, Key="b", Body=b"2")
    client.head_object(Bucket=BUCKET, Key="a")

    with pytest.raises(ClientError) as refused:
        client.get_object(Bucket=BUCKET, Key="a", Range="bytes=0-0")  # GetObject: not throttled
        client.head_object(Bucket=BUCKET, Key="a")
    client.head_object(Bucket=BUCKET, Key="b")  # its own bucket of tokens

    answer = refused.value.response
    assert answer["Error"]["Code"] == "503"  # HEAD: no body, so botocore names the status
    assert answer["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "1"


def test_sequence_embedded_error_then_slow_down_then_success(s3mpu, bucket, random_bytes):
    """CompleteMultipartUpload answers 200 with an embedded InternalError, then 503 SlowDown, then
    completes: botocore retries both, and the journal shows the three attempts with the step of the
    sequence each met (issue 18: sequence; spec §5.2, §5.4)."""
    rule = s3mpu.faults.add(
        operation="CompleteMultipartUpload",
        action="sequence",
        sequence=[
            {"action": "embedded_error", "duration_s": 0.1},
            {"action": "error", "preset": "SlowDown"},
            None,
        ],
    )
    client = s3mpu.client(retries=RETRIES)
    data = random_bytes(MIB)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=data)["ETag"]

    done = client.complete_multipart_upload(
        Bucket=BUCKET,
        Key=KEY,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )

    assert done["ETag"] == multipart_etag(data)
    completes = s3mpu.journal.requests("CompleteMultipartUpload")
    assert [(e.attempt, e.status, e.error_code, e.fault) for e in completes] == [
        (1, 200, "InternalError", f"{rule.id}[0]"),
        (2, 503, "SlowDown", f"{rule.id}[1]"),
        (3, 200, None, None),
    ]
    assert rule.hits == 3
    assert s3mpu.object_bytes(BUCKET, KEY) == data


def test_new_actions_through_the_control_endpoint_and_a_wrong_type_named(s3mpu, bucket):
    """The HTTP control API takes the new actions as JSON, lists them back, and refuses a value of the
    wrong type naming the field, inside a sequence too (issue 18: "a value of the wrong type in any
    rule field is refused with a message naming the field")."""
    url = f"{s3mpu.endpoint_url}/_s3mpu/faults"

    def post(rule: object) -> tuple[int, object]:
        request = urllib.request.Request(url, json.dumps(rule).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as failed:
            return failed.code, json.loads(failed.read())

    status, added = post(
        {"operation": "UploadPart", "action": "bandwidth", "bytes_per_s": 1000, "direction": "request"}
    )
    assert status == 200
    assert added[0]["action"] == "bandwidth" and added[0]["direction"] == "request"
    for rule, named in [
        ({"action": "cut_request", "after_bytes": "1024"}, "after_bytes must be an integer"),
        ({"action": "throttle", "rate": "fast"}, "rate must be a finite number or null"),
        ({"action": "sequence", "sequence": {"action": "reset"}}, "sequence must be a list or null"),
        (
            {"action": "sequence", "sequence": [None, {"action": "error", "status": "503"}]},
            "sequence[1]: status",
        ),
        ({"action": "delay", "jitter_s": True}, "jitter_s must be a finite number"),
    ]:
        status, answer = post({"operation": "PutObject", **rule})
        assert status == 400, rule
        assert named in answer["error"], answer
    assert len(s3mpu.faults) == 1


@pytest.mark.s3mpu_fault(
    operation="GetObject", action="delay", delay_s=0.01, jitter_s=0.02, seed=3, times=None
)
@pytest.mark.s3mpu_fault(operation="PutObject", action="sequence", sequence=[None, {"preset": "SlowDown"}])
def test_new_actions_as_markers(s3mpu, bucket):
    """The marker takes the new fields as the Python API does: the second PutObject meets the
    sequence's SlowDown, every GetObject a seeded, jittered delay (issue 18: "marker ... alike")."""
    client = s3mpu.client(retries=NO_RETRIES)
    client.put_object(Bucket=BUCKET, Key="a", Body=b"1")
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket=BUCKET, Key="b", Body=b"2")
    assert refused.value.response["Error"]["Code"] == "SlowDown"
    client.put_object(Bucket=BUCKET, Key="b", Body=b"2")
    assert client.get_object(Bucket=BUCKET, Key="a")["Body"].read() == b"1"

    by_action = {rule.action.value: rule for rule in s3mpu.faults.rules()}
    sequence, delay = by_action["sequence"], by_action["delay"]
    assert [e.fault for e in s3mpu.journal.requests("PutObject")] == [None, f"{sequence.id}[1]", None]
    assert [e.fault for e in s3mpu.journal.requests("GetObject")] == [delay.id]


# -- the NoSuchUpload preset: the upload vanishes mid-upload ------------------------------------------


def test_no_such_upload_preset_fails_upload_file_and_the_upload_is_gone(
    s3mpu, bucket, tmp_path, random_bytes
):
    """Mid-upload the upload vanishes (the preset aborts it in the store after part 2 is stored,
    ``apply="after"``): s3transfer's upload_file fails with NoSuchUpload, its own AbortMultipartUpload
    meets NoSuchUpload too, and no upload or object is left (issue 18: NoSuchUpload preset;
    [LS-AWS: test_s3.py::test_multipart_no_such_upload, recorded 2026-02-21]: upload and abort 404)."""
    from boto3.exceptions import S3UploadFailedError

    path = tmp_path / "object.bin"
    path.write_bytes(random_bytes(3 * CHUNK))
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="NoSuchUpload", apply="after")
    client = s3mpu.client(retries=RETRIES)
    config = TransferConfig(multipart_threshold=CHUNK, multipart_chunksize=CHUNK, use_threads=False)

    with pytest.raises(S3UploadFailedError, match="NoSuchUpload"):
        client.upload_file(str(path), BUCKET, KEY, Config=config)

    (vanished,) = s3mpu.journal.requests("UploadPart", part_number=2)
    assert (vanished.status, vanished.error_code, vanished.fault) == (404, "NoSuchUpload", rule.id)
    assert vanished.attempt == 1  # NoSuchUpload is no error an SDK retries
    (abort,) = s3mpu.journal.requests("AbortMultipartUpload")
    assert (abort.status, abort.error_code, abort.upload_id) == (404, "NoSuchUpload", vanished.upload_id)
    assert s3mpu.journal.requests("UploadPart", part_number=3) == []
    assert s3mpu.uploads(BUCKET) == []
    assert KEY not in s3mpu.objects(BUCKET)


@pytest.mark.parametrize("apply", ["before", "after"])
def test_no_such_upload_preset_answers_with_the_upload_id_and_every_later_request_too(s3mpu, bucket, apply):
    """The request the preset fires on gets S3's 404 NoSuchUpload with its UploadId element; the upload
    is really aborted, so ListParts, UploadPart and CompleteMultipartUpload all answer NoSuchUpload
    afterwards ([LS-AWS: test_s3.py::test_multipart_no_such_upload, recorded 2026-02-21]: 404, the
    message below, ``UploadId``; issue 18: NoSuchUpload preset)."""
    client = s3mpu.client(retries=NO_RETRIES)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    first = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"a" * CHUNK)
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="NoSuchUpload", apply=apply)

    with pytest.raises(ClientError) as failed:
        client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=2, Body=b"b")
    error = failed.value.response["Error"]
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert (error["Code"], error["UploadId"]) == ("NoSuchUpload", upload_id)
    assert error["Message"] == (
        "The specified upload does not exist. The upload ID may be invalid, "
        "or the upload may have been aborted or completed."
    )
    assert rule.hits == 1
    assert s3mpu.uploads(BUCKET) == []

    parts = [{"PartNumber": 1, "ETag": first["ETag"]}]
    later = [
        lambda: client.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id),
        lambda: client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=3, Body=b"c"),
        lambda: client.complete_multipart_upload(
            Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": parts}
        ),
    ]
    for call in later:
        with pytest.raises(ClientError) as again:
            call()
        assert again.value.response["Error"]["Code"] == "NoSuchUpload"
        assert again.value.response["Error"]["UploadId"] == upload_id
    assert [(e.operation, e.status, e.fault) for e in s3mpu.journal.entries()[-4:]] == [
        ("UploadPart", 404, rule.id),
        ("ListParts", 404, None),
        ("UploadPart", 404, None),
        ("CompleteMultipartUpload", 404, None),
    ]
    assert KEY not in s3mpu.objects(BUCKET)
