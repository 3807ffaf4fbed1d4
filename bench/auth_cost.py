"""Server CPU per small request with signature verification off and on, beside a peer checkout.

Each server runs as ``python -m pytest_s3mpu`` in its own process; the client sends the same small
requests (PUT then GET of a 1 KiB object, over one keep-alive connection, signed by botocore in advance)
and the server's user+system CPU time is read from /proc before and after. Servers run interleaved
(A B C A B C ...) for several rounds, and the medians are reported, since machines here are noisy.

    python -m bench.auth_cost --peer /work/wt/base      # base checkout vs this one, auth off and sigv4
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = Path(__file__).resolve().parent.parent
BODY = b"x" * 1024


@dataclass
class Variant:
    name: str
    source: Path  # the checkout whose pytest_s3mpu runs
    auth: str


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(variant: Variant) -> tuple[subprocess.Popen[str], int]:
    args = [sys.executable, "-m", "pytest_s3mpu", "--port", "0", "--host", "127.0.0.1"]
    if variant.auth != "off":
        args += ["--auth", variant.auth, "--credentials", "bench:bench"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_S3MPU_")}
    env["PYTHONPATH"] = str(variant.source)  # with cwd: -m puts the working directory first on sys.path
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=variant.source
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    return proc, int(line.rsplit(":", 1)[1])


def _signed(port: int, method: str, path: str, body: bytes) -> dict[str, str]:
    request = AWSRequest(method, f"http://127.0.0.1:{port}{path}", data=body)
    S3SigV4Auth(Credentials("bench", "bench"), "s3", "us-east-1").add_auth(request)
    return {**dict(request.headers.items()), "Content-Length": str(len(body))}


def _measure(variant: Variant, requests: int) -> float:
    """Server CPU microseconds per request, over ``requests`` small requests."""
    proc, port = _start(variant)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        plan = [("PUT", "/bench", b"")] + [
            ("PUT", f"/bench/k{i % 16}", BODY) if i % 2 == 0 else ("GET", f"/bench/k{i % 16 - 1}", b"")
            for i in range(requests)
        ]
        signed = [(m, p, b, _signed(port, m, p, b)) for m, p, b in plan]
        method, path, body, headers = signed[0]
        connection.request(method, path, body=body, headers=headers)
        connection.getresponse().read()
        before = _cpu_seconds(proc.pid)
        for method, path, body, headers in signed[1:]:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (variant.name, response.status)
        time.sleep(0.05)  # the last response's journal entry is recorded after it is sent
        return (_cpu_seconds(proc.pid) - before) / requests * 1e6
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, required=True, help="a checkout to compare with (auth off)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    variants = [
        Variant(f"peer {args.peer.name} (no auth code)", args.peer, "off"),
        Variant("this checkout, auth off", ROOT, "off"),
        Variant("this checkout, auth sigv4", ROOT, "sigv4"),
    ]
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    for _ in range(args.rounds):
        for variant in variants:
            samples[variant.name].append(_measure(variant, args.requests))
    for name, values in samples.items():
        print(
            f"{name:40} median {statistics.median(values):7.1f} us CPU/request "
            f"(min {min(values):.1f}, max {max(values):.1f}, {args.rounds} rounds x {args.requests})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
