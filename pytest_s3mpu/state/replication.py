"""Bucket replication configuration: S3's checks of a ReplicationConfiguration, stored and returned only.

Layer 2 (store). Nothing is ever replicated (no copy reaches the destination bucket, no object gets an
``x-amz-replication-status``): the configuration is kept for GetBucketReplication. The document arrives
as ``{"Role": ..., "Rule": [rule, ...]}``, each rule a dict of its elements as sent (text, or nested dicts
of the same shape); rules and sources: docs/features/bucket-config.md.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable
from typing import Any

from pytest_s3mpu.state import errors

Replication = dict[str, Any]

STATUSES = ("Enabled", "Disabled")
BUCKET_ARN_PREFIX = "arn:aws:s3:::"
MAX_PRIORITY = 2**31 - 1  # Priority is an integer (AWS API ReplicationRule)


def new_rule_id() -> str:
    """The ID S3 gives a rule sent without one: an opaque 48-character text, the base64 of a UUID's text
    (the shape of the generated ID in the AWS CLI's get-bucket-replication example); recorded only as
    "some ID" [LS-AWS: test_replication_config, recorded 2026-02-21, its ID replaced by the snapshot]."""
    return base64.b64encode(str(uuid.uuid4()).encode("ascii")).decode("ascii")


def _status(node: object) -> None:
    """A ``{"Status": ...}`` element with Enabled or Disabled (else MalformedXML: S3's schema)."""
    if not isinstance(node, dict) or node.get("Status") not in STATUSES:
        raise errors.MalformedXML()


def _check_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """One rule S3's schema accepts: Status Enabled/Disabled, a Destination with a Bucket, an integer
    Priority, DeleteMarkerReplication with a Status (AWS API ReplicationRule); the ID filled in when
    absent [LS-AWS: test_replication_config, recorded 2026-02-21]."""
    _status(rule)
    destination = rule.get("Destination")
    if not isinstance(destination, dict) or not isinstance(destination.get("Bucket"), str):
        raise errors.MalformedXML()
    priority = rule.get("Priority")
    if priority is not None and (
        not isinstance(priority, str) or not priority.isdigit() or int(priority) > MAX_PRIORITY
    ):
        raise errors.MalformedXML()
    if "DeleteMarkerReplication" in rule:
        _status(rule["DeleteMarkerReplication"])
    if "ID" in rule:
        return rule
    return {"ID": new_rule_id(), **rule}


def check(config: Replication) -> Replication:
    """The configuration S3's schema accepts, with generated IDs: a Role and one or more rules (none:
    MalformedXML [LS-AWS: test_replication_config "put-empty-bucket-replication-rules", recorded
    2026-02-21]), each checked by ``_check_rule``."""
    rules = config.get("Rule", [])
    if not isinstance(config.get("Role"), str) or not rules:
        raise errors.MalformedXML()
    return {"Role": config["Role"], "Rule": [_check_rule(rule) for rule in rules]}


def destination_names(config: Replication) -> tuple[str | None, ...]:
    """The bucket each rule's Destination names by its ARN (``arn:aws:s3:::name``); None when the value
    is no S3 bucket ARN (it names no bucket this endpoint has)."""
    names: list[str | None] = []
    for rule in config["Rule"]:
        arn = rule["Destination"]["Bucket"]
        name = arn[len(BUCKET_ARN_PREFIX) :] if arn.startswith(BUCKET_ARN_PREFIX) else None
        names.append(name or None)
    return tuple(names)


def check_versioning(source_enabled: bool, destinations_enabled: Iterable[bool]) -> None:
    """Versioning Enabled on the source bucket, then on every destination (a destination that does not
    exist gets the same answer) [LS-AWS: test_replication_config "expected_error_versioning_not_enabled";
    test_replication_config_without_filter "expected_error_dest_does_not_exist",
    "expected_error_dest_versioning_disabled", recorded 2026-02-21]. Which comes first when both fail is
    not recorded: the source, here."""
    if not source_enabled:
        raise errors.InvalidRequest(errors.REPLICATION_SOURCE_VERSIONING)
    if not all(destinations_enabled):
        raise errors.InvalidRequest(errors.REPLICATION_DESTINATION_VERSIONING)
