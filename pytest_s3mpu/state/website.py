"""Static website configuration: S3's checks of a WebsiteConfiguration, stored and returned only.

Layer 2 (store). The double serves no website endpoint: the configuration is kept for
GetBucketWebsite. The document arrives as nested dicts of the known elements (xmldoc reads them in
S3's order); rules and sources: docs/features/bucket-config.md.
"""

from __future__ import annotations

from typing import Any

from pytest_s3mpu.state import errors

Website = dict[str, Any]

PROTOCOLS = ("http", "https")


def _check_redirect(redirect: dict[str, str]) -> None:
    if "Protocol" in redirect and redirect["Protocol"] not in PROTOCOLS:
        raise errors.InvalidRequest(errors.WEBSITE_PROTOCOL)
    if "ReplaceKeyPrefixWith" in redirect and "ReplaceKeyWith" in redirect:
        raise errors.InvalidRequest(errors.WEBSITE_REPLACE_BOTH)


def check(config: Website) -> Website:
    """The configuration S3 accepts, in its order [LS-AWS s3: test_validate_website_configuration,
    recorded 2026-02-21]: RedirectAllRequestsTo alone; otherwise an IndexDocument Suffix that is not
    empty and has no ``/``; routing rules that are not empty, each with a Redirect, a Condition that is
    not empty when present, an http/https protocol and not both key replacements."""
    redirect_all = config.get("RedirectAllRequestsTo")
    if redirect_all is not None:
        if len(config) > 1:
            raise errors.InvalidArgument(errors.WEBSITE_REDIRECT_ALONE, "RedirectAllRequestsTo", "not null")
        if "HostName" not in redirect_all:
            raise errors.MalformedXML()
        _check_redirect(redirect_all)
        return config
    index = config.get("IndexDocument")
    if index is None:
        raise errors.InvalidArgument(errors.WEBSITE_INDEX_REQUIRED, "IndexDocument", "null")
    suffix = index.get("Suffix")
    if not suffix or "/" in suffix:
        raise errors.InvalidArgument(errors.WEBSITE_SUFFIX, "IndexDocument", suffix or None)
    rules = config.get("RoutingRules")
    if rules is not None:
        if not rules:
            raise errors.MalformedXML()
        for rule in rules:
            if "Redirect" not in rule:
                raise errors.MalformedXML()
            if "Condition" in rule and not rule["Condition"]:
                raise errors.InvalidRequest(errors.WEBSITE_EMPTY_CONDITION)
            _check_redirect(rule["Redirect"])
    return config
