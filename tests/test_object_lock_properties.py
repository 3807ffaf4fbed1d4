"""Property-based test (hypothesis): whatever the sequence of writes, holds, retention changes, deletes
(DeleteObject by version, DeleteObjects, by key) with and without the bypass header, and clock moves, no
version Object Lock protects is ever deleted, and every version it does not protect that a delete names
is deleted.

The reference rule is written here from AWS's Object Lock user guide and the recordings (LS-AWS:
test_s3_object_retention, test_s3_object_retention_compliance_mode, test_delete_locked_object, recorded
2026-02-21), not from the store's code: a legal hold ON protects; a retention protects until its date,
GOVERNANCE except from a request with the bypass header, COMPLIANCE from every request.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_s3mpu.state import errors
from pytest_s3mpu.state.clock import Clock
from pytest_s3mpu.state.model import ObjectMeta, Payload, StoredObject
from pytest_s3mpu.state.object_lock import LockRequest
from pytest_s3mpu.state.store import Store

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BUCKET = "locked"
START = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
BODY = b"x"
PAYLOAD = Payload.of(BODY, content_md5=base64.b64encode(hashlib.md5(BODY).digest()).decode())

keys = st.sampled_from(["a", "b"])
indexes = st.integers(min_value=0, max_value=3)
locks = st.sampled_from(["none", "GOVERNANCE", "COMPLIANCE", "hold"])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("put"), keys, locks, st.integers(min_value=1, max_value=3)),
        st.tuples(st.just("delete_version"), keys, indexes, st.booleans()),
        st.tuples(st.just("delete_objects"), keys, indexes, st.booleans()),
        st.tuples(st.just("delete_key"), keys),
        st.tuples(st.just("hold"), keys, indexes, st.sampled_from(["ON", "OFF"])),
        st.tuples(
            st.just("retain"),
            keys,
            indexes,
            st.sampled_from(["GOVERNANCE", "COMPLIANCE", None]),
            st.integers(min_value=1, max_value=3),
            st.booleans(),
        ),
        st.tuples(st.just("advance"), st.integers(min_value=1, max_value=30)),
    ),
    max_size=30,
)


def protected(version: StoredObject, now: dt.datetime, bypass: bool) -> bool:
    lock = version.meta.lock
    if lock.legal_hold == "ON":
        return True
    retention = lock.retention
    if retention is None or retention.until <= now:
        return False
    return retention.mode == "COMPLIANCE" or not bypass


def objects_by_id(store: Store) -> dict[str, StoredObject]:
    return {
        v.version_id: v
        for history in store.versions(BUCKET).values()
        for v in history
        if isinstance(v, StoredObject) and v.version_id is not None
    }


def named(store: Store, key: str, index: int) -> str | None:
    """The id of the key's ``index``-th version, oldest first (delete markers included), if any."""
    history = store.versions(BUCKET).get(key, [])
    return history[index].version_id if index < len(history) else None


@FAST
@given(ops=operations)
def test_no_protected_version_is_ever_deleted(ops):
    clock = Clock()
    clock.freeze(START)
    store = Store(clock=clock)
    store.create_bucket(BUCKET, object_lock_enabled=True)
    for op in ops:
        now = clock.now()
        before = objects_by_id(store)
        target: str | None = None
        bypass = False
        try:
            if op[0] == "put":
                _, key, lock, days = op
                until = (now + dt.timedelta(hours=days * 10)).isoformat()
                request = {
                    "none": LockRequest(),
                    "hold": LockRequest(legal_hold="ON"),
                }.get(lock, LockRequest(mode=lock, until=until))
                store.put_object(BUCKET, key, PAYLOAD, ObjectMeta(), lock=request)
            elif op[0] in ("delete_version", "delete_objects"):
                _, key, index, bypass = op
                target = named(store, key, index)
                if target is None:
                    continue
                if op[0] == "delete_version":
                    store.delete_object(BUCKET, key, target, bypass)
                else:
                    store.delete_objects(BUCKET, [(key, target)], bypass)
            elif op[0] == "delete_key":
                store.delete_object(BUCKET, op[1])
            elif op[0] == "hold":
                _, key, index, status = op
                store.put_object_legal_hold(BUCKET, key, status, named(store, key, index))
            elif op[0] == "retain":
                _, key, index, mode, days, retain_bypass = op
                until = (now + dt.timedelta(hours=days * 10)).isoformat() if mode else None
                store.put_object_retention(BUCKET, key, mode, until, named(store, key, index), retain_bypass)
            else:
                clock.advance(hours=op[1])
        except errors.S3Error:
            pass
        after = objects_by_id(store)
        for version_id, version in before.items():
            if version_id not in after:
                assert target == version_id, f"{op}: {version_id} went without being named"
                assert not protected(version, now, bypass), f"{op}: a protected version was deleted"
        if target is not None and target in before and not protected(before[target], now, bypass):
            assert target not in after, f"{op}: an unprotected version named by a delete stayed"
