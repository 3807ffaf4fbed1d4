"""The handle's models keep ETags unquoted (``etag``) while S3 sends them quoted and boto3 returns them as
sent; ``quoted_etag`` gives the form to compare with boto3's answers ([AWS: PutObject, UploadPart,
CompleteMultipartUpload responses]: ``ETag`` is a quoted entity tag,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html)."""

from __future__ import annotations

import pytest


@pytest.mark.s3mpu(min_part_size=1024)
def test_quoted_etag_equals_what_boto3_returns(s3mpu, s3mpu_client):
    """Object, part and completed-part ETags: ``quoted_etag`` is boto3's value, ``etag`` is it unquoted."""
    s3mpu_client.create_bucket(Bucket="bkt")
    put = s3mpu_client.put_object(Bucket="bkt", Key="small", Body=b"hello")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="bkt", Key="big")["UploadId"]
    part_etags = [
        s3mpu_client.upload_part(Bucket="bkt", Key="big", UploadId=upload_id, PartNumber=n, Body=b"x" * 1024)[
            "ETag"
        ]
        for n in (1, 2)
    ]
    parts = s3mpu.parts(upload_id)
    assert [parts[n].quoted_etag for n in (1, 2)] == part_etags
    assert parts[1].etag == part_etags[0].strip('"')

    done = s3mpu_client.complete_multipart_upload(
        Bucket="bkt",
        Key="big",
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), part_etags, strict=True)]
        },
    )
    objects = s3mpu.objects("bkt")
    assert objects["small"].quoted_etag == put["ETag"]
    assert objects["big"].quoted_etag == done["ETag"]
    assert objects["big"].etag == done["ETag"].strip('"') and objects["big"].etag.endswith("-2")
    assert [info.quoted_etag for info in objects["big"].parts] == part_etags
