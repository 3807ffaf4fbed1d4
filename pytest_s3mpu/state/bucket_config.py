"""Bucket configurations S3 stores and returns: default encryption, accelerate, request payment, logging,
and the Id-keyed ones (metrics, inventory, analytics, intelligent-tiering).

Layer 2 (store): plain values in, ``S3Error`` raised. The default encryption is also applied: an object
written without SSE headers takes the bucket's default (SSE-S3 or SSE-KMS). Accelerate, request
payment and logging are stored and returned only (no log is ever written). Rules and sources:
docs/features/bucket-config.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.access import Grant
from pytest_s3mpu.state.encryption import KMS_ALGORITHMS, Encryption, kms_key_arn

SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
ACCELERATE_STATUSES = ("Enabled", "Suspended")
PAYERS = ("BucketOwner", "Requester")
DEFAULT_PAYER = "BucketOwner"


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


def object_encryption(config: BucketEncryption, region: str, account_id: str) -> Encryption:
    """How an object written without SSE headers is encrypted: the bucket default (a KMS key as an ARN
    in the bucket's region and the endpoint's account). BucketKeyEnabled is
    reported only for a KMS default that enables it [LS-AWS: test_s3_bucket_encryption_sse_kms,
    test_s3_bucket_encryption_sse_s3, recorded 2026-02-21]."""
    if config.algorithm not in KMS_ALGORITHMS:
        return Encryption(sse=config.algorithm)
    return Encryption(
        sse=config.algorithm,
        kms_key_id=kms_key_arn(config.kms_key_id, region, account_id),
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


# -- Id-keyed configurations: metrics, inventory, analytics, intelligent-tiering --------------------
# One mechanism for the four: each kind is stored by Id as the document's elements (kept as sent, for
# rendering back), checked by its own rule, listed in Id order 100 a page with a ContinuationToken
# [LS-AWS: TestS3MetricsConfiguration (recorded: 100, then 2), test_s3_inventory_report_crud,
# test_put_bucket_inventory_config_order, test_s3_analytics_configurations, recorded 2026-02-21].

CONFIG_PAGE = 100  # configurations per List page (AWS: "up to 100 configurations at a time")
Config = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ConfigPage:
    """One page of Id-keyed configurations: the entries, and the token of the next page if any."""

    entries: tuple[Config, ...]
    next_token: str | None


def config_page(configs: dict[str, Config], token: str | None) -> ConfigPage:
    """Configurations in Id order from the one after ``token`` (the last Id of the previous page)."""
    ids = sorted(i for i in configs if token is None or i > token)
    page = ids[:CONFIG_PAGE]
    next_token = page[-1] if len(ids) > CONFIG_PAGE else None
    return ConfigPage(tuple(configs[i] for i in page), next_token)


def _one_of(value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise errors.MalformedXML()


def _node(config: Config, *path: str) -> Any:
    """The element at ``path`` (a dict of its children, or its text); MalformedXML when absent."""
    node: Any = config
    for name in path:
        if not isinstance(node, dict) or name not in node:
            raise errors.MalformedXML()
        node = node[name]
    return node


def _repeated(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


INVENTORY_FORMATS = ("CSV", "ORC", "Parquet")
INVENTORY_FREQUENCIES = ("Daily", "Weekly")
INVENTORY_VERSIONS = ("All", "Current")
INVENTORY_FIELDS = (
    "Size",
    "LastModifiedDate",
    "StorageClass",
    "ETag",
    "IsMultipartUploaded",
    "ReplicationStatus",
    "EncryptionStatus",
    "ObjectLockRetainUntilDate",
    "ObjectLockMode",
    "ObjectLockLegalHoldStatus",
    "IntelligentTieringAccessTier",
    "BucketKeyStatus",
    "ChecksumAlgorithm",
    "ObjectAccessControlList",
    "ObjectOwner",
)
BUCKET_ARN_PREFIX = "arn:aws:s3:::"


def check_inventory(config: Config) -> None:
    """An InventoryConfiguration S3 accepts: its required elements with known values (MalformedXML
    otherwise), then a destination named by its ARN (InvalidS3DestinationBucket) [LS-AWS:
    test_s3_put_inventory_report_exceptions, recorded 2026-02-21; AWS API InventoryConfiguration]."""
    destination = _node(config, "Destination", "S3BucketDestination")
    _one_of(_node(destination, "Format"), INVENTORY_FORMATS)
    bucket = _node(destination, "Bucket")
    _one_of(_node(config, "IsEnabled"), ("true", "false"))
    _one_of(_node(config, "IncludedObjectVersions"), INVENTORY_VERSIONS)
    _one_of(_node(config, "Schedule", "Frequency"), INVENTORY_FREQUENCIES)
    if "OptionalFields" in config:
        fields = config["OptionalFields"]
        for name in _repeated(fields.get("Field", []) if isinstance(fields, dict) else []):
            _one_of(name, INVENTORY_FIELDS)
    if not isinstance(bucket, str) or not bucket.startswith(BUCKET_ARN_PREFIX):
        raise errors.InvalidS3DestinationBucket()


def check_analytics(config: Config) -> None:
    """An AnalyticsConfiguration S3 accepts: a StorageClassAnalysis; a DataExport in it has
    OutputSchemaVersion V_1 and a CSV destination bucket (AWS API AnalyticsConfiguration)."""
    analysis = _node(config, "StorageClassAnalysis")
    if isinstance(analysis, dict) and "DataExport" in analysis:
        export = analysis["DataExport"]
        _one_of(_node(export, "OutputSchemaVersion"), ("V_1",))
        destination = _node(export, "Destination", "S3BucketDestination")
        _one_of(_node(destination, "Format"), ("CSV",))
        _node(destination, "Bucket")


TIERING_ACCESS_TIERS = ("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS")


def check_intelligent_tiering(config: Config) -> None:
    """An IntelligentTieringConfiguration S3 accepts: Status Enabled or Disabled and one or more
    Tierings, each a known AccessTier with whole Days (AWS API IntelligentTieringConfiguration). The
    user guide's day ranges per tier are not checked: no recording says how S3 refuses them."""
    _one_of(_node(config, "Status"), ("Enabled", "Disabled"))
    for tiering in _repeated(_node(config, "Tiering")):
        _one_of(_node(tiering, "AccessTier"), TIERING_ACCESS_TIERS)
        days = _node(tiering, "Days")
        if not isinstance(days, str) or not days.isdigit():
            raise errors.MalformedXML()


def _no_check(config: Config) -> None:
    """Metrics: any document with an Id is stored (no refusal recorded)."""


@dataclass(frozen=True, slots=True)
class IdConfigKind:
    """One kind of Id-keyed configuration: its subresource, AWS's names, and its rules.

    :param name: the operations' middle word (``PutBucket{name}Configuration``).
    :param mismatch: the error for a document whose Id is not the ``?id`` (None: not checked).
    """

    subresource: str
    name: str
    root: str
    list_root: str
    check: Callable[[Config], None]
    mismatch: Callable[[], errors.S3Error] | None = None


ID_CONFIGS: dict[str, IdConfigKind] = {
    kind.subresource: kind
    for kind in (
        IdConfigKind(
            "metrics", "Metrics", "MetricsConfiguration", "ListMetricsConfigurationsResult", _no_check
        ),
        IdConfigKind(
            "inventory",
            "Inventory",
            "InventoryConfiguration",
            "ListInventoryConfigurationsResult",
            check_inventory,
            errors.IdMismatch,  # recorded: IdMismatch
        ),
        IdConfigKind(
            "analytics",
            "Analytics",
            "AnalyticsConfiguration",
            "ListBucketAnalyticsConfigurationResult",
            check_analytics,
            errors.MalformedXML,  # recorded: MalformedXML, where inventory says IdMismatch
        ),
        IdConfigKind(
            "intelligent-tiering",
            "IntelligentTiering",
            "IntelligentTieringConfiguration",
            "ListBucketIntelligentTieringConfigurationsOutput",
            check_intelligent_tiering,
            errors.MalformedXML,
        ),
    )
}


def check_id_config(kind: IdConfigKind, config_id: str, config: Config) -> None:
    """A Put of an Id-keyed configuration: the document's Id is the request's, then the kind's rules."""
    if kind.mismatch is not None and config.get("Id") != config_id:
        raise kind.mismatch()
    kind.check(config)
