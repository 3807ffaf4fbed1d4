"""The WSGI app's CPU per small UploadPart, no sockets: ``python -m bench.app_cpu /work/wt/base .``

On a shared machine the wall time of a request through the server (``bench.store_phases``'s
``upload_part_http_us``) moves by 10-40% between rounds; the app's own CPU, called in-process with a ready
environ, moves by a few percent, so a change of a few microseconds per request shows. Each tree runs in a
fresh process per round (``PYTHONPATH`` = the tree), trees interleaved (A B A B ...); a round is the
fastest of ``--batches`` batches of 1000 UploadParts of 1 KiB (process CPU, microseconds per request);
the table gives the median of the rounds, min-max and the ratio to the first tree. Figures go to reports,
never to assertions. Every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.store_phases import run_in_tree

WORKER = """
import io, json, sys, time
from pytest_s3mpu.app.application import S3App
from pytest_s3mpu.state.model import Limits, ObjectMeta
from pytest_s3mpu.state.store import Store

store = Store(limits=Limits(min_part_size=1))
store.create_bucket("bench")
app = S3App(store)
upload_id = store.create_multipart_upload("bench", "k", ObjectMeta()).upload_id
body = b"x" * 1024
environ = {
    "REQUEST_METHOD": "PUT", "SCRIPT_NAME": "", "PATH_INFO": "/bench/k", "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "9000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.version": (1, 0),
    "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
    "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": 5555, "HTTP_HOST": "127.0.0.1:9000",
    "HTTP_ACCEPT_ENCODING": "identity", "CONTENT_LENGTH": "1024", "HTTP_USER_AGENT": "Python-urllib/3.11",
}

def start_response(status, headers, exc_info=None):
    return lambda data: None

def upload_part(number):
    query = f"partNumber={number % 10000 + 1}&uploadId={upload_id}"
    request = dict(environ, QUERY_STRING=query, REQUEST_URI=f"/bench/k?{query}", RAW_URI=f"/bench/k?{query}")
    request["wsgi.input"] = io.BytesIO(body)
    answer = app(request, start_response)
    for _ in answer:
        pass
    answer.close()

for number in range(500):  # warm up
    upload_part(number)
batches = []
for _ in range(int(sys.argv[1])):
    began = time.process_time()
    for number in range(1000):
        upload_part(number)
    batches.append((time.process_time() - began) * 1000)  # microseconds per request
print(json.dumps(min(batches)))
"""


def _round(tree: Path, batches: int) -> float:
    return float(run_in_tree(tree, ["-c", WORKER, str(batches)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", type=Path, nargs="+", help="source trees, the first one the reference")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batches", type=int, default=15)
    args = parser.parse_args()
    runs: dict[Path, list[float]] = {tree: [] for tree in args.trees}
    for _ in range(args.rounds):
        for tree in args.trees:
            runs[tree].append(_round(tree.resolve(), args.batches))
    reference = statistics.median(runs[args.trees[0]])
    print(f"{'tree':<32} {'us/UploadPart median (min-max)':>32}  ratio")
    for tree, values in runs.items():
        median = statistics.median(values)
        cell = f"{median:.1f} ({min(values):.1f}-{max(values):.1f})"
        print(f"{tree!s:<32} {cell:>32}  {median / reference:.3f}")


if __name__ == "__main__":
    main()
