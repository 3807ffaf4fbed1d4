"""The control API's newer resources, through HTTP as a suite in another language would use them:
``DELETE /_s3mpu/faults/{id}``, ``GET /_s3mpu/state`` and ``GET|POST /_s3mpu/settings`` (#19). The
client is raw ``http.client`` (no SDK speaks the control API); S3 requests are boto3's. The S3 answers
asserted here (EntityTooSmall's MinSizeAllowed, quoted ETags) are those of
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html and
https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html."""

from __future__ import annotations

import hashlib
import http.client
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_s3mpu.handle import S3MPU


def control(
    s3mpu: S3MPU, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One control request; its status and parsed JSON answer."""
    port = int(s3mpu.endpoint_url.rsplit(":", 1)[1])
    payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, f"/_s3mpu/{path}", body=payload, headers=headers or {})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


# -- DELETE /_s3mpu/faults/{id} ---------------------------------------------------------------------------


def test_delete_one_fault_rule_by_id_leaves_the_others(s3mpu, s3mpu_client):
    """Two rules; deleting the first by its id answers it (with its hits) and the second still fires."""
    s3mpu_client.create_bucket(Bucket="bkt")
    status, added = control(
        s3mpu,
        "POST",
        "faults",
        [
            {"operation": "PutObject", "preset": "SlowDown", "times": None},
            {"operation": "GetObject", "preset": "InternalError", "times": None},
        ],
    )
    assert status == 200
    first, second = (rule["id"] for rule in added)

    status, removed = control(s3mpu, "DELETE", f"faults/{first}")
    assert (status, removed["id"], removed["operation"], removed["hits"]) == (200, first, "PutObject", 0)
    assert [rule["id"] for rule in control(s3mpu, "GET", "faults")[1]] == [second]
    assert control(s3mpu, "GET", f"faults/{second}")[1]["operation"] == "GetObject"

    s3mpu_client.put_object(Bucket="bkt", Key="k", Body=b"x")  # the deleted rule no longer fires
    with pytest.raises(ClientError) as caught:
        s3mpu_client.get_object(Bucket="bkt", Key="k")
    assert caught.value.response["Error"]["Code"] == "InternalError"


def test_delete_unknown_fault_id_is_404_and_changes_nothing(s3mpu):
    """An id no rule has is 404 naming it (a typo is not mistaken for a removal); the rules stay."""
    control(s3mpu, "POST", "faults", {"operation": "PutObject", "preset": "SlowDown", "id": "mine"})
    status, answer = control(s3mpu, "DELETE", "faults/nope")
    assert status == 404 and "nope" in answer["error"]
    assert [rule["id"] for rule in control(s3mpu, "GET", "faults")[1]] == ["mine"]
    assert control(s3mpu, "POST", "faults/mine")[0] == 405


def test_delete_one_fault_from_another_origin_is_refused(s3mpu):
    """A browser's cross-origin DELETE of a rule is 403, as for every state-changing control request."""
    control(s3mpu, "POST", "faults", {"operation": "PutObject", "preset": "SlowDown", "id": "keep"})
    status, _ = control(s3mpu, "DELETE", "faults/keep", headers={"Origin": "http://evil.example"})
    assert status == 403
    assert [rule["id"] for rule in control(s3mpu, "GET", "faults")[1]] == ["keep"]


# -- GET /_s3mpu/state -------------------------------------------------------------------------------------


@pytest.mark.s3mpu(min_part_size=1024)
def test_state_shows_buckets_objects_and_open_uploads_with_parts(s3mpu, s3mpu_client):
    """What boto3 did, as the state view shows it: the object with its size and both ETag forms (the
    quoted one equal to boto3's), the open upload with its parts in number order."""
    s3mpu_client.create_bucket(Bucket="reports")
    put = s3mpu_client.put_object(Bucket="reports", Key="a.txt", Body=b"hello", Metadata={"who": "me"})
    upload_id = s3mpu_client.create_multipart_upload(Bucket="reports", Key="big")["UploadId"]
    etags = {
        n: s3mpu_client.upload_part(
            Bucket="reports", Key="big", UploadId=upload_id, PartNumber=n, Body=bytes([n]) * 2048
        )["ETag"]
        for n in (2, 1)
    }

    status, state = control(s3mpu, "GET", "state")
    assert status == 200
    [bucket] = state["buckets"]
    assert (bucket["name"], bucket["region"], bucket["versioning"]) == ("reports", "us-east-1", None)
    [obj] = bucket["objects"]
    assert obj["key"] == "a.txt" and obj["size"] == 5
    assert obj["etag"] == hashlib.md5(b"hello").hexdigest()
    assert obj["quoted_etag"] == put["ETag"]
    assert obj["metadata"] == {"who": "me"} and obj["parts_count"] is None
    assert obj["checksum"]["algorithm"] == "CRC32"  # boto3's default checksum, stored with the object
    [upload] = bucket["uploads"]
    assert (upload["upload_id"], upload["key"]) == (upload_id, "big")
    assert [p["part_number"] for p in upload["parts"]] == [1, 2]
    assert [p["quoted_etag"] for p in upload["parts"]] == [etags[1], etags[2]]
    assert all(p["size"] == 2048 for p in upload["parts"])
    assert upload["initiated"].endswith("Z")


def test_state_is_read_only_and_follows_reset(s3mpu, s3mpu_client):
    """POST to the state is 405 (it changes nothing); after POST /_s3mpu/reset it is empty."""
    s3mpu_client.create_bucket(Bucket="bkt")
    assert control(s3mpu, "POST", "state", {"buckets": []})[0] == 405
    assert [b["name"] for b in control(s3mpu, "GET", "state")[1]["buckets"]] == ["bkt"]
    control(s3mpu, "POST", "reset")
    assert control(s3mpu, "GET", "state") == (200, {"buckets": []})


# -- GET|POST /_s3mpu/settings ------------------------------------------------------------------------------


def test_settings_change_min_part_size_at_run_time(s3mpu, s3mpu_client):
    """A suite without pytest markers lowers the minimum part size over HTTP; Complete then checks the
    new minimum, and EntityTooSmall reports it as MinSizeAllowed."""
    status, now = control(s3mpu, "GET", "settings")
    assert status == 200 and now["min_part_size"] == 5 * 1024 * 1024
    status, now = control(s3mpu, "POST", "settings", {"min_part_size": 4096})
    assert (status, now["min_part_size"]) == (200, 4096)

    s3mpu_client.create_bucket(Bucket="bkt")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
    parts = []
    for number, size in ((1, 2048), (2, 10)):
        etag = s3mpu_client.upload_part(
            Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=number, Body=b"x" * size
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    with pytest.raises(ClientError) as caught:
        s3mpu_client.complete_multipart_upload(
            Bucket="bkt", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    error = caught.value.response["Error"]
    assert (error["Code"], error["MinSizeAllowed"]) == ("EntityTooSmall", "4096")


@pytest.mark.parametrize(
    "body",
    [
        {"min_part_size": "5MiB"},
        {"min_part_size": 0},
        {"min_part_size": True},
        {"storage": "disk"},
        {"object_ownership": "Nobody"},
        {"region": ""},
        {"host": "0.0.0.0"},
        {"min_part_size": 1024, "typo": 1},
        [],
        {},
    ],
)
def test_bad_settings_change_nothing(s3mpu, body):
    """Every field is checked before any applies: a bad one is 400 naming the problem, and the settings
    are as they were (even the good field beside it)."""
    before = control(s3mpu, "GET", "settings")[1]
    status, answer = control(s3mpu, "POST", "settings", body)
    assert status == 400 and answer["error"]
    assert control(s3mpu, "GET", "settings")[1] == before


def test_settings_ownership_and_storage_apply_to_new_requests(s3mpu, s3mpu_client):
    """object_ownership changes what CreateBucket gives new buckets; storage=sizes drops bodies (a GET
    is then 501, as with the marker), and both read back from GET /_s3mpu/settings."""
    status, now = control(
        s3mpu,
        "POST",
        "settings",
        {"object_ownership": "ObjectWriter", "storage": "sizes", "region": "eu-west-1"},
    )
    assert status == 200
    assert (now["object_ownership"], now["storage"], now["region"]) == ("ObjectWriter", "sizes", "eu-west-1")
    s3mpu_client.create_bucket(
        Bucket="old-style", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    ownership = s3mpu_client.get_bucket_ownership_controls(Bucket="old-style")
    assert ownership["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "ObjectWriter"
    s3mpu_client.put_object(Bucket="old-style", Key="k", Body=b"abc")
    with pytest.raises(ClientError) as caught:
        s3mpu_client.get_object(Bucket="old-style", Key="k")
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
