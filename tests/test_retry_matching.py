"""Fault rules that match on the retry: ``attempt`` (from the SDK's ``amz-sdk-request: attempt=N; max=M``
header) and ``headers`` (name -> glob, ``*`` meaning present), in the Python API, the marker, the HTTP
control endpoint and --faults files alike; through the real server with boto3/s3transfer's own retry
logic, asserting from the journal what the client did (issue 18)."""

from __future__ import annotations

import io
import json
from urllib.request import Request, urlopen

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from pytest_s3mpu.harness.faults import FaultInjector, FaultRule, FaultSpecError, RequestInfo

MIB = 1024 * 1024
BUCKET = "retry-bucket"
RETRIES = {"max_attempts": 3, "mode": "standard"}


# -- the rule fields ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"attempt": "1"}, "attempt must be an integer or a list of integers, not '1'"),
        ({"attempt": True}, "attempt must be an integer or a list of integers"),
        ({"attempt": [1, "2"]}, "attempt must be an integer or a list of integers"),
        ({"attempt": []}, "attempt must be an integer or a list of integers"),
        ({"attempt": 0}, "attempt must be from 1 to 1000, not 0"),
        ({"attempt": [1, 1001]}, "attempt must be from 1 to 1000"),
        ({"headers": "content-md5"}, "headers must be an object of header name to glob"),
        ({"headers": {}}, "headers must be an object of header name to glob"),
        ({"headers": {"x-amz-checksum-crc32": 1}}, "headers: the glob for 'x-amz-checksum-crc32' must be"),
        ({"headers": {"bad\nname": "*"}}, "headers: a header name must be printable ASCII"),
    ],
)
def test_wrong_types_are_refused_naming_the_field(spec, message):
    """A value of the wrong type or range is refused with a message naming the field (as every other field
    is), never kept as a rule that silently never fires."""
    with pytest.raises(FaultSpecError, match=message.replace("(", r"\(").replace("[", r"\[")):
        FaultInjector().add(operation="UploadPart", preset="InternalError", **spec)


def test_attempt_and_headers_match_as_documented():
    """``attempt`` is one number or a list; ``headers`` are case-insensitive names whose values match a
    glob, ``*`` meaning only that the header is present; a request without the SDK header has no attempt."""
    rule = FaultRule(operation="*", preset="SlowDown", attempt=[1, 3], headers={"X-Amz-Checksum-*": "*"})
    assert rule._attempts == (1, 3)
    from pytest_s3mpu.app.request_fields import RequestHeaders

    crc = RequestHeaders({"x-amz-checksum-*": "abc"})
    assert rule.matches(RequestInfo("PutObject", attempt=1, headers=crc))
    assert rule.matches(RequestInfo("PutObject", attempt=3, headers=crc))
    assert not rule.matches(RequestInfo("PutObject", attempt=2, headers=crc))
    assert not rule.matches(RequestInfo("PutObject", attempt=None, headers=crc))
    glob = FaultRule(operation="*", preset="SlowDown", headers={"user-agent": "Boto3/*"})
    assert glob.matches(RequestInfo("PutObject", headers=RequestHeaders({"user-agent": "Boto3/1.4 md/x"})))
    assert not glob.matches(RequestInfo("PutObject", headers=RequestHeaders({"user-agent": "aws-cli/2"})))
    assert not glob.matches(RequestInfo("PutObject", headers=RequestHeaders({})))
    assert rule.to_json()["attempt"] == [1, 3]
    assert rule.to_json()["headers"] == {"X-Amz-Checksum-*": "*"}


# -- through the real server --------------------------------------------------------------------------------


def test_first_attempt_of_every_part_fails_and_s3transfer_retries_each_once(s3mpu, random_bytes):
    """A rule failing attempt 1 of every UploadPart (InternalError, times=null): s3transfer's upload_fileobj
    retries each part once, so the journal shows attempts [1, 2] for every part, one invocation id per
    part; Create and Complete are untouched and the object is byte-exact (issue 18)."""
    s3mpu.create_bucket(BUCKET)
    chunk = 5 * MIB
    data = random_bytes(2 * chunk + 1024)
    rule = s3mpu.faults.add(operation="UploadPart", attempt=1, preset="InternalError", times=None)
    config = TransferConfig(multipart_threshold=chunk, multipart_chunksize=chunk, max_concurrency=3)

    s3mpu.client(retries=RETRIES).upload_fileobj(io.BytesIO(data), BUCKET, "big", Config=config)

    journal = s3mpu.journal
    for number in (1, 2, 3):
        entries = journal.requests("UploadPart", part_number=number)
        assert [e.attempt for e in entries] == [1, 2]
        assert [(e.status, e.fault, e.fault_action) for e in entries] == [
            (500, rule.id, "error"),
            (200, None, None),
        ]
        assert len({e.invocation_id for e in entries}) == 1
    assert rule.hits == 3
    assert journal.attempts("CreateMultipartUpload") == [1]
    assert journal.attempts("CompleteMultipartUpload") == [1]
    assert s3mpu.object_bytes(BUCKET, "big") == data


def test_a_rule_for_requests_carrying_a_checksum_header(s3mpu):
    """``headers: {"x-amz-checksum-crc32": "*"}``: only the PutObject that carries a CRC32 checksum
    fails; one sent with SHA256 passes untouched (boto3's ChecksumAlgorithm picks the header)."""
    s3mpu.create_bucket(BUCKET)
    rule = s3mpu.faults.add(
        operation="PutObject", headers={"x-amz-checksum-crc32": "*"}, preset="SlowDown", times=None
    )
    client = s3mpu.client(retries={"total_max_attempts": 1})
    client.put_object(Bucket=BUCKET, Key="sha", Body=b"data", ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError) as caught:
        client.put_object(Bucket=BUCKET, Key="crc", Body=b"data", ChecksumAlgorithm="CRC32")
    assert caught.value.response["Error"]["Code"] == "SlowDown"
    puts = s3mpu.journal.requests("PutObject")
    assert [(e.key, e.status, e.fault) for e in puts] == [("sha", 200, None), ("crc", 503, rule.id)]
    assert puts[1].header("x-amz-checksum-crc32") is not None
    assert set(s3mpu.objects(BUCKET)) == {"sha"}


def test_header_glob_on_a_value(s3mpu):
    """A glob on the value: only GetObject with a Range starting at byte 0 is slowed down, once; boto3
    retries it and the other range is answered at once."""
    s3mpu.create_bucket(BUCKET)
    client = s3mpu.client(retries=RETRIES)
    client.put_object(Bucket=BUCKET, Key="k", Body=b"0123456789")
    rule = s3mpu.faults.add(operation="GetObject", headers={"range": "bytes=0-*"}, preset="SlowDown")
    assert client.get_object(Bucket=BUCKET, Key="k", Range="bytes=5-9")["Body"].read() == b"56789"
    assert client.get_object(Bucket=BUCKET, Key="k", Range="bytes=0-4")["Body"].read() == b"01234"
    gets = s3mpu.journal.requests("GetObject")
    assert [(e.header("range"), e.attempt, e.status) for e in gets] == [
        ("bytes=5-9", 1, 206),
        ("bytes=0-4", 1, 503),
        ("bytes=0-4", 2, 206),
    ]
    assert rule.hits == 1


@pytest.mark.s3mpu_fault(operation="PutObject", attempt=[1, 2], preset="InternalError", times=None)
def test_the_marker_takes_attempt_lists(s3mpu):
    """The marker takes the same fields: attempts 1 and 2 fail, boto3's third attempt succeeds."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.client(retries=RETRIES).put_object(Bucket=BUCKET, Key="k", Body=b"x")
    puts = s3mpu.journal.requests("PutObject")
    assert [(e.attempt, e.status) for e in puts] == [(1, 500), (2, 500), (3, 200)]


def _post(url: str, body: object) -> tuple[int, object]:
    request = Request(url, data=json.dumps(body).encode(), method="POST")
    try:
        with urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except Exception as exc:  # urllib's HTTPError carries the 400 answer
        return exc.code, json.loads(exc.read())  # type: ignore[attr-defined]


def test_control_endpoint_takes_and_checks_the_fields(s3mpu):
    """POST /_s3mpu/faults takes attempt and headers as JSON and answers them back; a wrong type is 400
    naming the field, and nothing is added."""
    url = f"{s3mpu.endpoint_url}/_s3mpu/faults"
    status, rules = _post(url, {"operation": "UploadPart", "attempt": [1], "headers": {"content-md5": "*"},
                                "preset": "InternalError"})  # fmt: skip
    assert status == 200
    assert (rules[0]["attempt"], rules[0]["headers"]) == ([1], {"content-md5": "*"})
    status, refused = _post(url, {"operation": "UploadPart", "attempt": "first", "preset": "InternalError"})
    assert status == 400
    assert refused["error"].startswith("attempt must be an integer or a list of integers")
    assert len(s3mpu.faults) == 1


def test_faults_file_takes_the_fields(tmp_path):
    """``s3mpu --faults FILE.json`` loads attempt and headers; a file with a wrong one loads nothing."""
    from pytest_s3mpu import S3Server
    from pytest_s3mpu.__main__ import load_faults

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('[{"operation": "UploadPart", "attempt": 1, "headers": {"x-amz-checksum-crc32": "*"},'
                    ' "preset": "SlowDown", "times": null}]')  # fmt: skip
    bad.write_text('{"operation": "UploadPart", "headers": ["x"], "preset": "SlowDown"}')
    server = S3Server()
    load_faults(server, str(good), None)
    (loaded,) = server.faults.rules()
    assert (loaded.attempt, loaded.headers, loaded.times) == (1, {"x-amz-checksum-crc32": "*"}, None)
    with pytest.raises(FaultSpecError, match="headers must be an object"):
        load_faults(server, str(bad), None)
    assert len(server.faults) == 1
