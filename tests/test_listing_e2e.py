"""Listing markers through the real server with boto3, as AWS answered them: where a page that ends on a
common prefix resumes, and what a marker inside a rolled-up prefix skips (ListObjects, ListObjectVersions,
ListMultipartUploads). Recordings: LocalStack tests/aws/services/s3/test_s3_list_operations.snapshot.json
(AWS-validated, recorded 2026-02-21)."""

from __future__ import annotations

import pytest

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
