"""``GET /_s3mpu/state``: the store as JSON, read-only, for suites written in other languages.

Layer 5 (app). What a Python test reads from the handle (``s3mpu.buckets()``, ``objects``, ``uploads``,
``parts``), as one consistent snapshot: times as ISO-8601 UTC to the second (as S3 reports them), ETags
both as the handle keeps them (unquoted) and as S3 sends them (quoted). The inspector's JSON
(``app/inspector.py``) builds its buckets on the same snapshot and its objects on ``object_json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytest_s3mpu.state.model import Part, StoredObject, Upload
from pytest_s3mpu.state.store import BucketSnapshot, Store


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def object_json(obj: StoredObject) -> dict[str, Any]:
    """One object as ``GET /_s3mpu/state`` shows it; the inspector's objects are a part of this."""
    checksum = obj.checksum
    return {
        "key": obj.key,
        "size": obj.size,
        "etag": obj.etag,
        "quoted_etag": obj.quoted_etag,
        "last_modified": _time(obj.last_modified),
        "version_id": obj.version_id,
        "content_type": obj.meta.content_type,
        "storage_class": obj.meta.storage_class,
        "metadata": dict(obj.meta.metadata),
        "tags": dict(obj.meta.tagging),
        "checksum": None
        if checksum is None
        else {"algorithm": checksum.algorithm.value, "type": checksum.type.value, "value": checksum.value},
        "parts_count": None if obj.parts is None else len(obj.parts),
    }


def _part(part: Part) -> dict[str, Any]:
    return {
        "part_number": part.number,
        "size": part.size,
        "etag": part.etag,
        "quoted_etag": part.quoted_etag,
        "last_modified": _time(part.last_modified),
    }


def _upload(upload: Upload, parts: list[Part]) -> dict[str, Any]:
    return {
        "upload_id": upload.upload_id,
        "key": upload.key,
        "initiated": _time(upload.initiated),
        "checksum_algorithm": None if upload.algorithm is None else upload.algorithm.value,
        "parts": [_part(part) for part in parts],
    }


def _bucket(snapshot: BucketSnapshot) -> dict[str, Any]:
    return {
        "name": snapshot.name,
        "region": snapshot.region,
        "created": _time(snapshot.created),
        "versioning": None if snapshot.versioning is None else snapshot.versioning.value,
        "objects": [object_json(obj) for obj in snapshot.objects],
        "uploads": [_upload(upload, parts) for upload, parts in snapshot.uploads],
    }


def state_json(store: Store) -> dict[str, Any]:
    """Every bucket (by name), its current objects (by key) and open uploads (by key, then initiation)."""
    return {"buckets": [_bucket(snapshot) for snapshot in store.snapshot()]}
