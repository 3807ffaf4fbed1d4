"""Server CPU per small request, two source trees side by side (e.g. a branch against its base commit).

Each tree's server runs in its own process (``PYTHONPATH`` = the tree) and reports its own CPU time
(``time.process_time``: every thread of it) before and after a batch of small requests sent over one
keep-alive connection; batches alternate between the trees (A B A B ...) for several rounds, and the
table shows the median microseconds of server CPU per request, since machines here are noisy. The
requests are what the journal records most: PutObject of 16 bytes with the headers boto3 sends, GetObject
and HeadObject of it.

    python -m bench.request_cpu /work/wt/base .            # 7 rounds of 400 requests per workload
    python -m bench.request_cpu /work/wt/base . --rounds 3 --requests 100
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

SERVER = """
import sys, time
from pytest_s3mpu import S3Server
server = S3Server().start()
server.store.create_bucket("bench-bucket", None)
print(server.port, flush=True)
for line in sys.stdin:
    print(repr(time.process_time()), flush=True)
"""

HEADERS = {
    "User-Agent": "Boto3/1.40.0 md/Botocore#1.40.0 ua/2.1 os/linux lang/python#3.11 cfg/retry-mode#standard",
    "Content-Type": "application/octet-stream",
    "x-amz-checksum-crc32": "aMTwMw==",  # the CRC32 of the 16-byte body
    "x-amz-sdk-checksum-algorithm": "CRC32",
    "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
    "x-amz-date": "20300101T000000Z",
    "x-amz-meta-owner": "bench",
    "amz-sdk-invocation-id": "4a0c1f8e-0000-4000-8000-000000000000",
    "amz-sdk-request": "attempt=1; max=3",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20300101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
}


class Server:
    def __init__(self, tree: Path) -> None:
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def cpu(self) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("cpu\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def request(self, method: str, path: str, body: bytes = b"") -> None:
        self.connection.request(method, path, body=body or None, headers=HEADERS)
        answer = self.connection.getresponse()
        answer.read()
        assert answer.status < 300, (method, path, answer.status)

    def stop(self) -> None:
        self.connection.close()
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.kill()
        self.process.wait(timeout=10)


WORKLOADS: dict[str, Callable[[Server, int], None]] = {
    "PutObject 16 B": lambda s, i: s.request("PUT", f"/bench-bucket/k{i % 50}", b"0123456789abcdef"),
    "GetObject": lambda s, i: s.request("GET", "/bench-bucket/k0"),
    "HeadObject": lambda s, i: s.request("HEAD", "/bench-bucket/k0"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    servers = [Server(args.base.resolve()), Server(args.new.resolve())]
    try:
        for server in servers:
            server.request("PUT", "/bench-bucket/k0", b"0123456789abcdef")
            for _ in range(50):  # warm up: imports, caches
                server.request("GET", "/bench-bucket/k0")
        print(f"{'workload':<16} {'base us/req':>12} {'new us/req':>12} {'new/base':>9}")
        for name, workload in WORKLOADS.items():
            samples: list[list[float]] = [[], []]
            for _ in range(args.rounds):
                for index, server in enumerate(servers):
                    before = server.cpu()
                    for number in range(args.requests):
                        workload(server, number)
                    samples[index].append((server.cpu() - before) / args.requests * 1e6)
            base, new = (statistics.median(s) for s in samples)
            print(f"{name:<16} {base:>12.1f} {new:>12.1f} {new / base:>9.3f}")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
