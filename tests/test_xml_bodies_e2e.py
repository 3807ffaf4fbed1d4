"""XML request bodies get every integrity check whatever their framing (spec §1.3a last paragraph, §1.6).

Issue 12 item 2: a DeleteObjects sent with ``Transfer-Encoding: chunked`` and a correct Content-MD5 was
refused as carrying no digest, and a chunked CompleteMultipartUpload with a wrong Content-MD5 completed
the upload, because chunked small bodies skipped the reader that records what the client claimed. Here
every XML-bearing operation (DeleteObjects, CompleteMultipartUpload, CreateBucket) is sent through the
real server in each framing -- Content-Length, HTTP chunked, aws-chunked, aws-chunked inside HTTP
chunked -- with each kind of bad claim, and must answer S3's error and change nothing; the same body
with good claims then succeeds. Chunked framings are raw http.client (boto3 sends these bodies with a
Content-Length); boto3 sends what it can. Expected digests are computed here (hashlib, zlib).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from test_bodies_e2e import (
    BUCKET as HTTPS_BUCKET,
)
from test_bodies_e2e import (
    MD5_INVALID,
    MD5_MISMATCH,
    SHA256_MISMATCH,
    SIGNED,
    UNSIGNED_TRAILER,
    Response,
    assert_error,
    aws_chunked,
    b64,
    checksum,
    http_chunked,
    https_s3,  # noqa: F401  (fixture)
    send,
)

pytestmark = pytest.mark.s3mpu(min_part_size=1024)

BUCKET = "xml-bodies"
KEY = "multi part/key"
VICTIM = "victim"
NEW_BUCKET = "xml-bodies-new"
MISSING_DIGEST = "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"
CRC32_MISMATCH = "The CRC32 you specified did not match the calculated checksum."

FRAMINGS = ["content-length", "chunked", "aws-chunked", "aws-chunked-in-chunked"]
PLAIN_FRAMINGS = FRAMINGS[:2]
AWS_FRAMINGS = FRAMINGS[2:]


def frame(
    body: bytes, framing: str, headers: dict[str, str], trailer: str | None = None, with_trailer: bool = True
) -> bytes:
    """``body`` as sent in ``framing``; ``headers`` gains the framing's headers. ``trailer`` is the
    base64 CRC32 the aws-chunked trailer carries (default: the body's own); without one, aws-chunked is
    the signed variant that has no trailer."""
    if framing in AWS_FRAMINGS:
        headers["Content-Encoding"] = "aws-chunked"
        headers["X-Amz-Decoded-Content-Length"] = str(len(body))
        if with_trailer:
            headers["x-amz-content-sha256"] = UNSIGNED_TRAILER
            headers["X-Amz-Trailer"] = "x-amz-checksum-crc32"
            crc = trailer if trailer is not None else checksum("crc32", body)
            body = aws_chunked(body, 40, trailers=[("x-amz-checksum-crc32", crc)])
        else:
            headers["x-amz-content-sha256"] = SIGNED
            body = aws_chunked(body, 40, signed=True)
    if framing in ("chunked", "aws-chunked-in-chunked"):
        headers["Transfer-Encoding"] = "chunked"
        body = http_chunked(body, 17)
    return body


# -- the operations, each with its seeded state ------------------------------------------------------


@dataclass
class Operation:
    """An XML-bearing request, how to seed what it acts on, and how to read the state it may change."""

    name: str
    s3mpu: Any
    method: str
    path: str
    body: bytes
    state: Callable[[], Any]
    succeeded: Callable[[Response], None]
    checks_checksum_headers: bool = True  # Complete's x-amz-checksum-* is the object's (spec §5.1 10)

    def send(self, headers: dict[str, str], body: bytes) -> Response:
        return send(self.s3mpu.endpoint_url, self.method, self.path, headers, body)


def _delete_objects(s3mpu: Any) -> Operation:
    client = s3mpu.client()
    client.put_object(Bucket=BUCKET, Key=VICTIM, Body=b"must survive a failed DeleteObjects")
    body = f"<Delete><Object><Key>{VICTIM}</Key></Object></Delete>".encode()

    def succeeded(response: Response) -> None:
        assert response.status == 200, response.body
        assert b"<Deleted><Key>victim</Key></Deleted>" in response.body
        assert VICTIM not in s3mpu.objects(BUCKET)

    return Operation(
        "DeleteObjects",
        s3mpu,
        "POST",
        f"/{BUCKET}?delete",
        body,
        lambda: {key: s3mpu.object_bytes(BUCKET, key) for key in s3mpu.objects(BUCKET)},
        succeeded,
    )


def _complete(s3mpu: Any) -> Operation:
    client = s3mpu.client()
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    data = os.urandom(3000)
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=data)["ETag"]
    body = (
        f"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part>"
        "</CompleteMultipartUpload>"
    ).encode()

    def state() -> Any:
        """The upload as clients see it: listable, its part listable, no object yet."""
        uploads = client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
        parts = client.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id).get("Parts", [])
        return (
            [(u["Key"], u["UploadId"]) for u in uploads],
            [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts],
            sorted(s3mpu.objects(BUCKET)),
        )

    def succeeded(response: Response) -> None:
        assert response.status == 200, response.body
        assert b"<CompleteMultipartUploadResult" in response.body
        assert s3mpu.object_bytes(BUCKET, KEY) == data
        assert s3mpu.uploads(BUCKET) == []

    return Operation(
        "CompleteMultipartUpload",
        s3mpu,
        "POST",
        f"/{BUCKET}/{quote(KEY)}?uploadId={quote(upload_id, safe='')}",
        body,
        state,
        succeeded,
        checks_checksum_headers=False,
    )


def _create_bucket(s3mpu: Any) -> Operation:
    body = (
        b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
        b"</CreateBucketConfiguration>"
    )

    def succeeded(response: Response) -> None:
        assert response.status == 200, response.body
        assert s3mpu.client().head_bucket(Bucket=NEW_BUCKET)["BucketRegion"] == "eu-west-1"

    return Operation(
        "CreateBucket", s3mpu, "PUT", f"/{NEW_BUCKET}", body, lambda: sorted(s3mpu.buckets()), succeeded
    )


def _put_bucket_tagging(s3mpu: Any) -> Operation:
    """A configuration body (tagging, ACL, ownership, public access block and policy share its reader)."""
    from botocore.exceptions import ClientError

    client = s3mpu.client()
    body = b"<Tagging><TagSet><Tag><Key>team</Key><Value>storage</Value></Tag></TagSet></Tagging>"

    def state() -> Any:
        try:
            return client.get_bucket_tagging(Bucket=BUCKET)["TagSet"]
        except ClientError as exc:
            return exc.response["Error"]["Code"]

    def succeeded(response: Response) -> None:
        assert response.status == 204, response.body
        assert state() == [{"Key": "team", "Value": "storage"}]

    return Operation("PutBucketTagging", s3mpu, "PUT", f"/{BUCKET}?tagging", body, state, succeeded)


@pytest.fixture(params=["DeleteObjects", "CompleteMultipartUpload", "CreateBucket", "PutBucketTagging"])
def operation(request, s3mpu) -> Operation:
    s3mpu.create_bucket(BUCKET)
    build = {
        "DeleteObjects": _delete_objects,
        "CompleteMultipartUpload": _complete,
        "CreateBucket": _create_bucket,
        "PutBucketTagging": _put_bucket_tagging,
    }[request.param]
    return build(s3mpu)


# -- every bad claim, in every framing ------------------------------------------------------------


OTHER = b"not the body"


@pytest.mark.parametrize("framing", FRAMINGS)
@pytest.mark.parametrize(
    "failure",
    ["md5-mismatch", "md5-malformed", "sha256-mismatch", "checksum-header-mismatch", "trailer-mismatch"],
)
def test_bad_claim_is_refused_in_every_framing_and_changes_nothing(operation, framing, failure):
    """Content-MD5 (spec §1.6: InvalidDigest, BadDigest), a hex x-amz-content-sha256 (§1.5:
    XAmzContentSHA256Mismatch), an x-amz-checksum-* header or aws-chunked trailer (§3 step 5: BadDigest
    naming the algorithm) are checked on the body's bytes whatever its framing (§1.3a); a failed check
    leaves the state exactly as it was (a failed Complete leaves the upload open and its parts listable,
    §5.1 last paragraph [LS-AWS: the precondition tests retry the same UploadId]); the same body with
    good claims then succeeds in the same framing. Content-MD5 on these bodies: AWS docs, Common Request
    Headers and API_DeleteObjects; "optional on Complete" (spec §1.6)."""
    body = operation.body
    headers: dict[str, str] = {}
    trailer = None
    if failure == "md5-mismatch":
        headers["Content-MD5"] = b64(hashlib.md5(OTHER).digest())
    elif failure == "md5-malformed":
        headers["Content-MD5"] = "bm90IG1kNQ=="  # valid base64 of 7 bytes
    elif failure == "sha256-mismatch":
        if framing in AWS_FRAMINGS:
            pytest.skip("aws-chunked bodies carry a streaming token in x-amz-content-sha256, not a digest")
        headers["x-amz-content-sha256"] = hashlib.sha256(OTHER).hexdigest()
    elif failure == "checksum-header-mismatch":
        if not operation.checks_checksum_headers:
            pytest.skip("x-amz-checksum-* on Complete is the object's checksum (spec §5.1 step 10)")
        headers["x-amz-checksum-crc32"] = checksum("crc32", OTHER)
    else:
        if framing not in AWS_FRAMINGS:
            pytest.skip("trailers exist only in aws-chunked bodies")
        trailer = checksum("crc32", OTHER)
    if operation.name == "DeleteObjects" and failure != "md5-malformed" and framing in PLAIN_FRAMINGS:
        headers.setdefault("Content-MD5", b64(hashlib.md5(body).digest()))
    before = operation.state()
    wire = frame(body, framing, headers, trailer)

    response = operation.send(headers, wire)

    if failure == "md5-mismatch":
        error = assert_error(response, 400, "BadDigest", MD5_MISMATCH)
        assert error["CalculatedDigest"] == b64(hashlib.md5(body).digest())
    elif failure == "md5-malformed":
        error = assert_error(response, 400, "InvalidDigest", MD5_INVALID)
        assert error["Content-MD5"] == "bm90IG1kNQ=="
    elif failure == "sha256-mismatch":
        error = assert_error(response, 400, "XAmzContentSHA256Mismatch", SHA256_MISMATCH)
        assert error["ClientComputedContentSHA256"] == hashlib.sha256(OTHER).hexdigest()
        assert error["S3ComputedContentSHA256"] == hashlib.sha256(body).hexdigest()
    else:
        assert_error(response, 400, "BadDigest", CRC32_MISMATCH)
    assert operation.state() == before

    good: dict[str, str] = {"Content-MD5": b64(hashlib.md5(body).digest())}
    if framing in PLAIN_FRAMINGS:
        good["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    operation.succeeded(operation.send(good, frame(body, framing, good)))


@pytest.mark.parametrize("framing", FRAMINGS)
def test_good_claims_are_accepted_in_every_framing(operation, framing):
    """Each kind of good claim alone -- Content-MD5, a hex x-amz-content-sha256 and an x-amz-checksum-*
    header, or an aws-chunked trailer -- is accepted in every framing (spec §1.3a, §1.5, §1.6); for
    DeleteObjects a checksum header or trailer stands in for Content-MD5 (API_DeleteObjects: "Content-MD5
    or x-amz-checksum-*" [S3's answer quoted in versitygw#1040])."""
    body = operation.body
    headers: dict[str, str] = {}
    if framing in PLAIN_FRAMINGS:
        headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
        if operation.checks_checksum_headers:
            headers["x-amz-checksum-crc32"] = checksum("crc32", body)
        else:
            headers["Content-MD5"] = b64(hashlib.md5(body).digest())
    operation.succeeded(operation.send(headers, frame(body, framing, headers)))


# -- the cases issue 12 reported, and DeleteObjects' own rule ----------------------------------------


def _delete_body(key: str) -> bytes:
    return f"<Delete><Object><Key>{key}</Key></Object></Delete>".encode()


def test_chunked_delete_objects_with_correct_content_md5_deletes(s3mpu):
    """Issue 12 item 2: DeleteObjects sent chunked with a correct Content-MD5 was 400 "Missing required
    header"; it deletes the key, as the same request with a Content-Length does (spec §1.3a)."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.client().put_object(Bucket=BUCKET, Key=VICTIM, Body=b"x")
    body = _delete_body(VICTIM)
    headers = {"Content-MD5": b64(hashlib.md5(body).digest()), "Transfer-Encoding": "chunked"}
    response = send(s3mpu.endpoint_url, "POST", f"/{BUCKET}?delete", headers, http_chunked(body, 10))
    assert response.status == 200, response.body
    assert b"<Deleted><Key>victim</Key></Deleted>" in response.body
    assert s3mpu.objects(BUCKET) == {}


def test_chunked_complete_with_wrong_content_md5_leaves_the_upload_open(s3mpu):
    """Issue 12 item 2: CompleteMultipartUpload sent chunked with a wrong Content-MD5 completed the
    upload. It is 400 BadDigest (spec §1.6), and the upload stays open: listed by ListMultipartUploads,
    its part by ListParts, no object (§5.1 "A failed Complete leaves the upload intact")."""
    s3mpu.create_bucket(BUCKET)
    client = s3mpu.client()
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"p")["ETag"]
    body = (
        f"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part>"
        "</CompleteMultipartUpload>"
    ).encode()
    headers = {"Content-MD5": b64(hashlib.md5(OTHER).digest()), "Transfer-Encoding": "chunked"}
    path = f"/{BUCKET}/{quote(KEY)}?uploadId={quote(upload_id, safe='')}"
    response = send(s3mpu.endpoint_url, "POST", path, headers, http_chunked(body, 10))
    error = assert_error(response, 400, "BadDigest", MD5_MISMATCH)
    assert error["CalculatedDigest"] == b64(hashlib.md5(body).digest())
    assert [u["UploadId"] for u in client.list_multipart_uploads(Bucket=BUCKET)["Uploads"]] == [upload_id]
    parts = client.list_parts(Bucket=BUCKET, Key=KEY, UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, etag)]
    assert s3mpu.objects(BUCKET) == {}


@pytest.mark.parametrize("framing", FRAMINGS)
def test_delete_objects_without_a_digest_is_refused_in_every_framing(s3mpu, framing):
    """DeleteObjects with neither Content-MD5 nor an x-amz-checksum-* header or trailer: 400
    InvalidRequest "Missing required header for this request: Content-MD5 OR x-amz-checksum-*" [AWS docs:
    API_DeleteObjects ("The Content-MD5 or x-amz-sdk-checksum-algorithm header is required"); the body
    S3 answers, quoted in versitygw#1040]; nothing is deleted. The aws-chunked framings here are the
    signed variant, which carries no trailer."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.client().put_object(Bucket=BUCKET, Key=VICTIM, Body=b"x")
    body = _delete_body(VICTIM)
    headers: dict[str, str] = {}
    wire = frame(body, framing, headers, with_trailer=False)
    response = send(s3mpu.endpoint_url, "POST", f"/{BUCKET}?delete", headers, wire)
    assert_error(response, 400, "InvalidRequest", MISSING_DIGEST)
    assert list(s3mpu.objects(BUCKET)) == [VICTIM]


@pytest.mark.parametrize("framing", FRAMINGS)
def test_delete_objects_sdk_checksum_algorithm_needs_its_checksum(s3mpu, framing):
    """DeleteObjects with x-amz-sdk-checksum-algorithm but no checksum header or trailer: 400
    InvalidRequest "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or
    x-amz-trailer headers were found." [S3's answer quoted in versitygw#1593; hadoop#6467], nothing
    deleted; with its CRC32 (as botocore sends it: header, or trailer over aws-chunked) it deletes."""
    s3mpu.create_bucket(BUCKET)
    s3mpu.client().put_object(Bucket=BUCKET, Key=VICTIM, Body=b"x")
    body = _delete_body(VICTIM)
    headers = {"x-amz-sdk-checksum-algorithm": "CRC32"}
    wire = frame(body, framing, headers, with_trailer=False)
    response = send(s3mpu.endpoint_url, "POST", f"/{BUCKET}?delete", headers, wire)
    message = (
        "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer "
        "headers were found."
    )
    assert_error(response, 400, "InvalidRequest", message)
    assert list(s3mpu.objects(BUCKET)) == [VICTIM]

    headers = {"x-amz-sdk-checksum-algorithm": "CRC32"}
    if framing in PLAIN_FRAMINGS:
        headers["x-amz-checksum-crc32"] = checksum("crc32", body)
    response = send(s3mpu.endpoint_url, "POST", f"/{BUCKET}?delete", headers, frame(body, framing, headers))
    assert response.status == 200, response.body
    assert s3mpu.objects(BUCKET) == {}


# -- boto3 sends what it can --------------------------------------------------------------------------


def _with_header(client: Any, operation: str, name: str, value: str) -> None:
    """Set a header on every ``operation`` request as botocore sends it (after signing, which would
    overwrite x-amz-content-sha256; the double does not check signatures)."""

    def add(request: Any, **kwargs: Any) -> None:
        if name in request.headers:
            del request.headers[name]
        request.headers[name] = value

    client.meta.events.register(f"before-send.s3.{operation}", add)


def test_boto3_create_bucket_with_wrong_content_md5_creates_nothing(s3mpu):
    """boto3 CreateBucket with a configuration body and a Content-MD5 that is not the body's: 400
    BadDigest (spec §1.6; Content-MD5 is a common request header, AWS docs: Common Request Headers), and
    no bucket; without the wrong header the same call creates it."""
    from botocore.exceptions import ClientError

    client = s3mpu.client()
    _with_header(client, "CreateBucket", "Content-MD5", b64(hashlib.md5(OTHER).digest()))
    config = {"LocationConstraint": "eu-west-1"}
    with pytest.raises(ClientError) as raised:
        client.create_bucket(Bucket=NEW_BUCKET, CreateBucketConfiguration=config)
    assert raised.value.response["Error"]["Code"] == "BadDigest"
    assert raised.value.response["Error"]["Message"] == MD5_MISMATCH
    assert NEW_BUCKET not in s3mpu.buckets()
    s3mpu.client().create_bucket(Bucket=NEW_BUCKET, CreateBucketConfiguration=config)
    assert s3mpu.client().head_bucket(Bucket=NEW_BUCKET)["BucketRegion"] == "eu-west-1"


def test_boto3_complete_with_wrong_content_sha256_leaves_the_upload_open(s3mpu):
    """boto3 signs Complete with the hex SHA-256 of its body in x-amz-content-sha256; a value that is not
    the body's is 400 XAmzContentSHA256Mismatch (spec §1.5), and the upload stays open and listable."""
    from botocore.exceptions import ClientError

    s3mpu.create_bucket(BUCKET)
    client = s3mpu.client()
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    etag = client.upload_part(Bucket=BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"p")["ETag"]
    wrong = hashlib.sha256(OTHER).hexdigest()
    lying = s3mpu.client()
    _with_header(lying, "CompleteMultipartUpload", "x-amz-content-sha256", wrong)
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    with pytest.raises(ClientError) as raised:
        lying.complete_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload=parts)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("XAmzContentSHA256Mismatch", SHA256_MISMATCH)
    assert error["ClientComputedContentSHA256"] == wrong
    assert [u["UploadId"] for u in client.list_multipart_uploads(Bucket=BUCKET)["Uploads"]] == [upload_id]
    assert s3mpu.objects(BUCKET) == {}
    client.complete_multipart_upload(Bucket=BUCKET, Key=KEY, UploadId=upload_id, MultipartUpload=parts)
    assert s3mpu.object_bytes(BUCKET, KEY) == b"p"


def test_boto3_https_delete_objects_and_complete(https_s3):  # noqa: F811  (the imported fixture)
    """boto3 over https (where PutObject/UploadPart bodies become aws-chunked with trailers): DeleteObjects
    carries its CRC32 as a header, Complete carries none; both are accepted and act (spec §1.5 "When
    boto3 sends what")."""
    server, client, sent = https_s3
    client.put_object(Bucket=HTTPS_BUCKET, Key=VICTIM, Body=b"x")
    upload_id = client.create_multipart_upload(Bucket=HTTPS_BUCKET, Key=KEY)["UploadId"]
    etag = client.upload_part(Bucket=HTTPS_BUCKET, Key=KEY, UploadId=upload_id, PartNumber=1, Body=b"part")[
        "ETag"
    ]
    client.complete_multipart_upload(
        Bucket=HTTPS_BUCKET,
        Key=KEY,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    reply = client.delete_objects(Bucket=HTTPS_BUCKET, Delete={"Objects": [{"Key": VICTIM}]})
    assert reply["Deleted"] == [{"Key": VICTIM}]
    (delete,) = [headers for method, url, headers in sent if method == "POST" and "delete" in url]
    assert "x-amz-checksum-crc32" in delete
    assert list(server.store.objects(HTTPS_BUCKET)) == [KEY]
    assert server.store.uploads() == []
