"""Interop: a non-Python client, the AWS SDK for JavaScript v3 (@aws-sdk/client-s3 with
@aws-sdk/lib-storage's Upload) run by Node. scripts/interop-setup.sh installs it from the committed
tests/interop/js/package-lock.json into .interop/js; tests/interop/js/client.cjs runs one scenario per
process and prints what the SDK answered. Errors arrive as the SDK's S3ServiceException subclasses:
``name`` is the S3 code, ``$metadata.httpStatusCode`` the status, the extra <Error> fields are properties
(spec §5, §7, §8, §11)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from interop_support import (
    BUCKET,
    MIB,
    REAL_MIN,
    SEED_ERRORS,
    SMALL_MIN,
    chunks,
    clean_env,
    md5_hex,
    multipart_etag,
    scenario_runner,
)

CLIENT = Path(__file__).parent / "js" / "client.cjs"


@pytest.fixture
def js(s3mpu, bucket, node_modules, tmp_path):
    env = clean_env(NODE_PATH=str(node_modules))
    return scenario_runner(["node", CLIENT], s3mpu.endpoint_url, tmp_path, env)


def assert_sdk_error(result: dict[str, Any], code: str) -> dict[str, Any]:
    status, message = SEED_ERRORS[code]
    error = result["error"]
    assert (error["name"], error["message"], error["status"], error["fault"]) == (
        code,
        message,
        status,
        "client",
    )
    return error["fields"]


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_client_s3_round_trip(s3mpu, js):
    """client-s3 commands: Create, three UploadParts, ListParts, ListMultipartUploads, Complete, GetObject
    byte-exact; the ETags are the md5s and the "-3" multipart ETag computed here (spec §5.2, §7, §8)."""
    data = os.urandom(2048 + 1500 + 3)
    parts = [data[:2048], data[2048:3548], data[3548:]]
    result = js("low-level", "js.bin", data, json.dumps([len(p) for p in parts]))
    assert result["etags"] == [f'"{md5_hex(p)}"' for p in parts]
    assert result["listed"] == [[n, len(p), f'"{md5_hex(p)}"'] for n, p in enumerate(parts, 1)]
    assert result["uploads"] == [["js.bin", result["uploadId"]]]
    assert result["completeETag"] == result["getETag"] == multipart_etag(parts)
    assert result["read_back"] == data
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_dotnet_sequence(s3mpu, js):
    """The seed .NET example's sequence sent by the JS SDK: 13 MiB as 5 + 5 + 3 MiB under the real
    minimum, ListParts (3 parts), Complete with the UploadPart ETags; the journal holds those requests in
    that order (plus the script's ListMultipartUploads before Complete) (spec §5.2, §7)."""
    data = os.urandom(13 * MIB)
    s3mpu.journal.clear()
    result = js("low-level", "Item1", data, json.dumps([5 * MIB, 5 * MIB, 3 * MIB]))
    assert [row[:2] for row in result["listed"]] == [[1, 5 * MIB], [2, 5 * MIB], [3, 3 * MIB]]
    assert result["completeETag"] == multipart_etag(chunks(data, 5 * MIB))
    assert result["read_back"] == data
    sequence = [(e.operation, e.part_number, e.status) for e in s3mpu.journal.entries()]
    assert sequence[:7] == [
        ("CreateMultipartUpload", None, 200),
        ("UploadPart", 1, 200),
        ("UploadPart", 2, 200),
        ("UploadPart", 3, 200),
        ("ListParts", None, 200),
        ("ListMultipartUploads", None, 200),
        ("CompleteMultipartUpload", None, 200),
    ]


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", list(SEED_ERRORS))
def test_seed_errors(s3mpu, js, code):
    """CompleteMultipartUploadCommand meeting each seed error: the SDK throws an exception whose ``name``
    is the code, ``message`` S3's exact text, ``$metadata.httpStatusCode`` the status, ``$fault``
    "client", and the extra <Error> fields as properties (spec §5.1, §11)."""
    result = js("seed-error", "err.bin", extra=code)
    fields = assert_sdk_error(result, code)
    if code == "EntityTooSmall":
        assert fields == {"ProposedSize": "1000", "MinSizeAllowed": "1024", "PartNumber": "1",
                          "ETag": md5_hex(bytes([7]) * 1000)}  # fmt: skip
    else:
        assert fields["UploadId"] == result["uploadId"]


@pytest.fixture
def eleven_mib() -> bytes:
    return os.urandom(11 * MIB)


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_lib_storage_upload_round_trip(s3mpu, js, eleven_mib):
    """lib-storage Upload (partSize 5 MiB, queueSize 1): 11 MiB as 5 + 5 + 1 MiB under the real minimum;
    the "-3" ETag; GetObject reads it back byte-exact."""
    result = js("upload", "lib.bin", eleven_mib)
    assert result["etag"] == result["getETag"] == multipart_etag(chunks(eleven_mib, 5 * MIB))
    assert result["read_back"] == eleven_mib
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=6 * MIB)
def test_lib_storage_entity_too_small(s3mpu, js, eleven_mib):
    """An S3 whose minimum part size (6 MiB) is above lib-storage's 5 MiB parts: Upload.done() rejects
    with EntityTooSmall (ProposedSize 5242880, MinSizeAllowed 6291456); no object is created."""
    fields = assert_sdk_error(js("upload", "lib.bin", eleven_mib), "EntityTooSmall")
    assert (fields["ProposedSize"], fields["MinSizeAllowed"]) == (str(5 * MIB), str(6 * MIB))
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_lib_storage_invalid_part(s3mpu, js, eleven_mib):
    """Part 2's answer carries a corrupted ETag (fault rule corrupt_etag): lib-storage completes with it
    and S3 answers InvalidPart for part 2 (spec §5.1 step 9b)."""
    s3mpu.faults.add(operation="UploadPart", action="corrupt_etag", part_number=2)
    fields = assert_sdk_error(js("upload", "lib.bin", eleven_mib), "InvalidPart")
    assert fields["PartNumber"] == "2"
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_lib_storage_no_such_upload(s3mpu, js, eleven_mib):
    """A second client aborts the upload when lib-storage reports part 1 done (httpUploadProgress): the
    next UploadPart meets NoSuchUpload (404) and Upload.done() rejects with it (spec §6, §11).
    lib-storage always completes parts in number order, so InvalidPartOrder cannot be produced by it (the
    client-s3 test above produces it)."""
    result = js("upload-abort", "lib.bin", eleven_mib)
    assert result["aborted"]
    assert_sdk_error(result, "NoSuchUpload")
    assert s3mpu.objects(BUCKET) == {} and s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=SMALL_MIN, auth="sigv4", credentials="interop:interop")
def test_client_s3_round_trip_signed(s3mpu, js):
    """With signature verification on, every request the JS SDK v3 signs (its default checksums included)
    is accepted: the same round trip as unsigned, each journal entry verified under key ``interop``."""
    data = os.urandom(2048 + 1500 + 3)
    parts = [data[:2048], data[2048:3548], data[3548:]]
    result = js("low-level", "js.bin", data, json.dumps([len(p) for p in parts]))
    assert result["read_back"] == data
    assert {(e.access_key, e.auth, e.error_code) for e in s3mpu.journal.entries()} == {
        ("interop", "header", None)
    }


@pytest.mark.s3mpu(auth="sigv4", credentials="interop:interop")
def test_presigned_upload_part_with_the_presigners_checksum(s3mpu, js):
    """A presigned UploadPart signed by the JS SDK's signer with the presigner's query, which carries
    x-amz-checksum-crc32=AAAAAA== (CRC32 of nothing) whatever the part: S3 accepts the real part (the
    checksum in the query is signed, not checked) and refuses the URL once that value is changed
    [LS-AWS: test_presigned_url_v4_x_amz_in_qs, recorded 2026-02-21]."""
    data = os.urandom(3000)
    result = js("presigned-part", "presigned.bin", data)
    assert "x-amz-checksum-crc32=AAAAAA%3D%3D" in result["url"]
    assert (result["tamperedStatus"], result["status"]) == (403, 200)
    assert result["etag"] == f'"{md5_hex(data)}"'
    assert result["read_back"] == data
    refused = [e for e in s3mpu.journal.entries() if e.auth == "refused"]
    assert [(e.operation, e.error_code) for e in refused] == [("UploadPart", "SignatureDoesNotMatch")]


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_lib_storage_retries_every_first_attempt(s3mpu, bucket, node_modules, tmp_path, eleven_mib):
    """A rule matched on the retry (issue 18): attempt 1 of every UploadPart answers InternalError. The
    JS SDK's own standard retry (it sends ``amz-sdk-request: attempt=N; max=3``) resends each part once,
    so the journal shows attempts [1, 2] per part and the upload completes byte-exact."""
    env = clean_env(NODE_PATH=str(node_modules), S3MPU_JS_MAX_ATTEMPTS="3")
    js = scenario_runner(["node", CLIENT], s3mpu.endpoint_url, tmp_path, env)
    rule = s3mpu.faults.add(operation="UploadPart", attempt=1, preset="InternalError", times=None)
    result = js("upload", "lib.bin", eleven_mib)
    assert result["read_back"] == eleven_mib
    for number in (1, 2, 3):
        entries = s3mpu.journal.requests("UploadPart", part_number=number)
        assert [(e.attempt, e.status) for e in entries] == [(1, 500), (2, 200)]
    assert rule.hits == 3
