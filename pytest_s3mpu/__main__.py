"""Standalone server for clients in any language: ``python -m pytest_s3mpu`` or ``s3mpu``.

Layer 7 (cli). Serves in the foreground until SIGINT or SIGTERM, then exits 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import settings
from .server import S3Server


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3mpu", description="Serve an in-memory Amazon S3 (pytest-s3mpu) until interrupted."
    )
    parser.add_argument("--host", default=settings.HOST.default, help=settings.HOST.help)
    parser.add_argument(
        "--port", type=settings.PORT.parse, default=9000, help="Port (default 9000; 0: free)."
    )
    parser.add_argument(
        "--min-part-size",
        type=settings.MIN_PART_SIZE.parse,
        default=settings.MIN_PART_SIZE.default,
        help=settings.MIN_PART_SIZE.help,
    )
    parser.add_argument("--region", default=settings.REGION.default, help=settings.REGION.help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    server = S3Server(host=args.host, port=args.port, min_part_size=args.min_part_size, region=args.region)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server.start()
    print(f"pytest-s3mpu serving on http://{args.host}:{server.port}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
