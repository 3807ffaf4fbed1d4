"""The single-document bucket configurations, as one table: for each, the bucket field that holds it, what
its Get answers when none is set, and the rules its Put must pass.

Layer 2 (store). Every one of these is Put / Get (/ Delete) of one document per bucket, so the store has
one method trio for all of them (``Store.get_bucket_config`` ...), driven by a ``DocConfigKind`` from
this table; the app pairs each kind with its operations and its XML (``app/operations.py``). The
Id-keyed configurations have their own table (``bucket_config.ID_CONFIGS``). Lifecycle and website
configurations keep their own methods (they do more than store a document).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pytest_s3mpu.state import (
    access,
    bucket_config,
    cors,
    errors,
    notification,
    object_lock,
    policy,
    replication,
    tagging,
)
from pytest_s3mpu.state.model import Bucket, VersioningStatus

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DocConfigKind(Generic[T]):
    """One single-document configuration.

    :param field: the ``Bucket`` attribute holding it.
    :param missing: the error (naming the bucket) a Get of an unset one answers; None: Get answers the
        stored value, set or not.
    :param cleared: what a bucket holds when it is not set, and what Delete leaves.
    :param check: the pure rules of a Put, before any lock: (the document as parsed, the bucket's name)
        to the value stored; None: stored as parsed.
    :param admit: the rules of a Put that read state, under the lock: (value, the bucket, all buckets).
    """

    field: str
    missing: Callable[[str], errors.S3Error] | None = None
    cleared: T | None = None
    check: Callable[[Any, str], T] | None = None
    admit: Callable[[T, Bucket, Mapping[str, Bucket]], None] | None = None


def _check_policy(document: bytes, bucket: str) -> str:
    """Store the policy document as sent, once S3 would accept it."""
    policy.check(document, bucket)
    return document.decode("utf-8")


def _admit_policy(document: str, target: Bucket, buckets: Mapping[str, Bucket]) -> None:
    """A public policy is AccessDenied while the bucket's BlockPublicPolicy is on."""
    block = target.public_access_block
    if block is not None and block.block_public_policy and policy.is_public(json.loads(document)):
        raise errors.AccessDenied()


def _admit_logging(
    logging: bucket_config.Logging | None, source: Bucket, buckets: Mapping[str, Bucket]
) -> None:
    """Turning logging on checks its target bucket as S3 does; turning it off (None) checks nothing."""
    if logging is not None:
        target = buckets.get(logging.target_bucket)
        region = target.region if target is not None else None
        bucket_config.check_logging_target(source.region, region, logging.target_bucket)


def _admit_object_lock(
    config: object_lock.LockConfiguration, target: Bucket, buckets: Mapping[str, Bucket]
) -> None:
    """Enable Object Lock (a bucket with versioning Enabled) or replace its default retention."""
    object_lock.check_can_configure(target.versioning is VersioningStatus.ENABLED)


def _admit_replication(
    config: replication.Replication, source: Bucket, buckets: Mapping[str, Bucket]
) -> None:
    """Versioning Enabled on the source, then on each destination (``replication.check_versioning``)."""
    destinations = [
        buckets.get(name) if name is not None else None for name in replication.destination_names(config)
    ]
    replication.check_versioning(
        source.versioning is VersioningStatus.ENABLED,
        (d is not None and d.versioning is VersioningStatus.ENABLED for d in destinations),
    )


# Without ownership controls a bucket keeps ACLs as S3 did before them (ObjectWriter).
OWNERSHIP_CONTROLS: DocConfigKind[str] = DocConfigKind("ownership", errors.OwnershipControlsNotFoundError)
PUBLIC_ACCESS_BLOCK: DocConfigKind[access.PublicAccessBlock] = DocConfigKind(
    "public_access_block", errors.NoSuchPublicAccessBlockConfiguration
)
# Stored, never enforced (docs/features/bucket-policy.md).
POLICY: DocConfigKind[str] = DocConfigKind(
    "policy", errors.NoSuchBucketPolicy, check=_check_policy, admit=_admit_policy
)
# An empty tag set deletes the bucket's tags (LS-AWS test_bucket_tagging_crud).
TAGGING: DocConfigKind[tuple[tuple[str, str], ...]] = DocConfigKind(
    "tags", errors.NoSuchTagSet, cleared=(), check=lambda tags, _bucket: tagging.check_bucket_tags(tags)
)
# Deleting it is back to S3's default SSE-S3 configuration (GetBucketEncryption answers it again).
ENCRYPTION: DocConfigKind[bucket_config.BucketEncryption] = DocConfigKind(
    "encryption",
    cleared=bucket_config.DEFAULT_ENCRYPTION,
    check=lambda rule, _bucket: bucket_config.check_encryption(*rule),  # (algorithm, key, bucket key)
)
ACCELERATE: DocConfigKind[str] = DocConfigKind("accelerate", check=bucket_config.check_accelerate)
REQUEST_PAYMENT: DocConfigKind[str] = DocConfigKind(
    "payer",
    cleared=bucket_config.DEFAULT_PAYER,
    check=lambda payer, _bucket: bucket_config.check_payer(payer),
)
# Deleting a CORS configuration that is not there is no error (204) [LS-AWS cors: test_delete_cors,
# recorded 2023-07-31].
CORS: DocConfigKind[cors.Config] = DocConfigKind(
    "cors", errors.NoSuchCORSConfiguration, check=lambda rules, _bucket: cors.check(rules)
)
NOTIFICATION: DocConfigKind[notification.Notification] = DocConfigKind(
    "notification", cleared=notification.EMPTY
)  # stored and returned, never delivered
LOGGING: DocConfigKind[bucket_config.Logging] = DocConfigKind("logging", admit=_admit_logging)
OBJECT_LOCK: DocConfigKind[object_lock.LockConfiguration] = DocConfigKind(
    "object_lock", errors.ObjectLockConfigurationNotFoundError, admit=_admit_object_lock
)
# Stored only: nothing is replicated (state/replication.py); Delete of none is 204 [LS-AWS s3:
# test_replication_config, recorded 2026-02-21].
REPLICATION: DocConfigKind[replication.Replication] = DocConfigKind(
    "replication",
    errors.ReplicationConfigurationNotFoundError,
    check=lambda document, _bucket: replication.check(document),
    admit=_admit_replication,
)
