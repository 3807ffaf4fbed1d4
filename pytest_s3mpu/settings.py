"""The plugin's settings and where each value comes from: marker > command line > environment > ini > default.

Layer 7 (plugin), without pytest: a plain resolver, so the precedence is tested on its own and a bad
value names the source it came from (pytest-timeout's habit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Generic, TypeVar

from pytest_s3mpu.protocol.authentication import Credential
from pytest_s3mpu.state.access import DEFAULT_ACCOUNT_ID, ENFORCED, OWNERSHIPS, is_account_id

T = TypeVar("T")


class SettingError(ValueError):
    """A setting's value could not be read; the message names the setting and its source."""


# Size units, case-insensitive: SI units are powers of 1000 (5MB = 5,000,000 bytes, as the name says),
# IEC units powers of 1024 (5MiB = 5,242,880 bytes, S3's minimum part size).
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"([0-9]{1,30}(?:\.[0-9]{1,30})?) ?([a-z]*)")
SIZE_FORMS = (
    "a whole number of bytes, or a number with a unit: KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, "
    "TiB (powers of 1024), e.g. 5MiB, 1.5GiB, 64KB"
)


def _size(text: str) -> int:
    """A byte count as people write it (``5242880``, ``5MiB``, ``1.5 GiB``, ``5MB``); never negative, and
    a fraction only where it comes to whole bytes. Anything else is refused, saying what is accepted."""
    match = _SIZE.fullmatch(text.strip().lower())
    if match is None or match.group(2) not in _SIZE_UNITS:
        raise ValueError(f"not a byte count: {text!r} (accepted: {SIZE_FORMS})")
    with localcontext() as exact:
        exact.prec = 80  # the 30+30 digits allowed, times a unit, are exact: no rounding to a whole number
        value = Decimal(match.group(1)) * _SIZE_UNITS[match.group(2)]
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number of bytes: {text!r} is {value} bytes")
    return int(value)


def _positive_size(text: str) -> int:
    value = _size(text)
    if value < 1:
        raise ValueError("must be at least 1 byte")
    return value


def _port(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= 65535:
        raise ValueError(f"not a port: {text!r} (0 to 65535; 0 picks a free one)")
    return int(value)


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


def _account_id(text: str) -> str:
    value = text.strip()
    if not is_account_id(value):
        raise ValueError("must be an AWS account ID: twelve digits, e.g. 123456789012 or 000000000000")
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


def _folder(text: str) -> str:
    """An existing folder (relative to the current directory), for seed data."""
    value = text.strip()
    if value and not Path(value).expanduser().is_dir():
        raise ValueError(f"not a folder: {value!r} (top-level folders are buckets, files under them objects)")
    return str(Path(value).expanduser()) if value else ""


AUTH_MODES = ("off", "sigv4")


def _auth(text: str) -> str:
    value = text.strip().lower()
    if value not in AUTH_MODES:
        raise ValueError(f"must be one of {', '.join(AUTH_MODES)}")
    return value


def _credentials(text: str) -> tuple[Credential, ...]:
    """Key pairs ``AKID:SECRET[:SESSION_TOKEN]``, separated by commas or white space (a repeated option
    gives one each)."""
    items = tuple(item for item in text.replace(",", " ").split() if item)
    if not items:
        raise ValueError("no key pair (ACCESS_KEY:SECRET[:SESSION_TOKEN])")
    return tuple(Credential.parse(item) for item in items)


def _leaks(text: str) -> str:
    value = text.strip().lower()
    if value not in ("off", "warn", "fail"):
        raise ValueError("must be 'off', 'warn' or 'fail'")
    return value


def _switch(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false (also 1/0, yes/no, on/off)")


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
    standalone_default: T | None = None  # the standalone server's default, where it differs
    metavar: str = "SIZE"
    repeatable: bool = False  # the option may be given more than once; the values are joined by spaces
    flag: bool = False  # an on/off switch: the options take no value (``--tls``), the marker True/False

    @property
    def cli_option(self) -> str:
        """The standalone server's option (``--min-part-size``)."""
        return f"--{self.name.replace('_', '-')}"

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
    f"Sizes: {SIZE_FORMS}.",
)
REGION: Setting[str] = Setting(
    "region",
    "us-east-1",
    _text,
    "Region of the endpoint and of its buckets (S3's default).",
    metavar="REGION",
)
HOST: Setting[str] = Setting(
    "host", "127.0.0.1", _text, "Interface the server binds.", per_test=False, metavar="HOST"
)
PORT: Setting[int] = Setting(
    "port",
    0,
    _port,
    "Port the server binds; 0 picks a free one.",
    per_test=False,
    standalone_default=9000,
    metavar="PORT",
)
MAX_BODY_SIZE: Setting[int] = Setting(
    "max_body_size",
    5 * 1024**3,
    _size,
    "Largest PutObject / UploadPart body accepted (S3: 5 GiB = 5368709120); a larger declared size is "
    "answered EntityTooLarge before the body is read. A size, as for the minimum part size.",
    per_test=False,
)
STORAGE: Setting[str] = Setting(
    "storage",
    "memory",
    _storage,
    "What part and object bodies keep: 'memory' (the bytes) or 'sizes' (only sizes, ETags and "
    "checksums: constant memory for huge uploads; reading the bytes back is refused).",
    metavar="memory|sizes",
)
JOURNAL_MAX_BYTES: Setting[int] = Setting(
    "journal_max_bytes",
    64 * 1024**2,
    _positive_size,
    "About how much memory the request journal may use: past it, the oldest entries are dropped (a "
    "text field over 1024 characters is kept cut, and says so). A size, as for the minimum part size.",
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
    metavar="URL",
)
OBJECT_OWNERSHIP: Setting[str] = Setting(
    "object_ownership",
    ENFORCED,
    _ownership,
    "ObjectOwnership of buckets created without x-amz-object-ownership: BucketOwnerEnforced (default, S3 "
    "since April 2023: ACLs disabled, public access blocked) or ObjectWriter / BucketOwnerPreferred (S3 "
    "before: ACLs kept, no public access block), for suites written before 2023.",
    metavar="OWNERSHIP",
)
ACCOUNT_ID: Setting[str] = Setting(
    "account_id",
    DEFAULT_ACCOUNT_ID,
    _account_id,
    "AWS account ID of the endpoint, twelve digits (default 123456789012, AWS's example account, as moto "
    "and most boto3 suites assume; LocalStack's is 000000000000): the owner of every bucket, which "
    "ExpectedBucketOwner must name, and the account in KMS key ARNs.",
    metavar="ACCOUNT",
)
ALLOWED_HOSTS: Setting[tuple[str, ...]] = Setting(
    "allowed_hosts",
    (),
    _hosts,
    "Host names the server answers besides localhost, 127.0.0.1, ::1 and its host (each with its "
    "bucket subdomains), for container and proxy set-ups: comma-separated, '*' for any. Requests "
    "naming another Host (a DNS-rebinding web page) are refused.",
    per_test=False,
    metavar="NAMES",
)
MAX_CONNECTIONS: Setting[int] = Setting(
    "max_connections",
    256,
    _count,
    "Connections served at once (default 256). At the limit the oldest idle keep-alive connection is "
    "closed to make room; with none idle, a new connection is answered 503 SlowDown.",
    per_test=False,
    metavar="N",
)
HEAD_TIMEOUT: Setting[float] = Setting(
    "head_timeout",
    20.0,
    _seconds,
    "Seconds a request head (request line and headers) may take to arrive from its first byte "
    "(default 20); a slower one is answered 400 RequestTimeout and its connection closed.",
    per_test=False,
    metavar="SECONDS",
)
SEED: Setting[str] = Setting(
    "seed",
    "",
    _folder,
    "A folder of objects every test starts with (the standalone server: at start): its top-level folders "
    "are buckets, the files under them objects, keyed by their path below the bucket folder.",
    metavar="DIR",
)
AUTH: Setting[str] = Setting(
    "auth",
    "off",
    _auth,
    "Request signatures: 'off' (default: any credentials, signed or not, are accepted) or 'sigv4' (every "
    "request must be signed with one of the credentials, as S3 checks it: Authorization header, presigned "
    "URL, signed aws-chunked bodies, session tokens; S3's errors otherwise).",
    metavar="off|sigv4",
)
CREDENTIALS: Setting[tuple[Credential, ...]] = Setting(
    "credentials",
    (Credential("test", "test"),),
    _credentials,
    "Key pairs accepted when auth is sigv4, as ACCESS_KEY:SECRET[:SESSION_TOKEN] (repeat the option, or "
    "separate by commas); default test:test. A pair with a token needs that token on each request.",
    metavar="AKID:SECRET[:TOKEN]",
    repeatable=True,
)
LEAKS: Setting[str] = Setting(
    "leaks",
    "warn",
    _leaks,
    "What a test that leaves a multipart upload neither completed nor aborted gets at its end: 'warn' "
    "(a LeakedUploadWarning naming each upload, its parts and its journal lines; default), 'fail' (the "
    "test fails with that report) or 'off'. Pytest only.",
    metavar="off|warn|fail",
)
TLS: Setting[bool] = Setting(
    "tls",
    False,
    _switch,
    "Serve https with a throwaway certificate authority and server certificate made at start (for "
    "localhost, 127.0.0.1 and ::1, valid a day); clients trust the CA bundle the server writes (the "
    "fixture's ca_bundle, s3mpu_client trusts it; the standalone server prints its path).",
    metavar="",
    flag=True,
)
PAUSE_ON_FAILURE: Setting[bool] = Setting(
    "pause_on_failure",
    False,
    _switch,
    "When a test using the in-memory S3 fails, keep its server and state alive, print the inspector's "
    "URL and wait for Enter: only when stdin is a terminal and CI is unset (never under xdist or in CI).",
    per_test=False,
    metavar="BOOL",
    flag=True,
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
    ACCOUNT_ID,
    ALLOWED_HOSTS,
    MAX_CONNECTIONS,
    HEAD_TIMEOUT,
    SEED,
    AUTH,
    CREDENTIALS,
    LEAKS,
    TLS,
    PAUSE_ON_FAILURE,
)

# The in-memory server's settings: each name is an ``S3Server`` keyword argument, so the plugin and the
# standalone server build it the same way, ``S3Server(**values)`` (the endpoint setting is the plugin's;
# seed data is written into the store after each reset, auth is the app's, leaks the plugin's).
SERVER: tuple[Setting[object], ...] = tuple(
    s for s in ALL if s not in (ENDPOINT, SEED, AUTH, CREDENTIALS, LEAKS, PAUSE_ON_FAILURE)
)


MARKER_ORIGIN = "the s3mpu marker"


@dataclass(frozen=True)
class Sources:
    """The raw values each source offers, by setting name (None: that source says nothing)."""

    marker: Mapping[str, object]
    cli: Mapping[str, str | None]
    env: Mapping[str, str]
    ini: Mapping[str, str | None]
    standalone: bool = False  # the standalone server: its option names (``--port``), and no ini file


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
        if setting.flag and isinstance(value, bool):
            value = "true" if value else "false"
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise SettingError(
                f"invalid {setting.name} {value!r} from the s3mpu marker: not text or a number"
            )
        return _parse(setting, str(value), MARKER_ORIGIN)
    raw, where = _given(setting, sources)
    if raw is not None:
        return _parse(setting, raw, where)
    if sources.standalone and setting.standalone_default is not None:
        return setting.standalone_default
    return setting.default


def origin(setting: Setting[T], sources: Sources) -> str:
    """Where ``setting``'s value comes from, as messages name it (``option --s3mpu-port``, ``default``)."""
    if setting.name in sources.marker:
        return MARKER_ORIGIN
    return _given(setting, sources)[1]


def _given(setting: Setting[T], sources: Sources) -> tuple[str | None, str]:
    """The first non-empty raw value of command line, environment and ini, and where it came from."""
    candidates = (
        (
            sources.cli.get(setting.name),
            f"option {setting.cli_option if sources.standalone else setting.option}",
        ),
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
