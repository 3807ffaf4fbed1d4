"""A long-running server's state stays bounded, and what it writes stays S3's, whatever clients send.

Issue 15 items 1, 2, 6, 8 and 9 (and the fault-field types of issue 19 item 3 / issue 18), each through
the real server on 127.0.0.1 with raw ``http.client`` (what boto3 cannot send) or boto3: bugs kept few and
summarised, the journal bounded by bytes, fault rules validated field by field, per-key bookkeeping
dropped once no retried Complete can need it, control characters in keys written as S3 writes them. Every
loop is bounded in count; sockets have timeouts. Memory figures live in ``bench/memory.py``, not here.
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
from botocore.exceptions import ClientError

from pytest_s3mpu.__main__ import load_faults
from pytest_s3mpu.harness import bugs, journal
from pytest_s3mpu.harness.faults import FaultSpecError
from pytest_s3mpu.s3server import S3Server

BUCKET = "hostile-state"
TIMEOUT = 10
NO_RETRIES = {"total_max_attempts": 1}


def call(
    server: S3Server, method: str, path: str, body: bytes | str = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def control(server: S3Server, method: str, resource: str, body: bytes | str = b"") -> tuple[int, Any]:
    status, data = call(server, method, f"/_s3mpu/{resource}", body)
    return status, json.loads(data)


@pytest.fixture
def server() -> Iterator[S3Server]:
    """A server of its own, like a standalone one: nothing resets it between requests."""
    with S3Server(min_part_size=1) as running:
        running.store.create_bucket(BUCKET)
        yield running


# -- item 1: the server's bugs ------------------------------------------------------------------------


def test_bugs_are_kept_few_summarised_reported_and_reset(server):
    """Each 500 of a bug of ours is kept as text (operation, type, message, traceback), only the newest
    ``bugs.KEPT`` of them, none holding the request's body; ``GET /_s3mpu/errors`` reports them and
    ``POST /_s3mpu/reset`` (and ``DELETE /_s3mpu/errors``) forgets them (issue 15 item 1)."""
    body = b"b" * (256 * 1024)

    def broken(*args: Any, **kwargs: Any) -> None:
        held = bytes(args[2].data)  # a frame that holds the body, as a handler's frame does
        raise RuntimeError(f"bug with {len(held)} bytes in hand")

    server.store.put_object = broken  # type: ignore[method-assign]
    sent = bugs.KEPT + 10
    for number in range(sent):
        assert call(server, "PUT", f"/{BUCKET}/k{number}", body)[0] == 500

    kept = server.handler_errors
    assert len(kept) == bugs.KEPT
    assert [bug.seq for bug in kept] == list(range(sent - bugs.KEPT + 1, sent + 1))
    assert {(bug.operation, bug.type, bug.message) for bug in kept} == {
        ("PutObject", "RuntimeError", f"bug with {len(body)} bytes in hand")
    }
    assert all(isinstance(bug.traceback, str) and "in broken" in bug.traceback for bug in kept)
    assert all(len(bug.traceback) <= bugs.TRACEBACK_CHARS + 3 for bug in kept)

    status, reported = control(server, "GET", "errors")
    assert status == 200
    assert [entry["seq"] for entry in reported] == [bug.seq for bug in kept]
    assert set(reported[0]) == {"seq", "time", "operation", "type", "message", "traceback"}
    assert control(server, "POST", "reset") == (200, {"status": "reset"})
    assert control(server, "GET", "errors") == (200, [])
    assert server.handler_errors == []

    server.store.create_bucket(BUCKET)
    assert call(server, "PUT", f"/{BUCKET}/again", body)[0] == 500
    assert control(server, "DELETE", "errors") == (200, [])
    assert server.handler_errors == []


# -- item 2: the journal's bytes --------------------------------------------------------------------------


def test_journal_cuts_long_fields_and_keeps_within_its_bytes():
    """A text field over ``journal.FIELD_CHARS`` characters (a key S3 refuses as too long, an SDK
    invocation id of any length) is kept cut, saying so; past ``journal_max_bytes`` the oldest entries go,
    and the newest stays (issue 15 item 2). Heads stay under 8 KiB, S3's limit on request heads."""
    max_bytes = 64 * 1024
    long_key = "k" * 3000
    invocation = "i" * 3000
    with S3Server(journal_max_bytes=max_bytes) as server:
        server.store.create_bucket(BUCKET)
        sent = 200
        for number in range(sent):
            status, _ = call(
                server, "GET", f"/{BUCKET}/{number}{long_key}", headers={"amz-sdk-invocation-id": invocation}
            )
            assert 400 <= status < 500  # no such key
        entries = server.journal.entries()
        assert 0 < len(entries) < sent
        assert server.journal.kept_bytes <= max_bytes
        newest = entries[-1]
        assert newest.seq == sent
        cut = journal.FIELD_CHARS
        assert newest.key == f"{sent - 1}{long_key}"[:cut] + f"...[cut: {len(long_key) + 3} characters]"
        assert newest.invocation_id == invocation[:cut] + f"...[cut: {len(invocation)} characters]"
        _, listed = control(server, "GET", "journal")
        assert listed[-1]["invocation_id"] == newest.invocation_id


# -- item 6: fault rules, field by field --------------------------------------------------------------


BAD_RULES = [
    ('{"operation": "GetObject", "key": 123}', "key"),
    ('{"operation": "GetObject", "status": "abc", "code": "Broken"}', "status"),
    ('{"operation": "GetObject", "status": 99999, "code": "Broken"}', "status"),
    ('{"operation": "GetObject", "status": 200, "code": "Broken"}', "status"),
    ('{"operation": "GetObject", "preset": "SlowDown", "code": "Bad Code<"}', "code"),
    ('{"operation": "GetObject", "action": "delay", "delay_s": 1e999}', "delay_s"),
    ('{"operation": "GetObject", "action": "delay", "delay_s": 86400}', "delay_s"),
    ('{"operation": "GetObject", "action": "delay", "delay_s": NaN}', "NaN"),
    ('{"operation": "GetObject", "action": "delay", "delay_s": -Infinity}', "Infinity"),
    ('{"operation": "GetObject", "action": "delay", "delay_s": "1"}', "delay_s"),
    ('{"operation": "UploadPart", "part_number": "2", "preset": "SlowDown"}', "part_number"),
    ('{"operation": "UploadPart", "part_number": 0, "preset": "SlowDown"}', "part_number"),
    ('{"operation": "UploadPart", "part_number": true, "preset": "SlowDown"}', "part_number"),
    ('{"operation": "GetObject", "preset": "SlowDown", "times": "2"}', "times"),
    ('{"operation": "GetObject", "preset": "SlowDown", "times": 1.5}', "times"),
    ('{"operation": "GetObject", "preset": "SlowDown", "skip": null}', "skip"),
    ('{"operation": "GetObject", "preset": "SlowDown", "probability": "0.5"}', "probability"),
    ('{"operation": "GetObject", "preset": "SlowDown", "seed": "7"}', "seed"),
    ('{"operation": "GetObject", "preset": "SlowDown", "retry_after": -1}', "retry_after"),
    ('{"operation": "GetObject", "preset": "SlowDown", "id": 5}', "id"),
    ('{"operation": ["GetObject"], "preset": "SlowDown"}', "operation"),
    ('{"operation": "GetObject", "preset": "SlowDown", "bucket": {"b": 1}}', "bucket"),
    (
        '{"operation": "CompleteMultipartUpload", "action": "embedded_error", "whitespace_first": "yes"}',
        "whitespace_first",
    ),
    ('{"operation": "GetObject", "action": "truncate", "truncate_at": NaN}', "NaN"),
]


@pytest.mark.parametrize(("body", "field"), BAD_RULES)
def test_control_refuses_each_ill_typed_or_out_of_range_field(server, body, field):
    """A rule with a field of the wrong type, out of range or not finite is answered 400 naming the field
    (or the JSON constant), adds nothing, and leaves GetObject and ``GET /_s3mpu/faults`` working: before,
    ``"key": 123`` made every GetObject a 500, ``"status": "abc"`` dropped connections, NaN made the rule
    list invalid JSON (issue 15 item 6; issue 19 item 3)."""
    assert call(server, "PUT", f"/{BUCKET}/k", b"data")[0] == 200
    status, answer = control(server, "POST", "faults", body)
    assert status == 400
    assert field in answer["error"]
    assert control(server, "GET", "faults") == (200, [])
    assert call(server, "GET", f"/{BUCKET}/k") == (200, b"data")


def test_control_refuses_oversized_and_deeply_nested_bodies(server):
    """A body over 1 MiB is answered 413 unread, one nested 100,000 deep 400; neither drops the
    connection nor adds a rule, and the server answers the next request (issue 15 item 6)."""
    big = json.dumps({"operation": "GetObject", "preset": "SlowDown", "message": "m" * (2 * 1024 * 1024)})
    status, answer = control(server, "POST", "faults", big)
    assert status == 413
    assert "larger than" in answer["error"]
    status, answer = control(server, "POST", "faults", "[" * 100_000 + "]" * 100_000)
    assert status == 400
    assert "deep" in answer["error"]
    status, answer = control(server, "POST", "faults", '[[{"operation": "GetObject", "preset": "SlowDown"}]]')
    assert status == 400
    assert control(server, "GET", "faults") == (200, [])
    assert call(server, "GET", f"/{BUCKET}/missing")[0] == 404


def test_python_api_and_faults_file_name_the_ill_typed_field(s3mpu, tmp_path):
    """``s3mpu.faults.add(part_number="2")`` and a ``--faults`` file with ``"times": "2"`` are refused with
    a FaultSpecError that names the field; before, the first was a rule that never fired and the second an
    error that named nothing (issue 19 item 3; issue 18)."""
    with pytest.raises(FaultSpecError, match="part_number must be an integer"):
        s3mpu.faults.add(operation="UploadPart", part_number="2", preset="SlowDown")
    with pytest.raises(FaultSpecError, match="times must be an integer"):
        s3mpu.faults.add(operation="UploadPart", times="2", preset="SlowDown")
    rules = tmp_path / "faults.json"
    rules.write_text(json.dumps([{"operation": "PutObject", "preset": "SlowDown", "times": "2"}]))
    with S3Server() as standalone:
        with pytest.raises(FaultSpecError, match="times"):
            load_faults(standalone, str(rules), seed=None)
        assert standalone.faults.rules() == []
    assert s3mpu.faults.rules() == []


def test_fault_marker_with_an_ill_typed_field_is_a_usage_error(pytester):
    """``@pytest.mark.s3mpu_fault(part_number="2", ...)`` stops the run naming the field, instead of running
    the test with a rule that never fires (issue 19 item 3)."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.s3mpu_fault(operation="UploadPart", part_number="2", preset="SlowDown")
        def test_marked(s3mpu):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*s3mpu_fault marker: part_number must be an integer or null, not '2'*"])
    assert result.ret != 0


# -- item 8: per-key bookkeeping ------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=1)
def test_churned_keys_leave_no_bookkeeping(s3mpu, s3mpu_client):
    """Keys written then deleted (PutObject, CopyObject, a completed upload) and uploads aborted leave no
    per-key bookkeeping; what remains is one entry per key with an object or an open upload (issue 15
    item 8: before, every key ever written stayed until reset)."""
    s3 = s3mpu_client
    s3mpu.create_bucket(BUCKET)
    for number in range(40):
        s3.put_object(Bucket=BUCKET, Key=f"put/{number}", Body=b"x")
        s3.copy_object(
            Bucket=BUCKET, Key=f"copy/{number}", CopySource={"Bucket": BUCKET, "Key": f"put/{number}"}
        )
        s3.delete_object(Bucket=BUCKET, Key=f"put/{number}")
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": f"copy/{n}"} for n in range(40)]})
    for number in range(10):
        key = f"mpu/{number}"
        upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        etag = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1, Body=b"p")["ETag"]
        s3.complete_multipart_upload(
            Bucket=BUCKET,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
        s3.delete_object(Bucket=BUCKET, Key=key)
        aborted = s3.create_multipart_upload(Bucket=BUCKET, Key=f"aborted/{number}")["UploadId"]
        s3.abort_multipart_upload(Bucket=BUCKET, Key=f"aborted/{number}", UploadId=aborted)
    assert s3mpu.store.tracked_keys(BUCKET) == set()

    s3.put_object(Bucket=BUCKET, Key="kept", Body=b"x")
    s3.create_multipart_upload(Bucket=BUCKET, Key="open")
    assert s3mpu.store.tracked_keys(BUCKET) == {"kept", "open"}


@pytest.mark.s3mpu(min_part_size=1)
def test_retried_complete_answers_stay_s3s_with_bookkeeping_dropped(s3mpu, s3mpu_client):
    """What the kept bookkeeping is for still holds: a retried Complete answers the same result while its
    object is current and NoSuchUpload once it is deleted (spec §5.4; moto-AWS test_idempotent_multipart_
    upload); a key written and deleted while an upload is open still makes that upload's conditional
    Complete a 409 ConditionalRequestConflict, though no object is left at the key (spec §5.3; LS-AWS:
    test_multipart_if_none_match_with_delete)."""
    s3 = s3mpu_client
    s3mpu.create_bucket(BUCKET)

    def upload(key: str) -> tuple[str, dict[str, Any]]:
        upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
        etag = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=1, Body=b"p")["ETag"]
        return upload_id, {"Parts": [{"PartNumber": 1, "ETag": etag}]}

    upload_id, parts = upload("done")
    first = s3.complete_multipart_upload(Bucket=BUCKET, Key="done", UploadId=upload_id, MultipartUpload=parts)
    again = s3.complete_multipart_upload(Bucket=BUCKET, Key="done", UploadId=upload_id, MultipartUpload=parts)
    assert (again["ETag"], again["Key"]) == (first["ETag"], "done")
    s3.delete_object(Bucket=BUCKET, Key="done")
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket=BUCKET, Key="done", UploadId=upload_id, MultipartUpload=parts)
    assert caught.value.response["Error"]["Code"] == "NoSuchUpload"

    upload_id, parts = upload("raced")
    s3.put_object(Bucket=BUCKET, Key="raced", Body=b"x")
    s3.delete_object(Bucket=BUCKET, Key="raced")
    assert "raced" in s3mpu.store.tracked_keys(BUCKET)
    client = s3mpu.client(retries=NO_RETRIES)
    with pytest.raises(ClientError) as caught:
        client.complete_multipart_upload(
            Bucket=BUCKET, Key="raced", UploadId=upload_id, MultipartUpload=parts, IfNoneMatch="*"
        )
    assert caught.value.response["Error"]["Code"] == "ConditionalRequestConflict"
    s3.abort_multipart_upload(Bucket=BUCKET, Key="raced", UploadId=upload_id)
    assert s3mpu.store.tracked_keys(BUCKET) == set()


# -- item 9: control characters in keys -----------------------------------------------------------------

CONTROL_KEY = "a\x01b\rc\x1bd"
CONTROL_KEY_IN_URL = "a%01b%0Dc%1Bd"
CONTROL_KEY_IN_XML = b"a&#x1;b\rc&#x1b;d"


def test_control_characters_in_keys_are_written_as_s3_writes_them(server):
    """C0 control characters in a key are written as S3 writes them, a lower-case hex character reference
    (``a&#x19;&#x7;`` in an AWS ListObjects answer quoted in minio/minio-py#716, ``&#x1b;`` in
    aws/aws-sdk-php#169, ``&#x3;`` in an InitiateMultipartUploadResult in aws/aws-sdk-go#5056);
    CR is written as it is (AWS answer in boto/boto#23). XML 1.0 parsers refuse such a document, as they
    refuse S3's: S3's user guide ("XML related object key constraints") has clients list with
    encoding-type=url, which percent-encodes them (issue 15 item 9)."""
    assert call(server, "PUT", f"/{BUCKET}/{CONTROL_KEY_IN_URL}", b"x")[0] == 200
    status, listing = call(server, "GET", f"/{BUCKET}?list-type=2")
    assert status == 200
    assert b"<Key>" + CONTROL_KEY_IN_XML + b"</Key>" in listing
    assert b"\x01" not in listing and b"\x1b" not in listing
    with pytest.raises(ET.ParseError):
        ET.fromstring(listing)
    status, initiated = call(server, "POST", f"/{BUCKET}/{CONTROL_KEY_IN_URL}?uploads")
    assert status == 200
    assert b"<Key>" + CONTROL_KEY_IN_XML + b"</Key>" in initiated
    status, encoded = call(server, "GET", f"/{BUCKET}?list-type=2&encoding-type=url")
    assert status == 200
    assert ET.fromstring(encoded).find("{*}Contents/{*}Key").text == "a%01b%0Dc%1Bd"


def test_boto3_lists_control_character_keys_exactly(s3mpu, s3mpu_server, s3mpu_client):
    """boto3 lists objects with encoding-type=url (as S3's guide advises), uploads when asked to, so a key
    with control characters and a CR comes back exactly (issue 15 item 9). The upload is created over raw
    HTTP: S3's InitiateMultipartUploadResult carries ``&#x3;`` as it is (aws/aws-sdk-go#5056), which
    botocore cannot parse (boto/botocore#3496), and neither can it here."""
    s3mpu.create_bucket(BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key=CONTROL_KEY, Body=b"x")
    assert call(s3mpu_server, "POST", f"/{BUCKET}/{CONTROL_KEY_IN_URL}?uploads")[0] == 200
    listed = s3mpu_client.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert [entry["Key"] for entry in listed] == [CONTROL_KEY]
    uploads = s3mpu_client.list_multipart_uploads(Bucket=BUCKET, EncodingType="url")["Uploads"]
    assert [unquote(entry["Key"]) for entry in uploads] == [CONTROL_KEY]  # botocore decodes object lists only
    assert s3mpu_client.get_object(Bucket=BUCKET, Key=CONTROL_KEY)["Body"].read() == b"x"
