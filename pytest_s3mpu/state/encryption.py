"""Server-side encryption as S3 checks and reports it: SSE-S3 by default, SSE-KMS with its key's ARN,
SSE-C validated; ETags that hide the plaintext's MD5 for SSE-C and SSE-KMS.

Layer 2 (store): the values of the SSE headers arrive as plain strings in ``EncryptionRequest``; nothing
is encrypted (the double keeps bytes as sent), but every rule a client can observe is enforced: the
customer key's MD5, the same key on every part of an SSE-C upload, the key on every read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from pytest_s3mpu.state import errors

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@dataclass(frozen=True, slots=True)
class EncryptionRequest:
    """The SSE headers of one request, as sent (None when absent)."""

    sse: str | None = None
    kms_key_id: str | None = None
    context: str | None = None
    bucket_key: str | None = None
    customer_algorithm: str | None = None
    customer_key: str | None = None
    customer_key_md5: str | None = None

    @property
    def customer(self) -> bool:
        return any(v is not None for v in (self.customer_algorithm, self.customer_key, self.customer_key_md5))

    @property
    def given(self) -> bool:
        return self.customer or self.sse is not None


@dataclass(frozen=True, slots=True)
class Encryption:
    """How an object or upload is encrypted, as S3 reports it; ``key_md5`` identifies an SSE-C key."""

    sse: str | None = "AES256"
    kms_key_id: str | None = None
    bucket_key: str | None = None
    customer_algorithm: str | None = None
    key_md5: str | None = None

    @property
    def hides_md5(self) -> bool:
        """True when S3 gives the object (and each part of an upload) an ETag that is not the MD5 of the
        plaintext: SSE-C, SSE-KMS and DSSE-KMS [AWS docs "Checking object integrity"; LS-AWS:
        test_s3_sse_default_kms_key, test_s3_multipart_upload_sse, test_multipart_upload_sse_c, recorded
        2026-02-21]."""
        return self.key_md5 is not None or self.sse in KMS_ALGORITHMS


DEFAULT = Encryption()


def _invalid(message: str, value: str | None = None) -> errors.InvalidArgument:
    """InvalidArgument naming x-amz-server-side-encryption; S3 gives an ArgumentValue only where the
    request sent one [LS-AWS: test_put_object_validation_sse_c, recorded 2026-02-21]."""
    if value is None:
        return errors.InvalidArgumentName(message, errors.SSE_HEADER)
    return errors.InvalidArgument(message, errors.SSE_HEADER, value)


def opaque_etag() -> str:
    """The ETag of an object or part whose encryption ``hides_md5``: not the MD5 of the plaintext, an
    opaque value of the same shape, new for every write [LS-AWS: TestS3SSECEncryption,
    test_s3_sse_default_kms_key, recorded 2026-02-21: the same body gets a different ETag on every PUT,
    and the three parts of one SSE-C upload, two of them alike, three different ETags]."""
    return secrets.token_hex(16)


def kms_key_arn(key_id: str | None, region: str, account_id: str) -> str:
    """The key an SSE-KMS object reports: an ARN as given, a key id or alias as its ARN in the
    endpoint's account (the account_id setting), none as the account's AWS-managed ``aws/s3`` key (one
    stable id per account and region, as S3's is)
    [LS-AWS: test_s3_sse_default_kms_key, test_s3_multipart_upload_sse, recorded 2026-02-21]."""
    if key_id is not None and key_id.startswith("arn:"):
        return key_id
    if key_id is None:
        key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"aws/s3/{region}"))
    resource = key_id if key_id.startswith("alias/") else f"key/{key_id}"
    return f"arn:aws:kms:{region}:{account_id}:{resource}"


def customer_key_md5(request: EncryptionRequest, check_size: bool = True) -> str | None:
    """Validate SSE-C headers (research: LS AWS captures); the key's MD5 when SSE-C is requested.

    :param check_size: False on a read, where S3 compares the key with the object's and answers a key
        of the wrong size with 403 AccessDenied [LS-AWS: test_object_retrieval_sse_c, recorded
        2026-02-21, "get-obj-sse-c-no-md5"].
    """
    if not request.customer:
        return None
    if request.sse is not None:
        raise _invalid(
            "Server Side Encryption with Customer provided key is incompatible with the encryption method "
            "specified",
            request.sse,
        )
    if request.customer_algorithm is None:
        raise _invalid(
            "Requests specifying Server Side Encryption with Customer provided keys must provide a valid "
            "encryption algorithm."
        )
    if request.customer_algorithm != "AES256":
        raise errors.CustomError(
            400,
            "InvalidEncryptionAlgorithmError",
            "The Encryption request you specified is not valid. Supported value: AES256.",
            ArgumentName=errors.SSE_HEADER,
            ArgumentValue=request.customer_algorithm,
        )
    if request.customer_key is None:
        raise _invalid(
            "Requests specifying Server Side Encryption with Customer provided keys must provide an "
            "appropriate secret key."
        )
    try:
        key = base64.b64decode(request.customer_key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        key = b""
    actual = base64.b64encode(hashlib.md5(key).digest()).decode("ascii")
    if request.customer_key_md5 is not None and request.customer_key_md5 != actual:
        raise _invalid("The calculated MD5 hash of the key did not match the hash that was provided.")
    if len(key) != 32 and check_size:
        raise _invalid("The secret key was invalid for the specified algorithm.")
    return actual


def for_write(
    request: EncryptionRequest, default: Encryption = DEFAULT, region: str = "us-east-1", *, account_id: str
) -> Encryption:
    """The encryption of a new object or upload: SSE-C, the requested SSE, or the bucket's default
    (S3's SSE-S3 unless PutBucketEncryption set another).

    A requested SSE-KMS reports its key as an ARN in the bucket's ``region`` and the endpoint's
    ``account_id``, the AWS-managed key when the request names none; without a bucket-key header it
    takes the bucket's KMS default's BucketKeyEnabled [LS-AWS: test_s3_sse_default_kms_key, recorded
    2026-02-21: ``aws:kms`` alone into a bucket whose KMS default enables it answers BucketKeyEnabled
    and the managed key's ARN].
    """
    key_md5 = customer_key_md5(request)
    if key_md5 is not None:
        return Encryption(sse=None, customer_algorithm="AES256", key_md5=key_md5)
    if request.sse is None:
        return default
    if request.sse not in ("AES256", *KMS_ALGORITHMS):
        raise _invalid("The encryption method specified is not supported", request.sse)
    if request.sse not in KMS_ALGORITHMS:
        return Encryption(sse=request.sse, kms_key_id=request.kms_key_id, bucket_key=request.bucket_key)
    bucket_key = request.bucket_key
    if bucket_key is None and default.sse in KMS_ALGORITHMS:
        bucket_key = default.bucket_key
    return Encryption(
        sse=request.sse, kms_key_id=kms_key_arn(request.kms_key_id, region, account_id), bucket_key=bucket_key
    )


def check_part(upload: Encryption, request: EncryptionRequest) -> None:
    """UploadPart of an SSE-C upload carries the same key; a plain upload takes no SSE-C headers."""
    key_md5 = customer_key_md5(request)
    if upload.key_md5 is None:
        if key_md5 is not None:
            raise errors.InvalidRequest(errors.SSE_C_PART_KEY_MISSING)
        return
    if key_md5 is None:
        raise errors.InvalidRequest(errors.SSE_C_PART_KEY_MISSING)
    if key_md5 != upload.key_md5:
        raise errors.InvalidRequest(errors.SSE_C_KEY_MISMATCH)


def check_read(stored: Encryption, request: EncryptionRequest) -> None:
    """GET / HEAD / copy source: an SSE-C object needs its key; others refuse SSE-C headers."""
    key_md5 = customer_key_md5(request, check_size=stored.key_md5 is None)
    if stored.key_md5 is None:
        if key_md5 is not None:
            raise errors.InvalidRequest(errors.SSE_C_NOT_APPLICABLE)
        return
    if key_md5 is None:
        raise errors.InvalidRequest(errors.SSE_C_KEY_REQUIRED)
    if key_md5 != stored.key_md5:
        raise errors.CustomError(
            403,
            "AccessDenied",
            "Requests specifying Server Side Encryption with Customer provided keys must provide the correct "
            "secret key.",
        )
