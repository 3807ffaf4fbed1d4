"""The ``s3mpu_aioclient`` fixture (#19), run where aiobotocore can be installed: .interop/aio (this project
with aiobotocore 3.10.0 and the botocore it pins; scripts/interop-setup.sh), since no aiobotocore release
accepts the main test extra's botocore. An inner pytest there runs a user's async tests, as written, with
``asyncio.run`` (no async pytest plugin needed). The multipart answers asserted are S3's
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html: EntityTooSmall with
ProposedSize, MinSizeAllowed, PartNumber; the multipart ETag "-N")."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from interop_support import INTEROP, SETUP

ROOT = Path(__file__).resolve().parents[2]
README_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def readme_async_examples() -> list[str]:
    """The README's test blocks that use the async fixture (tests/examples/test_readme.py leaves them
    to this environment)."""
    blocks = README_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    return [block for block in blocks if "def test_" in block and "s3mpu_aioclient" in block]


USER_TESTS = '''
import asyncio

import pytest
from botocore.exceptions import ClientError


@pytest.mark.s3mpu(min_part_size=1024)
def test_async_multipart_round_trip(s3mpu, s3mpu_aioclient):
    async def scenario():
        async with s3mpu_aioclient as s3:
            await s3.create_bucket(Bucket="reports")
            upload_id = (await s3.create_multipart_upload(Bucket="reports", Key="big"))["UploadId"]
            parts = []
            for number, body in ((1, b"a" * 1024), (2, b"tail")):
                reply = await s3.upload_part(
                    Bucket="reports", Key="big", UploadId=upload_id, PartNumber=number, Body=body
                )
                parts.append({"PartNumber": number, "ETag": reply["ETag"]})
            listed = await s3.list_parts(Bucket="reports", Key="big", UploadId=upload_id)
            assert [p["Size"] for p in listed["Parts"]] == [1024, 4]
            done = await s3.complete_multipart_upload(
                Bucket="reports", Key="big", UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
            reply = await s3.get_object(Bucket="reports", Key="big")
            async with reply["Body"] as stream:
                return done["ETag"], await stream.read()

    etag, body = asyncio.run(scenario())
    assert body == b"a" * 1024 + b"tail"
    assert etag == s3mpu.objects("reports")["big"].quoted_etag and etag.endswith('-2"')


def test_async_error_is_s3s(s3mpu, s3mpu_aioclient):
    async def scenario():
        async with s3mpu_aioclient as s3:
            await s3.create_bucket(Bucket="reports")
            upload_id = (await s3.create_multipart_upload(Bucket="reports", Key="k"))["UploadId"]
            parts = []
            for number, body in ((1, b"x" * 100), (2, b"y")):
                reply = await s3.upload_part(
                    Bucket="reports", Key="k", UploadId=upload_id, PartNumber=number, Body=body
                )
                parts.append({"PartNumber": number, "ETag": reply["ETag"]})
            with pytest.raises(ClientError) as caught:
                await s3.complete_multipart_upload(
                    Bucket="reports", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
            return caught.value.response["Error"]

    error = asyncio.run(scenario())
    assert (error["Code"], error["ProposedSize"]) == ("EntityTooSmall", "100")
    assert error["MinSizeAllowed"] == "5242880"
    assert len(s3mpu.uploads()) == 1  # a failed Complete leaves the upload open


def test_each_entry_is_a_fresh_client_in_its_own_loop(s3mpu, s3mpu_client, s3mpu_aioclient):
    """Two event loops, one after the other, each with its own client; the sync client sees the writes."""
    async def put(key):
        async with s3mpu_aioclient as s3:
            await s3.put_object(Bucket="shared", Key=key, Body=key.encode())

    s3mpu_client.create_bucket(Bucket="shared")
    asyncio.run(put("one"))
    asyncio.run(put("two"))
    keys = [o["Key"] for o in s3mpu_client.list_objects_v2(Bucket="shared")["Contents"]]
    assert keys == ["one", "two"]
'''


@pytest.fixture(scope="module")
def aio_python() -> Path:
    python = INTEROP / "aio" / "bin" / "python"
    if not python.is_file():
        pytest.skip(f"aiobotocore environment missing ({python}): run `bash {SETUP}`")
    return python


def test_s3mpu_aioclient_fixture(aio_python, tmp_path):
    """The user's three async tests, and the README's async examples as printed, pass through the plugin
    installed in the aio environment."""
    (tmp_path / "test_user_async.py").write_text(USER_TESTS)
    readme_blocks = readme_async_examples()
    assert readme_blocks, "the README shows the async fixture"
    for number, block in enumerate(readme_blocks):
        (tmp_path / f"test_readme_aio_{number}.py").write_text(block)
    done = subprocess.run(
        [str(aio_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert f"{3 + len(readme_blocks)} passed" in done.stdout
