"""ListBuckets' rules: the ARN S3 reports for a bucket, the known regions, and one page of buckets.

Layer 2 (store). Pure functions over the store's buckets: the store takes its lock, calls ``page`` and
hands the result to the app, which only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pytest_s3mpu.state import errors, listing, validation
from pytest_s3mpu.state.model import Bucket

MAX_BUCKETS = 10_000  # ListBuckets' page size when max-buckets is absent, and its largest value

# The AWS Regions (aws, aws-cn, aws-us-gov partitions) ListBuckets' bucket-region accepts; any other
# name is InvalidArgument [LS-AWS: test_list_buckets_region_validation, recorded 2026-02-21].
REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "cn-north-1",
        "cn-northwest-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-gov-east-1",
        "us-gov-west-1",
        "us-west-1",
        "us-west-2",
    }
)


# Legacy LocationConstraint names and the Region each stands for: GetBucketLocation answers the name,
# HeadBucket and ListBuckets the Region [LS-AWS: test_create_bucket_with_eu_location_constraint,
# recorded 2026-02-21].
ALIASES = {"EU": "eu-west-1"}


def region_of(location_constraint: str) -> str:
    """The AWS Region a CreateBucket LocationConstraint places the bucket in."""
    return ALIASES.get(location_constraint, location_constraint)


def location(bucket: Bucket) -> str:
    """What GetBucketLocation reports: the constraint as sent (``EU``), else the Region."""
    return bucket.location_constraint or bucket.region


def arn(name: str) -> str:
    """The bucket's ARN, as CreateBucket, HeadBucket and ListBuckets report it (``arn:aws:s3:::name``)
    [LS-AWS: test_create_bucket_head_bucket, recorded 2026-02-21]."""
    return f"arn:aws:s3:::{name}"


@dataclass(frozen=True, slots=True)
class Query:
    """ListBuckets' parameters as sent (None: absent)."""

    max_buckets: str | None = None
    continuation_token: str | None = None
    prefix: str | None = None
    bucket_region: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    buckets: list[Bucket]
    prefix: str | None  # echoed when the request named one
    continuation_token: str | None  # the next page's; None on the last page


def check(query: Query) -> tuple[int, str | None]:
    """The page size and the name to resume after; InvalidArgument for a bad value, before any state is
    read. An empty continuation token is no token [LS-AWS: test_list_buckets_when_continuation_token_
    is_empty, recorded 2026-02-21]."""
    size = validation.list_limit("max-buckets", query.max_buckets, MAX_BUCKETS, errors.MAX_INT32)
    if query.max_buckets not in (None, "") and not 1 <= size <= MAX_BUCKETS:
        raise errors.max_buckets_out_of_range(query.max_buckets, MAX_BUCKETS)
    region = query.bucket_region
    if region is not None and region not in REGIONS:
        raise errors.invalid_bucket_region(region)
    after = listing.decode_token(query.continuation_token) if query.continuation_token else None
    return size, after


def page(buckets: Sequence[Bucket], query: Query) -> Page:
    """One page of ``buckets`` (sorted by name): those after the token, starting with the prefix (case
    matters) and in the region asked for [LS-AWS: TestS3ListBuckets, recorded 2026-02-21]."""
    size, after = check(query)
    prefix = query.prefix or ""
    chosen = [
        b
        for b in buckets
        if b.name.startswith(prefix)
        and (after is None or b.name > after)
        and (query.bucket_region is None or b.region == query.bucket_region)
    ]
    shown = chosen[:size]
    token = listing.encode_token(shown[-1].name) if len(chosen) > size else None
    return Page(shown, query.prefix, token)
