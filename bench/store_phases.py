"""The store's lock under Complete: ``python -m bench.store_phases --base /work/wt/base``.

Issue 16 item 5, measured for two source trees side by side (this one and a base commit's worktree),
each round in a fresh process per tree, interleaved (A B A B ...), since the machine is noisy:

- ``complete_1000`` / ``complete_10000``: one CompleteMultipartUpload of that many parts, in-process
  (the store's own cost, no HTTP), the median of 5 per round, milliseconds;
- while a 10,000-part Complete runs, another thread sends ListParts of *another* upload in a loop:
  ``longest_lock_hold_ms``, the longest the Complete held the store's lock at once (what every other
  request may wait for), ``longest_wait_ms``, the slowest of those ListParts (the GIL and
  the garbage collector add to it), and ``answered_meanwhile``, how many were answered;
- ``upload_part_store_us``: one UploadPart's store calls as the app makes them (checks, then store),
  microseconds;
- ``upload_part_http_us``: one UploadPart through the real server (http.client, keep-alive), microseconds.

The table gives medians, min-max and the ratio branch/base. Figures go to the report, never to assertions.
Every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import http.client
import inspect
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_PARTS_HTTP = 400
WAIT_PROBES = 100_000  # an upper bound on the probe loop; it stops when the Complete returns


def _store_parts(store: Any, upload_id: str, count: int, key: str = "k") -> list[Any]:
    """Upload ``count`` one-byte parts the way the app does (check, then store); returns their specs."""
    from pytest_s3mpu.state.checksums import Algorithm, compute
    from pytest_s3mpu.state.model import CompletedPartSpec, Payload

    specs = []
    for number in range(1, count + 1):
        data = bytes([number % 251])
        md5 = hashlib.md5(data).digest()
        payload = Payload(
            data=data, md5=md5, digests={Algorithm.CRC64NVME: compute(Algorithm.CRC64NVME, data)}
        )
        store.upload_part("bench", key, upload_id, str(number), payload)
        specs.append(CompletedPartSpec(str(number), f'"{md5.hex()}"', ()))
    return specs


def _new_store() -> Any:
    from pytest_s3mpu.state.model import Limits, ObjectMeta
    from pytest_s3mpu.state.store import Store

    store = Store(limits=Limits(min_part_size=1))
    store.create_bucket("bench")
    return store, ObjectMeta


def _complete_ms(count: int, repeats: int = 5) -> float:
    """The median of ``repeats`` Completes of ``count`` parts (each on a fresh store, after a collection,
    so a garbage-collector pass started by the set-up does not land in one of them)."""
    from pytest_s3mpu.state.model import CompleteDocument

    times = []
    for _ in range(repeats):
        store, meta = _new_store()
        upload = store.create_multipart_upload("bench", "k", meta())
        document = CompleteDocument(tuple(_store_parts(store, upload.upload_id, count)))
        gc.collect()
        start = time.perf_counter()
        store.complete_multipart_upload("bench", "k", upload.upload_id, document)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class _TimedLock:
    """The store's lock, timing how long the ``timed`` thread holds it each time (bench only: it replaces
    ``Store._lock``). Other threads' holds are not counted: a thread descheduled for the GIL while it holds
    the lock would count the other thread's work."""

    def __init__(self, timed: int) -> None:
        self._lock = threading.Lock()
        self._timed = timed
        self._since = 0.0
        self.longest = 0.0

    def __enter__(self) -> None:
        self._lock.acquire()
        self._since = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if threading.get_ident() == self._timed:
            self.longest = max(self.longest, time.perf_counter() - self._since)
        self._lock.release()


def _while_completing(count: int) -> dict[str, float]:
    """A ``count``-part Complete while another thread sends ListParts of another upload in a loop: the
    longest the store's lock was held, the longest ListParts, and how many were answered meanwhile."""
    from pytest_s3mpu.state.model import CompleteDocument

    store, meta = _new_store()
    upload = store.create_multipart_upload("bench", "k", meta())
    other = store.create_multipart_upload("bench", "other", meta())
    _store_parts(store, other.upload_id, 1, key="other")
    document = CompleteDocument(tuple(_store_parts(store, upload.upload_id, count)))
    done = threading.Event()
    started = threading.Event()
    waits: list[float] = []

    def probe() -> None:
        started.set()
        for _ in range(WAIT_PROBES):
            if done.is_set():
                return
            begin = time.perf_counter()
            store.list_parts("bench", "other", other.upload_id)
            waits.append(time.perf_counter() - begin)

    timed = store._lock = _TimedLock(threading.get_ident())
    gc.collect()
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    started.wait(5)
    store.complete_multipart_upload("bench", "k", upload.upload_id, document)
    done.set()
    thread.join(10)
    return {
        "longest_lock_hold_ms": timed.longest * 1000,
        "longest_wait_ms": max(waits) * 1000 if waits else 0.0,
        "answered_meanwhile": float(len(waits)),
    }


def _upload_part_store_us(count: int = 5000) -> float:
    """UploadPart as the app calls the store: its checks before the body, then the part stored (with the
    checks' answer where the store takes it, so the upload is looked up once); median, microseconds."""
    from pytest_s3mpu.state.checksums import Algorithm, compute
    from pytest_s3mpu.state.model import Payload

    store, meta = _new_store()
    upload = store.create_multipart_upload("bench", "k", meta())
    takes_target = "target" in inspect.signature(store.upload_part).parameters
    data = b"x" * 1024
    payload = Payload(
        data=data,
        md5=hashlib.md5(data).digest(),
        digests={Algorithm.CRC64NVME: compute(Algorithm.CRC64NVME, data)},
    )
    times = []
    for number in range(1, count + 1):
        part = str(number % 10_000 + 1)
        begin = time.perf_counter()
        target = store.check_upload_part("bench", "k", upload.upload_id, part, len(data))
        if takes_target:
            store.upload_part("bench", "k", upload.upload_id, part, payload, None, target)
        else:
            store.upload_part("bench", "k", upload.upload_id, part, payload)
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1e6


def _upload_part_http_us() -> float:
    from pytest_s3mpu import S3Server

    with S3Server(min_part_size=1) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

        def call(method: str, path: str, body: bytes = b"") -> bytes:
            conn.request(method, path, body=body)
            response = conn.getresponse()
            data = response.read()
            assert response.status == 200, data
            return data

        call("PUT", "/bench")
        created = call("POST", "/bench/k?uploads")
        upload_id = created.split(b"<UploadId>")[1].split(b"</UploadId>")[0].decode()
        body = b"x" * 1024
        times = []
        for number in range(1, UPLOAD_PARTS_HTTP + 1):
            begin = time.perf_counter()
            call("PUT", f"/bench/k?partNumber={number}&uploadId={upload_id}", body)
            times.append(time.perf_counter() - begin)
        conn.close()
    return statistics.median(times) * 1e6


def worker() -> None:
    results = {
        "complete_1000_ms": _complete_ms(1000),
        "complete_10000_ms": _complete_ms(10_000),
        **_while_completing(10_000),
        "upload_part_store_us": _upload_part_store_us(),
        "upload_part_http_us": _upload_part_http_us(),
    }
    print(json.dumps(results))


def run_in_tree(tree: Path, args: list[str]) -> Any:
    """The JSON on the last line a fresh Python prints when run with ``args`` in ``tree`` (its
    ``pytest_s3mpu`` the one imported), so each source tree is measured by its own code."""
    out = subprocess.run(
        [sys.executable, *args],
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        cwd=str(tree),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run(tree: Path) -> dict[str, float]:
    return dict(run_in_tree(tree, [str(Path(__file__).resolve()), "--worker"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the base commit's worktree")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    trees = {"branch": ROOT, **({"base": args.base.resolve()} if args.base else {})}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            runs[name].append(_run(tree))
    print(f"{'measure':<22} " + " ".join(f"{name + ' median (min-max)':>30}" for name in trees) + "  ratio")
    for measure in runs["branch"][0]:
        cells, medians = [], []
        for name in trees:
            values = [run[measure] for run in runs[name]]
            medians.append(statistics.median(values))
            cells.append(f"{medians[-1]:>10.2f} ({min(values):.2f}-{max(values):.2f})")
        ratio = f"{medians[0] / medians[1]:.2f}" if len(medians) == 2 and medians[1] else ""
        print(f"{measure:<22} " + " ".join(f"{cell:>30}" for cell in cells) + f"  {ratio}")


if __name__ == "__main__":
    main()
