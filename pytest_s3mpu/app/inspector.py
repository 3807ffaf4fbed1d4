"""The inspector (#20): one read-only view of the double -- buckets, objects, uploads and their parts,
fault rules and the journal -- as JSON (``GET /_s3mpu/inspector.json``) and as a page that shows it
(``GET /_s3mpu/``), or a self-contained file of that page with the data in it (``journal.html(path)``).

Layer 5 (app). The page is hand-written HTML, CSS and JS shipped beside this module (``inspector_page/``),
put into one document here: no build step, no external asset, works offline. A Content-Security-Policy
lets only its own script and style run (by hash) and lets it talk only to its own origin, so a key like
``<script>`` could not run even if the page wrongly parsed it as HTML (it never does: ``textContent``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pytest_s3mpu.app import state_view
from pytest_s3mpu.harness.faults import FaultInjector
from pytest_s3mpu.harness.journal import Journal, JournalEntry
from pytest_s3mpu.state.store import Store
from pytest_s3mpu.state.upload_records import UploadRecord

OBJECTS_SHOWN = 1000  # per bucket, in key order; the JSON says how many there are in all
JOURNAL_SHOWN = 2000  # the newest journal entries shown, grouped into calls
DATA_ELEMENT = "s3mpu-data"  # the id of the <script type="application/json"> a static page carries


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


_OBJECT_FIELDS = ("key", "size", "etag", "last_modified", "version_id")


def _object(full: dict[str, Any]) -> dict[str, Any]:
    """The part of an object's ``GET /_s3mpu/state`` JSON the page shows (its parts count and checksum
    flattened as the page reads them)."""
    checksum = full["checksum"]
    return {
        **{name: full[name] for name in _OBJECT_FIELDS},
        "parts": full["parts_count"],
        "checksum_algorithm": checksum["algorithm"] if checksum else None,
        "checksum_type": checksum["type"] if checksum else None,
    }


def _buckets(store: Store) -> list[dict[str, Any]]:
    """Every bucket from the store's one consistent snapshot (as ``GET /_s3mpu/state`` reads it), with its
    first OBJECTS_SHOWN objects in key order."""
    return [
        {
            "name": bucket.name,
            "object_count": len(bucket.objects),
            "objects": [_object(state_view.object_json(obj)) for obj in bucket.objects[:OBJECTS_SHOWN]],
        }
        for bucket in store.snapshot()
    ]


def _upload(record: UploadRecord) -> dict[str, Any]:
    return {
        "upload_id": record.upload_id,
        "bucket": record.bucket,
        "key": record.key,
        "state": record.state,
        "initiated": _iso(record.initiated),
        "closed": _iso(record.closed),
        "algorithm": record.algorithm,
        "checksum_type": record.checksum_type,
        "parts": [
            {"number": p.number, "size": p.size, "etag": p.etag, "checksum": p.checksum} for p in record.parts
        ],
    }


def calls(entries: list[JournalEntry]) -> list[dict[str, Any]]:
    """Journal entries grouped by SDK invocation (``amz-sdk-invocation-id``), in order of each call's
    first request: the retries of one call are its ``attempts``. A request without an invocation id is a
    call of its own."""
    grouped: list[dict[str, Any]] = []
    by_invocation: dict[str, dict[str, Any]] = {}
    for entry in entries:
        known = by_invocation.get(entry.invocation_id) if entry.invocation_id else None
        if known is not None:
            known["attempts"].append(entry.to_json())
            continue
        call = {
            "invocation_id": entry.invocation_id,
            "operation": entry.operation,
            "bucket": entry.bucket,
            "key": entry.key,
            "upload_id": entry.upload_id,
            "part_number": entry.part_number,
            "attempts": [entry.to_json()],
        }
        grouped.append(call)
        if entry.invocation_id:
            by_invocation[entry.invocation_id] = call
    return grouped


def snapshot(store: Store, faults: FaultInjector, journal: Journal) -> dict[str, Any]:
    """Everything the page shows, as the JSON ``GET /_s3mpu/inspector.json`` answers."""
    shown = journal.newest(JOURNAL_SHOWN)
    return {
        "generated": _iso(dt.datetime.now(dt.timezone.utc)),
        "clock": store.clock.to_json(),
        "min_part_size": store.limits.min_part_size,
        "buckets": _buckets(store),
        "uploads": [_upload(record) for record in store.upload_records()],
        "faults": [rule.to_json() for rule in faults.rules()],
        "journal_count": len(journal),
        "calls": calls(shown),
    }


@dataclass(frozen=True)
class Page:
    """The inspector page: its HTML and the Content-Security-Policy it is served under."""

    html: str
    csp: str


@cache
def _asset(name: str) -> str:
    folder = resources.files("pytest_s3mpu.app").joinpath("inspector_page")
    return folder.joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _embedded(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment: ``<``, ``>`` and ``&`` escaped."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(data: dict[str, Any] | None = None) -> Page:
    """The page. Without ``data`` it polls ``inspector.json`` on the server that sent it; with it, it is a
    static snapshot showing ``data`` (no request at all: ``connect-src 'none'``)."""
    style, script = _asset("inspector.css"), _asset("inspector.js")
    csp = "; ".join(
        (
            "default-src 'none'",
            f"style-src {_hash(style)}",
            f"script-src {_hash(script)}",
            "connect-src " + ("'self'" if data is None else "'none'"),
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    embedded = "" if data is None else _embedded(data)
    html = (
        _asset("inspector.html")
        .replace("{{csp}}", csp)
        .replace("{{style}}", style)
        .replace("{{script}}", script)
        .replace("{{data_id}}", DATA_ELEMENT)
        .replace("{{data}}", embedded)
    )
    return Page(html, csp)
