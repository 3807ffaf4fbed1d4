"""Seed buckets and objects from a folder or a dict: test data that every test (or the standalone server)
starts with.

Top layer, usable without pytest: ``seed_store(server.store, "tests/s3data")``. A folder's top-level
folders are buckets and the files under them objects, keyed by their path below the bucket folder
(``s3data/reports/2024/jan.csv`` is ``s3://reports/2024/jan.csv``); a dict maps bucket names to
``{key: bytes or str}`` (a str is stored as UTF-8). Objects are written through the store as a PutObject
without headers writes them (S3's default content type, checksum and encryption), so ETags and checksums
are what S3 would give; a bucket or key S3 refuses is a ``SeedError`` naming it, before anything is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Union

from pytest_s3mpu.state import errors, validation
from pytest_s3mpu.state.model import ObjectMeta, Payload
from pytest_s3mpu.state.store import Store

SeedSource = Union[str, "os.PathLike[str]", Mapping[str, Mapping[str, bytes | str]]]


class SeedError(ValueError):
    """Seed data S3 would not accept (a bucket or key name), or a folder laid out as no buckets."""


def load(source: SeedSource) -> dict[str, dict[str, bytes]]:
    """The buckets and objects of a folder or a dict, as ``{bucket: {key: bytes}}``, checked."""
    data = _from_mapping(source) if isinstance(source, Mapping) else _from_folder(Path(source))
    for bucket, objects in data.items():
        try:
            validation.bucket_name(bucket)
        except errors.S3Error as exc:
            raise SeedError(f"seed bucket {bucket!r}: {exc.message}") from None
        for key in objects:
            if not key or len(key.encode("utf-8")) > 1024:
                raise SeedError(f"seed key {key!r} in bucket {bucket!r}: S3 keys are 1 to 1024 bytes")
    return data


def _from_mapping(source: Mapping[str, object]) -> dict[str, dict[str, bytes]]:
    data: dict[str, dict[str, bytes]] = {}
    for bucket, objects in source.items():
        if not isinstance(bucket, str) or not isinstance(objects, Mapping):
            raise SeedError(
                f"seed data maps bucket names to {{key: bytes or str}}, not {bucket!r}: {objects!r}"
            )
        data[bucket] = {}
        for key, body in objects.items():
            if not isinstance(key, str) or not isinstance(body, (bytes, bytearray, str)):
                raise SeedError(f"seed object {bucket}/{key!r}: a str key with bytes or str content")
            data[bucket][key] = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return data


def _from_folder(folder: Path) -> dict[str, dict[str, bytes]]:
    if not folder.is_dir():
        raise SeedError(f"seed folder {str(folder)!r} is not a folder")
    strays = sorted(entry.name for entry in folder.iterdir() if not entry.is_dir())
    if strays:
        raise SeedError(
            f"seed folder {str(folder)!r}: {', '.join(strays)[:200]} at its top belongs to no bucket "
            "(top-level folders are buckets, the files under them objects)"
        )
    data: dict[str, dict[str, bytes]] = {}
    for bucket_dir in sorted(folder.iterdir()):
        data[bucket_dir.name] = {
            path.relative_to(bucket_dir).as_posix(): path.read_bytes()
            for path in sorted(bucket_dir.rglob("*"))
            if path.is_file()
        }
    return data


def seed_store(store: Store, source: SeedSource) -> dict[str, list[str]]:
    """Create the buckets (an existing one is kept) and put the objects of ``source`` into ``store``.

    :returns: the keys written, by bucket.
    """
    data = load(source)
    for bucket in data:
        constraint = None if store.region == "us-east-1" else store.region
        with contextlib.suppress(errors.BucketAlreadyOwnedByYou):  # an existing bucket is kept
            store.create_bucket(bucket, constraint)
    for bucket, objects in data.items():
        for key, body in objects.items():
            store.put_object(bucket, key, Payload.of(body), ObjectMeta())
    return {bucket: list(objects) for bucket, objects in data.items()}
