"""The rules of CompleteMultipartUpload and ListParts, as pure functions over an ``Upload``.

Layer 2 (store): no HTTP, no lock of its own. The store calls these under its lock; each either raises
the S3 error that S3 would raise first, or returns what to commit, so a failed call changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import secrets
from collections.abc import Iterator, Mapping, Sequence

from pytest_s3mpu.state import checksums, errors, listing, validation
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType
from pytest_s3mpu.state.model import (
    Bucket,
    CompleteDocument,
    CompletedPartSpec,
    CompleteOptions,
    CompleteResult,
    Limits,
    ObjectAttributes,
    ObjectBody,
    ObjectChecksum,
    Part,
    PartInfo,
    PartRead,
    PartsPage,
    StoredObject,
    Upload,
    UploadEntry,
    UploadsPage,
)


def check_document(document: CompleteDocument, upload_id: str) -> list[int]:
    """Spec §5.1 steps 2-5: empty body, malformed XML, part numbers below 1, strict ascending order.

    Returns the listed part numbers, in the order of ``document.parts``.
    """
    if document.parts is None:
        raise errors.InvalidRequest(errors.COMPLETE_WITHOUT_PARTS)
    if document.malformed or not document.parts:
        raise errors.MalformedXML()
    numbers: list[int] = []
    for spec in document.parts:
        number = validation.parse_decimal(spec.part_number.strip())
        if number is None:
            raise errors.MalformedXML()
        if number < 1:
            raise errors.InvalidArgument(errors.PART_NUMBER_BELOW_ONE, "PartNumber", spec.part_number)
        numbers.append(number)
    # Every number is checked before the order (step 4 before step 5), so one pass cannot do both.
    if any(map(operator.le, numbers[1:], numbers)):
        raise errors.InvalidPartOrder(upload_id)
    return numbers


def checked_document(document: CompleteDocument, upload_id: str) -> list[int] | errors.S3Error:
    """``check_document`` with its error returned, not raised: the store checks the document before
    taking its lock, yet answers a missing bucket or upload first (spec §5.1 step 6 before steps 2-5)."""
    try:
        return check_document(document, upload_id)
    except errors.S3Error as error:
        return error


def check_checksum_mode(upload: Upload, options: CompleteOptions) -> None:
    """Spec §5.1 step 7: x-amz-checksum-type must name the upload's own mode."""
    if options.checksum_type is None:
        return
    own = upload.checksum_type.value if upload.checksum_type else "null"
    if options.checksum_type.upper() != own:
        raise errors.checksum_mode_mismatch(own)


def _strip_quotes(etag: str) -> str:
    if len(etag) == 34 and etag[0] == etag[33] == '"':
        return etag[1:33]  # the common case, '"' + 32 hex digits + '"', without stripping spaces first
    etag = etag.strip()
    if len(etag) >= 2 and etag[0] == etag[-1] == '"':
        return etag[1:-1]
    return etag


def _invalid_part(upload: Upload, spec: CompletedPartSpec) -> errors.InvalidPart:
    """InvalidPart as S3 words it: the client's part number and its ETag without quotes (§5.1 9a)."""
    return errors.InvalidPart(upload.upload_id, spec.part_number, _strip_quotes(spec.etag))


def _check_part_checksums(upload: Upload, number: int, spec: CompletedPartSpec, part: Part) -> None:
    """Spec §5.1 step 9b: the Checksum* elements of one listed part."""
    if len(spec.checksums) > 1:
        raise errors.InvalidArgument(errors.PART_CHECKSUM_INVALID, "Checksum", None)
    given = spec.checksums[0] if spec.checksums else None
    if upload.algorithm is None:
        if given is not None:
            raise _invalid_part(upload, spec)
        return
    if given is None:
        if upload.checksum_type is ChecksumType.COMPOSITE:
            raise errors.part_checksum_missing(upload.algorithm.value.lower(), number)
        return
    name, value = given
    algorithm = Algorithm.parse(name)
    if algorithm is None or checksums.decode_b64_digest(algorithm, value.strip()) is None:
        raise errors.InvalidArgument(errors.PART_CHECKSUM_INVALID, "Checksum", None)
    if algorithm is not upload.algorithm:
        raise errors.part_checksum_algorithm_mismatch(algorithm.value.lower(), number)
    if checksums.decode_b64_digest(algorithm, value.strip()) != part.digests.get(algorithm):
        raise _invalid_part(upload, spec)


def part_info(
    number: int, size: int, etag: str, digests: Mapping[Algorithm, bytes], algorithm: Algorithm | None
) -> PartInfo:
    """A part's entry in the object Complete may make of it, with its checksum in the upload's
    ``algorithm`` as GET ?partNumber and GetObjectAttributes report it (spec §9). Made when the part is
    stored, so Complete copies a reference per part instead of building one."""
    checksum = checksums.b64(digests[algorithm]) if algorithm else None
    return PartInfo(number, size, etag, checksum)


def combine_entry(
    size: int, digests: Mapping[Algorithm, bytes], algorithm: Algorithm | None
) -> tuple[bytes, int]:
    """What Complete needs of a part for the object's checksum (spec §5.2): its digest in the upload's
    ``algorithm`` (S3's default CRC64NVME when the upload has none) and its size. Made when the part is
    stored: looking the digest up by algorithm at Complete cost more than combining it."""
    return digests[algorithm or Algorithm.CRC64NVME], size


def _object_checksum(upload: Upload, parts: list[Part]) -> ObjectChecksum | None:
    """Spec §5.2: COMPOSITE ``-N``, FULL_OBJECT CRC, or S3's default CRC64NVME for plain uploads.

    An SSE-C upload without an algorithm gets none: AWS's Complete and GET of one carry no checksum
    (LS-AWS test_multipart_upload_sse_c, recorded 2026-02-21), though an SSE-C PutObject gets the default.
    """
    if upload.algorithm is None and upload.meta.encryption.customer_algorithm is not None:
        return None
    algorithm = upload.algorithm or Algorithm.CRC64NVME
    kind = upload.checksum_type or ChecksumType.FULL_OBJECT
    digests = [part.combine for part in parts]
    if kind is ChecksumType.COMPOSITE:
        return ObjectChecksum(algorithm, kind, checksums.composite(algorithm, digests))
    return ObjectChecksum(algorithm, kind, checksums.full_object(algorithm, digests))


def _check_final_checksum(upload: Upload, options: CompleteOptions, computed: ObjectChecksum | None) -> None:
    """Spec §5.1 step 10: an x-amz-checksum-{algo} header naming the whole object's checksum.

    A FULL_OBJECT upload takes one only with ``x-amz-checksum-type: FULL_OBJECT`` and in its own algorithm:
    any other final checksum is BadDigest naming the upload's algorithm, even a correct value sent without
    the type (LS-AWS test_multipart_parts_checksum_exceptions_full_object, recorded 2026-02-21).
    """
    if upload.algorithm is None or computed is None:
        return
    name = upload.algorithm.value.lower()
    mismatch = errors.final_checksum_mismatch(name)
    if upload.checksum_type is ChecksumType.FULL_OBJECT and options.checksums:
        typed = (options.checksum_type or "").upper() == ChecksumType.FULL_OBJECT.value
        if not typed or any(header.lower() != name for header, _ in options.checksums):
            raise mismatch
    for header_algorithm, value in options.checksums:
        if header_algorithm.lower() != name:
            continue
        given = value.strip()
        expected = computed.value
        digest = given
        if upload.checksum_type is ChecksumType.COMPOSITE:
            digest = given.rsplit("-", 1)[0]
            if "-" not in given:
                expected = expected.rsplit("-", 1)[0]
        if checksums.decode_b64_digest(upload.algorithm, digest) is None:
            raise errors.checksum_header_invalid(name)
        if given != expected:
            raise mismatch


def assemble(
    upload: Upload,
    numbers: list[int],
    specs: Sequence[CompletedPartSpec],
    options: CompleteOptions,
    limits: Limits,
    now: dt.datetime,
    uploaded: Mapping[int, Part] | None = None,
) -> tuple[StoredObject, CompleteResult]:
    """Spec §5.1 steps 9-11 and §5.2: check the listed parts in order and build the object over them.

    ``uploaded``: the upload's parts as the store saw them (a copy taken under its lock, so this runs
    outside it); the upload's own parts by default. The object's body is a view over the parts'
    buffers: no byte is copied.
    """
    parts: list[Part] = []
    last_index = len(numbers) - 1
    if uploaded is None:
        uploaded = upload.parts
    plain = upload.algorithm is None  # no checksum to compare unless the client lists one anyway
    for index, (number, spec) in enumerate(zip(numbers, specs, strict=True)):
        part = uploaded.get(number)
        if part is None or _strip_quotes(spec.etag) != part.etag:
            raise _invalid_part(upload, spec)
        if spec.checksums or not plain:
            _check_part_checksums(upload, number, spec, part)
        if index != last_index and part.size < limits.min_part_size:
            raise errors.EntityTooSmall(part.size, limits.min_part_size, number, part.etag)
        parts.append(part)
    checksum = _object_checksum(upload, parts)
    _check_final_checksum(upload, options, checksum)
    body = ObjectBody(tuple([part.data for part in parts]))
    if options.mp_object_size is not None:
        declared = validation.parse_decimal(options.mp_object_size.strip())
        if declared != body.size:
            raise errors.mp_object_size_mismatch(options.mp_object_size, body.size)
    etag = hashlib.md5(b"".join(part.md5 for part in parts)).hexdigest() + f"-{len(parts)}"
    obj = StoredObject(
        key=upload.key,
        body=body,
        etag=etag,
        last_modified=now,
        meta=upload.meta,
        checksum=checksum,
        parts=tuple([part.info for part in parts]),
    )
    return obj, CompleteResult(upload.bucket, upload.key, etag, checksum, upload.meta.encryption)


def list_parts(
    upload: Upload, max_parts_raw: str | None, marker_raw: str | None, limits: Limits
) -> PartsPage:
    """Spec §7: parts numbered above the marker, ascending, at most max-parts (clamped to 1000)."""
    page_size = limits.max_list_page
    max_parts = validation.list_limit("max-parts", max_parts_raw, page_size, page_size)
    marker = validation.list_marker("part-number-marker", marker_raw)
    numbers = sorted(number for number in upload.parts if number > marker)
    page = [upload.parts[number] for number in numbers[:max_parts]]
    truncated = len(numbers) > max_parts
    next_marker = page[-1].number if page else 0
    return PartsPage(upload, tuple(page), marker, next_marker, max_parts, truncated)


def list_uploads(
    bucket: Bucket,
    prefix: str,
    delimiter: str | None,
    key_marker: str,
    upload_id_marker: str | None,
    limit: int,
) -> UploadsPage:
    """Spec §8: one page of the bucket's open uploads by key, then initiation, read from its sorted index
    (O(log n + page)); the store calls it under its lock. An upload-id marker counts only with a key
    marker, and must name an upload of that key."""
    id_marker = (upload_id_marker or "") if key_marker else ""
    order, uploads = bucket.upload_order, bucket.uploads

    def seek(key: str) -> Iterator[tuple[str, Upload]]:
        entries = order.irange(minimum=UploadEntry(key, -1, ""))
        return ((entry.key, uploads[entry.upload_id]) for entry in entries)

    start = listing.first_key(key_marker, prefix, delimiter)
    entries = seek(start) if start is not None else iter(())
    if id_marker:
        marked = uploads.get(id_marker)
        if marked is None or marked.key != key_marker:
            raise errors.InvalidArgument(errors.UPLOAD_ID_MARKER_INVALID, "upload-id-marker", id_marker)
        if key_marker.startswith(prefix) and listing.rolled_up(key_marker, prefix, delimiter) is None:
            # The marker's key is listed on its own (not rolled up): its later uploads come first.
            after = order.irange(
                minimum=UploadEntry(marked.key, marked.order, marked.upload_id),
                inclusive=(False, True),
            )
            entries = ((entry.key, uploads[entry.upload_id]) for entry in after)
    page = listing.paginate(entries, seek, prefix, delimiter, limit)
    ends_with_upload = bool(page.items) and not page.ends_with_prefix
    return UploadsPage(
        bucket=bucket.name,
        uploads=tuple(page.items),
        common_prefixes=tuple(page.prefixes),
        prefix=prefix,
        delimiter=delimiter,
        key_marker=key_marker,
        upload_id_marker=id_marker,
        # A page whose last entry is a common prefix names no next markers, truncated or not
        # [LS-AWS: test_list_multipart_uploads_marker_common_prefixes, recorded 2026-02-21] (spec §8).
        next_key_marker=page.items[-1].key if ends_with_upload else "",
        next_upload_id_marker=page.items[-1].upload_id if ends_with_upload else "",
        max_uploads=limit,
        truncated=page.truncated,
    )


def part_read(obj: StoredObject, number: int) -> PartRead:
    """Spec §9: part N of a completed object, addressed by its index among the listed parts.

    A non-multipart object is one part; N beyond the count is 416 InvalidPartNumber.
    """
    if obj.parts is None:
        if number != 1:
            raise errors.InvalidPartNumber(number, 1)
        return PartRead(0, obj.size, None, obj.checksum)
    if number > len(obj.parts):
        raise errors.InvalidPartNumber(number, len(obj.parts))
    start = sum(part.size for part in obj.parts[: number - 1])
    part = obj.parts[number - 1]
    checksum = None
    if part.checksum is not None and obj.checksum is not None and _shows_part_checksums(obj):
        checksum = ObjectChecksum(obj.checksum.algorithm, obj.checksum.type, part.checksum)
    return PartRead(start, start + part.size, len(obj.parts), checksum)


def _shows_part_checksums(obj: StoredObject) -> bool:
    """Whether S3 reports a multipart object's per-part checksums (spec §9 items 7 and 9): a COMPOSITE
    object does; a FULL_OBJECT one does not, except on a part read of a one-part object, where the part's
    checksum is the whole object's (LS-AWS test_complete_multipart_parts_checksum_full_object,
    test_get_object_part_checksum[FULL_OBJECT], recorded 2026-02-21)."""
    if obj.checksum is None or obj.parts is None:
        return False
    return obj.checksum.type is ChecksumType.COMPOSITE or len(obj.parts) == 1


ATTRIBUTE_NAMES = frozenset({"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"})


def attributes(
    obj: StoredObject,
    names_raw: str | None,
    max_parts_raw: str | None,
    marker_raw: str | None,
    limits: Limits,
) -> ObjectAttributes:
    """GetObjectAttributes (research copy_attrs_sse §3): the named attributes; ObjectParts of a
    multipart object, with its parts listed (and paged) only when the upload had a checksum algorithm."""
    names = frozenset(name.strip() for name in (names_raw or "").split(",") if name.strip())
    if not names or not names <= ATTRIBUTE_NAMES:
        raise errors.attribute_names_invalid(names_raw or "")
    page_size = limits.max_list_page
    max_parts = validation.list_limit("max-parts", max_parts_raw, page_size, page_size)
    marker = validation.list_marker("part-number-marker", marker_raw)
    if obj.parts is None or "ObjectParts" not in names:
        return ObjectAttributes(obj, names, None, False, marker, 0, max_parts, False)
    later = [part for part in obj.parts if part.number > marker]
    page = tuple(later[:max_parts])
    # A FULL_OBJECT object's ObjectParts is TotalPartsCount alone, even with one part (LS-AWS
    # test_complete_multipart_parts_checksum_full_object[_default], get-object-attrs, 2026-02-21).
    composite = obj.checksum is not None and obj.checksum.type is ChecksumType.COMPOSITE
    details = composite and any(part.checksum is not None for part in obj.parts)
    next_marker = page[-1].number if page else 0
    return ObjectAttributes(obj, names, page, details, marker, next_marker, max_parts, len(later) > max_parts)


# Checksum types an algorithm cannot have (spec §2 step 5).
INCOMPATIBLE_MODES = {
    (ChecksumType.COMPOSITE, Algorithm.CRC64NVME),
    (ChecksumType.FULL_OBJECT, Algorithm.SHA1),
    (ChecksumType.FULL_OBJECT, Algorithm.SHA256),
}


def checksum_mode(
    algorithm_raw: str | None, type_raw: str | None
) -> tuple[Algorithm | None, ChecksumType | None]:
    """Spec §2 steps 2-5: the upload's checksum algorithm and type, with their defaults."""
    if algorithm_raw is None:
        if type_raw is not None:
            raise errors.InvalidRequest(errors.CHECKSUM_TYPE_WITHOUT_ALGORITHM)
        return None, None
    algorithm = checksums.requested_algorithm(algorithm_raw)
    if type_raw is None:
        kind = ChecksumType.FULL_OBJECT if algorithm is Algorithm.CRC64NVME else ChecksumType.COMPOSITE
    else:
        try:
            kind = ChecksumType(type_raw.upper())
        except ValueError:
            raise errors.checksum_type_invalid(type_raw) from None
    if (kind, algorithm) in INCOMPATIBLE_MODES:
        raise errors.checksum_type_incompatible(kind.value, algorithm.value.lower())
    return algorithm, kind


def new_upload_id() -> str:
    """Opaque, URL-safe and about as long as AWS's. Never starting with "-": command-line clients (the
    AWS CLI's ``--upload-id ID``) would read such an id as an option."""
    token = secrets.token_urlsafe(48)
    return token if token[0].isalnum() else secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + token[1:]
