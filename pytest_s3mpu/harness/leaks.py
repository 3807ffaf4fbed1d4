"""Leaked multipart uploads: those a test started and neither completed nor aborted.

Layer 4 (harness), beside the journal: reads the store's open uploads and the journal lines of each,
so the plugin can warn about or fail the test that left them, and ``GET /_s3mpu/uploads`` can list them
for suites in other languages. On S3 such an upload keeps costing storage until a lifecycle rule
aborts it, which is why a test should not leave one behind unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_s3mpu.harness.journal import Journal, JournalEntry
from pytest_s3mpu.state.store import Store

MODES = ("off", "warn", "fail")
SHOWN_LINES = 20  # journal lines shown per leaked upload in a report


class LeakedUploadWarning(UserWarning):
    """A test left a multipart upload neither completed nor aborted (setting ``leaks=warn``)."""


@dataclass(frozen=True, slots=True)
class IncompleteUpload:
    """An open upload, with its parts and the journal lines that touched it."""

    bucket: str
    key: str
    upload_id: str
    initiated: str
    parts: tuple[int, ...]
    journal: tuple[JournalEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "key": self.key,
            "upload_id": self.upload_id,
            "initiated": self.initiated,
            "parts": list(self.parts),
            "journal": [entry.to_json() for entry in self.journal],
        }

    def describe(self) -> str:
        """A few lines for a warning or a failure: what was left, and what the test did to it."""
        lines = [
            f"s3://{self.bucket}/{self.key} upload {self.upload_id}: "
            f"{len(self.parts)} part(s) {list(self.parts)}, neither completed nor aborted"
        ]
        for entry in self.journal[-SHOWN_LINES:]:
            part = "" if entry.part_number is None else f" part {entry.part_number}"
            status = "dropped" if entry.status is None else str(entry.status)
            error = f" {entry.error_code}" if entry.error_code else ""
            lines.append(f"    #{entry.seq} {entry.operation}{part} -> {status}{error}")
        return "\n".join(lines)


def incomplete_uploads(store: Store, journal: Journal) -> list[IncompleteUpload]:
    """Every open upload of every bucket, in ListMultipartUploads order, with its journal lines."""
    uploads = store.uploads()
    if not uploads:
        return []
    by_upload: dict[str, list[JournalEntry]] = {upload.upload_id: [] for upload in uploads}
    for entry in journal.entries():
        if entry.upload_id in by_upload:
            by_upload[entry.upload_id].append(entry)
    return [
        IncompleteUpload(
            bucket=upload.bucket,
            key=upload.key,
            upload_id=upload.upload_id,
            initiated=upload.initiated.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            parts=tuple(sorted(upload.parts)),
            journal=tuple(by_upload[upload.upload_id]),
        )
        for upload in uploads
    ]


def report(uploads: list[IncompleteUpload]) -> str:
    """The message for a test that leaked ``uploads``."""
    head = f"{len(uploads)} multipart upload(s) left neither completed nor aborted:"
    hint = (
        "Complete or abort each upload (or mark the test @pytest.mark.s3mpu(leaks='off') "
        "if it leaves one open on purpose)."
    )
    return "\n".join([head, *(upload.describe() for upload in uploads), hint])
