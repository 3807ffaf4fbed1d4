"""How S3 spells a Signature Version 2: string to sign, canonical resource, HMAC-SHA1 signature.

Layer 3 (protocol), pure: strings in, strings out; no WSGI, no clock, no credentials store. The rules are
the S3 user guide's "Signing and authenticating REST requests (AWS signature version 2)"
(RESTAuthentication): ``VERB\\nContent-MD5\\nContent-Type\\nDate\\n`` then the ``x-amz-*`` headers
(lower case, sorted, repeated values joined with ``,``) then the resource: ``/bucket`` for a
virtual-hosted request, the path as sent, and the sub-resources and ``response-*`` overrides, sorted by
name, their values decoded. A presigned URL puts ``Expires`` where the date goes; a request with
``x-amz-date`` leaves the date line empty (the header is signed among the ``x-amz-*`` ones).

SigV2 is S3's only in the regions it served before 30 January 2014 (RESTAuthentication's note; AWS's
2018 SigV2 deprecation announcement); the others accept SigV4 alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import unquote

SCHEME = "AWS"  # ``Authorization: AWS AKID:signature``
# The regions launched before 30 January 2014, which still verify SigV2 (the others refuse it).
REGIONS = frozenset(
    {
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "ap-northeast-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "sa-east-1",
    }
)
# The query parameters the resource carries: the user guide's sub-resources, ``response-*`` overrides and
# ``delete``, with the later ones the SDKs sign the same way (botocore's HmacV1 list; the configurations
# it leaves out, such as ``encryption``, are signed as the bucket alone).
SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "analytics",
        "cors",
        "defaultObjectAcl",
        "delete",
        "inventory",
        "lifecycle",
        "location",
        "logging",
        "metrics",
        "notification",
        "object-lock",
        "partNumber",
        "policy",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "select",
        "select-type",
        "storageClass",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    }
)
_FOLD = re.compile(r"\s*\r?\n\s*")


def accepted_in(region: str) -> bool:
    """Whether S3 verifies SigV2 for an endpoint in ``region`` (else: InvalidRequest, use SigV4)."""
    return region in REGIONS


def canonical_resource(raw_path: str, raw_query: str, virtual_bucket: str | None = None) -> str:
    """``[/bucket]`` + the path exactly as sent + ``?name[=value]&...`` of the sub-resources present,
    sorted by name, each value decoded (RESTAuthentication, "Constructing the CanonicalizedResource
    Element")."""
    resource = (f"/{virtual_bucket}" if virtual_bucket else "") + (raw_path or "/")
    if resource.count("/") == 1 and resource != "/":  # a bucket itself is ``/bucket/`` (as botocore signs)
        resource += "/"
    items: list[tuple[str, str]] = []
    for item in raw_query.split("&"):
        name, equals, value = item.partition("=")
        if name in SUBRESOURCES:
            items.append((name, f"{name}={unquote(value)}" if equals else name))
    if items:
        items.sort(key=lambda pair: pair[0])
        resource += "?" + "&".join(text for _, text in items)
    return resource


def bucket_as_sent(raw_path: str, raw_query: str, virtual_bucket: str | None) -> str | None:
    """The other spelling of a path-style bucket's resource, ``/bucket`` as sent without its slash (what
    signers that take the path as sent sign), or None when the request has only one spelling."""
    if virtual_bucket or raw_path.count("/") != 1 or raw_path == "/":
        return None
    return raw_path + canonical_resource(raw_path, raw_query)[len(raw_path) + 1 :]


def canonical_amz_headers(pairs: Iterable[tuple[str, str]]) -> str:
    """``name:value\\n`` for each ``x-amz-*`` header, by lower-case name; the values of one name joined
    with ``,``, each trimmed and unfolded (RESTAuthentication, "Constructing the CanonicalizedAmzHeaders
    Element")."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        lower = name.lower()
        if lower.startswith("x-amz-"):
            values.setdefault(lower, []).append(_FOLD.sub(" ", value.strip()))
    return "".join(f"{name}:{','.join(values[name])}\n" for name in sorted(values))


def string_to_sign(
    method: str, content_md5: str, content_type: str, date: str, amz_headers: str, resource: str
) -> str:
    """The text the signature signs: ``date`` is the ``Date`` header, ``""`` beside ``x-amz-date``, or a
    presigned URL's ``Expires``; ``amz_headers`` is ``canonical_amz_headers`` (ends with a newline)."""
    return f"{method}\n{content_md5.strip()}\n{content_type.strip()}\n{date}\n{amz_headers}{resource}"


def signature(secret: str, text: str) -> str:
    """Base64 of HMAC-SHA1 keyed with the secret (a POST form's: over its base64 policy)."""
    return base64.b64encode(hmac.digest(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1)).decode()
