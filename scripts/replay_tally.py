"""Replay every LocalStack S3 test recorded against real AWS that talks to S3 alone, and tally by feature.

A companion of ``replay_recordings.py`` (whose runner it uses; not part of the test run): it replays all the
recorded tests of LocalStack's S3-only modules (test_s3.py, test_s3_api.py, test_s3_list_operations.py,
test_s3_preconditions.py, test_s3_cors.py; the notification modules need SQS/SNS/Lambda/EventBridge) against
one fresh standalone server and prints, per feature, how many match the recording.

Usage (from a checkout with the package installed)::

    python scripts/replay_tally.py [--repo /work/.mirror/localstack+localstack/repo] [-v] [--list]

``--list`` prints each test's verdict; ``-v`` each difference too. Tests needing another AWS service,
another account or virtual-host DNS are counted as skipped, not as differences.
"""

from __future__ import annotations

import argparse
import ast
import io
import itertools
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import replay_recordings as replay

MODULES = ("test_s3", "test_s3_api", "test_s3_list_operations", "test_s3_preconditions", "test_s3_cors")
# feature <- the first pattern that matches "Class::test_name" (test name patterns come first: test_s3.py
# keeps most of its tests in one class).
FEATURES: tuple[tuple[str, str], ...] = (
    ("CORS", r"Cors|_cors"),
    ("presign", r"Presign|presign"),
    ("lock", r"ObjectLock|object_lock|retention|legal_hold"),
    ("multipart", r"Multipart|multipart|upload_part|list_parts|ListParts"),
    ("checksums", r"Checksum|checksum|content_md5"),
    ("SSE", r"SSEC|sse_c|_sse|Encryption|encryption|kms"),
    ("listing", r"ListObject|list_object|list_objects|delimiter|marker|prefix"),
    ("buckets", r"ListBuckets|list_buckets|BucketCRUD|location|create_bucket|head_bucket|bucket_name"),
    ("versioning", r"Versioning|versioned|version"),
    ("tagging", r"Tagging|tagging|tags"),
    ("access", r"Acl|acl|Ownership|ownership|PublicAccess|public_access|Policy|policy"),
    (
        "configs",
        r"Lifecycle|lifecycle|Website|website|Logging|logging|Metrics|Replication|Notification"
        r"|Accelerate|accelerat|request_payment|inventory|analytics|intelligent",
    ),
    ("conditions", r"Precondition|precondition|if_match|if_none_match|if_modified|if_unmodified"),
    ("archive", r"DeepArchive|glacier|restore|storage_class"),
    ("objects", r"."),
)


# Recorded tests a literal replay cannot match whatever the double answers, and why: they stay DIFF (never
# counted as matches) and are counted in the "unmatchable" column so the real differences stand out.
UNMATCHABLE: tuple[tuple[str, str, str], ...] = (
    # (test pattern, the only differences allowed, why): a DIFF with any other difference stays a real DIFF.
    (
        r"TestS3SSECEncryption::|test_s3_sse_default_kms_key",
        r"\.ETag: ",
        "AWS gives SSE-C / SSE-KMS objects random per-write ETags (the double's are opaque too)",
    ),
    (
        r"test_complete_multipart_parts_checksum_(composite|full_object)\[",
        r"^complete-multipart-wrong-parts-checksum \$\.Error\.(ETag|PartNumber): ",
        "every part's checksum is wrong and AWS names a different one each time it was recorded "
        "(six re-recordings in LocalStack's history, 2025-01..2026-02)",
    ),
    (
        r"test_delete_bucket_with_content$",
        r"^list-buckets \$\.Buckets: ",
        "the recorded ListBuckets holds another bucket of the recording account",
    ),
    (
        r"test_s3_batch_delete_objects_using_requests_with_acl$",
        r": not recorded$",
        "the recording is empty (it predates the test's snapshot.match calls); the test's asserts pass",
    ),
)


def unmatchable(test: str, diffs: list[str]) -> str | None:
    """Why a recorded test (``Class::test_name[params]``) cannot match a literal replay, or None: only when
    every one of its differences is of the kind that entry allows."""
    for pattern, allowed, why in UNMATCHABLE:
        if re.search(pattern, test) and diffs and all(re.search(allowed, line) for line in diffs):
            return why
    return None


def feature(test: str) -> str:
    """The feature a recorded test belongs to (``Class::test_name``)."""
    cls, _, name = test.partition("::")
    for label, pattern in FEATURES:
        if re.search(pattern, name) or re.search(pattern, cls):
            return label
    return "objects"


def _show(repo: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True
    ).stdout


def _test_tree(repo: str) -> pathlib.Path:
    """A directory holding LocalStack's ``tests/aws/files`` (the files tests upload), so that a module's
    ``__file__`` can point beside them as in LocalStack's checkout."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="replay-localstack-"))
    archive = subprocess.run(
        ["git", "-C", repo, "archive", "HEAD", "tests/aws/files"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    (root / "tests/aws/services/s3").mkdir(parents=True, exist_ok=True)
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repo", default="/work/.mirror/localstack+localstack/repo", help="LocalStack git dir"
    )
    parser.add_argument("--list", action="store_true", help="print each test's verdict")
    parser.add_argument("-v", action="store_true", help="print each difference")
    parser.add_argument("-k", default="", help="only tests whose id contains this")
    options = parser.parse_args()
    tally: dict[str, dict[str, int]] = {}
    tree_root = _test_tree(options.repo)
    counter = itertools.count()
    for name in MODULES:
        base = f"tests/aws/services/s3/{name}"
        source = _show(options.repo, f"{base}.py")
        snapshots = json.loads(_show(options.repo, f"{base}.snapshot.json"))
        tree = ast.parse(source)
        fixtures = replay._fixtures_source(tree, source)
        path = str(tree_root / f"{base}.py")
        module = replay.module_namespace(tree, source, replay.base_namespace(), path)
        ran: set[str] = set()
        defined = {
            f"{cls.name}::{fn.name}"
            for cls in tree.body
            if isinstance(cls, ast.ClassDef)
            for fn in cls.body
            if isinstance(fn, ast.FunctionDef)
        }
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            for fn in cls.body:
                if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
                    continue
                for params in replay._params(fn, module):
                    suffix = f"[{replay._param_id(params)}]" if params else ""
                    test_id = f"{base}.py::{cls.name}::{fn.name}{suffix}"
                    if test_id not in snapshots or options.k not in test_id:
                        continue
                    ran.add(test_id)
                    recorded = snapshots[test_id]["recorded-content"]
                    verdict, diffs = replay.run_one(
                        cls, fn, source, fixtures, params, recorded, counter, module
                    )
                    row = tally.setdefault(feature(f"{cls.name}::{fn.name}"), {})
                    row[verdict] = row.get(verdict, 0) + 1
                    why = unmatchable(f"{cls.name}::{fn.name}{suffix}", diffs) if verdict == "DIFF" else None
                    if why:
                        row["unmatchable"] = row.get("unmatchable", 0) + 1
                    if options.list or options.v:
                        note = f"  (unmatchable: {why})" if why else ""
                        print(f"{verdict:8} {name}::{cls.name}::{fn.name}{suffix}{note}", flush=True)
                    if options.v and verdict != "match":
                        for line in diffs[:8]:
                            print(f"           {line[:300]}")
        unreplayed = [t for t in snapshots if t not in ran and options.k in t]
        for test_id in unreplayed:
            row = tally.setdefault(feature(test_id.split("::", 1)[1]), {})
            row["not run"] = row.get("not run", 0) + 1
            if options.list or options.v:
                test = test_id.split("::", 1)[1]
                exists = re.sub(r"\[.*", "", test) in defined
                why = (
                    "parameters not reproduced" if exists else "recorded for a test the module no longer has"
                )
                print(f"not run  {name}::{test} ({why})")
    shutil.rmtree(tree_root, ignore_errors=True)
    print(f"\n{'feature':12} {'matched':>8} {'total':>6} {'unmatchable':>12} {'skipped':>8} {'not run':>8}")
    totals = {"match": 0, "DIFF": 0, "unmatchable": 0, "skipped": 0, "not run": 0}
    for label, _ in FEATURES:
        row = tally.get(label)
        if not row:
            continue
        for key in totals:
            totals[key] += row.get(key, 0)
        total = row.get("match", 0) + row.get("DIFF", 0)
        counts = (
            row.get("match", 0),
            total,
            row.get("unmatchable", 0),
            row.get("skipped", 0),
            row.get("not run", 0),
        )
        print(f"{label:12} {counts[0]:>8} {counts[1]:>6} {counts[2]:>12} {counts[3]:>8} {counts[4]:>8}")
    total = totals["match"] + totals["DIFF"]
    print(
        f"{'all':12} {totals['match']:>8} {total:>6} {totals['unmatchable']:>12} {totals['skipped']:>8}"
        f" {totals['not run']:>8}"
    )
    print(
        "\n(total = tests replayed; unmatchable = DIFFs no answer could match, see UNMATCHABLE; skipped ="
        " needs another AWS service or account)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
