"""Which S3 operation a request is: the one table from (target, method, subresource) to AWS names.

Layer 3 (protocol). The operation names are AWS's own (``UploadPart``), used by the app, the fault
rules and the journal alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from pytest_s3mpu.protocol import wire
from pytest_s3mpu.state import errors


class Target(Enum):
    SERVICE = "service"
    BUCKET = "bucket"
    OBJECT = "object"


@dataclass(frozen=True, slots=True)
class Route:
    """A request's operation, or why it has none."""

    operation: str
    implemented: bool = True


# The Id-keyed bucket configurations' subresources and the middle of their operation names.
ID_KEYED = {
    "metrics": "Metrics",
    "inventory": "Inventory",
    "analytics": "Analytics",
    "intelligent-tiering": "IntelligentTiering",
}

# (target, method, subresource or None) -> operation. Subresource None: no subresource in the query.
_TABLE: dict[tuple[Target, str, str | None], str] = {
    (Target.SERVICE, "GET", None): "ListBuckets",
    (Target.BUCKET, "PUT", None): "CreateBucket",
    (Target.BUCKET, "HEAD", None): "HeadBucket",
    (Target.BUCKET, "DELETE", None): "DeleteBucket",
    (Target.BUCKET, "GET", None): "ListObjects",
    (Target.BUCKET, "GET", "list-type=2"): "ListObjectsV2",
    (Target.BUCKET, "GET", "uploads"): "ListMultipartUploads",
    (Target.BUCKET, "GET", "versions"): "ListObjectVersions",
    (Target.BUCKET, "GET", "location"): "GetBucketLocation",
    (Target.BUCKET, "PUT", "versioning"): "PutBucketVersioning",
    (Target.BUCKET, "GET", "versioning"): "GetBucketVersioning",
    (Target.BUCKET, "POST", "delete"): "DeleteObjects",
    (Target.BUCKET, "POST", None): "PostObject",
    (Target.OBJECT, "PUT", None): "PutObject",
    (Target.OBJECT, "PUT", "uploadId"): "UploadPart",
    (Target.OBJECT, "GET", None): "GetObject",
    (Target.OBJECT, "HEAD", None): "HeadObject",
    (Target.OBJECT, "GET", "attributes"): "GetObjectAttributes",
    (Target.OBJECT, "DELETE", None): "DeleteObject",
    (Target.OBJECT, "POST", "uploads"): "CreateMultipartUpload",
    (Target.OBJECT, "POST", "uploadId"): "CompleteMultipartUpload",
    (Target.OBJECT, "POST", "restore"): "RestoreObject",
    (Target.OBJECT, "DELETE", "uploadId"): "AbortMultipartUpload",
    (Target.OBJECT, "GET", "uploadId"): "ListParts",
    (Target.OBJECT, "PUT", "uploadId+copy"): "UploadPartCopy",
    (Target.OBJECT, "PUT", "copy"): "CopyObject",
    (Target.OBJECT, "GET", "tagging"): "GetObjectTagging",
    (Target.OBJECT, "PUT", "tagging"): "PutObjectTagging",
    (Target.OBJECT, "DELETE", "tagging"): "DeleteObjectTagging",
    (Target.BUCKET, "GET", "tagging"): "GetBucketTagging",
    (Target.BUCKET, "PUT", "tagging"): "PutBucketTagging",
    (Target.BUCKET, "DELETE", "tagging"): "DeleteBucketTagging",
    (Target.BUCKET, "GET", "ownershipControls"): "GetBucketOwnershipControls",
    (Target.BUCKET, "PUT", "ownershipControls"): "PutBucketOwnershipControls",
    (Target.BUCKET, "DELETE", "ownershipControls"): "DeleteBucketOwnershipControls",
    (Target.BUCKET, "GET", "acl"): "GetBucketAcl",
    (Target.BUCKET, "PUT", "acl"): "PutBucketAcl",
    (Target.OBJECT, "GET", "acl"): "GetObjectAcl",
    (Target.OBJECT, "PUT", "acl"): "PutObjectAcl",
    (Target.BUCKET, "GET", "publicAccessBlock"): "GetPublicAccessBlock",
    (Target.BUCKET, "PUT", "publicAccessBlock"): "PutPublicAccessBlock",
    (Target.BUCKET, "DELETE", "publicAccessBlock"): "DeletePublicAccessBlock",
    (Target.BUCKET, "GET", "policy"): "GetBucketPolicy",
    (Target.BUCKET, "PUT", "policy"): "PutBucketPolicy",
    (Target.BUCKET, "DELETE", "policy"): "DeleteBucketPolicy",
    (Target.BUCKET, "GET", "policyStatus"): "GetBucketPolicyStatus",
    (Target.BUCKET, "GET", "encryption"): "GetBucketEncryption",
    (Target.BUCKET, "PUT", "encryption"): "PutBucketEncryption",
    (Target.BUCKET, "DELETE", "encryption"): "DeleteBucketEncryption",
    (Target.BUCKET, "GET", "accelerate"): "GetBucketAccelerateConfiguration",
    (Target.BUCKET, "PUT", "accelerate"): "PutBucketAccelerateConfiguration",
    (Target.BUCKET, "GET", "requestPayment"): "GetBucketRequestPayment",
    (Target.BUCKET, "PUT", "requestPayment"): "PutBucketRequestPayment",
    (Target.BUCKET, "GET", "website"): "GetBucketWebsite",
    (Target.BUCKET, "PUT", "website"): "PutBucketWebsite",
    (Target.BUCKET, "DELETE", "website"): "DeleteBucketWebsite",
    (Target.BUCKET, "GET", "notification"): "GetBucketNotificationConfiguration",
    (Target.BUCKET, "PUT", "notification"): "PutBucketNotificationConfiguration",
    (Target.BUCKET, "GET", "logging"): "GetBucketLogging",
    (Target.BUCKET, "PUT", "logging"): "PutBucketLogging",
    (Target.BUCKET, "GET", "object-lock"): "GetObjectLockConfiguration",
    (Target.BUCKET, "PUT", "object-lock"): "PutObjectLockConfiguration",
    (Target.OBJECT, "GET", "retention"): "GetObjectRetention",
    (Target.OBJECT, "PUT", "retention"): "PutObjectRetention",
    (Target.OBJECT, "GET", "legal-hold"): "GetObjectLegalHold",
    (Target.OBJECT, "PUT", "legal-hold"): "PutObjectLegalHold",
    # The Id-keyed configurations: one configuration with ``?id``, the list without.
    **{
        key: operation
        for sub, name in ID_KEYED.items()
        for key, operation in (
            ((Target.BUCKET, "GET", f"{sub}+id"), f"GetBucket{name}Configuration"),
            ((Target.BUCKET, "PUT", f"{sub}+id"), f"PutBucket{name}Configuration"),
            ((Target.BUCKET, "DELETE", f"{sub}+id"), f"DeleteBucket{name}Configuration"),
            ((Target.BUCKET, "GET", sub), f"ListBucket{name}Configurations"),
        )
    },
    (Target.BUCKET, "GET", "lifecycle"): "GetBucketLifecycleConfiguration",
    (Target.BUCKET, "PUT", "lifecycle"): "PutBucketLifecycleConfiguration",
    (Target.BUCKET, "DELETE", "lifecycle"): "DeleteBucketLifecycle",
    (Target.BUCKET, "GET", "cors"): "GetBucketCors",
    (Target.BUCKET, "PUT", "cors"): "PutBucketCors",
    (Target.BUCKET, "DELETE", "cors"): "DeleteBucketCors",
}
# A browser's CORS preflight (OPTIONS) of any bucket or object URL, whatever its subresource.
PREFLIGHT = "PreflightRequest"

# Every AWS operation name a request can resolve to (fault rules refuse any other).
OPERATIONS = frozenset({*_TABLE.values(), PREFLIGHT})

# S3 operations the double does not implement, by AWS's name: they answer 501 NotImplemented, and the
# journal says which one was asked for. Any other subresource is journaled as ``METHOD:subresource``.
_NOT_IMPLEMENTED: dict[tuple[Target, str, str], str] = {
    **{
        (Target.BUCKET, method, sub): f"{verb}{name}"
        for sub, name, verbs in (("replication", "BucketReplication", ("GET", "PUT", "DELETE")),)
        for method, verb in (("GET", "Get"), ("PUT", "Put"), ("DELETE", "Delete"))
        if method in verbs
    },
    (Target.OBJECT, "GET", "torrent"): "GetObjectTorrent",
    (Target.OBJECT, "POST", "select"): "SelectObjectContent",
}

# The journal's operation for a request that names none S3 has (an unknown method, a bad URI).
UNKNOWN = "Unknown"

_METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"})


def _subresource(target: Target, query: Mapping[str, str]) -> str | None:
    if target is Target.BUCKET and query.get("list-type") == "2":
        return "list-type=2"
    found = sorted(name for name in query if name in wire.SUBRESOURCES and name != "partNumber")
    if target is Target.OBJECT and "uploadId" in found:
        return "uploadId"
    if target is Target.OBJECT and "uploads" in found:
        return "uploads"
    if target is Target.BUCKET and len(found) == 1 and found[0] in ID_KEYED and "id" in query:
        return f"{found[0]}+id"  # one configuration; without an Id: the list
    return found[0] if found else None


def route(target: Target, method: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Route:
    """The operation a request asks for.

    Raises InvalidArgument for ``partNumber`` without ``uploadId`` on a PUT (spec §1.1),
    MethodNotAllowed / NotImplemented for what S3 has no operation for here.
    """
    if method not in _METHODS:
        raise errors.NotImplementedByS3(Header="Method")
    if method == "OPTIONS" and target is not Target.SERVICE:
        return Route(PREFLIGHT)
    sub = _subresource(target, query)
    copying = target is Target.OBJECT and method == "PUT" and wire.COPY_SOURCE in headers
    if target is Target.OBJECT and method == "PUT" and "partNumber" in query and "uploadId" not in query:
        raise errors.InvalidArgument(errors.PART_NUMBER_WITHOUT_UPLOAD_ID, "partNumber", query["partNumber"])
    if copying and sub in (None, "uploadId"):
        sub = "uploadId+copy" if sub else "copy"
    operation = _TABLE.get((target, method, sub))
    if operation is not None:
        return Route(operation)
    if sub is not None:
        return Route(_NOT_IMPLEMENTED.get((target, method, sub), f"{method}:{sub}"), implemented=False)
    raise errors.MethodNotAllowed(method, target.name if target is not Target.SERVICE else "SERVICE")


def asked(target: Target, method: str, query: Mapping[str, str], headers: Mapping[str, str]) -> str:
    """The operation a request asks for, for the journal: never raises (``UNKNOWN`` when it names none)."""
    try:
        return route(target, method, query, headers).operation
    except errors.S3Error:
        return UNKNOWN
