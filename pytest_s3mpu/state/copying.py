"""CopyObject's rules: which metadata the copy gets, when a copy onto itself is refused, its digests.

Layer 2 (store). Facts from AWS recordings (research notes copy_attrs_sse §1): COPY is the default
directive; REPLACE takes everything from the request; a copy onto itself must change something; the
copy of a multipart object has the plain MD5 of its bytes as ETag.
"""

from __future__ import annotations

import dataclasses
import hashlib

from pytest_s3mpu.state import checksums, errors
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType
from pytest_s3mpu.state.model import CopyRequest, ObjectChecksum, ObjectMeta, StoredObject


def copied_meta(source: ObjectMeta, request: CopyRequest) -> ObjectMeta:
    """The metadata of the copy, by ``x-amz-metadata-directive`` and ``x-amz-tagging-directive``."""
    directive = (request.metadata_directive or "COPY").upper()
    if directive not in ("COPY", "REPLACE"):
        raise errors.metadata_directive_unknown(request.metadata_directive)
    tagging = (request.tagging_directive or "COPY").upper()
    if tagging not in ("COPY", "REPLACE"):
        raise errors.tagging_directive_unknown(request.tagging_directive)
    meta = request.meta if directive == "REPLACE" else source
    return dataclasses.replace(
        meta,
        storage_class=request.storage_class or "STANDARD",
        website_redirect_location=request.website_redirect or meta.website_redirect_location,
        tagging=request.meta.tagging if tagging == "REPLACE" else source.tagging,
        acl=request.meta.acl,  # a copy's ACL is the request's, never the source's
    )


def check_not_onto_itself(
    same_key: bool, request: CopyRequest, bucket_encryption_set: bool = False, source_kms: bool = False
) -> None:
    """A copy onto itself must change metadata, storage class, redirect, encryption or checksum.

    A bucket given a default encryption configuration (PutBucketEncryption) takes a plain copy onto itself:
    it re-encrypts the object by the bucket's rule [LS-AWS: test_copy_in_place_with_bucket_encryption,
    recorded 2026-02-21], while a bucket on S3's implicit default refuses it (test_s3_copy_object_in_place).
    So does an SSE-KMS object (``source_kms``): the plain copy makes it SSE-S3 [LS-AWS:
    test_s3_copy_object_in_place_with_encryption, recorded 2026-02-21].
    """
    if not same_key or bucket_encryption_set or source_kms:
        return
    changes = (
        (request.metadata_directive or "").upper() == "REPLACE",
        request.storage_class is not None,
        request.website_redirect is not None,
        request.encryption_given,
        request.checksum_algorithm is not None,
    )
    if not any(changes):
        raise errors.InvalidRequest(errors.COPY_ONTO_ITSELF)


def copied_digests(source: StoredObject, algorithm: Algorithm | None) -> tuple[str, ObjectChecksum | None]:
    """The copy's ETag (MD5 of the bytes) and checksum: the requested algorithm, else the source's
    algorithm over the whole copy (a multipart COMPOSITE value becomes FULL_OBJECT). An SSE-C or SSE-KMS
    source's ETag is opaque (``encryption.opaque_etag``), so the MD5 is computed for it too."""
    needs_md5 = source.parts is not None or source.meta.encryption.hides_md5
    wanted = algorithm or (source.checksum.algorithm if source.checksum else None)
    reuse = (
        algorithm is None and source.checksum is not None and source.checksum.type is ChecksumType.FULL_OBJECT
    )
    md5 = hashlib.md5() if needs_md5 else None
    hasher = checksums.new_hasher(wanted) if wanted is not None and not reuse else None
    if md5 is not None or hasher is not None:
        for view in source.body.iter_range():
            if md5 is not None:
                md5.update(view)
            if hasher is not None:
                hasher.update(view)
    etag = md5.hexdigest() if md5 is not None else source.etag
    if reuse:
        return etag, source.checksum
    if wanted is None or hasher is None:
        return etag, None
    return etag, ObjectChecksum(wanted, ChecksumType.FULL_OBJECT, checksums.b64(hasher.digest()))
