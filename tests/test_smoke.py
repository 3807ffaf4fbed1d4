"""A first end-to-end check through the real server with boto3 (spec §2, §3, §5)."""

from __future__ import annotations


def test_multipart_round_trip(s3mpu, s3mpu_client, random_bytes):
    """Create, upload two parts, complete, read back byte-exact; ETag is md5-of-md5s plus -N (spec §5.2)."""
    import hashlib

    s3mpu_client.create_bucket(Bucket="smoke")
    upload = s3mpu_client.create_multipart_upload(Bucket="smoke", Key="k")
    first, second = random_bytes(5 * 1024 * 1024), random_bytes(10)
    etags = []
    for number, data in ((1, first), (2, second)):
        reply = s3mpu_client.upload_part(
            Bucket="smoke", Key="k", UploadId=upload["UploadId"], PartNumber=number, Body=data
        )
        etags.append(reply["ETag"])
    done = s3mpu_client.complete_multipart_upload(
        Bucket="smoke",
        Key="k",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": n + 1, "ETag": e} for n, e in enumerate(etags)]},
    )
    expected = hashlib.md5(hashlib.md5(first).digest() + hashlib.md5(second).digest()).hexdigest()
    assert done["ETag"] == f'"{expected}-2"'
    assert s3mpu_client.get_object(Bucket="smoke", Key="k")["Body"].read() == first + second
    assert s3mpu.uploads() == []
