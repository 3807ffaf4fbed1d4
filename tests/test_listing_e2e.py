"""Listing markers through the real server with boto3, as AWS answered them: where a page that ends on a
common prefix resumes, and what a marker inside a rolled-up prefix skips (ListObjects, ListObjectVersions,
ListMultipartUploads). Recordings: LocalStack tests/aws/services/s3/test_s3_list_operations.snapshot.json
(AWS-validated, recorded 2026-02-21)."""

from __future__ import annotations

import threading

import pytest
from s3_assertions import expect_error

BUCKET = "listing-bucket"
FOLDER_KEYS = ["folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1", "folder/file2"]


@pytest.fixture
def s3(s3mpu, s3mpu_client):
    s3mpu_client.create_bucket(Bucket=BUCKET)
    return s3mpu_client


@pytest.fixture
def folder_objects(s3):
    for key in FOLDER_KEYS:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    return s3


@pytest.fixture
def folder_uploads(s3) -> dict[str, str]:
    return {key: s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"] for key in FOLDER_KEYS}


def _keys(page: dict, field: str = "Contents") -> list[str]:
    return [entry["Key"] for entry in page.get(field, [])]


def _prefixes(page: dict) -> list[str]:
    return [entry["Prefix"] for entry in page.get("CommonPrefixes", [])]


def test_list_objects_marker_inside_a_rolled_up_prefix_skips_its_group(folder_objects):
    """ListObjects, Prefix "folder/", Delimiter "/", MaxKeys 1, Marker "folder/aSubfolder/subFile1" (a key
    under the common prefix "folder/aSubfolder/") lists "folder/file1", not that prefix again
    [LS-AWS: test_list_objects_marker_common_prefixes (list-objects-manual-first-file), recorded
    2026-02-21]."""
    s3 = folder_objects
    common = {"Bucket": BUCKET, "Prefix": "folder/", "Delimiter": "/", "MaxKeys": 1}
    start = s3.list_objects(**common)
    assert (_prefixes(start), _keys(start), start["IsTruncated"], start["NextMarker"]) == (
        ["folder/aSubfolder/"],
        [],
        True,
        "folder/aSubfolder/",
    )
    manual = s3.list_objects(**common, Marker="folder/aSubfolder/subFile1")
    assert (_prefixes(manual), _keys(manual), manual["IsTruncated"]) == ([], ["folder/file1"], True)
    assert (manual["Marker"], manual["NextMarker"]) == ("folder/aSubfolder/subFile1", "folder/file1")


def test_list_object_versions_key_marker_inside_a_rolled_up_prefix_skips_its_group(folder_objects):
    """ListObjectVersions, Prefix "folder/", Delimiter "/", MaxKeys 1, KeyMarker
    "folder/aSubfolder/subFile1" lists the version of "folder/file1" with NextKeyMarker "folder/file1"
    [LS-AWS: test_list_object_versions_pagination_common_prefixes (list-object-versions-manual-first-file),
    recorded 2026-02-21; the bucket here is unversioned, so the version is "null"]."""
    s3 = folder_objects
    page = s3.list_object_versions(
        Bucket=BUCKET, Prefix="folder/", Delimiter="/", MaxKeys=1, KeyMarker="folder/aSubfolder/subFile1"
    )
    assert (_prefixes(page), _keys(page, "Versions"), page["IsTruncated"]) == ([], ["folder/file1"], True)
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("folder/file1", "null")


def test_list_multipart_uploads_page_ending_on_a_prefix_names_no_next_markers(s3, folder_uploads):
    """ListMultipartUploads: a page whose last entry is a common prefix answers NextKeyMarker and
    NextUploadIdMarker empty, truncated (MaxUploads 1) or not (spec §8) [LS-AWS:
    test_list_multipart_uploads_marker_common_prefixes (list-multiparts-start), recorded 2026-02-21]."""
    start = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="folder/", Delimiter="/", MaxUploads=1)
    assert (_prefixes(start), _keys(start, "Uploads"), start["IsTruncated"]) == (
        ["folder/aSubfolder/"],
        [],
        True,
    )
    assert (start["NextKeyMarker"], start["NextUploadIdMarker"]) == ("", "")
    whole = s3.list_multipart_uploads(Bucket=BUCKET, Prefix="folder/", Delimiter="/")
    assert _keys(whole, "Uploads") == ["folder/file1", "folder/file2"]
    assert (whole["NextKeyMarker"], whole["NextUploadIdMarker"]) == (
        "folder/file2",
        folder_uploads["folder/file2"],
    )


def test_list_multipart_uploads_prefix_pages_without_uploads_name_no_next_markers(s3):
    """Prefix "test/" (and "test/foo/", "test/foo/bar"), Delimiter "/", EncodingType url: only common
    prefixes, not truncated, NextKeyMarker and NextUploadIdMarker empty [LS-AWS:
    test_list_multiparts_with_prefix_and_delimiter (list-multiparts-1/2/3), recorded 2026-02-21]."""
    for key in ["test/foo/bar/123", "test/foo/bar/456", "test/bar/foo/123"]:
        s3.create_multipart_upload(Bucket=BUCKET, Key=key)
    for prefix, prefixes in [
        ("test/", ["test/bar/", "test/foo/"]),
        ("test/foo/", ["test/foo/bar/"]),
        ("test/foo/bar", ["test/foo/bar/"]),
    ]:
        page = s3.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix, Delimiter="/", EncodingType="url")
        assert (_prefixes(page), "Uploads" in page, page["IsTruncated"]) == (prefixes, False, False)
        assert (page["NextKeyMarker"], page["NextUploadIdMarker"], page["KeyMarker"]) == ("", "", "")


def test_list_multipart_uploads_key_marker_inside_a_rolled_up_prefix_skips_its_group(s3, folder_uploads):
    """KeyMarker "folder/aSubfolder/" (the prefix) or "folder/aSubfolder/subFile1" (a key under it), with
    Prefix "folder/", Delimiter "/", MaxUploads 1: the upload of "folder/file1", NextKeyMarker
    "folder/file1" and its upload id, truncated [LS-AWS: test_list_multipart_uploads_marker_common_prefixes
    (list-multiparts-manual-prefix, list-multiparts-manual-first-file), recorded 2026-02-21]."""
    for marker in ["folder/aSubfolder/", "folder/aSubfolder/subFile1"]:
        page = s3.list_multipart_uploads(
            Bucket=BUCKET, Prefix="folder/", Delimiter="/", MaxUploads=1, KeyMarker=marker
        )
        assert (_prefixes(page), _keys(page, "Uploads"), page["IsTruncated"]) == ([], ["folder/file1"], True)
        assert (page["KeyMarker"], page["UploadIdMarker"]) == (marker, "")
        assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == (
            "folder/file1",
            folder_uploads["folder/file1"],
        )


def test_paging_past_a_key_that_ends_with_the_delimiter_loses_no_keys(s3):
    """A "folder" object "photos/" listed under Prefix "photos/" with Delimiter "/" is a key, not a common
    prefix (nothing follows the prefix in it); paging on after it (ListObjectsV2 continuation token,
    ListObjects NextMarker, ListObjectVersions NextKeyMarker) lists every key after it: S3 "starts listing
    after this specified key" [AWS docs: ListObjects, Marker; ListObjectsV2, StartAfter]. The pages add up
    to the one-page listing."""
    keys = ["photos/", "photos/a.jpg", "photos/b.jpg"]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    common = {"Bucket": BUCKET, "Prefix": "photos/", "Delimiter": "/"}
    assert _keys(s3.list_objects_v2(**common)) == keys
    for operation, field in [("list_objects_v2", "Contents"), ("list_objects", "Contents")]:
        pages = s3.get_paginator(operation).paginate(**common, PaginationConfig={"PageSize": 1})
        assert [key for page in pages for key in _keys(page, field)] == keys, operation
    walked: list[str] = []
    markers: dict[str, str] = {}
    for _ in range(len(keys) + 1):
        page = s3.list_object_versions(**common, MaxKeys=1, **markers)
        walked.extend(_keys(page, "Versions"))
        if not page["IsTruncated"]:
            break
        markers = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert walked == keys


def test_listing_while_keys_and_uploads_change_stays_ordered_and_complete(s3mpu, s3):
    """Pages are read under the store's lock while other clients put, delete, create and abort: every
    answer is 200, each walk lists keys (and uploads) in strictly increasing order, and the keys nobody
    touches during the walk are each listed exactly once. Bounded: fixed counts, joins with a timeout."""
    stable = [f"k/{n:03d}/stable" for n in range(60)]
    for key in stable:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"s")
    errors: list[BaseException] = []

    def churn(worker: int) -> None:
        client = s3mpu.client()
        try:
            for n in range(40):
                key = f"k/{(n * 7 + worker) % 60:03d}/churn-{worker}"
                client.put_object(Bucket=BUCKET, Key=key, Body=b"c")
                upload = client.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
                client.delete_object(Bucket=BUCKET, Key=key)
                client.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload)
        except BaseException as error:  # reported below: a thread's failure must fail the test
            errors.append(error)

    walks: list[list[str]] = []

    def walk() -> None:
        client = s3mpu.client()
        try:
            for _ in range(3):
                pages = client.get_paginator("list_objects_v2").paginate(
                    Bucket=BUCKET, Prefix="k/", PaginationConfig={"PageSize": 7}
                )
                walks.append([entry["Key"] for page in pages for entry in page.get("Contents", [])])
                uploads = client.get_paginator("list_multipart_uploads").paginate(
                    Bucket=BUCKET, PaginationConfig={"PageSize": 3}
                )
                listed = [(u["Key"], u["Initiated"]) for page in uploads for u in page.get("Uploads", [])]
                assert [key for key, _ in listed] == sorted(key for key, _ in listed)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=walk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, errors
    assert len(walks) == 6
    for keys in walks:
        assert keys == sorted(set(keys), key=lambda key: key.encode("utf-8"))
        assert [key for key in keys if key.endswith("/stable")] == stable


def test_list_object_versions_names_the_version_marker_whenever_the_page_ends_on_a_version(s3):
    """NextVersionIdMarker comes with NextKeyMarker when the page's last entry is a version, and not when
    it is a common prefix [LS-AWS: test_list_object_versions_pagination_common_prefixes
    (list-object-versions-next-1 and list-object-versions-start), recorded 2026-02-21]. Decided by the
    entry, not by the key's spelling: with Delimiter "ab" and Prefix "xa", the key "xab" ends with the
    delimiter yet is a version (no delimiter after the prefix), listed after the common prefix "xaab"."""
    for key in ["xaab1", "xab", "xac"]:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    page = s3.list_object_versions(Bucket=BUCKET, Prefix="xa", Delimiter="ab", MaxKeys=2)
    assert (_prefixes(page), _keys(page, "Versions"), page["IsTruncated"]) == (["xaab"], ["xab"], True)
    assert (page["NextKeyMarker"], page.get("NextVersionIdMarker")) == ("xab", "null")
    on_prefix = s3.list_object_versions(Bucket=BUCKET, Prefix="xa", Delimiter="ab", MaxKeys=1)
    assert (_prefixes(on_prefix), on_prefix["NextKeyMarker"]) == (["xaab"], "xaab")
    assert "NextVersionIdMarker" not in on_prefix


def test_list_objects_v1_url_encodes_prefix_and_marker_too(s3):
    """ListObjects (v1) with ``encoding-type=url`` encodes Prefix and Marker as well as the keys: AWS's API
    reference (ListObjects, EncodingType: "Delimiter, Marker, Prefix, NextMarker, Key") and botocore, which
    quotes it. boto3 asks for url encoding on every ListObjects but decodes only Delimiter, Marker,
    NextMarker and the keys, so a caller sees Prefix encoded: ceph's ``test_bucket_list_prefix_unreadable``
    expects ``"\\n"`` and fails against AWS for that reason (ceph/s3-tests#327)."""
    s3.put_object(Bucket=BUCKET, Key="x\ny", Body=b"x")
    raw = s3.list_objects(Bucket=BUCKET, Prefix="x\n", Marker="x\n", EncodingType="url")
    assert (raw["Prefix"], raw["Marker"], _keys(raw), raw["EncodingType"]) == (
        "x%0A",
        "x%0A",
        ["x%0Ay"],
        "url",
    )
    decoded = s3.list_objects(Bucket=BUCKET, Prefix="x\n", Marker="x\n")
    assert (decoded["Prefix"], decoded["Marker"], _keys(decoded)) == ("x%0A", "x\n", ["x\ny"])


def test_list_objects_v2_refuses_an_empty_continuation_token(s3):
    """An empty ContinuationToken is not "no token": 400 InvalidArgument naming continuation-token
    [LS-AWS: test_list_objects_v2_continuation_start_after (exc-continuation-token), recorded 2026-02-21].
    ceph's ``test_bucket_listv2_continuationtoken_empty`` expects the full listing (RGW's answer)."""
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"x")
    expect_error(
        lambda: s3.list_objects_v2(Bucket=BUCKET, ContinuationToken=""),
        400,
        "InvalidArgument",
        "The continuation token provided is incorrect",
        ArgumentName="continuation-token",
    )
