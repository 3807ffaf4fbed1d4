"""Interop: the seed .NET example's exact request sequence (AWS docs, .NET CompleteMultipartUpload page):
InitiateMultipartUpload, UploadPart 1 (5 MiB), UploadPart 2 (5 MiB), UploadPart 3 (the remaining 3 MiB),
ListParts (asserting 3 parts), CompleteMultipartUpload with the three UploadPart ETags -- with S3's real
5 MiB minimum. No .NET runtime is installed on the CI machine, so the sequence is sent by boto3's
low-level client (the JS SDK test replays it too); the server's journal proves the exact sequence."""

from __future__ import annotations

import os

import pytest
from interop_support import BUCKET, MIB, REAL_MIN, md5_hex, multipart_etag


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_dotnet_13_mib_sequence(s3mpu, s3mpu_client, bucket):
    """13 MiB as 5 + 5 + 3 MiB: ListParts shows exactly three parts (sizes, ETags), Complete answers the
    md5-of-md5s "-3" ETag computed here, the object is byte-exact, and the journal holds exactly the
    example's six requests, all successful (spec §5.2, §7)."""
    stream = os.urandom(13 * MIB)
    pieces = [stream[: 5 * MIB], stream[5 * MIB : 10 * MIB], stream[10 * MIB :]]
    s3mpu.journal.clear()
    init = s3mpu_client.create_multipart_upload(Bucket=BUCKET, Key="Item1")
    upload_id = init["UploadId"]
    responses = [
        s3mpu_client.upload_part(Bucket=BUCKET, Key="Item1", UploadId=upload_id, PartNumber=n, Body=body)
        for n, body in enumerate(pieces, 1)
    ]
    listed = s3mpu_client.list_parts(Bucket=BUCKET, Key="Item1", UploadId=upload_id)
    assert len(listed["Parts"]) == 3
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]] == [
        (n, len(body), f'"{md5_hex(body)}"') for n, body in enumerate(pieces, 1)
    ]
    done = s3mpu_client.complete_multipart_upload(
        Bucket=BUCKET,
        Key="Item1",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"ETag": r["ETag"], "PartNumber": n} for n, r in enumerate(responses, 1)]},
    )
    assert done["ETag"] == multipart_etag(pieces)
    assert [(e.operation, e.part_number, e.status) for e in s3mpu.journal.entries()] == [
        ("CreateMultipartUpload", None, 200),
        ("UploadPart", 1, 200),
        ("UploadPart", 2, 200),
        ("UploadPart", 3, 200),
        ("ListParts", None, 200),
        ("CompleteMultipartUpload", None, 200),
    ]
    assert s3mpu.object_bytes(BUCKET, "Item1") == stream
