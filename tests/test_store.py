"""The pure state machine (``pytest_s3mpu.state.store.Store``): no HTTP, plain calls in, ``S3Error`` out.

Every expected value is derived here independently (hashlib, zlib, awscrt) or copied from the spec's
wire texts (``/work/shared/S3_MULTIPART_SPEC.md``, cited as §N). Most tests use a tiny minimum part size;
the tests about the 5 MiB rule use S3's real limit.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import sys
import threading
import zlib

import pytest
from awscrt import checksums as crt

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType
from pytest_s3mpu.state.model import (
    CompleteDocument,
    CompletedPartSpec,
    CompleteOptions,
    Limits,
    ObjectMeta,
    Payload,
    UploadState,
)
from pytest_s3mpu.state.store import Store

MIN = 8
MIB = 1024 * 1024
BUCKET = "bkt"

# Wire texts, copied from the spec's error catalogue (§11), not from the package.
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
    "aborted or completed."
)
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the "
    "specified entity tag may not match the part's entity tag."
)
INVALID_PART_ORDER = "The list of parts was not in ascending order. Parts must be ordered by part number."
ENTITY_TOO_SMALL = "Your proposed upload is smaller than the minimum allowed size"
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
PART_NUMBER_RANGE = "Part number must be an integer between 1 and 10000, inclusive"
NO_SUCH_BUCKET = "The specified bucket does not exist"
UNSUPPORTED_ALGORITHM = (
    "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
    "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
)


# -- helpers ------------------------------------------------------------------------------------------


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def multipart_etag(*parts: bytes) -> str:
    """§5.2: md5 of the concatenated binary part md5s, then ``-N``."""
    return hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f"-{len(parts)}"


def raw_digest(algorithm: Algorithm, data: bytes) -> bytes:
    """An independent digest: zlib, awscrt and hashlib directly."""
    if algorithm is Algorithm.CRC32:
        return zlib.crc32(data).to_bytes(4, "big")
    if algorithm is Algorithm.CRC32C:
        return crt.crc32c(data).to_bytes(4, "big")
    if algorithm is Algorithm.CRC64NVME:
        return crt.crc64nvme(data).to_bytes(8, "big")
    return hashlib.new(algorithm.value.lower(), data).digest()


def b64_digest(algorithm: Algorithm, data: bytes) -> str:
    return base64.b64encode(raw_digest(algorithm, data)).decode()


def expect(
    err: errors.S3Error, code: str, status: int, message: str, fields: list[tuple[str, str]] | None = None
) -> None:
    """The error's code, HTTP status, wire message and extra elements in order."""
    assert (err.code, err.status, err.message) == (code, status, message)
    assert err.fields() == (fields or [])


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything a failed call must leave unchanged: buckets, objects, uploads and their parts."""
    objects = {
        name: {key: (obj.etag, obj.body.read(), obj.meta) for key, obj in store.objects(name).items()}
        for name in store.bucket_names()
    }
    uploads = [
        (
            u.bucket,
            u.key,
            u.upload_id,
            u.state,
            tuple((n, p.etag, p.size, p.reported) for n, p in sorted(u.parts.items())),
        )
        for u in store.uploads()
    ]
    return store.bucket_names(), objects, uploads


def spec(number: int | str, etag: str, *checksums: tuple[str, str]) -> CompletedPartSpec:
    return CompletedPartSpec(str(number), etag, tuple(checksums))


def document(*parts: CompletedPartSpec) -> CompleteDocument:
    return CompleteDocument(parts=tuple(parts))


class Harness:
    """A store with one bucket and short verbs for the multipart calls the tests repeat."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.create_bucket(BUCKET)

    def create(self, key: str = "k", meta: ObjectMeta | None = None, **checksum: str) -> str:
        return self.store.create_multipart_upload(BUCKET, key, meta or ObjectMeta(), **checksum).upload_id

    def put(self, upload_id: str, number: int | str, data: bytes, key: str = "k", **payload: object):
        return self.store.upload_part(BUCKET, key, upload_id, str(number), Payload.of(data, **payload))

    def complete(self, upload_id: str, *parts: CompletedPartSpec, key: str = "k", **options: object):
        return self.store.complete_multipart_upload(
            BUCKET, key, upload_id, document(*parts), CompleteOptions(**options)
        )

    def parts(self, upload_id: str) -> dict[int, str]:
        return {n: p.etag for n, p in self.store.parts(upload_id).items()}

    def object_bytes(self, key: str = "k") -> bytes:
        return self.store.get_object(BUCKET, key).body.read()


@pytest.fixture
def h() -> Harness:
    return Harness(Store(limits=Limits(min_part_size=MIN)))


A, B, C = b"a" * MIN, b"b" * MIN, b"c" * 3


# -- §2, §3, §5, §6, §10: the life of an upload -------------------------------------------------------


def test_several_concurrent_uploads_per_key(h):
    """§2: the same key may have several open uploads, each with its own ID; completing one leaves the
    others open (§10)."""
    ids = [h.create() for _ in range(3)]
    assert len(set(ids)) == 3
    assert [u.upload_id for u in h.store.uploads(BUCKET)] == ids
    h.put(ids[1], 1, A)
    h.complete(ids[1], spec(1, md5_hex(A)))
    assert [u.upload_id for u in h.store.uploads(BUCKET)] == [ids[0], ids[2]]
    h.put(ids[0], 1, B)
    h.complete(ids[0], spec(1, md5_hex(B)))
    assert h.object_bytes() == B


def test_reupload_replaces_part(h):
    """§3 Effect: uploading the same part number again replaces the part; the old ETag is then InvalidPart."""
    uid = h.create()
    first = h.put(uid, 1, A)
    second = h.put(uid, 1, B)
    assert (first.etag, second.etag) == (md5_hex(A), md5_hex(B))
    assert h.parts(uid) == {1: md5_hex(B)}
    with pytest.raises(errors.InvalidPart):
        h.complete(uid, spec(1, md5_hex(A)))
    h.complete(uid, spec(1, md5_hex(B)))
    assert h.object_bytes() == B


def test_gaps_are_allowed_and_part_boundaries_remembered(h):
    """§5.1 step 5 and §5.2: parts 2, 4, 6 complete fine; the object keeps their numbers and sizes."""
    uid = h.create()
    datas = {2: A, 4: B, 6: C}
    for number, data in datas.items():
        h.put(uid, number, data)
    result = h.complete(uid, *(spec(n, md5_hex(d)) for n, d in datas.items()))
    assert result.etag == multipart_etag(A, B, C)
    obj = h.store.get_object(BUCKET, "k")
    assert obj.body.read() == A + B + C
    assert [(p.number, p.size, p.etag) for p in obj.parts] == [
        (n, len(d), md5_hex(d)) for n, d in datas.items()
    ]


def test_unlisted_parts_are_dropped(h):
    """§5.2: the object is the listed parts only, in list order; parts not listed are dropped."""
    uid = h.create()
    for number, data in ((1, A), (2, b"x" * MIN), (3, C)):
        h.put(uid, number, data)
    result = h.complete(uid, spec(1, md5_hex(A)), spec(3, md5_hex(C)))
    assert result.etag == multipart_etag(A, C)
    assert h.object_bytes() == A + C
    assert h.store.uploads(BUCKET) == []


def test_small_parts_are_accepted_at_upload_and_last_part_may_be_empty(h):
    """§3 step 6: a small part is never rejected by UploadPart; §5.1 step 9c: the last part may be 0 bytes."""
    uid = h.create()
    assert h.put(uid, 1, b"x").etag == md5_hex(b"x")
    h.put(uid, 1, A)
    h.put(uid, 2, b"")
    result = h.complete(uid, spec(1, md5_hex(A)), spec(2, md5_hex(b"")))
    assert result.etag == multipart_etag(A, b"")
    assert h.object_bytes() == A


def test_single_small_part_completes_with_dash_one_etag(h):
    """§5.1 step 9c (ceph test_multipart_upload_small) and §5.2: one 1-byte part; the ETag still has -1."""
    uid = h.create()
    h.put(uid, 1, b"z")
    assert h.complete(uid, spec(1, md5_hex(b"z"))).etag == multipart_etag(b"z")


def test_metadata_from_create_is_applied_at_complete(h):
    """§2 and §5.2: metadata, content type etc. are captured at Create and applied at Complete."""
    meta = ObjectMeta(
        content_type="text/plain",
        content_encoding="gzip",
        content_disposition="attachment",
        cache_control="no-cache",
        metadata=(("color", "blue"),),
        storage_class="STANDARD_IA",
        tagging=(("a", "b"),),
    )
    uid = h.create(meta=meta)
    h.put(uid, 1, A)
    h.complete(uid, spec(1, md5_hex(A)))
    assert h.store.get_object(BUCKET, "k").meta == meta


def test_overwrite_happens_only_at_complete(h):
    """§2 and §5.2: an existing object stays readable and unchanged until Complete replaces it."""
    h.store.put_object(BUCKET, "k", Payload.of(b"old"), ObjectMeta())
    uid = h.create()
    h.put(uid, 1, A)
    assert h.object_bytes() == b"old"
    h.complete(uid, spec(1, md5_hex(A)))
    assert h.object_bytes() == A
    assert h.store.get_object(BUCKET, "k").etag == multipart_etag(A)


def test_abort_leaves_existing_object_untouched(h):
    """§6: abort forgets the upload and its parts; the object at the key is untouched."""
    h.store.put_object(BUCKET, "k", Payload.of(b"old"), ObjectMeta())
    uid = h.create()
    h.put(uid, 1, A)
    h.store.abort_multipart_upload(BUCKET, "k", uid)
    assert h.object_bytes() == b"old"
    assert h.store.uploads() == []
    with pytest.raises(errors.NoSuchUpload):
        h.store.parts(uid)


def test_abort_creates_no_object(h):
    """§6: aborting creates no object."""
    uid = h.create()
    h.put(uid, 1, A)
    h.store.abort_multipart_upload(BUCKET, "k", uid)
    assert h.store.objects(BUCKET) == {}
    with pytest.raises(errors.NoSuchKey):
        h.store.get_object(BUCKET, "k")


def test_complete_twice_returns_the_same_result(h):
    """§5.4: completing an upload that already completed answers the same result; the object is not
    rewritten."""
    uid = h.create()
    h.put(uid, 1, A)
    h.put(uid, 2, C)
    parts = (spec(1, md5_hex(A)), spec(2, md5_hex(C)))
    first = h.complete(uid, *parts)
    obj = h.store.get_object(BUCKET, "k")
    again = h.complete(uid, *parts)
    assert again == first
    assert again.etag == multipart_etag(A, C)
    assert h.store.get_object(BUCKET, "k") is obj
    assert h.store.uploads() == []


def _overwrite(h: Harness) -> None:
    h.store.put_object(BUCKET, "k", Payload.of(b"new"), ObjectMeta())


def _delete(h: Harness) -> None:
    h.store.delete_object(BUCKET, "k")


def _other_upload(h: Harness) -> None:
    uid = h.create()
    h.put(uid, 1, B)
    h.complete(uid, spec(1, md5_hex(B)))


@pytest.mark.parametrize("change", [_overwrite, _delete, _other_upload], ids=["put", "delete", "complete"])
def test_complete_twice_after_the_object_changed_is_no_such_upload(h, change):
    """§5.4: the retried Complete answers the old result only while its object is current; after an
    overwrite or delete it is NoSuchUpload."""
    uid = h.create()
    h.put(uid, 1, A)
    h.complete(uid, spec(1, md5_hex(A)))
    change(h)
    before = snapshot(h.store)
    with pytest.raises(errors.NoSuchUpload) as exc:
        h.complete(uid, spec(1, md5_hex(A)))
    expect(exc.value, "NoSuchUpload", 404, NO_SUCH_UPLOAD, [("UploadId", uid)])
    assert snapshot(h.store) == before


@pytest.mark.parametrize("change", [_overwrite, _delete, _other_upload], ids=["put", "delete", "complete"])
def test_an_object_no_longer_current_is_not_kept_for_a_retried_complete(h, change):
    """§5.4: a retried Complete can only answer while its object is current, so once the object is
    overwritten or deleted the store holds no reference to it and its part buffers are given back
    (issue: performance, memory after delete). CPython's reference count shows it: only the test's
    own name and getrefcount's argument are left."""
    uid = h.create()
    h.put(uid, 1, A)
    h.complete(uid, spec(1, md5_hex(A)))
    made = h.store.get_object(BUCKET, "k")
    change(h)
    assert sys.getrefcount(made) == 2


def test_complete_after_abort_is_no_such_upload(h):
    """§5.4 / §10: Complete after Abort is NoSuchUpload."""
    uid = h.create()
    h.put(uid, 1, A)
    h.store.abort_multipart_upload(BUCKET, "k", uid)
    with pytest.raises(errors.NoSuchUpload):
        h.complete(uid, spec(1, md5_hex(A)))


def test_upload_state_transitions(h):
    """§10: OPEN until Complete (then COMPLETED) or Abort (then ABORTED); neither is listed afterwards."""
    done, gone = h.create("a"), h.create("b")
    upload_done = h.store.uploads(BUCKET)[0]
    upload_gone = h.store.uploads(BUCKET)[1]
    assert upload_done.state is upload_gone.state is UploadState.OPEN
    h.put(done, 1, A, key="a")
    h.complete(done, spec(1, md5_hex(A)), key="a")
    h.store.abort_multipart_upload(BUCKET, "b", gone)
    assert (upload_done.state, upload_gone.state) == (UploadState.COMPLETED, UploadState.ABORTED)
    assert h.store.list_multipart_uploads(BUCKET).uploads == ()


# -- the five multipart operations on IDs they must refuse ---------------------------------------------


def _op_upload_part(h: Harness, key: str, uid: str) -> None:
    h.put(uid, 1, A, key=key)


def _op_list_parts(h: Harness, key: str, uid: str) -> None:
    h.store.list_parts(BUCKET, key, uid)


def _op_abort(h: Harness, key: str, uid: str) -> None:
    h.store.abort_multipart_upload(BUCKET, key, uid)


def _op_complete(h: Harness, key: str, uid: str) -> None:
    h.complete(uid, spec(1, md5_hex(A)), key=key)


ALL_OPS = [_op_upload_part, _op_list_parts, _op_abort, _op_complete]
NOT_COMPLETE = [_op_upload_part, _op_list_parts, _op_abort]
OP_IDS = ["UploadPart", "ListParts", "Abort", "Complete"]


def _unknown(h: Harness) -> tuple[str, str]:
    return "k", "no-such-upload-id"


def _aborted(h: Harness) -> tuple[str, str]:
    uid = h.create()
    h.put(uid, 1, A)
    h.store.abort_multipart_upload(BUCKET, "k", uid)
    return "k", uid


def _completed(h: Harness) -> tuple[str, str]:
    uid = h.create()
    h.put(uid, 1, A)
    h.complete(uid, spec(1, md5_hex(A)))
    return "k", uid


def _other_key_open(h: Harness) -> tuple[str, str]:
    uid = h.create("other")
    h.put(uid, 1, A, key="other")
    return "k", uid


def _other_key_completed(h: Harness) -> tuple[str, str]:
    uid = h.create("other")
    h.put(uid, 1, A, key="other")
    h.complete(uid, spec(1, md5_hex(A)), key="other")
    return "k", uid


NO_SUCH_UPLOAD_CASES = [
    *[pytest.param(_unknown, op, id=f"unknown-{name}") for op, name in zip(ALL_OPS, OP_IDS, strict=True)],
    *[pytest.param(_aborted, op, id=f"aborted-{name}") for op, name in zip(ALL_OPS, OP_IDS, strict=True)],
    *[
        pytest.param(_completed, op, id=f"completed-{name}")
        for op, name in zip(NOT_COMPLETE, OP_IDS, strict=False)
    ],
    *[
        pytest.param(_other_key_open, op, id=f"other-key-{name}")
        for op, name in zip(ALL_OPS, OP_IDS, strict=True)
    ],
    pytest.param(_other_key_completed, _op_complete, id="other-key-completed-Complete"),
]


@pytest.mark.parametrize(("setup", "operation"), NO_SUCH_UPLOAD_CASES)
def test_no_such_upload(h, setup, operation):
    """§1.4, §3 step 3, §5.1 step 6, §6, §7, §10: unknown, aborted or other-key IDs (and completed ones,
    except on Complete) are 404 NoSuchUpload with <UploadId>; nothing changes."""
    key, uid = setup(h)
    before = snapshot(h.store)
    with pytest.raises(errors.NoSuchUpload) as exc:
        operation(h, key, uid)
    expect(exc.value, "NoSuchUpload", 404, NO_SUCH_UPLOAD, [("UploadId", uid)])
    assert snapshot(h.store) == before


def test_other_key_upload_still_works_under_its_own_key(h):
    """§1.4: refusing an ID under the wrong key leaves it usable under its own key."""
    uid = h.create("other")
    with pytest.raises(errors.NoSuchUpload):
        h.put(uid, 1, A, key="k")
    h.put(uid, 1, A, key="other")
    h.complete(uid, spec(1, md5_hex(A)), key="other")
    assert h.object_bytes("other") == A


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.create_multipart_upload("missing", "k", ObjectMeta()),
        lambda s: s.upload_part("missing", "k", "u", "1", Payload.of(b"x")),
        lambda s: s.upload_part("missing", "k", "u", "0", Payload.of(b"x")),
        lambda s: s.check_upload_part("missing", "k", "u", "abc", 1),
        lambda s: s.complete_multipart_upload("missing", "k", "u", document(spec(1, "e"))),
        lambda s: s.complete_multipart_upload("missing", "k", "u", CompleteDocument(parts=None)),
        lambda s: s.abort_multipart_upload("missing", "k", "u"),
        lambda s: s.list_parts("missing", "k", "u"),
        lambda s: s.list_multipart_uploads("missing"),
        lambda s: s.create_multipart_upload("missing", "k", ObjectMeta(), "MD5"),
    ],
    ids=[
        "create",
        "upload",
        "upload-bad-number",
        "check-upload-bad-number",
        "complete",
        "complete-empty-body",
        "abort",
        "list-parts",
        "list-uploads",
        "create-bad-algorithm",
    ],
)
def test_no_such_bucket_comes_first(h, call):
    """§1.4 step 1, §2 step 1, §3 step 1, §5.1 step 1: a missing bucket is 404 NoSuchBucket before any
    other check, with <BucketName>."""
    with pytest.raises(errors.NoSuchBucket) as exc:
        call(h.store)
    expect(exc.value, "NoSuchBucket", 404, NO_SUCH_BUCKET, [("BucketName", "missing")])


# -- §3 step 2: part numbers --------------------------------------------------------------------------


BAD_PART_NUMBERS = [
    "0",
    "-1",
    "10001",
    "abc",
    "\u0661",
    " 1",
    "1 ",
    "+1",
    "1_0",
    "",
    "1.0",
    "99999999999999999999",
]


@pytest.mark.parametrize("raw", BAD_PART_NUMBERS)
def test_upload_part_number_out_of_range(h, raw):
    """§3 step 2: a part number that is not ASCII decimal 1..10000 is 400 InvalidArgument with
    ArgumentName partNumber and the raw ArgumentValue; nothing is stored."""
    uid = h.create()
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidArgument) as exc:
        h.put(uid, raw, A)
    expect(
        exc.value,
        "InvalidArgument",
        400,
        PART_NUMBER_RANGE,
        [("ArgumentName", "partNumber"), ("ArgumentValue", raw)],
    )
    assert snapshot(h.store) == before
    h.put(uid, 1, A)
    assert h.parts(uid) == {1: md5_hex(A)}


@pytest.mark.parametrize("raw", ["0", "10001", "\u0661"])
def test_part_number_check_comes_before_no_such_upload(h, raw):
    """§3 step 2: the part-number check comes before NoSuchUpload (moto and vgw test it so)."""
    with pytest.raises(errors.InvalidArgument) as exc:
        h.put("no-such-upload", raw, A)
    assert exc.value.field("ArgumentValue") == raw


@pytest.mark.parametrize("number", [1, 10000])
def test_part_number_bounds_are_inclusive(h, number):
    """§3 step 2 and §0: part numbers run from 1 to 10000 inclusive."""
    uid = h.create()
    h.put(uid, number, A)
    assert h.parts(uid) == {number: md5_hex(A)}


def test_part_larger_than_maximum_is_entity_too_large():
    """§3 step 6: a part over the maximum part size is 400 EntityTooLarge with ProposedSize and
    MaxSizeAllowed (checked from the declared size, before the body is read)."""
    h = Harness(Store(limits=Limits(min_part_size=MIN, max_part_size=16)))
    uid = h.create()
    with pytest.raises(errors.EntityTooLarge) as exc:
        h.put(uid, 1, b"x" * 17)
    expect(
        exc.value,
        "EntityTooLarge",
        400,
        "Your proposed upload exceeds the maximum allowed size",
        [("ProposedSize", "17"), ("MaxSizeAllowed", "16")],
    )
    assert h.parts(uid) == {}
    with pytest.raises(errors.EntityTooLarge):
        h.store.check_upload_part(BUCKET, "k", uid, "1", 5 * 1024**3 + 1)
    h.put(uid, 1, b"x" * 16)


# -- §5.1: the Complete checks, their order, and that a failure changes nothing -----------------------


@pytest.mark.parametrize(
    ("sizes", "listed", "offender"),
    [
        ([MIN - 1, MIN], [1, 2], 1),
        ([MIN, MIN - 1, MIN], [1, 2, 3], 2),
        ([3, 3], [1, 2], 1),
        ([MIN, 1, 1], [1, 2, 3], 2),
        ([MIN, 1, MIN], [1, 2, 3], 2),
        ([MIN, 1, 1, 1], [1, 3, 4], 3),
    ],
)
def test_entity_too_small(h, sizes, listed, offender):
    """§5.1 step 9c: every listed part but the last must reach the minimum; the error names the first
    offending part: ProposedSize, MinSizeAllowed, PartNumber and its ETag unquoted."""
    uid = h.create()
    datas = {n: bytes([96 + n]) * size for n, size in enumerate(sizes, start=1)}
    for number, data in datas.items():
        h.put(uid, number, data)
    before = snapshot(h.store)
    with pytest.raises(errors.EntityTooSmall) as exc:
        h.complete(uid, *(spec(n, f'"{md5_hex(datas[n])}"') for n in listed))
    bad = datas[offender]
    expect(
        exc.value,
        "EntityTooSmall",
        400,
        ENTITY_TOO_SMALL,
        [
            ("ProposedSize", str(len(bad))),
            ("MinSizeAllowed", str(MIN)),
            ("PartNumber", str(offender)),
            ("ETag", md5_hex(bad)),
        ],
    )
    assert snapshot(h.store) == before
    # Corrected retry: the offender re-uploaded at the minimum size.
    datas[offender] = bytes([96 + offender]) * MIN
    h.put(uid, offender, datas[offender])
    for number in listed[:-1]:
        if len(datas[number]) < MIN:
            datas[number] = bytes([96 + number]) * MIN
            h.put(uid, number, datas[number])
    result = h.complete(uid, *(spec(n, md5_hex(datas[n])) for n in listed))
    assert result.etag == multipart_etag(*(datas[n] for n in listed))


def test_entity_too_small_only_counts_listed_parts(h):
    """§5.1 step 9c: an unlisted small part does not matter, and the last *listed* part may be small even
    when a higher-numbered part exists."""
    uid = h.create()
    h.put(uid, 1, A)
    h.put(uid, 2, C)
    h.put(uid, 3, b"x")
    result = h.complete(uid, spec(1, md5_hex(A)), spec(2, md5_hex(C)))
    assert result.etag == multipart_etag(A, C)


def test_entity_too_small_with_the_real_five_mib_minimum():
    """§5.1 step 9c and §0: with S3's real MIN_PART (5 MiB = 5242880) a part one byte short is refused;
    exactly 5 MiB passes."""
    h = Harness(Store())
    uid = h.create()
    short = b"s" * (5 * MIB - 1)
    h.put(uid, 1, short)
    h.put(uid, 2, b"t")
    with pytest.raises(errors.EntityTooSmall) as exc:
        h.complete(uid, spec(1, md5_hex(short)), spec(2, md5_hex(b"t")))
    expect(
        exc.value,
        "EntityTooSmall",
        400,
        ENTITY_TOO_SMALL,
        [
            ("ProposedSize", "5242879"),
            ("MinSizeAllowed", "5242880"),
            ("PartNumber", "1"),
            ("ETag", md5_hex(short)),
        ],
    )
    exact = b"e" * (5 * MIB)
    h.put(uid, 1, exact)
    assert h.complete(uid, spec(1, md5_hex(exact)), spec(2, md5_hex(b"t"))).etag == multipart_etag(
        exact, b"t"
    )


@pytest.fixture(scope="module")
def abc_parts() -> list[bytes]:
    """ceph/s3-tests' three parts: 5 MiB each of A, B and C."""
    return [bytes([c]) * (5 * MIB) for c in b"ABC"]


@pytest.fixture(scope="module")
def abc_payloads(abc_parts) -> list[Payload]:
    return [Payload.of(data) for data in abc_parts]


@pytest.mark.parametrize(
    ("algorithm", "checksum_type", "part_values", "object_value"),
    [
        (None, None, None, None),
        ("SHA256", "COMPOSITE", None, "uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3"),
        ("CRC32", "FULL_OBJECT", ["JRTCyQ==", "QoZTGg==", "YAgjqw=="], "WgDhBQ=="),
        ("CRC64NVME", "FULL_OBJECT", ["L/E4WYn8v98=", "xW1l19VobYM=", "cK5MnNaWrW4="], "i+6LR0y3eFo="),
    ],
)
def test_known_vectors_three_five_mib_parts(
    abc_payloads, algorithm, checksum_type, part_values, object_value
):
    """§5.2 known vectors from ceph/s3-tests (run against AWS): test_multipart_reupload_checksum_and_etag
    gives ETag b2add96cc9702bbf4efb0ccdfc6b7747-3; test_multipart_use_cksum_helper_{sha256,crc32,
    crc64nvme} give the part and object checksums. Uses the real 5 MiB minimum."""
    h = Harness(Store())
    kwargs = {} if algorithm is None else {"checksum_algorithm": algorithm, "checksum_type": checksum_type}
    uid = h.create(**kwargs)
    listed = []
    for number, payload in enumerate(abc_payloads, start=1):
        claimed = {}
        if algorithm is not None:
            claimed = {Algorithm(algorithm): base64.b64encode(payload.digests[Algorithm(algorithm)]).decode()}
        result = h.store.upload_part(
            BUCKET, "k", uid, str(number), dataclasses.replace(payload, claimed=claimed)
        )
        if part_values is not None:
            assert result.checksum == (Algorithm(algorithm), part_values[number - 1])
        checks = () if algorithm is None else ((algorithm, claimed[Algorithm(algorithm)]),)
        listed.append(spec(number, result.etag, *checks))
    done = h.complete(uid, *listed)
    assert done.etag == "b2add96cc9702bbf4efb0ccdfc6b7747-3"
    if object_value is not None:
        assert (done.checksum.algorithm.value, done.checksum.type.value, done.checksum.value) == (
            algorithm,
            checksum_type,
            object_value,
        )
    else:
        assert done.checksum.type is ChecksumType.FULL_OBJECT
        assert done.checksum.algorithm is Algorithm.CRC64NVME
        assert done.checksum.value == "i+6LR0y3eFo="


def _uploaded(h: Harness) -> str:
    uid = h.create()
    h.put(uid, 1, A)
    h.put(uid, 2, B)
    h.put(uid, 3, C)
    return uid


GOOD = [spec(1, md5_hex(A)), spec(2, md5_hex(B)), spec(3, md5_hex(C))]


@pytest.mark.parametrize(
    ("parts", "number", "etag"),
    [
        pytest.param([spec(1, md5_hex(A)), spec(4, md5_hex(C))], "4", md5_hex(C), id="never-uploaded"),
        pytest.param([spec(1, md5_hex(A)), spec(2, md5_hex(A))], "2", md5_hex(A), id="wrong-etag"),
        pytest.param(
            [spec(1, md5_hex(A)), spec(2, f'"{md5_hex(C)}"')], "2", md5_hex(C), id="wrong-etag-quoted"
        ),
        pytest.param(
            [spec(1, md5_hex(A)), spec(2, md5_hex(B).upper())], "2", md5_hex(B).upper(), id="upper-hex"
        ),
        pytest.param([spec(1, md5_hex(A)), spec(10001, md5_hex(B))], "10001", md5_hex(B), id="number-10001"),
        pytest.param([spec(1, "garbage"), spec(2, md5_hex(B))], "1", "garbage", id="first-of-two"),
    ],
)
def test_invalid_part(h, parts, number, etag):
    """§5.1 step 9a: a listed part never uploaded, or with another ETag, is 400 InvalidPart with UploadId,
    PartNumber and the client's ETag unquoted (two spaces after "found." in the message); part numbers
    above 10000 land here; the comparison is case-sensitive hex (judgement)."""
    uid = _uploaded(h)
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidPart) as exc:
        h.complete(uid, *parts)
    expect(
        exc.value,
        "InvalidPart",
        400,
        INVALID_PART,
        [("UploadId", uid), ("PartNumber", number), ("ETag", etag)],
    )
    assert snapshot(h.store) == before
    assert h.complete(uid, *GOOD).etag == multipart_etag(A, B, C)


@pytest.mark.parametrize(
    "etags",
    [
        [md5_hex(A), md5_hex(B), md5_hex(C)],
        [f'"{md5_hex(A)}"', f'"{md5_hex(B)}"', f'"{md5_hex(C)}"'],
        [f'"{md5_hex(A)}"', md5_hex(B), f' "{md5_hex(C)}" '],
    ],
    ids=["unquoted", "quoted", "mixed"],
)
def test_etag_quotes_are_ignored(h, etags):
    """§5.1 step 9a: surrounding double quotes are removed from both sides before comparing."""
    uid = _uploaded(h)
    result = h.complete(uid, *(spec(n, e) for n, e in enumerate(etags, start=1)))
    assert result.etag == multipart_etag(A, B, C)


@pytest.mark.parametrize(
    "numbers", [[2, 1, 3], [1, 1, 2], [1, 3, 2], [3, 2, 1], [1, 2, 2]], ids=lambda n: "-".join(map(str, n))
)
def test_invalid_part_order(h, numbers):
    """§5.1 step 5 and §12.6: part numbers must be strictly ascending; a decrease or a duplicate is 400
    InvalidPartOrder with <UploadId>."""
    uid = _uploaded(h)
    etags = {1: md5_hex(A), 2: md5_hex(B), 3: md5_hex(C)}
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidPartOrder) as exc:
        h.complete(uid, *(spec(n, etags[n]) for n in numbers))
    expect(exc.value, "InvalidPartOrder", 400, INVALID_PART_ORDER, [("UploadId", uid)])
    assert snapshot(h.store) == before
    assert h.complete(uid, *GOOD).etag == multipart_etag(A, B, C)


@pytest.mark.parametrize(
    ("doc", "code", "message", "fields"),
    [
        pytest.param(
            CompleteDocument(parts=None),
            "InvalidRequest",
            "You must specify at least one part",
            [],
            id="empty-body",
        ),
        pytest.param(
            CompleteDocument(parts=(), malformed=True), "MalformedXML", MALFORMED_XML, [], id="malformed"
        ),
        pytest.param(CompleteDocument(parts=()), "MalformedXML", MALFORMED_XML, [], id="zero-parts"),
        pytest.param(
            document(spec("abc", md5_hex(A))), "MalformedXML", MALFORMED_XML, [], id="number-not-integer"
        ),
        pytest.param(
            document(spec(0, md5_hex(A))),
            "InvalidArgument",
            "PartNumber must be >= 1",
            [("ArgumentName", "PartNumber"), ("ArgumentValue", "0")],
            id="number-0",
        ),
        pytest.param(
            document(spec(1, md5_hex(A)), spec(-3, md5_hex(B))),
            "InvalidArgument",
            "PartNumber must be >= 1",
            [("ArgumentName", "PartNumber"), ("ArgumentValue", "-3")],
            id="number-negative",
        ),
        pytest.param(
            # The number check covers the whole list before the order check (§5.1 step 4 before 5).
            document(spec(2, md5_hex(B)), spec(1, md5_hex(A)), spec(0, md5_hex(A))),
            "InvalidArgument",
            "PartNumber must be >= 1",
            [("ArgumentName", "PartNumber"), ("ArgumentValue", "0")],
            id="number-before-order",
        ),
    ],
)
def test_complete_document_checks(h, doc, code, message, fields):
    """§5.1 steps 2-4 (and §12.2): empty body → InvalidRequest "You must specify at least one part";
    malformed XML or zero <Part> → MalformedXML; PartNumber < 1 → InvalidArgument "PartNumber must be >= 1".
    The upload stays intact and a corrected retry succeeds."""
    uid = _uploaded(h)
    before = snapshot(h.store)
    with pytest.raises(errors.S3Error) as exc:
        h.store.complete_multipart_upload(BUCKET, "k", uid, doc)
    expect(exc.value, code, 400, message, fields)
    assert snapshot(h.store) == before
    assert h.complete(uid, *GOOD).etag == multipart_etag(A, B, C)


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (CompleteDocument(parts=None), errors.InvalidRequest),
        (CompleteDocument(parts=(), malformed=True), errors.MalformedXML),
        (document(spec(0, "e")), errors.InvalidArgument),
        (document(spec(2, "e"), spec(1, "e")), errors.InvalidPartOrder),
    ],
    ids=["empty", "malformed", "number-0", "order"],
)
def test_no_such_upload_comes_before_document_checks(h, doc, error):
    """§5.1 step 6 (LS-AWS test_multipart_no_such_upload, complete-exc, recorded 2026-02-21): the upload is
    looked up before the body is checked, so an unknown upload ID is NoSuchUpload whatever the body; on an
    open upload the same body gets its own error."""
    with pytest.raises(errors.NoSuchUpload) as exc:
        h.store.complete_multipart_upload(BUCKET, "k", "no-such-upload", doc)
    assert exc.value.field("UploadId") == "no-such-upload"
    uid = _uploaded(h)
    with pytest.raises(error):
        h.store.complete_multipart_upload(BUCKET, "k", uid, doc)


def test_per_part_checks_run_in_list_order_small_before_missing(h):
    """§5.1 step 9: per-part checks run part by part in list order and stop at the first failure: a too
    small first part is reported before a missing second one."""
    uid = h.create()
    h.put(uid, 1, C)
    with pytest.raises(errors.EntityTooSmall) as exc:
        h.complete(uid, spec(1, md5_hex(C)), spec(2, md5_hex(B)))
    assert exc.value.field("PartNumber") == "1"


def test_per_part_checks_run_in_list_order_missing_before_small(h):
    """§5.1 step 9: a missing first part is InvalidPart even though a later listed part is too small."""
    uid = h.create()
    h.put(uid, 2, C)
    h.put(uid, 3, C)
    with pytest.raises(errors.InvalidPart) as exc:
        h.complete(uid, spec(1, md5_hex(A)), spec(2, md5_hex(C)), spec(3, md5_hex(C)))
    assert exc.value.field("PartNumber") == "1"


def test_failed_complete_then_retry_with_same_upload(h):
    """§5.1 (end) and §10: a Complete that fails with 4xx consumes nothing; the parts stay listable and a
    corrected Complete of the same upload succeeds."""
    uid = _uploaded(h)
    for bad in (
        [spec(2, md5_hex(B)), spec(1, md5_hex(A))],
        [spec(1, md5_hex(B))],
        [spec(1, md5_hex(C)), spec(3, md5_hex(C))],
    ):
        with pytest.raises(errors.S3Error):
            h.complete(uid, *bad)
        page = h.store.list_parts(BUCKET, "k", uid)
        assert [p.number for p in page.parts] == [1, 2, 3]
    assert h.complete(uid, *GOOD).etag == multipart_etag(A, B, C)
    assert h.object_bytes() == A + B + C


def test_mp_object_size(h):
    """§5.1 step 11: x-amz-mp-object-size must equal the total size, else 400 InvalidRequest naming both."""
    uid = _uploaded(h)
    total = len(A + B + C)
    with pytest.raises(errors.InvalidRequest) as exc:
        h.complete(uid, *GOOD, mp_object_size="5")
    expect(
        exc.value,
        "InvalidRequest",
        400,
        f"The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: {total}",
    )
    assert h.parts(uid) == {1: md5_hex(A), 2: md5_hex(B), 3: md5_hex(C)}
    assert h.complete(uid, *GOOD, mp_object_size=str(total)).etag == multipart_etag(A, B, C)


# -- §2: checksum mode at Create ---------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["MD5", "CRC16", "SHA512", ""])
def test_create_unsupported_algorithm(h, algorithm):
    """§2 step 2: an algorithm outside the list is 400 InvalidRequest naming the valid types."""
    with pytest.raises(errors.InvalidRequest) as exc:
        h.create(checksum_algorithm=algorithm)
    expect(exc.value, "InvalidRequest", 400, UNSUPPORTED_ALGORITHM)
    assert h.store.uploads() == []


def test_create_type_without_algorithm(h):
    """§2 step 3: x-amz-checksum-type without x-amz-checksum-algorithm is 400 InvalidRequest."""
    with pytest.raises(errors.InvalidRequest) as exc:
        h.create(checksum_type="FULL_OBJECT")
    expect(
        exc.value,
        "InvalidRequest",
        400,
        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
    )
    assert h.store.uploads() == []


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"),
    [("CRC64NVME", "COMPOSITE"), ("SHA1", "FULL_OBJECT"), ("SHA256", "FULL_OBJECT")],
)
def test_create_incompatible_pairs(h, algorithm, checksum_type):
    """§2 step 4 (LS-AWS test_multipart_checksum_type_compatibility): three pairings are refused."""
    with pytest.raises(errors.InvalidRequest) as exc:
        h.create(checksum_algorithm=algorithm, checksum_type=checksum_type)
    expect(
        exc.value,
        "InvalidRequest",
        400,
        f"The {checksum_type} checksum type cannot be used with the {algorithm.lower()} checksum algorithm.",
    )
    assert h.store.uploads() == []


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("CRC32", "COMPOSITE"),
        ("CRC32C", "COMPOSITE"),
        ("SHA1", "COMPOSITE"),
        ("SHA256", "COMPOSITE"),
        ("CRC64NVME", "FULL_OBJECT"),
    ],
)
def test_create_default_checksum_type(h, algorithm, expected):
    """§2 step 5: without a type, CRC64NVME defaults to FULL_OBJECT and the others to COMPOSITE."""
    h.create(checksum_algorithm=algorithm)
    (upload,) = h.store.uploads()
    assert (upload.algorithm.value, upload.checksum_type.value) == (algorithm, expected)


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"),
    [
        ("CRC32", "FULL_OBJECT"),
        ("CRC32C", "FULL_OBJECT"),
        ("CRC64NVME", "FULL_OBJECT"),
        ("SHA1", "COMPOSITE"),
    ],
)
def test_create_compatible_pairs(h, algorithm, checksum_type):
    """§2 steps 4-5: the compatible pairings are accepted and kept on the upload."""
    h.create(checksum_algorithm=algorithm, checksum_type=checksum_type)
    (upload,) = h.store.uploads()
    assert (upload.algorithm.value, upload.checksum_type.value) == (algorithm, checksum_type)


def test_create_without_checksum_has_none(h):
    """§2: with no algorithm, the upload has no checksum mode (ListParts omits the fields, §7)."""
    h.create()
    (upload,) = h.store.uploads()
    assert (upload.algorithm, upload.checksum_type) == (None, None)


# -- §3 step 5: part checksums ------------------------------------------------------------------------


ALGORITHMS = list(Algorithm)


def test_part_multiple_checksums(h):
    """§3 step 5: more than one x-amz-checksum-* is 400 InvalidRequest; nothing is stored."""
    uid = h.create()
    claimed = {Algorithm.CRC32: b64_digest(Algorithm.CRC32, A), Algorithm.SHA1: b64_digest(Algorithm.SHA1, A)}
    with pytest.raises(errors.InvalidRequest) as exc:
        h.put(uid, 1, A, claimed=claimed)
    expect(
        exc.value,
        "InvalidRequest",
        400,
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
    )
    assert h.parts(uid) == {}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("value", ["not base64!", "", "AAAA" * 20], ids=["junk", "empty", "too-long"])
def test_part_checksum_value_invalid(h, algorithm, value):
    """§3 step 5: a value that is not base64 of the right length is 400 InvalidRequest
    "Value for x-amz-checksum-{algo} header is invalid."."""
    uid = h.create()
    with pytest.raises(errors.InvalidRequest) as exc:
        h.put(uid, 1, A, claimed={algorithm: value})
    expect(
        exc.value,
        "InvalidRequest",
        400,
        f"Value for x-amz-checksum-{algorithm.value.lower()} header is invalid.",
    )
    assert h.parts(uid) == {}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_part_checksum_mismatch_is_bad_digest(h, algorithm):
    """§3 step 5: a well-formed value that does not match is 400 BadDigest, algorithm in upper case."""
    uid = h.create()
    with pytest.raises(errors.BadDigest) as exc:
        h.put(uid, 1, A, claimed={algorithm: b64_digest(algorithm, B)})
    expect(
        exc.value,
        "BadDigest",
        400,
        f"The {algorithm.value} you specified did not match the calculated checksum.",
    )
    assert h.parts(uid) == {}
    assert h.put(uid, 1, A, claimed={algorithm: b64_digest(algorithm, A)}).checksum == (
        algorithm,
        b64_digest(algorithm, A),
    )


def test_part_checksum_type_mismatch(h):
    """§3 step 5: an upload created with X refuses a part checksummed with Y."""
    uid = h.create(checksum_algorithm="CRC32")
    with pytest.raises(errors.InvalidRequest) as exc:
        h.put(uid, 1, A, claimed={Algorithm.SHA256: b64_digest(Algorithm.SHA256, A)})
    expect(
        exc.value,
        "InvalidRequest",
        400,
        "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256",
    )
    assert h.parts(uid) == {}


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"),
    [
        ("CRC32", "FULL_OBJECT"),
        ("CRC32C", "FULL_OBJECT"),
        ("CRC64NVME", "FULL_OBJECT"),
        ("CRC32", "COMPOSITE"),
        ("CRC32C", "COMPOSITE"),
    ],
)
def test_part_without_checksum_is_computed_for_crc_uploads(h, algorithm, checksum_type):
    """§3 step 5 and §12.9: a part with no checksum is accepted for FULL_OBJECT and CRC COMPOSITE uploads;
    the server computes the upload's algorithm and answers with it."""
    uid = h.create(checksum_algorithm=algorithm, checksum_type=checksum_type)
    result = h.put(uid, 1, A)
    assert result.checksum == (Algorithm(algorithm), b64_digest(Algorithm(algorithm), A))


@pytest.mark.parametrize("algorithm", ["SHA1", "SHA256"])
def test_part_without_checksum_refused_for_sha_composite(h, algorithm):
    """§3 step 5 and §12.9: a COMPOSITE SHA upload refuses a part without a checksum (vgw)."""
    uid = h.create(checksum_algorithm=algorithm)
    with pytest.raises(errors.InvalidRequest) as exc:
        h.put(uid, 1, A)
    expect(
        exc.value,
        "InvalidRequest",
        400,
        "Checksum Type mismatch occurred, expected checksum Type: "
        f"{algorithm.lower()}, actual checksum Type: null",
    )
    assert h.parts(uid) == {}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_part_of_plain_upload_accepts_and_echoes_any_checksum(h, algorithm):
    """§3 step 5: an upload created without an algorithm accepts any single checksum, verifies it and
    echoes it back."""
    uid = h.create()
    value = b64_digest(algorithm, A)
    assert h.put(uid, 1, A, claimed={algorithm: value}).checksum == (algorithm, value)


def test_part_of_plain_upload_without_checksum_echoes_none(h):
    """§3 Response: no checksum header is due when neither the upload nor the part names one."""
    uid = h.create()
    assert h.put(uid, 1, A).checksum is None


# -- §5.1 steps 7, 9b, 10 and §5.2: checksums at Complete ---------------------------------------------


def _checksummed_upload(h: Harness, algorithm: str, checksum_type: str | None = None, datas=(A, B, C)):
    kwargs = {"checksum_algorithm": algorithm}
    if checksum_type:
        kwargs["checksum_type"] = checksum_type
    uid = h.create(**kwargs)
    algo = Algorithm(algorithm)
    specs = []
    for number, data in enumerate(datas, start=1):
        value = b64_digest(algo, data)
        h.put(uid, number, data, claimed={algo: value})
        specs.append(spec(number, md5_hex(data), (algorithm, value)))
    return uid, specs


@pytest.mark.parametrize(
    ("created", "sent", "mode"),
    [
        ({"checksum_algorithm": "CRC32"}, "FULL_OBJECT", "COMPOSITE"),
        ({"checksum_algorithm": "CRC32", "checksum_type": "FULL_OBJECT"}, "COMPOSITE", "FULL_OBJECT"),
        ({}, "COMPOSITE", "null"),
        ({}, "FULL_OBJECT", "null"),
    ],
)
def test_complete_checksum_type_must_match(h, created, sent, mode):
    """§5.1 step 7: x-amz-checksum-type at Complete must name the upload's mode ("null" for none)."""
    uid = h.create(**created)
    h.put(uid, 1, A)
    algo = created.get("checksum_algorithm")
    listed = spec(1, md5_hex(A), *([(algo, b64_digest(Algorithm(algo), A))] if algo else []))
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidRequest) as exc:
        h.complete(uid, listed, checksum_type=sent)
    expect(
        exc.value,
        "InvalidRequest",
        400,
        f"The upload was created using the {mode} checksum mode. "
        "The complete request must use the same checksum mode.",
    )
    assert snapshot(h.store) == before
    h.complete(uid, listed, checksum_type=None if mode == "null" else mode)


def test_plain_upload_part_with_checksum_element_is_invalid_part(h):
    """§5.1 step 9b: an upload created without an algorithm refuses a listed part carrying a Checksum*
    element with InvalidPart."""
    uid = _uploaded(h)
    with pytest.raises(errors.InvalidPart) as exc:
        h.complete(uid, spec(1, md5_hex(A), ("CRC32", b64_digest(Algorithm.CRC32, A))), *GOOD[1:])
    expect(
        exc.value,
        "InvalidPart",
        400,
        INVALID_PART,
        [("UploadId", uid), ("PartNumber", "1"), ("ETag", md5_hex(A))],
    )
    assert h.complete(uid, *GOOD).etag == multipart_etag(A, B, C)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256"])
def test_composite_missing_part_checksum(h, algorithm):
    """§5.1 step 9b: a COMPOSITE upload needs each part's checksum in the list."""
    uid, specs = _checksummed_upload(h, algorithm)
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidRequest) as exc:
        h.complete(uid, specs[0], spec(2, md5_hex(B)), specs[2])
    expect(
        exc.value,
        "InvalidRequest",
        400,
        f"The upload was created using a {algorithm.lower()} checksum. The complete request must include the "
        "checksum for each part. It was missing for part 2 in the request.",
    )
    assert snapshot(h.store) == before
    h.complete(uid, *specs)


def test_composite_wrong_part_checksum_value_is_invalid_part(h):
    """§5.1 step 9b: the right algorithm with a wrong value is InvalidPart."""
    uid, specs = _checksummed_upload(h, "CRC32")
    wrong = spec(2, md5_hex(B), ("CRC32", b64_digest(Algorithm.CRC32, A)))
    with pytest.raises(errors.InvalidPart) as exc:
        h.complete(uid, specs[0], wrong, specs[2])
    expect(
        exc.value,
        "InvalidPart",
        400,
        INVALID_PART,
        [("UploadId", uid), ("PartNumber", "2"), ("ETag", md5_hex(B))],
    )
    h.complete(uid, *specs)


def test_composite_part_checksum_of_other_algorithm_is_bad_digest(h):
    """§5.1 step 9b: a part checksum of a different algorithm is 400 BadDigest naming it in lower case."""
    uid, specs = _checksummed_upload(h, "CRC32")
    other = spec(1, md5_hex(A), ("SHA256", b64_digest(Algorithm.SHA256, A)))
    with pytest.raises(errors.BadDigest) as exc:
        h.complete(uid, other, *specs[1:])
    expect(exc.value, "BadDigest", 400, "The sha256 you specified for part 1 did not match what we received.")
    h.complete(uid, *specs)


@pytest.mark.parametrize(
    "checks",
    [(("CRC32", "not base64!"),), (("CRC32", "AAAA"), ("CRC32", "AAAA")), (("CRC32", "AAAAAAAA"),)],
    ids=["junk", "two", "wrong-length"],
)
def test_part_checksum_element_invalid(h, checks):
    """§5.1 step 9b: invalid base64 or several checksums on one part is 400 InvalidArgument with
    ArgumentName Checksum (vgw)."""
    uid, specs = _checksummed_upload(h, "CRC32")
    with pytest.raises(errors.InvalidArgument) as exc:
        h.complete(uid, spec(1, md5_hex(A), *checks), *specs[1:])
    err = exc.value
    assert (err.code, err.status, err.message) == (
        "InvalidArgument",
        400,
        "Invalid Base64 or multiple checksums present in request",
    )
    assert err.field("ArgumentName") == "Checksum"
    h.complete(uid, *specs)


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_full_object_part_checksums_are_optional(h, algorithm):
    """§5.1 step 9b: a FULL_OBJECT upload completes with or without per-part checksums; §5.2: the object
    checksum is the plain CRC of the whole object, no -N."""
    uid, specs = _checksummed_upload(h, algorithm, "FULL_OBJECT")
    result = h.complete(uid, *(spec(s.part_number, s.etag) for s in specs))
    assert result.checksum.value == b64_digest(Algorithm(algorithm), A + B + C)
    assert result.checksum.type is ChecksumType.FULL_OBJECT


@pytest.mark.parametrize(
    ("algorithm", "checksum_type"),
    [
        ("CRC32", "COMPOSITE"),
        ("CRC32C", "COMPOSITE"),
        ("SHA1", "COMPOSITE"),
        ("SHA256", "COMPOSITE"),
        ("CRC32", "FULL_OBJECT"),
        ("CRC32C", "FULL_OBJECT"),
        ("CRC64NVME", "FULL_OBJECT"),
    ],
)
def test_object_checksum(h, algorithm, checksum_type):
    """§5.2: COMPOSITE = b64(H(raw part checksums concatenated)) + "-N"; FULL_OBJECT = the CRC of the whole
    object; part boundaries remember each part's checksum."""
    datas = (A, B, C)
    uid, specs = _checksummed_upload(h, algorithm, checksum_type, datas)
    result = h.complete(uid, *specs)
    algo = Algorithm(algorithm)
    if checksum_type == "COMPOSITE":
        joined = b"".join(raw_digest(algo, d) for d in datas)
        expected = f"{b64_digest(algo, joined)}-3"
    else:
        expected = b64_digest(algo, b"".join(datas))
    assert (result.checksum.algorithm, result.checksum.type.value, result.checksum.value) == (
        algo,
        checksum_type,
        expected,
    )
    obj = h.store.get_object(BUCKET, "k")
    assert obj.checksum == result.checksum
    assert [p.checksum for p in obj.parts] == [b64_digest(algo, d) for d in datas]


def test_plain_upload_gets_default_crc64nvme(h):
    """§5.2: an upload with no algorithm stores a CRC64NVME FULL_OBJECT checksum of the whole object."""
    uid = _uploaded(h)
    result = h.complete(uid, *GOOD)
    assert (result.checksum.algorithm, result.checksum.type, result.checksum.value) == (
        Algorithm.CRC64NVME,
        ChecksumType.FULL_OBJECT,
        b64_digest(Algorithm.CRC64NVME, A + B + C),
    )


def test_final_checksum_full_object(h):
    """§5.1 step 10 (LS-AWS test_multipart_parts_checksum_exceptions_full_object, recorded 2026-02-21):
    FULL_OBJECT: with the type FULL_OBJECT a wrong whole-object value is BadDigest (algorithm lower case),
    an invalid one InvalidRequest; without the type even the right value is BadDigest, as is another
    algorithm's header; the right value with the type passes."""
    uid, specs = _checksummed_upload(h, "CRC32", "FULL_OBJECT")
    wrong = b64_digest(Algorithm.CRC32, b"nope")
    right = b64_digest(Algorithm.CRC32, A + B + C)
    message = "The crc32 you specified did not match the calculated checksum."
    for checksums, kind in [
        ((("crc32", wrong),), "FULL_OBJECT"),
        ((("crc32", right),), None),
        ((("crc32c", b64_digest(Algorithm.CRC32C, A + B + C)),), "FULL_OBJECT"),
    ]:
        with pytest.raises(errors.BadDigest) as exc:
            h.complete(uid, *specs, checksums=checksums, checksum_type=kind)
        expect(exc.value, "BadDigest", 400, message)
    with pytest.raises(errors.InvalidRequest) as exc:
        h.complete(uid, *specs, checksums=(("crc32", "%%%"),), checksum_type="FULL_OBJECT")
    expect(exc.value, "InvalidRequest", 400, "Value for x-amz-checksum-crc32 header is invalid.")
    done = h.complete(uid, *specs, checksums=(("crc32", right),), checksum_type="FULL_OBJECT")
    assert done.checksum.value == right


def test_final_checksum_composite(h):
    """§5.1 step 10: COMPOSITE: the -N value must match (ceph test_multipart_checksum_sha256 'bad' →
    BadDigest); the right value with its -N suffix passes."""
    uid, specs = _checksummed_upload(h, "SHA256")
    joined = b"".join(raw_digest(Algorithm.SHA256, d) for d in (A, B, C))
    right = b64_digest(Algorithm.SHA256, joined)
    with pytest.raises(errors.BadDigest):
        h.complete(uid, *specs, checksums=(("sha256", f"{b64_digest(Algorithm.SHA256, b'bad')}-3"),))
    with pytest.raises(errors.BadDigest):
        h.complete(uid, *specs, checksums=(("sha256", f"{right}-2"),))
    assert h.parts(uid)
    assert h.complete(uid, *specs, checksums=(("sha256", f"{right}-3"),)).checksum.value == f"{right}-3"


@pytest.mark.parametrize("created", [{}, {"checksum_algorithm": "CRC32"}], ids=["plain", "crc32"])
def test_final_checksum_of_other_algorithm_is_ignored(h, created):
    """§5.1 step 10: a final checksum header of another algorithm, or for an upload with none, is
    ignored (vgw CompleteMultipartUpload_should_ignore_the_final_checksum)."""
    uid = h.create(**created)
    h.put(uid, 1, A)
    listed = spec(1, md5_hex(A), *([("CRC32", b64_digest(Algorithm.CRC32, A))] if created else []))
    h.complete(uid, listed, checksums=(("sha256", "garbage"),))
    assert h.object_bytes() == A


# -- ETags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"x", A, bytes(range(256)) * 3])
def test_part_etag_is_md5_hex(h, data):
    """§3 Response: the part ETag is the md5 hex of the decoded body."""
    uid = h.create()
    assert h.put(uid, 1, data).etag == hashlib.md5(data).hexdigest()
    assert h.store.parts(uid)[1].etag == hashlib.md5(data).hexdigest()


def test_object_etag_is_md5_of_md5s_with_count(h):
    """§5.2: the object ETag is md5(binary md5s).hex + "-N", N the number of listed parts."""
    datas = [bytes([n]) * (MIN + n) for n in range(1, 6)]
    uid = h.create()
    for number, data in enumerate(datas, start=1):
        h.put(uid, number, data)
    result = h.complete(uid, *(spec(n, md5_hex(d)) for n, d in enumerate(datas, start=1)))
    digest = hashlib.md5(b"".join(bytes.fromhex(hashlib.md5(d).hexdigest()) for d in datas)).hexdigest()
    assert result.etag == f"{digest}-5"
    assert h.store.get_object(BUCKET, "k").etag == f"{digest}-5"


# -- §7: ListParts -------------------------------------------------------------------------------------


def _many_parts(h: Harness, numbers=(1, 2, 4, 7, 9)) -> str:
    uid = h.create()
    for number in numbers:
        h.put(uid, number, bytes([number]) * number)
    return uid


def test_list_parts_all(h):
    """§7: parts ascending with size and md5 ETag; defaults marker 0, max-parts 1000; not truncated;
    NextPartNumberMarker is the last part's number."""
    uid = _many_parts(h)
    page = h.store.list_parts(BUCKET, "k", uid)
    assert [(p.number, p.size, p.etag) for p in page.parts] == [
        (n, n, md5_hex(bytes([n]) * n)) for n in (1, 2, 4, 7, 9)
    ]
    assert (page.marker, page.next_marker, page.max_parts, page.truncated) == (0, 9, 1000, False)


@pytest.mark.parametrize(
    ("max_parts", "marker", "numbers", "next_marker", "truncated"),
    [
        ("2", None, [1, 2], 2, True),
        ("2", "2", [4, 7], 7, True),
        ("2", "7", [9], 9, False),
        ("2", "3", [4, 7], 7, True),  # the marker is a part number, not an index
        ("5", "0", [1, 2, 4, 7, 9], 9, False),
        ("10", "9", [], 0, False),
        ("10", "100", [], 0, False),
        ("4", "", [1, 2, 4, 7], 7, True),
    ],
)
def test_list_parts_paging(h, max_parts, marker, numbers, next_marker, truncated):
    """§7: parts numbered above the marker, up to max-parts; IsTruncated when more follow;
    NextPartNumberMarker is the last returned or 0; PartNumberMarker echoes the request."""
    uid = _many_parts(h)
    page = h.store.list_parts(BUCKET, "k", uid, max_parts=max_parts, part_number_marker=marker)
    assert [p.number for p in page.parts] == numbers
    assert (page.next_marker, page.truncated, page.max_parts) == (next_marker, truncated, int(max_parts))
    assert page.marker == int(marker or 0)


def test_list_parts_walk(h):
    """§7: following NextPartNumberMarker visits every part once (bounded loop)."""
    uid = _many_parts(h, numbers=tuple(range(1, 24, 2)))
    seen, marker = [], None
    for _ in range(20):
        page = h.store.list_parts(BUCKET, "k", uid, max_parts="5", part_number_marker=marker)
        seen += [p.number for p in page.parts]
        if not page.truncated:
            break
        marker = str(page.next_marker)
    assert seen == list(range(1, 24, 2))


@pytest.mark.parametrize("value", ["1000", "1001", "5000", "2147483647"])
def test_list_parts_max_parts_clamped(h, value):
    """§7: max-parts above 1000 is clamped to 1000 and echoed as 1000."""
    uid = _many_parts(h)
    assert h.store.list_parts(BUCKET, "k", uid, max_parts=value).max_parts == 1000


@pytest.mark.parametrize("name", ["max-parts", "part-number-marker"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Argument {name} must be an integer between 0 and 2147483647"),
        ("-2147483649", "Argument {name} must be an integer between 0 and 2147483647"),
        ("abc", "Provided {name} not an integer or within integer range"),
        ("1.5", "Provided {name} not an integer or within integer range"),
        ("2147483648", "Provided {name} not an integer or within integer range"),
        ("\u0661", "Provided {name} not an integer or within integer range"),
    ],
)
def test_list_parts_invalid_arguments(h, name, value, message):
    """§7 steps 2-3: negative values and non-integers are 400 InvalidArgument with ArgumentName/Value."""
    uid = _many_parts(h)
    kwargs = {"max_parts": value} if name == "max-parts" else {"part_number_marker": value}
    with pytest.raises(errors.InvalidArgument) as exc:
        h.store.list_parts(BUCKET, "k", uid, **kwargs)
    expect(
        exc.value,
        "InvalidArgument",
        400,
        message.format(name=name),
        [("ArgumentName", name), ("ArgumentValue", value)],
    )


def test_list_parts_empty_upload(h):
    """§7: an upload with no parts lists none, IsTruncated false, NextPartNumberMarker 0."""
    uid = h.create()
    page = h.store.list_parts(BUCKET, "k", uid)
    assert (page.parts, page.truncated, page.next_marker) == ((), False, 0)


# -- §8: ListMultipartUploads ----------------------------------------------------------------------


def _uploads(h: Harness, keys) -> list[tuple[str, str]]:
    return [(key, h.create(key)) for key in keys]


def _listed(page) -> list[tuple[str, str]]:
    return [(u.key, u.upload_id) for u in page.uploads]


def test_list_uploads_order(h):
    """§8: by key in byte order, then by initiation time for the same key."""
    made = _uploads(h, ["b", "a", "b", "Z", "a/b", "a-b", "\u00e9", "b"])
    expected = sorted(made, key=lambda item: (item[0].encode("utf-8"), made.index(item)))
    page = h.store.list_multipart_uploads(BUCKET)
    assert _listed(page) == expected
    assert (page.truncated, page.max_uploads) == (False, 1000)
    assert (page.next_key_marker, page.next_upload_id_marker) == expected[-1]


def test_list_uploads_empty(h):
    """§8: KeyMarker/UploadIdMarker are empty when not given; Next* markers are empty on an empty page."""
    page = h.store.list_multipart_uploads(BUCKET)
    assert (page.uploads, page.common_prefixes, page.truncated) == ((), (), False)
    assert (page.key_marker, page.upload_id_marker, page.next_key_marker, page.next_upload_id_marker) == (
        "",
    ) * 4


def test_list_uploads_prefix(h):
    """§8: prefix keeps only keys that begin with it."""
    made = _uploads(h, ["foo/a", "foo", "fo", "bar/foo", "foo/b"])
    page = h.store.list_multipart_uploads(BUCKET, prefix="foo")
    assert _listed(page) == [made[1], made[0], made[4]]
    assert page.prefix == "foo"


def test_list_uploads_delimiter_common_prefixes_count_toward_max(h):
    """§8 Delimiter: keys with the delimiter collapse into CommonPrefixes, each counting as one entry
    toward max-uploads; a page whose last entry is a common prefix names no next markers, truncated or
    not, and a key-marker naming that prefix resumes after its group [LS-AWS:
    test_list_multipart_uploads_marker_common_prefixes, recorded 2026-02-21; this overrides vgw
    ListMultipartUploads_delimiter_truncated]."""
    _uploads(
        h, ["abc/something", "foo/bar/baz", "foo/quxx", "xyz/hello", "zzz/bca", "some/very/nested/mp/object"]
    )
    page = h.store.list_multipart_uploads(BUCKET, delimiter="/", max_uploads="2")
    assert (page.uploads, page.common_prefixes, page.truncated) == ((), ("abc/", "foo/"), True)
    assert (page.next_key_marker, page.next_upload_id_marker) == ("", "")

    following = h.store.list_multipart_uploads(BUCKET, delimiter="/", key_marker="foo/")
    assert following.uploads == ()
    assert following.common_prefixes == ("some/", "xyz/", "zzz/")
    assert following.truncated is False
    assert (following.next_key_marker, following.next_upload_id_marker) == ("", "")


def test_list_uploads_upload_id_marker_must_name_an_upload_of_the_key_marker(h):
    """§8 Markers: key-marker = a common prefix with upload-id-marker = an upload under it is not an
    upload of that key: InvalidArgument "Invalid uploadId marker" [LS-AWS: test_list_multiparts_next_marker
    (list-multiparts-wrong-id-for-key)]. AWS never hands out such a pair (see the test above)."""
    made = dict(_uploads(h, ["abc/something", "foo/bar/baz", "foo/quxx"]))
    with pytest.raises(errors.InvalidArgument, match="Invalid uploadId marker"):
        h.store.list_multipart_uploads(
            BUCKET, delimiter="/", key_marker="foo/", upload_id_marker=made["foo/bar/baz"]
        )


def test_list_uploads_delimiter_mixes_uploads_and_prefixes(h):
    """§8: with prefix and delimiter, keys without a further delimiter stay uploads; the rest fold."""
    made = dict(
        _uploads(h, ["foo/abc/bbb", "foo/bar/baz", "foo/quxx", "foo/random/a", "foo/random/b", "hello"])
    )
    page = h.store.list_multipart_uploads(BUCKET, prefix="foo/", delimiter="/")
    assert page.common_prefixes == ("foo/abc/", "foo/bar/", "foo/random/")
    assert _listed(page) == [("foo/quxx", made["foo/quxx"])]
    assert page.delimiter == "/"


def test_list_uploads_key_marker(h):
    """§8: key-marker alone lists keys strictly greater than it."""
    made = _uploads(h, ["a", "b", "b", "c"])
    page = h.store.list_multipart_uploads(BUCKET, key_marker="b")
    assert _listed(page) == [made[3]]
    assert (page.key_marker, page.upload_id_marker) == ("b", "")


@pytest.mark.parametrize("marker", ["garbage", None])
def test_list_uploads_upload_id_marker_ignored_without_key_marker(h, marker):
    """§8: upload-id-marker is ignored without key-marker, even a garbage value."""
    made = _uploads(h, ["a", "b"])
    page = h.store.list_multipart_uploads(BUCKET, upload_id_marker=marker or made[0][1])
    assert _listed(page) == made
    assert page.upload_id_marker == ""


def test_list_uploads_key_and_upload_id_marker(h):
    """§8: key-marker + upload-id-marker: later uploads of that key, then greater keys."""
    made = _uploads(h, ["a", "b", "b", "b", "c"])
    page = h.store.list_multipart_uploads(BUCKET, key_marker="b", upload_id_marker=made[1][1])
    assert _listed(page) == [made[2], made[3], made[4]]
    assert (page.key_marker, page.upload_id_marker) == ("b", made[1][1])


@pytest.mark.parametrize("kind", ["unknown", "other-key"])
def test_list_uploads_invalid_upload_id_marker(h, kind):
    """§8: an upload-id-marker naming no upload of that key is 400 InvalidArgument
    "Invalid uploadId marker"."""
    made = _uploads(h, ["a", "b"])
    marker = "nope" if kind == "unknown" else made[1][1]
    with pytest.raises(errors.InvalidArgument) as exc:
        h.store.list_multipart_uploads(BUCKET, key_marker="a", upload_id_marker=marker)
    expect(
        exc.value,
        "InvalidArgument",
        400,
        "Invalid uploadId marker",
        [("ArgumentName", "upload-id-marker"), ("ArgumentValue", marker)],
    )


def test_list_uploads_walk_with_next_markers(h):
    """§8: following NextKeyMarker/NextUploadIdMarker visits every upload once, in order (bounded)."""
    made = _uploads(h, ["k1", "k2", "k1", "k3", "k2", "k1", "k4"])
    expected = sorted(made, key=lambda item: (item[0], made.index(item)))
    seen, key_marker, id_marker = [], None, None
    for _ in range(10):
        page = h.store.list_multipart_uploads(
            BUCKET, max_uploads="2", key_marker=key_marker, upload_id_marker=id_marker
        )
        seen += _listed(page)
        assert (page.next_key_marker, page.next_upload_id_marker) == seen[-1]
        if not page.truncated:
            break
        key_marker, id_marker = page.next_key_marker, page.next_upload_id_marker
    assert seen == expected


@pytest.mark.parametrize(("value", "limit"), [("1000", 1000), ("1001", 1000), ("3", 3)])
def test_list_uploads_max_uploads(h, value, limit):
    """§8: max-uploads defaults to 1000; above 1000 it is clamped to 1000."""
    _uploads(h, ["a", "b", "c", "d"])
    page = h.store.list_multipart_uploads(BUCKET, max_uploads=value)
    assert page.max_uploads == limit
    assert len(page.uploads) == min(limit, 4)
    assert page.truncated is (limit < 4)


def test_list_uploads_negative_max_uploads(h):
    """§8: a negative max-uploads is 400 InvalidArgument."""
    with pytest.raises(errors.InvalidArgument) as exc:
        h.store.list_multipart_uploads(BUCKET, max_uploads="-1")
    expect(
        exc.value,
        "InvalidArgument",
        400,
        "Argument max-uploads must be an integer between 0 and 2147483647",
        [("ArgumentName", "max-uploads"), ("ArgumentValue", "-1")],
    )


# -- buckets and objects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "-abc",
        "abc-",
        ".abc",
        "abc.",
        "a..b",
        "a_b",
        "192.168.1.1",
        "xn--abc",
        "abc-s3alias",
        "a b",
        "caf\u00e9",
    ],
)
def test_invalid_bucket_names(name):
    """S3 bucket naming rules (research basic_ops §3, LS test_s3_uppercase_bucket_name): 400
    InvalidBucketName with <BucketName>; nothing is created."""
    store = Store()
    with pytest.raises(errors.InvalidBucketName) as exc:
        store.create_bucket(name)
    expect(exc.value, "InvalidBucketName", 400, "The specified bucket is not valid.", [("BucketName", name)])
    assert store.bucket_names() == []


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket-1", "0-9", "a.b.c"])
def test_valid_bucket_names(name):
    """S3 bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens."""
    store = Store()
    assert store.create_bucket(name) is True
    assert store.bucket_names() == [name]


def test_recreate_own_bucket_in_us_east_1_is_ok(h):
    """Research basic_ops §3: re-creating one's own bucket in us-east-1 is a 200 no-op; contents stay."""
    h.store.put_object(BUCKET, "k", Payload.of(b"x"), ObjectMeta())
    assert h.store.create_bucket(BUCKET) is False
    assert h.object_bytes() == b"x"


def test_recreate_own_bucket_elsewhere_is_already_owned():
    """Research basic_ops §3: outside us-east-1, re-creating is 409 BucketAlreadyOwnedByYou."""
    store = Store(region="eu-west-1")
    store.create_bucket(BUCKET, "eu-west-1")
    with pytest.raises(errors.BucketAlreadyOwnedByYou) as exc:
        store.create_bucket(BUCKET, "eu-west-1")
    expect(
        exc.value,
        "BucketAlreadyOwnedByYou",
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
        [("BucketName", BUCKET)],
    )


def test_delete_bucket_not_empty(h):
    """Research basic_ops §3: deleting a bucket with objects is 409 BucketNotEmpty; open uploads alone do
    not block it (§10)."""
    h.store.put_object(BUCKET, "k", Payload.of(b"x"), ObjectMeta())
    with pytest.raises(errors.BucketNotEmpty) as exc:
        h.store.delete_bucket(BUCKET)
    expect(
        exc.value,
        "BucketNotEmpty",
        409,
        "The bucket you tried to delete is not empty",
        [("BucketName", BUCKET)],
    )
    assert h.object_bytes() == b"x"
    h.store.delete_object(BUCKET, "k")
    h.create("open-upload")
    h.store.delete_bucket(BUCKET)
    assert h.store.bucket_names() == []


def test_delete_missing_bucket(h):
    """Research basic_ops §3: deleting a missing bucket is 404 NoSuchBucket."""
    with pytest.raises(errors.NoSuchBucket):
        h.store.delete_bucket("missing")


def test_delete_missing_key_is_ok(h):
    """Research basic_ops §7: DeleteObject on a missing key succeeds and changes nothing."""
    h.store.put_object(BUCKET, "other", Payload.of(b"x"), ObjectMeta())
    before = snapshot(h.store)
    h.store.delete_object(BUCKET, "missing")
    assert snapshot(h.store) == before


# -- §1.5, §1.6: body integrity ---------------------------------------------------------------------------


def _put_part(h: Harness, uid: str, data: bytes, **payload) -> None:
    h.put(uid, 1, data, **payload)


def _put_object(h: Harness, uid: str, data: bytes, **payload) -> None:
    h.store.put_object(BUCKET, "k", Payload.of(data, **payload), ObjectMeta())


@pytest.mark.parametrize("call", [_put_part, _put_object], ids=["UploadPart", "PutObject"])
@pytest.mark.parametrize(
    "value",
    ["not base64!", "", base64.b64encode(b"x" * 15).decode(), base64.b64encode(b"x" * 17).decode(), "AAAA"],
    ids=["junk", "empty", "15-bytes", "17-bytes", "short"],
)
def test_invalid_content_md5(h, call, value):
    """§1.6: a Content-MD5 that is not base64 of 16 bytes is 400 InvalidDigest echoing <Content-MD5>;
    nothing is stored."""
    uid = h.create()
    before = snapshot(h.store)
    with pytest.raises(errors.InvalidDigest) as exc:
        call(h, uid, A, content_md5=value)
    expect(
        exc.value,
        "InvalidDigest",
        400,
        "The Content-MD5 you specified was invalid.",
        [("Content-MD5", value)],
    )
    assert snapshot(h.store) == before


@pytest.mark.parametrize("call", [_put_part, _put_object], ids=["UploadPart", "PutObject"])
def test_content_md5_mismatch(h, call):
    """§1.6 (LS-AWS test_s3_invalid_content_md5, recorded 2026-02-21): a well-formed Content-MD5 that does
    not match is 400 BadDigest with ExpectedDigest (PutObject: hex of the value sent; UploadPart: the value
    as sent) and CalculatedDigest (base64 of the real MD5); a correct one passes."""
    uid = h.create()
    sent = hashlib.md5(B).digest()
    before = snapshot(h.store)
    with pytest.raises(errors.BadDigest) as exc:
        call(h, uid, A, content_md5=base64.b64encode(sent).decode())
    expect(
        exc.value,
        "BadDigest",
        400,
        "The Content-MD5 you specified did not match what we received.",
        [
            ("ExpectedDigest", base64.b64encode(sent).decode() if call is _put_part else sent.hex()),
            ("CalculatedDigest", base64.b64encode(hashlib.md5(A).digest()).decode()),
        ],
    )
    assert snapshot(h.store) == before
    call(h, uid, A, content_md5=base64.b64encode(hashlib.md5(A).digest()).decode())
    assert snapshot(h.store) != before


@pytest.mark.parametrize("call", [_put_part, _put_object], ids=["UploadPart", "PutObject"])
def test_content_sha256_mismatch(h, call):
    """§1.5: a hex x-amz-content-sha256 that does not match is 400 XAmzContentSHA256Mismatch with both
    digests; nothing is stored; the right digest (any case) passes."""
    uid = h.create()
    claimed = hashlib.sha256(B).hexdigest()
    before = snapshot(h.store)
    with pytest.raises(errors.XAmzContentSHA256Mismatch) as exc:
        call(h, uid, A, content_sha256=claimed)
    expect(
        exc.value,
        "XAmzContentSHA256Mismatch",
        400,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        [
            ("ClientComputedContentSHA256", claimed),
            ("S3ComputedContentSHA256", hashlib.sha256(A).hexdigest()),
        ],
    )
    assert snapshot(h.store) == before
    call(h, uid, A, content_sha256=hashlib.sha256(A).hexdigest().upper())


def test_content_md5_is_checked_before_sha256_and_checksums(h):
    """§3 step 4-5: Content-MD5 first, then x-amz-content-sha256, then the x-amz-checksum-* claim."""
    uid = h.create()
    bad_md5 = base64.b64encode(hashlib.md5(B).digest()).decode()
    bad_sha = hashlib.sha256(B).hexdigest()
    bad_crc = {Algorithm.CRC32: b64_digest(Algorithm.CRC32, B)}
    with pytest.raises(errors.BadDigest) as exc:
        h.put(uid, 1, A, content_md5=bad_md5, content_sha256=bad_sha, claimed=bad_crc)
    assert exc.value.field("ExpectedDigest") is not None
    with pytest.raises(errors.XAmzContentSHA256Mismatch):
        h.put(uid, 1, A, content_sha256=bad_sha, claimed=bad_crc)
    with pytest.raises(errors.BadDigest) as exc:
        h.put(uid, 1, A, claimed=bad_crc)
    assert exc.value.message == "The CRC32 you specified did not match the calculated checksum."
    assert h.parts(uid) == {}


# -- §10: thread safety -----------------------------------------------------------------------------------


def test_concurrent_part_uploads(h):
    """§10 (thread safety): 8 threads upload distinct part numbers and race on one shared number; the
    store ends consistent and the upload completes with the winning part."""
    uid = h.create()
    shared = {t: bytes([t]) * (MIN + t) for t in range(8)}
    own = {n: bytes([100 + n]) * MIN for n in range(1, 33)}
    barrier = threading.Barrier(8, timeout=10)
    failures: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            barrier.wait()
            for number in range(t * 4 + 1, t * 4 + 5):
                h.put(uid, number, own[number])
                h.put(uid, 100, shared[t])
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []

    parts = h.store.parts(uid)
    assert sorted(parts) == [*range(1, 33), 100]
    for number in range(1, 33):
        assert (parts[number].etag, bytes(parts[number].data)) == (md5_hex(own[number]), own[number])
    winner = bytes(parts[100].data)
    assert winner in shared.values()
    assert parts[100].etag == md5_hex(winner)

    listed = [spec(n, md5_hex(own[n])) for n in range(1, 33)] + [spec(100, md5_hex(winner))]
    result = h.complete(uid, *listed)
    expected = [own[n] for n in range(1, 33)] + [winner]
    assert result.etag == multipart_etag(*expected)
    assert h.object_bytes() == b"".join(expected)


def test_concurrent_completes_of_one_upload(h):
    """§5.4 and §10: racing Completes of one upload all answer the same result; one object is written."""
    uid = _uploaded(h)
    results: list[object] = []
    barrier = threading.Barrier(6, timeout=10)

    def worker() -> None:
        barrier.wait()
        results.append(h.complete(uid, *GOOD))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 6
    assert {r.etag for r in results} == {multipart_etag(A, B, C)}
    assert h.object_bytes() == A + B + C
