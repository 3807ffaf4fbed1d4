"""The values the state machine keeps and hands out: buckets, objects, uploads, parts, results.

Layer 2 (store): no HTTP, no XML. Part bytes are kept as they arrived; an object made by
CompleteMultipartUpload is a view over its parts' buffers, never a copy of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import mmap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from sortedcontainers import SortedDict, SortedList

from pytest_s3mpu.state import checksums, errors
from pytest_s3mpu.state.access import Acl, PublicAccessBlock
from pytest_s3mpu.state.bucket_config import DEFAULT_ENCRYPTION as DEFAULT_BUCKET_ENCRYPTION
from pytest_s3mpu.state.bucket_config import DEFAULT_PAYER, BucketEncryption, Logging
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType
from pytest_s3mpu.state.encryption import DEFAULT as DEFAULT_ENCRYPTION
from pytest_s3mpu.state.encryption import Encryption
from pytest_s3mpu.state.lifecycle import Due, LifecycleConfiguration
from pytest_s3mpu.state.notification import EMPTY as EMPTY_NOTIFICATION
from pytest_s3mpu.state.notification import Notification
from pytest_s3mpu.state.object_lock import NO_LOCK, LockConfiguration, ObjectLock


class Hollow:
    """The length of bytes that were hashed and not kept (the ``sizes`` storage mode).

    Anything that needs the bytes themselves raises ``errors.BytesNotKept``.
    """

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size


Buffer = bytes | bytearray | memoryview | mmap.mmap
Stored = Buffer | Hollow  # what a part or object segment holds

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True, slots=True)
class Limits:
    """S3's size and count limits, as constructor arguments so tests can shrink the minimum part size.

    :param min_part_size: every part of a Complete but the last must be at least this (S3: 5 MiB).
    :param max_body_size: an operator's cap on PutObject and UploadPart bodies, below S3's 5 GiB; a larger
        declared size is EntityTooLarge before a byte of the body is read. None: S3's own limits.
    """

    min_part_size: int = 5 * MIB
    max_part_size: int = 5 * GIB
    max_object_size: int = 5 * GIB  # the largest single PutObject
    max_part_number: int = 10000
    max_list_page: int = 1000
    max_key_length: int = 1024
    max_body_size: int | None = None

    def body_limit(self, s3_limit: int) -> int:
        """The largest body accepted where S3 allows ``s3_limit``."""
        return s3_limit if self.max_body_size is None else min(s3_limit, self.max_body_size)


class ObjectBody:
    """The bytes of an object as a sequence of segments (the part buffers), read without joining.

    Ranged reads find their first segment by bisection, so a GET of part 9,000 of a 10,000-part object
    costs the same as a GET of part 1.
    """

    __slots__ = ("_ends", "_segments", "size")

    def __init__(self, segments: tuple[Stored, ...]) -> None:
        self._segments = tuple(filter(len, segments))
        self._ends = list(itertools.accumulate(map(len, self._segments)))
        self.size = self._ends[-1] if self._ends else 0

    def iter_range(self, start: int = 0, end: int | None = None) -> Iterator[memoryview]:
        """Yield views over bytes ``start`` to ``end`` (exclusive), segment by segment."""
        stop = self.size if end is None else min(end, self.size)
        if start >= stop:
            return
        index = bisect.bisect_right(self._ends, start)
        offset = self._ends[index - 1] if index else 0
        while offset < stop and index < len(self._segments):
            if isinstance(self._segments[index], Hollow):
                raise errors.BytesNotKept()
            segment = memoryview(self._segments[index])  # type: ignore[arg-type]
            lo = max(start - offset, 0)
            hi = min(stop - offset, len(segment))
            yield segment[lo:hi]
            offset += len(segment)
            index += 1

    @property
    def hollow(self) -> bool:
        """Whether the bytes were not kept (the ``sizes`` storage mode)."""
        return any(isinstance(segment, Hollow) for segment in self._segments)

    def read(self, start: int = 0, end: int | None = None) -> bytes:
        """The bytes as one ``bytes`` (a copy: for tests and small objects)."""
        return b"".join(self.iter_range(start, end))


@dataclass(frozen=True, slots=True)
class ObjectMeta:
    """Everything captured from PutObject or CreateMultipartUpload and returned on GET and HEAD."""

    content_type: str = "binary/octet-stream"
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: str | None = None
    metadata: tuple[tuple[str, str], ...] = ()
    storage_class: str = "STANDARD"
    tagging: tuple[tuple[str, str], ...] = ()  # (key, value) in the order sent
    website_redirect_location: str | None = None
    encryption: Encryption = DEFAULT_ENCRYPTION
    acl: Acl | None = None  # None: the owner's FULL_CONTROL (no ACL was set)
    lock: ObjectLock = NO_LOCK  # this version's retention and legal hold (Object Lock buckets only)
    owner: str | None = None  # the writer's canonical ID where it is not the bucket owner (anonymous)


@dataclass(frozen=True, slots=True)
class ObjectChecksum:
    """The checksum S3 keeps for an object; ``value`` carries ``-N`` for COMPOSITE."""

    algorithm: Algorithm
    type: ChecksumType
    value: str


@dataclass(frozen=True, slots=True)
class Payload:
    """A decoded request body with what was computed while streaming it in, and what the client claimed.

    :param data: the decoded bytes (aws-chunked framing already removed).
    :param md5: raw MD5 of ``data``; None when it was not computed because nothing uses it (a part whose
        encryption hides the MD5 from its ETag, sent without Content-MD5: ``bodies.read_payload``).
    :param digests: raw digests computed of ``data``, per algorithm.
    :param sha256: raw SHA-256 of ``data`` when the client sent a hex ``x-amz-content-sha256``.
    :param content_md5: the ``Content-MD5`` header as sent.
    :param content_sha256: the hex ``x-amz-content-sha256`` as sent, when it was a digest.
    :param claimed: ``x-amz-checksum-*`` values sent as headers or trailers (base64 text as sent).
    :param repeated_claims: a trailer's value for an algorithm whose header said otherwise: a second
        claim on the same bytes, checked like the first (never silently preferred to it).
    """

    data: Stored
    md5: bytes | None
    digests: Mapping[Algorithm, bytes] = field(default_factory=dict)
    sha256: bytes | None = None
    content_md5: str | None = None
    content_sha256: str | None = None
    claimed: Mapping[Algorithm, str] = field(default_factory=dict)
    repeated_claims: tuple[tuple[Algorithm, str], ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)

    def content(self) -> bytes:
        """The body as ``bytes`` (small XML bodies); BytesNotKept if it was only hashed."""
        if isinstance(self.data, Hollow):
            raise errors.BytesNotKept()
        return bytes(self.data)

    @classmethod
    def of(
        cls,
        data: Buffer,
        *,
        content_md5: str | None = None,
        content_sha256: str | None = None,
        claimed: Mapping[Algorithm, str] | None = None,
    ) -> Payload:
        """A payload with every digest computed in one call: for direct use of the store."""
        view = memoryview(data)
        digests = {algorithm: checksums.compute(algorithm, view) for algorithm in Algorithm}
        return cls(
            data=data,
            md5=hashlib.md5(view).digest(),
            digests=digests,
            sha256=digests[Algorithm.SHA256] if content_sha256 is not None else None,
            content_md5=content_md5,
            content_sha256=content_sha256,
            claimed=dict(claimed or {}),
        )


@dataclass(frozen=True, slots=True)
class Part:
    """One uploaded part. ``digests`` holds every checksum computed of it (always CRC64NVME)."""

    number: int
    data: Stored
    size: int
    etag: str  # md5 hex (opaque hex for SSE-C / SSE-KMS uploads), unquoted
    md5: bytes  # the ETag's 16 bytes, which the multipart ETag hashes
    last_modified: dt.datetime
    digests: Mapping[Algorithm, bytes]
    reported: Algorithm | None  # the checksum UploadPart answered with, if any
    info: PartInfo  # its entry in the part list of the object it may become, made once, not at Complete
    # (raw digest in the algorithm of the object's checksum, size): what Complete combines, made once
    combine: tuple[bytes, int]

    @property
    def quoted_etag(self) -> str:
        """The ETag as S3 sends it and boto3 returns it (``'"<hex>"'``); ``etag`` is kept unquoted."""
        return f'"{self.etag}"'


class PartInfo(NamedTuple):
    """A part's boundary in a completed object, for GET ?partNumber and GetObjectAttributes.

    A named tuple, like the other per-part values Complete builds by the ten thousand: creating one costs
    a third of a frozen dataclass (whose ``__init__`` goes through ``object.__setattr__``).
    """

    number: int
    size: int
    etag: str
    checksum: str | None

    @property
    def quoted_etag(self) -> str:
        """The ETag as S3 sends it and boto3 returns it (``'"<hex>"'``); ``etag`` is kept unquoted."""
        return f'"{self.etag}"'


@dataclass(frozen=True, slots=True)
class PartRead:
    """Where GET ``?partNumber=N`` reads: bytes ``start`` to ``end`` (exclusive) of the object.

    :param count: the object's part count (None for an object not made by multipart upload).
    :param checksum: the part's own checksum to report, if S3 reports one (spec §9 step 7).
    """

    start: int
    end: int
    count: int | None
    checksum: ObjectChecksum | None


@dataclass(frozen=True, slots=True)
class ObjectAttributes:
    """GetObjectAttributes: the attributes asked for, and a page of the object's parts.

    :param parts: the page of parts when ObjectParts was asked of a multipart object, else None.
    :param part_details: whether S3 lists the parts (only when the upload had a checksum algorithm).
    """

    obj: StoredObject
    names: frozenset[str]
    parts: tuple[PartInfo, ...] | None
    part_details: bool
    marker: int
    next_marker: int
    max_parts: int
    truncated: bool


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    body: ObjectBody
    etag: str  # unquoted: md5 hex, or multipart "hex-N"
    last_modified: dt.datetime
    meta: ObjectMeta
    checksum: ObjectChecksum | None
    parts: tuple[PartInfo, ...] | None = None  # None for objects not made by multipart upload
    # None: written while its bucket had never been versioned (no x-amz-version-id is shown for it);
    # "null" once versioning was configured, or written while it was suspended; else its id.
    version_id: str | None = None
    restore: Restore | None = None  # RestoreObject's restore of an archived object (state/archive.py)

    @property
    def size(self) -> int:
        return self.body.size

    @property
    def quoted_etag(self) -> str:
        """The ETag as S3 sends it and boto3 returns it (``'"<hex>"'``); ``etag`` is kept unquoted."""
        return f'"{self.etag}"'


@dataclass(frozen=True, slots=True)
class Restore:
    """A restore of an archived object (RestoreObject): ready at ``ready_at``, readable for ``days`` after
    that; its rules are in ``archive``."""

    requested_at: dt.datetime
    ready_at: dt.datetime
    days: int

    def expiry(self) -> dt.datetime:
        """When the restored copy goes: ``days`` after completion, rounded up to the next midnight UTC
        (User Guide, "Restoring an archived object")."""
        end = self.ready_at + dt.timedelta(days=self.days)
        midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight + dt.timedelta(days=1)

    def ongoing(self, now: dt.datetime) -> bool:
        return now < self.ready_at

    def available(self, now: dt.datetime) -> bool:
        return self.ready_at <= now < self.expiry()


@dataclass(frozen=True, slots=True)
class DeleteMarker:
    """What a delete without a version id leaves at a key of a versioned bucket: a version with no
    object, which makes the key read as absent while older versions stay readable by id."""

    key: str
    version_id: str
    last_modified: dt.datetime


Version = StoredObject | DeleteMarker  # one entry of a key's version history


class VersioningStatus(Enum):
    """A bucket's versioning state as S3 spells it; a bucket never configured has none."""

    ENABLED = "Enabled"
    SUSPENDED = "Suspended"


class UploadState(Enum):
    OPEN = "open"
    COMPLETED = "completed"
    ABORTED = "aborted"


@dataclass(slots=True)
class Upload:
    """A multipart upload. Mutated only by the store, under its lock."""

    upload_id: str
    bucket: str
    key: str
    initiated: dt.datetime
    order: int  # store sequence at Create: orders uploads of one key by initiation
    meta: ObjectMeta
    algorithm: Algorithm | None
    checksum_type: ChecksumType | None
    key_version_at_create: int
    parts: dict[int, Part] = field(default_factory=dict)
    state: UploadState = UploadState.OPEN
    # Counts every change to ``parts``: a Complete assembled outside the lock commits only if it is unchanged.
    revision: int = 0


@dataclass(frozen=True, slots=True)
class CompleteResult:
    bucket: str
    key: str
    etag: str
    checksum: ObjectChecksum | None
    encryption: Encryption = DEFAULT_ENCRYPTION
    version_id: str | None = None  # the x-amz-version-id to answer (versioning enabled only)
    expiration: Due | None = None  # when a lifecycle Expiration rule expires the object (x-amz-expiration)


@dataclass(frozen=True, slots=True)
class Completion:
    """A completed upload's tombstone: what a retried Complete answers (spec §5.4) while the object it
    made is still current, i.e. while its key's write sequence is still ``version``. It holds that
    number rather than the object, so a deleted or overwritten object's bytes are given back at once;
    the next write or delete at the key drops it (a retry would then answer NoSuchUpload anyway)."""

    upload_id: str
    result: CompleteResult
    version: int


class UploadEntry(NamedTuple):
    """An open upload's place in ListMultipartUploads order: by key, then by initiation."""

    key: str
    order: int
    upload_id: str


@dataclass(slots=True)
class Bucket:
    """A bucket's state. ``objects`` is kept sorted by key and ``upload_order`` by (key, initiation), so a
    listing page seeks to its first entry by bisection instead of sorting the bucket (Python's ``str``
    order is code-point order: UTF-8 byte order, S3's key order, for every key a request can carry).
    A versioned bucket would add a sorted index of (key, version) beside ``objects``."""

    name: str
    region: str  # the AWS Region (``eu-west-1`` for the constraint ``EU``)
    created: dt.datetime
    objects: SortedDict[str, StoredObject] = field(default_factory=SortedDict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    upload_order: SortedList[UploadEntry] = field(default_factory=SortedList)
    # Per-key bookkeeping, kept only while it can matter: for a key with an object or an open upload.
    completions: dict[str, Completion] = field(default_factory=dict)  # by key: the current object's
    key_versions: dict[str, int] = field(default_factory=dict)  # store sequence of the last write
    open_uploads: dict[str, int] = field(default_factory=dict)  # open uploads per key
    ownership: str | None = None  # ObjectOwnership; None once the ownership controls are deleted
    public_access_block: PublicAccessBlock | None = None
    tags: tuple[tuple[str, str], ...] = ()
    acl: Acl | None = None  # None: the owner's FULL_CONTROL
    policy: str | None = None  # the policy document as sent
    versioning: VersioningStatus | None = None
    location_constraint: str | None = None  # CreateBucket's LocationConstraint as sent (GetBucketLocation)
    # Once versioning is configured: every version of every key, oldest first; ``objects[key]`` stays
    # the current version when it is an object, so listing and conditions read it as before.
    history: SortedDict[str, list[Version]] = field(default_factory=SortedDict)
    # Configurations stored and returned (docs/features/bucket-config.md); the encryption is applied.
    encryption: BucketEncryption = DEFAULT_BUCKET_ENCRYPTION
    accelerate: str | None = None  # None: never set (GetBucketAccelerateConfiguration has no Status)
    payer: str = DEFAULT_PAYER
    website: dict[str, Any] | None = None  # the WebsiteConfiguration's elements; None: not set
    replication: dict[str, Any] | None = None  # the ReplicationConfiguration (stored only); None: not set
    cors: tuple[Any, ...] | None = None  # the CORSRules (cors.Rule), applied to browsers; None: not set
    notification: Notification = EMPTY_NOTIFICATION  # stored and returned, never delivered
    lifecycle: LifecycleConfiguration | None = None  # None: never set, or deleted
    logging: Logging | None = None  # LoggingEnabled; None: logging off
    # Id-keyed configurations by kind (bucket_config.ID_CONFIGS: metrics, inventory, ...), then by Id.
    id_configs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    object_lock: LockConfiguration | None = None  # None: Object Lock not enabled

    def add_upload(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload
        self.upload_order.add(UploadEntry(upload.key, upload.order, upload.upload_id))

    def drop_upload(self, upload: Upload) -> None:
        del self.uploads[upload.upload_id]
        self.upload_order.remove(UploadEntry(upload.key, upload.order, upload.upload_id))


@dataclass(frozen=True, slots=True)
class PutResult:
    etag: str
    checksum: ObjectChecksum | None
    encryption: Encryption = DEFAULT_ENCRYPTION
    version_id: str | None = None  # the x-amz-version-id to answer (versioning enabled only)
    expiration: Due | None = None  # when a lifecycle Expiration rule expires the object (x-amz-expiration)


@dataclass(frozen=True, slots=True)
class PartResult:
    etag: str
    checksum: tuple[Algorithm, str] | None  # what UploadPart echoes: algorithm and base64 value
    encryption: Encryption = DEFAULT_ENCRYPTION


@dataclass(frozen=True, slots=True)
class CopyConditions:
    """The ``x-amz-copy-source-if-*`` headers of a copy, as sent."""

    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    if_unmodified_since: str | None = None


@dataclass(frozen=True, slots=True)
class CopyRequest:
    """What a CopyObject request asks besides its source: directives, new metadata, what it changes.

    :param meta: the metadata the request carries (used with ``REPLACE``).
    :param storage_class: ``x-amz-storage-class`` as sent; a new class makes a copy onto itself legal.
    """

    meta: ObjectMeta
    metadata_directive: str | None = None
    tagging_directive: str | None = None
    storage_class: str | None = None
    website_redirect: str | None = None
    checksum_algorithm: str | None = None
    encryption_given: bool = False


@dataclass(frozen=True, slots=True)
class CopyResult:
    """What CopyObject and UploadPartCopy answer: the new ETag, its time, checksum and encryption."""

    etag: str
    last_modified: dt.datetime
    checksum: ObjectChecksum | None
    encryption: Encryption = DEFAULT_ENCRYPTION
    version_id: str | None = None  # the new object's version (CopyObject, versioning enabled)
    source_version_id: str | None = None  # the source's version, when its bucket is versioned
    expiration: Due | None = None  # CopyObject: when a lifecycle Expiration rule expires the copy


@dataclass(frozen=True, slots=True)
class UploadTarget:
    """What UploadPart learns before reading the body: which checksums to compute while streaming."""

    upload_id: str
    part_number: int
    algorithm: Algorithm | None
    checksum_type: ChecksumType | None
    encryption: Encryption = DEFAULT_ENCRYPTION
    # The upload and its bucket as looked up by the checks: storing the part re-checks only that both
    # are still there and the upload still open, without looking it up again.
    upload: Upload | None = field(default=None, compare=False, repr=False)
    home: Bucket | None = field(default=None, compare=False, repr=False)


class CompletedPartSpec(NamedTuple):
    """One ``<Part>`` of a CompleteMultipartUpload body, as sent (numbers still text); a named tuple
    for the same reason as ``PartInfo``."""

    part_number: str
    etag: str
    checksums: tuple[tuple[str, str], ...] = ()  # (element suffix such as "CRC32", value)


@dataclass(frozen=True, slots=True)
class CompleteDocument:
    """A parsed CompleteMultipartUpload body: ``parts`` is None for an empty body."""

    parts: tuple[CompletedPartSpec, ...] | None
    malformed: bool = False


@dataclass(frozen=True, slots=True)
class CompleteOptions:
    """The headers of a CompleteMultipartUpload request that change what it checks."""

    checksum_type: str | None = None
    checksums: tuple[tuple[str, str], ...] = ()  # x-amz-checksum-{algo} headers: (algo lower, value)
    mp_object_size: str | None = None
    if_match: str | None = None
    if_none_match: str | None = None


@dataclass(frozen=True, slots=True)
class PartsPage:
    upload: Upload
    parts: tuple[Part, ...]
    marker: int
    next_marker: int
    max_parts: int
    truncated: bool


@dataclass(frozen=True, slots=True)
class UploadsPage:
    bucket: str
    uploads: tuple[Upload, ...]
    common_prefixes: tuple[str, ...]
    prefix: str
    delimiter: str | None
    key_marker: str
    upload_id_marker: str
    next_key_marker: str
    next_upload_id_marker: str
    max_uploads: int
    truncated: bool


@dataclass(frozen=True, slots=True)
class ObjectsPage:
    bucket: str
    objects: tuple[StoredObject, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    next_marker: str | None  # the last key or prefix returned, to resume after
    key_count: int
    ends_with_prefix: bool = False  # whether that last entry is a common prefix


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    """What DeleteObject / one entry of DeleteObjects did.

    :param version_id: the version asked for (echoed), or None.
    :param delete_marker: a delete marker was made or removed.
    :param marker_version_id: that marker's version id.
    """

    key: str
    error: str | None = None  # an S3 error code, when that key could not be deleted
    message: str | None = None
    version_id: str | None = None
    delete_marker: bool = False
    marker_version_id: str | None = None


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """One entry of ListObjectVersions: a version and whether it is the key's current one."""

    version: Version
    is_latest: bool


@dataclass(frozen=True, slots=True)
class VersionsPage:
    bucket: str
    entries: tuple[VersionEntry, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    next_key_marker: str | None
    next_version_id_marker: str | None
