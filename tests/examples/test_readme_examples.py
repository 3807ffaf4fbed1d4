"""README examples, run as tests: each block below is copied verbatim into README.md.

Every example uses only the public fixtures (``s3mpu``, ``s3mpu_client``, ``s3mpu_env``) and the
``s3mpu`` marker, the way a user's suite would. Imports a snippet needs are listed in its header comment.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

# --- README example 1: a multipart upload, then assertions on the double's state -----------------------
# (needs no import)


def test_multipart_upload(s3mpu, s3mpu_client):
    """A one-part multipart upload: the part is visible while the upload is open, then the object (§5)."""
    s3mpu_client.create_bucket(Bucket="reports")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="reports", Key="big.csv")["UploadId"]
    etag = s3mpu_client.upload_part(
        Bucket="reports", Key="big.csv", UploadId=upload_id, PartNumber=1, Body=b"a,b\n"
    )["ETag"]

    assert [upload.key for upload in s3mpu.uploads("reports")] == ["big.csv"]
    assert s3mpu.parts(upload_id)[1].size == 4

    s3mpu_client.complete_multipart_upload(
        Bucket="reports",
        Key="big.csv",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3mpu.uploads() == []
    assert s3mpu.object_bytes("reports", "big.csv") == b"a,b\n"


# --- README example 2: S3's errors, exactly as S3 sends them ----------------------------------------------
# import pytest
# from botocore.exceptions import ClientError


def test_small_part_is_rejected(s3mpu, s3mpu_client):
    """Every part but the last must be at least 5 MiB, as on S3: EntityTooSmall names the part (§5.1 9c)."""
    s3mpu_client.create_bucket(Bucket="reports")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="reports", Key="big.csv")["UploadId"]
    parts = []
    for number, body in [(1, b"x" * 1024), (2, b"tail")]:
        reply = s3mpu_client.upload_part(
            Bucket="reports", Key="big.csv", UploadId=upload_id, PartNumber=number, Body=body
        )
        parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    with pytest.raises(ClientError) as caught:
        s3mpu_client.complete_multipart_upload(
            Bucket="reports", Key="big.csv", UploadId=upload_id, MultipartUpload={"Parts": parts}
        )

    error = caught.value.response["Error"]
    assert error["Code"] == "EntityTooSmall"
    assert error["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    assert (error["PartNumber"], error["ProposedSize"], error["MinSizeAllowed"]) == ("1", "1024", "5242880")
    assert s3mpu.uploads()[0].upload_id == upload_id  # a failed Complete leaves the upload open


# --- README example 3: unmodified application code, via s3mpu_env ----------------------------------------
# import boto3


def upload_report(path):
    """Application code, unchanged: it knows nothing about tests."""
    boto3.client("s3").upload_file(str(path), "reports", path.name)


def test_upload_report(s3mpu_env, tmp_path):
    """``boto3.client("s3")`` with no arguments lands on the double inside a test using ``s3mpu_env``."""
    s3mpu_env.create_bucket("reports")
    report = tmp_path / "report.txt"
    report.write_bytes(b"hello")

    upload_report(report)

    assert s3mpu_env.object_bytes("reports", "report.txt") == b"hello"


# --- README example 4: a small minimum part size for one test, via the marker ------------------------------
# import pytest


@pytest.mark.s3mpu(min_part_size=1024)
def test_many_small_parts(s3mpu, s3mpu_client):
    """With a 1 KiB minimum, a test exercises multi-part logic with tiny parts (README: settings)."""
    s3mpu_client.create_bucket(Bucket="reports")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="reports", Key="big.csv")["UploadId"]
    parts = []
    for number in (1, 2, 3):
        reply = s3mpu_client.upload_part(
            Bucket="reports", Key="big.csv", UploadId=upload_id, PartNumber=number, Body=b"x" * 1024
        )
        parts.append({"PartNumber": number, "ETag": reply["ETag"]})

    s3mpu_client.complete_multipart_upload(
        Bucket="reports", Key="big.csv", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )

    assert s3mpu.min_part_size == 1024
    assert s3mpu.objects("reports")["big.csv"].etag.endswith("-3")
