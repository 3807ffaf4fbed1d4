"""Assertions shared by the end-to-end tests: S3's error as boto3 parses it, and the state a failed
request must leave alone; a raw request for what boto3 cannot send, and its error document."""

from __future__ import annotations

import http.client
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from botocore.exceptions import ClientError


def expect_error(call: Any, status: int, code: str, message: str, **fields: str) -> dict[str, Any]:
    """Run a boto3 call that must fail; its parsed Error must be exactly Code, Message and ``fields``
    (botocore puts the extra <Error> children there and RequestId/HostId in ResponseMetadata)."""
    with pytest.raises(ClientError) as caught:
        call()
    response: dict[str, Any] = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert response["Error"] == {"Code": code, "Message": message, **fields}
    assert len(response["ResponseMetadata"]["RequestId"]) == 16
    assert response["ResponseMetadata"]["HostId"]
    return response


def one_part_upload(s3: Any, bucket: str, key: str, body: bytes = b"p", **create: Any) -> dict[str, Any]:
    """Create, upload one part and complete: the object a multipart upload with ``create``'s arguments
    (tagging, ACL, ...) makes. Returns Complete's response."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=body)["ETag"]
    response: dict[str, Any] = s3.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    return response


def state(s3mpu: Any) -> dict[str, Any]:
    """Everything a failed request must leave alone: open uploads, their parts, the objects."""
    uploads = s3mpu.uploads()
    return {
        "uploads": [(u.bucket, u.key, u.upload_id) for u in uploads],
        "parts": {
            u.upload_id: {n: (p.etag, p.size) for n, p in s3mpu.parts(u.upload_id).items()} for u in uploads
        },
        "objects": {b: {k: o.etag for k, o in s3mpu.objects(b).items()} for b in s3mpu.buckets()},
    }


def raw_request(
    s3mpu: Any, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, bytes]:
    """One request over http.client, exactly as given (what boto3 cannot or will not send)."""
    url = urllib.parse.urlsplit(s3mpu.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def error_fields(body: bytes) -> dict[str, str]:
    """An <Error> document's children by tag, in order."""
    return {child.tag: child.text or "" for child in ET.fromstring(body)}
