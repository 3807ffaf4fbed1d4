"""Benchmark pytest-s3mpu against moto's server and minimal Werkzeug reference apps, side by side.

Every server runs in its own process on 127.0.0.1; each workload runs interleaved (A B A B ...) for
several rounds, and the table reports medians, min-max and ratios, since machines here are noisy.

    python -m bench.run                      # the full run (several minutes)
    python -m bench.run --smoke              # tiny sizes, one round: proves the benchmark still works
    python -m bench.run --json out.json      # also write the results as JSON
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import http.client
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parent.parent


# -- servers --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(kind: str, port: int, blob_size: int) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    if kind == "s3mpu":
        return [sys.executable, "-m", "pytest_s3mpu", "--port", str(port), "--min-part-size", "1"], env
    if kind == "moto":
        env["S3_UPLOAD_PART_MIN_SIZE"] = "1"
        return [sys.executable, "-m", "moto.server", "-p", str(port)], env
    if kind in ("discard", "hashing", "memory"):
        args = [sys.executable, "-m", "bench.reference_apps", kind, str(port), str(blob_size)]
        return args, env
    if kind == "floor":  # canned answers over plain sockets: what boto3 alone costs (bench/null_server.py)
        return [sys.executable, "-m", "bench.null_server", str(port)], env
    raise ValueError(kind)


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen[bytes]
    startup_s: float

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) of the server process, in bytes."""
        values = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) * 1024
        return values["VmRSS"], values["VmHWM"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start(kind: str, blob_size: int = MIB, extra_env: dict[str, str] | None = None) -> Server:
    """Start a server and wait until it answers HTTP (bounded: 30 s)."""
    port = _free_port()
    command, env = _command(kind, port, blob_size)
    env.update(extra_env or {})
    began = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = began + 30
    while time.perf_counter() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            return Server(kind, port, process, time.perf_counter() - began)
        except OSError:
            time.sleep(0.005)
    process.kill()
    raise RuntimeError(f"{kind} did not start")


@contextlib.contextmanager
def running(kind: str, blob_size: int = MIB) -> Iterator[Server]:
    server = start(kind, blob_size)
    try:
        yield server
    finally:
        server.stop()


def client(endpoint: str) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=16, s3={"addressing_style": "path"}),
    )


TRANSFER = TransferConfig(
    multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=8, use_threads=True
)


# -- workloads --------------------------------------------------------------------------------------


def upload_mb_s(server: Server, data: bytes, round_no: int) -> float:
    """boto3 upload_fileobj, 8 MiB parts, 8 threads: MB/s."""
    s3 = client(server.endpoint)
    with contextlib.suppress(Exception):
        s3.create_bucket(Bucket="bench")
    key = f"up-{round_no}"
    began = time.perf_counter()
    s3.upload_fileobj(io.BytesIO(data), "bench", key, Config=TRANSFER)
    elapsed = time.perf_counter() - began
    with contextlib.suppress(Exception):
        s3.delete_object(Bucket="bench", Key=key)
    return len(data) / elapsed / 1e6


def download_mb_s(server: Server, size: int, round_no: int) -> float:
    """boto3 download_fileobj (HEAD, then ranged GETs of 8 MiB on 8 threads): MB/s."""
    s3 = client(server.endpoint)
    if server.kind != "memory" and round_no == 0:
        with contextlib.suppress(Exception):
            s3.create_bucket(Bucket="bench")
        s3.upload_fileobj(io.BytesIO(os.urandom(size)), "bench", "down", Config=TRANSFER)
    sink = io.BytesIO()
    began = time.perf_counter()
    s3.download_fileobj("bench", "down", sink, Config=TRANSFER)
    elapsed = time.perf_counter() - began
    assert len(sink.getbuffer()) == size, (server.kind, len(sink.getbuffer()), size)
    return size / elapsed / 1e6


def small_requests_per_s(server: Server, iterations: int) -> float:
    """Create, 20 x 1 KiB UploadPart, ListParts, Abort: requests per second through boto3."""
    s3 = client(server.endpoint)
    with contextlib.suppress(Exception):
        s3.create_bucket(Bucket="bench")
    body = b"x" * 1024
    count = 0
    began = time.perf_counter()
    for i in range(iterations):
        upload = s3.create_multipart_upload(Bucket="bench", Key=f"small-{i}")["UploadId"]
        for number in range(1, 21):
            s3.upload_part(Bucket="bench", Key=f"small-{i}", UploadId=upload, PartNumber=number, Body=body)
        s3.list_parts(Bucket="bench", Key=f"small-{i}", UploadId=upload)
        s3.abort_multipart_upload(Bucket="bench", Key=f"small-{i}", UploadId=upload)
        count += 23
    return count / (time.perf_counter() - began)


def _raw_parts(server: Server, key: str, upload_id: str, parts: int) -> list[dict[str, Any]]:
    """Upload ``parts`` one-byte parts over one keep-alive connection (setup, not measured)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    listed = []
    for number in range(1, parts + 1):
        connection.request(
            "PUT",
            f"/bench/{key}?partNumber={number}&uploadId={upload_id}",
            body=b"x",
            headers={"Content-Length": "1"},
        )
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{server.kind}: UploadPart {number} answered {response.status}")
        listed.append({"PartNumber": number, "ETag": response.getheader("ETag")})
    connection.close()
    return listed


_PAGE_UPLOADS: dict[str, str] = {}


def list_page_s(server: Server) -> float:
    """Seconds for one ListParts page of 1000 parts through boto3 (the floor server answers a canned
    page: what boto3 alone costs to receive and parse it)."""
    s3 = client(server.endpoint)
    if server.kind not in _PAGE_UPLOADS:
        upload = "u"
        if server.kind != "floor":
            with contextlib.suppress(Exception):
                s3.create_bucket(Bucket="bench")
            upload = s3.create_multipart_upload(Bucket="bench", Key="page")["UploadId"]
            _raw_parts(server, "page", upload, 1000)
        _PAGE_UPLOADS[server.kind] = upload
    began = time.perf_counter()
    listed = s3.list_parts(Bucket="bench", Key="page", UploadId=_PAGE_UPLOADS[server.kind])
    elapsed = time.perf_counter() - began
    assert len(listed["Parts"]) == 1000, server.kind
    return elapsed


def complete_and_list_s(server: Server, parts: int, round_no: int) -> tuple[float, float]:
    """Seconds for a paginated ListParts over every part, then for CompleteMultipartUpload."""
    s3 = client(server.endpoint)
    with contextlib.suppress(Exception):
        s3.create_bucket(Bucket="bench")
    key = f"many-{parts}-{round_no}"
    upload = s3.create_multipart_upload(Bucket="bench", Key=key)["UploadId"]
    listed = _raw_parts(server, key, upload, parts)
    began = time.perf_counter()
    seen = 0
    for page in s3.get_paginator("list_parts").paginate(Bucket="bench", Key=key, UploadId=upload):
        seen += len(page.get("Parts", []))
    list_s = time.perf_counter() - began
    assert seen == parts, (server.kind, seen)
    began = time.perf_counter()
    s3.complete_multipart_upload(Bucket="bench", Key=key, UploadId=upload, MultipartUpload={"Parts": listed})
    complete_s = time.perf_counter() - began
    with contextlib.suppress(Exception):
        s3.delete_object(Bucket="bench", Key=key)
    return list_s, complete_s


_LISTED: set[str] = set()


def _listing_key(i: int, keys: int) -> str:
    """Key ``i`` of the listing bucket: groups of 100 keys under prefixes "0000/", "0001/", ..."""
    return f"{i % max(keys // 100, 1):04d}/{i:07d}"


def _fill_listing_bucket(server: Server, keys: int) -> None:
    """Put ``keys`` empty objects into bucket "listing" over one keep-alive connection (setup, not
    measured; once per server)."""
    if server.kind in _LISTED:
        return
    client(server.endpoint).create_bucket(Bucket="listing")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for i in range(keys):
        for attempt in range(3):  # moto, loaded, answers a rare 500 (the same PUT succeeds again)
            connection.request(
                "PUT", f"/listing/{_listing_key(i, keys)}", body=b"", headers={"Content-Length": "0"}
            )
            response = connection.getresponse()
            body = response.read()
            if response.status == 200:
                break
            if attempt == 2:
                raise RuntimeError(f"{server.kind}: PutObject {i} answered {response.status}: {body[:200]!r}")
    connection.close()
    _LISTED.add(server.kind)


def list_objects_s(server: Server, keys: int) -> tuple[float, float]:
    """Seconds to page through every key of a ``keys``-key bucket with boto3's ListObjectsV2 paginator
    (1000 keys a page), then for one prefix page (100 keys) in that bucket."""
    _fill_listing_bucket(server, keys)
    s3 = client(server.endpoint)
    began = time.perf_counter()
    seen = sum(
        page.get("KeyCount", 0) for page in s3.get_paginator("list_objects_v2").paginate(Bucket="listing")
    )
    paging_s = time.perf_counter() - began
    assert seen == keys, (server.kind, seen, keys)
    prefix = _listing_key(keys // 200, keys).split("/")[0] + "/"
    began = time.perf_counter()
    page = s3.list_objects_v2(Bucket="listing", Prefix=prefix)
    prefix_s = time.perf_counter() - began
    assert page["KeyCount"] == min(keys, 100), (server.kind, page["KeyCount"])
    return paging_s, prefix_s


def store_paging_us_per_key(keys: int) -> float:
    """Microseconds per key listed to page through a ``keys``-key bucket in the store alone (1000 keys a
    page, in-process): constant per key when a page costs O(log n + page), growing with n when it scans."""
    from pytest_s3mpu.state.model import ObjectMeta, Payload
    from pytest_s3mpu.state.store import Store

    store = Store()
    store.create_bucket("bench")
    payload = Payload.of(b"")
    for i in range(keys):
        store.put_object("bench", _listing_key(i, keys), payload, ObjectMeta())
    began = time.perf_counter()
    marker, listed = None, 0
    for _ in range(keys // 1000 + 2):
        page = store.list_objects("bench", "", None, 1000, marker)
        listed += len(page.objects)
        if not page.truncated:
            break
        marker = page.next_marker
    elapsed = time.perf_counter() - began
    assert listed == keys, (listed, keys)
    return elapsed / keys * 1e6


def memory_ratios(kind: str, data: bytes) -> tuple[float, float, float]:
    """A fresh server: (RSS growth per byte stored, peak per byte stored, RSS after reset per byte)."""
    with running(kind) as server:
        s3 = client(server.endpoint)
        s3.create_bucket(Bucket="bench")
        s3.list_buckets()
        base, _ = server.rss()
        s3.upload_fileobj(io.BytesIO(data), "bench", "mem", Config=TRANSFER)
        time.sleep(0.2)
        after, peak = server.rss()
        if kind == "s3mpu":
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request("POST", "/_s3mpu/reset")
            connection.getresponse().read()
        else:
            s3.delete_object(Bucket="bench", Key="mem")
        time.sleep(0.2)
        reset, _ = server.rss()
        size = len(data)
        return (after - base) / size, (peak - base) / size, (reset - base) / size


def reset_microseconds(objects: int) -> float:
    """The ``s3mpu`` fixture's per-test reset (store, rules, journal), in microseconds, in-process."""
    from pytest_s3mpu.s3server import S3Server
    from pytest_s3mpu.state.model import ObjectMeta, Payload

    server = S3Server()
    payload = Payload.of(b"x")
    samples = []
    for _ in range(20):
        server.store.create_bucket("bench")
        for i in range(objects):
            server.store.put_object("bench", f"k{i}", payload, ObjectMeta())
        began = time.perf_counter()
        server.reset()
        samples.append((time.perf_counter() - began) * 1e6)
    return statistics.median(samples)


# -- the run ----------------------------------------------------------------------------------------


@dataclass
class Results:
    samples: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def add(self, workload: str, server: str, value: float) -> None:
        self.samples.setdefault(workload, {}).setdefault(server, []).append(value)

    def median(self, workload: str, server: str) -> float:
        return statistics.median(self.samples[workload][server])


@dataclass(frozen=True)
class Workload:
    name: str
    unit: str
    higher_is_better: bool
    servers: tuple[str, ...]
    measure: Callable[[Server, int], float] | None  # None: measured in its own way below


def byte_compile_package() -> None:
    """Write the package's byte code, as ``pip install`` does for every installed package (moto's
    included): with PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise be compiled from
    source at every start, and start-up would measure the compiler rather than the server."""
    compileall.compile_dir(ROOT / "pytest_s3mpu", quiet=1)


def run(args: argparse.Namespace) -> Results:
    results = Results()
    byte_compile_package()
    data = os.urandom(args.upload_mib * MIB)
    download_size = args.download_mib * MIB
    kinds = ["s3mpu", "moto"]
    servers = {kind: start(kind) for kind in kinds}
    servers["discard"] = start("discard", 20)
    servers["hashing"] = start("hashing", 20)
    servers["floor"] = start("floor")
    servers["memory"] = start("memory", download_size)
    # The listing workloads get servers of their own, moto with its default settings: with the 1-byte
    # minimum part size above, moto keeps every body in a temporary file, one open file per key, and a
    # 100,000-key bucket runs out of file descriptors (20,000 here).
    listing = {kind: start(kind, extra_env={"S3_UPLOAD_PART_MIN_SIZE": str(5 * MIB)}) for kind in kinds}
    servers.update({f"{kind} (listing)": server for kind, server in listing.items()})
    try:
        for round_no in range(args.rounds):
            for kind in ("s3mpu", "moto", "discard", "hashing"):
                results.add("upload", kind, upload_mb_s(servers[kind], data, round_no))
            for kind in ("s3mpu", "moto", "memory"):
                results.add("download", kind, download_mb_s(servers[kind], download_size, round_no))
            for kind in (*kinds, "discard", "floor"):
                rate = small_requests_per_s(servers[kind], args.small_iterations)
                results.add("small requests", kind, rate)
            # The workloads of up to 1000 parts take tens of milliseconds, so one slow moment moves a sample a
            # lot: each runs --repeat times a round (still interleaved), for a steadier median.
            for _ in range(args.repeat):
                for kind in (*kinds, "floor"):
                    results.add("ListParts 1 page of 1000", kind, list_page_s(servers[kind]))
            for parts in args.parts:
                if parts > 1000 and round_no >= args.parts_rounds:
                    continue  # the costly counts (moto takes minutes to take 10,000 parts) run fewer rounds
                for repeat in range(args.repeat if parts <= 1000 else 1):
                    for kind in (*kinds, "floor"):
                        list_s, complete_s = complete_and_list_s(
                            servers[kind], parts, round_no * 100 + repeat
                        )
                        results.add(f"ListParts x{parts}", kind, list_s)
                        results.add(f"Complete x{parts}", kind, complete_s)
            for kind in kinds:
                paging_s, prefix_s = list_objects_s(listing[kind], args.list_keys)
                results.add(f"ListObjectsV2 pages x{args.list_keys}", kind, paging_s)
                results.add(f"ListObjectsV2 prefix page in {args.list_keys}", kind, prefix_s)
            for kind in kinds:
                with running(kind) as fresh:
                    results.add("startup", kind, fresh.startup_s)
            print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    finally:
        for server in servers.values():
            server.stop()
    memory_data = os.urandom(args.memory_mib * MIB)
    for _ in range(args.memory_rounds):
        for kind in kinds:
            growth, peak, reset = memory_ratios(kind, memory_data)
            results.add("memory growth / byte", kind, growth)
            results.add("memory peak / byte", kind, peak)
            results.add("memory after reset / byte", kind, reset)
    results.add("fixture reset (us)", "s3mpu", reset_microseconds(args.reset_objects))
    for keys in args.growth_keys:
        for _ in range(args.growth_rounds):
            results.add(f"store paging us/key x{keys}", "s3mpu", store_paging_us_per_key(keys))
    return results


LOWER_IS_BETTER = (
    "ListParts",
    "ListObjectsV2",
    "Complete",
    "startup",
    "memory",
    "fixture reset",
    "store paging",
)


@dataclass(frozen=True)
class Goal:
    """One of the performance issue's goals: pytest-s3mpu's median over ``peer``'s (or, with no peer, its
    own median) against ``bound``. ``limit`` names the reference whose own ratio to the peer is the best
    any server could show here (the floor: boto3 alone; the hashing app: only the hashing S3 requires;
    the memory app: a blob served from memory), which tells a goal this machine and client put out of
    reach from one the server itself misses."""

    workload: str
    peer: str | None
    bound: float
    higher_is_better: bool
    limit: str | None = None


def goals(workloads: Iterable[str]) -> list[Goal]:
    fixed = [
        Goal("upload", "moto", 3.0, True, "hashing"),
        Goal("upload", "discard", 0.75, True, "hashing"),
        Goal("download", "moto", 10.0, True, "memory"),
        Goal("download", "memory", 0.75, True),
        Goal("small requests", "moto", 3.0, True, "floor"),
        Goal("ListParts 1 page of 1000", "moto", 0.3, False, "floor"),
        Goal("startup", "moto", 0.3, False),
        Goal("memory growth / byte", None, 1.05, False),
        Goal("memory peak / byte", None, 1.2, False),
    ]
    counted = [
        Goal(name, "moto", 0.3, False, "floor")
        for name in workloads
        if name.startswith(("ListParts x", "Complete x"))
    ]
    return [goal for goal in fixed if goal.workload in workloads] + counted


def verdicts(results: Results) -> tuple[str, list[dict[str, Any]]]:
    """Each goal: met, out of reach here (its limit misses the bound too), or missed."""
    lines = [f"{'goal':44} {'s3mpu':>8} {'limit':>18} {'s3mpu/limit':>11}  verdict"]
    rows: list[dict[str, Any]] = []
    for goal in goals(results.samples):
        by_server = results.samples[goal.workload]
        ours = statistics.median(by_server["s3mpu"])
        value = ours / statistics.median(by_server[goal.peer]) if goal.peer else ours
        relation = ">=" if goal.higher_is_better else "<="
        met = value >= goal.bound if goal.higher_is_better else value <= goal.bound
        limit_value = None
        if goal.limit is not None and goal.peer is not None and goal.limit in by_server:
            limit_value = statistics.median(by_server[goal.limit]) / statistics.median(by_server[goal.peer])
        if met:
            verdict = "met"
        elif limit_value is not None and not (
            limit_value >= goal.bound if goal.higher_is_better else limit_value <= goal.bound
        ):
            verdict = f"out of reach here: {goal.limit} alone is {limit_value:.2f}"
        else:
            verdict = "missed"
        name = (
            f"{goal.workload}: s3mpu/{goal.peer} {relation} {goal.bound}"
            if goal.peer
            else (f"{goal.workload} {relation} {goal.bound}")
        )
        limit_text = f"{goal.limit}/{goal.peer} {limit_value:.2f}" if limit_value is not None else ""
        closeness = f"{value / limit_value:.2f}" if limit_value else ""
        lines.append(f"{name:44} {value:8.3f} {limit_text:>18} {closeness:>11}  {verdict}")
        rows.append(
            {
                "workload": goal.workload,
                "peer": goal.peer,
                "bound": goal.bound,
                "higher_is_better": goal.higher_is_better,
                "value": value,
                "limit": goal.limit,
                "limit_value": limit_value,
                "verdict": verdict,
            }
        )
    return "\n".join(lines), rows


def report(results: Results) -> tuple[str, dict[str, Any]]:
    lines = [f"{'workload':28} {'server':8} {'median':>12} {'min-max':>24} {'ratio':>22}"]
    table: dict[str, Any] = {}
    for workload, by_server in results.samples.items():
        ours = statistics.median(by_server["s3mpu"])
        for kind, values in by_server.items():
            median = statistics.median(values)
            ratio = ""
            if kind != "s3mpu" and median:
                ratio = f"s3mpu/{kind} = {ours / median:.2f}x"
            spread = f"{min(values):.4g}-{max(values):.4g}"
            lines.append(f"{workload:28} {kind:8} {median:12.4g} {spread:>24} {ratio:>22}")
            table.setdefault(workload, {})[kind] = {
                "median": median,
                "min": min(values),
                "max": max(values),
                "samples": values,
            }
    return "\n".join(lines), table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--upload-mib", type=int, default=256)
    parser.add_argument("--download-mib", type=int, default=256)
    parser.add_argument("--small-iterations", type=int, default=10)
    parser.add_argument("--parts", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument(
        "--parts-rounds", type=int, default=3, help="rounds for part counts over 1000 (others: every round)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="samples a round of the workloads of up to 1000 parts"
    )
    parser.add_argument("--memory-mib", type=int, default=256)
    parser.add_argument("--memory-rounds", type=int, default=2)
    parser.add_argument("--reset-objects", type=int, default=100)
    parser.add_argument("--list-keys", type=int, default=100_000, help="keys in the ListObjectsV2 bucket")
    parser.add_argument(
        "--growth-keys",
        type=int,
        nargs="*",
        default=[10_000, 40_000, 160_000],
        help="bucket sizes of the store-level paging workload (its time per key should not grow)",
    )
    parser.add_argument("--growth-rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one round")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.upload_mib, args.download_mib, args.small_iterations = 1, 9, 9, 1
        args.parts, args.parts_rounds, args.memory_mib, args.memory_rounds = [20], 1, 9, 1
        args.repeat = 1
        args.reset_objects = 5
        args.list_keys, args.growth_keys, args.growth_rounds = 300, [1000, 4000], 1
    results = run(args)
    text, table = report(results)
    goal_text, goal_rows = verdicts(results)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}\n{text}\n\n{goal_text}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "args": vars(args) | {"json": str(args.json)},
                    "results": table,
                    "goals": goal_rows,
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
