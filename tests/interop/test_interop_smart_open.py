"""Interop: smart_open (``smart_open.open("s3://...", "wb")`` over a boto3 client). Its writer uploads a
part whenever its buffer reaches the part size (clamped to >= 5 MiB by smart_open) and completes on
close. It always completes the parts it uploaded in number order, so InvalidPartOrder cannot be produced
through it; the other three seed errors reach it as botocore ClientError (spec §5.1, §11)."""

from __future__ import annotations

import gc
import os

import pytest
import smart_open
from botocore.exceptions import ClientError
from interop_support import BUCKET, MIB, REAL_MIN, SEED_ERRORS, chunks, multipart_etag

URL = f"s3://{BUCKET}/smart.bin"


def write(s3mpu_client, data: bytes, between=None) -> None:
    """Write ``data`` in 1 MiB pieces; ``between(written)`` runs after each piece.

    When its own abort fails (NoSuchUpload), smart_open leaves the writer open, and io.IOBase's finalizer
    would ``close()`` it -- send its buffered part, then complete -- whenever the garbage collector gets
    to it: during some later test, against this worker's session server (a stray UploadPart in another
    test's store, or in test_app's recording stand-in for the handlers). So a writer still open here is
    marked closed the way smart_open marks it (its ``closed`` is ``_upload_id is None``)."""
    params = {"client": s3mpu_client, "min_part_size": 5 * MIB}
    sink = smart_open.open(URL, "wb", transport_params=params)
    try:
        with sink:
            for offset in range(0, len(data), MIB):
                sink.write(data[offset : offset + MIB])
                if between is not None:
                    between(offset + MIB)
    finally:
        if not sink.closed:
            sink._upload_id = None


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_round_trip(s3mpu, s3mpu_client, bucket):
    """11 MiB written in 1 MiB pieces: part 1 is in the store (ListParts view) while the writer is open,
    no object yet; close completes 5 + 5 + 1 MiB ("-3" ETag); reading back with smart_open is exact."""
    data = os.urandom(11 * MIB)
    seen: list[list[int]] = []

    def look(written: int) -> None:
        if written == 6 * MIB:
            (upload,) = s3mpu.uploads(BUCKET)
            seen.append(sorted(s3mpu.parts(upload.upload_id)))
            assert s3mpu.objects(BUCKET) == {}

    write(s3mpu_client, data, look)
    assert seen == [[1]]
    assert s3mpu_client.head_object(Bucket=BUCKET, Key="smart.bin")["ETag"] == multipart_etag(
        chunks(data, 5 * MIB)
    )
    with smart_open.open(URL, "rb", transport_params={"client": s3mpu_client}) as source:
        assert source.read() == data
    assert s3mpu.uploads() == []


def _failed_close(s3mpu, s3mpu_client, code: str, between=None) -> dict:
    """The write fails with ``code``; returns botocore's parsed answer. Then, with the exception (whose
    traceback holds the writer) gone, a garbage collection sends nothing more: no writer is left open
    for its finalizer to close during a later test."""
    with pytest.raises(ClientError) as caught:
        write(s3mpu_client, os.urandom(11 * MIB), between)
    status, message = SEED_ERRORS[code]
    error = caught.value.response
    assert (error["Error"]["Code"], error["Error"]["Message"]) == (code, message)
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    sent = len(s3mpu.journal)
    del caught
    gc.collect()  # while the client is alive: a writer left open would send its UploadPart now
    assert s3mpu.journal.entries()[sent:] == []
    return error


@pytest.mark.s3mpu(min_part_size=6 * MIB)
def test_entity_too_small(s3mpu, s3mpu_client, bucket):
    """An S3 whose minimum part size (6 MiB) is above smart_open's 5 MiB parts: close() meets
    EntityTooSmall (ProposedSize 5242880, MinSizeAllowed 6291456); no object is created."""
    error = _failed_close(s3mpu, s3mpu_client, "EntityTooSmall")
    assert error["Error"]["ProposedSize"] == str(5 * MIB)
    assert error["Error"]["MinSizeAllowed"] == str(6 * MIB)
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_invalid_part(s3mpu, s3mpu_client, bucket):
    """Part 2's answer carries a corrupted ETag (fault rule corrupt_etag): the Complete smart_open sends
    on close names an ETag S3 never gave, and S3 answers InvalidPart (spec §5.1 step 9b)."""
    s3mpu.faults.add(operation="UploadPart", action="corrupt_etag", part_number=2)
    error = _failed_close(s3mpu, s3mpu_client, "InvalidPart")
    assert error["Error"]["PartNumber"] == "2"
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_no_such_upload(s3mpu, s3mpu_client, bucket, monkeypatch):
    """The upload is aborted by someone else after part 1 landed: smart_open's next UploadPart meets 404
    NoSuchUpload, and leaving the ``with`` block its own AbortMultipartUpload meets it too -- that
    ClientError is what the caller sees (spec §6, §11). smart_open by default retries NoSuchUpload
    (``smart_open.s3.RETRY``: 6 tries, 10 s apart, for eventual consistency); its documented knob
    ``RETRY.client_error_codes`` is emptied here so the test does not wait a minute."""
    from smart_open import s3 as smart_s3

    monkeypatch.setattr(smart_s3.RETRY, "client_error_codes", [])
    ids: list[str] = []

    def abort(written: int) -> None:
        if written == 6 * MIB:
            (upload,) = s3mpu.uploads(BUCKET)
            s3mpu.store.abort_multipart_upload(BUCKET, "smart.bin", upload.upload_id)
            ids.append(upload.upload_id)

    error = _failed_close(s3mpu, s3mpu_client, "NoSuchUpload", abort)
    assert error["Error"]["UploadId"] == ids[0]
    (tried,) = s3mpu.journal.requests("UploadPart", part_number=2)
    assert (tried.status, tried.error_code, tried.upload_id) == (404, "NoSuchUpload", ids[0])
    assert s3mpu.objects(BUCKET) == {} and s3mpu.uploads() == []
