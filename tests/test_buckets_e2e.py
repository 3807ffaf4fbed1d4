"""Buckets as S3 reports them, through the real server with boto3 (raw HTTP where boto3 refuses the value):
the bucket ARN of CreateBucket / HeadBucket / ListBuckets, CreateBucket's Location, and ListBuckets'
Prefix, MaxBuckets, ContinuationToken and BucketRegion with S3's errors for bad values."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
import xmltodict
from s3_assertions import expect_error


def _raw_get(endpoint_url: str, target: str) -> tuple[int, dict]:
    endpoint = urlsplit(endpoint_url)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=30)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        return response.status, xmltodict.parse(response.read())
    finally:
        connection.close()


def test_create_and_head_bucket_report_the_bucket_arn(s3mpu, s3mpu_client):
    """[LS-AWS: test_create_bucket_head_bucket, recorded 2026-02-21] CreateBucket answers BucketArn
    (``arn:aws:s3:::name``, header x-amz-bucket-arn) and Location ``/name`` without a constraint, the
    bucket's virtual-hosted URL with one; HeadBucket answers BucketArn, BucketRegion, AccessPointAlias
    and Content-Type application/xml."""
    plain = s3mpu_client.create_bucket(Bucket="arn-plain")
    assert plain["BucketArn"] == "arn:aws:s3:::arn-plain"
    assert plain["Location"] == "/arn-plain"
    placed = s3mpu_client.create_bucket(
        Bucket="arn-placed", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    assert placed["BucketArn"] == "arn:aws:s3:::arn-placed"
    host = urlsplit(s3mpu.endpoint_url).netloc
    assert placed["Location"] == f"http://arn-placed.{host}/"
    head = s3mpu_client.head_bucket(Bucket="arn-placed")
    headers = head.pop("ResponseMetadata")["HTTPHeaders"]
    assert head == {
        "BucketArn": "arn:aws:s3:::arn-placed",
        "BucketRegion": "ap-southeast-1",
        "AccessPointAlias": False,
    }
    assert headers["content-type"] == "application/xml"


def test_list_buckets_reports_arn_and_region_and_filters_by_prefix(s3mpu_client):
    """[LS-AWS: test_list_buckets_by_prefix_with_case_sensitivity, recorded 2026-02-21] Prefix filters
    case-sensitively and is echoed; each bucket has BucketArn and BucketRegion; no ContinuationToken on
    the last page."""
    s3mpu_client.create_bucket(Bucket="test-bucket-abc")
    s3mpu_client.create_bucket(Bucket="ignored-bucket-abc")
    empty = s3mpu_client.list_buckets(Prefix="TEST-BUCKET-ABC")
    assert empty["Buckets"] == [] and empty["Prefix"] == "TEST-BUCKET-ABC"
    found = s3mpu_client.list_buckets(Prefix="test-bucket-abc")
    assert found["Prefix"] == "test-bucket-abc"
    assert "ContinuationToken" not in found
    [bucket] = found["Buckets"]
    assert bucket["Name"] == "test-bucket-abc"
    assert bucket["BucketArn"] == "arn:aws:s3:::test-bucket-abc"
    assert bucket["BucketRegion"] == "us-east-1"
    assert "Prefix" not in s3mpu_client.list_buckets()


def test_list_buckets_pages_with_max_buckets_and_continuation_token(s3mpu_client):
    """[LS-AWS: test_list_buckets_with_max_buckets, test_list_buckets_with_continuation_token,
    test_list_buckets_when_continuation_token_is_empty, recorded 2026-02-21] MaxBuckets bounds a page,
    whose ContinuationToken resumes after it; an empty token is no token."""
    for name in ("page-a", "page-b", "page-c"):
        s3mpu_client.create_bucket(Bucket=name)
    seen = []
    first = s3mpu_client.list_buckets(MaxBuckets=1, ContinuationToken="")
    seen.append(first["Buckets"][0]["Name"])
    token = first["ContinuationToken"]
    while token:
        page = s3mpu_client.list_buckets(MaxBuckets=1, ContinuationToken=token)
        assert len(page["Buckets"]) == 1
        seen.append(page["Buckets"][0]["Name"])
        token = page.get("ContinuationToken")
        assert len(seen) <= 3
    assert seen == ["page-a", "page-b", "page-c"]


def test_list_buckets_filters_by_bucket_region(s3mpu_client):
    """[LS-AWS: test_list_buckets_by_bucket_region, recorded 2026-02-21] BucketRegion keeps only the
    buckets of that region."""
    s3mpu_client.create_bucket(Bucket="region-east")
    s3mpu_client.create_bucket(
        Bucket="region-west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    assert s3mpu_client.list_buckets(BucketRegion="eu-central-1", Prefix="region-")["Buckets"] == []
    [west] = s3mpu_client.list_buckets(BucketRegion="us-west-2", Prefix="region-")["Buckets"]
    assert (west["Name"], west["BucketRegion"]) == ("region-west", "us-west-2")


def test_list_buckets_refuses_an_unknown_region(s3mpu_client):
    """[LS-AWS: test_list_buckets_region_validation, recorded 2026-02-21] a region name that is no AWS
    Region is InvalidArgument naming bucket-region."""
    expect_error(
        lambda: s3mpu_client.list_buckets(BucketRegion="eu-east-1"),
        400,
        "InvalidArgument",
        "Argument value eu-east-1 is not a valid AWS Region",
        ArgumentName="bucket-region",
    )


def test_list_buckets_refuses_bad_max_buckets_and_tokens(s3mpu):
    """API reference ListBuckets: max-buckets is 1..10000 (boto3 refuses 0 itself, so raw HTTP); a value
    that is no integer is S3's usual InvalidArgument for list limits, and a token this endpoint never
    issued is InvalidArgument too."""
    for raw, message in (
        ("0", "Argument max-buckets must be an integer between 1 and 10000"),
        ("10001", "Argument max-buckets must be an integer between 1 and 10000"),
        ("x", "Provided max-buckets not an integer or within integer range"),
        ("-1", "Argument max-buckets must be an integer between 0 and 2147483647"),
    ):
        status, body = _raw_get(s3mpu.endpoint_url, f"/?max-buckets={raw}")
        assert status == 400
        assert body["Error"]["Code"] == "InvalidArgument"
        assert body["Error"]["Message"] == message
        assert body["Error"]["ArgumentName"] == "max-buckets"
    status, body = _raw_get(s3mpu.endpoint_url, "/?continuation-token=not-ours")
    assert status == 400 and body["Error"]["Code"] == "InvalidArgument"


def test_eu_constraint_is_eu_west_1(s3mpu_client):
    """[LS-AWS: test_create_bucket_with_eu_location_constraint, recorded 2026-02-21] the legacy
    constraint ``EU`` places the bucket in eu-west-1: GetBucketLocation answers ``EU``, ListBuckets and
    HeadBucket the Region eu-west-1."""
    s3mpu_client.create_bucket(Bucket="in-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert s3mpu_client.get_bucket_location(Bucket="in-eu")["LocationConstraint"] == "EU"
    [bucket] = s3mpu_client.list_buckets(Prefix="in-eu")["Buckets"]
    assert bucket["BucketRegion"] == "eu-west-1"
    assert s3mpu_client.head_bucket(Bucket="in-eu")["BucketRegion"] == "eu-west-1"
    assert s3mpu_client.list_buckets(BucketRegion="eu-west-1")["Buckets"] == [bucket]


@pytest.mark.s3mpu(region="eu-west-1")
def test_eu_constraint_on_an_eu_west_1_endpoint(s3mpu):
    """[LS-AWS: test_create_bucket_with_eu_location_constraint (a client in eu-west-1), recorded
    2026-02-21] an eu-west-1 endpoint accepts ``EU`` and places the bucket in eu-west-1."""
    s3 = s3mpu.client()
    s3.create_bucket(Bucket="eu-alias", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert s3.head_bucket(Bucket="eu-alias")["BucketRegion"] == "eu-west-1"
    assert s3.get_bucket_location(Bucket="eu-alias")["LocationConstraint"] == "EU"


@pytest.mark.s3mpu(region="us-east-2")
def test_eu_constraint_on_another_regional_endpoint(s3mpu):
    """[LS-AWS: test_create_bucket_with_eu_location_constraint_raises, recorded 2026-02-21]."""
    expect_error(
        lambda: s3mpu.client().create_bucket(
            Bucket="eu-elsewhere", CreateBucketConfiguration={"LocationConstraint": "EU"}
        ),
        400,
        "IllegalLocationConstraintException",
        "The EU location constraint is incompatible for the region specific endpoint this request was "
        "sent to.",
    )


def test_list_objects_v2_names_the_bucket_region(s3mpu_client):
    """[LS-AWS: test_region_header_exists_outside_us_east_1, recorded 2026-02-21] ListObjectsV2 answers
    x-amz-bucket-region, as HeadBucket does."""
    s3mpu_client.create_bucket(Bucket="west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    s3mpu_client.create_bucket(Bucket="east")
    for bucket, region in (("west", "us-west-2"), ("east", "us-east-1")):
        listed = s3mpu_client.list_objects_v2(Bucket=bucket)
        assert listed["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == region
        assert s3mpu_client.head_bucket(Bucket=bucket)["BucketRegion"] == region
