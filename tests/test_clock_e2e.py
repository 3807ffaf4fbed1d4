"""The test clock through the real server (issue 17 item 2): every time S3 reports or compares follows
``s3mpu.clock`` (LastModified, Initiated, part LastModified, CreationDate, the Date header, the
if-modified-since conditions), ``GET/POST /_s3mpu/clock`` moves the same clock for non-Python suites,
and each test starts at real time again. Clients are boto3 and raw http.client (for control bodies)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError
from s3_assertions import expect_error, state

from pytest_s3mpu.handle import S3MPU, Unavailable
from pytest_s3mpu.state.clock import ClockError

UTC = dt.timezone.utc
BUCKET = "clocked"
DAY = dt.timedelta(days=1)


def at(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=UTC)


def real_now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    return s3mpu_client


def date_header(response: dict) -> dt.datetime:
    return parsedate_to_datetime(response["ResponseMetadata"]["HTTPHeaders"]["date"])


def test_put_object_last_modified_follows_an_advanced_clock(s3mpu, s3):
    """AWS API reference, HeadObject / ListObjectsV2 ``LastModified``: the time the object was created
    (written). Three days on the test clock later, a new object reports a time three days ahead in
    HeadObject, GetObject's Last-Modified and ListObjectsV2 alike, to the whole second; an object written
    before the move keeps its time."""
    s3.put_object(Bucket=BUCKET, Key="before", Body=b"old")
    earlier = s3.head_object(Bucket=BUCKET, Key="before")["LastModified"]
    start = real_now()
    s3mpu.clock.advance(days=3)
    low = s3mpu.clock.now()
    s3.put_object(Bucket=BUCKET, Key="after", Body=b"new")
    high = s3mpu.clock.now()
    head = s3.head_object(Bucket=BUCKET, Key="after")["LastModified"]
    got = s3.get_object(Bucket=BUCKET, Key="after")["LastModified"]
    listed = {o["Key"]: o["LastModified"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert start + 3 * DAY <= low <= head <= high
    assert head == got == listed["after"]
    assert head.microsecond == 0
    assert listed["before"] == earlier < start + DAY
    assert s3mpu.store.objects(BUCKET)["after"].last_modified == head


@pytest.mark.s3mpu(min_part_size=1)
def test_multipart_and_bucket_times_follow_a_frozen_clock(s3mpu, s3mpu_client):
    """AWS API reference: ListBuckets ``CreationDate``, ListMultipartUploads ``Initiated`` (when the upload
    was initiated), ListParts ``LastModified`` (when the part was uploaded) and the completed object's
    LastModified each take the clock's time at that request; a frozen clock makes them exact."""
    s3 = s3mpu_client
    s3mpu.clock.freeze(at(2031, 5, 1, 8, 0, 0))
    s3.create_bucket(Bucket=BUCKET)
    [bucket] = s3.list_buckets()["Buckets"]
    assert bucket["CreationDate"] == at(2031, 5, 1, 8, 0, 0)
    s3mpu.clock.advance(minutes=10)
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    s3mpu.clock.advance(hours=2)
    one = s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=1, Body=b"a" * 5)
    s3mpu.clock.advance(days=1)
    two = s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload_id, PartNumber=2, Body=b"b")
    [listed] = s3.list_multipart_uploads(Bucket=BUCKET)["Uploads"]
    assert listed["Initiated"] == at(2031, 5, 1, 8, 10, 0)
    parts = s3.list_parts(Bucket=BUCKET, Key="mp", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["LastModified"]) for p in parts] == [
        (1, at(2031, 5, 1, 10, 10, 0)),
        (2, at(2031, 5, 2, 10, 10, 0)),
    ]
    s3mpu.clock.advance(seconds=42)
    s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp",
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": one["ETag"]}, {"PartNumber": 2, "ETag": two["ETag"]}]
        },
    )
    assert s3.head_object(Bucket=BUCKET, Key="mp")["LastModified"] == at(2031, 5, 2, 10, 10, 42)
    assert s3mpu.server.handler_errors == []


def test_date_header_follows_the_clock_at_once(s3mpu, s3mpu_client):
    """AWS API reference, Common Response Headers: ``Date`` is when S3 responded. It is formatted once per
    clock second; a moved clock shows in the very next answer (the same real second included), and
    ``real()`` brings it back."""
    first = date_header(s3mpu_client.list_buckets())
    assert abs((first - real_now()).total_seconds()) < 5
    s3mpu.clock.freeze(at(2030, 1, 1, 0, 0, 0))
    answer = s3mpu_client.list_buckets()
    assert answer["ResponseMetadata"]["HTTPHeaders"]["date"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    s3mpu.clock.advance(seconds=1)
    assert date_header(s3mpu_client.list_buckets()) == at(2030, 1, 1, 0, 0, 1)
    with pytest.raises(ClientError):  # an error answer carries it too
        s3mpu_client.head_bucket(Bucket="no-such-bucket")
    s3mpu.clock.real()
    assert abs((date_header(s3mpu_client.list_buckets()) - real_now()).total_seconds()) < 5


def test_error_answers_carry_the_clock_date(s3mpu, s3mpu_client):
    """The Date of an error answer (NoSuchBucket) follows the clock like any other."""
    s3mpu.clock.freeze(at(2029, 7, 4, 12, 0, 0))
    with pytest.raises(ClientError) as caught:
        s3mpu_client.get_object(Bucket="no-such-bucket", Key="k")
    assert caught.value.response["ResponseMetadata"]["HTTPHeaders"]["date"] == "Wed, 04 Jul 2029 12:00:00 GMT"


@pytest.mark.parametrize("operation", ["CopyObject", "UploadPartCopy"])
def test_copy_source_if_modified_since_is_judged_against_the_moved_clock(s3mpu, s3, operation):
    """[LS-AWS: test_s3_copy_object_preconditions, recorded 23-02-2026] A copy-source if-modified-since in
    the future is ignored (the copy succeeds); one in the past after the source's LastModified fails 412.
    "Future" is the clock's: a date one day after the write is ignored at real time, and fails once the
    clock is two days on."""
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"source")
    modified = s3.head_object(Bucket=BUCKET, Key="src")["LastModified"]
    since = modified + DAY
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="dst")["UploadId"]

    def copy():
        if operation == "CopyObject":
            return s3.copy_object(
                Bucket=BUCKET, Key="dst", CopySource=f"{BUCKET}/src", CopySourceIfModifiedSince=since
            )
        return s3.upload_part_copy(
            Bucket=BUCKET,
            Key="dst",
            UploadId=upload_id,
            PartNumber=1,
            CopySource=f"{BUCKET}/src",
            CopySourceIfModifiedSince=since,
        )

    assert copy()["ResponseMetadata"]["HTTPStatusCode"] == 200
    s3mpu.clock.advance(days=2)
    before = state(s3mpu)
    expect_error(
        copy,
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        Condition="x-amz-copy-source-If-Modified-Since",
    )
    assert state(s3mpu) == before


def test_get_if_modified_since_is_judged_against_the_moved_clock(s3mpu, s3):
    """[LS-AWS: test_s3_get_object_preconditions[get_object], recorded 21-02-2026] A future If-Modified-Since
    is ignored (200 with the body); a past one not earlier than LastModified is 304. The clock decides
    which a date one day after the write is."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    since = s3.head_object(Bucket=BUCKET, Key="k")["LastModified"] + DAY
    assert s3.get_object(Bucket=BUCKET, Key="k", IfModifiedSince=since)["Body"].read() == b"data"
    s3mpu.clock.advance(days=2)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=BUCKET, Key="k", IfModifiedSince=since)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304


# -- the HTTP control endpoint ---------------------------------------------------------------------------


def control(
    s3mpu: S3MPU, method: str, body: object = None, raw: bytes | None = None, headers: dict | None = None
) -> tuple[int, object]:
    """One request to /_s3mpu/clock over http.client; the status and the parsed JSON answer."""
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method,
            "/_s3mpu/clock",
            body=payload,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_control_clock_reads_and_moves_the_same_clock(s3mpu, s3):
    """GET answers now/offset_s/frozen; POST advance_s, now (with or without frozen), frozen alone and
    real move the clock the handle and the S3 answers read, and answer its new reading."""
    status, reading = control(s3mpu, "GET")
    assert status == 200 and reading["offset_s"] == 0.0 and reading["frozen"] is False
    assert (
        abs((dt.datetime.fromisoformat(reading["now"].replace("Z", "+00:00")) - real_now()).total_seconds())
        < 5
    )

    assert control(s3mpu, "POST", {"now": "2032-02-29T23:59:00+01:00", "frozen": True}) == (
        200,
        {
            "now": "2032-02-29T22:59:00Z",
            "offset_s": pytest.approx(s3mpu.clock.offset_s, abs=5),
            "frozen": True,
        },
    )
    assert s3mpu.clock.now() == at(2032, 2, 29, 22, 59, 0)
    status, moved = control(s3mpu, "POST", {"advance_s": 90.5})
    assert (status, moved["now"], moved["frozen"]) == (200, "2032-02-29T23:00:30Z", True)
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    assert s3.head_object(Bucket=BUCKET, Key="k")["LastModified"] == at(2032, 2, 29, 23, 0, 30)
    assert control(s3mpu, "POST", {"frozen": False})[1]["frozen"] is False
    assert not s3mpu.clock.frozen
    status, flowing = control(s3mpu, "POST", {"now": "2040-01-01T00:00:00Z"})
    assert status == 200 and flowing["frozen"] is False and flowing["now"].startswith("2040-01-01T00:00:")
    status, back = control(s3mpu, "POST", {"real": True})
    assert (status, back["offset_s"], back["frozen"]) == (200, 0.0, False)
    assert s3mpu.clock.is_real


@pytest.mark.parametrize(
    ("body", "raw", "status", "message"),
    [
        ({"advance_s": "86400"}, None, 400, 'advance_s must be a number of seconds, not "86400"'),
        ({"advance_s": True}, None, 400, "advance_s must be a number of seconds, not true"),
        ({"advance_s": 1e20}, None, 400, "advance_s: the clock would read"),
        (None, b'{"advance_s": NaN}', 400, "body is not JSON: NaN is not a JSON number"),
        (None, b'{"advance_s": Infinity}', 400, "body is not JSON: Infinity is not a JSON number"),
        ({"now": "2030-01-01T00:00:00"}, None, 400, "now: '2030-01-01T00:00:00' has no timezone"),
        ({"now": "next tuesday"}, None, 400, "now: not an ISO-8601 date and time: 'next tuesday'"),
        ({"now": "1969-12-31T23:59:59Z"}, None, 400, "now: the clock would read"),
        ({"now": "2030-01-01T00:00:00Z", "real": True}, None, 400, "give one of advance_s, now and real"),
        ({"real": "yes"}, None, 400, 'real must be true, not "yes"'),
        ({"frozen": 1}, None, 400, "frozen must be true or false, not 1"),
        ({"speed": 2}, None, 400, "unknown clock field(s): speed"),
        ([{"advance_s": 1}], None, 400, "a clock change is a JSON object"),
        ({}, None, 400, "a clock change is a JSON object"),
        (None, b"", 400, "a clock change is a JSON object"),
        (None, b"\xff", 400, "body is not JSON: not UTF-8"),
        (None, b"[" * 100_000, 400, "body is not a clock change: nested too deep"),
        (None, b" " * (1024 * 1024 + 1), 413, "the body is larger than 1048576 bytes"),
    ],
)
def test_control_clock_refuses_bad_bodies_and_stays(s3mpu, body, raw, status, message):
    """A body that is no clock change is refused naming the field at fault (400; 413 over the control
    body limit), never a 500, and the clock does not move."""
    s3mpu.clock.freeze(at(2030, 6, 1))
    answer = control(s3mpu, "POST", body, raw)
    assert answer[0] == status
    assert message in answer[1]["error"]
    assert s3mpu.clock.now() == at(2030, 6, 1) and s3mpu.clock.frozen
    assert s3mpu.server.handler_errors == []


def test_control_clock_other_methods_and_origins(s3mpu):
    """DELETE is 405; a browser's cross-site POST is refused (403) like every state-changing control
    request, and the clock stays; a GET from anywhere only reads it."""
    assert control(s3mpu, "DELETE")[0] == 405
    status, _ = control(s3mpu, "POST", {"advance_s": 3600}, headers={"Origin": "http://evil.example"})
    assert status == 403
    status, _ = control(s3mpu, "POST", {"advance_s": 3600}, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    assert s3mpu.clock.is_real
    assert control(s3mpu, "GET", headers={"Origin": "http://evil.example"})[0] == 200


def test_concurrent_control_advances_all_count(s3mpu):
    """Advances sent at once from 6 clients over HTTP all count: 6 x 10 advances of one minute = one hour."""
    s3mpu.clock.freeze(at(2030, 1, 1))
    failures: list[object] = []

    def advance() -> None:
        for _ in range(10):
            answer = control(s3mpu, "POST", {"advance_s": 60})
            if answer[0] != 200:
                failures.append(answer)

    threads = [threading.Thread(target=advance) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert s3mpu.clock.now() == at(2030, 1, 1, 1, 0, 0)


# -- each test starts at real time -------------------------------------------------------------------------


def test_the_next_test_starts_at_real_time(pytester: pytest.Pytester) -> None:
    """Issue 17 item 2: the clock is reset at each test's setup like the rest of the state. A test that
    moves the clock far away and freezes it, and one that fails after moving it, leave the next test at
    real time, writing objects with the real time."""
    pytester.makepyfile(
        """
        import datetime as dt

        def test_moves_the_clock(s3mpu):
            s3mpu.clock.advance(days=3650)
            s3mpu.clock.freeze()
            assert s3mpu.clock.now().year >= 2035

        def test_moves_and_fails(s3mpu):
            s3mpu.clock.set(dt.datetime(1999, 12, 31, tzinfo=dt.timezone.utc))
            assert False, "fails on purpose"

        def test_real_again(s3mpu, s3mpu_client):
            assert s3mpu.clock.is_real and not s3mpu.clock.frozen
            s3mpu_client.create_bucket(Bucket="bkt")
            s3mpu_client.put_object(Bucket="bkt", Key="k", Body=b"x")
            written = s3mpu_client.head_object(Bucket="bkt", Key="k")["LastModified"]
            assert abs((written - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 60
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)


# -- against an external s3mpu server ----------------------------------------------------------------------

EXTERNAL = """
import datetime as dt

def test_moves_the_server_clock(s3mpu, s3mpu_client):
    assert s3mpu.is_external
    s3mpu.clock.freeze(dt.datetime(2033, 3, 3, tzinfo=dt.timezone.utc))
    s3mpu.clock.advance(hours=1)
    s3mpu_client.create_bucket(Bucket="ext-clock")
    s3mpu_client.put_object(Bucket="ext-clock", Key="k", Body=b"x")
    head = s3mpu_client.head_object(Bucket="ext-clock", Key="k")
    assert head["LastModified"] == dt.datetime(2033, 3, 3, 1, tzinfo=dt.timezone.utc)
    assert s3mpu.clock.now() == head["LastModified"] and s3mpu.clock.frozen

def test_refusal_is_a_clock_error(s3mpu):
    from pytest_s3mpu.state.clock import ClockError
    import pytest
    with pytest.raises(ClockError, match="has no timezone"):
        s3mpu.clock.set(dt.datetime(2030, 1, 1))
    with pytest.raises(ClockError, match="outside the range"):
        s3mpu.clock.advance(days=10**7)

def test_clock_is_real_again(s3mpu):
    assert not s3mpu.clock.frozen
    assert abs(s3mpu.clock.offset_s) < 60
"""


@pytest.fixture
def standalone_server() -> Iterator[str]:
    """``python -m pytest_s3mpu --port 0`` in its own process; every wait is bounded."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("pytest-s3mpu serving on "), line
        yield line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_external_endpoint_moves_the_server_clock(pytester, standalone_server, monkeypatch):
    """With ``--s3mpu-endpoint`` pointing at a standalone s3mpu server, ``s3mpu.clock`` moves that server's
    clock over ``/_s3mpu/clock``; a moved clock goes back to real time when the test ends."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "external-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "external-secret")
    pytester.makepyfile(EXTERNAL)
    result = pytester.runpytest_subprocess("--s3mpu-endpoint", standalone_server, "-p", "no:randomly")
    result.assert_outcomes(passed=3)


class _NotS3mpu(BaseHTTPRequestHandler):
    """An endpoint with no /_s3mpu/ (as real S3 or MinIO): 404 for everything."""

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_external_endpoint_without_a_clock_is_unavailable():
    """Against an endpoint that is not an s3mpu server the clock raises ``Unavailable`` (the plugin skips
    such a test, as it does for fault injection), not a confusing HTTP error."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotS3mpu)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        handle = S3MPU.external(f"http://127.0.0.1:{server.server_address[1]}", "us-east-1")
        with pytest.raises(Unavailable, match=r"the test clock is not available at .*/_s3mpu/clock"):
            handle.clock.advance(days=1)
        with pytest.raises(Unavailable):
            handle.clock.now()
        with pytest.raises(ClockError):  # refused before anything is sent
            handle.clock.set(dt.datetime(2030, 1, 1))
        handle.clock_to_real()  # nothing was moved: nothing is sent, nothing raised
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
