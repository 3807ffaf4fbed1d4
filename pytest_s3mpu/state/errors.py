"""S3 errors as exceptions: the one place where S3's error codes, statuses and wire messages live.

Layer 1: imports nothing of the package, nothing of HTTP or XML. Every message is the text real S3
puts on the wire (``S3_MULTIPART_SPEC.md`` §11 and the sources it cites), not the wording of the docs.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import ClassVar

NUMBER_RANGE_MESSAGE = "Part number must be an integer between 1 and 10000, inclusive"
MAX_INT32 = 2147483647
UPLOAD_ID_MARKER_INVALID = "Invalid uploadId marker"

# Header names S3 writes into an error body (ArgumentName, Header): written here once; protocol/wire.py
# refers to these same constants for reading requests and writing responses.
SSE_HEADER = "x-amz-server-side-encryption"
ACL_HEADER = "x-amz-acl"
# x-amz-grant-* header -> permission (a malformed grant names its header as ArgumentName)
GRANT_HEADERS = {
    "x-amz-grant-full-control": "FULL_CONTROL",
    "x-amz-grant-write": "WRITE",
    "x-amz-grant-write-acp": "WRITE_ACP",
    "x-amz-grant-read": "READ",
    "x-amz-grant-read-acp": "READ_ACP",
}
COPY_SOURCE_HEADER = "x-amz-copy-source"
COPY_SOURCE_RANGE_HEADER = "x-amz-copy-source-range"
CHECKSUM_HEADER_PREFIX = "x-amz-checksum-"
# DeleteObject conditions S3 offers only on directory buckets (the 501's Header), in the order checked.
DIRECTORY_BUCKET_DELETE_CONDITIONS = ("x-amz-if-match-last-modified-time", "x-amz-if-match-size")

# Messages of errors raised where the case is found (one constant per wire text, used by every raiser).
ACL_CANNED_AND_GRANTS = "Specifying both Canned ACLs and Header Grants is not allowed"
ATTRIBUTE_NAME_INVALID = "Invalid attribute name specified."
CANONICAL_ID_INVALID = "Invalid id"
CHECKSUM_ALGORITHM_UNSUPPORTED = (
    "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, "
    "CRC32C, CRC64NVME, SHA1, SHA256]"
)
CHECKSUM_HEADERS_MULTIPLE = (
    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
)
CHECKSUM_TYPE_WITHOUT_ALGORITHM = (
    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
)
COMPLETE_WITHOUT_PARTS = "You must specify at least one part"
CONTENT_SHA256_INVALID = (
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a "
    "valid sha256 value."
)
COPY_ONTO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the "
    "object's metadata, storage class, website redirect location or encryption attributes."
)
COPY_RANGE_FORM_INVALID = (
    "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the "
    "zero-based offsets of the first and last bytes to copy"
)
COPY_RANGE_OUTSIDE_SOURCE = "The specified copy range is invalid for the source object size"
COPY_SOURCE_BUCKET_INVALID = "Invalid copy source bucket name"
COPY_SOURCE_ENCODING_INVALID = "Invalid copy source encoding"
COPY_SOURCE_KEY_INVALID = "Invalid copy source object key"
ENCODING_TYPE_INVALID = "Invalid Encoding Method specified in Request"
GRANT_FORMAT_UNRECOGNIZED = "Argument format not recognized"
GROUP_URI_INVALID = "Invalid group uri"
METADATA_DIRECTIVE_UNKNOWN = "Unknown metadata directive."
PART_CHECKSUM_INVALID = "Invalid Base64 or multiple checksums present in request"
PART_NUMBER_BELOW_ONE = "PartNumber must be >= 1"
PART_NUMBER_WITHOUT_UPLOAD_ID = "This operation does not accept partNumber without uploadId"
POLICY_ACTION_INVALID = "Policy has invalid action"
POLICY_JSON_INVALID = "This policy contains invalid Json"
POLICY_MISSING_ACTION = "Missing required field Action"
POLICY_MISSING_EFFECT = "Missing required field Effect"
POLICY_MISSING_PRINCIPAL = "Missing required field Principal"
POLICY_MISSING_RESOURCE = "Missing required field Resource"
POLICY_MISSING_STATEMENT = "Missing required field Statement"
POLICY_PRINCIPAL_INVALID = "Invalid principal in policy"
POLICY_RESOURCE_INVALID = "Policy has invalid resource"
POLICY_STATEMENT_NOT_OBJECT = "Statement is not an object"
POLICY_TOO_LARGE = "Policies cannot exceed 20480 bytes"
POLICY_VERSION_INVALID = "The policy must contain a valid version string"
RANGE_WITH_PART_NUMBER = "Cannot specify both Range header and partNumber query parameter"
SSE_C_KEY_MISMATCH = "The provided encryption parameters did not match the ones used originally."
SSE_C_KEY_REQUIRED = (
    "The object was stored using a form of Server Side Encryption. The correct parameters must be "
    "provided to retrieve the object."
)
SSE_C_NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
TAGGING_DIRECTIVE_UNKNOWN = "Unknown tagging directive."
VERSION_ID_EMPTY = "Version id cannot be the empty string"
VERSION_ID_MARKER_WITHOUT_KEY_MARKER = "A version-id marker cannot be specified without a key marker."
VERSION_ID_NOT_ACCEPTED = "This operation does not accept a version-id."

SSE_C_PART_KEY_MISSING = (
    "The multipart upload initiate requested encryption. Subsequent part requests must include the "
    "appropriate encryption parameters."
)


class S3Error(Exception):
    """An S3 error response: ``code``, HTTP ``status``, wire ``message`` and extra XML elements.

    :param message: overrides the class's default message where S3 words it per case.
    :param fields: the extra elements S3 puts between ``Message`` and ``RequestId``, in order.
    """

    code: ClassVar[str] = "InternalError"
    status: ClassVar[int] = 500
    default_message: ClassVar[str] = "We encountered an internal error. Please try again."
    # The delete marker this error is about (its version id): S3 then adds x-amz-delete-marker and
    # x-amz-version-id to the error response (and Allow: DELETE to a 405).
    delete_marker: str | None = None

    def __init__(self, message: str | None = None, **fields: object) -> None:
        self.message = self.default_message if message is None else message
        self._fields = {name: "" if value is None else str(value) for name, value in fields.items()}
        super().__init__(f"{self.code}: {self.message}")

    def fields(self) -> list[tuple[str, str]]:
        """The extra elements, in the order S3 sends them."""
        return list(self._fields.items())

    def field(self, name: str) -> str | None:
        """One extra element's value, for tests and the journal."""
        return self._fields.get(name)


class InternalError(S3Error):
    code = "InternalError"
    status = 500


class NoSuchBucket(S3Error):
    code = "NoSuchBucket"
    status = 404
    default_message = "The specified bucket does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class NoSuchKey(S3Error):
    code = "NoSuchKey"
    status = 404
    default_message = "The specified key does not exist."

    def __init__(self, key: str, delete_marker: str | None = None) -> None:
        super().__init__(Key=key)
        self.delete_marker = delete_marker


class NoSuchVersion(S3Error):
    code = "NoSuchVersion"
    status = 404
    default_message = "The specified version does not exist."

    def __init__(self, key: str, version_id: str) -> None:
        super().__init__(Key=key, VersionId=version_id)


class IllegalVersioningConfigurationException(S3Error):
    code = "IllegalVersioningConfigurationException"
    status = 400
    default_message = "The Versioning element must be specified"


def invalid_version_id(value: str, name: str = "versionId") -> InvalidArgument:
    """A version id S3 cannot read: any but ``null`` on a bucket never versioned (recorded)."""
    return InvalidArgument(INVALID_VERSION_ID, name, value)


def delete_marker_not_allowed(method: str, version_id: str) -> MethodNotAllowed:
    """GET/HEAD of a delete marker by its version id: 405 naming the method and ``DeleteMarker``."""
    error = MethodNotAllowed(method, "DeleteMarker")
    error.delete_marker = version_id
    return error


def copy_of_delete_marker() -> InvalidRequest:
    """A copy source naming a delete marker by its version id."""
    return InvalidRequest(
        "The source of a copy request may not specifically refer to a delete marker by version id."
    )


class NoSuchUpload(S3Error):
    code = "NoSuchUpload"
    status = 404
    default_message = (
        "The specified upload does not exist. The upload ID may be invalid, "
        "or the upload may have been aborted or completed."
    )

    def __init__(self, upload_id: str) -> None:
        super().__init__(UploadId=upload_id)


class InvalidPart(S3Error):
    code = "InvalidPart"
    status = 400
    # Two spaces after "found." are on the wire (spec §5.1 step 9a).
    default_message = (
        "One or more of the specified parts could not be found.  The part may not have been uploaded, "
        "or the specified entity tag may not match the part's entity tag."
    )

    def __init__(self, upload_id: str, part_number: str, etag: str) -> None:
        super().__init__(UploadId=upload_id, PartNumber=part_number, ETag=etag)


class InvalidPartOrder(S3Error):
    code = "InvalidPartOrder"
    status = 400
    default_message = "The list of parts was not in ascending order. Parts must be ordered by part number."

    def __init__(self, upload_id: str) -> None:
        super().__init__(UploadId=upload_id)


class EntityTooSmall(S3Error):
    code = "EntityTooSmall"
    status = 400
    default_message = "Your proposed upload is smaller than the minimum allowed size"

    def __init__(self, proposed_size: int, min_size: int, part_number: int, etag: str) -> None:
        super().__init__(
            ProposedSize=proposed_size, MinSizeAllowed=min_size, PartNumber=part_number, ETag=etag
        )


class EntityTooLarge(S3Error):
    code = "EntityTooLarge"
    status = 400
    default_message = "Your proposed upload exceeds the maximum allowed size"

    def __init__(self, proposed_size: int, max_size: int) -> None:
        super().__init__(ProposedSize=proposed_size, MaxSizeAllowed=max_size)


class MalformedXML(S3Error):
    code = "MalformedXML"
    status = 400
    default_message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class InvalidRequest(S3Error):
    code = "InvalidRequest"
    status = 400
    default_message = "Invalid Request"


class InvalidArgument(S3Error):
    code = "InvalidArgument"
    status = 400
    default_message = "Invalid Argument"

    def __init__(self, message: str, name: str, value: str | None) -> None:
        super().__init__(message, ArgumentName=name, ArgumentValue=value)


class InvalidArgumentName(InvalidArgument):
    """InvalidArgument naming the argument but not its value (S3 leaves ArgumentValue out for some)."""

    def __init__(self, message: str, name: str) -> None:
        S3Error.__init__(self, message, ArgumentName=name)


def invalid_bucket_region(region: str) -> InvalidArgumentName:
    """ListBuckets' bucket-region naming no AWS Region [LS-AWS: test_list_buckets_region_validation,
    recorded 2026-02-21]."""
    return InvalidArgumentName(f"Argument value {region} is not a valid AWS Region", "bucket-region")


def max_buckets_out_of_range(raw: str, largest: int) -> InvalidArgument:
    """ListBuckets' max-buckets outside 1..10000 (the API reference's valid range; no recording shows
    the message, which follows S3's other ``Argument ... must be an integer between`` messages)."""
    return InvalidArgument(
        f"Argument max-buckets must be an integer between 1 and {largest}", "max-buckets", raw
    )


class InvalidPartNumber(S3Error):
    code = "InvalidPartNumber"
    status = 416
    default_message = "The requested partnumber is not satisfiable"

    def __init__(self, requested: int, actual: int) -> None:
        super().__init__(PartNumberRequested=requested, ActualPartCount=actual)


class InvalidDigest(S3Error):
    code = "InvalidDigest"
    status = 400
    default_message = "The Content-MD5 you specified was invalid."

    def __init__(self, content_md5: str) -> None:
        super().__init__(**{"Content-MD5": content_md5})


class BadDigest(S3Error):
    code = "BadDigest"
    status = 400
    default_message = "The Content-MD5 you specified did not match what we received."


class XAmzContentSHA256Mismatch(S3Error):
    code = "XAmzContentSHA256Mismatch"
    status = 400
    default_message = "The provided 'x-amz-content-sha256' header does not match what was computed."

    def __init__(self, client: str, computed: str) -> None:
        super().__init__(ClientComputedContentSHA256=client, S3ComputedContentSHA256=computed)


class IncompleteBody(S3Error):
    code = "IncompleteBody"
    status = 400
    default_message = "You did not provide the number of bytes specified by the Content-Length HTTP header"


class MalformedTrailerError(S3Error):
    code = "MalformedTrailerError"
    status = 400
    default_message = (
        "The request contained trailing data that was not well-formed or did not conform to our "
        "published schema."
    )


class MissingContentLength(S3Error):
    code = "MissingContentLength"
    status = 411
    default_message = "You must provide the Content-Length HTTP header."


class Condition(str, Enum):
    """The header a 412 PreconditionFailed, a 409 ConditionalRequestConflict or a 501 names (its
    Condition / Header element), spelt as S3 spells it there."""

    IF_MATCH = "If-Match"
    IF_NONE_MATCH = "If-None-Match"
    IF_MODIFIED_SINCE = "If-Modified-Since"
    IF_UNMODIFIED_SINCE = "If-Unmodified-Since"
    BOTH_MATCHES = "If-Match,If-None-Match"
    COPY_SOURCE_IF_MATCH = "x-amz-copy-source-If-Match"
    COPY_SOURCE_IF_NONE_MATCH = "x-amz-copy-source-If-None-Match"
    COPY_SOURCE_IF_MODIFIED_SINCE = "x-amz-copy-source-If-Modified-Since"
    COPY_SOURCE_IF_UNMODIFIED_SINCE = "x-amz-copy-source-If-Unmodified-Since"
    # A browser POST that is not a form: S3 names the rule, not a header, in the Condition element.
    POST_ENCLOSURE = "Bucket POST must be of the enclosure-type multipart/form-data"


class PreconditionFailed(S3Error):
    code = "PreconditionFailed"
    status = 412
    default_message = "At least one of the pre-conditions you specified did not hold"

    def __init__(self, condition: Condition) -> None:
        super().__init__(Condition=condition.value)


RESTORE_NOT_ALLOWED = "Restore is not allowed for the object's current storage class"


class InvalidStorageClass(S3Error):
    """A storage class a general purpose bucket does not take: an unknown name or OUTPOSTS, on PutObject,
    CreateMultipartUpload and a POST form [LS-AWS: test_put_object_storage_class_outposts, recorded
    2026-02-21; test_post_object_with_storage_class, recorded 2026-02-21]."""

    code = "InvalidStorageClass"
    status = 400
    default_message = "The storage class you specified is not valid"

    def __init__(self, requested: str) -> None:
        super().__init__(StorageClassRequested=requested)


class InvalidObjectState(S3Error):
    """GetObject of an archived object not restored: 403 naming its storage class [LS-AWS:
    test_put_object_storage_class[GLACIER-False], recorded 2026-02-21]; RestoreObject of an object
    that is not archived (RESTORE_NOT_ALLOWED, API reference RestoreObject)."""

    code = "InvalidObjectState"
    status = 403
    default_message = "The operation is not valid for the object's storage class"

    def __init__(self, storage_class: str, message: str | None = None) -> None:
        if message is None:
            super().__init__(StorageClass=storage_class)
        else:
            super().__init__(message)


class RestoreAlreadyInProgress(S3Error):
    """RestoreObject while the object's restore is still running (API reference, Error Responses)."""

    code = "RestoreAlreadyInProgress"
    status = 409
    default_message = "Object restore is already in progress"


class InvalidRange(S3Error):
    code = "InvalidRange"
    status = 416
    default_message = "The requested range is not satisfiable"

    def __init__(self, requested: str, size: int) -> None:
        super().__init__(RangeRequested=requested, ActualObjectSize=size)


class NotImplementedByS3(S3Error):
    """S3's ``NotImplemented`` (named so as not to shadow Python's ``NotImplemented``)."""

    code = "NotImplemented"
    status = 501
    default_message = "A header you provided implies functionality that is not implemented"


class MethodNotAllowed(S3Error):
    code = "MethodNotAllowed"
    status = 405
    default_message = "The specified method is not allowed against this resource."

    def __init__(self, method: str, resource_type: str) -> None:
        super().__init__(Method=method, ResourceType=resource_type)


class BucketNotEmpty(S3Error):
    code = "BucketNotEmpty"
    status = 409
    default_message = "The bucket you tried to delete is not empty"

    def __init__(self, bucket: str, versioned: bool = False) -> None:
        message = (
            f"{self.default_message}. You must delete all versions in the bucket." if versioned else None
        )
        super().__init__(message, BucketName=bucket)


class BucketAlreadyOwnedByYou(S3Error):
    code = "BucketAlreadyOwnedByYou"
    status = 409
    default_message = "Your previous request to create the named bucket succeeded and you already own it."

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class InvalidBucketName(S3Error):
    code = "InvalidBucketName"
    status = 400
    default_message = "The specified bucket is not valid."

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class KeyTooLongError(S3Error):
    code = "KeyTooLongError"
    status = 400
    default_message = "Your key is too long"

    def __init__(self, size: int, max_size: int) -> None:
        super().__init__(MaxSizeAllowed=max_size, Size=size)


class InvalidURI(S3Error):
    code = "InvalidURI"
    status = 400
    default_message = "Couldn't parse the specified URI."

    def __init__(self, uri: str) -> None:
        super().__init__(URI=uri)


class SlowDown(S3Error):
    code = "SlowDown"
    status = 503
    default_message = "Please reduce your request rate."


class ServiceUnavailable(S3Error):
    code = "ServiceUnavailable"
    status = 503
    default_message = "Please reduce your request rate."


class RequestTimeout(S3Error):
    code = "RequestTimeout"
    status = 400
    default_message = (
        "Your socket connection to the server was not read from or written to within the timeout "
        "period. Idle connections will be closed."
    )


class RequestHeaderSectionTooLarge(S3Error):
    """A request head whose header fields exceed ``max_size`` bytes: 400, with MaxSizeAllowed 8192 from
    S3 (answers quoted in versity/versitygw#2180 and readthedocs/readthedocs.org#12030)."""

    code = "RequestHeaderSectionTooLarge"
    status = 400
    default_message = "Your request header section exceeds the maximum allowed size."

    def __init__(self, max_size: int) -> None:
        super().__init__(MaxSizeAllowed=max_size)


class HostNotAllowed(S3Error):
    """A Host header naming no allowed host (a DNS-rebinding page, or a proxy the server was not told
    about): refused before anything is read or changed. Our own refusal, S3-shaped; the message names
    the setting that allows the name."""

    code = "InvalidArgument"
    status = 400
    default_message = (
        "The Host header names a host this server does not answer for; add it to the allowed_hosts "
        "setting (--s3mpu-allowed-hosts, PYTEST_S3MPU_ALLOWED_HOSTS, ini s3mpu_allowed_hosts; "
        "s3mpu --allowed-hosts; '*' allows any)."
    )

    def __init__(self, host: str) -> None:
        super().__init__(ArgumentName="Host", ArgumentValue=host)


class BadRequest(S3Error):
    """What S3 answers a request it cannot even parse as HTTP."""

    code = "BadRequest"
    status = 400
    default_message = "An error occurred when parsing the HTTP request."


class CustomError(S3Error):
    """Any code/status/message, for fault injection of errors this module does not model."""

    def __init__(self, status: int, code: str, message: str, **fields: object) -> None:
        super().__init__(message, **fields)
        self.code = code  # type: ignore[misc]
        self.status = status  # type: ignore[misc]


def invalid_part_number(raw: str | None) -> InvalidArgument:
    """The error for a part number outside 1..10000 (UploadPart, UploadPartCopy, GET ?partNumber)."""
    return InvalidArgument(NUMBER_RANGE_MESSAGE, "partNumber", raw)


def checksum_header_invalid(algorithm: str) -> InvalidRequest:
    return InvalidRequest(f"Value for {CHECKSUM_HEADER_PREFIX}{algorithm.lower()} header is invalid.")


def sdk_checksum_unmatched() -> InvalidRequest:
    """x-amz-sdk-checksum-algorithm with no checksum header or trailer to go with it."""
    return InvalidRequest(
        "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer "
        "headers were found."
    )


def sdk_checksum_invalid() -> InvalidRequest:
    """x-amz-sdk-checksum-algorithm naming another algorithm than the checksum sent (or none S3 knows)."""
    return InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.")


def checksum_mismatch(algorithm: str) -> BadDigest:
    return BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")


class InvalidLocationConstraint(S3Error):
    code = "InvalidLocationConstraint"
    status = 400
    default_message = "The specified location-constraint is not valid"

    def __init__(self, constraint: str) -> None:
        super().__init__(LocationConstraint=constraint)


class IllegalLocationConstraintException(S3Error):
    code = "IllegalLocationConstraintException"
    status = 400
    default_message = (
        "The unspecified location constraint is incompatible for the region specific endpoint "
        "this request was sent to."
    )


class InvalidContinuationToken(S3Error):
    """S3 answers a continuation token it did not issue with InvalidArgument."""

    code = "InvalidArgument"
    status = 400
    default_message = "The continuation token provided is incorrect"

    def __init__(self) -> None:
        super().__init__(ArgumentName="continuation-token")


def missing_digest() -> InvalidRequest:
    """DeleteObjects needs Content-MD5 or an x-amz-checksum-* header."""
    return InvalidRequest("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")


class ConditionalRequestConflict(S3Error):
    code = "ConditionalRequestConflict"
    status = 409
    default_message = (
        "The conditional request cannot succeed due to a conflicting operation against this resource."
    )

    def __init__(self, condition: Condition, key: str) -> None:
        super().__init__(Condition=condition.value, Key=key)


def not_implemented_header(header: Condition, additional: str) -> NotImplementedByS3:
    """501 for a conditional header S3 does not support in that form (spec §5.3)."""
    return NotImplementedByS3(Header=header.value, additionalMessage=additional)


CONDITIONS_BOTH = "Multiple conditional request headers present in the request"


def condition_value_refused(header: Condition) -> NotImplementedByS3:
    """501 for ``If-None-Match`` other than ``*`` or ``If-Match: *`` on a write (spec §5.3)."""
    return not_implemented_header(
        header, f"We don't accept the provided value of {header.value} header for this API"
    )


class BytesNotKept(S3Error):
    """The ``sizes`` storage mode keeps sizes, ETags and checksums, never bytes: reading them is refused
    in S3's terms (501, as for any functionality the endpoint does not offer), saying why."""

    code = "NotImplemented"
    status = 501
    default_message = (
        "pytest-s3mpu is running with storage=sizes: it kept the size, ETag and checksums of this "
        "object but not its bytes, so it cannot return or copy them."
    )


# -- tagging (docs/features/tagging.md) ------------------------------------------------------------

TAGGING_HEADER_MESSAGE = (
    "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without "
    "tag name duplicates."
)
INVALID_VERSION_ID = "Invalid version id specified"
TAG_DUPLICATE = "Cannot provide multiple Tags with the same key"
TAG_KEY_INVALID = "The TagKey you have provided is invalid"
TAG_VALUE_INVALID = "The TagValue you have provided is invalid"
TAG_KEY_TOO_LONG = "The TagKey you have provided is too long, max 128"
TAG_VALUE_TOO_LONG = "The TagValue you have provided is too long, max 256"
OBJECT_TAG_SYSTEM = "Your TagKey cannot be prefixed with aws:"
BUCKET_TAG_SYSTEM = "System tags cannot be added/updated by requester"
CREATE_BUCKET_TAG_SYSTEM = (
    'User-defined tag keys can\'t start with "aws:". This prefix is reserved for system tags. Remove "aws:" '
    "from your tag keys and try again."
)
OBJECT_TAG_COUNT = "Object tags cannot be greater than 10"
BUCKET_TAG_COUNT = "Bucket tag count cannot be greater than 50"


class InvalidTag(S3Error):
    code = "InvalidTag"
    status = 400
    default_message = TAG_KEY_INVALID


class NoSuchTagSet(S3Error):
    code = "NoSuchTagSet"
    status = 404
    default_message = "The TagSet does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


# -- ownership, ACLs, public access block (docs/features/ownership-acl.md) -------------------------


class AccessControlListNotSupported(S3Error):
    code = "AccessControlListNotSupported"
    status = 400
    default_message = "The bucket does not allow ACLs"


class InvalidBucketOwnerAWSAccountID(S3Error):
    """``x-amz-expected-bucket-owner`` that is not twelve digits; S3 quotes it in brackets [LS-AWS:
    test_get_bucket_policy_invalid_account_id, recorded 2026-02-21]."""

    code = "InvalidBucketOwnerAWSAccountID"
    status = 400

    def __init__(self, value: str) -> None:
        super().__init__(
            f"The value of the expected bucket owner parameter must be an AWS Account ID... [{value}]"
        )


class InvalidBucketAclWithObjectOwnership(S3Error):
    code = "InvalidBucketAclWithObjectOwnership"
    status = 400
    default_message = "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"


class InvalidBucketAclWithBlockPublicAccessError(S3Error):
    code = "InvalidBucketAclWithBlockPublicAccessError"
    status = 400
    default_message = "Bucket cannot have public ACLs set with BlockPublicAccess enabled"


class AccessDenied(S3Error):
    code = "AccessDenied"
    status = 403
    default_message = "Access Denied"


class OwnershipControlsNotFoundError(S3Error):
    code = "OwnershipControlsNotFoundError"
    status = 404
    default_message = "The bucket ownership controls were not found"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class NoSuchPublicAccessBlockConfiguration(S3Error):
    code = "NoSuchPublicAccessBlockConfiguration"
    status = 404
    default_message = "The public access block configuration was not found"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class MalformedACLError(S3Error):
    code = "MalformedACLError"
    status = 400
    default_message = (
        "The XML you provided was not well-formed or did not validate against our published schema"
    )


class MissingSecurityHeader(S3Error):
    code = "MissingSecurityHeader"
    status = 400
    default_message = "Your request was missing a required header"

    def __init__(self, header: str) -> None:
        super().__init__(MissingHeaderName=header)


class UnexpectedContent(S3Error):
    code = "UnexpectedContent"
    status = 400
    default_message = "This request does not support content"


class UnresolvableGrantByEmailAddress(S3Error):
    code = "UnresolvableGrantByEmailAddress"
    status = 400
    default_message = "The e-mail address you provided does not match any account on record."

    def __init__(self, email: str) -> None:
        super().__init__(EmailAddressProvided=email)


class InvalidObjectOwnership(S3Error):
    """CreateBucket's ``x-amz-object-ownership`` with a value S3 does not know: InvalidArgument naming the
    header, without ArgumentValue (LS-AWS test_bucket_ownership_controls_exc)."""

    code = "InvalidArgument"
    status = 400

    def __init__(self, value: str) -> None:
        super().__init__(
            f"Invalid x-amz-object-ownership header: {value}", ArgumentName="x-amz-object-ownership"
        )


# -- bucket policy (docs/features/bucket-policy.md) ------------------------------------------------


class NoSuchBucketPolicy(S3Error):
    code = "NoSuchBucketPolicy"
    status = 404
    default_message = "The bucket policy does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class MalformedPolicy(S3Error):
    code = "MalformedPolicy"
    status = 400
    default_message = "Policies must be valid JSON and the first byte must be '{'"


# -- default encryption, accelerate (docs/features/bucket-config.md) ------------------------------

# [LS-AWS: test_s3_default_bucket_encryption_exc, recorded 2026-02-21]
KMS_KEY_NOT_APPLICABLE = (
    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"
)
# [LS-AWS: test_bucket_acceleration_configuration_exc, recorded 2026-02-21]
ACCELERATE_DOTS = "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"


# -- website (docs/features/bucket-config.md) [LS-AWS s3: test_validate_website_configuration,
# test_crud_website_configuration, recorded 2026-02-21] --------------------------------------------

WEBSITE_SUFFIX = "The IndexDocument Suffix is not well formed"
WEBSITE_REDIRECT_ALONE = "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules."
WEBSITE_INDEX_REQUIRED = "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty"
WEBSITE_PROTOCOL = (
    "Invalid protocol, protocol can be http or https. "
    "If not defined the protocol will be selected automatically."
)
WEBSITE_REPLACE_BOTH = "You can only define ReplaceKeyPrefix or ReplaceKey but not both."
WEBSITE_EMPTY_CONDITION = (
    "Condition cannot be empty. To redirect all requests without a condition, the condition element "
    "shouldn't be present."
)

# The website endpoint's error page, when the bucket's ErrorDocument could not be served either
# [LS-AWS s3: test_website_hosting_404, recorded 2026-02-21].
WEBSITE_ERROR_DOCUMENT_FAILED = "An Error Occurred While Attempting to Retrieve a Custom Error Document"


class NoSuchWebsiteConfiguration(S3Error):
    code = "NoSuchWebsiteConfiguration"
    status = 404
    default_message = "The specified bucket does not have a website configuration"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


# -- replication (state/replication.py) [LS-AWS s3: test_replication_config,
# test_replication_config_without_filter, recorded 2026-02-21] ---------------------------------------

REPLICATION_SOURCE_VERSIONING = (
    "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
)
REPLICATION_DESTINATION_VERSIONING = "Destination bucket must have versioning enabled."


class ReplicationConfigurationNotFoundError(S3Error):
    code = "ReplicationConfigurationNotFoundError"
    status = 404
    default_message = "The replication configuration was not found"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


# -- CORS (state/cors.py) [LS-AWS cors: test_put_cors_invalid_rules, test_cors_http_options_no_config,
# test_cors_match_origins, test_get_cors, recorded 2023-07-31; versitygw's record of S3 for wildcards] ----

CORS_UNSUPPORTED_METHOD = "Found unsupported HTTP method in CORS config. Unsupported method is "
CORS_ORIGIN_NEEDED = "Insufficient information. Origin request header needed."
CORS_BUCKET_NOT_FOUND = "CORSResponse: Bucket not found"
CORS_NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
# S3's own spelling ("evalution"), as recorded.
CORS_NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
    "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
    "whitelisted by the resource's CORS spec."
)


def cors_wildcards(element: str, value: str) -> str:
    return f'{element} "{value}" can not have more than one wildcard.'


class NoSuchCORSConfiguration(S3Error):
    code = "NoSuchCORSConfiguration"
    status = 404
    default_message = "The CORS configuration does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class AccessForbidden(S3Error):
    """A preflight S3 refuses: ``Method`` is the Access-Control-Request-Method (OPTIONS without one),
    ``ResourceType`` OBJECT or BUCKET."""

    code = "AccessForbidden"
    status = 403

    def __init__(self, message: str, method: str, resource_type: str) -> None:
        super().__init__(message, Method=method, ResourceType=resource_type)


# -- browser-based POST uploads (state/post_policy.py) [LS-AWS s3: TestS3PresignedPost, recorded
# 2026-02-21: policy expired, condition failed, simple condition, the size range, enclosure type, missing
# fields]; the other InvalidPolicyDocument details follow the same "Invalid Policy: " form -------------

POST_CONDITION_FAILED = "Invalid according to Policy: Policy Condition failed: "
POST_POLICY_EXPIRED = "Invalid according to Policy: Policy expired."
POST_EXTRA_FIELDS = "Invalid according to Policy: Extra input fields: "
POST_INVALID_POLICY = "Invalid Policy: "
POST_SIMPLE_CONDITION = (
    "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
)
POST_CONDITION_SHAPE = "Invalid Condition: conditions must be a list of three elements or an object."
POST_INVALID_JSON = "Invalid JSON."
POST_ONE_FILE = "POST requires exactly one file upload per request."
POST_MALFORMED = "The body of your POST request is not well-formed multipart/form-data."


def header_not_latin1(name: str, value: str) -> InvalidArgument:
    """A GetObject response-* override that no HTTP header can carry [LS-AWS:
    test_get_response_overrides_unicode_metadata_with_sig_s3, recorded 2026-02-21]."""
    return InvalidArgument("Header value cannot be represented using ISO-8859-1.", name, value)


def post_missing_field(name: str) -> InvalidArgument:
    """A form without a field S3 needs (``key``, the signature's): two spaces after the first
    sentence, as recorded."""
    return InvalidArgument(
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order "
        "of the fields.",
        name,
        None,
    )


class InvalidPolicyDocument(S3Error):
    code = "InvalidPolicyDocument"
    status = 400
    default_message = "The content of the form does not meet the conditions specified in the policy document."


class MalformedPOSTRequest(S3Error):
    code = "MalformedPOSTRequest"
    status = 400
    default_message = POST_MALFORMED


class MaxPostPreDataLengthExceededError(S3Error):
    code = "MaxPostPreDataLengthExceededError"
    status = 400
    default_message = "Your POST request fields preceding the upload file were too large."


class PostEntityTooSmall(EntityTooSmall):
    """A file below the policy's content-length-range: ProposedSize and MinSizeAllowed only."""

    def __init__(self, proposed_size: int, min_size: int) -> None:
        S3Error.__init__(self, ProposedSize=proposed_size, MinSizeAllowed=min_size)


# -- notification configuration (docs/features/bucket-config.md) [LS-AWS sqs: test_invalid_sqs_arn,
# recorded 2025-01-21; LS-AWS: test_bucket_notification_with_invalid_filter_rules, 2026-02-21] --------

ARN_NOT_PARSED = "The ARN could not be parsed"
FILTER_RULE_NAME = "filter rule name must be either prefix or suffix"


# -- logging (docs/features/bucket-config.md) [LS-AWS s3: test_put_bucket_logging_wrong_target,
# test_put_bucket_logging_cross_locations, recorded 2026-02-21] -------------------------------------


class InvalidTargetBucketForLogging(S3Error):
    code = "InvalidTargetBucketForLogging"
    status = 400
    default_message = "The target bucket for logging does not exist"

    def __init__(self, target: str) -> None:
        super().__init__(TargetBucket=target)


class CrossLocationLoggingProhibitted(S3Error):
    """S3's own spelling of the code (two t's), as recorded."""

    code = "CrossLocationLoggingProhibitted"
    status = 403
    default_message = "Cross S3 location logging not allowed. "

    def __init__(self, source_region: str | None, target_region: str) -> None:
        if source_region is None:
            super().__init__(TargetBucketLocation=target_region)
        else:
            super().__init__(SourceBucketLocation=source_region, TargetBucketLocation=target_region)


class NoSuchConfiguration(S3Error):
    """An Id-keyed configuration (metrics) that is not there [LS-AWS:
    test_get_bucket_metrics_configuration_not_exist, recorded 2026-02-21]: no extra elements."""

    code = "NoSuchConfiguration"
    status = 404
    default_message = "The specified configuration does not exist."


# -- Object Lock (docs/features/object-lock.md) [LS-AWS: TestS3ObjectLock, TestS3ObjectLockRetention,
# TestS3ObjectLockLegalHold, recorded 2026-02-21] ---------------------------------------------------

# The x-amz-object-lock-* headers as the errors name them (ArgumentName); wire.py reads them from here.
LOCK_MODE_HEADER = "x-amz-object-lock-mode"
LOCK_UNTIL_HEADER = "x-amz-object-lock-retain-until-date"
LOCK_HOLD_HEADER = "x-amz-object-lock-legal-hold"
LOCK_BYPASS_HEADER = "x-amz-bypass-governance-retention"

LOCK_PROTECTED = "Access Denied because object protected by object lock."
LOCK_MISSING_CONFIGURATION = "Bucket is missing Object Lock Configuration"
LOCK_NEEDS_VERSIONING = "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
LOCK_VERSIONING_FIXED = (
    "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."
)
LOCK_BOTH_HEADERS = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
LOCK_UNKNOWN_MODE = "Unknown wormMode directive."
LOCK_DATE_PAST = "The retain until date must be in the future!"
LOCK_BYPASS_NOT_APPLICABLE = (
    "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets."
)
# Not in a recording; the words AWS answers, as quoted by third parties (versity/versitygw#1535, #1733,
# #1736; aws/aws-sdk-php#1694 for the digest one).
LOCK_DATE_FORMAT = "The retain until date must be provided in ISO 8601 format"
LOCK_HOLD_VALUE = "Legal Hold must be either of 'ON' or 'OFF'"
LOCK_PERIOD_NOT_POSITIVE = "Default retention period must be a positive integer value."
LOCK_PERIOD_TOO_LARGE = "Default retention period too large."
LOCK_DIGEST_REQUIRED = (
    "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock "
    "parameters"
)
# UploadPart's version, quoted in s3tools/s3cmd#1436.
LOCK_PART_DIGEST_REQUIRED = (
    "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters"
)


def java_date(moment: dt.datetime) -> str:
    """A date as S3 names it in a retention's ArgumentValue: Java's ``Date.toString`` in US Pacific time
    (recorded: ``Tue Dec 31 16:00:00 PST 2019`` for 2020-01-01T00:00:00Z)."""
    utc = moment.astimezone(dt.timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        local = utc.astimezone(ZoneInfo("America/Los_Angeles"))
    except Exception:  # no time zone database here: UTC, named as Java names it
        return utc.strftime("%a %b %d %H:%M:%S UTC %Y")
    return local.strftime("%a %b %d %H:%M:%S %Z %Y")


class InvalidBucketState(S3Error):
    code = "InvalidBucketState"
    status = 409
    default_message = "The request is not valid with the current state of the bucket."


class ObjectLockConfigurationNotFoundError(S3Error):
    code = "ObjectLockConfigurationNotFoundError"
    status = 404
    default_message = "Object Lock configuration does not exist for this bucket"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


class NoSuchObjectLockConfiguration(S3Error):
    code = "NoSuchObjectLockConfiguration"
    status = 404
    default_message = "The specified object does not have a ObjectLock configuration"


# -- Id-keyed bucket configurations: inventory [LS-AWS: test_s3_put_inventory_report_exceptions,
# recorded 2026-02-21] ------------------------------------------------------------------------------


class IdMismatch(S3Error):
    code = "IdMismatch"
    status = 400
    default_message = "Document ID does not match the specified configuration ID."


class InvalidS3DestinationBucket(S3Error):
    code = "InvalidS3DestinationBucket"
    status = 400
    default_message = "Invalid bucket ARN."


# -- request authentication (SigV4): S3_AUTH_SPEC.md §10 -----------------------------------------

MAX_SKEW_MS = 900_000  # 15 minutes either way (S3-HDR; RequestTimeTooSkewed's MaxAllowedSkewMilliseconds)


def spaced_hex(text: str) -> str:
    """UTF-8 bytes as lowercase two-digit hex separated by single spaces: how S3 spells
    ``StringToSignBytes`` and ``CanonicalRequestBytes`` (GH minio/minio#2696; s3tools/s3cmd#1053)."""
    return " ".join(f"{byte:02x}" for byte in text.encode("utf-8"))


class SignatureDoesNotMatch(S3Error):
    code = "SignatureDoesNotMatch"
    status = 403
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method."
    )

    def __init__(
        self, access_key: str, string_to_sign: str, provided: str, canonical_request: str | None = None
    ) -> None:
        fields: dict[str, object] = {
            "AWSAccessKeyId": access_key,
            "StringToSign": string_to_sign,
            "SignatureProvided": provided,
            "StringToSignBytes": spaced_hex(string_to_sign),
        }
        if canonical_request is not None:  # a chunk or trailer signature has no canonical request
            fields["CanonicalRequest"] = canonical_request
            fields["CanonicalRequestBytes"] = spaced_hex(canonical_request)
        super().__init__(None, **fields)


class InvalidAccessKeyId(S3Error):
    code = "InvalidAccessKeyId"
    status = 403
    default_message = "The AWS Access Key Id you provided does not exist in our records."

    def __init__(self, access_key: str) -> None:
        super().__init__(AWSAccessKeyId=access_key)


class AuthorizationHeaderMalformed(S3Error):
    code = "AuthorizationHeaderMalformed"
    status = 400
    default_message = "The authorization header is malformed."

    def __init__(self, reason: str, **fields: object) -> None:
        super().__init__(f"The authorization header is malformed; {reason}", **fields)


def wrong_region(sent: str, expected: str) -> AuthorizationHeaderMalformed:
    """A credential scope naming another region: AWS adds the region it expected (recorded,
    LS test_create_bucket_aws_global)."""
    return AuthorizationHeaderMalformed(
        f"the region '{sent}' is wrong; expecting '{expected}'", Region=expected
    )


class AuthorizationQueryParametersError(S3Error):
    code = "AuthorizationQueryParametersError"
    status = 400
    default_message = (
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
    )


CREDENTIAL_FORM = 'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'


def credential_malformed() -> AuthorizationQueryParametersError:
    """LS test_presigned_double_encoded_credentials (recorded)."""
    return AuthorizationQueryParametersError(
        f"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; {CREDENTIAL_FORM}"
    )


class RequestTimeTooSkewed(S3Error):
    code = "RequestTimeTooSkewed"
    status = 403
    default_message = "The difference between the request time and the current time is too large."

    def __init__(self, request_time: str, server_time: str, max_ms: int = MAX_SKEW_MS) -> None:
        super().__init__(RequestTime=request_time, ServerTime=server_time, MaxAllowedSkewMilliseconds=max_ms)


class InvalidToken(S3Error):
    code = "InvalidToken"
    status = 400
    default_message = "The provided token is malformed or otherwise invalid."


class ExpiredToken(S3Error):
    code = "ExpiredToken"
    status = 400
    default_message = "The provided token has expired."

    def __init__(self, token: str) -> None:
        super().__init__(**{"Token-0": token})


def request_expired(expires_s: str, expires: str, server_time: str) -> AccessDenied:
    """A presigned URL used after X-Amz-Date + X-Amz-Expires (GH aws/aws-sdk-php#1333; LS
    test_s3_presigned_url_expired[s3v4], recorded)."""
    return AccessDenied(
        "Request has expired", **{"X-Amz-Expires": expires_s, "Expires": expires, "ServerTime": server_time}
    )


def request_not_yet_valid(amz_date: str, expires: str, server_time: str) -> AccessDenied:
    """A presigned URL dated in the future (GH minio/minio#2638, an AWS capture)."""
    return AccessDenied(
        "Request is not yet valid", **{"X-Amz-Date": amz_date, "Expires": expires, "ServerTime": server_time}
    )


def headers_not_signed(names: list[str]) -> AccessDenied:
    """x-amz-* headers sent beside a presigned URL that did not sign them (LS
    test_put_object_with_md5_and_chunk_signature_bad_headers, recorded)."""
    return AccessDenied(
        "There were headers present in the request which were not signed", HeadersNotSigned=", ".join(names)
    )


def missing_date() -> AccessDenied:
    return AccessDenied("AWS authentication requires a valid Date or x-amz-date header")


def sigv2_query_incomplete() -> AccessDenied:
    """LS test_s3_put_presigned_url_missing_sig_param[s3] (recorded)."""
    return AccessDenied(
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
    )


def sigv2_not_supported() -> InvalidRequest:
    """Signature Version 2 in a region that accepts only SigV4, one launched after 30 January 2014
    (GH nukulb/s3-angular-file-upload#23)."""
    return InvalidRequest(
        "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
    )


def sigv2_request_expired(expires: str, server_time: str) -> AccessDenied:
    """A SigV2 presigned URL used after its ``Expires`` [LS-AWS s3: test_s3_presigned_url_expired[s3],
    recorded 2026-02-21]."""
    return AccessDenied("Request has expired", Expires=expires, ServerTime=server_time)


def sigv2_expires_invalid(value: str) -> AccessDenied:
    """A SigV2 presigned URL whose ``Expires`` is not POSIX seconds (s3rver, swift s3api tests)."""
    return AccessDenied(f"Invalid date (should be seconds since epoch): {value}")


def sigv2_header_malformed(value: str) -> InvalidArgument:
    """``Authorization: AWS`` without ``AKID:signature`` (s3rver, swift s3api)."""
    return InvalidArgument(
        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", "Authorization", value
    )


def unsupported_authorization(value: str) -> InvalidArgument:
    """An Authorization header of another scheme (GH versity/versitygw#1512)."""
    return InvalidArgument("Unsupported Authorization Type", "Authorization", value)


def two_auth_mechanisms(value: str) -> InvalidArgument:
    """An Authorization header and query-string authentication together (GH
    catalyst/moodle-tool_objectfs#303)."""
    return InvalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
        "parameter or the Authorization header should be specified",
        "Authorization",
        value,
    )


def missing_content_sha256() -> InvalidRequest:
    return InvalidRequest("Missing required header for this request: x-amz-content-sha256")


# -- bucket lifecycle (state/lifecycle.py) [LS-AWS: TestS3BucketLifecycle.test_put_bucket_lifecycle_conf_exc
# and test_delete_bucket_lifecycle_configuration, recorded 2026-02-21]; the messages not recorded there are
# real S3's as other servers and users quote them (weakest source) ------------------------------------

LIFECYCLE_DATE_MIDNIGHT = "'Date' must be at midnight GMT"
LIFECYCLE_DUPLICATE_TAG_KEYS = "Duplicate Tag Keys are not allowed."
LIFECYCLE_EXPIRATION_DAYS = "'Days' for Expiration action must be a positive integer"
LIFECYCLE_ABORT_DAYS = (
    "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"
)
LIFECYCLE_ABORT_WITH_TAGS = "AbortIncompleteMultipartUpload cannot be specified with Tags."
LIFECYCLE_ABORT_WITH_SIZE = "AbortIncompleteMultipartUpload cannot be specified with Object Size."
LIFECYCLE_NO_ACTION = "At least one action needs to be specified in a rule"
LIFECYCLE_DUPLICATE_ID = "Rule ID must be unique. Found same ID for more than one rule"
LIFECYCLE_ID_TOO_LONG = "ID length should not exceed allowed limit of 255"


def lifecycle_min_size(value: str) -> InvalidRequest:
    """x-amz-transition-default-minimum-object-size other than the two values S3 documents
    [LS-AWS: TestS3BucketLifecycle.test_s3_transition_default_minimum_object_size, recorded 2026-02-21]."""
    return InvalidRequest(f"Invalid TransitionDefaultMinimumObjectSize found: {value}")


class NoSuchLifecycleConfiguration(S3Error):
    code = "NoSuchLifecycleConfiguration"
    status = 404
    default_message = "The lifecycle configuration does not exist"

    def __init__(self, bucket: str) -> None:
        super().__init__(BucketName=bucket)


# -- messages worded per case: one function each, raised where the case is found ---------------------


def policy_unknown_field(name: str) -> MalformedPolicy:
    return MalformedPolicy(f"Unknown field {name}")


def policy_invalid_effect(effect: object) -> MalformedPolicy:
    return MalformedPolicy(f"Invalid effect: {effect}")


def checksum_type_mismatch(expected: str, actual: str) -> InvalidRequest:
    """A part's checksum in another algorithm than its upload's (``expected``, lower case)."""
    return InvalidRequest(
        f"Checksum Type mismatch occurred, expected checksum Type: {expected}, actual checksum Type: {actual}"
    )


def location_constraint_incompatible(constraint: str) -> IllegalLocationConstraintException:
    """CreateBucket on a regional endpoint with another region's constraint."""
    return IllegalLocationConstraintException(
        f"The {constraint} location constraint is incompatible for the region specific "
        "endpoint this request was sent to."
    )


def not_an_int32(name: str, raw: str) -> InvalidArgument:
    """A list argument (max-keys, a marker, ...) that is not a 32-bit integer."""
    return InvalidArgument(f"Provided {name} not an integer or within integer range", name, raw)


def negative_int32(name: str, raw: str) -> InvalidArgument:
    return InvalidArgument(f"Argument {name} must be an integer between 0 and {MAX_INT32}", name, raw)


def copy_range_beyond_source(size: int, argument: str, raw: str) -> InvalidArgument:
    """x-amz-copy-source-range ending past the source (spec §4 step 5)."""
    return InvalidArgument(f"Range specified is not valid for source object of size: {size}", argument, raw)


def checksum_mode_mismatch(own: str) -> InvalidRequest:
    """Complete's x-amz-checksum-type naming another mode than the upload's (spec §5.1 step 7)."""
    return InvalidRequest(
        f"The upload was created using the {own} checksum mode. "
        "The complete request must use the same checksum mode."
    )


def part_checksum_missing(algorithm: str, number: int) -> InvalidRequest:
    """A COMPOSITE upload's Complete listing a part without its checksum (spec §5.1 step 9b)."""
    return InvalidRequest(
        f"The upload was created using a {algorithm} checksum. The complete request must include the "
        f"checksum for each part. It was missing for part {number} in the request."
    )


def part_checksum_algorithm_mismatch(algorithm: str, number: int) -> BadDigest:
    """A listed part's checksum in another algorithm than the upload's (spec §5.1 step 9b)."""
    return BadDigest(f"The {algorithm} you specified for part {number} did not match what we received.")


def final_checksum_mismatch(algorithm: str) -> BadDigest:
    """Complete's whole-object checksum header that does not match (spec §5.1 step 10)."""
    return BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")


def mp_object_size_mismatch(given: str, computed: int) -> InvalidRequest:
    return InvalidRequest(
        f"The provided 'x-amz-mp-object-size' header value {given} does not match what was computed: "
        f"{computed}"
    )


def checksum_type_invalid(raw: str) -> InvalidRequest:
    return InvalidRequest(f"Value for x-amz-checksum-type header is invalid: {raw}")


def checksum_type_incompatible(kind: str, algorithm: str) -> InvalidRequest:
    """CreateMultipartUpload asking for a checksum type its algorithm cannot have (spec §2 step 5)."""
    return InvalidRequest(f"The {kind} checksum type cannot be used with the {algorithm} checksum algorithm.")


# -- errors naming a request header as their ArgumentName / Header (the state layer names no header) --


def tagging_header_invalid(raw: str) -> InvalidArgument:
    """An ``x-amz-tagging`` header that is not URL-query tags without repeats."""
    return InvalidArgument(TAGGING_HEADER_MESSAGE, "x-amz-tagging", raw)


def metadata_directive_unknown(value: str | None) -> InvalidArgument:
    return InvalidArgument(METADATA_DIRECTIVE_UNKNOWN, "x-amz-metadata-directive", value)


def tagging_directive_unknown(value: str | None) -> InvalidArgument:
    return InvalidArgument(TAGGING_DIRECTIVE_UNKNOWN, "x-amz-tagging-directive", value)


def attribute_names_invalid(raw: str) -> InvalidArgument:
    """GetObjectAttributes' ``x-amz-object-attributes`` empty or naming an unknown attribute."""
    return InvalidArgument(ATTRIBUTE_NAME_INVALID, "x-amz-object-attributes", raw)


def mfa_delete_not_implemented() -> NotImplementedByS3:
    """MFA Delete asked for: S3 needs the ``x-amz-mfa`` header, which a test double cannot check."""
    return NotImplementedByS3(Header="x-amz-mfa")


# -- request authentication messages (S3_AUTH_SPEC.md), raised by protocol/authentication.py --------

CREDENTIAL_DATE_MISMATCH = "Invalid credential date. Date is not the same as X-Amz-Date."
PRESIGNED_ALGORITHM_ONLY = 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'
PRESIGNED_DATE_FORMAT = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""


def authorization_component_malformed(component: str) -> AuthorizationHeaderMalformed:
    return AuthorizationHeaderMalformed(f'the authorization component "{component}" is malformed.')


def header_credential_malformed() -> AuthorizationHeaderMalformed:
    return AuthorizationHeaderMalformed(f"the Credential is mal-formed; {CREDENTIAL_FORM}")


EXPIRES_NOT_A_NUMBER = "X-Amz-Expires should be a number"
EXPIRES_NEGATIVE = "X-Amz-Expires must be non-negative"


def authorization_fields_missing(missing: list[str]) -> AuthorizationHeaderMalformed:
    return AuthorizationHeaderMalformed(f"missing {', '.join(missing)}.")


def credential_parameter_invalid(reason: str) -> AuthorizationQueryParametersError:
    return AuthorizationQueryParametersError(f"Error parsing the X-Amz-Credential parameter; {reason}")


def expires_too_long(limit: int) -> AuthorizationQueryParametersError:
    return AuthorizationQueryParametersError(
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
        f"less than {limit} seconds"
    )
