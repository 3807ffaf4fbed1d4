"""Bucket policies: S3's MalformedPolicy checks of a policy document, and whether it is public.

Layer 2 (store). Stored; applied only to anonymous requests (``allows_anyone``): those under signature
verification and every request to the website endpoint. A signed request is the owner's and never
refused because of a policy. Rules and
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


def _is_everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in (_strings(principal.get("AWS")) or []))


def _matches(patterns: Any, value: str, fold: bool) -> bool:
    """Whether one of a statement's Action or Resource patterns (``*`` and ``?`` wildcards) covers it."""
    for pattern in _strings(patterns) or []:
        if fnmatch.fnmatchcase(value.lower() if fold else value, pattern.lower() if fold else pattern):
            return True
    return False


def allows_anyone(document: str | dict[str, Any] | None, action: str, resource: str) -> bool:
    """Whether the bucket's policy lets an anonymous request do ``action`` on ``resource``: an Allow
    statement for everyone (principal ``*``) whose Action and Resource cover it, and no Deny that
    covers it (AWS user guide, "Policy evaluation logic": an explicit deny wins).

    Conditions are not evaluated: an Allow with a Condition is not applied, a Deny with one is (the
    double errs towards refusing). NotPrincipal/NotAction/NotResource statements are not applied.
    """
    if document is None:
        return False
    try:
        parsed = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or not _is_everyone(statement.get("Principal")):
            continue
        if not (
            _matches(statement.get("Action"), action, fold=True)
            and _matches(statement.get("Resource"), resource, fold=False)
        ):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or "Condition" not in statement
    return allowed
