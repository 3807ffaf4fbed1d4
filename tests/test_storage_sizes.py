"""storage=sizes (issue 5, "scale beyond memory"): bodies are read and hashed but not kept, so uploads of
any size run in constant memory, while everything S3 reports about them stays exact. Reading the bytes
back answers a clear S3-style error saying why."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

MIB = 1024 * 1024


def _vm(name: str) -> int:
    """A /proc/self/status value (VmRSS, VmHWM) in bytes: the server runs in this process."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(name)


@pytest.mark.s3mpu(storage="sizes")
def test_real_size_parts_in_constant_memory(s3mpu, s3mpu_client):
    """48 parts of the real 5 MiB minimum (240 MiB) leave resident memory where it was, while the ETag,
    sizes, ListParts and HEAD are exactly what S3 reports (spec §3, §5.2, §7)."""
    s3mpu_client.create_bucket(Bucket="huge")
    upload = s3mpu_client.create_multipart_upload(Bucket="huge", Key="big")["UploadId"]
    part = os.urandom(5 * MIB)
    before = _vm("VmRSS")
    listed = []
    for number in range(1, 49):
        reply = s3mpu_client.upload_part(
            Bucket="huge", Key="big", UploadId=upload, PartNumber=number, Body=part
        )
        listed.append({"PartNumber": number, "ETag": reply["ETag"]})
    grown = _vm("VmRSS") - before
    assert grown < 40 * MIB, f"resident memory grew by {grown / MIB:.0f} MiB for 240 MiB of parts"
    parts = s3mpu_client.list_parts(Bucket="huge", Key="big", UploadId=upload)["Parts"]
    assert [p["Size"] for p in parts] == [5 * MIB] * 48
    done = s3mpu_client.complete_multipart_upload(
        Bucket="huge", Key="big", UploadId=upload, MultipartUpload={"Parts": listed}
    )
    expected = hashlib.md5(hashlib.md5(part).digest() * 48).hexdigest() + "-48"
    assert done["ETag"] == f'"{expected}"'
    head = s3mpu_client.head_object(Bucket="huge", Key="big")
    assert head["ContentLength"] == 48 * 5 * MIB
    assert head["ETag"] == f'"{expected}"'


@pytest.mark.s3mpu(storage="sizes", min_part_size=1)
def test_ten_thousand_parts(s3mpu, s3mpu_client):
    """The largest upload S3 allows, by count: 10,000 parts complete, with ETag ``-10000`` (S3 limits)."""
    s3mpu_client.create_bucket(Bucket="huge")
    upload = s3mpu_client.create_multipart_upload(Bucket="huge", Key="many")["UploadId"]
    host, port = s3mpu.endpoint_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    listed = []
    for number in range(1, 10001):  # raw keep-alive requests: the protocol, without boto3's cost
        connection.request("PUT", f"/huge/many?partNumber={number}&uploadId={upload}", body=b"p")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        listed.append({"PartNumber": number, "ETag": response.getheader("ETag")})
    connection.close()
    done = s3mpu_client.complete_multipart_upload(
        Bucket="huge", Key="many", UploadId=upload, MultipartUpload={"Parts": listed}
    )
    expected = hashlib.md5(hashlib.md5(b"p").digest() * 10000).hexdigest() + "-10000"
    assert done["ETag"] == f'"{expected}"'
    assert s3mpu_client.head_object(Bucket="huge", Key="many")["ContentLength"] == 10000


@pytest.mark.s3mpu(storage="sizes")
def test_reading_bytes_back_is_refused_saying_why(s3mpu, s3mpu_client):
    """GetObject and a copy that needs the bytes answer 501 NotImplemented naming the storage mode; HEAD,
    checksums and a PutObject's ETag are exact (ETag = MD5 of the body, spec §3)."""
    s3mpu_client.create_bucket(Bucket="huge")
    reply = s3mpu_client.put_object(Bucket="huge", Key="k", Body=b"hello")
    assert reply["ETag"] == f'"{hashlib.md5(b"hello").hexdigest()}"'
    with pytest.raises(ClientError) as caught:
        s3mpu_client.get_object(Bucket="huge", Key="k")
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Code"] == "NotImplemented"
    assert re.search(r"storage=sizes.*not its bytes", error["Message"])
    assert s3mpu_client.head_object(Bucket="huge", Key="k")["ContentLength"] == 5
    upload = s3mpu_client.create_multipart_upload(Bucket="huge", Key="copy")["UploadId"]
    with pytest.raises(ClientError) as caught:
        s3mpu_client.upload_part_copy(
            Bucket="huge", Key="copy", UploadId=upload, PartNumber=1, CopySource="huge/k"
        )
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
    assert s3mpu.parts(upload) == {}  # the failed copy left nothing behind


def test_memory_mode_is_the_default(s3mpu, s3mpu_client):
    """Without the setting, bytes are kept and read back exactly."""
    s3mpu_client.create_bucket(Bucket="kept")
    s3mpu_client.put_object(Bucket="kept", Key="k", Body=b"hello")
    assert s3mpu_client.get_object(Bucket="kept", Key="k")["Body"].read() == b"hello"
