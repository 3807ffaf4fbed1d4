"""Bucket versioning through the real server with boto3: Put/GetBucketVersioning, version ids on every
write, reads and deletes by version, delete markers, ListObjectVersions paging, "null" versions,
copies from a version, DeleteObjects with versions and conditional writes on versioned buckets.

Sources: LocalStack's recordings against S3 ([LS-AWS: test name, date]: tests/aws/services/s3/
test_s3_api.py, test_s3.py, test_s3_list_operations.py, recorded 2026-02-21 unless noted) and AWS's
user guide ("Working with objects in a versioning-enabled / versioning-suspended bucket").
"""

from __future__ import annotations

import contextlib
import hashlib
import string
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError
from s3_assertions import expect_error

BUCKET = "versioned"
SMALL_MIN = 1024
NO_SUCH_KEY = "The specified key does not exist."
NO_SUCH_VERSION = "The specified version does not exist."
MALFORMED = "The XML you provided was not well-formed or did not validate against our published schema"
INVALID_VERSION = "Invalid version id specified"
NOT_ALLOWED = "The specified method is not allowed against this resource."

pytestmark = pytest.mark.s3mpu(min_part_size=SMALL_MIN)


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu.create_bucket(BUCKET)
    return s3mpu_client


@pytest.fixture
def versioned(s3):
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


def history(s3mpu, key: str) -> list[tuple[str, str | None]]:
    """The key's versions, oldest first, as (version id, ETag or None for a delete marker)."""
    return [(v.version_id, getattr(v, "etag", None)) for v in s3mpu.store.versions(BUCKET).get(key, [])]


def listed(s3, **params) -> list[tuple[str, str, str, bool]]:
    """ListObjectVersions as (element, key, version id, IsLatest) in document order: boto3 splits the
    Version and DeleteMarker elements into two lists, so the interleaving is read from the raw XML."""
    bodies: list[bytes] = []

    def capture(response_dict, **_):
        bodies.append(response_dict["body"])

    s3.meta.events.register("before-parse.s3.ListObjectVersions", capture)
    try:
        s3.list_object_versions(Bucket=BUCKET, **params)
    finally:
        s3.meta.events.unregister("before-parse.s3.ListObjectVersions", capture)
    entries = []
    for element in ElementTree.fromstring(bodies[0]):
        kind = element.tag.rsplit("}", 1)[-1]
        if kind in ("Version", "DeleteMarker"):
            fields = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in element}
            entries.append((kind, fields["Key"], fields["VersionId"], fields["IsLatest"] == "true"))
    return entries


# -- Put/GetBucketVersioning ---------------------------------------------------------------------------


def test_bucket_versioning_crud(s3, s3mpu):
    """[LS-AWS: test_bucket_versioning_crud]: a bucket never configured answers no Status; Suspended and
    Enabled are kept; "enabled" and "Disabled" are MalformedXML, an empty configuration
    IllegalVersioningConfigurationException; a failed call leaves the status as it was."""
    assert "Status" not in s3.get_bucket_versioning(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Suspended"
    for bad in ("enabled", "Disabled"):
        expect_error(
            lambda bad=bad: s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": bad}),
            400,
            "MalformedXML",
            MALFORMED,
        )
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Suspended"
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    expect_error(
        lambda: s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={}),
        400,
        "IllegalVersioningConfigurationException",
        "The Versioning element must be specified",
    )
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    missing = "no-such-bucket-here"
    no_bucket = "The specified bucket does not exist"
    expect_error(
        lambda: s3.put_bucket_versioning(Bucket=missing, VersioningConfiguration={"Status": "Suspended"}),
        404,
        "NoSuchBucket",
        no_bucket,
        BucketName=missing,
    )
    expect_error(
        lambda: s3.get_bucket_versioning(Bucket=missing), 404, "NoSuchBucket", no_bucket, BucketName=missing
    )


def test_mfa_delete_disabled_is_accepted_enabled_refused(s3):
    """MFADelete=Disabled changes nothing; Enabled needs an MFA code over HTTPS that this endpoint cannot
    check (AWS user guide "Configuring MFA delete"), so it is refused with 501 rather than accepted and
    never enforced (docs/features/versioning.md)."""
    s3.put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"}
    )
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_versioning(
            Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended", "MFADelete": "Enabled"}
        )
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"


def test_object_version_id_format(versioned):
    """[LS-AWS: test_object_version_id_format]: 32 characters of letters, digits, "." and "_"."""
    ids = {versioned.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"] for _ in range(20)}
    assert len(ids) == 20
    allowed = set(string.ascii_letters + string.digits + "._")
    assert all(len(version) == 32 and set(version) <= allowed for version in ids)


# -- delete markers, reads and deletes by version --------------------------------------------------------


def test_delete_object_versioned(versioned, s3mpu):
    """[LS-AWS: test_delete_object_versioned]: the whole recorded flow."""
    s3 = versioned
    key = "test-delete"
    put = s3.put_object(Bucket=BUCKET, Key=key, Body=b"test-delete")
    object_version = put["VersionId"]

    deleted = s3.delete_object(Bucket=BUCKET, Key=key)
    assert deleted["DeleteMarker"] is True and deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    marker_version = deleted["VersionId"]

    response = expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=key), 404, "NoSuchKey", NO_SUCH_KEY, Key=key
    )
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker_version

    old = s3.get_object(Bucket=BUCKET, Key=key, VersionId=object_version)
    assert old["Body"].read() == b"test-delete" and old["VersionId"] == object_version

    response = expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=key, VersionId=marker_version),
        405,
        "MethodNotAllowed",
        NOT_ALLOWED,
        Method="GET",
        ResourceType="DeleteMarker",
    )
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true"
    assert headers["x-amz-version-id"] == marker_version
    assert headers["allow"] == "DELETE"

    second = s3.delete_object(Bucket=BUCKET, Key=key)
    assert second["DeleteMarker"] is True
    assert listed(s3, Prefix=key) == [
        ("DeleteMarker", key, second["VersionId"], True),
        ("DeleteMarker", key, marker_version, False),
        ("Version", key, object_version, False),
    ]

    removed_marker = s3.delete_object(Bucket=BUCKET, Key=key, VersionId=marker_version)
    assert removed_marker["DeleteMarker"] is True and removed_marker["VersionId"] == marker_version
    removed = s3.delete_object(Bucket=BUCKET, Key=key, VersionId=object_version)
    assert removed["VersionId"] == object_version and "DeleteMarker" not in removed

    response = expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key=key, VersionId=object_version),
        404,
        "NoSuchVersion",
        NO_SUCH_VERSION,
        Key=key,
        VersionId=object_version,
    )
    assert "x-amz-delete-marker" not in response["ResponseMetadata"]["HTTPHeaders"]

    before = history(s3mpu, key)
    bad = object_version[:-4] + "ABCD"
    response = expect_error(
        lambda: s3.delete_object(Bucket=BUCKET, Key=key, VersionId=bad),
        400,
        "InvalidArgument",
        INVALID_VERSION,
        ArgumentName="versionId",
        ArgumentValue=bad,
    )
    assert "x-amz-version-id" not in response["ResponseMetadata"]["HTTPHeaders"]
    assert history(s3mpu, key) == before

    wrong = s3.delete_object(Bucket=BUCKET, Key="wrong-key")
    assert wrong["DeleteMarker"] is True and wrong["VersionId"]


def test_head_of_a_delete_marker(versioned):
    """[LS-AWS: test_delete_object_versioned; localstack models.py get_object]: HEAD by key of a key whose
    current version is a delete marker is 404 naming the marker; HEAD by the marker's id is 405, bodiless,
    with the same headers."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=BUCKET, Key="k")["VersionId"]
    for params, status in (({}, 404), ({"VersionId": marker}, 405)):
        with pytest.raises(ClientError) as caught:
            s3.head_object(Bucket=BUCKET, Key="k", **params)
        meta = caught.value.response["ResponseMetadata"]
        assert meta["HTTPStatusCode"] == status
        assert meta["HTTPHeaders"]["x-amz-delete-marker"] == "true"
        assert meta["HTTPHeaders"]["x-amz-version-id"] == marker


def test_get_object_with_version_unversioned_bucket(s3, s3mpu):
    """[LS-AWS: test_get_object_with_version_unversioned_bucket]: any version id but "null" is 400
    InvalidArgument on a bucket never versioned; "null" reads the object, and no VersionId is answered."""
    s3.put_object(Bucket=BUCKET, Key="test-version", Body=b"test-version")
    fake = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
    expect_error(
        lambda: s3.get_object(Bucket=BUCKET, Key="test-version", VersionId=fake),
        400,
        "InvalidArgument",
        INVALID_VERSION,
        ArgumentName="versionId",
        ArgumentValue=fake,
    )
    got = s3.get_object(Bucket=BUCKET, Key="test-version", VersionId="null")
    assert got["Body"].read() == b"test-version" and "VersionId" not in got
    assert "VersionId" not in s3.head_object(Bucket=BUCKET, Key="test-version")
    expect_error(
        lambda: s3.delete_object(Bucket=BUCKET, Key="test-version", VersionId=fake),
        400,
        "InvalidArgument",
        INVALID_VERSION,
        ArgumentName="versionId",
        ArgumentValue=fake,
    )
    assert set(s3mpu.objects(BUCKET)) == {"test-version"}
    s3.delete_object(Bucket=BUCKET, Key="test-version", VersionId="null")
    assert s3mpu.objects(BUCKET) == {}


def test_list_object_versions_unversioned(s3):
    """[LS-AWS: test_list_object_versions_order_unversioned]: each object is version "null", latest."""
    for key in ("a-test-object-1", "c-test-object-3", "b-test-object-2"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"test-object-1")
    assert listed(s3) == [
        ("Version", "a-test-object-1", "null", True),
        ("Version", "b-test-object-2", "null", True),
        ("Version", "c-test-object-3", "null", True),
    ]


def test_delete_objects_versioned(versioned, s3mpu):
    """[LS-AWS: test_delete_objects_versioned, recorded 2026-02-23]: without VersionId each key gets a
    delete marker (even keys that never existed); with a marker's id the marker goes; an unknown id is
    that entry's NoSuchVersion; an object's id deletes it for good."""
    s3 = versioned
    key = "test-delete"
    object_version = s3.put_object(Bucket=BUCKET, Key=key, Body=b"test-delete")["VersionId"]
    first = s3.delete_objects(
        Bucket=BUCKET, Delete={"Objects": [{"Key": key}, {"Key": "wrongkey"}, {"Key": "wrongkey-x"}]}
    )
    assert [d["Key"] for d in first["Deleted"]] == [key, "wrongkey", "wrongkey-x"]
    assert all(d["DeleteMarker"] is True and d["DeleteMarkerVersionId"] for d in first["Deleted"])
    marker = first["Deleted"][0]["DeleteMarkerVersionId"]

    removed = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key, "VersionId": marker}]})
    assert removed["Deleted"] == [
        {"Key": key, "VersionId": marker, "DeleteMarker": True, "DeleteMarkerVersionId": marker}
    ]

    fake = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD"
    before = history(s3mpu, key)
    wrong = s3.delete_objects(
        Bucket=BUCKET,
        Delete={"Objects": [{"Key": key, "VersionId": fake}, {"Key": "wrong-key-2", "VersionId": fake}]},
    )
    assert "Deleted" not in wrong
    assert wrong["Errors"] == [
        {"Key": key, "VersionId": fake, "Code": "NoSuchVersion", "Message": NO_SUCH_VERSION},
        {"Key": "wrong-key-2", "VersionId": fake, "Code": "NoSuchVersion", "Message": NO_SUCH_VERSION},
    ]
    assert history(s3mpu, key) == before

    gone = s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key, "VersionId": object_version}]})
    assert gone["Deleted"] == [{"Key": key, "VersionId": object_version}]
    assert history(s3mpu, key) == []


def test_delete_versioned_bucket_with_objects(versioned):
    """[LS-AWS: test_delete_versioned_bucket_with_objects]: a bucket holding any version or delete marker
    is BucketNotEmpty, worded for versions; once every version is gone it can be deleted."""
    s3 = versioned
    version = s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"]
    marker = s3.delete_object(Bucket=BUCKET, Key="k")["VersionId"]
    message = "The bucket you tried to delete is not empty. You must delete all versions in the bucket."
    expect_error(lambda: s3.delete_bucket(Bucket=BUCKET), 409, "BucketNotEmpty", message, BucketName=BUCKET)
    s3.delete_object(Bucket=BUCKET, Key="k", VersionId=version)
    expect_error(lambda: s3.delete_bucket(Bucket=BUCKET), 409, "BucketNotEmpty", message, BucketName=BUCKET)
    assert s3.delete_object(Bucket=BUCKET, Key="k", VersionId=marker)["DeleteMarker"] is True
    assert s3.delete_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_get_object_attributes_versioned(versioned):
    """[LS-AWS: test_get_object_attributes_versioned]: attributes of the current version or of one named
    by id, with its VersionId; after a delete marker, NoSuchKey."""
    s3 = versioned
    v1 = s3.put_object(Bucket=BUCKET, Key="key-attrs", Body=b"version")["VersionId"]
    v2 = s3.put_object(Bucket=BUCKET, Key="key-attrs", Body=b"version 2")["VersionId"]
    names = ["ObjectSize", "ETag"]
    current = s3.get_object_attributes(Bucket=BUCKET, Key="key-attrs", ObjectAttributes=names)
    assert (current["ObjectSize"], current["VersionId"]) == (9, v2)
    s3.delete_object(Bucket=BUCKET, Key="key-attrs")
    expect_error(
        lambda: s3.get_object_attributes(Bucket=BUCKET, Key="key-attrs", ObjectAttributes=names),
        404,
        "NoSuchKey",
        NO_SUCH_KEY,
        Key="key-attrs",
    )
    old = s3.get_object_attributes(Bucket=BUCKET, Key="key-attrs", ObjectAttributes=names, VersionId=v1)
    assert (old["ObjectSize"], old["VersionId"], old["ETag"]) == (7, v1, hashlib.md5(b"version").hexdigest())


def test_part_number_read_of_an_old_version(versioned):
    """GET ?partNumber with versionId reads the part of that version (AWS GetObject: "partNumber" and
    "versionId" are independent parameters; spec §9 for the part rules)."""
    s3 = versioned
    parts = [b"a" * SMALL_MIN, b"tail"]
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
    etags = [
        s3.upload_part(Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=n, Body=body)["ETag"]
        for n, body in enumerate(parts, 1)
    ]
    done = s3.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )
    s3.put_object(Bucket=BUCKET, Key="mp", Body=b"newer")
    part = s3.get_object(Bucket=BUCKET, Key="mp", PartNumber=2, VersionId=done["VersionId"])
    assert (
        part["Body"].read() == b"tail" and part["PartsCount"] == 2 and part["VersionId"] == done["VersionId"]
    )


# -- suspended buckets and "null" versions ----------------------------------------------------------------


def test_put_object_on_suspended_bucket(versioned):
    """[LS-AWS: test_put_object_on_suspended_bucket]: versions stay when suspended; a put answers no
    VersionId and becomes the "null" version, which the next put replaces; GET names it "null"."""
    s3 = versioned
    ids = [
        s3.put_object(Bucket=BUCKET, Key="v", Body=f"test-version-{i}".encode())["VersionId"]
        for i in range(3)
    ]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    assert [entry[2] for entry in listed(s3)] == ids[::-1]
    for _ in range(2):
        put = s3.put_object(Bucket=BUCKET, Key="v", Body=b"test-version-suspended")
        assert "VersionId" not in put
        assert listed(s3) == [
            ("Version", "v", "null", True),
            ("Version", "v", ids[2], False),
            ("Version", "v", ids[1], False),
            ("Version", "v", ids[0], False),
        ]
    current = s3.get_object(Bucket=BUCKET, Key="v")
    assert current["VersionId"] == "null" and current["Body"].read() == b"test-version-suspended"


def test_delete_object_on_suspended_bucket(versioned):
    """[LS-AWS: test_delete_object_on_suspended_bucket]: a delete on a suspended bucket makes a "null"
    delete marker, which a later put replaces, and a later delete puts back."""
    s3 = versioned
    ids = [s3.put_object(Bucket=BUCKET, Key="d", Body=f"v{i}".encode())["VersionId"] for i in range(2)]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    deleted = s3.delete_object(Bucket=BUCKET, Key="d")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null"
    older = [("Version", "d", ids[1], False), ("Version", "d", ids[0], False)]
    assert listed(s3) == [("DeleteMarker", "d", "null", True), *older]
    s3.put_object(Bucket=BUCKET, Key="d", Body=b"suspended")
    assert listed(s3) == [("Version", "d", "null", True), *older]
    assert s3.delete_object(Bucket=BUCKET, Key="d")["VersionId"] == "null"
    assert listed(s3) == [("DeleteMarker", "d", "null", True), *older]


def test_objects_written_before_versioning_are_null_versions(s3):
    """AWS user guide "Adding objects to versioning-enabled buckets": objects stored before versioning
    was enabled have version id "null" and stay readable by it after newer versions."""
    s3.put_object(Bucket=BUCKET, Key="early", Body=b"before")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    assert s3.head_object(Bucket=BUCKET, Key="early")["VersionId"] == "null"
    newer = s3.put_object(Bucket=BUCKET, Key="early", Body=b"after")["VersionId"]
    assert listed(s3) == [("Version", "early", newer, True), ("Version", "early", "null", False)]
    assert s3.get_object(Bucket=BUCKET, Key="early", VersionId="null")["Body"].read() == b"before"
    assert s3.get_object(Bucket=BUCKET, Key="early")["Body"].read() == b"after"


# -- ListObjectVersions paging ------------------------------------------------------------------------


def test_list_objects_versions_markers(versioned):
    """[LS-AWS: test_list_objects_versions_markers, recorded 2026-02-21 00:05]: order by key, newest
    first; MaxKeys counts versions and markers; NextKeyMarker/NextVersionIdMarker resume exactly; a key
    marker alone skips that key; a version-id marker without a key marker is InvalidArgument."""
    s3 = versioned
    keys = [f"test_{i}" for i in range(3)]
    ids = [s3.put_object(Bucket=BUCKET, Key=key, Body=b"version 1")["VersionId"] for key in keys]
    ids.append(s3.put_object(Bucket=BUCKET, Key=keys[2], Body=b"version 2")["VersionId"])
    ids += [s3.delete_object(Bucket=BUCKET, Key=key)["VersionId"] for key in keys]
    ids += [s3.put_object(Bucket=BUCKET, Key=key, Body=b"version 2")["VersionId"] for key in keys[:2]]
    everything = [
        ("Version", "test_0", ids[7], True),
        ("DeleteMarker", "test_0", ids[4], False),
        ("Version", "test_0", ids[0], False),
        ("Version", "test_1", ids[8], True),
        ("DeleteMarker", "test_1", ids[5], False),
        ("Version", "test_1", ids[1], False),
        ("DeleteMarker", "test_2", ids[6], True),
        ("Version", "test_2", ids[3], False),
        ("Version", "test_2", ids[2], False),
    ]
    assert listed(s3) == everything
    assert listed(s3, MaxKeys=5) == everything[:5]
    page = s3.list_object_versions(Bucket=BUCKET, MaxKeys=5)
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("test_1", ids[5])

    only_key = s3.list_object_versions(Bucket=BUCKET, MaxKeys=1, KeyMarker="test_1")
    assert [m["VersionId"] for m in only_key["DeleteMarkers"]] == [ids[6]] and "Versions" not in only_key
    assert (only_key["NextKeyMarker"], only_key["NextVersionIdMarker"]) == ("test_2", ids[6])
    last = s3.list_object_versions(Bucket=BUCKET, MaxKeys=1, KeyMarker="test_2")
    assert last["IsTruncated"] is False and "Versions" not in last and "NextKeyMarker" not in last

    expect_error(
        lambda: s3.list_object_versions(Bucket=BUCKET, VersionIdMarker=ids[5]),
        400,
        "InvalidArgument",
        "A version-id marker cannot be specified without a key marker.",
        ArgumentName="version-id-marker",
        ArgumentValue=ids[5],
    )
    both = s3.list_object_versions(Bucket=BUCKET, MaxKeys=1, KeyMarker="test_1", VersionIdMarker=ids[5])
    assert [v["VersionId"] for v in both["Versions"]] == [ids[1]] and both["VersionIdMarker"] == ids[5]
    assert (both["NextKeyMarker"], both["NextVersionIdMarker"]) == ("test_1", ids[1])
    tail = s3.list_object_versions(Bucket=BUCKET, MaxKeys=1, KeyMarker="test_2", VersionIdMarker=ids[3])
    assert [v["VersionId"] for v in tail["Versions"]] == [ids[2]] and tail["IsTruncated"] is False
    first = s3.list_object_versions(Bucket=BUCKET, MaxKeys=1)
    assert (first["NextKeyMarker"], first["NextVersionIdMarker"]) == ("test_0", ids[7])


def test_list_object_versions_pages_walk_everything(versioned):
    """Following NextKeyMarker/NextVersionIdMarker page by page yields every version once, in order
    (AWS ListObjectVersions: "use these values as key-marker and version-id-marker")."""
    s3 = versioned
    for index in range(7):
        for _ in range(index % 3 + 1):
            s3.put_object(Bucket=BUCKET, Key=f"k{index}", Body=b"x")
        if index % 2:
            s3.delete_object(Bucket=BUCKET, Key=f"k{index}")
    everything = listed(s3)
    seen: list[str] = []
    params: dict[str, str] = {}
    for _ in range(len(everything) + 1):  # bounded: one page per entry at most
        page = s3.list_object_versions(Bucket=BUCKET, MaxKeys=2, **params)
        seen += [v["VersionId"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if not page["IsTruncated"]:
            break
        params = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert sorted(seen) == sorted(entry[2] for entry in everything) and len(seen) == len(everything)


def test_list_object_versions_marker_of_a_deleted_version(versioned):
    """A version-id marker whose version was deleted since resumes at the next older version of that key
    (LocalStack's model of S3, provider.list_object_versions; S3 orders a key's versions by time)."""
    s3 = versioned
    ids = [s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"] for _ in range(3)]
    s3.delete_object(Bucket=BUCKET, Key="k", VersionId=ids[1])
    page = s3.list_object_versions(Bucket=BUCKET, KeyMarker="k", VersionIdMarker=ids[1])
    assert [v["VersionId"] for v in page["Versions"]] == [ids[0]]


def test_list_object_versions_pagination_common_prefixes(versioned):
    """[LS-AWS: test_list_object_versions_pagination_common_prefixes]: a common prefix counts as one entry
    and, ending a page, is the NextKeyMarker with no NextVersionIdMarker; a key marker inside a common
    prefix skips the rest of it."""
    s3 = versioned
    keys = ["folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2"]
    ids = {key: s3.put_object(Bucket=BUCKET, Key=key, Body=b"content 123")["VersionId"] for key in keys}
    query = {"Prefix": "folder/", "Delimiter": "/", "MaxKeys": 1}
    start = s3.list_object_versions(Bucket=BUCKET, **query)
    assert start["CommonPrefixes"] == [{"Prefix": "folder/aSubfolder/"}] and "Versions" not in start
    assert start["NextKeyMarker"] == "folder/aSubfolder/" and "NextVersionIdMarker" not in start
    following = s3.list_object_versions(Bucket=BUCKET, KeyMarker="folder/aSubfolder/", **query)
    assert [v["Key"] for v in following["Versions"]] == ["folder/file1"]
    assert (following["NextKeyMarker"], following["NextVersionIdMarker"]) == (
        "folder/file1",
        ids["folder/file1"],
    )
    end = s3.list_object_versions(Bucket=BUCKET, KeyMarker="folder/file1", **query)
    assert [v["Key"] for v in end["Versions"]] == ["folder/file2"] and end["IsTruncated"] is False
    inside = s3.list_object_versions(Bucket=BUCKET, KeyMarker="folder/aSubfolder/subFile1", **query)
    assert "CommonPrefixes" not in inside and [v["Key"] for v in inside["Versions"]] == ["folder/file1"]


# -- copies, multipart and conditional writes ------------------------------------------------------


def test_copy_object_from_a_version(versioned):
    """[LS-AWS: test_s3_copy_object_in_place_versioned]: a copy names its new version and the source's
    (CopySourceVersionId, never "null"); in a suspended bucket the copy is version "null"; a copy of a
    key whose current version is a delete marker is NoSuchKey, of a marker by id InvalidRequest."""
    s3 = versioned
    v1 = s3.put_object(Bucket=BUCKET, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"second")
    copied = s3.copy_object(
        Bucket=BUCKET, Key="dst", CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": v1}
    )
    assert copied["CopySourceVersionId"] == v1 and copied["VersionId"]
    assert s3.get_object(Bucket=BUCKET, Key="dst")["Body"].read() == b"first"

    marker = s3.delete_object(Bucket=BUCKET, Key="src")["VersionId"]
    expect_error(
        lambda: s3.copy_object(Bucket=BUCKET, Key="dst", CopySource={"Bucket": BUCKET, "Key": "src"}),
        404,
        "NoSuchKey",
        NO_SUCH_KEY,
        Key="src",
    )
    expect_error(
        lambda: s3.copy_object(
            Bucket=BUCKET, Key="dst", CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": marker}
        ),
        400,
        "InvalidRequest",
        "The source of a copy request may not specifically refer to a delete marker by version id.",
    )

    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    in_place = s3.copy_object(
        Bucket=BUCKET, Key="dst", CopySource={"Bucket": BUCKET, "Key": "dst"}, MetadataDirective="REPLACE"
    )
    assert in_place["VersionId"] == "null" and in_place["CopySourceVersionId"] == copied["VersionId"]
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    again = s3.copy_object(
        Bucket=BUCKET, Key="dst", CopySource={"Bucket": BUCKET, "Key": "dst"}, MetadataDirective="REPLACE"
    )
    assert "CopySourceVersionId" not in again and again["VersionId"] != "null"


def test_upload_part_copy_from_a_version(versioned):
    """UploadPartCopy reads the version named in x-amz-copy-source and answers its id in
    x-amz-copy-source-version-id (AWS UploadPartCopy: "x-amz-copy-source-version-id")."""
    s3 = versioned
    old = b"o" * SMALL_MIN
    v1 = s3.put_object(Bucket=BUCKET, Key="src", Body=old)["VersionId"]
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"new")
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="dst")["UploadId"]
    part = s3.upload_part_copy(
        Bucket=BUCKET,
        Key="dst",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": BUCKET, "Key": "src", "VersionId": v1},
    )
    assert part["CopySourceVersionId"] == v1
    assert part["CopyPartResult"]["ETag"] == f'"{hashlib.md5(old).hexdigest()}"'


def complete_one_part(s3, key: str, body: bytes, **headers):
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    etag = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=upload, PartNumber=1, Body=body)["ETag"]
    document = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    result = s3.complete_multipart_upload(
        Bucket=BUCKET, Key=key, UploadId=upload, MultipartUpload=document, **headers
    )
    return upload, document, result


def test_complete_names_its_version_and_a_retry_the_same(versioned):
    """AWS CompleteMultipartUpload: x-amz-version-id of the new object; spec §5.4: a retried Complete
    answers the same result while its object is current - the same VersionId too."""
    s3 = versioned
    upload, document, result = complete_one_part(s3, "mp", b"part one")
    assert result["VersionId"] and s3.head_object(Bucket=BUCKET, Key="mp")["VersionId"] == result["VersionId"]
    retry = s3.complete_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=upload, MultipartUpload=document)
    assert retry["VersionId"] == result["VersionId"] and retry["ETag"] == result["ETag"]
    assert [entry[2] for entry in listed(s3)] == [result["VersionId"]]


def test_conditional_put_on_versioned_bucket(versioned):
    """[LS-AWS: test_put_object_if_none_match_versioned_bucket, test_put_object_if_match_versioned_bucket,
    recorded 2026-02-21 01:04-01:05]: conditions apply to the current version; a delete marker counts as
    no object (If-None-Match succeeds, If-Match is NoSuchKey)."""
    s3 = versioned
    key = "test-precondition"
    first = s3.put_object(Bucket=BUCKET, Key=key, Body=b"test", IfNoneMatch="*")["VersionId"]
    expect_error(
        lambda: s3.put_object(Bucket=BUCKET, Key=key, IfNoneMatch="*"),
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        Condition="If-None-Match",
    )
    marker = s3.delete_object(Bucket=BUCKET, Key=key)["VersionId"]
    expect_error(
        lambda: s3.put_object(
            Bucket=BUCKET, Key=key, Body=b"x", IfMatch=f'"{hashlib.md5(b"test").hexdigest()}"'
        ),
        404,
        "NoSuchKey",
        NO_SUCH_KEY,
        Key=key,
    )
    after = s3.put_object(Bucket=BUCKET, Key=key, IfNoneMatch="*")
    matched = s3.put_object(Bucket=BUCKET, Key=key, Body=b"third", IfMatch=after["ETag"])
    assert listed(s3) == [
        ("Version", key, matched["VersionId"], True),
        ("Version", key, after["VersionId"], False),
        ("DeleteMarker", key, marker, False),
        ("Version", key, first, False),
    ]


def test_conditional_complete_after_a_delete_marker(versioned):
    """Spec §5.3 on a versioned bucket: Complete with If-None-Match: * succeeds when the current version
    is a delete marker made before the upload began (it counts as absent, as for PutObject above)."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="cm", Body=b"x")
    s3.delete_object(Bucket=BUCKET, Key="cm")
    _, _, result = complete_one_part(s3, "cm", b"body", IfNoneMatch="*")
    assert result["VersionId"]


def test_a_delete_marker_during_an_upload_is_a_conflict(versioned):
    """Spec §5.3: a write or delete at the key after the upload began makes a conditional Complete 409
    ConditionalRequestConflict - a delete marker that hides the object is such a delete."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="cc", Body=b"x")
    etag = s3.head_object(Bucket=BUCKET, Key="cc")["ETag"]
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="cc")["UploadId"]
    part = s3.upload_part(Bucket=BUCKET, Key="cc", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    s3.delete_object(Bucket=BUCKET, Key="cc")
    s3.put_object(Bucket=BUCKET, Key="cc", Body=b"x")  # same ETag as before: only the conflict rule stops it
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(
            Bucket=BUCKET,
            Key="cc",
            UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]},
            IfMatch=etag,
        )
    assert caught.value.response["Error"]["Code"] == "ConditionalRequestConflict"


# -- a peer suite's fixture flow --------------------------------------------------------------------


def test_s3fs_style_fixture_flow(s3mpu, s3mpu_client):
    """What s3fs's and aiobotocore's own fixtures do (issue 13): create a bucket, enable versioning, put,
    overwrite, delete, list the versions and read an old one back."""
    s3 = s3mpu_client
    s3.create_bucket(Bucket="test-versioned")
    s3.put_bucket_versioning(Bucket="test-versioned", VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket="test-versioned", Key="versioned_file", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket="test-versioned", Key="versioned_file", Body=b"2")["VersionId"]
    s3.delete_object(Bucket="test-versioned", Key="versioned_file")
    listing = s3.list_object_versions(Bucket="test-versioned")
    assert [v["VersionId"] for v in listing["Versions"]] == [v2, v1]
    assert [m["IsLatest"] for m in listing["DeleteMarkers"]] == [True]
    assert s3.list_objects_v2(Bucket="test-versioned")["KeyCount"] == 0
    old = s3.get_object(Bucket="test-versioned", Key="versioned_file", VersionId=v1)
    assert old["Body"].read() == b"1"
    assert s3.head_object(Bucket="test-versioned", Key="versioned_file", VersionId=v2)["ContentLength"] == 1


# -- version ids S3 cannot read ------------------------------------------------------------------------
# PROBE: a third-party probe of AWS S3 (us-east-1, 2026-04-03), "Versioning Mix: DeleteMarker as Source -
# Reverse Engineering (AWS)", found with the code search; weaker than a recording, cited per test.


def test_version_ids_that_are_not_ids(versioned, s3mpu):
    """PROBE K1/K2: an empty versionId is "Version id cannot be the empty string", one that is no id at
    all ("abc") "Invalid version id specified" - both 400 InvalidArgument naming versionId; nothing
    changes."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    before = history(s3mpu, "k")
    for value, message in (("", "Version id cannot be the empty string"), ("abc", INVALID_VERSION)):
        for operation in ("get_object", "head_object", "delete_object"):
            with pytest.raises(ClientError) as caught:
                getattr(s3, operation)(Bucket=BUCKET, Key="k", VersionId=value)
            response = caught.value.response
            assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
            if operation != "head_object":  # HEAD answers no body
                assert response["Error"] == {
                    "Code": "InvalidArgument",
                    "Message": message,
                    "ArgumentName": "versionId",
                    "ArgumentValue": value or None,  # botocore reads an empty element as None
                }
    assert history(s3mpu, "k") == before


@contextlib.contextmanager
def copy_source_header(s3, value: str):
    """Send ``x-amz-copy-source`` exactly as given (botocore drops an empty VersionId and would quote a
    string source whole)."""

    def replace(request, **_):
        request.headers["x-amz-copy-source"] = value

    for operation in ("CopyObject", "UploadPartCopy"):
        s3.meta.events.register(f"before-sign.s3.{operation}", replace)
    try:
        yield
    finally:
        for operation in ("CopyObject", "UploadPartCopy"):
            s3.meta.events.unregister(f"before-sign.s3.{operation}", replace)


def test_copy_source_version_ids_that_are_not_ids(versioned, s3mpu):
    """PROBE I1/I2/J1/J2: in x-amz-copy-source, an empty versionId is InvalidArgument naming the header
    for both copies; "abc" is CopyObject's bare InvalidRequest and UploadPartCopy's InvalidArgument."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"x" * SMALL_MIN)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="dst")["UploadId"]
    source = {"Bucket": BUCKET, "Key": "src"}

    def copy():
        return s3.copy_object(Bucket=BUCKET, Key="dst", CopySource=source)

    def part():
        return s3.upload_part_copy(Bucket=BUCKET, Key="dst", UploadId=upload, PartNumber=1, CopySource=source)

    with copy_source_header(s3, f"/{BUCKET}/src?versionId="):
        for call in (copy, part):
            response = expect_error(
                call,
                400,
                "InvalidArgument",
                "Version id cannot be the empty string",
                ArgumentName="x-amz-copy-source",
                ArgumentValue=None,  # botocore reads the empty element as None
            )
            assert response["Error"]["ArgumentValue"] is None
    with copy_source_header(s3, f"/{BUCKET}/src?versionId=abc"):
        expect_error(copy, 400, "InvalidRequest", "Invalid Request")
        expect_error(
            part,
            400,
            "InvalidArgument",
            INVALID_VERSION,
            ArgumentName="x-amz-copy-source",
            ArgumentValue="abc",
        )
    assert "dst" not in s3mpu.objects(BUCKET) and s3mpu.parts(upload) == {}


def test_copy_of_a_key_under_a_delete_marker_names_it(versioned):
    """PROBE A3/B1: a copy whose source key's current version is a delete marker is 404 NoSuchKey with
    x-amz-delete-marker and the marker's x-amz-version-id, for CopyObject and UploadPartCopy alike."""
    s3 = versioned
    s3.put_object(Bucket=BUCKET, Key="src", Body=b"x" * SMALL_MIN)
    marker = s3.delete_object(Bucket=BUCKET, Key="src")["VersionId"]
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="dst")["UploadId"]
    source = {"Bucket": BUCKET, "Key": "src"}
    calls = (
        lambda: s3.copy_object(Bucket=BUCKET, Key="dst", CopySource=source),
        lambda: s3.upload_part_copy(
            Bucket=BUCKET, Key="dst", UploadId=upload, PartNumber=1, CopySource=source
        ),
    )
    for call in calls:
        response = expect_error(call, 404, "NoSuchKey", NO_SUCH_KEY, Key="src")
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker


def test_upload_part_takes_no_version_id(versioned, s3mpu):
    """PROBE J2a-J2c: UploadPart with any versionId, even a real one, is 400 InvalidArgument "This
    operation does not accept a version-id."; no part is stored. (boto3 has no VersionId for UploadPart:
    the parameter is added to the URL before sending.)"""
    s3 = versioned
    real = s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")["VersionId"]
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="k")["UploadId"]

    def add_version(request, **_):
        request.url += f"&versionId={real}"

    s3.meta.events.register("before-sign.s3.UploadPart", add_version)
    try:
        expect_error(
            lambda: s3.upload_part(Bucket=BUCKET, Key="k", UploadId=upload, PartNumber=1, Body=b"p"),
            400,
            "InvalidArgument",
            "This operation does not accept a version-id.",
            ArgumentName="versionId",
            ArgumentValue=real,
        )
    finally:
        s3.meta.events.unregister("before-sign.s3.UploadPart", add_version)
    assert s3mpu.parts(upload) == {}


def test_concurrent_writes_each_make_one_version(versioned, s3mpu):
    """Thread safety (project brief: clients write concurrently): 6 clients x 5 puts and deletes at one
    key of a versioned bucket leave exactly 30 versions and markers, each id once, one of them latest, and
    the current object is the newest version that is not a marker."""
    from concurrent.futures import ThreadPoolExecutor

    clients = [s3mpu.client() for _ in range(6)]

    def writer(index: int) -> list[str]:
        s3 = clients[index]
        ids = []
        for round_ in range(5):  # bounded
            if (index + round_) % 3:
                ids.append(
                    s3.put_object(Bucket=BUCKET, Key="hot", Body=f"{index}-{round_}".encode())["VersionId"]
                )
            else:
                ids.append(s3.delete_object(Bucket=BUCKET, Key="hot")["VersionId"])
        return ids

    with ThreadPoolExecutor(max_workers=6) as pool:
        made = [version for ids in pool.map(writer, range(6), timeout=120) for version in ids]
    entries = listed(versioned)
    assert len(made) == len(set(made)) == 30
    assert sorted(entry[2] for entry in entries) == sorted(made)
    assert [entry[3] for entry in entries].count(True) == 1 and entries[0][3] is True
    newest_object = next(entry for entry in entries if entry[0] == "Version")
    current = s3mpu.objects(BUCKET).get("hot")
    if entries[0][0] == "Version":
        assert current is not None and current.version_id == newest_object[2]
    else:
        assert current is None


# -- tagging and ACLs of a version -------------------------------------------------------------------


def test_object_tagging_versioned(versioned):
    """[LS-AWS: test_object_tagging_versioned, recorded 2026-02-23]: tags belong to a version; without
    VersionId the current one; each answer names the version; a delete marker, by id or on top, is 405
    MethodNotAllowed naming the method."""
    s3 = versioned
    key = "test-version-tagging"
    v1 = s3.put_object(Bucket=BUCKET, Key=key, Body=b"test-0", Tagging="test_tag=tagv1")["VersionId"]
    v2 = s3.put_object(Bucket=BUCKET, Key=key, Body=b"test-1")["VersionId"]
    tag3 = {"TagSet": [{"Key": "tag3", "Value": "tag3"}]}
    assert s3.put_object_tagging(Bucket=BUCKET, Key=key, Tagging=tag3)["VersionId"] == v2
    current = s3.get_object_tagging(Bucket=BUCKET, Key=key)
    assert (current["TagSet"], current["VersionId"]) == (tag3["TagSet"], v2)
    old = s3.get_object_tagging(Bucket=BUCKET, Key=key, VersionId=v1)
    assert (old["TagSet"], old["VersionId"]) == ([{"Key": "test_tag", "Value": "tagv1"}], v1)
    tag1 = {"TagSet": [{"Key": "tag1", "Value": "tag1"}]}
    assert s3.put_object_tagging(Bucket=BUCKET, Key=key, VersionId=v1, Tagging=tag1)["VersionId"] == v1
    assert s3.get_object_tagging(Bucket=BUCKET, Key=key, VersionId=v1)["TagSet"] == tag1["TagSet"]
    assert s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"] == tag3["TagSet"]
    s3.delete_object_tagging(Bucket=BUCKET, Key=key)
    assert s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"] == []
    assert s3.get_object(Bucket=BUCKET, Key=key, VersionId=v1)["TagCount"] == 1
    marker = s3.delete_object(Bucket=BUCKET, Key=key)["VersionId"]
    for by_id in ({"VersionId": marker}, {}):
        calls = {
            "PUT": lambda by_id=by_id: s3.put_object_tagging(Bucket=BUCKET, Key=key, Tagging=tag1, **by_id),
            "GET": lambda by_id=by_id: s3.get_object_tagging(Bucket=BUCKET, Key=key, **by_id),
            "DELETE": lambda by_id=by_id: s3.delete_object_tagging(Bucket=BUCKET, Key=key, **by_id),
        }
        for method, call in calls.items():
            expect_error(
                call, 405, "MethodNotAllowed", NOT_ALLOWED, Method=method, ResourceType="DeleteMarker"
            )
    assert s3.get_object_tagging(Bucket=BUCKET, Key=key, VersionId=v1)["TagSet"] == tag1["TagSet"]


@pytest.mark.s3mpu(object_ownership="ObjectWriter")
def test_object_acl_of_versions(versioned):
    """PROBE C1/C3/D1/G1/H1: GetObjectAcl and PutObjectAcl answer the version's id; a key under a delete
    marker is 404 NoSuchKey naming the marker for GET and 405 (Method PUT) for PUT; a marker by id is 405."""
    s3 = versioned
    v1 = s3.put_object(Bucket=BUCKET, Key="acl", Body=b"x")["VersionId"]
    put = s3.put_object_acl(Bucket=BUCKET, Key="acl", ACL="public-read")  # boto3 models no VersionId here
    assert put["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == v1
    assert (
        s3.get_object_acl(Bucket=BUCKET, Key="acl", VersionId=v1)["ResponseMetadata"]["HTTPHeaders"][
            "x-amz-version-id"
        ]
        == v1
    )
    marker = s3.delete_object(Bucket=BUCKET, Key="acl")["VersionId"]
    response = expect_error(
        lambda: s3.get_object_acl(Bucket=BUCKET, Key="acl"), 404, "NoSuchKey", NO_SUCH_KEY, Key="acl"
    )
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == marker
    expect_error(
        lambda: s3.put_object_acl(Bucket=BUCKET, Key="acl", ACL="private"),
        405,
        "MethodNotAllowed",
        NOT_ALLOWED,
        Method="PUT",
        ResourceType="DeleteMarker",
    )
    response = expect_error(
        lambda: s3.get_object_acl(Bucket=BUCKET, Key="acl", VersionId=marker),
        405,
        "MethodNotAllowed",
        NOT_ALLOWED,
        Method="GET",
        ResourceType="DeleteMarker",
    )
    assert response["ResponseMetadata"]["HTTPHeaders"]["allow"] == "DELETE"
    grants = s3.get_object_acl(Bucket=BUCKET, Key="acl", VersionId=v1)["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)


def test_key_marker_ending_with_the_delimiter_that_is_no_common_prefix(versioned):
    """A key marker "photos/" under Prefix "photos/" is a key, not a rolled-up prefix: every key after it
    is listed (AWS ListObjectVersions: key-marker "specifies the key to start with"; LS-AWS
    test_list_object_versions_pagination_common_prefixes for what a rolled-up prefix skips)."""
    s3 = versioned
    for key in ("photos/", "photos/a", "photos/b"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    page = s3.list_object_versions(Bucket=BUCKET, Prefix="photos/", Delimiter="/", KeyMarker="photos/")
    assert [v["Key"] for v in page["Versions"]] == ["photos/a", "photos/b"]
