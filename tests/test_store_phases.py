"""Check, then commit (#16 item 5): a Complete assembles its parts outside the store's lock, so other
requests are answered meanwhile, and its commit re-checks what can have changed in between.

Through the real server with boto3. The probe wraps ``multipart.assemble`` (the real one still runs) to
send one request from inside the assembly, on its own connection, with a bounded timeout: while the lock
was held for the whole Complete that request could not be answered until the Complete returned.

What each race must answer follows from S3's rules in *some* serial order (spec §3: a part replaces the
earlier one with its number; §5.1: Complete checks the listed parts' ETags; §5.3: If-None-Match;
§6: Abort forgets the upload): the request sent during the assembly comes first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_s3mpu.state import multipart
from pytest_s3mpu.state.checksums import Algorithm, compute
from pytest_s3mpu.state.model import Payload

BUCKET = "phases"
KEY = "big"
PROBE_TIMEOUT = 10.0

pytestmark = pytest.mark.s3mpu(min_part_size=1)


def _payload(data: bytes) -> Payload:
    return Payload(
        data=data,
        md5=hashlib.md5(data).digest(),
        digests={Algorithm.CRC64NVME: compute(Algorithm.CRC64NVME, data)},
    )


def _upload_parts(s3mpu: Any, upload_id: str, count: int) -> list[dict[str, Any]]:
    """``count`` one-byte parts stored directly (the setup; the request under test goes over HTTP)."""
    listed = []
    for number in range(1, count + 1):
        data = bytes([number % 251])
        s3mpu.store.upload_part(BUCKET, KEY, upload_id, str(number), _payload(data))
        listed.append({"PartNumber": number, "ETag": f'"{hashlib.md5(data).hexdigest()}"'})
    return listed


def _during_assembly(monkeypatch: pytest.MonkeyPatch, request: Callable[[], Any]) -> list[list[object]]:
    """Send ``request`` once, from a thread started inside the first assembly, and wait for it there (at
    most PROBE_TIMEOUT). Returns [[its answer or error code]] if it was answered while the Complete was
    still assembling, [[]] if it was held up until the Complete let go of the lock."""
    real = multipart.assemble
    outcome: list[object] = []
    seen: list[list[object]] = []
    started = threading.Event()

    def run() -> None:
        try:
            outcome.append(request())
        except ClientError as error:
            outcome.append(error.response["Error"]["Code"])

    def probing(*args: Any, **kwargs: Any) -> Any:
        if not started.is_set():  # once: the request may be a Complete that assembles too
            started.set()
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            thread.join(PROBE_TIMEOUT)
            seen.append(list(outcome))
        return real(*args, **kwargs)

    monkeypatch.setattr(multipart, "assemble", probing)
    return seen


@pytest.fixture
def s3(s3mpu: Any) -> Any:
    s3mpu.create_bucket(BUCKET)
    return s3mpu.client(retries={"max_attempts": 1}, read_timeout=PROBE_TIMEOUT * 3)


def _complete(s3: Any, upload_id: str, parts: list[dict[str, Any]], **extra: Any) -> Any:
    return s3.complete_multipart_upload(
        Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload={"Parts": parts}, **extra
    )


def test_another_upload_is_answered_while_a_10000_part_complete_assembles(s3mpu, s3, monkeypatch):
    """An UploadPart and a ListParts of another upload are answered during a 10,000-part Complete's
    assembly; the Complete then succeeds with all 10,000 parts (spec §5.1, §5.2)."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    other = s3.create_multipart_upload(Bucket=BUCKET, Key="other")["UploadId"]
    parts = _upload_parts(s3mpu, upload_id, 10_000)
    other_client = s3mpu.client(retries={"max_attempts": 1}, read_timeout=PROBE_TIMEOUT)

    def other_requests() -> tuple[str, int]:
        etag = other_client.upload_part(Bucket=BUCKET, Key="other", UploadId=other, PartNumber=1, Body=b"o")
        listed = other_client.list_parts(Bucket=BUCKET, Key="other", UploadId=other)
        return etag["ETag"], len(listed["Parts"])

    probes = _during_assembly(monkeypatch, other_requests)
    result = _complete(s3, upload_id, parts)
    assert probes == [[(f'"{hashlib.md5(b"o").hexdigest()}"', 1)]]
    expected = hashlib.md5(b"".join(hashlib.md5(bytes([n % 251])).digest() for n in range(1, 10_001)))
    assert result["ETag"] == f'"{expected.hexdigest()}-10000"'
    assert s3mpu.object_bytes(BUCKET, KEY) == bytes(n % 251 for n in range(1, 10_001))
    assert [u.upload_id for u in s3mpu.uploads(BUCKET)] == [other]


def test_a_part_replaced_during_the_assembly_is_not_lost(s3mpu, s3, monkeypatch):
    """A listed part replaced while Complete assembles: the UploadPart came first, so Complete sees the
    new part, whose ETag is not the listed one: InvalidPart (spec §3, §5.1 step 9a), and the upload stays
    open with the new part. Assembling the old parts would silently drop an acknowledged UploadPart."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    parts = _upload_parts(s3mpu, upload_id, 3)
    probes = _during_assembly(
        monkeypatch,
        lambda: s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=2, Body=b"new")["ETag"],
    )
    with pytest.raises(ClientError) as caught:
        _complete(s3, upload_id, parts)
    assert probes == [[f'"{hashlib.md5(b"new").hexdigest()}"']]
    assert caught.value.response["Error"]["Code"] == "InvalidPart"
    assert caught.value.response["Error"]["PartNumber"] == "2"
    assert s3mpu.parts(upload_id)[2].etag == hashlib.md5(b"new").hexdigest()
    assert KEY not in s3mpu.objects(BUCKET)


def test_an_abort_during_the_assembly_wins(s3mpu, s3, monkeypatch):
    """Aborted while Complete assembles: the Abort came first, so Complete answers NoSuchUpload (spec §6)
    and no object is made."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    parts = _upload_parts(s3mpu, upload_id, 3)
    probes = _during_assembly(
        monkeypatch,
        lambda: s3.abort_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id)["ResponseMetadata"][
            "HTTPStatusCode"
        ],
    )
    with pytest.raises(ClientError) as caught:
        _complete(s3, upload_id, parts)
    assert probes == [[204]]
    assert caught.value.response["Error"]["Code"] == "NoSuchUpload"
    assert s3mpu.objects(BUCKET) == {} and s3mpu.uploads(BUCKET) == []


def test_a_write_to_the_key_during_the_assembly_fails_if_none_match(s3mpu, s3, monkeypatch):
    """A PutObject to the key while a Complete with ``If-None-Match: *`` assembles: the Put came first,
    so Complete answers 412 PreconditionFailed (spec §5.3) and the Put's object stays."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    parts = _upload_parts(s3mpu, upload_id, 3)
    probes = _during_assembly(monkeypatch, lambda: s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"put")["ETag"])
    with pytest.raises(ClientError) as caught:
        _complete(s3, upload_id, parts, IfNoneMatch="*")
    assert probes == [[f'"{hashlib.md5(b"put").hexdigest()}"']]
    assert caught.value.response["Error"]["Code"] == "PreconditionFailed"
    assert s3mpu.object_bytes(BUCKET, KEY) == b"put"
    assert [u.upload_id for u in s3mpu.uploads(BUCKET)] == [upload_id]


def test_two_completes_racing_answer_the_same_result(s3mpu, s3, monkeypatch):
    """A second Complete of the same upload sent while the first assembles: one commits, and the other
    answers what a retried Complete answers, the same ETag (spec §5.4)."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    parts = _upload_parts(s3mpu, upload_id, 3)
    probes = _during_assembly(monkeypatch, lambda: _complete(s3, upload_id, parts)["ETag"])
    first = _complete(s3, upload_id, parts)
    assert probes == [[first["ETag"]]]
    assert s3mpu.uploads(BUCKET) == []
    assert s3mpu.object_bytes(BUCKET, KEY) == bytes([1, 2, 3])


def test_a_part_stored_after_its_bucket_went_is_no_such_bucket(s3mpu, s3):
    """UploadPart's commit re-checks what can change while its body streams in, without looking the
    upload up again: the bucket deleted (DeleteBucket does not wait for open uploads) is NoSuchBucket,
    a bucket of that name created again is NoSuchUpload (the upload is gone with the old bucket)."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    target = s3mpu.store.check_upload_part(BUCKET, KEY, upload_id, "1", 1)
    s3.delete_bucket(Bucket=BUCKET)
    store_part = s3mpu.store.upload_part
    with pytest.raises(Exception, match="NoSuchBucket"):
        store_part(BUCKET, KEY, upload_id, "1", _payload(b"x"), None, target)
    s3mpu.create_bucket(BUCKET)
    with pytest.raises(Exception, match="NoSuchUpload"):
        store_part(BUCKET, KEY, upload_id, "1", _payload(b"x"), None, target)


def test_a_complete_raced_every_time_finishes_holding_the_lock(monkeypatch):
    """Bounded, never starved: a Complete whose parts change during every assembly outside the lock
    (the same part uploaded again each time, so its ETag still matches) starts over, and its last
    attempt assembles under the lock and commits (spec §3: the re-uploaded part is the one completed)."""
    from pytest_s3mpu.state.model import CompleteDocument, CompletedPartSpec, Limits, ObjectMeta
    from pytest_s3mpu.state.store import COMPLETE_ATTEMPTS, Store

    store = Store(limits=Limits(min_part_size=1))
    store.create_bucket(BUCKET)
    upload_id = store.create_multipart_upload(BUCKET, KEY, ObjectMeta()).upload_id
    store.upload_part(BUCKET, KEY, upload_id, "1", _payload(b"a"))
    real = multipart.assemble
    held: list[bool] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        held.append(store._lock.locked())
        if not held[-1]:  # outside the lock: another client uploads part 1 again meanwhile
            store.upload_part(BUCKET, KEY, upload_id, "1", _payload(b"a"))
        return real(*args, **kwargs)

    monkeypatch.setattr(multipart, "assemble", racing)
    etag = f'"{hashlib.md5(b"a").hexdigest()}"'
    result = store.complete_multipart_upload(
        BUCKET, KEY, upload_id, CompleteDocument((CompletedPartSpec("1", etag, ()),))
    )
    assert held == [False] * (COMPLETE_ATTEMPTS - 1) + [True]
    assert result.etag == hashlib.md5(hashlib.md5(b"a").digest()).hexdigest() + "-1"
    assert store.get_object(BUCKET, KEY).body.read() == b"a"
    assert store.uploads(BUCKET) == []
