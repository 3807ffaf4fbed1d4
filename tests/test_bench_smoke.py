"""The benchmark (bench/run.py) at tiny sizes, so it cannot rot: every workload runs against every peer
(pytest-s3mpu, moto's server, the Werkzeug reference apps, the plain-socket floor) and yields a number.
No timing is asserted."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_run(tmp_path):
    """One round of every workload at tiny sizes; the JSON has a median for each workload and server."""
    out = tmp_path / "bench.json"
    finished = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    written = json.loads(out.read_text())
    results = written["results"]
    expected = {
        "upload": {"s3mpu", "moto", "discard", "hashing"},
        "download": {"s3mpu", "moto", "memory"},
        "small requests": {"s3mpu", "moto", "discard", "floor"},
        "ListParts x20": {"s3mpu", "moto", "floor"},
        "Complete x20": {"s3mpu", "moto", "floor"},
        "startup": {"s3mpu", "moto"},
        "memory growth / byte": {"s3mpu", "moto"},
        "memory peak / byte": {"s3mpu", "moto"},
        "fixture reset (us)": {"s3mpu"},
        "ListParts 1 page of 1000": {"s3mpu", "moto", "floor"},
        "ListObjectsV2 pages x300": {"s3mpu", "moto"},
        "ListObjectsV2 prefix page in 300": {"s3mpu", "moto"},
        "store paging us/key x1000": {"s3mpu"},
        "store paging us/key x4000": {"s3mpu"},
    }
    for workload, servers in expected.items():
        assert set(results[workload]) >= servers, workload
        for server in servers:
            assert math.isfinite(results[workload][server]["median"]), (workload, server)
    assert "s3mpu/moto" in finished.stdout
    judged = {(row["workload"], row["peer"]) for row in written["goals"]}
    assert judged >= {("upload", "discard"), ("download", "moto"), ("small requests", "moto")}
    for row in written["goals"]:
        assert row["verdict"] == "met" or row["verdict"].startswith(("out of reach here", "missed")), row


def test_benchmark_judges_every_goal(tmp_path):
    """Every goal of the performance issue gets a verdict, and a goal whose limit (boto3 alone, the
    hashing S3 requires, a blob served from memory) misses the bound too is told apart from one the server
    itself misses: the verdict follows from the medians, here recomputed from the samples."""
    from bench.run import Results, verdicts

    results = Results()
    for server, rate in {"s3mpu": 400.0, "moto": 150.0, "floor": 420.0}.items():
        results.add("small requests", server, rate)  # 2.67x moto; boto3 alone reaches 2.8x: out of reach
    for server, seconds in {"s3mpu": 0.5, "moto": 1.0, "floor": 0.1}.items():
        results.add("Complete x10000", server, seconds)  # 0.5x; the floor is 0.1x: missed by the server
    for server, seconds in {"s3mpu": 0.2, "moto": 1.0}.items():
        results.add("startup", server, seconds)  # 0.2x: met
    _, rows = verdicts(results)
    by_goal = {row["workload"]: row for row in rows}
    assert by_goal["small requests"]["verdict"] == "out of reach here: floor alone is 2.80"
    assert by_goal["small requests"]["value"] == 400.0 / 150.0
    assert by_goal["Complete x10000"]["verdict"] == "missed"
    assert by_goal["Complete x10000"]["limit_value"] == 0.1
    assert by_goal["startup"]["verdict"] == "met"
    assert set(by_goal) == {"small requests", "Complete x10000", "startup"}
