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


class Operation(str, Enum):
    """Every S3 operation a request can resolve to, by AWS's name (the value: what rules, the journal and
    users write). A str, so ``Operation.UPLOAD_PART == "UploadPart"``; ``str()`` and f-strings give the
    name itself, so JSON and text output are unchanged."""

    LIST_BUCKETS = "ListBuckets"
    CREATE_BUCKET = "CreateBucket"
    HEAD_BUCKET = "HeadBucket"
    DELETE_BUCKET = "DeleteBucket"
    LIST_OBJECTS = "ListObjects"
    LIST_OBJECTS_V2 = "ListObjectsV2"
    LIST_MULTIPART_UPLOADS = "ListMultipartUploads"
    LIST_OBJECT_VERSIONS = "ListObjectVersions"
    GET_BUCKET_LOCATION = "GetBucketLocation"
    PUT_BUCKET_VERSIONING = "PutBucketVersioning"
    GET_BUCKET_VERSIONING = "GetBucketVersioning"
    DELETE_OBJECTS = "DeleteObjects"
    POST_OBJECT = "PostObject"
    PUT_OBJECT = "PutObject"
    UPLOAD_PART = "UploadPart"
    GET_OBJECT = "GetObject"
    HEAD_OBJECT = "HeadObject"
    GET_OBJECT_ATTRIBUTES = "GetObjectAttributes"
    DELETE_OBJECT = "DeleteObject"
    CREATE_MULTIPART_UPLOAD = "CreateMultipartUpload"
    COMPLETE_MULTIPART_UPLOAD = "CompleteMultipartUpload"
    RESTORE_OBJECT = "RestoreObject"
    ABORT_MULTIPART_UPLOAD = "AbortMultipartUpload"
    LIST_PARTS = "ListParts"
    UPLOAD_PART_COPY = "UploadPartCopy"
    COPY_OBJECT = "CopyObject"
    GET_OBJECT_TAGGING = "GetObjectTagging"
    PUT_OBJECT_TAGGING = "PutObjectTagging"
    DELETE_OBJECT_TAGGING = "DeleteObjectTagging"
    GET_BUCKET_TAGGING = "GetBucketTagging"
    PUT_BUCKET_TAGGING = "PutBucketTagging"
    DELETE_BUCKET_TAGGING = "DeleteBucketTagging"
    GET_BUCKET_OWNERSHIP_CONTROLS = "GetBucketOwnershipControls"
    PUT_BUCKET_OWNERSHIP_CONTROLS = "PutBucketOwnershipControls"
    DELETE_BUCKET_OWNERSHIP_CONTROLS = "DeleteBucketOwnershipControls"
    GET_BUCKET_ACL = "GetBucketAcl"
    PUT_BUCKET_ACL = "PutBucketAcl"
    GET_OBJECT_ACL = "GetObjectAcl"
    PUT_OBJECT_ACL = "PutObjectAcl"
    GET_PUBLIC_ACCESS_BLOCK = "GetPublicAccessBlock"
    PUT_PUBLIC_ACCESS_BLOCK = "PutPublicAccessBlock"
    DELETE_PUBLIC_ACCESS_BLOCK = "DeletePublicAccessBlock"
    GET_BUCKET_POLICY = "GetBucketPolicy"
    PUT_BUCKET_POLICY = "PutBucketPolicy"
    DELETE_BUCKET_POLICY = "DeleteBucketPolicy"
    GET_BUCKET_POLICY_STATUS = "GetBucketPolicyStatus"
    GET_BUCKET_ENCRYPTION = "GetBucketEncryption"
    PUT_BUCKET_ENCRYPTION = "PutBucketEncryption"
    DELETE_BUCKET_ENCRYPTION = "DeleteBucketEncryption"
    GET_BUCKET_ACCELERATE_CONFIGURATION = "GetBucketAccelerateConfiguration"
    PUT_BUCKET_ACCELERATE_CONFIGURATION = "PutBucketAccelerateConfiguration"
    GET_BUCKET_REQUEST_PAYMENT = "GetBucketRequestPayment"
    PUT_BUCKET_REQUEST_PAYMENT = "PutBucketRequestPayment"
    GET_BUCKET_WEBSITE = "GetBucketWebsite"
    PUT_BUCKET_WEBSITE = "PutBucketWebsite"
    DELETE_BUCKET_WEBSITE = "DeleteBucketWebsite"
    GET_BUCKET_REPLICATION = "GetBucketReplication"
    PUT_BUCKET_REPLICATION = "PutBucketReplication"
    DELETE_BUCKET_REPLICATION = "DeleteBucketReplication"
    GET_BUCKET_NOTIFICATION_CONFIGURATION = "GetBucketNotificationConfiguration"
    PUT_BUCKET_NOTIFICATION_CONFIGURATION = "PutBucketNotificationConfiguration"
    GET_BUCKET_LOGGING = "GetBucketLogging"
    PUT_BUCKET_LOGGING = "PutBucketLogging"
    GET_OBJECT_LOCK_CONFIGURATION = "GetObjectLockConfiguration"
    PUT_OBJECT_LOCK_CONFIGURATION = "PutObjectLockConfiguration"
    GET_OBJECT_RETENTION = "GetObjectRetention"
    PUT_OBJECT_RETENTION = "PutObjectRetention"
    GET_OBJECT_LEGAL_HOLD = "GetObjectLegalHold"
    PUT_OBJECT_LEGAL_HOLD = "PutObjectLegalHold"
    GET_BUCKET_METRICS_CONFIGURATION = "GetBucketMetricsConfiguration"
    PUT_BUCKET_METRICS_CONFIGURATION = "PutBucketMetricsConfiguration"
    DELETE_BUCKET_METRICS_CONFIGURATION = "DeleteBucketMetricsConfiguration"
    LIST_BUCKET_METRICS_CONFIGURATIONS = "ListBucketMetricsConfigurations"
    GET_BUCKET_INVENTORY_CONFIGURATION = "GetBucketInventoryConfiguration"
    PUT_BUCKET_INVENTORY_CONFIGURATION = "PutBucketInventoryConfiguration"
    DELETE_BUCKET_INVENTORY_CONFIGURATION = "DeleteBucketInventoryConfiguration"
    LIST_BUCKET_INVENTORY_CONFIGURATIONS = "ListBucketInventoryConfigurations"
    GET_BUCKET_ANALYTICS_CONFIGURATION = "GetBucketAnalyticsConfiguration"
    PUT_BUCKET_ANALYTICS_CONFIGURATION = "PutBucketAnalyticsConfiguration"
    DELETE_BUCKET_ANALYTICS_CONFIGURATION = "DeleteBucketAnalyticsConfiguration"
    LIST_BUCKET_ANALYTICS_CONFIGURATIONS = "ListBucketAnalyticsConfigurations"
    GET_BUCKET_INTELLIGENT_TIERING_CONFIGURATION = "GetBucketIntelligentTieringConfiguration"
    PUT_BUCKET_INTELLIGENT_TIERING_CONFIGURATION = "PutBucketIntelligentTieringConfiguration"
    DELETE_BUCKET_INTELLIGENT_TIERING_CONFIGURATION = "DeleteBucketIntelligentTieringConfiguration"
    LIST_BUCKET_INTELLIGENT_TIERING_CONFIGURATIONS = "ListBucketIntelligentTieringConfigurations"
    GET_BUCKET_LIFECYCLE_CONFIGURATION = "GetBucketLifecycleConfiguration"
    PUT_BUCKET_LIFECYCLE_CONFIGURATION = "PutBucketLifecycleConfiguration"
    DELETE_BUCKET_LIFECYCLE = "DeleteBucketLifecycle"
    GET_BUCKET_CORS = "GetBucketCors"
    PUT_BUCKET_CORS = "PutBucketCors"
    DELETE_BUCKET_CORS = "DeleteBucketCors"
    PREFLIGHT_REQUEST = "PreflightRequest"
    WEBSITE_REQUEST = "WebsiteRequest"  # a GET (or any method) of the static website endpoint

    def __str__(self) -> str:  # the name itself, as enum.StrEnum (3.11+) gives it
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)


@dataclass(frozen=True, slots=True)
class Route:
    """A request's operation, or why it has none (not implemented: AWS's name or ``METHOD:subresource``)."""

    operation: Operation | str
    implemented: bool = True


# The Id-keyed bucket configurations' subresources and the middle of their operation names.
ID_KEYED = {
    "metrics": "Metrics",
    "inventory": "Inventory",
    "analytics": "Analytics",
    "intelligent-tiering": "IntelligentTiering",
}

# (target, method, subresource or None) -> operation. Subresource None: no subresource in the query.
_TABLE: dict[tuple[Target, str, str | None], Operation] = {
    (Target.SERVICE, "GET", None): Operation.LIST_BUCKETS,
    (Target.BUCKET, "PUT", None): Operation.CREATE_BUCKET,
    (Target.BUCKET, "HEAD", None): Operation.HEAD_BUCKET,
    (Target.BUCKET, "DELETE", None): Operation.DELETE_BUCKET,
    (Target.BUCKET, "GET", None): Operation.LIST_OBJECTS,
    (Target.BUCKET, "GET", "list-type=2"): Operation.LIST_OBJECTS_V2,
    (Target.BUCKET, "GET", "uploads"): Operation.LIST_MULTIPART_UPLOADS,
    (Target.BUCKET, "GET", "versions"): Operation.LIST_OBJECT_VERSIONS,
    (Target.BUCKET, "GET", "location"): Operation.GET_BUCKET_LOCATION,
    (Target.BUCKET, "PUT", "versioning"): Operation.PUT_BUCKET_VERSIONING,
    (Target.BUCKET, "GET", "versioning"): Operation.GET_BUCKET_VERSIONING,
    (Target.BUCKET, "POST", "delete"): Operation.DELETE_OBJECTS,
    (Target.BUCKET, "POST", None): Operation.POST_OBJECT,
    (Target.OBJECT, "PUT", None): Operation.PUT_OBJECT,
    (Target.OBJECT, "PUT", "uploadId"): Operation.UPLOAD_PART,
    (Target.OBJECT, "GET", None): Operation.GET_OBJECT,
    (Target.OBJECT, "HEAD", None): Operation.HEAD_OBJECT,
    (Target.OBJECT, "GET", "attributes"): Operation.GET_OBJECT_ATTRIBUTES,
    (Target.OBJECT, "DELETE", None): Operation.DELETE_OBJECT,
    (Target.OBJECT, "POST", "uploads"): Operation.CREATE_MULTIPART_UPLOAD,
    (Target.OBJECT, "POST", "uploadId"): Operation.COMPLETE_MULTIPART_UPLOAD,
    (Target.OBJECT, "POST", "restore"): Operation.RESTORE_OBJECT,
    (Target.OBJECT, "DELETE", "uploadId"): Operation.ABORT_MULTIPART_UPLOAD,
    (Target.OBJECT, "GET", "uploadId"): Operation.LIST_PARTS,
    (Target.OBJECT, "PUT", "uploadId+copy"): Operation.UPLOAD_PART_COPY,
    (Target.OBJECT, "PUT", "copy"): Operation.COPY_OBJECT,
    (Target.OBJECT, "GET", "tagging"): Operation.GET_OBJECT_TAGGING,
    (Target.OBJECT, "PUT", "tagging"): Operation.PUT_OBJECT_TAGGING,
    (Target.OBJECT, "DELETE", "tagging"): Operation.DELETE_OBJECT_TAGGING,
    (Target.BUCKET, "GET", "tagging"): Operation.GET_BUCKET_TAGGING,
    (Target.BUCKET, "PUT", "tagging"): Operation.PUT_BUCKET_TAGGING,
    (Target.BUCKET, "DELETE", "tagging"): Operation.DELETE_BUCKET_TAGGING,
    (Target.BUCKET, "GET", "ownershipControls"): Operation.GET_BUCKET_OWNERSHIP_CONTROLS,
    (Target.BUCKET, "PUT", "ownershipControls"): Operation.PUT_BUCKET_OWNERSHIP_CONTROLS,
    (Target.BUCKET, "DELETE", "ownershipControls"): Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS,
    (Target.BUCKET, "GET", "acl"): Operation.GET_BUCKET_ACL,
    (Target.BUCKET, "PUT", "acl"): Operation.PUT_BUCKET_ACL,
    (Target.OBJECT, "GET", "acl"): Operation.GET_OBJECT_ACL,
    (Target.OBJECT, "PUT", "acl"): Operation.PUT_OBJECT_ACL,
    (Target.BUCKET, "GET", "publicAccessBlock"): Operation.GET_PUBLIC_ACCESS_BLOCK,
    (Target.BUCKET, "PUT", "publicAccessBlock"): Operation.PUT_PUBLIC_ACCESS_BLOCK,
    (Target.BUCKET, "DELETE", "publicAccessBlock"): Operation.DELETE_PUBLIC_ACCESS_BLOCK,
    (Target.BUCKET, "GET", "policy"): Operation.GET_BUCKET_POLICY,
    (Target.BUCKET, "PUT", "policy"): Operation.PUT_BUCKET_POLICY,
    (Target.BUCKET, "DELETE", "policy"): Operation.DELETE_BUCKET_POLICY,
    (Target.BUCKET, "GET", "policyStatus"): Operation.GET_BUCKET_POLICY_STATUS,
    (Target.BUCKET, "GET", "encryption"): Operation.GET_BUCKET_ENCRYPTION,
    (Target.BUCKET, "PUT", "encryption"): Operation.PUT_BUCKET_ENCRYPTION,
    (Target.BUCKET, "DELETE", "encryption"): Operation.DELETE_BUCKET_ENCRYPTION,
    (Target.BUCKET, "GET", "accelerate"): Operation.GET_BUCKET_ACCELERATE_CONFIGURATION,
    (Target.BUCKET, "PUT", "accelerate"): Operation.PUT_BUCKET_ACCELERATE_CONFIGURATION,
    (Target.BUCKET, "GET", "requestPayment"): Operation.GET_BUCKET_REQUEST_PAYMENT,
    (Target.BUCKET, "PUT", "requestPayment"): Operation.PUT_BUCKET_REQUEST_PAYMENT,
    (Target.BUCKET, "GET", "website"): Operation.GET_BUCKET_WEBSITE,
    (Target.BUCKET, "PUT", "website"): Operation.PUT_BUCKET_WEBSITE,
    (Target.BUCKET, "DELETE", "website"): Operation.DELETE_BUCKET_WEBSITE,
    (Target.BUCKET, "GET", "replication"): Operation.GET_BUCKET_REPLICATION,
    (Target.BUCKET, "PUT", "replication"): Operation.PUT_BUCKET_REPLICATION,
    (Target.BUCKET, "DELETE", "replication"): Operation.DELETE_BUCKET_REPLICATION,
    (Target.BUCKET, "GET", "notification"): Operation.GET_BUCKET_NOTIFICATION_CONFIGURATION,
    (Target.BUCKET, "PUT", "notification"): Operation.PUT_BUCKET_NOTIFICATION_CONFIGURATION,
    (Target.BUCKET, "GET", "logging"): Operation.GET_BUCKET_LOGGING,
    (Target.BUCKET, "PUT", "logging"): Operation.PUT_BUCKET_LOGGING,
    (Target.BUCKET, "GET", "object-lock"): Operation.GET_OBJECT_LOCK_CONFIGURATION,
    (Target.BUCKET, "PUT", "object-lock"): Operation.PUT_OBJECT_LOCK_CONFIGURATION,
    (Target.OBJECT, "GET", "retention"): Operation.GET_OBJECT_RETENTION,
    (Target.OBJECT, "PUT", "retention"): Operation.PUT_OBJECT_RETENTION,
    (Target.OBJECT, "GET", "legal-hold"): Operation.GET_OBJECT_LEGAL_HOLD,
    (Target.OBJECT, "PUT", "legal-hold"): Operation.PUT_OBJECT_LEGAL_HOLD,
    # The Id-keyed configurations: one configuration with ``?id``, the list without.
    **{
        key: operation
        for sub, name in ID_KEYED.items()
        for key, operation in (
            ((Target.BUCKET, "GET", f"{sub}+id"), Operation(f"GetBucket{name}Configuration")),
            ((Target.BUCKET, "PUT", f"{sub}+id"), Operation(f"PutBucket{name}Configuration")),
            ((Target.BUCKET, "DELETE", f"{sub}+id"), Operation(f"DeleteBucket{name}Configuration")),
            ((Target.BUCKET, "GET", sub), Operation(f"ListBucket{name}Configurations")),
        )
    },
    (Target.BUCKET, "GET", "lifecycle"): Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION,
    (Target.BUCKET, "PUT", "lifecycle"): Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION,
    (Target.BUCKET, "DELETE", "lifecycle"): Operation.DELETE_BUCKET_LIFECYCLE,
    (Target.BUCKET, "GET", "cors"): Operation.GET_BUCKET_CORS,
    (Target.BUCKET, "PUT", "cors"): Operation.PUT_BUCKET_CORS,
    (Target.BUCKET, "DELETE", "cors"): Operation.DELETE_BUCKET_CORS,
}
# A browser's CORS preflight (OPTIONS) of any bucket or object URL, whatever its subresource.
PREFLIGHT = Operation.PREFLIGHT_REQUEST

# Any request to a bucket's static website endpoint (``{bucket}.s3-website-REGION.amazonaws.com``).
WEBSITE = Operation.WEBSITE_REQUEST

# Every operation some request resolves to (a test holds it equal to ``Operation`` and to the handlers).
OPERATIONS = frozenset({*_TABLE.values(), PREFLIGHT, WEBSITE})

# S3 operations the double does not implement, by AWS's name: they answer 501 NotImplemented, and the
# journal says which one was asked for. Any other subresource is journaled as ``METHOD:subresource``.
_NOT_IMPLEMENTED: dict[tuple[Target, str, str], str] = {
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
    """The operation a request asks for, for the journal (a plain string): never raises (``UNKNOWN``
    when it names none)."""
    try:
        return str(route(target, method, query, headers).operation)
    except errors.S3Error:
        return UNKNOWN
