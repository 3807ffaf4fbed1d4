"""The state machine: buckets, objects and multipart uploads in dicts, behind one lock.

Layer 2 (store): plain calls in, dataclasses out, ``S3Error`` raised. No werkzeug, no XML, no sockets.
Every call checks in S3's order first and mutates last, so a failed call leaves the state exactly as it
was. Bodies are read and hashed by the caller before the call; the lock is held only for dict updates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar, cast

from pytest_s3mpu.state import (
    access,
    archive,
    bucket_config,
    bucket_documents,
    buckets,
    checksums,
    conditions,
    copying,
    cors,
    encryption,
    errors,
    integrity,
    lifecycle,
    listing,
    multipart,
    object_lock,
    policy,
    tagging,
    validation,
    versioning,
    website,
)
from pytest_s3mpu.state.checksums import Algorithm, ChecksumType, b64
from pytest_s3mpu.state.clock import Clock
from pytest_s3mpu.state.config import StoreConfig
from pytest_s3mpu.state.encryption import Encryption, EncryptionRequest
from pytest_s3mpu.state.model import (
    Bucket,
    CompleteDocument,
    CompleteOptions,
    CompleteResult,
    Completion,
    CopyConditions,
    CopyRequest,
    CopyResult,
    DeleteMarker,
    DeleteOutcome,
    Limits,
    ObjectAttributes,
    ObjectBody,
    ObjectChecksum,
    ObjectMeta,
    ObjectsPage,
    Part,
    PartRead,
    PartResult,
    PartsPage,
    Payload,
    PutResult,
    StoredObject,
    Upload,
    UploadsPage,
    UploadState,
    UploadTarget,
    Version,
    VersionEntry,
    VersioningStatus,
    VersionsPage,
)
from pytest_s3mpu.state.object_lock import NO_LOCK, LockRequest, ObjectLock
from pytest_s3mpu.state.tagging import TagSet
from pytest_s3mpu.state.upload_records import ClosedUploads, UploadRecord, record_of

T = TypeVar("T")

# Attempts of a Complete to commit what it assembled outside the lock before it holds the lock throughout.
COMPLETE_ATTEMPTS = 3


@dataclasses.dataclass(frozen=True, slots=True)
class _CompletePlan:
    """What a Complete's checks under the lock found, for the assembly outside it and the commit after."""

    bucket: Bucket
    upload: Upload
    numbers: list[int]
    parts: dict[int, Part]  # a copy: UploadPart may replace parts while the assembly runs
    revision: int
    key_version: int
    limits: Limits


class Store:
    """All S3 state of one endpoint.

    :param limits: S3's size limits; shrink ``min_part_size`` for fast tests.
    :param region: the region new buckets report when the request names none.
    :param clock: the clock every recorded time comes from (a new real-time ``Clock`` by default;
        a plain function returning an aware datetime is read as that clock's real time).
    :param config: the whole configuration at once (then ``limits`` and ``region`` must be left out);
        ``configure`` changes it later.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        region: str | None = None,
        clock: Clock | Callable[[], dt.datetime] | None = None,
        config: StoreConfig | None = None,
    ) -> None:
        if config is not None and (limits is not None or region is not None):
            raise TypeError("give either config or limits / region, not both")
        if config is None:
            config = StoreConfig(limits=limits or Limits(), region=region or "us-east-1")
        self._config = config
        if clock is None:
            clock = Clock()
        self.clock = clock if isinstance(clock, Clock) else Clock.reading(clock)
        self._clock = self.clock.now
        self._lock = threading.Lock()
        self._buckets: dict[str, Bucket] = {}
        self._sequence = 0
        self._closed_uploads = ClosedUploads()  # the inspector's record of the newest closed uploads
        # Told of each lifecycle action the store takes when the clock moves (the app journals them).
        self.on_lifecycle: Callable[[list[lifecycle.LifecycleAction]], None] | None = None
        self._lifecycle_buckets = 0  # buckets with a lifecycle configuration: none, no per-request work
        self._lifecycle_second = 0
        self.clock.on_move(self._clock_moved)

    # -- configuration: one value, swapped whole under the lock -----------------------------------

    def configure(self, config: StoreConfig) -> None:
        """Apply a whole configuration at once: a request sees the old one or the new one, never a mix
        (the plugin calls this before each test with the test's settings)."""
        with self._lock:
            self._config = config

    @property
    def config(self) -> StoreConfig:
        return self._config

    @property
    def limits(self) -> Limits:
        return self._config.limits

    @property
    def region(self) -> str:
        return self._config.region

    @property
    def keep_bytes(self) -> bool:
        """False in the ``sizes`` storage mode: bodies are hashed and dropped."""
        return self._config.keep_bytes

    @property
    def account_id(self) -> str:
        """The AWS account ID this endpoint serves (the account_id setting): the owner of every bucket,
        as ExpectedBucketOwner names it, and the account in its KMS key ARNs."""
        return self._config.account_id

    @property
    def object_ownership(self) -> str:
        """The ObjectOwnership new buckets get (the object_ownership setting; S3's since April 2023)."""
        return self._config.object_ownership

    # -- housekeeping ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every bucket, object and upload (the per-test reset)."""
        with self._lock:
            self._buckets = {}
            self._count_lifecycles()
            self._closed_uploads.clear()

    def _next(self) -> int:
        self._sequence += 1
        return self._sequence

    def _wrote(self, bucket: Bucket, key: str) -> int:
        """A write or delete at ``key``: its new sequence number (spec §5.3's conflict rule). The
        tombstone of the upload that made the key's previous object goes: a retry of it answers
        NoSuchUpload from now on (spec §5.4), which is what the missing upload answers."""
        bucket.completions.pop(key, None)
        version = bucket.key_versions[key] = self._next()
        return version

    @staticmethod
    def _forget_if_unused(bucket: Bucket, key: str) -> None:
        """Drop ``key``'s bookkeeping once nothing can ask for it: no object (whose tombstone a retried
        Complete checks) and no open upload (whose Complete checks for writes since its creation). A
        key written later starts again from a newer sequence number, so forgetting changes no answer."""
        if key not in bucket.objects and key not in bucket.open_uploads:
            bucket.key_versions.pop(key, None)
            bucket.completions.pop(key, None)

    @staticmethod
    def _close_upload(bucket: Bucket, upload: Upload) -> None:
        """An upload completed or aborted: no longer open (nor listed), nor counted at its key."""
        bucket.drop_upload(upload)
        left = bucket.open_uploads[upload.key] - 1
        if left:
            bucket.open_uploads[upload.key] = left
        else:
            del bucket.open_uploads[upload.key]

    def _bucket(self, name: str) -> Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            raise errors.NoSuchBucket(name)
        return bucket

    def _write_encryption(self, name: str, sse: EncryptionRequest) -> Encryption:
        """How a new object or upload in the bucket is encrypted: the request's SSE (a KMS key as an ARN in
        the bucket's region) or the bucket's default."""
        with self._lock:
            target = self._bucket(name)
            account_id = self._config.account_id
            default = bucket_config.object_encryption(target.encryption, target.region, account_id)
            region = target.region
        return encryption.for_write(sse, default, region, account_id=account_id)

    def _open_upload(self, bucket: Bucket, key: str, upload_id: str) -> Upload:
        """The open upload with this ID *for this key*; anything else is NoSuchUpload (spec §1.4)."""
        upload = bucket.uploads.get(upload_id)
        if upload is None or upload.key != key or upload.state is not UploadState.OPEN:
            raise errors.NoSuchUpload(upload_id)
        return upload

    # -- buckets --------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The clock's time to the whole second, as S3 reports times (``.000Z``)."""
        return self._clock()

    def create_bucket(
        self,
        name: str,
        location_constraint: str | None = None,
        ownership: str | None = None,
        acl: access.Acl | None = None,
        tags: TagSet = (),
        object_lock_enabled: bool = False,
        endpoint_region: str | None = None,
    ) -> bool:
        """Create a bucket; True if it was new.

        ``tags`` (CreateBucketConfiguration's Tags) are the new bucket's; re-creating one's own bucket
        in us-east-1 with tags is BucketAlreadyOwnedByYou, without them a 200 (LS-AWS
        test_create_bucket_with_tags_us_east_1_idempotency).

        ``ownership`` (x-amz-object-ownership) and ``acl`` (x-amz-acl / x-amz-grant-*) apply to a new
        bucket only; without an ownership, the store's ``object_ownership`` decides (``access.new_bucket``).

        The endpoint's region decides as S3's regional endpoints do: us-east-1 accepts any other
        region's name as constraint and re-creating one's own bucket there is a 200; elsewhere the
        constraint must name the endpoint's region, and an existing bucket is BucketAlreadyOwnedByYou.

        ``object_lock_enabled`` (x-amz-bucket-object-lock-enabled) enables Object Lock, and with it
        versioning (docs/features/object-lock.md).

        ``endpoint_region`` is the regional endpoint the request was sent to (the region it was signed
        for); the store's ``region`` when None.
        """
        validation.bucket_name(name)
        endpoint = endpoint_region or self.region
        # us-east-1 refuses its own name as constraint; another region's endpoint finds it incompatible
        # [LS-AWS: test_different_location_constraint, recorded 2026-02-21].
        if location_constraint == "us-east-1" and endpoint == "us-east-1":
            raise errors.InvalidLocationConstraint(location_constraint)
        if endpoint == "us-east-1" and location_constraint is not None:
            validation.location_constraint(location_constraint)
        placed = buckets.region_of(location_constraint) if location_constraint is not None else None
        if endpoint != "us-east-1" and placed != endpoint:
            if location_constraint is None:
                raise errors.IllegalLocationConstraintException()
            raise errors.location_constraint_incompatible(location_constraint)
        region = placed or endpoint
        chosen, block = access.new_bucket(access.ownership(ownership), acl, self.object_ownership)
        checked = tagging.check_create_bucket_tags(tags)
        with self._lock:
            existing = self._buckets.get(name)
            if existing is not None:
                if existing.region == "us-east-1" and endpoint == "us-east-1" and not checked:
                    return False
                raise errors.BucketAlreadyOwnedByYou(name)
            self._buckets[name] = Bucket(
                name=name,
                region=region,
                location_constraint=location_constraint,
                created=self._clock(),
                ownership=chosen,
                public_access_block=block,
                acl=acl,
                tags=checked,
                versioning=VersioningStatus.ENABLED if object_lock_enabled else None,
                object_lock=object_lock.ENABLED if object_lock_enabled else None,
            )
            return True

    def delete_bucket(self, name: str) -> None:
        with self._lock:
            bucket = self._bucket(name)
            if not versioning.is_empty(bucket):
                raise errors.BucketNotEmpty(name, versioned=bucket.versioning is not None)
            del self._buckets[name]
            self._count_lifecycles()  # its lifecycle configuration goes with it

    def put_bucket_versioning(self, name: str, status: str | None, mfa_delete: str | None = None) -> None:
        """PutBucketVersioning: ``Enabled`` or ``Suspended``; a versioned bucket never returns to
        unversioned."""
        with self._lock:
            self._bucket(name)
        parsed = versioning.parse_status(status)
        versioning.check_mfa_delete(mfa_delete)
        with self._lock:
            target = self._bucket(name)
            object_lock.check_versioning_change(target.object_lock, parsed is VersioningStatus.ENABLED)
            versioning.configure(target, parsed)

    def get_bucket_versioning(self, name: str) -> VersioningStatus | None:
        """The bucket's versioning status; None for a bucket never configured."""
        with self._lock:
            return self._bucket(name).versioning

    def check_expected_owner(self, name: str, expected: str | None) -> None:
        """The account a request expects to own bucket ``name`` (``access.check_expected_owner``):
        judged before the operation, which changes nothing when it is refused."""
        if expected is None:
            return
        with self._lock:
            exists = name in self._buckets
            account_id = self._config.account_id
        access.check_expected_owner(expected, exists, account_id)

    def check_anonymous(self, name: str, key: str, need: access.Need) -> None:
        """An anonymous request (auth=sigv4, no signature): AccessDenied unless the bucket's ACLs or
        policy let everyone do what it asks (``access.anonymous_may``). A missing bucket is left to the
        operation (NoSuchBucket)."""
        with self._lock:
            target = self._buckets.get(name)
            if target is None:
                return
            if not self._anonymous_may(target, key, need):
                raise errors.AccessDenied()

    def anonymous_writer(self, name: str, acl: access.Acl | None) -> str | None:
        """Who owns an object an anonymous request writes to bucket ``name`` (``access.anonymous_writer``)."""
        with self._lock:
            return access.anonymous_writer(self._bucket(name).ownership, acl)

    @staticmethod
    def _anonymous_may(target: Bucket, key: str, need: access.Need) -> bool:
        found = target.objects.get(key) if key else None
        owner = (found.meta.owner or access.OWNER_ID) if found is not None else None
        resource = f"arn:aws:s3:::{target.name}" + (f"/{key}" if need is not access.Need.LIST else "")
        return access.anonymous_may(
            need,
            target.acl,
            target.public_access_block,
            found.meta.acl if found is not None else None,
            owner,
            policy.allows_anyone(target.policy, need.value, resource) if need.value else False,
            target.ownership,
        )

    def head_bucket(self, name: str) -> Bucket:
        with self._lock:
            return self._bucket(name)

    def list_buckets(self, query: buckets.Query | None = None) -> buckets.Page:
        """ListBuckets: one page of the buckets, by name (``buckets.page``); a bad parameter is refused
        before the buckets are read."""
        query = query or buckets.Query()
        buckets.check(query)
        with self._lock:
            return buckets.page(sorted(self._buckets.values(), key=lambda bucket: bucket.name), query)

    # -- objects --------------------------------------------------------------------------------

    def check_put(
        self,
        bucket: str,
        key: str,
        declared_size: int | None,
        if_match: str | None = None,
        if_none_match: str | None = None,
        sse: EncryptionRequest | None = None,
        acl: access.Acl | None = None,
        lock: LockRequest | None = None,
    ) -> ObjectLock | None:
        """What PutObject checks before reading a body: the bucket, the key, the declared size, the
        encryption headers, the lock headers (``object_lock.requested_lock``), the ACL
        (``access.check_object_acl``), and the write conditions (checked again, atomically, when
        storing). Returns the lock the request asks for, if any."""
        validation.object_key(key, self.limits.max_key_length)
        limit = self.limits.body_limit(self.limits.max_object_size)
        if declared_size is not None and declared_size > limit:
            raise errors.EntityTooLarge(declared_size, limit)
        if sse is not None:
            encryption.for_write(sse, account_id=self.account_id)
        asked = object_lock.requested_lock(lock or LockRequest(), self._clock())
        with self._lock:
            target = self._bucket(bucket)
            object_lock.check_bucket_takes(target.object_lock, asked)
            access.check_object_acl(target.ownership, target.public_access_block, acl, access.OWNER_ID)
            conditions.check_write(key, target.objects.get(key), if_match, if_none_match)
        return asked

    def put_object(
        self,
        bucket: str,
        key: str,
        payload: Payload,
        meta: ObjectMeta,
        if_match: str | None = None,
        if_none_match: str | None = None,
        sse: EncryptionRequest | None = None,
        lock: LockRequest | None = None,
    ) -> PutResult:
        """Store a whole object; it replaces any object at the key at once (spec §5.3 for conditions).
        In an Object Lock bucket it gets the lock asked for, or the bucket's default retention."""
        asked = self.check_put(bucket, key, payload.size, if_match, if_none_match, sse, meta.acl, lock)
        with self._lock:
            config = self._bucket(bucket).object_lock
        if object_lock.needs_digest(config, asked) and payload.content_md5 is None and not payload.claimed:
            raise errors.InvalidRequest(errors.LOCK_DIGEST_REQUIRED)
        written = self._write_encryption(bucket, sse or EncryptionRequest())
        meta = dataclasses.replace(meta, encryption=written)
        claim = integrity.verify_body(payload)
        if claim is not None:
            checksum = ObjectChecksum(claim[0], ChecksumType.FULL_OBJECT, claim[1])
        else:
            value = b64(payload.digests[Algorithm.CRC64NVME])
            checksum = ObjectChecksum(Algorithm.CRC64NVME, ChecksumType.FULL_OBJECT, value)
        if written.hides_md5:
            etag = encryption.opaque_etag()
        else:
            assert payload.md5 is not None, "a whole object's MD5 is always computed"
            etag = payload.md5.hex()
        with self._lock:
            target = self._bucket(bucket)
            conditions.check_write(key, target.objects.get(key), if_match, if_none_match)
            now = self._clock()
            locked = object_lock.new_version_lock(target.object_lock, asked, now)
            obj = StoredObject(
                key=key,
                body=ObjectBody((payload.data,)),
                etag=etag,
                last_modified=now,
                meta=dataclasses.replace(meta, lock=locked),
                checksum=checksum,
            )
            obj = self._store_version(target, obj)
            shown = versioning.shown_id(target, obj.version_id)
            expiration = self._expiry(target, obj)
        return PutResult(etag, checksum, meta.encryption, shown, expiration)

    def check_version_id(self, bucket: str, version_id: str | None) -> None:
        """A ``versionId`` the bucket can have (after the bucket is found, before the key is looked up):
        only "null" on a bucket never versioned, "null" or an id of ours on a versioned one
        [LS-AWS: test_get_object_with_version_unversioned_bucket, test_delete_object, recorded
        2026-02-21]."""
        with self._lock:
            target = self._bucket(bucket)
            if version_id is not None and not versioning.readable(target, version_id):
                raise errors.invalid_version_id(version_id)

    def _store_version(self, target: Bucket, obj: StoredObject) -> StoredObject:
        """Make ``obj`` the current object at its key (a new version once the bucket is versioned) and
        count the write; under the lock, after every check."""
        obj = versioning.stamp(target, obj, self._next())
        versioning.add(target, obj)
        self._wrote(target, obj.key)
        return obj

    def get_object(
        self,
        bucket: str,
        key: str,
        sse: EncryptionRequest | None = None,
        version_id: str | None = None,
        method: str = "GET",
    ) -> StoredObject:
        """The object at the key, or the version named; with ``sse``, reading it must follow its
        encryption (SSE-C key). ``method`` is what a 405 for a delete marker names."""
        with self._lock:
            obj = versioning.read(self._bucket(bucket), key, version_id, method)
        if sse is not None:
            encryption.check_read(obj.meta.encryption, sse)
        return obj

    def check_body_readable(self, obj: StoredObject) -> None:
        """GetObject's bytes of an archived object need a finished, unexpired restore (``archive``)."""
        archive.check_readable(obj, self._clock())

    def restore_header(self, obj: StoredObject) -> str | None:
        """x-amz-restore for GET/HEAD of ``obj``, as of the store's clock."""
        return archive.restore_header(obj, self._clock())

    def restore_object(
        self, bucket: str, key: str, days: str | None, tier: str | None, version_id: str | None = None
    ) -> int:
        """RestoreObject: start (202) or extend (200) the restore of an archived object; its completion
        follows the store's clock (``archive.RETRIEVAL``)."""
        parsed_days, parsed_tier = archive.check_request(days, tier)
        with self._lock:
            target = self._bucket(bucket)
            obj = versioning.read(target, key, version_id, "POST")
            restore, status = archive.request(obj, parsed_days, parsed_tier, self._clock())
            versioning.replace(target, obj, dataclasses.replace(obj, restore=restore))
        return status

    def get_object_part(
        self,
        bucket: str,
        key: str,
        part_number: str | None,
        has_range: bool,
        sse: EncryptionRequest | None = None,
        version_id: str | None = None,
        method: str = "GET",
    ) -> tuple[StoredObject, PartRead]:
        """GET/HEAD ``?partNumber=N`` (spec §9): the object and where part N lies in it."""
        with self._lock:
            self._bucket(bucket)
        number = validation.part_number(part_number, self.limits.max_part_number)
        if has_range:
            raise errors.InvalidRequest(errors.RANGE_WITH_PART_NUMBER)
        obj = self.get_object(bucket, key, sse, version_id, method)
        return obj, multipart.part_read(obj, number)

    def get_object_attributes(
        self,
        bucket: str,
        key: str,
        names: str | None,
        max_parts: str | None = None,
        part_number_marker: str | None = None,
        sse: EncryptionRequest | None = None,
        version_id: str | None = None,
    ) -> ObjectAttributes:
        obj = self.get_object(bucket, key, sse, version_id)
        return multipart.attributes(obj, names, max_parts, part_number_marker, self.limits)

    def delete_object(
        self,
        bucket: str,
        key: str,
        version_id: str | None = None,
        bypass: bool | None = None,
        if_match: str | None = None,
        directory_only: Sequence[str] = (),
    ) -> DeleteOutcome:
        """Delete a key (a versioned bucket: add a delete marker) or one version of it for good;
        deleting a missing key succeeds, as in S3. A version Object Lock protects is AccessDenied
        (``bypass``: x-amz-bypass-governance-retention as sent, None when absent).

        A version id S3 cannot find among the key's versions is 400 InvalidArgument (recorded,
        test_delete_object_versioned "delete-with-bad-version"); a key without versions answers 204.
        ``if_match`` / ``directory_only``: DeleteObject's conditions (``conditions.check_delete``),
        checked against the object the delete would remove, atomically with it.
        """
        conditions.check_delete(None, None, directory_only)
        with self._lock:
            target = self._bucket(bucket)
            object_lock.check_bypass_allowed(target.object_lock, bypass is not None)
            if if_match is not None:
                found = target.objects.get(key)
                if version_id is not None and versioning.readable(target, version_id):
                    version = versioning.find(target, key, version_id)
                    found = version if isinstance(version, StoredObject) else None
                conditions.check_delete(found, if_match, ())
            if version_id is not None and not versioning.readable(target, version_id):
                raise errors.invalid_version_id(version_id)
            if (
                version_id is not None
                and target.versioning is not None
                and key in target.history
                and versioning.find(target, key, version_id) is None
            ):
                raise errors.invalid_version_id(version_id)
            self._check_unlocked(target, key, version_id, bool(bypass))
            return self._delete(target, key, version_id)

    def _check_unlocked(self, target: Bucket, key: str, version_id: str | None, bypass: bool) -> None:
        """A delete of one version (by id) that Object Lock protects is AccessDenied; a delete marker
        is never locked, nor is a delete by key (it adds a marker)."""
        if target.object_lock is None or version_id is None:
            return
        found = versioning.find(target, key, version_id)
        if isinstance(found, StoredObject):
            object_lock.check_delete(found.meta.lock, self._clock(), bypass)

    def _delete(self, target: Bucket, key: str, version_id: str | None) -> DeleteOutcome:
        """One delete, already checked; under the lock. The key's write sequence moves only when its
        current object changes (spec §5.3's conflict rule is about the object a Complete replaces)."""
        before = target.objects.get(key)
        outcome = DeleteOutcome(key)
        if target.versioning is None:
            target.objects.pop(key, None)
        elif version_id is None:
            marker = versioning.marker(target, key, self._next(), self._clock())
            versioning.add(target, marker)
            outcome = DeleteOutcome(key, delete_marker=True, marker_version_id=marker.version_id)
        else:
            removed = versioning.remove(target, key, version_id)
            if removed is not None:
                is_marker = isinstance(removed, DeleteMarker)
                outcome = DeleteOutcome(
                    key,
                    version_id=version_id,
                    delete_marker=is_marker,
                    marker_version_id=version_id if is_marker else None,
                )
        if target.objects.get(key) is not before:
            self._wrote(target, key)
        self._forget_if_unused(target, key)
        return outcome

    def check_bypass(self, bucket: str, bypass: bool | None) -> None:
        """x-amz-bypass-governance-retention on a bucket without Object Lock (``object_lock``)."""
        with self._lock:
            object_lock.check_bypass_allowed(self._bucket(bucket).object_lock, bypass is not None)

    def delete_objects(
        self,
        bucket: str,
        keys: Sequence[str | tuple[str, str | None]],
        bypass: bool | None = None,
        anonymous: bool = False,
    ) -> list[DeleteOutcome]:
        """DeleteObjects: each key (or (key, version id)) deleted as DeleteObject would; a version
        the bucket does not hold is that entry's NoSuchVersion (recorded, test_delete_objects_versioned),
        one Object Lock protects that entry's AccessDenied (recorded, test_delete_locked_object).
        ``anonymous``: each key is judged as an anonymous DeleteObject (``access.anonymous_may``), a
        refused one that entry's AccessDenied (test_s3_batch_delete_objects_using_requests_with_acl)."""
        with self._lock:
            target = self._bucket(bucket)
            object_lock.check_bypass_allowed(target.object_lock, bypass is not None)
            outcomes = []
            for entry in keys:
                key, version_id = (entry, None) if isinstance(entry, str) else entry
                if (
                    version_id is not None
                    and versioning.find(target, key, version_id) is None
                    and (target.versioning is not None or version_id != versioning.NULL)
                ):
                    missing = errors.NoSuchVersion(key, version_id)
                    outcomes.append(DeleteOutcome(key, missing.code, missing.message, version_id))
                    continue
                if anonymous and not self._anonymous_may(target, key, access.Need.DELETE):
                    denied = errors.AccessDenied()
                    outcomes.append(DeleteOutcome(key, denied.code, denied.message, version_id))
                    continue
                try:
                    self._check_unlocked(target, key, version_id, bool(bypass))
                except errors.S3Error as refused:
                    outcomes.append(DeleteOutcome(key, refused.code, refused.message, version_id))
                    continue
                outcomes.append(self._delete(target, key, version_id))
            return outcomes

    def list_objects(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, marker: str | None
    ) -> ObjectsPage:
        """One page of keys after ``marker``, in UTF-8 byte order (which for str is code-point order).

        The page is read from the bucket's sorted index under the lock: O(log n + page) however large
        the bucket, and consistent with every write before or after it.
        """
        start = listing.first_key(marker, prefix, delimiter)
        with self._lock:
            objects = self._bucket(bucket).objects

            def seek(key: str) -> Iterator[tuple[str, StoredObject]]:
                keys, lookup = itertools.tee(objects.irange(minimum=key))
                return zip(keys, map(objects.__getitem__, lookup), strict=True)

            page = listing.paginate(
                seek(start) if start is not None else iter(()), seek, prefix, delimiter, max_keys
            )
        return ObjectsPage(
            bucket=bucket,
            objects=tuple(page.items),
            common_prefixes=tuple(page.prefixes),
            truncated=page.truncated,
            next_marker=page.last_key,
            key_count=page.count,
            ends_with_prefix=page.ends_with_prefix,
        )

    def list_object_versions(
        self,
        bucket: str,
        prefix: str,
        delimiter: str | None,
        max_keys: int,
        key_marker: str = "",
        version_id_marker: str | None = None,
    ) -> VersionsPage:
        """One page of versions and delete markers: by key, then newest first (recorded,
        test_list_objects_versions_markers), read from the bucket's sorted index under the lock, so a page
        costs O(log n + page) as ListObjects does (``listing``).

        A key marker alone resumes as ListObjects' marker does (``listing.first_key``); with a version-id
        marker, after that version of the key (or, if it is gone since, at the next older one).
        """
        marker_sequence: int | None = None
        if key_marker and version_id_marker:
            marker_sequence = versioning.sequence_of(version_id_marker)
            if marker_sequence is None:
                raise errors.invalid_version_id(version_id_marker, "version-id-marker")
        resume_in_key = (
            marker_sequence is not None
            and key_marker.startswith(prefix)
            and listing.rolled_up(key_marker, prefix, delimiter) is None
        )
        first = listing.first_key(key_marker or None, prefix, delimiter)
        with self._lock:
            target = self._bucket(bucket)
            history, objects = target.history, target.objects
            versioned = target.versioning is not None
            keys_from = history.irange if versioned else objects.irange  # sorted keys, from a key on

            def newest_first(key: str) -> list[Version]:
                return history[key][::-1] if versioned else [objects[key]]

            def seek(key: str) -> Iterator[tuple[str, VersionEntry]]:
                for found in keys_from(minimum=key):
                    for position, version in enumerate(newest_first(found)):
                        yield found, VersionEntry(version, position == 0)

            def entries() -> Iterator[tuple[str, VersionEntry]]:
                if resume_in_key and key_marker in (history if versioned else objects):
                    assert version_id_marker is not None and marker_sequence is not None
                    versions = newest_first(key_marker)
                    resume = versioning.resume_at(versions, version_id_marker, marker_sequence)
                    for position in range(resume, len(versions)):
                        yield key_marker, VersionEntry(versions[position], position == 0)
                if first is not None:
                    yield from seek(first)

            page = listing.paginate(entries(), seek, prefix, delimiter, max_keys)
        next_version = None
        if page.truncated and not page.ends_with_prefix and page.items:
            next_version = versioning.version_id_of(page.items[-1].version)
        return VersionsPage(
            bucket=bucket,
            entries=tuple(page.items),
            common_prefixes=tuple(page.prefixes),
            truncated=page.truncated,
            next_key_marker=page.last_key if page.truncated else None,
            next_version_id_marker=next_version,
        )

    # -- multipart ------------------------------------------------------------------------------

    def create_multipart_upload(
        self,
        bucket: str,
        key: str,
        meta: ObjectMeta,
        checksum_algorithm: str | None = None,
        checksum_type: str | None = None,
        sse: EncryptionRequest | None = None,
        lock: LockRequest | None = None,
    ) -> Upload:
        """Start an upload (spec §2). The object at the key, if any, is not touched. The lock headers
        are checked here and applied at Complete, with the bucket's default retention then."""
        validation.object_key(key, self.limits.max_key_length)
        asked = object_lock.requested_lock(lock or LockRequest(), self._clock())
        with self._lock:
            target = self._bucket(bucket)
            object_lock.check_bucket_takes(target.object_lock, asked)
            access.check_object_acl(target.ownership, target.public_access_block, meta.acl, access.OWNER_ID)
        if asked is not None:
            meta = dataclasses.replace(meta, lock=asked)
        algorithm, kind = multipart.checksum_mode(checksum_algorithm, checksum_type)
        written = self._write_encryption(bucket, sse or EncryptionRequest())
        meta = dataclasses.replace(meta, encryption=written)
        with self._lock:
            target = self._bucket(bucket)
            upload = Upload(
                upload_id=multipart.new_upload_id(),
                bucket=bucket,
                key=key,
                initiated=self._clock(),
                order=self._next(),
                meta=meta,
                algorithm=algorithm,
                checksum_type=kind,
                key_version_at_create=target.key_versions.get(key, 0),
            )
            target.add_upload(upload)
            target.open_uploads[key] = target.open_uploads.get(key, 0) + 1
            return upload

    def check_upload_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: str | None,
        declared_size: int | None,
        sse: EncryptionRequest | None = None,
    ) -> UploadTarget:
        """UploadPart's checks before the body is read (spec §3 steps 1-3, the 5 GiB limit, and the
        SSE-C key every part of an SSE-C upload must carry)."""
        limits = self.limits
        with self._lock:
            home = self._bucket(bucket)
            # spec §3: the part-number check comes before NoSuchUpload, after NoSuchBucket.
            number = validation.part_number(part_number, limits.max_part_number)
            upload = self._open_upload(home, key, upload_id)
        # An upload's algorithm, type and encryption never change: checked outside the lock.
        if sse is not None:
            encryption.check_part(upload.meta.encryption, sse)
        if declared_size is not None:
            self._check_part_size(declared_size, limits)
        return UploadTarget(
            upload_id, number, upload.algorithm, upload.checksum_type, upload.meta.encryption, upload, home
        )

    def _check_part_size(self, size: int, limits: Limits | None = None) -> None:
        """A part's body above S3's 5 GiB (or the operator's ``max_body_size``) is EntityTooLarge."""
        limits = limits or self.limits
        limit = limits.body_limit(limits.max_part_size)
        if size > limit:
            raise errors.EntityTooLarge(size, limit)

    def _commit_part(self, bucket: str, target: UploadTarget, part: Part) -> None:
        """Store a checked part: the commit step re-checks only what can change while the body streamed in
        (the bucket deleted, the upload aborted or completed: S3 then answers NoSuchBucket / NoSuchUpload)."""
        upload, home = target.upload, target.home
        assert upload is not None and home is not None, "a target from check_upload_part"
        with self._lock:
            current = self._buckets.get(bucket)
            if current is None:
                raise errors.NoSuchBucket(bucket)
            if current is not home or upload.state is not UploadState.OPEN:
                raise errors.NoSuchUpload(target.upload_id)
            upload.parts[part.number] = part
            upload.revision += 1

    def upload_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: str | None,
        payload: Payload,
        sse: EncryptionRequest | None = None,
        target: UploadTarget | None = None,
    ) -> PartResult:
        """Store a part, replacing any earlier part with the same number (spec §3). A part of an upload
        with lock parameters, or into a bucket with a default retention, needs a digest as PutObject does.

        ``target``: what ``check_upload_part`` answered before the body was read (the app passes it, so
        the upload is looked up once); without it, the checks run here.
        """
        if target is None or target.upload is None:
            target = self.check_upload_part(bucket, key, upload_id, part_number, payload.size, sse)
        else:  # a body without a declared size (chunked) is measured only now
            self._check_part_size(payload.size)
        upload, home = target.upload, target.home
        assert upload is not None and home is not None, "a target from check_upload_part"
        lock = upload.meta.lock
        asked = None if lock is NO_LOCK or lock == NO_LOCK else lock  # the shared NO_LOCK: no comparison
        if (
            object_lock.needs_digest(home.object_lock, asked)
            and payload.content_md5 is None
            and not payload.claimed
        ):
            raise errors.InvalidRequest(errors.LOCK_PART_DIGEST_REQUIRED)
        reported = integrity.part_checksum(payload, target.algorithm, target.checksum_type)
        if target.encryption.hides_md5:
            etag = encryption.opaque_etag()
            md5 = bytes.fromhex(etag)
        else:  # the MD5 is skipped only for a part whose encryption hides it (operations.upload_part)
            assert payload.md5 is not None, "the MD5 of a part whose ETag is its MD5"
            etag, md5 = payload.md5.hex(), payload.md5
        part = Part(
            number=target.part_number,
            data=payload.data,
            size=payload.size,
            etag=etag,
            md5=md5,
            last_modified=self._clock(),
            digests=payload.digests,
            reported=reported[0] if reported else None,
            info=multipart.part_info(
                target.part_number, payload.size, etag, payload.digests, target.algorithm
            ),
            combine=multipart.combine_entry(payload.size, payload.digests, target.algorithm),
        )
        self._commit_part(bucket, target, part)
        return PartResult(part.etag, reported, target.encryption)

    def _copy_source(
        self, copy_source: str, source_sse: EncryptionRequest | None = None, part: bool = False
    ) -> tuple[str, str, StoredObject]:
        """The object a copy reads, with its bucket and key: the header parsed, then looked up
        (spec §4 steps 2-3), the version named in it too.

        A version id that is not one at all (``abc``) is InvalidRequest for CopyObject and InvalidArgument
        naming the header for UploadPartCopy (``part``); a delete marker named by id is InvalidRequest (a
        probe of AWS, see docs/features/versioning.md). An id a bucket cannot have is answered as GetObject
        answers it (InvalidArgument naming versionId on a bucket never versioned).
        """
        source_bucket, source_key, version_id = validation.copy_source(copy_source)
        with self._lock:
            bucket = self._bucket(source_bucket)
            if version_id is not None and versioning.sequence_of(version_id) is None:
                if part:
                    raise errors.invalid_version_id(version_id, errors.COPY_SOURCE_HEADER)
                raise errors.InvalidRequest()
            try:
                source = versioning.read(bucket, source_key, version_id, "GET")
            except errors.MethodNotAllowed:
                raise errors.copy_of_delete_marker() from None
        if source_sse is not None:  # an SSE-C source is read with its key (x-amz-copy-source-...-customer-*)
            encryption.check_read(source.meta.encryption, source_sse)
        return source_bucket, source_key, source

    def upload_part_copy(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        part_number: str | None,
        copy_source: str,
        copy_range: str | None = None,
        copy_conditions: CopyConditions | None = None,
        sse: EncryptionRequest | None = None,
        source_sse: EncryptionRequest | None = None,
    ) -> CopyResult:
        """UploadPartCopy (spec §4): a part made of a whole object or a byte range of one.

        Like every part of an SSE-C upload it carries the upload's key (``sse``); an SSE-C source is read
        with its own key (``source_sse``).
        """
        target = self.check_upload_part(bucket, key, upload_id, part_number, None, sse)
        copy_conditions = copy_conditions or CopyConditions()
        _, _, source = self._copy_source(copy_source, source_sse, part=True)
        start, end = 0, source.size
        if copy_range is not None:
            first, last = validation.copy_range(copy_range)
            start, end = validation.copy_range_fits(copy_range, first, last, source.size)
        conditions.check_copy_source(
            source,
            copy_conditions.if_match,
            copy_conditions.if_none_match,
            copy_conditions.if_modified_since,
            copy_conditions.if_unmodified_since,
            self._clock(),
        )
        data = source.body.read(start, end)
        wanted = {Algorithm.CRC64NVME} | ({target.algorithm} if target.algorithm else set())
        digests = {algorithm: checksums.compute(algorithm, data) for algorithm in wanted}
        etag = encryption.opaque_etag() if target.encryption.hides_md5 else hashlib.md5(data).hexdigest()
        now = self._clock()
        part = Part(
            number=target.part_number,
            data=data,
            size=len(data),
            etag=etag,
            md5=bytes.fromhex(etag),
            last_modified=now,
            digests=digests,
            reported=target.algorithm,
            info=multipart.part_info(target.part_number, len(data), etag, digests, target.algorithm),
            combine=multipart.combine_entry(len(data), digests, target.algorithm),
        )
        self._commit_part(bucket, target, part)
        checksum = None
        if target.algorithm is not None and target.checksum_type is not None:
            checksum = ObjectChecksum(target.algorithm, target.checksum_type, b64(digests[target.algorithm]))
        source_version = versioning.source_version(source)
        return CopyResult(part.etag, now, checksum, target.encryption, source_version_id=source_version)

    def copy_object(
        self,
        bucket: str,
        key: str,
        copy_source: str,
        request: CopyRequest,
        copy_conditions: CopyConditions | None = None,
        sse: EncryptionRequest | None = None,
        source_sse: EncryptionRequest | None = None,
        lock: LockRequest | None = None,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> CopyResult:
        """CopyObject: a new object sharing the source's bytes (no copy is made; objects are immutable).

        The copy is not multipart: its ETag is the MD5 of the bytes, its checksum a FULL_OBJECT one. Its
        lock is the request's (or the bucket's default retention), never the source's (recorded,
        test_s3_copy_object_retention_lock, test_s3_copy_object_legal_hold).
        ``if_match`` / ``if_none_match`` (If-Match / If-None-Match) are conditions on the destination, as
        PutObject's are (spec §5.3), checked first and again, atomically, when the copy is stored
        [LS-AWS: TestS3ObjectWritePrecondition::test_copy_object_if_*, recorded 2026-02-21].
        """
        validation.object_key(key, self.limits.max_key_length)
        asked = object_lock.requested_lock(lock or LockRequest(), self._clock())
        with self._lock:
            target = self._bucket(bucket)
            object_lock.check_bucket_takes(target.object_lock, asked)
            acl = request.meta.acl
            access.check_object_acl(target.ownership, target.public_access_block, acl, access.OWNER_ID)
            conditions.check_write(key, target.objects.get(key), if_match, if_none_match)
        source_bucket, source_key, source = self._copy_source(copy_source, source_sse)
        copy_conditions = copy_conditions or CopyConditions()
        conditions.check_copy_source(
            source,
            copy_conditions.if_match,
            copy_conditions.if_none_match,
            copy_conditions.if_modified_since,
            copy_conditions.if_unmodified_since,
            self._clock(),
        )
        meta = copying.copied_meta(source.meta, request)
        if sse is not None:
            written = self._write_encryption(bucket, sse)
            meta = dataclasses.replace(meta, encryption=written)
        copying.check_not_onto_itself(
            (source_bucket, source_key) == (bucket, key),
            request,
            target.encryption is not bucket_config.DEFAULT_ENCRYPTION,
            source.meta.encryption.sse in encryption.KMS_ALGORITHMS,
        )
        raw_algorithm = request.checksum_algorithm
        algorithm = checksums.requested_algorithm(raw_algorithm) if raw_algorithm else None
        etag, checksum = copying.copied_digests(source, algorithm)
        if meta.encryption.hides_md5:
            etag = encryption.opaque_etag()
        now = self._clock()
        with self._lock:
            target = self._bucket(bucket)
            conditions.check_write(key, target.objects.get(key), if_match, if_none_match)
            locked = object_lock.new_version_lock(target.object_lock, asked, now)
            meta = dataclasses.replace(meta, lock=locked)
            obj = StoredObject(
                key=key, body=source.body, etag=etag, last_modified=now, meta=meta, checksum=checksum
            )
            obj = self._store_version(target, obj)
            expiration = self._expiry(target, obj)
        # A copy names its new version in a suspended bucket too ("null"; recorded,
        # test_s3_copy_object_in_place_versioned), and a source version other than "null".
        source_version = versioning.source_version(source)
        return CopyResult(etag, now, checksum, meta.encryption, obj.version_id, source_version, expiration)

    def complete_multipart_upload(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        document: CompleteDocument,
        options: CompleteOptions | None = None,
    ) -> CompleteResult:
        """Assemble the listed parts into the object, checking in the order of spec §5.1.

        Check, then commit: the checks that read the store run under the lock and take a copy of the
        upload's parts; the parts are checked and the object assembled outside it (about 2 ms per
        1,000 parts, during which other requests are answered); the commit, under the lock again,
        re-checks only what can have changed meanwhile (the bucket, the upload still open with the same
        parts, the key's write sequence) and otherwise starts over. After ``COMPLETE_ATTEMPTS`` such
        races the last attempt holds the lock throughout, so a Complete always finishes.
        """
        options = options or CompleteOptions()
        listed = multipart.checked_document(document, upload_id)  # pure: before any lock
        specs = document.parts or ()
        for attempt in range(1, COMPLETE_ATTEMPTS + 1):
            with self._lock:
                plan = self._complete_plan(bucket, key, upload_id, listed, options)
                if isinstance(plan, CompleteResult):
                    return plan
                if attempt == COMPLETE_ATTEMPTS:
                    built = multipart.assemble(
                        plan.upload, plan.numbers, specs, options, plan.limits, self._clock()
                    )
                    return self._commit_complete(plan, built[0], built[1])
            obj, result = multipart.assemble(
                plan.upload, plan.numbers, specs, options, plan.limits, self._clock(), plan.parts
            )
            with self._lock:
                if self._plan_holds(bucket, key, plan):
                    return self._commit_complete(plan, obj, result)
        raise AssertionError("unreachable: the last attempt commits under the lock")  # pragma: no cover

    def _complete_plan(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        listed: list[int] | errors.S3Error,
        options: CompleteOptions,
    ) -> _CompletePlan | CompleteResult:
        """Spec §5.1 steps 1-8 under the lock, in S3's order: the bucket, the upload (or the result a
        retried Complete answers, spec §5.4), the document's own errors, the checksum mode, the write
        conditions. Returns what the assembly needs, the parts copied so it can run outside the lock."""
        target = self._bucket(bucket)
        found = self._completable(target, key, upload_id)
        if isinstance(listed, errors.S3Error):
            raise listed
        if isinstance(found, Completion):
            return found.result
        upload = found
        multipart.check_checksum_mode(upload, options)
        key_version = target.key_versions.get(key, 0)
        conditions.check_write(
            key,
            target.objects.get(key),
            options.if_match,
            options.if_none_match,
            conflict=key_version > upload.key_version_at_create,
        )
        return _CompletePlan(
            target, upload, listed, dict(upload.parts), upload.revision, key_version, self.limits
        )

    def _plan_holds(self, bucket: str, key: str, plan: _CompletePlan) -> bool:
        """Under the lock: nothing the plan's checks read has changed since it was made."""
        return (
            self._buckets.get(bucket) is plan.bucket
            and plan.upload.state is UploadState.OPEN
            and plan.upload.revision == plan.revision
            and plan.bucket.key_versions.get(key, 0) == plan.key_version
        )

    def _commit_complete(
        self, plan: _CompletePlan, obj: StoredObject, result: CompleteResult
    ) -> CompleteResult:
        """The one mutation of a Complete, under the lock after every check: close the upload, store the
        object, keep the result a retry answers (spec §5.4)."""
        target, upload = plan.bucket, plan.upload
        if target.object_lock is not None:
            locked = object_lock.new_version_lock(target.object_lock, obj.meta.lock, obj.last_modified)
            obj = dataclasses.replace(obj, meta=dataclasses.replace(obj.meta, lock=locked))
        upload.state = UploadState.COMPLETED
        self._close_upload(target, upload)
        self._closed_uploads.add(upload, self._clock())
        obj = self._store_version(target, obj)
        shown = versioning.shown_id(target, obj.version_id)
        result = dataclasses.replace(result, version_id=shown, expiration=self._expiry(target, obj))
        # Spec §5.4: a retry answers this result, with this version id, while the object is current.
        target.completions[upload.key] = Completion(upload.upload_id, result, target.key_versions[upload.key])
        return result

    def check_complete(self, bucket: str, key: str, upload_id: str) -> None:
        """What CompleteMultipartUpload checks before its body is read: the bucket, then the upload (spec
        §5.1 step 6 runs first: AWS answers NoSuchUpload to a body-less Complete on an unknown id)."""
        with self._lock:
            self._completable(self._bucket(bucket), key, upload_id)

    def _completable(self, target: Bucket, key: str, upload_id: str) -> Upload | Completion:
        """The open upload a Complete names, or the completion a retried Complete answers with (spec §5.4,
        while the object it made is still current); anything else is NoSuchUpload."""
        completion = target.completions.get(key)
        if completion is not None and completion.upload_id == upload_id:
            if target.key_versions.get(key) == completion.version:
                return completion
            raise errors.NoSuchUpload(upload_id)
        return self._open_upload(target, key, upload_id)

    def abort_multipart_upload(self, bucket: str, key: str, upload_id: str) -> None:
        """Forget an upload and its parts (spec §6); the object at the key is untouched."""
        with self._lock:
            target = self._bucket(bucket)
            upload = self._open_upload(target, key, upload_id)
            upload.state = UploadState.ABORTED
            self._close_upload(target, upload)
            self._closed_uploads.add(upload, self._clock())
            self._forget_if_unused(target, key)

    def list_parts(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        max_parts: str | None = None,
        part_number_marker: str | None = None,
    ) -> PartsPage:
        with self._lock:
            upload = self._open_upload(self._bucket(bucket), key, upload_id)
            return multipart.list_parts(upload, max_parts, part_number_marker, self.limits)

    def list_multipart_uploads(
        self,
        bucket: str,
        prefix: str = "",
        delimiter: str | None = None,
        key_marker: str | None = None,
        upload_id_marker: str | None = None,
        max_uploads: str | None = None,
    ) -> UploadsPage:
        """Spec §8: open uploads by key, then initiation; markers, delimiter and max-uploads."""
        limit = validation.list_limit(
            "max-uploads", max_uploads, self.limits.max_list_page, self.limits.max_list_page
        )
        with self._lock:
            return multipart.list_uploads(
                self._bucket(bucket), prefix, delimiter, key_marker or "", upload_id_marker, limit
            )

    # -- tagging (docs/features/tagging.md) -----------------------------------------------------

    def _tagged_object(
        self,
        target: Bucket,
        key: str,
        version_id: str | None,
        shown_key: str,
        method: str,
        marker_is_missing: bool = False,
    ) -> StoredObject:
        """The object (version) a ``?tagging`` / ``?acl`` request names: on an unversioned bucket its
        one version (``versionId`` may only be ``null``); on a versioned one, by
        ``versioning.subresource_target``, a delete marker answering 405 with ``method``."""
        if target.versioning is not None:
            return versioning.subresource_target(
                target, key, version_id, shown_key, method, marker_is_missing
            )
        tagging.check_version_id(version_id)
        obj = target.objects.get(key)
        if obj is None:
            raise errors.NoSuchKey(shown_key)
        return obj

    def _replace_meta(self, target: Bucket, obj: StoredObject, **changes: object) -> str | None:
        """Store ``obj`` with new tags or ACL: not a write of the object (no new ETag, time or version).
        Returns its version id."""
        meta = dataclasses.replace(obj.meta, **changes)  # type: ignore[arg-type]
        versioning.replace(target, obj, dataclasses.replace(obj, meta=meta))
        return obj.version_id

    def get_object_tagging(
        self, bucket: str, key: str, version_id: str | None = None
    ) -> tuple[TagSet, str | None]:
        """The tag set of the object (version), and its version id."""
        with self._lock:
            # S3 names the key as bucket/key in this NoSuchKey (LS-AWS test_object_tagging_exc).
            obj = self._tagged_object(self._bucket(bucket), key, version_id, f"{bucket}/{key}", "GET")
            return obj.meta.tagging, obj.version_id

    def put_object_tagging(
        self, bucket: str, key: str, tags: TagSet, version_id: str | None = None
    ) -> str | None:
        """Replace an object's tag set (an empty set removes every tag); returns its version id."""
        with self._lock:
            self._bucket(bucket)
        checked = tagging.check_object_tags(tags)
        with self._lock:
            target = self._bucket(bucket)
            obj = self._tagged_object(target, key, version_id, key, "PUT")
            return self._replace_meta(target, obj, tagging=checked)

    def delete_object_tagging(self, bucket: str, key: str, version_id: str | None = None) -> str | None:
        with self._lock:
            target = self._bucket(bucket)
            obj = self._tagged_object(target, key, version_id, key, "DELETE")
            return self._replace_meta(target, obj, tagging=())

    # -- ownership, ACLs, public access block (docs/features/ownership-acl.md) --------------------

    def get_bucket_acl(self, bucket: str) -> access.Acl:
        """A bucket with ACLs disabled answers its owner's FULL_CONTROL, whatever was set before."""
        with self._lock:
            target = self._bucket(bucket)
            if target.acl is None or target.ownership == access.ENFORCED:
                return access.default_acl(access.OWNER_ID)
            return target.acl

    def put_bucket_acl(self, bucket: str, acl: access.Acl) -> None:
        with self._lock:
            target = self._bucket(bucket)
            access.check_object_acl(target.ownership, target.public_access_block, acl, access.OWNER_ID)
            target.acl = acl

    def get_object_acl(
        self, bucket: str, key: str, version_id: str | None = None
    ) -> tuple[access.Acl, str | None]:
        """The object (version)'s ACL and its version id; a key under a delete marker is NoSuchKey
        naming the marker (a probe of AWS, docs/features/versioning.md)."""
        with self._lock:
            target = self._bucket(bucket)
            obj = self._tagged_object(target, key, version_id, key, "GET", marker_is_missing=True)
            if obj.meta.acl is None or target.ownership == access.ENFORCED:
                return access.default_acl(access.OWNER_ID), obj.version_id
            return obj.meta.acl, obj.version_id

    def put_object_acl(
        self, bucket: str, key: str, acl: access.Acl, version_id: str | None = None
    ) -> str | None:
        with self._lock:
            target = self._bucket(bucket)
            obj = self._tagged_object(target, key, version_id, key, "PUT")
            access.check_object_acl(target.ownership, target.public_access_block, acl, access.OWNER_ID)
            return self._replace_meta(target, obj, acl=acl)

    # -- single-document configurations (bucket_documents: ownership, public access block, policy,
    # -- tagging, encryption, accelerate, request payment, CORS, notification, logging, Object Lock) --

    def get_bucket_config(self, kind: bucket_documents.DocConfigKind[T], bucket: str) -> T:
        """The bucket's configuration of this kind; the kind's error when it has none and says so."""
        with self._lock:
            value: T = getattr(self._bucket(bucket), kind.field)
        if kind.missing is not None and value == kind.cleared:
            raise kind.missing(bucket)
        return value

    def put_bucket_config(
        self, kind: bucket_documents.DocConfigKind[T], bucket: str, document: object
    ) -> None:
        """Replace the bucket's configuration of this kind, once the kind's rules pass: the pure ones
        before the lock, those that read state under it."""
        with self._lock:
            self._bucket(bucket)
        value = kind.check(document, bucket) if kind.check is not None else cast(T, document)
        with self._lock:
            target = self._bucket(bucket)
            if kind.admit is not None:
                kind.admit(value, target, self._buckets)
            setattr(target, kind.field, value)

    def delete_bucket_config(self, kind: bucket_documents.DocConfigKind[T], bucket: str) -> None:
        """Back to the kind's unset value; deleting what is not there is no error."""
        with self._lock:
            setattr(self._bucket(bucket), kind.field, kind.cleared)

    # -- website (docs/features/bucket-config.md) ----------------------------------------------

    def get_bucket_website(self, bucket: str) -> website.Website:
        with self._lock:
            config = self._bucket(bucket).website
        if config is None:
            raise errors.NoSuchWebsiteConfiguration(bucket)
        return config

    def put_bucket_website(self, bucket: str, config: website.Website) -> None:
        website.check(config)
        with self._lock:
            self._bucket(bucket).website = config

    def delete_bucket_website(self, bucket: str) -> None:
        """Deleting a configuration that is not there is no error (204, recorded 2026-02-21)."""
        with self._lock:
            self._bucket(bucket).website = None

    def website_answer(self, bucket: str, asked: website.Asked) -> website.Answer:
        """What the bucket's website endpoint answers (``website.answer``): NoSuchBucket and
        NoSuchWebsiteConfiguration as pages too; the objects looked up are the current ones, read as an
        anonymous request may (``website.visitor``)."""
        with self._lock:
            target = self._buckets.get(bucket)
            if target is None:
                return website.Failed(errors.NoSuchBucket(bucket))
            if target.website is None:
                return website.Failed(errors.NoSuchWebsiteConfiguration(bucket))

            anyone = website.visitor(bucket, target)

            def lookup(key: str) -> website.Found | None:
                obj = target.objects.get(key)
                if obj is None:
                    return None
                return website.Found(
                    obj.meta.website_redirect_location or "", anyone.can_read(key, obj.meta.acl)
                )

            return website.answer(target.website, asked, lookup, anyone.can_list())

    # -- lifecycle (state/lifecycle.py) ---------------------------------------------------------

    def get_bucket_lifecycle(self, bucket: str) -> lifecycle.LifecycleConfiguration:
        with self._lock:
            config = self._bucket(bucket).lifecycle
        if config is None:
            raise errors.NoSuchLifecycleConfiguration(bucket)
        return config

    def put_bucket_lifecycle(self, bucket: str, config: lifecycle.LifecycleConfiguration) -> None:
        """Replace the configuration; what the clock has already passed is applied at once."""
        with self._lock:
            self._bucket(bucket).lifecycle = config
            self._count_lifecycles()
        self.apply_lifecycle()

    def delete_bucket_lifecycle(self, bucket: str) -> None:
        """Deleting a configuration that is not there is no error (204, recorded 2026-02-21)."""
        with self._lock:
            self._bucket(bucket).lifecycle = None
            self._count_lifecycles()

    def _count_lifecycles(self) -> None:
        """Under the lock: how many buckets have a lifecycle configuration (``lifecycle_tick``)."""
        self._lifecycle_buckets = sum(1 for b in self._buckets.values() if b.lifecycle is not None)

    def upload_abort_due(self, bucket: str, upload_id: str) -> lifecycle.Due | None:
        """When the bucket's lifecycle aborts this open upload (x-amz-abort-date); None: never. Free (no
        lock) while no bucket has a configuration: UploadPart asks it on every part."""
        if not self._lifecycle_buckets:
            return None
        with self._lock:
            target = self._buckets.get(bucket)
            upload = target.uploads.get(upload_id) if target is not None else None
            if target is None or upload is None:
                return None
            return lifecycle.abort_due(target.lifecycle, upload.key, upload.initiated)

    def object_expiry(self, bucket: str, obj: StoredObject) -> lifecycle.Due | None:
        """When the bucket's lifecycle expires ``obj`` as the current object at its key (x-amz-expiration
        of GetObject / HeadObject), by the rules as they are now; None: no enabled Expiration rule with
        Days or Date matches its key, tags and size. Free (no lock) while no bucket has a configuration."""
        if not self._lifecycle_buckets:
            return None
        with self._lock:
            target = self._buckets.get(bucket)
            return self._expiry(target, obj) if target is not None else None

    @staticmethod
    def _expiry(target: Bucket, obj: StoredObject) -> lifecycle.Due | None:
        """Under the lock: ``lifecycle.expiry_due`` for ``obj`` in ``target`` (the date the expiration
        action, ``apply_lifecycle``, deletes it at, and the rule that says so)."""
        return lifecycle.expiry_due(target.lifecycle, obj.key, obj.meta.tagging, obj.size, obj.last_modified)

    def _clock_moved(self) -> None:
        self.apply_lifecycle()

    def lifecycle_tick(self) -> None:
        """Apply what fell due while the clock flowed on by itself (a set clock crossing midnight): the
        app calls this before each request. Free without a lifecycle configuration; otherwise at most one
        ``apply_lifecycle`` per second the clock shows, so the lazy path and the clock-move path are one."""
        if not self._lifecycle_buckets:
            return
        second = self.clock.second()
        if second != self._lifecycle_second:
            self._lifecycle_second = second
            self.apply_lifecycle()

    def apply_lifecycle(self) -> list[lifecycle.LifecycleAction]:
        """Carry out every lifecycle action due at the clock's time, at once (S3: "eventually"): abort
        the incomplete uploads past their abort date, expire the current objects past their expiry (a
        versioned bucket gets a delete marker, as S3's expiration of a current version does). Called
        when the clock moves and when a configuration is put; ``on_lifecycle`` hears what was done."""
        done: list[lifecycle.LifecycleAction] = []
        with self._lock:
            now = self._clock()
            for target in self._buckets.values():
                config = target.lifecycle
                if config is None:
                    continue
                for upload in list(target.uploads.values()):
                    due = lifecycle.abort_due(config, upload.key, upload.initiated)
                    if due is not None and due.at <= now:
                        upload.state = UploadState.ABORTED
                        self._close_upload(target, upload)
                        self._forget_if_unused(target, upload.key)
                        done.append(
                            lifecycle.LifecycleAction(
                                lifecycle.ABORT, target.name, upload.key, due.rule_id, upload.upload_id
                            )
                        )
                for key, obj in list(target.objects.items()):
                    due = self._expiry(target, obj)  # the date x-amz-expiration showed for it
                    if due is not None and due.at <= now:
                        outcome = self._delete(target, key, None)
                        done.append(
                            lifecycle.LifecycleAction(
                                lifecycle.EXPIRATION,
                                target.name,
                                key,
                                due.rule_id,
                                version_id=outcome.marker_version_id,
                            )
                        )
        listener = self.on_lifecycle
        if done and listener is not None:
            listener(done)
        return done

    def cors_preflight(self, bucket: str, asked: cors.Asked, resource_type: str) -> cors.Verdict:
        """S3's answer to a browser's preflight for ``bucket`` (no auth: a preflight carries none)."""
        with self._lock:
            found = self._buckets.get(bucket)
            config = found.cors if found is not None else None
        return cors.preflight(config, found is not None, asked, resource_type)

    def cors_verdict(self, bucket: str, asked: cors.Asked) -> cors.Verdict | None:
        """What an actual request from a page to ``bucket`` is allowed (None: no CORS header; also when
        the bucket is not there)."""
        with self._lock:
            found = self._buckets.get(bucket)
            config = found.cors if found is not None else None
        return cors.actual(config, asked)

    # -- Id-keyed configurations (bucket_config.ID_CONFIGS: metrics, inventory, analytics, tiering) --

    def get_id_config(self, kind: bucket_config.IdConfigKind, bucket: str, config_id: str) -> dict[str, Any]:
        with self._lock:
            config = self._bucket(bucket).id_configs.get(kind.subresource, {}).get(config_id)
        if config is None:
            raise errors.NoSuchConfiguration()
        return config

    def put_id_config(
        self, kind: bucket_config.IdConfigKind, bucket: str, config_id: str, config: dict[str, Any]
    ) -> None:
        """Add or replace the configuration of this kind with this Id, once the kind's rules pass."""
        with self._lock:
            self._bucket(bucket)
        bucket_config.check_id_config(kind, config_id, config)
        with self._lock:
            self._bucket(bucket).id_configs.setdefault(kind.subresource, {})[config_id] = config

    def delete_id_config(self, kind: bucket_config.IdConfigKind, bucket: str, config_id: str) -> None:
        """Deleting an Id that is not there is NoSuchConfiguration (recorded: the second delete)."""
        with self._lock:
            configs = self._bucket(bucket).id_configs.get(kind.subresource, {})
            if config_id not in configs:
                raise errors.NoSuchConfiguration()
            del configs[config_id]

    def list_id_configs(
        self, kind: bucket_config.IdConfigKind, bucket: str, token: str | None
    ) -> bucket_config.ConfigPage:
        with self._lock:
            configs = dict(self._bucket(bucket).id_configs.get(kind.subresource, {}))
        return bucket_config.config_page(configs, token)

    # -- Object Lock (docs/features/object-lock.md; its configuration is a bucket_documents kind) ---

    def _locked_version(self, target: Bucket, key: str, version_id: str | None, method: str) -> StoredObject:
        """The version a ``?retention`` / ``?legal-hold`` request names, in a bucket with Object Lock."""
        object_lock.check_bucket_has_lock(target.object_lock)
        return versioning.subresource_target(target, key, version_id, key, method, False)

    def get_object_retention(
        self, bucket: str, key: str, version_id: str | None = None
    ) -> object_lock.Retention:
        with self._lock:
            obj = self._locked_version(self._bucket(bucket), key, version_id, "GET")
        if obj.meta.lock.retention is None:
            raise errors.NoSuchObjectLockConfiguration()
        return obj.meta.lock.retention

    def put_object_retention(
        self,
        bucket: str,
        key: str,
        mode: str | None,
        until: str | None,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> str | None:
        """Set, extend, shorten or remove a version's retention, as ``object_lock`` allows; returns
        its version id. Not a write of the object (no new version, ETag or time)."""
        with self._lock:
            object_lock.check_bucket_has_lock(self._bucket(bucket).object_lock)
        now = self._clock()
        new = object_lock.retention(mode, until, now)
        with self._lock:
            target = self._bucket(bucket)
            obj = self._locked_version(target, key, version_id, "PUT")
            object_lock.check_retention_change(obj.meta.lock.retention, new, now, bypass)
            lock = dataclasses.replace(obj.meta.lock, retention=new)
            return self._replace_meta(target, obj, lock=lock)

    def get_object_legal_hold(self, bucket: str, key: str, version_id: str | None = None) -> str:
        with self._lock:
            obj = self._locked_version(self._bucket(bucket), key, version_id, "GET")
        if obj.meta.lock.legal_hold is None:
            raise errors.NoSuchObjectLockConfiguration()
        return obj.meta.lock.legal_hold

    def put_object_legal_hold(
        self, bucket: str, key: str, status: str | None, version_id: str | None = None
    ) -> str | None:
        """Put a legal hold on a version or take it off (ON / OFF); returns its version id."""
        with self._lock:
            self._bucket(bucket)
        checked = object_lock.legal_hold(status)
        with self._lock:
            target = self._bucket(bucket)
            obj = self._locked_version(target, key, version_id, "PUT")
            lock = dataclasses.replace(obj.meta.lock, legal_hold=checked)
            return self._replace_meta(target, obj, lock=lock)

    def get_bucket_policy_status(self, bucket: str) -> bool:
        """Whether the bucket's policy makes it public (GetBucketPolicyStatus' IsPublic)."""
        document = self.get_bucket_config(bucket_documents.POLICY, bucket)
        return policy.is_public(json.loads(document))

    # -- read access for assertions -------------------------------------------------------------

    def versions(self, bucket: str) -> dict[str, list[Version]]:
        """Every version and delete marker by key, oldest first (empty for a bucket never versioned)."""
        with self._lock:
            return {key: list(history) for key, history in self._bucket(bucket).history.items()}

    def bucket_names(self) -> list[str]:
        with self._lock:
            return sorted(self._buckets)

    def objects(self, bucket: str) -> dict[str, StoredObject]:
        with self._lock:
            return dict(self._bucket(bucket).objects)

    def tracked_keys(self, bucket: str) -> set[str]:
        """The keys of ``bucket`` whose write bookkeeping (sequence, Complete tombstone, open-upload
        count) is kept: only those with an object or an open upload, so a server that churns unique
        keys does not grow with every key it ever saw."""
        with self._lock:
            target = self._bucket(bucket)
            return set(target.key_versions) | set(target.completions) | set(target.open_uploads)

    def uploads(self, bucket: str | None = None) -> list[Upload]:
        """Open uploads, of one bucket or of all, in ListMultipartUploads order."""
        with self._lock:
            buckets = [self._bucket(bucket)] if bucket else list(self._buckets.values())
            found = [upload for b in buckets for upload in b.uploads.values()]
        return sorted(found, key=lambda u: (u.bucket, u.key, u.order))

    def upload_records(self) -> list[UploadRecord]:
        """Open uploads (ListMultipartUploads order), then the newest completed or aborted ones (oldest
        first), with their parts' sizes, ETags and checksums: what the inspector shows."""
        with self._lock:
            found = [upload for b in self._buckets.values() for upload in b.uploads.values()]
            found.sort(key=lambda u: (u.bucket, u.key, u.order))
            return [record_of(upload) for upload in found] + self._closed_uploads.records()

    def parts(self, upload_id: str) -> dict[int, Part]:
        with self._lock:
            for bucket in self._buckets.values():
                upload = bucket.uploads.get(upload_id)
                if upload is not None:
                    return dict(sorted(upload.parts.items()))
        raise errors.NoSuchUpload(upload_id)

    def snapshot(self) -> list[BucketSnapshot]:
        """Every bucket with its current objects and open uploads (each with its parts), taken under the
        store's one lock so the view is consistent: a read-only copy for ``GET /_s3mpu/state``."""
        with self._lock:
            return [
                BucketSnapshot(
                    bucket.name,
                    bucket.region,
                    bucket.created,
                    bucket.versioning,
                    list(bucket.objects.values()),
                    [
                        (upload, [upload.parts[n] for n in sorted(upload.parts)])
                        for upload in sorted(bucket.uploads.values(), key=lambda u: (u.key, u.order))
                    ],
                )
                for _, bucket in sorted(self._buckets.items())
            ]


class BucketSnapshot(NamedTuple):
    """One bucket as ``Store.snapshot`` copies it: objects by key, open uploads with their parts."""

    name: str
    region: str
    created: dt.datetime
    versioning: VersioningStatus | None
    objects: list[StoredObject]
    uploads: list[tuple[Upload, list[Part]]]
