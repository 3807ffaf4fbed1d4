"""The AWS CLI v1 (``aws``, installed in the venv) against the fixture's server: the seed's multipart flow
with ``aws s3api``, a multipart ``aws s3 cp`` round trip, and a seed error surfacing through the CLI.

The CLI runs in a subprocess with dummy credentials and empty config files (the user's AWS setup hidden),
talking to ``--endpoint-url`` on 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

AWS = Path(sys.executable).parent / "aws"
MIB = 1024 * 1024
INVALID_PART_MESSAGE = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, "
    "or the specified entity tag may not match the part's entity tag."
)


class AwsCli:
    """Runs ``aws ... --endpoint-url URL`` with an isolated environment; every run is bounded."""

    def __init__(self, endpoint_url: str, home: Path) -> None:
        self.endpoint_url = endpoint_url
        config, credentials = home / "config", home / "credentials"
        config.write_text("")
        credentials.write_text("")
        self.env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
        self.env.update(
            AWS_ACCESS_KEY_ID="awscli-test",
            AWS_SECRET_ACCESS_KEY="awscli-test",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=str(credentials),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
        )

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [str(AWS), *args, "--endpoint-url", self.endpoint_url]
        return subprocess.run(
            command, capture_output=True, text=True, env=self.env, cwd=cwd, timeout=60, check=False
        )

    def json(self, *args: str, cwd: Path | None = None) -> Any:
        result = self.run(*args, "--output", "json", cwd=cwd)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture
def aws(s3mpu: Any, tmp_path: Path) -> AwsCli:
    """The venv's AWS CLI pointed at this test's in-memory S3."""
    if not AWS.is_file():
        pytest.fail(f"AWS CLI not installed in the venv: {AWS}")
    home = tmp_path / "aws-home"
    home.mkdir()
    return AwsCli(s3mpu.endpoint_url, home)


@pytest.mark.s3mpu(min_part_size=1024)
def test_seed_s3api_multipart_flow(s3mpu: Any, aws: AwsCli, tmp_path: Path, random_bytes: Any) -> None:
    """The seed's CLI flow: create-multipart-upload, three upload-part calls, complete-multipart-upload
    with ``--multipart-upload file://parts.json``, then get-object returns the bytes; the ETag is the md5 of
    the part md5s plus ``-3`` (spec §5.1, §5.2; seed 001 "Completing a Multipart Upload Using AWS CLI")."""
    s3mpu.create_bucket("cli-bucket")
    created = aws.json("s3api", "create-multipart-upload", "--bucket", "cli-bucket", "--key", "big/file.bin")
    upload_id = created["UploadId"]
    assert (created["Bucket"], created["Key"]) == ("cli-bucket", "big/file.bin")

    chunks = [random_bytes(2048), random_bytes(1500), random_bytes(10)]
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        path = tmp_path / f"part{number}"
        path.write_bytes(chunk)
        reply = aws.json(
            "s3api", "upload-part", "--bucket", "cli-bucket", "--key", "big/file.bin",
            "--upload-id", upload_id, "--part-number", str(number), "--body", str(path),
        )  # fmt: skip
        assert reply["ETag"] == f'"{hashlib.md5(chunk).hexdigest()}"'
        parts.append({"ETag": reply["ETag"], "PartNumber": number})
    assert sorted(s3mpu.parts(upload_id)) == [1, 2, 3]

    (tmp_path / "parts.json").write_text(json.dumps({"Parts": parts}))
    done = aws.json(
        "s3api", "complete-multipart-upload", "--bucket", "cli-bucket", "--key", "big/file.bin",
        "--upload-id", upload_id, "--multipart-upload", "file://parts.json",
        cwd=tmp_path,
    )  # fmt: skip
    md5s = b"".join(hashlib.md5(chunk).digest() for chunk in chunks)
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-3"'
    assert (done["Bucket"], done["Key"]) == ("cli-bucket", "big/file.bin")
    assert s3mpu.uploads() == []

    out = tmp_path / "downloaded"
    got = aws.json("s3api", "get-object", "--bucket", "cli-bucket", "--key", "big/file.bin", str(out))
    assert out.read_bytes() == b"".join(chunks)
    assert got["ContentLength"] == sum(map(len, chunks))
    assert got["ETag"] == done["ETag"]


def test_s3_cp_multipart_round_trip(s3mpu: Any, aws: AwsCli, tmp_path: Path, random_bytes: Any) -> None:
    """``aws s3 cp`` of a 10 MiB file (above the CLI's 8 MB multipart threshold) uploads it in two parts,
    8 MiB + 2 MiB, accepted under S3's real 5 MiB minimum (spec §5.1 step 9c); copying it back down (ranged
    GETs) returns the same bytes."""
    assert s3mpu.min_part_size == 5 * MIB
    s3mpu.create_bucket("cp-bucket")
    data = random_bytes(10 * MIB)
    source = tmp_path / "source.bin"
    source.write_bytes(data)

    up = aws.run("s3", "cp", str(source), "s3://cp-bucket/dir/source.bin", "--only-show-errors")
    assert up.returncode == 0, up.stderr
    stored = s3mpu.objects("cp-bucket")["dir/source.bin"]
    assert s3mpu.object_bytes("cp-bucket", "dir/source.bin") == data
    first, second = data[: 8 * MIB], data[8 * MIB :]
    md5s = hashlib.md5(first).digest() + hashlib.md5(second).digest()
    assert stored.etag == f"{hashlib.md5(md5s).hexdigest()}-2"
    assert s3mpu.uploads() == []

    target = tmp_path / "back.bin"
    down = aws.run("s3", "cp", "s3://cp-bucket/dir/source.bin", str(target), "--only-show-errors")
    assert down.returncode == 0, down.stderr
    assert target.read_bytes() == data


@pytest.mark.s3mpu(min_part_size=1024)
def test_complete_with_wrong_etag_fails_through_cli(
    s3mpu: Any, s3mpu_client: Any, aws: AwsCli, tmp_path: Path
) -> None:
    """complete-multipart-upload naming a part with the wrong ETag: 400 InvalidPart with S3's wire message
    (two spaces after "found."), the CLI exits non-zero, and the upload and its part are untouched
    (spec §5.1 step 9a, §11)."""
    s3mpu.create_bucket("err-bucket")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="err-bucket", Key="k")["UploadId"]
    s3mpu_client.upload_part(Bucket="err-bucket", Key="k", UploadId=upload_id, PartNumber=1, Body=b"part one")
    wrong = '"' + hashlib.md5(b"something else").hexdigest() + '"'
    body = json.dumps({"Parts": [{"ETag": wrong, "PartNumber": 1}]})

    result = aws.run(
        "s3api", "complete-multipart-upload", "--bucket", "err-bucket", "--key", "k",
        "--upload-id", upload_id, "--multipart-upload", body,
    )  # fmt: skip
    assert result.returncode != 0
    expected = (
        "An error occurred (InvalidPart) when calling the CompleteMultipartUpload operation: "
        + INVALID_PART_MESSAGE
    )
    assert expected in result.stderr
    assert [upload.upload_id for upload in s3mpu.uploads("err-bucket")] == [upload_id]
    assert s3mpu.parts(upload_id)[1].etag == hashlib.md5(b"part one").hexdigest()
    assert s3mpu.objects("err-bucket") == {}
