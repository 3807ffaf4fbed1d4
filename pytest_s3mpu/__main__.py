"""Standalone server for clients in any language: ``python -m pytest_s3mpu`` or ``s3mpu``.

Layer 7 (cli). Serves in the foreground until SIGINT or SIGTERM, then exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from types import FrameType
from typing import Any

from pytest_s3mpu import __version__, seeding, settings
from pytest_s3mpu.protocol.authentication import Authenticator
from pytest_s3mpu.s3server import S3Server, ServerBindError

DEFAULT_JOURNAL_LIMIT = 100_000


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


SERVER_SETTINGS: tuple[settings.Setting[Any], ...] = (
    *settings.SERVER,
    settings.SEED,
    settings.AUTH,
    settings.CREDENTIALS,
)


def _checked(setting: settings.Setting[Any]) -> Callable[[str], str]:
    """An argparse type that checks a value as the setting reads it and keeps the text (the setting's
    source is resolved later, with the environment): argparse's error then names the option and the reason."""

    def check(text: str) -> str:
        try:
            setting.parse(text)
        except ValueError as exc:
            reason = str(exc)
            raise argparse.ArgumentTypeError(
                reason if repr(text) in reason else f"invalid value {text!r}: {reason}"
            ) from None
        return text

    check.__name__ = setting.name  # never shown: every failure is an ArgumentTypeError with its reason
    return check


def _default_text(setting: settings.Setting[Any]) -> str:
    default = setting.standalone_default if setting.standalone_default is not None else setting.default
    shown = f" Default {default};" if default not in ("", ()) and not setting.repeatable else ""
    return f"{shown} env {setting.env}."


def build_parser() -> argparse.ArgumentParser:
    """The options: one per server setting of the plugin's table (same names without ``s3mpu-``, same
    ``PYTEST_S3MPU_*`` variables), then the standalone server's own."""
    parser = argparse.ArgumentParser(
        prog="s3mpu",
        description="Serve an in-memory Amazon S3 (pytest-s3mpu) until interrupted. Each setting is an "
        "option or a PYTEST_S3MPU_* environment variable (the option wins).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    for setting in SERVER_SETTINGS:
        if setting.flag:
            parser.add_argument(
                setting.cli_option,
                dest=setting.name,
                action="store_const",
                const="true",
                default=None,
                help=setting.help + _default_text(setting),
            )
            continue
        parser.add_argument(
            setting.cli_option,
            dest=setting.name,
            type=_checked(setting),
            default=None,
            metavar=setting.metavar,
            help=setting.help + _default_text(setting),
            **_repeatable(setting),
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
        "--faults",
        metavar="FILE.json",
        help="Fault rules to load at start: one JSON object or a list (schema in the README).",
    )
    parser.add_argument(
        "--fault-seed",
        type=_whole,
        default=None,
        metavar="N",
        help="Seed for probabilistic fault rules that name none (--seed is the seed data's folder).",
    )
    parser.add_argument(
        "--log-requests",
        action="store_true",
        help="Write one line per answered request to stderr: method, path and query, status, milliseconds.",
    )
    return parser


def resolve_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Each server setting by precedence option > environment > default; a bad environment value is
    a ``SettingError`` naming the variable."""
    sources = _sources(args, environ)
    return {s.name: settings.resolve(s, sources) for s in SERVER_SETTINGS}


def _sources(args: argparse.Namespace, environ: Mapping[str, str]) -> settings.Sources:
    return settings.Sources(
        marker={},
        cli={s.name: _joined(getattr(args, s.name)) for s in SERVER_SETTINGS},
        env=environ,
        ini={},
        standalone=True,
    )


def _repeatable(setting: settings.Setting[Any]) -> dict[str, Any]:
    """argparse's keyword for an option that may be given more than once."""
    return {"action": "append"} if setting.repeatable else {}


def _joined(value: Any) -> str | None:
    """A repeatable option's values (a list) as one text, as the setting reads them."""
    return " ".join(value) if isinstance(value, list) else value


def load_faults(server: S3Server, path: str, seed: int | None) -> None:
    """Add the rules of a JSON file; a rule without a seed takes ``--fault-seed``."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    specs = data if isinstance(data, list) else [data]
    if seed is not None:
        specs = [{"seed": seed, **spec} if isinstance(spec, dict) else spec for spec in specs]
    server.faults.add_many(specs)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        values = resolve_settings(args, os.environ if environ is None else environ)
    except settings.SettingError as exc:
        parser.error(str(exc))
    server = S3Server(
        **{setting.name: values[setting.name] for setting in settings.SERVER},
        journal_limit=args.journal_limit,
        access_log=_stderr_lines() if args.log_requests else None,
    )
    if values["auth"] == "sigv4":
        server.app.authenticator = Authenticator.of(values["credentials"])
    if args.faults:
        try:
            load_faults(server, args.faults, args.fault_seed)
        except (OSError, ValueError, TypeError) as exc:
            print(f"s3mpu: cannot load faults from {args.faults}: {exc}", file=sys.stderr)
            return 2
    if values["seed"]:
        try:
            seeded = seeding.seed_store(server.store, values["seed"])
        except (OSError, seeding.SeedError) as exc:
            print(f"s3mpu: cannot seed from {values['seed']}: {exc}", file=sys.stderr)
            return 2
        count = sum(len(keys) for keys in seeded.values())
        # stderr: stdout's first line stays the address ("pytest-s3mpu serving on ..."), which scripts read
        note = f"s3mpu: seeded {len(seeded)} bucket(s), {count} object(s) from {values['seed']}"
        print(note, file=sys.stderr)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
    except ServerBindError as exc:
        sources = _sources(args, os.environ if environ is None else environ)
        bound: tuple[settings.Setting[Any], ...] = (settings.HOST, settings.PORT)
        origins = ", ".join(f"{s.name} from {settings.origin(s, sources)}" for s in bound)
        print(f"s3mpu: {exc} ({origins}; --port 0 picks a free port)", file=sys.stderr)
        return 1
    scheme = "https" if server.ca_bundle is not None else "http"
    print(f"pytest-s3mpu serving on {scheme}://{values['host']}:{server.port}", flush=True)
    if server.ca_bundle is not None:
        print(f"pytest-s3mpu CA bundle (trust it: AWS_CA_BUNDLE={server.ca_bundle})", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


def _stderr_lines() -> Callable[[str], None]:
    """A thread-safe writer of whole lines to stderr, flushed at once (the access log)."""
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    return write


if __name__ == "__main__":
    sys.exit(main())
