"""Standalone server for clients in any language: ``python -m pytest_s3mpu`` or ``s3mpu``.

Layer 7 (cli). Serves in the foreground until SIGINT or SIGTERM, then exits 0.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from . import settings
from .server import S3Server

DEFAULT_JOURNAL_LIMIT = 100_000


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


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
    parser.add_argument(
        "--max-body-size",
        type=settings.MAX_BODY_SIZE.parse,
        default=settings.MAX_BODY_SIZE.default,
        help=settings.MAX_BODY_SIZE.help,
    )
    parser.add_argument(
        "--storage",
        type=settings.STORAGE.parse,
        default=settings.STORAGE.default,
        help=settings.STORAGE.help,
    )
    parser.add_argument(
        "--object-ownership",
        type=settings.OBJECT_OWNERSHIP.parse,
        default=settings.OBJECT_OWNERSHIP.default,
        help=settings.OBJECT_OWNERSHIP.help,
    )
    parser.add_argument(
        "--allowed-hosts",
        type=settings.ALLOWED_HOSTS.parse,
        default=settings.ALLOWED_HOSTS.default,
        metavar="NAMES",
        help=settings.ALLOWED_HOSTS.help,
    )
    parser.add_argument(
        "--max-connections",
        type=settings.MAX_CONNECTIONS.parse,
        default=settings.MAX_CONNECTIONS.default,
        metavar="N",
        help=settings.MAX_CONNECTIONS.help,
    )
    parser.add_argument(
        "--head-timeout",
        type=settings.HEAD_TIMEOUT.parse,
        default=settings.HEAD_TIMEOUT.default,
        metavar="SECONDS",
        help=settings.HEAD_TIMEOUT.help,
    )
    parser.add_argument(
        "--journal-limit",
        type=_positive,
        default=DEFAULT_JOURNAL_LIMIT,
        metavar="N",
        help=f"Keep the newest N request journal entries (default {DEFAULT_JOURNAL_LIMIT}): a server "
        "that runs for long does not grow with every request it answers.",
    )
    parser.add_argument(
        "--journal-max-bytes",
        type=settings.JOURNAL_MAX_BYTES.parse,
        default=settings.JOURNAL_MAX_BYTES.default,
        metavar="SIZE",
        help=settings.JOURNAL_MAX_BYTES.help,
    )
    parser.add_argument(
        "--faults",
        metavar="FILE.json",
        help="Fault rules to load at start: one JSON object or a list (schema in the README).",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="Seed for probabilistic fault rules that name none."
    )
    return parser


def load_faults(server: S3Server, path: str, seed: int | None) -> None:
    """Add the rules of a JSON file; a rule without a seed takes ``--seed``."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    specs = data if isinstance(data, list) else [data]
    if seed is not None:
        specs = [{"seed": seed, **spec} if isinstance(spec, dict) else spec for spec in specs]
    server.faults.add_many(specs)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    server = S3Server(
        host=args.host,
        port=args.port,
        min_part_size=args.min_part_size,
        region=args.region,
        max_body_size=args.max_body_size,
        storage=args.storage,
        journal_limit=args.journal_limit,
        journal_max_bytes=args.journal_max_bytes,
        allowed_hosts=args.allowed_hosts,
        max_connections=args.max_connections,
        head_timeout=args.head_timeout,
    )
    server.store.object_ownership = args.object_ownership
    if args.faults:
        try:
            load_faults(server, args.faults, args.seed)
        except (OSError, ValueError, TypeError) as exc:
            print(f"s3mpu: cannot load faults from {args.faults}: {exc}", file=sys.stderr)
            return 2
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
