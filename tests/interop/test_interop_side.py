"""Interop: aiobotocore and s3fs/fsspec, which pin a botocore older than the main test extra's and so run
in the side venv (.interop/venv, made by scripts/interop-setup.sh) through tests/interop/side/
side_client.py, one scenario per process. aiobotocore raises botocore's ClientError (its own botocore);
s3fs translates S3 errors into OSError subclasses whose text carries S3's message and whose __cause__ is
the ClientError with the code (spec §5, §7, §8, §11)."""

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
    md5_hex,
    multipart_etag,
    scenario_runner,
)

CLIENT = Path(__file__).parent / "side" / "side_client.py"


@pytest.fixture
def side(s3mpu, bucket, side_python, tmp_path):
    return scenario_runner([side_python, CLIENT], s3mpu.endpoint_url, tmp_path)


# -- aiobotocore ------------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_aiobotocore_round_trip(s3mpu, side):
    """aiobotocore (async): Create, three UploadParts, ListParts, ListMultipartUploads, Complete, GetObject
    byte-exact; md5 part ETags and the "-3" ETag computed here (spec §5.2, §7, §8)."""
    parts = [os.urandom(2048), os.urandom(1500), b"end"]
    result = side("aio-round-trip", "aio.bin", b"".join(parts), json.dumps([len(p) for p in parts]))
    assert result["etags"] == [f'"{md5_hex(p)}"' for p in parts]
    assert result["listed"] == [[n, len(p), f'"{md5_hex(p)}"'] for n, p in enumerate(parts, 1)]
    assert result["uploads"] == [["aio.bin", result["uploadId"]]]
    assert result["completeETag"] == multipart_etag(parts)
    assert result["read_back"] == b"".join(parts)


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", list(SEED_ERRORS))
def test_aiobotocore_seed_errors(s3mpu, side, code):
    """aiobotocore's complete_multipart_upload meeting each seed error raises botocore's ClientError
    (the generated subclass for modelled codes) with S3's status, Code, Message and fields (spec §11)."""
    error = side("aio-error", "err.bin", extra=code)["error"]
    status, message = SEED_ERRORS[code]
    assert error["type"].startswith("botocore.")
    assert (error["code"], error["status"], error["fields"]["Message"]) == (code, status, message)
    if code == "EntityTooSmall":
        assert error["fields"]["ProposedSize"] == "1000"


# -- s3fs / fsspec ----------------------------------------------------------------------------------


@pytest.fixture
def eleven_mib() -> bytes:
    return os.urandom(11 * MIB)


def assert_s3fs_error(result: dict[str, Any], code: str) -> dict[str, Any]:
    """s3fs's own error: an OSError (sub)class with S3's message, chained from the ClientError."""
    error = result["error"]
    status, message = SEED_ERRORS[code]
    assert error["type"] in ("builtins.OSError", "builtins.PermissionError", "builtins.FileNotFoundError")
    assert message in error["str"]
    # botocore's ClientError, or its generated subclass for a modelled code (NoSuchUpload)
    assert error["cause"]["type"] in ("botocore.exceptions.ClientError", f"botocore.errorfactory.{code}")
    assert (error["cause"]["code"], error["cause"]["status"]) == (code, status)
    return error


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_s3fs_round_trip(s3mpu, side, eleven_mib):
    """s3fs ``open(..., "wb", block_size=5 MiB)``: while writing, ListMultipartUploads and ListParts show
    the open upload with part 1; close completes 5 + 5 + 1 MiB ("-3" ETag); ``info``, ``ls`` and
    ``cat_file`` see the object byte-exact."""
    result = side("s3fs-write", "fs.bin", eleven_mib)
    assert len(result["uploads_while_open"]) == 1 and result["parts_while_open"] == [1]
    assert result["info_etag"] == multipart_etag(chunks(eleven_mib, 5 * MIB))
    assert result["listing"] == [f"{BUCKET}/fs.bin"]
    assert result["read_back"] == eleven_mib
    assert s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=6 * MIB)
def test_s3fs_entity_too_small(s3mpu, side, eleven_mib):
    """An S3 whose minimum part size (6 MiB) is above s3fs's 5 MiB blocks: closing the file meets
    EntityTooSmall, which s3fs raises as OSError (errno EINVAL) with S3's message; no object."""
    error = assert_s3fs_error(side("s3fs-write", "fs.bin", eleven_mib), "EntityTooSmall")
    assert error["errno"] == 22
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_s3fs_invalid_part(s3mpu, side, eleven_mib):
    """Part 2's answer carries a corrupted ETag (fault rule corrupt_etag): s3fs completes with it and S3
    answers InvalidPart, raised by s3fs as an OSError chained from the ClientError (spec §5.1 step 9b)."""
    s3mpu.faults.add(operation="UploadPart", action="corrupt_etag", part_number=2)
    assert_s3fs_error(side("s3fs-write", "fs.bin", eleven_mib), "InvalidPart")
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_s3fs_no_such_upload(s3mpu, side, eleven_mib):
    """The upload is aborted (from the same process, through s3fs's client) once part 1 has landed: the
    next UploadPart meets NoSuchUpload, raised by s3fs as an OSError chained from the ClientError.
    s3fs always completes its parts in number order, so InvalidPartOrder cannot be produced through it
    (the aiobotocore test below it in the table produces it)."""
    result = side("s3fs-abort", "fs.bin", eleven_mib)
    assert result["aborted"]
    assert_s3fs_error(result, "NoSuchUpload")
    assert s3mpu.objects(BUCKET) == {} and s3mpu.uploads() == []
