"""Bucket policies: S3's MalformedPolicy checks of a policy document, and whether it is public.

Layer 2 (store). Stored, never enforced on REST requests: only the website endpoint, which is anonymous,
asks whether a policy lets anyone read (``allows_anyone``). Rules and
sources: docs/features/bucket-policy.md.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from pytest_s3mpu.state import errors

VERSIONS = ("2008-10-17", "2012-10-17")
EFFECTS = ("Allow", "Deny")
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
MAX_SIZE = 20 * 1024


def _strings(value: Any) -> list[str] | None:
    """A policy element that is a string or a list of strings, as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _check_resource(values: list[str], bucket: str) -> None:
    for resource in values:
        if resource == "*":
            continue
        if not resource.startswith("arn:aws:s3:::"):
            raise errors.MalformedPolicy(errors.POLICY_RESOURCE_INVALID)
        name = resource[len("arn:aws:s3:::") :].split("/", 1)[0]
        if name not in (bucket, "*") and not (name.endswith("*") and bucket.startswith(name[:-1])):
            raise errors.MalformedPolicy(errors.POLICY_RESOURCE_INVALID)


def _check_actions(values: list[str]) -> None:
    for action in values:
        if action != "*" and not action.lower().startswith("s3:"):
            raise errors.MalformedPolicy(errors.POLICY_ACTION_INVALID)


def _check_statement(statement: Any, bucket: str) -> None:
    if not isinstance(statement, dict):
        raise errors.MalformedPolicy(errors.POLICY_STATEMENT_NOT_OBJECT)
    for name in statement:
        if name not in _STATEMENT_FIELDS:
            raise errors.policy_unknown_field(name)
    effect = statement.get("Effect")
    if effect is None:
        raise errors.MalformedPolicy(errors.POLICY_MISSING_EFFECT)
    if effect not in EFFECTS:
        raise errors.policy_invalid_effect(effect)
    if "Principal" not in statement and "NotPrincipal" not in statement:
        raise errors.MalformedPolicy(errors.POLICY_MISSING_PRINCIPAL)
    principal = statement.get("Principal", statement.get("NotPrincipal"))
    if not (principal == "*" or (isinstance(principal, dict) and principal)):
        raise errors.MalformedPolicy(errors.POLICY_PRINCIPAL_INVALID)
    actions = statement.get("Action", statement.get("NotAction"))
    if actions is None:
        raise errors.MalformedPolicy(errors.POLICY_MISSING_ACTION)
    action_list = _strings(actions)
    if action_list is None:
        raise errors.MalformedPolicy(errors.POLICY_ACTION_INVALID)
    _check_actions(action_list)
    resources = statement.get("Resource", statement.get("NotResource"))
    if resources is None:
        raise errors.MalformedPolicy(errors.POLICY_MISSING_RESOURCE)
    resource_list = _strings(resources)
    if resource_list is None:
        raise errors.MalformedPolicy(errors.POLICY_RESOURCE_INVALID)
    _check_resource(resource_list, bucket)


def check(text: bytes, bucket: str) -> dict[str, Any]:
    """The policy document, parsed; MalformedPolicy for what S3 refuses, in S3's order."""
    if not text.lstrip().startswith(b"{"):
        raise errors.MalformedPolicy()
    if len(text) > MAX_SIZE:
        raise errors.MalformedPolicy(errors.POLICY_TOO_LARGE)
    try:
        document = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; deep nesting recurses
        raise errors.MalformedPolicy(errors.POLICY_JSON_INVALID) from None
    if not isinstance(document, dict):
        raise errors.MalformedPolicy()
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise errors.MalformedPolicy(errors.POLICY_VERSION_INVALID)
    if "Statement" not in document:
        raise errors.MalformedPolicy(errors.POLICY_MISSING_STATEMENT)
    statements = document["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        _check_statement(statement, bucket)
    return document


def is_public(document: dict[str, Any]) -> bool:
    """Whether an Allow statement lets anyone in: principal ``*`` (or ``{"AWS": "*"}``) and no Condition.

    S3's own analysis also treats some conditions as non-restricting; any Condition here counts as a
    restriction, so such a policy reads as not public.
    """
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or "Condition" in statement:
            continue
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict) and "*" in (_strings(principal.get("AWS")) or []):
            return True
    return False


# -- anonymous reads (the website endpoint, state/website.py) -----------------------------------------


def _names_anyone(statement: dict[str, Any]) -> bool:
    principal = statement.get("Principal")
    return principal == "*" or (isinstance(principal, dict) and "*" in (_strings(principal.get("AWS")) or []))


def _covers(patterns: list[str] | None, value: str) -> bool:
    """IAM's matching: ``*`` any run of characters, ``?`` one; actions case-insensitively."""
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns or [])


def allows_anyone(document: dict[str, Any], action: str, resource: str) -> bool:
    """Whether the policy lets an anonymous request do ``action`` on ``resource``: an Allow statement
    naming anyone (``*``), the action and the resource, without a Condition, and no Deny statement naming
    anyone, the action and the resource. Conditions, NotPrincipal, NotAction and NotResource are not
    evaluated: a statement with one of them grants nothing here (a Deny with a Condition denies nothing)."""
    statements = document.get("Statement")
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or not _names_anyone(statement) or "Condition" in statement:
            continue
        actions = [a.lower() for a in _strings(statement.get("Action")) or []]
        if not (_covers(actions, action.lower()) and _covers(_strings(statement.get("Resource")), resource)):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed
