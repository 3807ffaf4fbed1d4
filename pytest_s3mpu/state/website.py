"""Static website hosting: S3's checks of a WebsiteConfiguration, and which answer the website
endpoint gives a GET (the key it serves, the redirect, the error page and error document).

Layer 2 (store): pure rules over the stored configuration and a lookup of current objects; the HTML
pages are rendered by ``protocol/website_pages.py`` and the endpoint is routed by host in
``app/application.py``. The document arrives as nested dicts of the known elements (xmldoc reads
them in S3's order); rules and sources: docs/features/bucket-config.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pytest_s3mpu.state import access, errors, policy
from pytest_s3mpu.state.model import Bucket

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


# -- the website endpoint [LS-AWS s3: TestS3StaticWebsiteHosting, recorded 2026-02-21] -------------

READ_METHODS = ("GET", "HEAD")
MOVED = 301  # S3's redirect status unless a rule names its HttpRedirectCode
FOUND = 302  # ``/dir`` whose ``dir/`` has an index document


@dataclass(frozen=True, slots=True)
class Serve:
    """Answer with the object at ``key``, with ``status`` (the error's, for the error document)."""

    key: str
    status: int = 200


@dataclass(frozen=True, slots=True)
class Redirect:
    """Answer ``status`` with ``Location: location`` and no body."""

    location: str
    status: int = MOVED


@dataclass(frozen=True, slots=True)
class Failed:
    """Answer S3's HTML error page for ``error``; ``document_error``: why the bucket's ErrorDocument
    could not be served instead (a second list on the same page)."""

    error: errors.S3Error
    document_error: errors.S3Error | None = None


Answer = Serve | Redirect | Failed


@dataclass(frozen=True, slots=True)
class Found:
    """The current object at a key, as the website sees it: its website redirect location ('' when it
    has none) and whether an anonymous request may read it (``Visitor.can_read``)."""

    redirect: str
    readable: bool


Lookup = Callable[[str], Found | None]  # None: no current object at the key


@dataclass(frozen=True, slots=True)
class Visitor:
    """What an anonymous request may do in a bucket: the website endpoint is anonymous, so S3 serves an
    object only if a bucket policy or a public ACL lets anyone read it, and tells a missing key (404) from
    a forbidden one (403) only if anyone may list the bucket. ACLs count unless the bucket is
    BucketOwnerEnforced or its public access block ignores public ACLs; the policy counts unless the
    block restricts public buckets (``policy.allows_anyone``: conditions are not evaluated)."""

    bucket: str
    acls: bool
    bucket_acl: access.Acl | None
    document: dict[str, Any] | None

    def can_list(self) -> bool:
        return (self.acls and access.grants_everyone(self.bucket_acl, "READ", None)) or self._allowed(
            "s3:ListBucket", ""
        )

    def can_read(self, key: str, acl: access.Acl | None) -> bool:
        return (self.acls and access.grants_everyone(acl, "READ", None)) or self._allowed(
            "s3:GetObject", "/" + key
        )

    def _allowed(self, action: str, path: str) -> bool:
        resource = f"arn:aws:s3:::{self.bucket}{path}"
        return self.document is not None and policy.allows_anyone(self.document, action, resource)


def visitor(name: str, bucket: Bucket) -> Visitor:
    """An anonymous request's rights in ``bucket`` (named ``name``), from its ownership, public access
    block, ACL and policy."""
    block = bucket.public_access_block or access.PublicAccessBlock()
    document = None
    if bucket.policy is not None and not block.restrict_public_buckets:
        loaded = json.loads(bucket.policy)  # checked by policy.check when it was put
        document = loaded if isinstance(loaded, dict) else None
    acls = bucket.ownership != access.ENFORCED and not block.ignore_public_acls
    return Visitor(name, acls, bucket.acl, document)


@dataclass(frozen=True, slots=True)
class Asked:
    """A website request: its method, its path without the leading ``/`` (decoded), and the scheme and
    Host it was sent with (redirects that name no protocol or host keep the request's)."""

    method: str
    path: str
    scheme: str
    host: str


def _matches(condition: dict[str, str], path: str, status: int | None) -> bool:
    """A rule's Condition against the requested path; one naming HttpErrorCodeReturnedEquals applies
    only to an error of that status, one without it only before the lookup."""
    code = condition.get("HttpErrorCodeReturnedEquals")
    if (code is None) != (status is None) or (code is not None and code != str(status)):
        return False
    return path.startswith(condition.get("KeyPrefixEquals", ""))


def _rule_location(rule: dict[str, Any], asked: Asked) -> Redirect:
    """Where a routing rule sends the request: its Protocol and HostName or the request's, its key
    replaced whole (ReplaceKeyWith) or in its prefix (ReplaceKeyPrefixWith, the KeyPrefixEquals part)."""
    redirect: dict[str, str] = rule["Redirect"]
    key = asked.path
    if "ReplaceKeyWith" in redirect:
        key = redirect["ReplaceKeyWith"]
    elif "ReplaceKeyPrefixWith" in redirect:
        prefix = rule.get("Condition", {}).get("KeyPrefixEquals", "")
        key = redirect["ReplaceKeyPrefixWith"] + key[len(prefix) :]
    code = redirect.get("HttpRedirectCode", "")
    status = int(code) if code.isdigit() and 300 <= int(code) <= 399 else MOVED
    protocol = redirect.get("Protocol", asked.scheme)
    host = redirect.get("HostName", asked.host)
    return Redirect(f"{protocol}://{host}/{quote(key, safe='/~')}", status)


def _rule_for(config: Website, path: str, status: int | None) -> dict[str, Any] | None:
    rules: list[dict[str, Any]] = config.get("RoutingRules", [])
    for rule in rules:
        if _matches(rule.get("Condition", {}), path, status):
            return rule
    return None


def answer(config: Website, asked: Asked, lookup: Lookup, listable: bool) -> Answer:
    """What the website endpoint answers, in S3's order [LS-AWS s3: TestS3StaticWebsiteHosting,
    recorded 2026-02-21]: GET and HEAD only (405 MethodNotAllowed, ResourceType OBJECT, whatever the
    ErrorDocument); RedirectAllRequestsTo sends every path on (301); a routing rule without an error
    code condition redirects before the lookup, matched on the path as asked (``/`` is ``''``), and
    before an object's own redirect location; ``/`` and ``dir/`` serve the IndexDocument suffix under
    them; ``dir`` without its slash is 302 to ``/dir/`` when ``dir/`` has an index document; a missing
    key is 404 NoSuchKey naming the key looked up, which a rule on HttpErrorCodeReturnedEquals may
    redirect, else the ErrorDocument is served with the error's status (its own redirect location is
    followed, losing the status), else the error page says why the document could not be served.
    An object anonymous requests may not read is 403 AccessDenied, and so is a missing key when they may
    not list the bucket (``listable``); the error document must be readable too."""
    if asked.method not in READ_METHODS:
        return Failed(errors.MethodNotAllowed(asked.method, "OBJECT"))
    redirect_all = config.get("RedirectAllRequestsTo")
    if redirect_all is not None:
        protocol = redirect_all.get("Protocol", asked.scheme)
        return Redirect(f"{protocol}://{redirect_all['HostName']}/{quote(asked.path, safe='/~')}")
    rule = _rule_for(config, asked.path, None)
    if rule is not None:
        return _rule_location(rule, asked)
    suffix = config["IndexDocument"]["Suffix"]
    key = asked.path + suffix if not asked.path or asked.path.endswith("/") else asked.path
    found = lookup(key)
    if found is not None and found.readable:
        return Redirect(found.redirect) if found.redirect else Serve(key)
    if found is None and asked.path and not asked.path.endswith("/"):
        index = lookup(f"{asked.path}/{suffix}")
        if index is not None and index.readable:
            return Redirect(f"/{quote(asked.path, safe='/~')}/", FOUND)
    error: errors.S3Error = errors.NoSuchKey(key) if found is None and listable else errors.AccessDenied()
    rule = _rule_for(config, asked.path, error.status)
    if rule is not None:
        return _rule_location(rule, asked)
    document = config.get("ErrorDocument", {}).get("Key")
    if document is None:
        return Failed(error)
    page = lookup(document)
    if page is None or not page.readable:
        denied = page is not None or not listable
        return Failed(error, errors.AccessDenied() if denied else errors.NoSuchKey(document))
    return Redirect(page.redirect) if page.redirect else Serve(document, error.status)
