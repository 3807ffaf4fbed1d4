"""Replay LocalStack's AWS-validated multipart tests against the double and compare with the recordings.

LocalStack records each S3 test's responses from real AWS (tests/aws/services/s3/test_s3.py and its
.snapshot.json). This script runs the multipart ones (names with multipart, upload_part, get_object_part,
checksum, list_parts or content_md5) with boto3 against a fresh standalone server, and compares every
``snapshot.match(name, response)`` with the recorded response: the same keys, and the same values except
where LocalStack's transformers replace them (ids, dates, bucket names, <placeholders>).

Usage (from a checkout with the package installed)::

    git -C /work/.mirror/localstack+localstack/repo show HEAD:tests/aws/services/s3/test_s3.py > /tmp/t.py
    git -C ... show HEAD:tests/aws/services/s3/test_s3.snapshot.json > /tmp/t.json
    python scripts/replay_recordings.py /tmp/t.py /tmp/t.json [-k NAME] [-v] [--select REGEX]

``--select`` picks other tests by name instead of the multipart ones, e.g. Object Lock and the Id-keyed
bucket configurations: ``--select 'lock|retention|legal_hold|inventory|analytics|metrics'`` (with
test_s3.py, and with test_s3_api.py and its snapshot).

It prints one line per recorded test (match / DIFF / skipped, with the reason) and the count that match.
Nothing of LocalStack is imported: the few helpers its tests use are re-implemented here. The test
functions' own code is executed (that is the replay), so point it only at LocalStack's files.
"""

from __future__ import annotations

import argparse
import ast
import base64
import contextlib
import datetime
import gzip
import hashlib
import io
import itertools
import json
import os
import pathlib
import random
import re
import tempfile
import textwrap
import time
import traceback
import uuid
import zlib
from io import BytesIO
from typing import Any
from urllib.parse import quote

import boto3
import py
import pytest
import requests
import xmltodict
from awscrt import checksums as crt
from boto3.s3.transfer import KB, TransferConfig
from botocore.client import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

import pytest_s3mpu
from pytest_s3mpu.s3server import S3Server

SELECT = re.compile(r"multipart|upload_part|get_object_part|checksum|list_parts|content_md5")
# Fixtures the replay cannot provide: the test is reported as skipped.
UNSUPPORTED = {"kms_create_key"}
# Keys whose recorded value LocalStack's transformers replaced (ids, names): any actual value matches.
TRANSFORMED = {"Bucket", "Location", "UploadId", "DisplayName", "ID", "HostId", "RequestId", "Name"}
PLACEHOLDER = re.compile(r"<[^<>]+:\d+>|datetime")


# -- the helpers LocalStack's tests import -------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def to_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def to_str(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def long_uid() -> str:
    return str(uuid.uuid4())


def get_partition(region: str) -> str:
    return "aws"


def short_uid() -> str:
    return uuid.uuid4().hex[:8]


def checksum_crc32(data: Any) -> str:
    return _b64(zlib.crc32(to_bytes(data)).to_bytes(4, "big"))


def checksum_crc32c(data: Any) -> str:
    return _b64(crt.crc32c(to_bytes(data)).to_bytes(4, "big"))


def checksum_crc64nvme(data: Any) -> str:
    return _b64(crt.crc64nvme(to_bytes(data)).to_bytes(8, "big"))


def hash_sha1(data: Any) -> str:
    return _b64(hashlib.sha1(to_bytes(data)).digest())


def hash_sha256(data: Any) -> str:
    return _b64(hashlib.sha256(to_bytes(data)).digest())


def get_checksum_for_algorithm(algorithm: str, data: bytes) -> str:
    return {
        "CRC32": checksum_crc32,
        "CRC32C": checksum_crc32c,
        "CRC64NVME": checksum_crc64nvme,
        "SHA1": hash_sha1,
        "SHA256": hash_sha256,
    }[algorithm.upper()](data)


def etag_to_base_64_content_md5(etag: str) -> str:
    return _b64(bytes.fromhex(etag.strip('"')))


class _Anything:
    """Stands for LocalStack's transformer utilities and markers: every attribute and call is accepted."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self


# -- comparison ----------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A boto3 response as LocalStack's snapshot stores it: bodies read, datetimes as "datetime"."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "ResponseMetadata":
                out[key] = {"HTTPHeaders": {}, "HTTPStatusCode": item.get("HTTPStatusCode")}
            else:
                out[key] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, StreamingBody):
        data = value.read()
        try:
            return data.decode()
        except UnicodeDecodeError:
            return data
    if isinstance(value, datetime.datetime):
        return "datetime"
    return value


def differences(recorded: Any, actual: Any, path: str = "$") -> list[str]:
    if isinstance(recorded, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(recorded) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                found.append(f"{where}: missing (AWS: {json.dumps(recorded[key])[:120]})")
            elif key not in recorded:
                found.append(f"{where}: extra ({json.dumps(actual[key], default=str)[:120]})")
            elif key in TRANSFORMED and not isinstance(recorded[key], (dict, list)):
                continue
            else:
                found.extend(differences(recorded[key], actual[key], where))
        return found
    if isinstance(recorded, list) and isinstance(actual, list):
        if len(recorded) != len(actual):
            return [f"{path}: {len(actual)} items, AWS {len(recorded)}"]
        return [
            d
            for i, (r, a) in enumerate(zip(recorded, actual, strict=True))
            for d in differences(r, a, f"{path}[{i}]")
        ]
    if isinstance(recorded, str) and PLACEHOLDER.fullmatch(recorded):
        return []
    if recorded != actual:
        return [f"{path}: {json.dumps(actual, default=str)[:120]} (AWS: {json.dumps(recorded)[:120]})"]
    return []


class Snapshot:
    """LocalStack's ``snapshot`` fixture, comparing each match with the recording as it goes."""

    def __init__(self, recorded: dict[str, Any]) -> None:
        self.recorded = recorded
        self.seen: list[str] = []
        self.diffs: list[str] = []
        self.transform = _Anything()

    def add_transformer(self, *args: Any, **kwargs: Any) -> None:
        pass

    add_transformers_list = add_transformer

    def match(self, name: str, value: Any) -> None:
        self.seen.append(name)
        if name not in self.recorded:
            self.diffs.append(f"{name}: not recorded")
            return
        self.diffs.extend(f"{name} {d}" for d in differences(self.recorded[name], _plain(value)))


# -- running one recorded test -------------------------------------------------------------------------


class Clients:
    def __init__(self, endpoint: str, config: Config | None = None) -> None:
        options = Config(s3={"addressing_style": "path"}).merge(config) if config else None
        self.s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=options or Config(s3={"addressing_style": "path"}),
        )


def _fixtures_source(tree: ast.Module, source: str) -> dict[str, str]:
    """The bodies of the module-level fixtures the multipart tests use, as source."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in (
            "s3_multipart_upload",
            "s3_multipart_upload_with_snapshot",
        ):
            found[node.name] = ast.get_source_segment(source, node) or ""
    return found


def _params(fn: ast.FunctionDef) -> list[dict[str, Any]]:
    """The combinations of the test's ``pytest.mark.parametrize`` decorators."""
    axes: list[list[dict[str, Any]]] = []
    # pytest applies the decorator nearest the function first, and its values lead the test id.
    for deco in reversed(fn.decorator_list):
        if isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("parametrize"):
            names = [n.strip() for n in ast.literal_eval(deco.args[0]).split(",")]
            values = ast.literal_eval(deco.args[1])
            axes.append([dict(zip(names, v if len(names) > 1 else (v,), strict=True)) for v in values])
    combos = []
    for combo in itertools.product(*axes):
        merged: dict[str, Any] = {}
        for part in combo:
            merged.update(part)
        combos.append(merged)
    return combos or [{}]


def _param_id(params: dict[str, Any]) -> str:
    return "-".join(str(v) for v in params.values())


def _is_static(method: ast.FunctionDef) -> bool:
    return any(ast.unparse(d) == "staticmethod" for d in method.decorator_list)


def run_one(
    cls: ast.ClassDef,
    fn: ast.FunctionDef,
    source: str,
    fixtures: dict[str, str],
    params: dict[str, Any],
    recorded: dict[str, Any],
    endpoint: str,
    counter: itertools.count,
) -> tuple[str, list[str]]:
    args = [a.arg for a in fn.args.args if a.arg != "self"]
    missing = [a for a in args if a in UNSUPPORTED]
    if missing:
        return "skipped", [f"fixture {', '.join(missing)} not replayed"]
    client = Clients(endpoint)
    snapshot = Snapshot(recorded)
    namespace: dict[str, Any] = {
        "pytest": pytest,
        "ClientError": ClientError,
        "Config": Config,
        "BytesIO": BytesIO,
        "io": io,
        "base64": base64,
        "hashlib": hashlib,
        "gzip": gzip,
        "json": json,
        "time": time,
        "datetime": datetime,
        "to_bytes": to_bytes,
        "to_str": to_str,
        "short_uid": short_uid,
        "checksum_crc32": checksum_crc32,
        "checksum_crc32c": checksum_crc32c,
        "checksum_crc64nvme": checksum_crc64nvme,
        "hash_sha1": hash_sha1,
        "hash_sha256": hash_sha256,
        "get_checksum_for_algorithm": get_checksum_for_algorithm,
        "etag_to_base_64_content_md5": etag_to_base_64_content_md5,
        "is_aws_cloud": lambda: True,
        "markers": _Anything(),
        "TransformerUtility": _Anything(),
        "requests": requests,
        "quote": quote,
        "_bucket_url": lambda bucket, *_, **__: f"{endpoint}/{bucket}",
        "SigV4Auth": None,
        "xmltodict": xmltodict,
        "random": random,
        "os": os,
        "sleep": time.sleep,
        "TransferConfig": TransferConfig,
        "KB": KB,
        "contextlib": contextlib,
        "long_uid": long_uid,
        "get_partition": get_partition,
    }
    bucket = f"replay-{next(counter)}-{short_uid()}"
    client.s3.create_bucket(Bucket=bucket)

    def s3_create_bucket(**kwargs: Any) -> str:
        name = kwargs.setdefault("Bucket", f"replay-{next(counter)}-{short_uid()}")
        client.s3.create_bucket(**kwargs)
        return str(name)

    values: dict[str, Any] = {
        "s3_bucket": bucket,
        "aws_client": client,
        "snapshot": snapshot,
        "aws_client_factory": lambda config=None, **_: Clients(endpoint, config),
        # raw HTTP: the double does not check signatures, so a plain requests session stands for it
        "aws_http_client_factory": lambda *_, **__: requests.Session(),
        "allow_bucket_acl": None,
        "tmpdir": py.path.local(tempfile.mkdtemp(prefix="replay-")),
        "s3_create_bucket": s3_create_bucket,
        "region_name": "us-east-1",
    }
    for name, fixture_source in fixtures.items():
        exec(textwrap.dedent(fixture_source).replace("@pytest.fixture\n", ""), namespace)
        kwargs = {a: values[a] for a in ("aws_client", "snapshot") if a in fixture_source.split(")")[0]}
        values[name] = namespace[name](**kwargs)
    values.update(params)
    body = textwrap.dedent(ast.get_source_segment(source, fn) or "")
    body = "\n".join(line for line in body.splitlines() if not line.startswith("@"))
    exec(body, namespace)
    helpers: dict[str, Any] = {}
    for method in cls.body:
        if isinstance(method, ast.Assign):  # class constants, e.g. an SSE-C key
            exec(ast.get_source_segment(source, method) or "", namespace, helpers)
        if isinstance(method, ast.FunctionDef) and not method.name.startswith("test_"):
            text = textwrap.dedent(ast.get_source_segment(source, method) or "")
            exec("\n".join(line for line in text.splitlines() if not line.startswith("@")), namespace)
            helpers[method.name] = (
                staticmethod(namespace[method.name]) if _is_static(method) else namespace[method.name]
            )
    instance = type(cls.name, (), helpers)()
    try:
        namespace[fn.name](instance, **{a: values[a] for a in args})
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # the replay reports whatever a test raised (pytest.raises
        # failing raises pytest's Failed, a BaseException)
        snapshot.diffs.append(f"raised {type(exc).__name__}: {str(exc)[:200]}")
        if not isinstance(exc, (AssertionError, ClientError, pytest.fail.Exception)):
            snapshot.diffs.append(traceback.format_exc(limit=2)[-400:])
    unseen = [name for name in recorded if name not in snapshot.seen]
    snapshot.diffs.extend(f"{name}: recorded, never matched" for name in unseen)
    return ("match" if not snapshot.diffs else "DIFF"), snapshot.diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", help="LocalStack's test_s3.py")
    parser.add_argument("snapshots", help="its test_s3.snapshot.json")
    parser.add_argument("-k", default="", help="only tests whose id contains this")
    parser.add_argument("-v", action="store_true", help="print each difference")
    parser.add_argument("--select", default=SELECT.pattern, help="a regex the test names must match")
    options = parser.parse_args()
    source = pathlib.Path(options.tests).read_text(encoding="utf-8")
    snapshots = json.loads(pathlib.Path(options.snapshots).read_text(encoding="utf-8"))
    tree = ast.parse(source)
    fixtures = _fixtures_source(tree, source)
    counter = itertools.count()
    select = re.compile(options.select)
    prefix = next(iter(snapshots)).split("::", 1)[0]  # tests/aws/services/s3/test_s3.py
    results: dict[str, int] = {}
    with S3Server() as server:
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            for fn in cls.body:
                if not (
                    isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_") and select.search(fn.name)
                ):
                    continue
                for params in _params(fn):
                    suffix = f"[{_param_id(params)}]" if params else ""
                    test_id = f"{prefix}::{cls.name}::{fn.name}{suffix}"
                    if test_id not in snapshots or options.k not in test_id:
                        continue
                    recorded = snapshots[test_id]["recorded-content"]
                    verdict, diffs = run_one(
                        cls, fn, source, fixtures, params, recorded, server.endpoint_url, counter
                    )
                    results[verdict] = results.get(verdict, 0) + 1
                    print(
                        f"{verdict:8} {cls.name}::{fn.name}{suffix}"
                        + (f" ({diffs[0]})" if verdict == "skipped" else "")
                    )
                    if options.v and verdict == "DIFF":
                        for line in diffs:
                            print(f"           {line}")
    total = sum(results.values())
    print(f"\nserver: {pytest_s3mpu.__file__}")
    print(f"\n{results.get('match', 0)} of {total} recorded tests match; {results.get('skipped', 0)} skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
