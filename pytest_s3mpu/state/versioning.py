"""Bucket versioning's rules: version ids, a key's version history, and which version a request names.

Layer 2 (store): pure functions over a ``Bucket``'s ``history`` and ``objects``; no lock of their own,
no HTTP. The store calls them under its lock, after its checks, so a failed request changes nothing.

Facts (AWS user guide "Working with objects in a versioning-enabled bucket" / "...versioning-suspended
bucket", and LocalStack's recordings against S3, test_s3_api.py TestS3ObjectCRUD, 2026-02-21):
- enabled: every write adds a version with a new id; a delete without an id adds a delete marker;
- suspended: a write or delete replaces the key's ``null`` version (wherever it is in the history);
- objects written before versioning was first configured are the ``null`` version of their key.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import struct
from collections.abc import Sequence

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.model import Bucket, DeleteMarker, StoredObject, Version, VersioningStatus

NULL = "null"
_SEQUENCE = struct.Struct(">Q")


def new_version_id(sequence: int) -> str:
    """An id as long as AWS's (32 characters of letters, digits, ``.`` and ``_``), opaque to clients.

    It carries the store's write sequence, so a ListObjectVersions ``version-id-marker`` naming a
    version deleted since still resumes at the next older one, as S3 does; the rest is random.
    """
    raw = _SEQUENCE.pack(sequence) + secrets.token_bytes(16)
    return base64.b64encode(raw, altchars=b"._").decode("ascii")


def sequence_of(version_id: str) -> int | None:
    """The write sequence an id of ours carries (``null`` is 0, older than any); None for any other
    text."""
    if version_id == NULL:
        return 0
    if len(version_id) != 32:
        return None
    try:
        raw = base64.b64decode(version_id.encode("ascii"), altchars=b"._", validate=True)
    except (ValueError, UnicodeError):
        return None
    return int(_SEQUENCE.unpack(raw[:8])[0])


def readable(bucket: Bucket, version_id: str) -> bool:
    """Whether S3 reads ``version_id`` as a version id of this bucket (else 400 InvalidArgument): only
    ``null`` on a bucket never versioned; ``null`` or an id of our shape on a versioned one."""
    if version_id == NULL:
        return True
    return bucket.versioning is not None and sequence_of(version_id) is not None


def version_id_of(version: Version) -> str:
    """The id a version lists under: ``null`` for an object of a bucket never versioned."""
    return version.version_id or NULL


def parse_status(raw: str | None) -> VersioningStatus:
    """PutBucketVersioning's Status: no Status is IllegalVersioningConfigurationException, any value
    but ``Enabled`` or ``Suspended`` (``enabled``, ``Disabled``) MalformedXML (recorded,
    test_bucket_versioning_crud)."""
    if raw is None:
        raise errors.IllegalVersioningConfigurationException()
    for status in VersioningStatus:
        if raw == status.value:
            return status
    raise errors.MalformedXML()


def check_mfa_delete(raw: str | None) -> None:
    """MfaDelete: ``Disabled`` (or absent) is accepted and changes nothing; ``Enabled`` needs an MFA
    device's code in x-amz-mfa over HTTPS, which this endpoint cannot verify, so it is refused as
    functionality not implemented rather than accepted and not enforced; any other value is
    MalformedXML, as for Status."""
    if raw is None or raw == "Disabled":
        return
    if raw == "Enabled":
        raise errors.mfa_delete_not_implemented()
    raise errors.MalformedXML()


def configure(bucket: Bucket, status: VersioningStatus) -> None:
    """Set the bucket's status; the first time, every object becomes its key's ``null`` version."""
    if bucket.versioning is None:
        for key, obj in list(bucket.objects.items()):
            versioned = _with_id(obj, NULL)
            bucket.objects[key] = versioned
            bucket.history[key] = [versioned]
    bucket.versioning = status


def _with_id(obj: StoredObject, version_id: str) -> StoredObject:
    return StoredObject(
        key=obj.key,
        body=obj.body,
        etag=obj.etag,
        last_modified=obj.last_modified,
        meta=obj.meta,
        checksum=obj.checksum,
        parts=obj.parts,
        version_id=version_id,
    )


def stamp(bucket: Bucket, obj: StoredObject, sequence: int) -> StoredObject:
    """The object as its bucket stores it: with a new id (enabled), ``null`` (suspended), or none."""
    if bucket.versioning is None:
        return obj
    return _with_id(obj, new_version_id(sequence) if bucket.versioning is VersioningStatus.ENABLED else NULL)


def shown_id(bucket: Bucket, version_id: str | None) -> str | None:
    """The x-amz-version-id a write answers: only a versioning-enabled bucket names the new version
    (recorded: PutObject on a suspended bucket answers none, test_put_object_on_suspended_bucket)."""
    return version_id if bucket.versioning is VersioningStatus.ENABLED else None


def source_version(source: StoredObject) -> str | None:
    """The x-amz-copy-source-version-id a copy answers: the source's id, never ``null`` (recorded,
    test_s3_copy_object_in_place_versioned "copy-in-place-versioned-re-enabled")."""
    return source.version_id if source.version_id != NULL else None


def add(bucket: Bucket, version: Version) -> None:
    """Make ``version`` the key's current one; a ``null`` one replaces the key's earlier ``null``."""
    key = version.key
    if bucket.versioning is None:
        assert isinstance(version, StoredObject)
        bucket.objects[key] = version
        return
    history = bucket.history.setdefault(key, [])
    if version.version_id == NULL:
        history[:] = [v for v in history if v.version_id != NULL]
    history.append(version)
    if isinstance(version, StoredObject):
        bucket.objects[key] = version
    else:
        bucket.objects.pop(key, None)


def find(bucket: Bucket, key: str, version_id: str) -> Version | None:
    """The version of ``key`` with this id, if the bucket holds it."""
    if bucket.versioning is None:
        obj = bucket.objects.get(key)
        return obj if version_id == NULL else None
    for version in bucket.history.get(key, ()):
        if version.version_id == version_id:
            return version
    return None


def current(bucket: Bucket, key: str) -> Version | None:
    """The key's current version: its object, or the delete marker on top."""
    if bucket.versioning is None:
        return bucket.objects.get(key)
    history = bucket.history.get(key)
    return history[-1] if history else None


def remove(bucket: Bucket, key: str, version_id: str) -> Version | None:
    """Delete one version for good; the one below becomes current. Returns it, or None if absent."""
    if bucket.versioning is None:
        return bucket.objects.pop(key, None) if version_id == NULL else None
    history = bucket.history.get(key, [])
    for index, version in enumerate(history):
        if version.version_id == version_id:
            del history[index]
            break
    else:
        return None
    if not history:
        del bucket.history[key]
        bucket.objects.pop(key, None)
    elif isinstance(history[-1], StoredObject):
        bucket.objects[key] = history[-1]
    else:
        bucket.objects.pop(key, None)
    return version


def marker(bucket: Bucket, key: str, sequence: int, now: dt.datetime) -> DeleteMarker:
    """A new delete marker for ``key``: a new id when enabled, ``null`` when suspended."""
    version_id = new_version_id(sequence) if bucket.versioning is VersioningStatus.ENABLED else NULL
    return DeleteMarker(key=key, version_id=version_id, last_modified=now)


def read(bucket: Bucket, key: str, version_id: str | None, method: str) -> StoredObject:
    """The object a GET/HEAD (or a copy source) reads, with S3's errors (recorded,
    test_delete_object_versioned / test_get_object_with_version_unversioned_bucket):

    - by key, a delete marker on top: 404 NoSuchKey, naming the marker;
    - by version, a bucket never versioned: 400 InvalidArgument for any id but ``null``, and so for an
      id of a versioned bucket that is not an id at all (``abc``: a probe of AWS, see
      docs/features/versioning.md);
    - by version, absent: 404 NoSuchVersion; a delete marker: 405 MethodNotAllowed naming it.
    """
    if version_id is None:
        obj = bucket.objects.get(key)
        if obj is not None:
            return obj
        top = current(bucket, key)
        raise errors.NoSuchKey(key, top.version_id if isinstance(top, DeleteMarker) else None)
    if not readable(bucket, version_id):
        raise errors.invalid_version_id(version_id)
    found = find(bucket, key, version_id)
    if found is None:
        if bucket.versioning is None:
            raise errors.NoSuchKey(key)
        raise errors.NoSuchVersion(key, version_id)
    if isinstance(found, DeleteMarker):
        raise errors.delete_marker_not_allowed(method, found.version_id)
    return found


def subresource_target(
    bucket: Bucket, key: str, version_id: str | None, shown_key: str, method: str, marker_is_missing: bool
) -> StoredObject:
    """The version a ``?tagging`` / ``?acl`` request of a versioned bucket names. A delete marker is
    405 MethodNotAllowed naming ``method`` - named by id, with its headers; on top of the key, without
    (recorded, test_object_tagging_versioned; a probe of AWS for ACLs) - except where S3 answers
    NoSuchKey naming it (``marker_is_missing``: GetObjectAcl).
    """
    if version_id is None:
        obj = bucket.objects.get(key)
        if obj is not None:
            return obj
        top = current(bucket, key)
        if not isinstance(top, DeleteMarker):
            raise errors.NoSuchKey(shown_key)
        if marker_is_missing:
            raise errors.NoSuchKey(shown_key, top.version_id)
        raise errors.MethodNotAllowed(method, "DeleteMarker")
    if not readable(bucket, version_id):
        raise errors.invalid_version_id(version_id)
    found = find(bucket, key, version_id)
    if found is None:
        raise errors.NoSuchVersion(key, version_id)
    if isinstance(found, DeleteMarker):
        raise errors.delete_marker_not_allowed(method, found.version_id)
    return found


def replace(bucket: Bucket, old: StoredObject, new: StoredObject) -> None:
    """Put ``new`` where ``old`` is (tags or ACL changed): the same version, not a new one."""
    if bucket.objects.get(old.key) is old:
        bucket.objects[old.key] = new
    history = bucket.history.get(old.key, [])
    for index, version in enumerate(history):
        if version is old:
            history[index] = new


def is_empty(bucket: Bucket) -> bool:
    """No object and, once versioned, no version or delete marker either."""
    return not bucket.objects and not bucket.history


def resume_at(newest_first: Sequence[Version], marker: str, marker_sequence: int) -> int:
    """ListObjectVersions' version-id marker: where a key's versions (newest first) resume after
    ``marker``: past it, or at the first one older than it when it is gone since."""
    for index, version in enumerate(newest_first):
        if version_id_of(version) == marker:
            return index + 1
    for index, version in enumerate(newest_first):
        sequence = sequence_of(version_id_of(version))
        if sequence is not None and sequence < marker_sequence:
            return index
    return len(newest_first)
