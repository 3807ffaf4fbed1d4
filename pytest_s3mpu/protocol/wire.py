"""Names that are facts of the S3 protocol: headers, query subresources, XML namespace, payload tokens.

Layer 3 (protocol), imported by the protocol modules and the app. Error codes and messages live in
``errors``; everything else the wire spells exactly is here, once.
"""

from __future__ import annotations

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.checksums import Algorithm

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
XML_CONTENT_TYPE = "application/xml"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"  # the website endpoint's error pages
# The website endpoint's host names: ``{bucket}.`` one of these (AWS writes either form by region);
# the double also answers ``{bucket}.s3-website.localhost`` (``S3App(website_host_suffixes=...)``).
WEBSITE_LOCAL_SUFFIX = "s3-website.localhost"


def website_endpoints(region: str) -> tuple[str, str]:
    """AWS's website endpoint names of a region: ``s3-website-REGION`` and ``s3-website.REGION``."""
    return (f"s3-website-{region}.amazonaws.com", f"s3-website.{region}.amazonaws.com")


JSON_CONTENT_TYPE = "application/json"

# Headers (lower case, as werkzeug's Headers look them up case-insensitively).
REQUEST_ID = "x-amz-request-id"
AMZ_PREFIX = "x-amz-"  # S3's own headers: a presigned URL must sign each one sent
HOST = "host"
HOST_ID = "x-amz-id-2"
CONTENT_MD5 = "Content-MD5"
CONTENT_SHA256 = "x-amz-content-sha256"
DECODED_LENGTH = "x-amz-decoded-content-length"
TRAILER = "x-amz-trailer"
TRAILER_SIGNATURE = "x-amz-trailer-signature"  # the last trailer of a signed aws-chunked body
CHECKSUM_ALGORITHM = "x-amz-checksum-algorithm"
SDK_CHECKSUM_ALGORITHM = "x-amz-sdk-checksum-algorithm"
CHECKSUM_TYPE = "x-amz-checksum-type"
CHECKSUM_MODE = "x-amz-checksum-mode"
MP_OBJECT_SIZE = "x-amz-mp-object-size"
MP_PARTS_COUNT = "x-amz-mp-parts-count"
META_PREFIX = "x-amz-meta-"
# The environ key under which our server hands the app x-amz-meta-* fields whose names hold "_" (a WSGI
# environ cannot carry them apart from "-"): a list of (lower-case name, value).
UNDERSCORED_METADATA_KEY = "s3mpu.underscored_metadata"
STORAGE_CLASS = "x-amz-storage-class"
TAGGING = "x-amz-tagging"
TAGGING_COUNT = "x-amz-tagging-count"
TAGGING_DIRECTIVE = "x-amz-tagging-directive"
OBJECT_OWNERSHIP = "x-amz-object-ownership"
# The account the caller expects to own the bucket (and, on a copy, the source bucket).
EXPECTED_BUCKET_OWNER = "x-amz-expected-bucket-owner"
SOURCE_EXPECTED_BUCKET_OWNER = "x-amz-source-expected-bucket-owner"
WEBSITE_REDIRECT = "x-amz-website-redirect-location"
COPY_SOURCE = errors.COPY_SOURCE_HEADER
COPY_SOURCE_RANGE = errors.COPY_SOURCE_RANGE_HEADER
BUCKET_REGION = "x-amz-bucket-region"
BUCKET_ARN = "x-amz-bucket-arn"
ACCESS_POINT_ALIAS = "x-amz-access-point-alias"
VERSION_ID = "x-amz-version-id"
DELETE_MARKER = "x-amz-delete-marker"
RESTORE = "x-amz-restore"
# Bucket lifecycle: when an incomplete upload is aborted, and by which rule (CreateMultipartUpload,
# UploadPart, ListParts); the PUT/GET lifecycle header of the transition size default.
ABORT_DATE = "x-amz-abort-date"
ABORT_RULE_ID = "x-amz-abort-rule-id"
TRANSITION_MIN_SIZE = "x-amz-transition-default-minimum-object-size"
# When a lifecycle Expiration rule expires the object, and which rule (PutObject, CopyObject,
# CompleteMultipartUpload, GetObject, HeadObject): expiry-date="<HTTP date>", rule-id="<URL-encoded id>".
EXPIRATION = "x-amz-expiration"
COPY_SOURCE_VERSION_ID = "x-amz-copy-source-version-id"
VERSION_ID_PARAMETER = "versionId"  # the query parameter naming one version of an object
# Object Lock: the lock headers are also the ArgumentName of their errors, so they are spelled in errors.
BUCKET_OBJECT_LOCK_ENABLED = "x-amz-bucket-object-lock-enabled"
OBJECT_LOCK_MODE = errors.LOCK_MODE_HEADER
OBJECT_LOCK_RETAIN_UNTIL = errors.LOCK_UNTIL_HEADER
OBJECT_LOCK_LEGAL_HOLD = errors.LOCK_HOLD_HEADER
BYPASS_GOVERNANCE = errors.LOCK_BYPASS_HEADER
# CORS request headers, and the response headers that spell a cors.Verdict (protocol/cors_headers.py).
ORIGIN = "Origin"
CORS_REQUEST_METHOD = "Access-Control-Request-Method"
CORS_REQUEST_HEADERS = "Access-Control-Request-Headers"
CORS_ALLOW_ORIGIN = "Access-Control-Allow-Origin"
CORS_ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
CORS_ALLOW_METHODS = "Access-Control-Allow-Methods"
CORS_ALLOW_HEADERS = "Access-Control-Allow-Headers"
CORS_EXPOSE_HEADERS = "Access-Control-Expose-Headers"
CORS_MAX_AGE = "Access-Control-Max-Age"
VARY = "Vary"
CORS_VARY = f"{ORIGIN}, {CORS_REQUEST_HEADERS}, {CORS_REQUEST_METHOD}"  # S3's Vary on every CORS answer
SDK_REQUEST = "amz-sdk-request"
SDK_INVOCATION_ID = "amz-sdk-invocation-id"
# Server-side encryption; x-amz-server-side-encryption, x-amz-acl, the x-amz-grant-* headers and the
# directory-bucket delete conditions are named in error bodies, so they are written in state/errors.py.
SSE = errors.SSE_HEADER
SSE_KMS_KEY = "x-amz-server-side-encryption-aws-kms-key-id"
SSE_CONTEXT = "x-amz-server-side-encryption-context"
SSE_BUCKET_KEY = "x-amz-server-side-encryption-bucket-key-enabled"
SSE_C_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm"
SSE_C_KEY = "x-amz-server-side-encryption-customer-key"
SSE_C_KEY_MD5 = "x-amz-server-side-encryption-customer-key-MD5"
ACL = errors.ACL_HEADER
GRANT_HEADERS = errors.GRANT_HEADERS
DIRECTORY_BUCKET_DELETE_CONDITIONS = errors.DIRECTORY_BUCKET_DELETE_CONDITIONS

# GetObject's response-* query overrides and the header each one sets.
RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}

# The query parameter carrying a presigned URL's signature (SigV4, SigV2): such a URL may carry
# x-amz-meta-* in its query as well.
PRESIGNED_SIGNATURES = ("X-Amz-Signature", "Signature")

# x-amz-content-sha256 values that are not a hex digest (spec §1.5).
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_ECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
STREAMING_TOKENS = frozenset(
    {
        STREAMING_UNSIGNED_TRAILER,
        STREAMING_SIGNED,
        STREAMING_SIGNED_TRAILER,
        STREAMING_ECDSA,
        STREAMING_ECDSA_TRAILER,
    }
)
AWS_CHUNKED = "aws-chunked"

# Query keys that name a subresource of a bucket or object, i.e. a different operation.
# Anything else in the query (x-id, versionId, response-*, list parameters) is a parameter.
SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "analytics",
        "attributes",
        "cors",
        "delete",
        "encryption",
        "intelligent-tiering",
        "inventory",
        "legal-hold",
        "lifecycle",
        "location",
        "logging",
        "metadataTable",
        "metrics",
        "notification",
        "object-lock",
        "ownershipControls",
        "policy",
        "policyStatus",
        "publicAccessBlock",
        "replication",
        "requestPayment",
        "restore",
        "retention",
        "select",
        "session",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versioning",
        "versions",
        "website",
        "partNumber",
        "renameObject",
    }
)


def checksum_header(algorithm: Algorithm) -> str:
    """``x-amz-checksum-crc32`` and so on (the prefix is in error messages too, so errors.py writes it)."""
    return errors.CHECKSUM_HEADER_PREFIX + algorithm.value.lower()
