"""Interop: the AWS CLI v1 (``aws``, from the test extra) in a subprocess with dummy credentials and no
user configuration: ``aws s3 cp`` of a file above its 8 MiB multipart threshold (both ways), the seed
page's s3api sequence (create-multipart-upload, upload-part, list-parts, complete-multipart-upload
--multipart-upload file://parts.json), and the four seed errors as the CLI reports a botocore
ClientError: exit status 255 and "An error occurred (Code) when calling the Op operation: Message"."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

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
    run,
    state,
)

AWS = Path(sys.executable).parent / "aws"


@pytest.fixture
def aws(s3mpu, bucket):
    if not AWS.is_file():
        pytest.fail(f"AWS CLI missing from the venv ({AWS}): pip install -e '.[test]'")

    def call(*args: str, cwd: Path | None = None):
        return run([AWS, *args, "--endpoint-url", s3mpu.endpoint_url, "--output", "json"], cwd=cwd)

    return call


@pytest.mark.s3mpu(min_part_size=REAL_MIN)
def test_s3_cp_multipart_round_trip(s3mpu, aws, tmp_path):
    """``aws s3 cp`` of 9 MiB (above the CLI's 8 MiB threshold) uploads 8 + 1 MiB parts under the real
    minimum (the "-2" ETag from the bytes); ``aws s3 cp`` back downloads it byte-exact."""
    data = os.urandom(9 * MIB)
    (tmp_path / "up.bin").write_bytes(data)
    assert aws("s3", "cp", str(tmp_path / "up.bin"), f"s3://{BUCKET}/cp.bin").returncode == 0
    assert f'"{s3mpu.store.get_object(BUCKET, "cp.bin").etag}"' == multipart_etag(chunks(data, 8 * MIB))
    done = aws("s3", "cp", f"s3://{BUCKET}/cp.bin", str(tmp_path / "down.bin"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "down.bin").read_bytes() == data


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
def test_s3api_seed_sequence(s3mpu, aws, tmp_path):
    """The seed page's CLI sequence: create-multipart-upload, three upload-part, list-parts,
    complete-multipart-upload --multipart-upload file://parts.json, get-object: byte-exact, "-3" ETag."""
    parts = [os.urandom(2048), os.urandom(1500), b"end"]
    created = aws("s3api", "create-multipart-upload", "--bucket", BUCKET, "--key", "seed.bin")
    upload_id = json.loads(created.stdout)["UploadId"]
    etags = []
    for n, body in enumerate(parts, 1):
        (tmp_path / f"p{n}").write_bytes(body)
        reply = aws("s3api", "upload-part", "--bucket", BUCKET, "--key", "seed.bin", "--upload-id", upload_id,
                    "--part-number", str(n), "--body", str(tmp_path / f"p{n}"))  # fmt: skip
        etags.append(json.loads(reply.stdout)["ETag"])
    assert etags == [f'"{md5_hex(b)}"' for b in parts]
    listed = json.loads(aws("s3api", "list-parts", "--bucket", BUCKET, "--key", "seed.bin",
                            "--upload-id", upload_id).stdout)  # fmt: skip
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 2048), (2, 1500), (3, 3)]
    document = {"Parts": [{"ETag": e, "PartNumber": n} for n, e in enumerate(etags, 1)]}
    (tmp_path / "parts.json").write_text(json.dumps(document))
    done = aws("s3api", "complete-multipart-upload", "--bucket", BUCKET, "--key", "seed.bin",
               "--upload-id", upload_id, "--multipart-upload", "file://parts.json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ETag"] == multipart_etag(parts)
    got = aws("s3api", "get-object", "--bucket", BUCKET, "--key", "seed.bin", str(tmp_path / "out.bin"))
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "out.bin").read_bytes() == b"".join(parts)


@pytest.mark.s3mpu(min_part_size=SMALL_MIN)
@pytest.mark.parametrize("code", list(SEED_ERRORS))
def test_s3api_seed_errors(s3mpu, s3mpu_client, aws, tmp_path, code):
    """Each seed error through ``aws s3api complete-multipart-upload --multipart-upload file://parts.json``
    (NoSuchUpload: also ``upload-part`` after an abort): exit status 255 and S3's code and exact message
    in the CLI's error line; the failure changes nothing (spec §5.1, §11). The upload and parts are set up
    with boto3 to keep the test fast; the failing request is the CLI's."""
    first = os.urandom(1000 if code == "EntityTooSmall" else 2048)
    upload_id = s3mpu_client.create_multipart_upload(Bucket=BUCKET, Key="err.bin")["UploadId"]
    e1, e2 = (s3mpu_client.upload_part(Bucket=BUCKET, Key="err.bin", UploadId=upload_id, PartNumber=n,
                                       Body=b)["ETag"] for n, b in ((1, first), (2, b"tail")))  # fmt: skip
    parts = {"InvalidPart": [(1, f'"{md5_hex(b"x")}"'), (2, e2)], "InvalidPartOrder": [(2, e2), (1, e1)]}.get(
        code, [(1, e1), (2, e2)]
    )
    if code == "NoSuchUpload":
        s3mpu_client.abort_multipart_upload(Bucket=BUCKET, Key="err.bin", UploadId=upload_id)
    (tmp_path / "parts.json").write_text(
        json.dumps({"Parts": [{"ETag": e, "PartNumber": n} for n, e in parts]})
    )
    before = state(s3mpu)
    failed = aws("s3api", "complete-multipart-upload", "--bucket", BUCKET, "--key", "err.bin", "--upload-id",
                 upload_id, "--multipart-upload", "file://parts.json", cwd=tmp_path)  # fmt: skip
    message = SEED_ERRORS[code][1]
    assert failed.returncode == 255
    line = f"An error occurred ({code}) when calling the CompleteMultipartUpload operation: {message}"
    assert line in failed.stderr
    assert state(s3mpu) == before
    if code == "NoSuchUpload":
        (tmp_path / "late").write_bytes(b"late")
        late = aws("s3api", "upload-part", "--bucket", BUCKET, "--key", "err.bin", "--upload-id", upload_id,
                   "--part-number", "3", "--body", str(tmp_path / "late"))  # fmt: skip
        assert late.returncode == 255
        assert f"An error occurred ({code}) when calling the UploadPart operation: {message}" in late.stderr
