"""Assertions shared by the end-to-end tests: S3's error as boto3 parses it, and the state a failed
request must leave alone."""

from __future__ import annotations

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
