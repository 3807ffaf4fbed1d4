"""What the inspector shows of multipart uploads: open ones and the newest closed ones, as plain records.

Layer 2 (state), no HTTP. The store forgets an upload once it is completed or aborted (S3 does too); the
inspector still wants to show how it went, so the store keeps a small, bounded record of the newest closed
uploads: sizes, ETags and checksums of their parts, never their bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from typing import NamedTuple

from pytest_s3mpu.state.model import PartInfo, Upload

CLOSED_KEPT = 50  # closed uploads remembered: enough for one test, bounded for a long-running server


class UploadRecord(NamedTuple):
    """One upload as the inspector shows it.

    :param state: ``open``, ``completed`` or ``aborted``.
    :param closed: when it was completed or aborted (None while open).
    :param parts: its parts by number, as uploaded (a completed upload's object may use fewer).
    """

    upload_id: str
    bucket: str
    key: str
    state: str
    initiated: dt.datetime
    closed: dt.datetime | None
    algorithm: str | None
    checksum_type: str | None
    parts: tuple[PartInfo, ...]


def record_of(upload: Upload, closed: dt.datetime | None = None) -> UploadRecord:
    """The record of ``upload`` as it is now; call it under the store's lock (its parts change)."""
    return UploadRecord(
        upload_id=upload.upload_id,
        bucket=upload.bucket,
        key=upload.key,
        state=upload.state.value,
        initiated=upload.initiated,
        closed=closed,
        algorithm=upload.algorithm.value if upload.algorithm is not None else None,
        checksum_type=upload.checksum_type.value if upload.checksum_type is not None else None,
        parts=tuple(upload.parts[number].info for number in sorted(upload.parts)),
    )


class ClosedUploads:
    """The newest ``CLOSED_KEPT`` completed or aborted uploads, oldest first. Not locked: the store
    calls it under its own lock."""

    def __init__(self, kept: int = CLOSED_KEPT) -> None:
        self._records: deque[UploadRecord] = deque(maxlen=kept)

    def add(self, upload: Upload, closed: dt.datetime) -> None:
        self._records.append(record_of(upload, closed))

    def clear(self) -> None:
        self._records.clear()

    def records(self) -> list[UploadRecord]:
        return list(self._records)
