"""Bucket configurations S3 stores and returns: default encryption, accelerate, request payment, logging.

Layer 2 (store): plain values in, ``S3Error`` raised. The default encryption is also applied: an object
written without SSE headers takes the bucket's default (SSE-S3 or SSE-KMS). Accelerate, request
payment and logging are stored and returned only (no log is ever written). Rules and sources:
docs/features/bucket-config.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.access import Grant
from pytest_s3mpu.state.encryption import Encryption

SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
ACCELERATE_STATUSES = ("Enabled", "Suspended")
PAYERS = ("BucketOwner", "Requester")
DEFAULT_PAYER = "BucketOwner"

# The one AWS account this endpoint serves, as it appears in KMS key ARNs.
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True, slots=True)
class BucketEncryption:
    """The one rule of a ServerSideEncryptionConfiguration (S3 accepts exactly one)."""

    algorithm: str = "AES256"
    kms_key_id: str | None = None
    bucket_key_enabled: bool = False


# What GetBucketEncryption answers for a bucket whose configuration was never set or was deleted
# [LS-AWS: test_s3_default_bucket_encryption, recorded 2026-02-21].
DEFAULT_ENCRYPTION = BucketEncryption()


def check_encryption(algorithm: str | None, kms_key_id: str | None, bucket_key: bool) -> BucketEncryption:
    """A rule S3 accepts: a known algorithm; a KMS key only with a KMS algorithm (InvalidArgument naming
    ApplyServerSideEncryptionByDefault, recorded 2026-02-21)."""
    if algorithm not in SSE_ALGORITHMS:
        raise errors.MalformedXML()
    if kms_key_id is not None and algorithm not in KMS_ALGORITHMS:
        raise errors.InvalidArgumentName(errors.KMS_KEY_NOT_APPLICABLE, "ApplyServerSideEncryptionByDefault")
    return BucketEncryption(algorithm, kms_key_id, bucket_key)


def _kms_key_arn(key_id: str | None, region: str) -> str:
    """The key an object reports: an ARN as given, a key id or alias as its ARN, none as the account's
    AWS-managed ``aws/s3`` key (one stable id per region here)."""
    if key_id is not None and key_id.startswith("arn:"):
        return key_id
    if key_id is None:
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"aws/s3/{region}"))
    resource = key_id if key_id.startswith("alias/") else f"key/{key_id}"
    return f"arn:aws:kms:{region}:{ACCOUNT_ID}:{resource}"


def object_encryption(config: BucketEncryption, region: str) -> Encryption:
    """How an object written without SSE headers is encrypted: the bucket default. BucketKeyEnabled is
    reported only for a KMS default that enables it [LS-AWS: test_s3_bucket_encryption_sse_kms,
    test_s3_bucket_encryption_sse_s3, recorded 2026-02-21]."""
    if config.algorithm not in KMS_ALGORITHMS:
        return Encryption(sse=config.algorithm)
    return Encryption(
        sse=config.algorithm,
        kms_key_id=_kms_key_arn(config.kms_key_id, region),
        bucket_key="true" if config.bucket_key_enabled else None,
    )


def check_accelerate(status: str | None, bucket: str) -> str:
    """``Enabled`` or ``Suspended`` exactly (else MalformedXML); a bucket with a dot in its name cannot
    be accelerated (InvalidRequest) [LS-AWS: test_bucket_acceleration_configuration_exc, 2026-02-21]."""
    if "." in bucket:
        raise errors.InvalidRequest(errors.ACCELERATE_DOTS)
    if status not in ACCELERATE_STATUSES:
        raise errors.MalformedXML()
    return status


def check_payer(payer: str | None) -> str:
    """``BucketOwner`` or ``Requester`` (else MalformedXML) [LS-AWS: test_s3_request_payer_exceptions,
    recorded 2026-02-21]."""
    if payer not in PAYERS:
        raise errors.MalformedXML()
    return payer


@dataclass(frozen=True, slots=True)
class Logging:
    """A bucket's LoggingEnabled: where its access logs would go (none are written)."""

    target_bucket: str
    target_prefix: str
    grants: tuple[Grant, ...] = ()


def check_logging_target(source_region: str, target_region: str | None, target: str) -> None:
    """The target bucket must exist (InvalidTargetBucketForLogging) and be in the source's region
    (CrossLocationLoggingProhibitted, naming the source's region only when it is not us-east-1)
    [LS-AWS s3: test_put_bucket_logging_wrong_target, test_put_bucket_logging_cross_locations, 2026-02-21]."""
    if target_region is None:
        raise errors.InvalidTargetBucketForLogging(target)
    if target_region != source_region:
        source = None if source_region == "us-east-1" else source_region
        raise errors.CrossLocationLoggingProhibitted(source, target_region)


# -- metrics configurations, by Id [LS-AWS: TestS3MetricsConfiguration, recorded 2026-02-21] ------------

METRICS_PAGE = 100  # configurations per ListBucketMetricsConfigurations page (recorded: 100, then 2)


@dataclass(frozen=True, slots=True)
class ConfigPage:
    """One page of Id-keyed configurations: the entries, and the token of the next page if any."""

    entries: tuple[dict[str, object], ...]
    next_token: str | None


def metrics_page(configs: dict[str, dict[str, object]], token: str | None) -> ConfigPage:
    """Configurations in Id order from the one after ``token`` (the last Id of the previous page)."""
    ids = sorted(i for i in configs if token is None or i > token)
    page = ids[:METRICS_PAGE]
    next_token = page[-1] if len(ids) > METRICS_PAGE else None
    return ConfigPage(tuple(configs[i] for i in page), next_token)
