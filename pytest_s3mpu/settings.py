"""The plugin's settings and where each value comes from: marker > command line > environment > ini > default.

Layer 7 (plugin), without pytest: a plain resolver, so the precedence is tested on its own and a bad
value names the source it came from (pytest-timeout's habit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from .access import ENFORCED, OWNERSHIPS

T = TypeVar("T")


class SettingError(ValueError):
    """A setting's value could not be read; the message names the setting and its source."""


def _size(text: str) -> int:
    """A byte count: digits, optionally with KiB/MiB/GiB (``5MiB``), never negative."""
    units = {"kib": 1024, "mib": 1024**2, "gib": 1024**3, "b": 1}
    lowered = text.strip().lower().replace(" ", "")
    for suffix, factor in units.items():
        if lowered.endswith(suffix) and lowered[: -len(suffix)].isdigit():
            return int(lowered[: -len(suffix)]) * factor
    if not lowered.isascii() or not lowered.isdigit():
        raise ValueError(f"not a byte count: {text!r}")
    return int(lowered)


def _positive_size(text: str) -> int:
    value = _size(text)
    if value < 1:
        raise ValueError("must be at least 1 byte")
    return value


def _port(text: str) -> int:
    value = int(text.strip())
    if not 0 <= value <= 65535:
        raise ValueError(f"not a port: {text!r}")
    return value


def _storage(text: str) -> str:
    value = text.strip().lower()
    if value not in ("memory", "sizes"):
        raise ValueError("must be 'memory' or 'sizes'")
    return value


def _endpoint(text: str) -> str:
    value = text.strip()
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value.rstrip("/")


def _ownership(text: str) -> str:
    value = text.strip()
    if value not in OWNERSHIPS:
        raise ValueError(f"must be one of {', '.join(OWNERSHIPS)}")
    return value


def _hosts(text: str) -> tuple[str, ...]:
    """Host names separated by commas or white space; ``*`` alone allows any Host."""
    names = tuple(name for name in text.replace(",", " ").split() if name)
    if not names:
        raise ValueError("no host name")
    if any(not name.isascii() or "/" in name for name in names):
        raise ValueError("host names only, without scheme or path (e.g. minio.test,*.svc.local)")
    return names


def _count(text: str) -> int:
    value = int(text.strip())
    if value < 1:
        raise ValueError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text.strip())
    if not 0 < value < float("inf"):
        raise ValueError(f"must be a positive number of seconds, not {text!r}")
    return value


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("empty")
    return text.strip()


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting: its name in every source, its default, how to read text, and whether a marker may
    change it per test (host and port belong to the session's server, so they may not)."""

    name: str
    default: T
    parse: Callable[[str], T]
    help: str
    per_test: bool = True

    @property
    def option(self) -> str:
        return f"--s3mpu-{self.name.replace('_', '-')}"

    @property
    def ini(self) -> str:
        return f"s3mpu_{self.name}"

    @property
    def env(self) -> str:
        return f"PYTEST_S3MPU_{self.name.upper()}"


MIN_PART_SIZE: Setting[int] = Setting(
    "min_part_size",
    5 * 1024 * 1024,
    _size,
    "Minimum size of every part but the last at CompleteMultipartUpload (S3: 5 MiB = 5242880). "
    "Bytes, or with a KiB/MiB suffix.",
)
REGION: Setting[str] = Setting(
    "region", "us-east-1", _text, "Region of the endpoint and of its buckets (S3's default: us-east-1)."
)
HOST: Setting[str] = Setting(
    "host", "127.0.0.1", _text, "Interface the server binds (default 127.0.0.1).", per_test=False
)
PORT: Setting[int] = Setting(
    "port",
    0,
    _port,
    "Port the server binds; 0 (default) picks a free one. Under xdist, worker N uses PORT+N.",
    per_test=False,
)
MAX_BODY_SIZE: Setting[int] = Setting(
    "max_body_size",
    5 * 1024**3,
    _size,
    "Largest PutObject / UploadPart body accepted (S3: 5 GiB = 5368709120); a larger declared size is "
    "answered EntityTooLarge before the body is read. Bytes, or with a KiB/MiB/GiB suffix.",
    per_test=False,
)
STORAGE: Setting[str] = Setting(
    "storage",
    "memory",
    _storage,
    "What part and object bodies keep: 'memory' (the bytes) or 'sizes' (only sizes, ETags and "
    "checksums: constant memory for huge uploads; reading the bytes back is refused).",
)
JOURNAL_MAX_BYTES: Setting[int] = Setting(
    "journal_max_bytes",
    64 * 1024**2,
    _positive_size,
    "About how much memory the request journal may use: past it, the oldest entries are dropped (a "
    "text field over 1024 characters is kept cut, and says so). Bytes, or with a KiB/MiB/GiB suffix.",
    per_test=False,
)
ENDPOINT: Setting[str] = Setting(
    "endpoint",
    "",
    _endpoint,
    "Run against an existing S3-compatible endpoint (real S3, MinIO) instead of the in-memory server; "
    "credentials come from the environment. Fault injection and state inspection are then unavailable "
    "(tests that need them are skipped).",
    per_test=False,
)
OBJECT_OWNERSHIP: Setting[str] = Setting(
    "object_ownership",
    ENFORCED,
    _ownership,
    "ObjectOwnership of buckets created without x-amz-object-ownership: BucketOwnerEnforced (default, S3 "
    "since April 2023: ACLs disabled, public access blocked) or ObjectWriter / BucketOwnerPreferred (S3 "
    "before: ACLs kept, no public access block), for suites written before 2023.",
)
ALLOWED_HOSTS: Setting[tuple[str, ...]] = Setting(
    "allowed_hosts",
    (),
    _hosts,
    "Host names the server answers besides localhost, 127.0.0.1, ::1 and its host (each with its "
    "bucket subdomains), for container and proxy set-ups: comma-separated, '*' for any. Requests "
    "naming another Host (a DNS-rebinding web page) are refused.",
    per_test=False,
)
MAX_CONNECTIONS: Setting[int] = Setting(
    "max_connections",
    256,
    _count,
    "Connections served at once (default 256). At the limit the oldest idle keep-alive connection is "
    "closed to make room; with none idle, a new connection is answered 503 SlowDown.",
    per_test=False,
)
HEAD_TIMEOUT: Setting[float] = Setting(
    "head_timeout",
    20.0,
    _seconds,
    "Seconds a request head (request line and headers) may take to arrive from its first byte "
    "(default 20); a slower one is answered 400 RequestTimeout and its connection closed.",
    per_test=False,
)
ALL: tuple[Setting[object], ...] = (  # type: ignore[assignment]
    MIN_PART_SIZE,
    REGION,
    HOST,
    PORT,
    MAX_BODY_SIZE,
    STORAGE,
    JOURNAL_MAX_BYTES,
    ENDPOINT,
    OBJECT_OWNERSHIP,
    ALLOWED_HOSTS,
    MAX_CONNECTIONS,
    HEAD_TIMEOUT,
)


MARKER_ORIGIN = "the s3mpu marker"


@dataclass(frozen=True)
class Sources:
    """The raw values each source offers, by setting name (None: that source says nothing)."""

    marker: Mapping[str, object]
    cli: Mapping[str, str | None]
    env: Mapping[str, str]
    ini: Mapping[str, str | None]


def check_marker(marker: Mapping[str, object]) -> None:
    """Reject marker keywords that are no per-test setting: a typo, or host/port (the session's server)."""
    known = {setting.name: setting for setting in ALL}
    for name in marker:
        if name not in known:
            allowed = ", ".join(s.name for s in ALL if s.per_test)
            raise SettingError(f"unknown setting {name!r} in the s3mpu marker (allowed: {allowed})")
        if not known[name].per_test:
            raise SettingError(
                f"{name} cannot be set by the s3mpu marker: it belongs to the session's server"
            )


def resolve(setting: Setting[T], sources: Sources) -> T:
    """The value of ``setting`` by precedence marker > CLI > environment > ini > default."""
    if setting.name in sources.marker:
        check_marker({setting.name: None})
        value = sources.marker[setting.name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise SettingError(
                f"invalid {setting.name} {value!r} from the s3mpu marker: not text or a number"
            )
        return _parse(setting, str(value), MARKER_ORIGIN)
    raw, where = _given(setting, sources)
    return setting.default if raw is None else _parse(setting, raw, where)


def origin(setting: Setting[T], sources: Sources) -> str:
    """Where ``setting``'s value comes from, as messages name it (``option --s3mpu-port``, ``default``)."""
    if setting.name in sources.marker:
        return MARKER_ORIGIN
    return _given(setting, sources)[1]


def _given(setting: Setting[T], sources: Sources) -> tuple[str | None, str]:
    """The first non-empty raw value of command line, environment and ini, and where it came from."""
    candidates = (
        (sources.cli.get(setting.name), f"option {setting.option}"),
        (sources.env.get(setting.env), f"environment variable {setting.env}"),
        (sources.ini.get(setting.name), f"ini key {setting.ini}"),
    )
    for raw, where in candidates:
        if raw is not None and raw != "":
            return raw, where
    return None, "default"


def _parse(setting: Setting[T], raw: str, origin: str) -> T:
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise SettingError(f"invalid {setting.name} {raw!r} from {origin}: {exc}") from None
