"""Interop: rclone (Debian's package, installed by scripts/interop-setup.sh when run as root), a Go
client, configured entirely by environment (remote "s3mpu": provider Other, path style). rclone uploads
multipart above ``--s3-upload-cutoff`` in ``--s3-chunk-size`` parts (>= 5 MiB) and completes them itself
in number order, so it cannot send an out-of-order Complete: InvalidPartOrder is not producible through
rclone. The other errors surface as exit status 1 and S3's code in rclone's error log (spec §5, §11)."""

from __future__ import annotations

import json
import os

import pytest
from interop_support import (
    BUCKET,
    MIB,
    REAL_MIN,
    SEED_ERRORS,
    abort_after_first_part,
    chunks,
    clean_env,
    multipart_etag,
    run,
)

FLAGS = ["--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", "--s3-upload-concurrency", "1",
         "--retries", "1", "--low-level-retries", "1", "--contimeout", "10s", "--timeout", "30s"]  # fmt: skip


@pytest.fixture
def rc(s3mpu, bucket, rclone, tmp_path):
    env = clean_env(
        RCLONE_CONFIG=os.devnull,
        RCLONE_CONFIG_S3MPU_TYPE="s3",
        RCLONE_CONFIG_S3MPU_PROVIDER="Other",
        RCLONE_CONFIG_S3MPU_ENDPOINT=s3mpu.endpoint_url,
        RCLONE_CONFIG_S3MPU_ACCESS_KEY_ID="interop",
        RCLONE_CONFIG_S3MPU_SECRET_ACCESS_KEY="interop",
        RCLONE_CONFIG_S3MPU_REGION="us-east-1",
        RCLONE_CONFIG_S3MPU_FORCE_PATH_STYLE="true",
    )

    def call(*args: str):
        return run([rclone, *args, *FLAGS], env=env, timeout=90)

    return call


@pytest.fixture
def source(tmp_path):
    data = os.urandom(11 * MIB)
    (tmp_path / "in.bin").write_bytes(data)
    return tmp_path / "in.bin", data


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_round_trip(s3mpu, s3mpu_client, rc, source, tmp_path):
    """``rclone copyto`` of 11 MiB: 5 + 5 + 1 MiB parts under the real minimum ("-3" ETag from the
    bytes); ``lsjson`` lists it with its size; ``copyto`` back is byte-exact; ``backend
    list-multipart-uploads`` lists an open upload."""
    path, data = source
    done = rc("copyto", str(path), f"s3mpu:{BUCKET}/rc.bin")
    assert done.returncode == 0, done.stderr
    assert f'"{s3mpu.store.get_object(BUCKET, "rc.bin").etag}"' == multipart_etag(chunks(data, 5 * MIB))
    listing = json.loads(rc("lsjson", f"s3mpu:{BUCKET}").stdout)
    assert [(e["Path"], e["Size"]) for e in listing] == [("rc.bin", len(data))]
    back = rc("copyto", f"s3mpu:{BUCKET}/rc.bin", str(tmp_path / "out.bin"))
    assert back.returncode == 0, back.stderr
    assert (tmp_path / "out.bin").read_bytes() == data
    upload_id = s3mpu_client.create_multipart_upload(Bucket=BUCKET, Key="open.bin")["UploadId"]
    listed = rc("backend", "list-multipart-uploads", f"s3mpu:{BUCKET}")
    assert listed.returncode == 0, listed.stderr
    assert [u["UploadId"] for u in json.loads(listed.stdout)[BUCKET]] == [upload_id]


def assert_failed(done, code: str) -> None:
    assert done.returncode == 1, done.stderr
    assert code in done.stderr
    assert str(SEED_ERRORS[code][0]) in done.stderr


@pytest.mark.s3mpu(min_part_size=6 * MIB)
def test_entity_too_small(s3mpu, rc, source):
    """An S3 whose minimum part size (6 MiB) is above rclone's 5 MiB chunks: the Complete fails with
    EntityTooSmall (exit 1, code and status in the log); rclone aborts the upload; no object."""
    assert_failed(rc("copyto", str(source[0]), f"s3mpu:{BUCKET}/rc.bin"), "EntityTooSmall")
    assert s3mpu.objects(BUCKET) == {} and s3mpu.uploads() == []


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_invalid_part(s3mpu, rc, source):
    """Part 2's answer carries a corrupted ETag (fault rule corrupt_etag): rclone completes with it and S3
    answers InvalidPart (spec §5.1 step 9b); no object."""
    s3mpu.faults.add(operation="UploadPart", action="corrupt_etag", part_number=2)
    assert_failed(rc("copyto", str(source[0]), f"s3mpu:{BUCKET}/rc.bin"), "InvalidPart")
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_no_such_upload(s3mpu, rc, source):
    """The upload is aborted once part 1 has landed (later parts held by a delay fault meanwhile): the
    next UploadPart meets NoSuchUpload (exit 1, code and 404 in the log); no object (spec §6, §11)."""
    with abort_after_first_part(s3mpu) as aborted:
        done = rc("copyto", str(source[0]), f"s3mpu:{BUCKET}/rc.bin")
    assert aborted
    assert_failed(done, "NoSuchUpload")
    assert s3mpu.objects(BUCKET) == {}
