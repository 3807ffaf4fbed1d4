"""Conditional writes through the real server with boto3: If-None-Match / If-Match on PutObject and
CompleteMultipartUpload, the 501 forms, 409 ConditionalRequestConflict and its precedence against the
idempotent re-Complete (S3_MULTIPART_SPEC.md §5.3, §5.4; research copy_attrs_sse.md §5)."""

from __future__ import annotations

import hashlib

import pytest
from s3_assertions import expect_error, state

from pytest_s3mpu.state import conditions
from pytest_s3mpu.state.errors import S3Error

SMALL_MIN = 1024
BUCKET = "conditional"
KEY = "cond/key.txt"
PRECONDITION = "At least one of the pre-conditions you specified did not hold"
NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"
CONFLICT = "The conditional request cannot succeed due to a conflicting operation against this resource."
NO_SUCH_KEY = "The specified key does not exist."

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


class Upload:
    """One open upload with one part, ready to complete with any headers."""

    def __init__(self, s3, body: bytes = b"multipart body") -> None:
        self.s3 = s3
        self.body = body
        self.upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
        self.etag = s3.upload_part(Bucket=BUCKET, Key=KEY, UploadId=self.upload_id, PartNumber=1, Body=body)[
            "ETag"
        ]

    def complete(self, **headers):
        return self.s3.complete_multipart_upload(
            Bucket=BUCKET,
            Key=KEY,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": self.etag}]},
            **headers,
        )

    @property
    def object_etag(self) -> str:
        return f'"{hashlib.md5(hashlib.md5(self.body).digest()).hexdigest()}-1"'


def put(s3, body: bytes = b"existing", **headers):
    return s3.put_object(Bucket=BUCKET, Key=KEY, Body=body, **headers)


# -- 501 forms ----------------------------------------------------------------------------------------

NOT_IMPLEMENTED_CASES = [
    (
        {"IfNoneMatch": '"abc"'},
        "If-None-Match",
        "We don't accept the provided value of If-None-Match header for this API",
    ),
    ({"IfMatch": "*"}, "If-Match", "We don't accept the provided value of If-Match header for this API"),
    (
        {"IfMatch": '"abc"', "IfNoneMatch": "*"},
        "If-Match,If-None-Match",
        "Multiple conditional request headers present in the request",
    ),
]


@pytest.mark.parametrize(("headers", "header", "additional"), NOT_IMPLEMENTED_CASES)
@pytest.mark.parametrize("exists", [False, True])
def test_put_object_not_implemented_forms(s3mpu, s3, headers, header, additional, exists):
    """Research §5 (LS TestS3ObjectWritePrecondition) / spec §5.3 / §12.4, §12.11: If-None-Match other
    than ``*``, If-Match ``*`` and both headers are 501 NotImplemented with Header and additionalMessage,
    whether or not the key exists; nothing is written."""
    if exists:
        put(s3)
    before = state(s3mpu)
    expect_error(
        lambda: put(s3, b"new", **headers),
        501,
        "NotImplemented",
        NOT_IMPLEMENTED,
        Header=header,
        additionalMessage=additional,
    )
    assert state(s3mpu) == before


@pytest.mark.parametrize(("headers", "header", "additional"), NOT_IMPLEMENTED_CASES)
def test_complete_not_implemented_forms(s3mpu, s3, headers, header, additional):
    """Spec §5.3 (vgw CompleteMultipartUpload_conditional_writes): the same 501s on Complete; the upload
    stays open and a plain retry completes it."""
    upload = Upload(s3)
    before = state(s3mpu)
    expect_error(
        lambda: upload.complete(**headers),
        501,
        "NotImplemented",
        NOT_IMPLEMENTED,
        Header=header,
        additionalMessage=additional,
    )
    assert state(s3mpu) == before
    assert upload.complete()["ETag"] == upload.object_etag


# -- If-None-Match: * ---------------------------------------------------------------------------------


def test_put_if_none_match_star(s3mpu, s3):
    """Research §5: If-None-Match ``*`` writes a new key, is 412 (Condition If-None-Match) while it exists,
    and writes again after a DELETE."""
    assert put(s3, b"first", IfNoneMatch="*")["ETag"] == f'"{md5_hex(b"first")}"'
    before = state(s3mpu)
    expect_error(
        lambda: put(s3, b"second", IfNoneMatch="*"),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-None-Match",
    )
    assert state(s3mpu) == before
    assert s3mpu.object_bytes(BUCKET, KEY) == b"first"
    s3.delete_object(Bucket=BUCKET, Key=KEY)
    put(s3, b"third", IfNoneMatch="*")
    assert s3mpu.object_bytes(BUCKET, KEY) == b"third"


def test_complete_if_none_match_star(s3mpu, s3):
    """Spec §5.3 (LS test_multipart_if_none_match_with_delete): 412 when the object exists (created before
    the upload, so no conflict); success when it does not."""
    put(s3)
    upload = Upload(s3)
    before = state(s3mpu)
    expect_error(
        lambda: upload.complete(IfNoneMatch="*"),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-None-Match",
    )
    assert state(s3mpu) == before
    fresh = Upload(s3, b"fresh")
    s3.delete_object(Bucket=BUCKET, Key="unrelated")  # deleting another key is no conflict
    s3.put_object(Bucket=BUCKET, Key="other-key", Body=b"x")
    other = s3.create_multipart_upload(Bucket=BUCKET, Key="new-key")["UploadId"]
    part = s3.upload_part(Bucket=BUCKET, Key="new-key", UploadId=other, PartNumber=1, Body=b"n")["ETag"]
    done = s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="new-key",
        UploadId=other,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]},
        IfNoneMatch="*",
    )
    assert done["ETag"] == f'"{hashlib.md5(hashlib.md5(b"n").digest()).hexdigest()}-1"'
    assert s3mpu.object_bytes(BUCKET, KEY) == b"existing"
    assert fresh.upload_id in [u.upload_id for u in s3mpu.uploads()]


# -- If-Match: etag -----------------------------------------------------------------------------------


@pytest.mark.parametrize("quoted", [True, False])
def test_put_if_match(s3mpu, s3, quoted):
    """Research §5 / spec §5.3: If-Match on a missing key is 404 NoSuchKey (Key), on another ETag 412
    (Condition If-Match), and on the current ETag (quotes optional) it writes."""
    expect_error(lambda: put(s3, b"x", IfMatch='"abc"'), 404, "NoSuchKey", NO_SUCH_KEY, Key=KEY)
    expect_error(lambda: put(s3, b"x", IfMatch="not-an-etag"), 404, "NoSuchKey", NO_SUCH_KEY, Key=KEY)
    assert s3mpu.objects(BUCKET) == {}
    put(s3, b"v1")
    before = state(s3mpu)
    wrong = md5_hex(b"other")
    expect_error(
        lambda: put(s3, b"v2", IfMatch=f'"{wrong}"'),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-Match",
    )
    assert state(s3mpu) == before
    current = md5_hex(b"v1")
    put(s3, b"v2", IfMatch=f'"{current}"' if quoted else current)
    assert s3mpu.object_bytes(BUCKET, KEY) == b"v2"


def test_complete_if_match(s3mpu, s3):
    """Spec §5.3 (LS test_multipart_if_match_with_put, _with_delete): missing object 404 NoSuchKey, ETag
    differs 412, matching ETag (quoted or not) completes; failures leave the upload open."""
    missing = Upload(s3)
    expect_error(lambda: missing.complete(IfMatch='"abc"'), 404, "NoSuchKey", NO_SUCH_KEY, Key=KEY)
    missing.complete()  # retried without the condition it completes
    upload = Upload(s3, b"second")
    before = state(s3mpu)
    expect_error(
        lambda: upload.complete(IfMatch=f'"{md5_hex(b"nope")}"'),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-Match",
    )
    assert state(s3mpu) == before
    assert upload.complete(IfMatch=missing.object_etag.strip('"'))["ETag"] == upload.object_etag
    third = Upload(s3, b"third")
    assert third.complete(IfMatch=upload.object_etag)["ETag"] == third.object_etag
    assert s3mpu.object_bytes(BUCKET, KEY) == b"third"


# -- 409 ConditionalRequestConflict --------------------------------------------------------------------


@pytest.mark.parametrize("change", ["put", "delete", "complete"])
def test_conflict_when_the_key_changed_after_create(s3mpu, s3, change):
    """Spec §5.3 (LS test_multipart_if_none_match_with_delete, test_multipart_if_match_with_put(_identical),
    _with_delete): the condition passes but the key was written or deleted after the upload began → 409
    with Condition and Key; the upload stays, and a new upload succeeds."""
    if change == "delete":
        put(s3)
    upload = Upload(s3)
    if change == "put":
        put(s3, b"meanwhile")
    elif change == "delete":
        s3.delete_object(Bucket=BUCKET, Key=KEY)
    else:
        other = Upload(s3, b"other upload")
        other.complete()
        s3.delete_object(Bucket=BUCKET, Key=KEY)
    # The key is now absent for "delete"/"complete", present for "put".
    if change == "put":
        current = md5_hex(b"meanwhile")
        headers, condition = {"IfMatch": f'"{current}"'}, "If-Match"
    else:
        headers, condition = {"IfNoneMatch": "*"}, "If-None-Match"
    before = state(s3mpu)
    expect_error(
        lambda: upload.complete(**headers),
        409,
        "ConditionalRequestConflict",
        CONFLICT,
        Condition=condition,
        Key=KEY,
    )
    assert state(s3mpu) == before
    retry = Upload(s3, b"retry")
    assert retry.complete(**headers)["ETag"] == retry.object_etag


def test_if_match_identical_put_still_conflicts(s3mpu, s3):
    """Spec §5.3 (LS test_multipart_if_match_with_put_identical): rewriting the same bytes after Create
    is still a write; If-Match on the unchanged ETag is 409."""
    put(s3, b"same")
    upload = Upload(s3)
    put(s3, b"same")
    expect_error(
        lambda: upload.complete(IfMatch=f'"{md5_hex(b"same")}"'),
        409,
        "ConditionalRequestConflict",
        CONFLICT,
        Condition="If-Match",
        Key=KEY,
    )


def test_failed_condition_beats_conflict(s3mpu, s3):
    """Spec §5.3: the conflict fires only when the condition passes; otherwise the 412 is reported."""
    upload = Upload(s3)
    put(s3, b"meanwhile")
    expect_error(
        lambda: upload.complete(IfNoneMatch="*"),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-None-Match",
    )


def test_no_conflict_without_condition_headers(s3mpu, s3):
    """Spec §5.3: without condition headers the last writer wins."""
    upload = Upload(s3)
    put(s3, b"meanwhile")
    s3.delete_object(Bucket=BUCKET, Key=KEY)
    put(s3, b"again")
    assert upload.complete()["ETag"] == upload.object_etag
    assert s3mpu.object_bytes(BUCKET, KEY) == upload.body


def test_recomplete_with_if_none_match_returns_same_result(s3mpu, s3):
    """Spec §5.3 precedence / §5.4 (moto-AWS test_idempotent_multipart_upload): re-completing a completed
    upload with If-None-Match ``*`` is 200 with the same ETag, though the object now exists."""
    upload = Upload(s3)
    first = upload.complete(IfNoneMatch="*")
    again = upload.complete(IfNoneMatch="*")
    assert again["ETag"] == first["ETag"] == upload.object_etag
    assert (again["Bucket"], again["Key"], again["Location"]) == (
        first["Bucket"],
        first["Key"],
        first["Location"],
    )
    assert s3mpu.uploads() == []


# -- store level --------------------------------------------------------------------------------------


def test_check_write_order():
    """Spec §5.3 at the store: header forms (501) come before the condition, the condition (412/404)
    before the conflict (409)."""
    with pytest.raises(S3Error) as caught:
        conditions.check_write(KEY, None, "*", None, conflict=True)
    assert (caught.value.status, caught.value.code) == (501, "NotImplemented")
    with pytest.raises(S3Error) as caught:
        conditions.check_write(KEY, None, '"e"', None, conflict=True)
    assert (caught.value.status, caught.value.code, caught.value.fields()) == (
        404,
        "NoSuchKey",
        [("Key", KEY)],
    )
    with pytest.raises(S3Error) as caught:
        conditions.check_write(KEY, None, None, "*", conflict=True)
    assert (caught.value.status, caught.value.fields()) == (
        409,
        [("Condition", "If-None-Match"), ("Key", KEY)],
    )
    conditions.check_write(KEY, None, None, None, conflict=True)


# -- CopyObject: If-Match / If-None-Match are conditions on the destination ----------------------------


def test_copy_object_if_none_match_refuses_an_existing_destination(s3mpu, s3mpu_client):
    """[LS-AWS: test_copy_object_if_none_match, test_copy_object_if_none_match_in_place, recorded
    2026-02-21] If-None-Match: * lets a copy create the destination and refuses it (412, Condition
    If-None-Match) once the key exists, in place too; the refused copy changes nothing."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="src", Body=b"source content")
    source = {"Bucket": BUCKET, "Key": "src"}
    s3mpu_client.copy_object(Bucket=BUCKET, Key="dest", CopySource=source, IfNoneMatch="*")
    before = state(s3mpu)
    for key in ("dest", "src"):
        expect_error(
            lambda key=key: s3mpu_client.copy_object(
                Bucket=BUCKET, Key=key, CopySource=source, IfNoneMatch="*", StorageClass="STANDARD"
            ),
            412,
            "PreconditionFailed",
            PRECONDITION,
            Condition="If-None-Match",
        )
    assert state(s3mpu) == before


def test_copy_object_if_match_needs_the_destination_etag(s3mpu, s3mpu_client):
    """[LS-AWS: test_copy_object_if_match, test_copy_object_if_match_in_place, recorded 2026-02-21]
    If-Match names the destination's ETag: a match copies (in place too), another ETag is 412, a missing
    destination NoSuchKey naming it."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key="src", Body=b"source content")
    dest_etag = s3mpu_client.put_object(Bucket=BUCKET, Key="dest", Body=b"initial content")["ETag"]
    source = {"Bucket": BUCKET, "Key": "src"}
    before = state(s3mpu)
    expect_error(
        lambda: s3mpu_client.copy_object(Bucket=BUCKET, Key="dest", CopySource=source, IfMatch='"wrong"'),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-Match",
    )
    expect_error(
        lambda: s3mpu_client.copy_object(Bucket=BUCKET, Key="absent", CopySource=source, IfMatch=dest_etag),
        404,
        "NoSuchKey",
        NO_SUCH_KEY,
        Key="absent",
    )
    assert state(s3mpu) == before
    s3mpu_client.copy_object(Bucket=BUCKET, Key="dest", CopySource=source, IfMatch=dest_etag)
    assert s3mpu.object_bytes(BUCKET, "dest") == b"source content"
    src_etag = s3mpu_client.head_object(Bucket=BUCKET, Key="src")["ETag"]
    s3mpu_client.copy_object(
        Bucket=BUCKET, Key="src", CopySource=source, IfMatch=src_etag, StorageClass="STANDARD"
    )


def test_copy_object_condition_header_forms_are_not_implemented(s3mpu_client):
    """[LS-AWS: test_copy_object_precondition_write_validation, recorded 2026-02-21] as on PutObject:
    If-None-Match other than *, If-Match: *, and both at once are 501 NotImplemented naming the header."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    etag = s3mpu_client.put_object(Bucket=BUCKET, Key="src", Body=b"source content")["ETag"]
    source = {"Bucket": BUCKET, "Key": "src"}
    for conditions_sent, header, detail in (
        (
            {"IfNoneMatch": etag},
            "If-None-Match",
            "We don't accept the provided value of If-None-Match header for this API",
        ),
        ({"IfMatch": "*"}, "If-Match", "We don't accept the provided value of If-Match header for this API"),
        (
            {"IfMatch": "*", "IfNoneMatch": etag},
            "If-Match,If-None-Match",
            "Multiple conditional request headers present in the request",
        ),
    ):
        expect_error(
            lambda sent=conditions_sent: s3mpu_client.copy_object(
                Bucket=BUCKET, Key="dest", CopySource=source, **sent
            ),
            501,
            "NotImplemented",
            NOT_IMPLEMENTED,
            Header=header,
            additionalMessage=detail,
        )


# -- DeleteObject: If-Match, and the directory-bucket conditions -------------------------------------


def test_delete_object_if_match(s3mpu, s3mpu_client):
    """[LS-AWS: test_delete_object_if_match_non_express, recorded 2026-02-21] If-Match with another ETag
    is 412 and deletes nothing; the matching ETag deletes; a missing key deletes as ever (API reference
    DeleteObject: "If the ETag matches or if the object doesn't exist, the operation will return a 204")."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    etag = s3mpu_client.put_object(Bucket=BUCKET, Key=KEY, Body=b"x")["ETag"]
    before = state(s3mpu)
    expect_error(
        lambda: s3mpu_client.delete_object(Bucket=BUCKET, Key=KEY, IfMatch="badvalue"),
        412,
        "PreconditionFailed",
        PRECONDITION,
        Condition="If-Match",
    )
    assert state(s3mpu) == before
    deleted = s3mpu_client.delete_object(Bucket=BUCKET, Key=KEY, IfMatch=etag)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert KEY not in s3mpu.objects(BUCKET)
    gone = s3mpu_client.delete_object(Bucket=BUCKET, Key=KEY, IfMatch=etag)
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize(
    ("conditions_sent", "header"),
    [
        ({"IfMatchSize": 10}, "x-amz-if-match-size"),
        ({"IfMatchLastModifiedTime": "2026-01-01T00:00:00Z"}, "x-amz-if-match-last-modified-time"),
        (
            {"IfMatchSize": 10, "IfMatch": "badvalue", "IfMatchLastModifiedTime": "2026-01-01T00:00:00Z"},
            "x-amz-if-match-last-modified-time",
        ),
    ],
)
def test_delete_object_directory_bucket_conditions_are_not_implemented(
    s3mpu, s3mpu_client, conditions_sent, header
):
    """[LS-AWS: test_delete_object_if_match_size_non_express, _modified_non_express, _all_non_express,
    recorded 2026-02-21] x-amz-if-match-size / x-amz-if-match-last-modified-time are for directory
    buckets: 501 NotImplemented naming the header (last-modified-time first), before If-Match."""
    s3mpu_client.create_bucket(Bucket=BUCKET)
    s3mpu_client.put_object(Bucket=BUCKET, Key=KEY, Body=b"x")
    before = state(s3mpu)
    expect_error(
        lambda: s3mpu_client.delete_object(Bucket=BUCKET, Key=KEY, **conditions_sent),
        501,
        "NotImplemented",
        NOT_IMPLEMENTED,
        Header=header,
    )
    assert state(s3mpu) == before
