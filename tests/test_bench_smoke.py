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
    results = json.loads(out.read_text())["results"]
    expected = {
        "upload": {"s3mpu", "moto", "discard"},
        "download": {"s3mpu", "moto", "memory"},
        "small requests": {"s3mpu", "moto", "discard", "floor"},
        "ListParts x20": {"s3mpu", "moto", "floor"},
        "Complete x20": {"s3mpu", "moto", "floor"},
        "startup": {"s3mpu", "moto"},
        "memory growth / byte": {"s3mpu", "moto"},
        "memory peak / byte": {"s3mpu", "moto"},
        "fixture reset (us)": {"s3mpu"},
        "ListParts 1 page of 1000": {"s3mpu", "moto", "floor"},
    }
    for workload, servers in expected.items():
        assert set(results[workload]) >= servers, workload
        for server in servers:
            assert math.isfinite(results[workload][server]["median"]), (workload, server)
    assert "s3mpu/moto" in finished.stdout
