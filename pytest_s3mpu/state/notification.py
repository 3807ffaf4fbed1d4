"""Bucket notification configuration: S3's checks, stored and returned; nothing is ever delivered.

Layer 2 (store). The double has no SQS, SNS, Lambda or EventBridge: every destination whose ARN parses
is taken to exist (S3 would answer "Unable to validate the following destination configurations" for
one that does not). Rules and sources: docs/features/bucket-config.md.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from pytest_s3mpu.state import errors

# Destination kinds: (configuration element, ARN element, the ArgumentName S3 names for a bad ARN).
KINDS = (
    ("TopicConfiguration", "Topic", "Topic"),
    ("QueueConfiguration", "Queue", "Queue"),
    ("CloudFunctionConfiguration", "CloudFunction", "CloudFunction"),
)
_FILTER_NAMES = {"prefix": "Prefix", "suffix": "Suffix"}


@dataclass(frozen=True, slots=True)
class Destination:
    """One Topic/Queue/CloudFunction configuration as S3 returns it."""

    kind: str  # the configuration element, e.g. QueueConfiguration
    id: str
    arn: str
    events: tuple[str, ...]
    filter_rules: tuple[tuple[str, str], ...] | None  # None: no Filter element


@dataclass(frozen=True, slots=True)
class Notification:
    destinations: tuple[Destination, ...] = ()
    event_bridge: bool = False


EMPTY = Notification()


def _arn_parses(arn: str) -> bool:
    """``arn:partition:service:region:account:resource``: six colon-separated parts, the first ``arn``."""
    parts = arn.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and all(parts[1:3]) and bool(parts[5])


def destination(
    kind: str,
    config_id: str | None,
    arn: str | None,
    events: list[str],
    rules: list[tuple[str | None, str | None]] | None,
) -> Destination:
    """One destination S3 accepts: an ARN that parses (InvalidArgument "The ARN could not be parsed"
    naming Queue/Topic/CloudFunction), at least one event, filter rules with a Name and a Value
    (MalformedXML) and a name that is prefix or suffix in any case (returned capitalised); an Id is
    generated when none is given [LS-AWS: test_bucket_notification_with_missing_values_in_rule,
    test_bucket_notification_with_invalid_filter_rules, recorded 2026-02-21; LS-AWS sqs:
    test_invalid_sqs_arn, test_filter_rules_case_insensitive, recorded 2025-01-21]."""
    argument = next(name for element, _, name in KINDS if element == kind)
    if arn is None or not events:
        raise errors.MalformedXML()
    if not _arn_parses(arn):
        raise errors.InvalidArgument(errors.ARN_NOT_PARSED, argument, arn)
    checked: tuple[tuple[str, str], ...] | None = None
    if rules is not None:
        found: list[tuple[str, str]] = []
        for name, value in rules:
            if name is None or value is None:
                raise errors.MalformedXML()
            canonical = _FILTER_NAMES.get(name.lower())
            if canonical is None:
                raise errors.InvalidArgument(errors.FILTER_RULE_NAME, "FilterRule.Name", name)
            found.append((canonical, value))
        checked = tuple(found)
    return Destination(kind, config_id or _new_id(), arn, tuple(events), checked)


def _new_id() -> str:
    """S3 names an unnamed configuration with a generated id (recorded as a redacted string)."""
    return secrets.token_urlsafe(36)[:48]
