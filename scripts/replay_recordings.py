"""Replay LocalStack's AWS-validated multipart tests against the double and compare with the recordings.

LocalStack records each S3 test's responses from real AWS (tests/aws/services/s3/test_s3.py and its
.snapshot.json). This script runs the multipart ones (names with multipart, upload_part, get_object_part,
checksum, list_parts or content_md5) with boto3 against a fresh standalone server, and compares every
``snapshot.match(name, response)`` with the recorded response: the same keys, and the same values except
where LocalStack's transformers replace them (ids, dates, bucket names, <placeholders>).

Usage (from a checkout with the package installed)::

    git -C /work/.mirror/localstack+localstack/repo show HEAD:tests/aws/services/s3/test_s3.py > /tmp/t.py
    git -C ... show HEAD:tests/aws/services/s3/test_s3.snapshot.json > /tmp/t.json
    python scripts/replay_recordings.py /tmp/t.py /tmp/t.json [-k NAME] [-v] [--select REGEX] [--all]

``--select`` picks other tests by name instead of the multipart ones, e.g. Object Lock and the Id-keyed
bucket configurations: ``--select 'lock|retention|legal_hold|inventory|analytics|metrics'`` (with
test_s3.py, and with test_s3_api.py and its snapshot). ``--all`` replays every recorded test of the
module; ``replay_tally.py`` runs all of LocalStack's S3-only modules and tallies them by feature. The
module's own imports, constants, helpers and fixtures are used where they do not need LocalStack (what
does is stood in for), and values LocalStack's transformers replaced (``<bucket-name:1>``, a header's
name) match any actual value.

Each recorded test runs against an empty server (reset before it: ListBuckets sees only its buckets).
The server checks signatures (``auth=sigv4``, the replay's credentials ``test:test``) when the test
asks for LocalStack's ``patch_s3_skip_signature_validation_false`` fixture (LocalStack's own mark of a
test that needs signatures checked), its ``verify_signature`` parameter or its ``anonymous_client``, or
its recording holds a signature error (``SIGNATURE_ERRORS``), or it sends unsigned requests S3 answered
as anonymous (``UNSIGNED_REQUESTS``); otherwise any credentials are accepted, as
LocalStack's default is (``needs_signatures`` says why not always). The AWS addresses the tests build
(``https://{bucket}.s3.amazonaws.com``, ``http://{bucket}.s3-website-{region}.amazonaws.com``) are served by
that server: the replay process's HTTP layer (requests and botocore) sends a request for any
``*.amazonaws.com`` URL to it over plain HTTP, keeping the AWS name in the Host header, which the server
resolves as a virtual host (``VHOST_SUFFIXES``); a request for any other host is refused, so nothing
reaches the network.

Values are compared as LocalStack's snapshot library compares them: a JSON string (a bucket policy) against
the recorded document it holds, a date-time text where the recording says ``date`` (its ISO 8601 transformer),
and a value a test's own ``snapshot.transform.key_value`` / ``jsonpath`` replaced by a fixed text only where
the recording has that text at that key.

It prints one line per recorded test (match / DIFF / skipped, with the reason) and the count that match.
Nothing of LocalStack is imported: the few helpers its tests use are re-implemented here. The test
functions' own code is executed (that is the replay), so point it only at LocalStack's files.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import base64
import contextlib
import datetime
import gzip
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import itertools
import json
import os
import pathlib
import random
import re
import signal
import sys
import tempfile
import textwrap
import time
import traceback
import types
import unicodedata
import uuid
import zlib
from io import BytesIO
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import boto3
import py
import pytest
import requests
import requests.auth
import xmltodict
from awscrt import checksums as crt
from boto3.s3.transfer import KB, TransferConfig
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.client import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.httpsession import URLLib3Session
from botocore.response import StreamingBody

import pytest_s3mpu
from pytest_s3mpu.protocol.authentication import Authenticator, Credential
from pytest_s3mpu.s3server import S3Server
from pytest_s3mpu.state.access import DEFAULT_ACCOUNT_ID

SELECT = re.compile(r"multipart|upload_part|get_object_part|checksum|list_parts|content_md5")
# The account the replayed servers serve (the account_id setting) and LocalStack's ``account_id`` fixture
# names: the double's default, written as twelve 1s where the recording has the account.
ACCOUNT_ID = DEFAULT_ACCOUNT_ID
# Fixtures the replay cannot provide (other AWS services, other accounts, virtual-host DNS): the test is
# reported as skipped.
UNSUPPORTED = {
    "kms_create_key",
    "kms_key",
    "create_lambda_function",
    "lambda_su_role",
    "create_tmp_folder_lambda",
    "sqs_create_queue",
    "create_role_with_policy",
    "wait_and_assume_role",
    "primary_client",
    "secondary_client",
    "invalid_account_id",
    "aws_session",
    "client_region",
}
# Regions whose S3 endpoints the tests address; each gets its virtual-host names on the replay server.
REGIONS = ("us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1")
# Host names under which ``{bucket}.{suffix}`` is a bucket: S3's own (global and regional) and the website
# endpoints (both spellings AWS uses); the server answers these exactly as it answers "localhost".
VHOST_SUFFIXES = (
    "localhost",
    "s3.amazonaws.com",
    *(f"s3.{region}.amazonaws.com" for region in REGIONS),
    *(f"s3-website-{region}.amazonaws.com" for region in REGIONS),
    *(f"s3-website.{region}.amazonaws.com" for region in REGIONS),
)
# The replay's credentials (``_credentials``); the signature-checking server accepts only these.
ACCESS_KEY, SECRET_KEY = "test", "test"
# A recording holding one of these was made with signatures checked: the test runs against the sigv4 server.
SIGNATURE_ERRORS = re.compile(
    r'"(SignatureDoesNotMatch|AuthorizationQueryParametersError|AuthorizationHeaderMalformed'
    r'|InvalidAccessKeyId|InvalidToken|ExpiredToken)"|"Request has expired"|"HeadersNotSigned"'
)
# Tests that send requests with no signature at all (plain ``requests``) which S3 answered as anonymous;
# the double judges an unsigned request as anonymous only while it checks signatures (otherwise it is the
# owner's), so these run against the signature-checking server too.
UNSIGNED_REQUESTS = frozenset({"test_bucket_name_with_dots"})
# A recorded test that runs longer than this (seconds) is stopped and counted as a difference.
TIMEOUT = 30
# Keys whose recorded value LocalStack's transformers replaced (ids, names): any actual value matches.
TRANSFORMED = {"Bucket", "Location", "UploadId", "DisplayName", "ID", "HostId", "RequestId", "Name"}
PLACEHOLDER = re.compile(r"<[^<>]+:\d+>|datetime")
# A date-time in a text, which LocalStack's basic transformers replace by "date" wherever it occurs.
ISO8601 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)")
# The regions a replay uses, which LocalStack's snapshot fixture writes as "<region>" wherever they occur.
REGION = re.compile("|".join(re.escape(region) for region in REGIONS))
# A value LocalStack's transformers rewrote in part (``arn:<partition>:s3:::<bucket-name:1>``): each
# ``<name>`` stands for any text.
PART = re.compile(r"<[^<>\s]+>")


def _replaced_names(key: str) -> set[str]:
    """What LocalStack's key-value transformers write in place of a value: the key's name, kebab-cased
    (``NextContinuationToken`` -> ``next-continuation-token``), or its header's short name."""
    kebab = re.sub(r"(?<!^)(?=[A-Z])", "-", key).lower()
    short = {"x-amz-id-2": "id-2", "x-amz-request-id": "request-id", "last-modified": "date"}
    return {key.lower(), kebab, short.get(key.lower(), kebab), "date" if "Modified" in key else kebab}


def _matches_template(recorded: str, actual: Any) -> bool:
    """A text LocalStack's transformers rewrote in part; a whole ``<name>`` is no partial rewrite (it
    matches only where the test's transformer wrote it: ``Transforms.fixed``)."""
    if not isinstance(actual, str) or not PART.search(recorded) or PART.fullmatch(recorded):
        return False
    pattern = ".+?".join(re.escape(piece) for piece in PART.split(recorded))
    return re.fullmatch(pattern, actual, re.DOTALL) is not None


# -- the helpers LocalStack's tests import -------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def to_bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def to_str(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def short_uid() -> str:
    return uuid.uuid4().hex[:8]


def checksum_crc32(data: Any) -> str:
    return _b64(zlib.crc32(to_bytes(data)).to_bytes(4, "big"))


def checksum_crc32c(data: Any) -> str:
    return _b64(crt.crc32c(to_bytes(data)).to_bytes(4, "big"))


def checksum_crc64nvme(data: Any) -> str:
    return _b64(crt.crc64nvme(to_bytes(data)).to_bytes(8, "big"))


def hash_sha1(data: Any) -> str:
    return _b64(hashlib.sha1(to_bytes(data)).digest())


def hash_sha256(data: Any) -> str:
    return _b64(hashlib.sha256(to_bytes(data)).digest())


def get_checksum_for_algorithm(algorithm: str, data: bytes) -> str:
    return {
        "CRC32": checksum_crc32,
        "CRC32C": checksum_crc32c,
        "CRC64NVME": checksum_crc64nvme,
        "SHA1": hash_sha1,
        "SHA256": hash_sha256,
    }[algorithm.upper()](data)


def etag_to_base_64_content_md5(etag: str) -> str:
    return _b64(bytes.fromhex(etag.strip('"')))


def retry(function: Any, retries: int = 3, sleep: float = 1.0, sleep_before: float = 0, **kwargs: Any) -> Any:
    """LocalStack's ``retry``: call ``function(**kwargs)`` until it returns, at most ``retries + 1`` times."""
    time.sleep(sleep_before)
    failure: Exception | None = None
    for _ in range(int(retries) + 1):
        try:
            return function(**kwargs)
        except Exception as exc:
            failure = exc
            time.sleep(sleep)
    assert failure is not None
    raise failure


RFC1123 = "%a, %d %b %Y %H:%M:%S GMT"


def rfc_1123_datetime(moment: datetime.datetime) -> str:
    return moment.strftime(RFC1123)


def parse_expiration_header(header: str) -> tuple[datetime.datetime | None, str | None]:
    """An ``x-amz-expiration`` header's date and rule id (None, None if it is not one)."""
    fields = dict(re.findall(r'([\w-]+)="([^"]*)"', header or ""))
    try:
        when = datetime.datetime.strptime(fields["expiry-date"], RFC1123)
        return when.replace(tzinfo=datetime.timezone.utc), fields["rule-id"]
    except (KeyError, ValueError):
        return None, None


# Bytes S3 leaves as they are in an RFC 2047 Q-encoded metadata value (besides letters and digits).
_Q_SAFE = frozenset(
    b"!\"#$%&'()*+,-./:;<>@[\\]^`{|}~\t" + bytes(range(48, 58)) + bytes(range(65, 91)) + bytes(range(97, 123))
)


def encode_header_rfc2047(value: str | None) -> str | None:
    """A metadata value as LocalStack's tests send a non-ASCII one: unchanged when every byte is safe (or
    a space, ``_``, ``=``, ``?``); Base64 (``=?UTF-8?B?...?=``) when it holds U+FFFD or a control or other
    unprintable character; else Q encoding (``=?UTF-8?Q?...?=``: a space as ``_``, other unsafe bytes as
    ``=XX``)."""
    if value is None:
        return None
    raw = value.encode("utf-8")
    if all(byte in _Q_SAFE or byte in b" _=?" for byte in raw):
        return value
    if "\ufffd" in value or any(unicodedata.category(c).startswith("C") for c in value):
        return f"=?UTF-8?B?{_b64(raw)}?="
    text = "".join("_" if byte == 0x20 else chr(byte) if byte in _Q_SAFE else f"={byte:02X}" for byte in raw)
    return f"=?UTF-8?Q?{text}?="


class _Anything:
    """Stands for LocalStack's transformer utilities and markers: every attribute and call is accepted."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self

    def __getitem__(self, key: Any) -> Any:
        return self


# -- comparison ----------------------------------------------------------------------------------------


class _Body:
    """A streamed body, read for the comparison and put back for the test to read again: LocalStack
    records a body its test had not read as "" and one it had as the text."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def matches(self, recorded: Any) -> bool:
        if recorded == "":
            return True
        try:
            text = self.data.decode()
        except UnicodeDecodeError:
            return False
        if isinstance(recorded, (dict, list)):
            try:
                return bool(json.loads(text) == recorded)
            except ValueError:
                return False
        return text == recorded


def _plain(value: Any) -> Any:
    """A boto3 response as LocalStack's snapshot stores it: bodies read, datetimes as "datetime"."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "ResponseMetadata":
                out[key] = {"HTTPHeaders": {}, "HTTPStatusCode": item.get("HTTPStatusCode")}
            elif isinstance(item, StreamingBody):
                data = item.read()
                value[key] = StreamingBody(io.BytesIO(data), len(data))
                out[key] = _Body(data)
            else:
                out[key] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return "datetime"
    return value


def _json_document(text: str) -> Any:
    """A JSON object or array held in a string (a bucket policy), as the snapshot library stores it; None
    if the string holds none."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def differences(
    recorded: Any, actual: Any, path: str = "$", fixed: dict[str, set[str]] | None = None
) -> list[str]:
    """Where ``actual`` (``_plain``) differs from the recording; ``fixed``: key -> the texts a test's
    transformers wrote in place of any non-empty value at that key (``Transforms``)."""
    fixed = fixed or {}
    if isinstance(actual, _Body):
        return [] if actual.matches(recorded) else [f"{path}: {actual.data[:120]!r} (AWS: {recorded!r:.120})"]
    if isinstance(recorded, (dict, list)) and isinstance(actual, str):
        document = _json_document(actual)
        if isinstance(document, type(recorded)):
            return differences(recorded, document, path, fixed)
    if isinstance(recorded, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(recorded) | set(actual)):
            where = f"{path}.{key}"
            if key not in actual:
                found.append(f"{where}: missing (AWS: {json.dumps(recorded[key])[:120]})")
            elif key not in recorded:
                found.append(f"{where}: extra ({json.dumps(actual[key], default=str)[:120]})")
            elif key in TRANSFORMED and not isinstance(recorded[key], (dict, list)):
                continue
            elif (
                isinstance(recorded[key], str)
                and recorded[key] in fixed.get(key, ())
                and actual[key] not in (None, "")
            ):
                continue  # a value the test's own transformer replaced by this text
            elif isinstance(recorded[key], str) and recorded[key] in _replaced_names(key):
                continue  # a value LocalStack's key transformer replaced by the key's name
            else:
                found.extend(differences(recorded[key], actual[key], where, fixed))
        return found
    if isinstance(recorded, list) and isinstance(actual, list):
        if len(recorded) != len(actual):
            return [f"{path}: {len(actual)} items, AWS {len(recorded)}"]
        return [
            d
            for i, (r, a) in enumerate(zip(recorded, actual, strict=True))
            for d in differences(r, a, f"{path}[{i}]", fixed)
        ]
    if isinstance(recorded, str) and (PLACEHOLDER.fullmatch(recorded) or _matches_template(recorded, actual)):
        return []
    if recorded != actual:
        return [f"{path}: {json.dumps(actual, default=str)[:120]} (AWS: {json.dumps(recorded)[:120]})"]
    return []


def _kebab(key: str) -> str:
    """A key as LocalStack's transformers name its replacement (``StringToSign`` -> ``string-to-sign``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", key).lower()


class Transforms:
    """``snapshot.transform``: notes the replacements a test asks for, to compare as the recording was made.

    ``key_value(key, text, reference_replacement=False)`` and ``jsonpath("$..key", text, False)`` wrote
    ``text`` in place of any non-empty value at ``key``: such a recorded text at that key matches any
    non-empty actual value, and only there. (With references, the text is ``<name:N>``: ``PLACEHOLDER``.)
    ``regex(pattern, text)`` rewrote every match in the snapshot: the same rewriting is applied to the
    actual strings. Everything else (``s3_api()``, sorting, ...) is stood in for.
    """

    def __init__(self) -> None:
        self.fixed: dict[str, set[str]] = {}
        self.regexes: list[tuple[re.Pattern[str], str]] = []

    def key_value(
        self, key: str, value_replacement: str | None = None, reference_replacement: bool = True
    ) -> _Anything:
        if not reference_replacement:
            self.fixed.setdefault(key, set()).add(value_replacement or _kebab(key))
        return _Anything()

    def jsonpath(
        self, jsonpath: str, value_replacement: str, reference_replacement: bool = True
    ) -> _Anything:
        key = jsonpath.rsplit(".", 1)[-1].split("[", 1)[0]
        if not reference_replacement and key and key != "*":
            self.fixed.setdefault(key, set()).add(value_replacement)
        return _Anything()

    def regex(self, regex: str | re.Pattern[str], replacement: str) -> _Anything:
        self.regexes.append((re.compile(regex), replacement))
        return _Anything()

    def s3_api(self) -> _Anything:
        """TransformerUtility.s3_api(): the owner's display name and id by fixed texts (the bucket
        name and version ids by references, ``<name:N>``)."""
        self.jsonpath("$..Owner.DisplayName", "<display-name>", reference_replacement=False)
        self.jsonpath("$..Owner.ID", "<owner-id>", reference_replacement=False)
        return _Anything()

    def __getattr__(self, name: str) -> Any:
        return _Anything()

    def rewrite(self, value: Any) -> Any:
        """``value`` with the strings rewritten as the snapshot library rewrites them: the test's regexes,
        then the account id as twelve 1s, region names as ``<region>`` and ISO 8601 date-times as ``date``
        (the snapshot fixture's and LocalStack's basic transformers)."""
        if isinstance(value, dict):
            return {key: self.rewrite(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.rewrite(item) for item in value]
        if isinstance(value, str):
            for pattern, replacement in self.regexes:
                value = pattern.sub(replacement, value)
            value = value.replace(ACCOUNT_ID, "1" * 12)
            return ISO8601.sub("date", REGION.sub("<region>", value))
        return value


class Snapshot:
    """LocalStack's ``snapshot`` fixture, comparing each match with the recording as it goes."""

    def __init__(self, recorded: dict[str, Any]) -> None:
        self.recorded = recorded
        self.seen: list[str] = []
        self.diffs: list[str] = []
        self.transform = Transforms()

    def add_transformer(self, *args: Any, **kwargs: Any) -> None:
        pass

    add_transformers_list = add_transformer

    def match(self, name: str, value: Any) -> None:
        self.seen.append(name)
        if name not in self.recorded:
            self.diffs.append(f"{name}: not recorded")
            return
        actual = self.transform.rewrite(_plain(value))
        self.diffs.extend(
            f"{name} {d}" for d in differences(self.recorded[name], actual, fixed=self.transform.fixed)
        )


# -- where the tests' requests go -----------------------------------------------------------------------


class _Routing:
    """Sends the replay's requests for AWS addresses to the current test's server, and no request elsewhere.

    LocalStack's tests build ``https://{bucket}.s3.amazonaws.com/...`` and website URLs and call requests on
    them. The replay rewrites such a request's URL to the server's endpoint (plain HTTP) and keeps the AWS
    name in the Host header, so the server resolves the bucket from it as S3 does and a signature made
    over that host still verifies. Loopback addresses pass unchanged; any other host is refused.
    """

    def __init__(self) -> None:
        self.endpoint = ""  # the current test's server (set by run_one)

    def target(self, url: str, headers: Any) -> str:
        """The URL to send ``url`` to; sets ``headers["Host"]`` when the request is routed."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            return url
        if not (host == "amazonaws.com" or host.endswith(".amazonaws.com")) or not self.endpoint:
            raise requests.ConnectionError(f"replay: {host!r} is not reached (nothing leaves this machine)")
        headers["Host"] = parts.netloc.rpartition("@")[2]
        return self.endpoint + urlunsplit(("", "", parts.path or "/", parts.query, ""))

    @contextlib.contextmanager
    def installed(self) -> Any:
        """Patch requests' and botocore's senders for the duration (the replay process only)."""
        send_requests = requests.adapters.HTTPAdapter.send
        send_botocore = URLLib3Session.send
        routing = self

        def via_requests(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            request.url = routing.target(request.url, request.headers)
            return send_requests(adapter, request, *args, **kwargs)

        def via_botocore(session: Any, request: Any) -> Any:
            request.url = routing.target(request.url, request.headers)
            return send_botocore(session, request)

        requests.adapters.HTTPAdapter.send = via_requests  # type: ignore[method-assign]
        URLLib3Session.send = via_botocore  # type: ignore[method-assign]
        try:
            yield self
        finally:
            requests.adapters.HTTPAdapter.send = send_requests  # type: ignore[method-assign]
            URLLib3Session.send = send_botocore  # type: ignore[method-assign]


ROUTING = _Routing()


def needs_signatures(fn: ast.FunctionDef, recorded: dict[str, Any]) -> bool:
    """Whether the test runs against the signature-checking server: it asks for LocalStack's fixture that
    turns signature validation on, its ``verify_signature`` parameter (LocalStack's switch; S3 always
    verifies) or its ``anonymous_client`` (the double judges an unsigned request as anonymous only while it
    checks signatures), or its recording shows S3 refusing a signature. Other tests (most presigned ones
    too) run with any credentials accepted: the double refuses SigV2, which botocore still uses by default
    for presigned URLs and POST forms in us-east-1, and that one known gap would hide what they compare;
    and requests signed for another region than the server's would be refused."""
    names = {a.arg for a in fn.args.args}
    asks = bool(names & {"patch_s3_skip_signature_validation_false", "verify_signature", "anonymous_client"})
    asks = asks or fn.name in UNSIGNED_REQUESTS
    return asks or SIGNATURE_ERRORS.search(json.dumps(recorded)) is not None


def new_server(signatures: bool) -> S3Server:
    """A server answering the AWS host names, checking signatures or not."""
    server = S3Server(virtual_host_suffixes=VHOST_SUFFIXES, account_id=ACCOUNT_ID)
    if signatures:
        server.app.authenticator = Authenticator.of([Credential(ACCESS_KEY, SECRET_KEY, None)])
    return server


class _Servers:
    """The replay's two servers (signatures checked or not), started once and reset before each test as
    the ``s3mpu`` fixture resets its server (no bucket, object, upload, rule or journal entry is left from
    the test before; the clock at real time). Cheaper than a new server per test (each stop waits for the
    serving loop)."""

    def __init__(self) -> None:
        self._running: dict[bool, S3Server] = {}

    def for_test(self, signatures: bool) -> S3Server:
        server = self._running.get(signatures)
        if server is None:
            server = self._running[signatures] = new_server(signatures).start()
            atexit.register(server.stop)
        server.app.control.reset()
        return server


SERVERS = _Servers()


class _StandInModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``localstack`` and its submodules, for the imports a test makes inside its body: every name in them
    is stood in for (``_Anything``). Nothing of LocalStack is imported."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name == "localstack" or name.startswith("localstack."):
            return importlib.util.spec_from_loader(name, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__getattr__ = lambda name: _Anything()  # type: ignore[method-assign]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


@contextlib.contextmanager
def _stand_in_localstack() -> Any:
    finder = _StandInModules()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n == "localstack" or n.startswith("localstack.")]:
            del sys.modules[name]


# -- running one recorded test -------------------------------------------------------------------------


class NeedsService(Exception):
    """A test called another AWS service (KMS, IAM, ...): it is reported as skipped, not as a difference."""


def _allow_bucket_acl(s3: Any, bucket: str) -> None:
    """LocalStack's conftest fixture ``allow_bucket_acl``: a bucket as S3 made them before April 2023
    (no ownership controls, no public access block), so ACLs are accepted."""
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)


# Fixtures of LocalStack's shared conftest a module may ask for, re-implemented (a module's own wins).
def _vhost_client(s3: Any, bucket: str) -> Any:
    """LocalStack's ``s3_vhost_client``: boto3 addressing buckets virtual-host style at S3's own name
    (``{bucket}.s3.amazonaws.com``), which the replay's routing sends to the local server."""
    return boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "virtual"}),
    )


def _iam_role_factory(s3: Any, bucket: str) -> Any:
    """LocalStack's ``create_iam_role_with_policy``: S3 only stores the role's ARN (replication), so the
    role's ARN in the double's account stands for the role IAM would have made."""
    return lambda **kwargs: f"arn:aws:iam::{ACCOUNT_ID}:role/{kwargs.get('RoleName', 'role')}"


STAND_IN_FIXTURES = {
    "allow_bucket_acl": _allow_bucket_acl,
    "s3_vhost_client": _vhost_client,
    "create_iam_role_with_policy": _iam_role_factory,
    # another account's id: only ever compared with the bucket owner's (ExpectedBucketOwner)
    "secondary_account_id": lambda s3, bucket: "000000000002",
}


class Clients:
    """LocalStack's ``aws_client``: ``.s3`` on the double; any other service is not replayed."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise NeedsService(f"needs {name.upper()} (another AWS service, not replayed)")

    def __init__(self, endpoint: str, config: Config | None = None, region: str = "us-east-1") -> None:
        options = Config(s3={"addressing_style": "path"}).merge(config) if config else None
        self.s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=options or Config(s3={"addressing_style": "path"}),
        )
        self.endpoint = endpoint

    def get_client(self, service_name: str, region_name: str = "us-east-1", **kwargs: Any) -> Any:
        return Clients(self.endpoint, kwargs.get("config"), region_name).s3


class _BotocoreAuth(requests.auth.AuthBase):
    """Signs a requests request with a botocore signer, as LocalStack's signing HTTP client does."""

    def __init__(self, signer: Any) -> None:
        self.signer = signer

    def __call__(self, request: Any) -> Any:
        signed = AWSRequest(
            method=request.method, url=request.url, data=request.body, headers=request.headers
        )
        self.signer.add_auth(signed)
        request.url = signed.url
        request.headers.update(dict(signed.headers.items()))
        return request


def signing_session(
    service: str = "s3",
    region: str | None = None,
    signer_factory: Any = SigV4QueryAuth,
    endpoint_url: str | None = None,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
) -> requests.Session:
    """LocalStack's ``aws_http_client_factory``: a requests session whose requests are signed (SigV4 in the
    query by default) with the replay's credentials, or those given."""
    session = requests.Session()
    credentials = Credentials(aws_access_key_id or ACCESS_KEY, aws_secret_access_key or SECRET_KEY)
    session.auth = _BotocoreAuth(signer_factory(credentials, service, region or "us-east-1"))
    return session


class ClientFactory:
    """LocalStack's ``aws_client_factory``: called, or ``.get_client``, both onto the double."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __call__(self, config: Config | None = None, region_name: str = "us-east-1", **_: Any) -> Clients:
        return Clients(self.endpoint, config, region_name)

    def get_client(self, service_name: str, region_name: str = "us-east-1", **kwargs: Any) -> Any:
        return Clients(self.endpoint, kwargs.get("config"), region_name).s3


# Where module_namespace lists the module's autouse fixtures (run before each of its tests, as pytest does).
AUTOUSE = "__replay_autouse__"
# Names the replay provides itself; a module-level definition of the same name does not replace them.
PROVIDED = {"is_aws_cloud", "short_uid", "to_bytes", "to_str"}


def _is_fixture(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list)


def _undecorated(source: str) -> str:
    """A function's source without its decorators (markers are LocalStack's, fixtures are called here)."""
    text = textwrap.dedent(source)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("def ", "async def ")):
            return "\n".join(lines[i:])
    return text


def _fixtures_source(tree: ast.Module, source: str) -> dict[str, str]:
    """The module-level fixtures, as source (called like any function when a test asks for one)."""
    return {
        node.name: _undecorated(ast.get_source_segment(source, node) or "")
        for node in tree.body
        if _is_fixture(node) and isinstance(node, ast.FunctionDef)
    }


class _Names:
    """Stands for LocalStack's API enums (``StorageClass.GLACIER`` is ``"GLACIER"``)."""

    def __getattr__(self, name: str) -> str:
        return name


def _import(node: ast.Import | ast.ImportFrom, namespace: dict[str, Any]) -> None:
    """Run one of the test module's imports; what LocalStack provides is stood in for."""
    module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
    foreign = module.startswith(("localstack", "tests", "moto"))
    if not foreign:
        try:
            exec(ast.unparse(node), namespace)
            return
        except ImportError:
            pass
    for alias in node.names:
        name = (alias.asname or alias.name).split(".")[0]
        if name in namespace and name in PROVIDED | set(_BASE):
            continue
        namespace[name] = _Names() if module == "localstack.aws.api.s3" else _Anything()


def module_namespace(
    tree: ast.Module, source: str, base: dict[str, Any], path: str | None = None
) -> dict[str, Any]:
    """The test module's globals: its imports (LocalStack's stood in for), constants and helpers.

    :param path: the module's ``__file__`` (tests open files beside it: ``../../files/...``).
    """
    namespace = dict(base)
    if path is not None:
        namespace["__file__"] = path
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _import(node, namespace)
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) or (
            isinstance(node, ast.FunctionDef) and not _is_fixture(node) and node.name not in PROVIDED
        ):
            # a constant built from LocalStack's config is left out
            with contextlib.suppress(Exception):
                exec(_undecorated(ast.get_source_segment(source, node) or ""), namespace)
    namespace.update({k: base[k] for k in PROVIDED if k in base})
    namespace[AUTOUSE] = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(d) and "autouse=True" in ast.unparse(d) for d in node.decorator_list)
    ]
    return namespace


class _Param:
    """``pytest.param(*values, marks=..., id=...)`` as the parametrisation is read: LocalStack's marks
    (``markers.requires_in_process``) are stood in for, so pytest never sees them."""

    def __init__(self, *values: Any, marks: Any = (), id: str | None = None) -> None:
        self.values, self.marks, self.id = values, marks, id


class _PytestForParams:
    """``pytest`` while the parametrize arguments are evaluated: ``pytest.param`` is ``_Param``."""

    param = _Param

    def __getattr__(self, name: str) -> Any:
        return getattr(pytest, name)


def _params(fn: ast.FunctionDef, namespace: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The combinations of the test's ``pytest.mark.parametrize`` decorators, each with its test id (the
    argument values evaluated from the source, with the module's constants)."""
    namespace = {**(namespace or {}), "pytest": _PytestForParams()}
    axes: list[list[tuple[dict[str, Any], str]]] = []
    # pytest applies the decorator nearest the function first, and its values lead the test id.
    for deco in reversed(fn.decorator_list):
        if isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("parametrize"):
            try:
                names_value = eval(ast.unparse(deco.args[0]), dict(namespace or {}))
                values = eval(ast.unparse(deco.args[1]), dict(namespace or {}))
                ids = next(
                    (
                        eval(ast.unparse(k.value), dict(namespace or {}))
                        for k in deco.keywords
                        if k.arg == "ids"
                    ),
                    None,
                )
            except Exception:
                return []
            names = (
                [n.strip() for n in names_value.split(",")]
                if isinstance(names_value, str)
                else list(names_value)
            )
            axis = []
            for i, value in enumerate(values):
                given_id = None
                if hasattr(value, "values") and hasattr(value, "marks"):  # pytest.param(...)
                    given_id, value = value.id, value.values
                    value = value if len(names) > 1 else value[0]
                combo = dict(zip(names, value if len(names) > 1 else (value,), strict=True))
                if callable(ids):
                    given_id = given_id or ids(value)
                elif ids is not None:
                    given_id = given_id or ids[i]
                axis.append((combo, given_id or "-".join(str(v) for v in combo.values())))
            axes.append(axis)
    if not axes:
        return [{}]
    combos = []
    for combo in itertools.product(*axes):
        merged: dict[str, Any] = {}
        for part, _ in combo:
            merged.update(part)
        merged["__id__"] = "-".join(i for _, i in combo)
        combos.append(merged)
    return combos or [{}]


def _param_id(params: dict[str, Any]) -> str:
    return str(params.get("__id__", ""))


def _is_static(method: ast.FunctionDef) -> bool:
    return any(ast.unparse(d) == "staticmethod" for d in method.decorator_list)


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout(f"ran longer than {TIMEOUT}s")


def _bucket_factories(client: Clients) -> dict[str, Any]:
    """LocalStack's bucket fixtures: s3_create_bucket, s3_create_bucket_with_client, s3_empty_bucket."""

    def s3_create_bucket(**kwargs: Any) -> str:
        kwargs.setdefault("Bucket", f"test-bucket-{short_uid()}")
        client.s3.create_bucket(**kwargs)
        return str(kwargs["Bucket"])

    def s3_create_bucket_with_client(s3_client: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("Bucket", f"test-bucket-{short_uid()}")
        return s3_client.create_bucket(**kwargs)

    def s3_empty_bucket(bucket: str) -> None:
        listed = client.s3.list_object_versions(Bucket=bucket)
        found = listed.get("Versions", []) + listed.get("DeleteMarkers", [])
        objects = [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in found]
        if objects:
            client.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})

    return {
        "s3_create_bucket": s3_create_bucket,
        "s3_create_bucket_with_client": s3_create_bucket_with_client,
        "s3_empty_bucket": s3_empty_bucket,
    }


def base_namespace() -> dict[str, Any]:
    """The helpers LocalStack's tests import, re-implemented (or stood in for) here; the endpoint is the
    current test's server."""
    namespace = dict(_BASE)
    # Used where a module does not define its own; test_s3.py's build AWS's URLs (``is_aws_cloud``), which the
    # replay's routing sends to the local server.
    namespace["_bucket_url"] = lambda bucket, *_, **__: f"{ROUTING.endpoint}/{bucket}"
    namespace["_endpoint_url"] = lambda *_, **__: ROUTING.endpoint
    return namespace


_BASE: dict[str, Any] = {
    "pytest": pytest,
    "ClientError": ClientError,
    "Config": Config,
    "BytesIO": BytesIO,
    "io": io,
    "base64": base64,
    "hashlib": hashlib,
    "gzip": gzip,
    "json": json,
    "time": time,
    "datetime": datetime,
    "to_bytes": to_bytes,
    "to_str": to_str,
    "short_uid": short_uid,
    "long_uid": lambda: str(uuid.uuid4()),
    "get_partition": lambda region: "aws",
    "checksum_crc32": checksum_crc32,
    "checksum_crc32c": checksum_crc32c,
    "checksum_crc64nvme": checksum_crc64nvme,
    "hash_sha1": hash_sha1,
    "hash_sha256": hash_sha256,
    "get_checksum_for_algorithm": get_checksum_for_algorithm,
    "etag_to_base_64_content_md5": etag_to_base_64_content_md5,
    "RFC1123": RFC1123,
    "retry": retry,
    "rfc_1123_datetime": rfc_1123_datetime,
    "parse_expiration_header": parse_expiration_header,
    "encode_header_rfc2047": encode_header_rfc2047,
    "SigV4Auth": SigV4Auth,
    "TEST_AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "S3_VIRTUAL_HOSTNAME": "s3.amazonaws.com",
    "LOCALHOST_HOSTNAME": "localhost.localstack.cloud",
    "is_aws_cloud": lambda: True,
    "markers": _Anything(),
    "TransformerUtility": _Anything(),
    "requests": requests,
    "quote": quote,
    "xmltodict": xmltodict,
    "random": random,
    "os": os,
    "sleep": time.sleep,
    "TransferConfig": TransferConfig,
    "KB": KB,
    "AWS_REGION_US_EAST_1": "us-east-1",
    "US_EAST_1_REGION": "us-east-1",  # test_s3_api imports it from moto
    "TEST_S3_IMAGE": False,
}


def _credentials() -> None:
    """Clients the tests build themselves (presigning ones) find credentials, as in LocalStack's CI."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


def run_one(
    cls: ast.ClassDef,
    fn: ast.FunctionDef,
    source: str,
    fixtures: dict[str, str],
    params: dict[str, Any],
    recorded: dict[str, Any],
    counter: itertools.count,
    module: dict[str, Any] | None = None,
) -> tuple[str, list[str]]:
    """Run one recorded test against an empty server; its verdict (match / DIFF / skipped) and differences.

    :param module: the test module's globals (``module_namespace``); the replay's own helpers if None.
    """
    args = [a.arg for a in fn.args.args if a.arg != "self"]
    missing = [a for a in args if a in UNSUPPORTED and a not in params]  # a parameter is no fixture
    if missing:
        return "skipped", [f"fixture {', '.join(missing)} not replayed"]
    _credentials()
    signatures = needs_signatures(fn, recorded)
    server = SERVERS.for_test(signatures)
    with ROUTING.installed(), _stand_in_localstack():
        ROUTING.endpoint = server.endpoint_url
        try:
            return _run(cls, fn, source, fixtures, params, recorded, server.endpoint_url, counter, module)
        finally:
            ROUTING.endpoint = ""


def _run(
    cls: ast.ClassDef,
    fn: ast.FunctionDef,
    source: str,
    fixtures: dict[str, str],
    params: dict[str, Any],
    recorded: dict[str, Any],
    endpoint: str,
    counter: itertools.count,
    module: dict[str, Any] | None,
) -> tuple[str, list[str]]:
    args = [a.arg for a in fn.args.args if a.arg != "self"]
    client = Clients(endpoint)
    snapshot = Snapshot(recorded)
    namespace = dict(module) if module is not None else base_namespace()
    bucket = f"replay-{next(counter)}-{short_uid()}"
    client.s3.create_bucket(Bucket=bucket)
    values: dict[str, Any] = {
        "s3_bucket": bucket,
        "aws_client": client,
        "snapshot": snapshot,
        "aws_client_factory": ClientFactory(endpoint),
        # raw HTTP: the double does not check signatures, so a plain requests session stands for it
        "aws_http_client_factory": signing_session,
        "tmpdir": py.path.local(tempfile.mkdtemp(prefix="replay-")),
        "region_name": "us-east-1",
        "secondary_region_name": "ap-southeast-1",
        "account_id": ACCOUNT_ID,
        "patch_s3_skip_signature_validation_false": None,
        "monkeypatch": pytest.MonkeyPatch(),
        "cleanups": [],
        **_bucket_factories(client),
    }
    values.update({k: v for k, v in params.items() if k != "__id__"})

    def provide(name: str, seen: tuple[str, ...] = ()) -> Any:
        if name not in values and name not in fixtures and name in STAND_IN_FIXTURES:
            values[name] = STAND_IN_FIXTURES[name](client.s3, bucket)
        if name not in values and name in fixtures and name not in seen:
            exec(fixtures[name], namespace)
            fixture_fn = namespace[name]
            wanted = fixture_fn.__code__.co_varnames[: fixture_fn.__code__.co_argcount]
            made = fixture_fn(**{a: provide(a, (*seen, name)) for a in wanted})
            values[name] = next(made) if hasattr(made, "__next__") else made
        return values.get(name)

    body = _undecorated(ast.get_source_segment(source, fn) or "")
    exec(body, namespace)
    helpers: dict[str, Any] = {}
    for method in cls.body:
        if isinstance(method, ast.Assign):  # class constants, e.g. an SSE-C key
            exec(ast.get_source_segment(source, method) or "", namespace, helpers)
        if isinstance(method, ast.FunctionDef) and not method.name.startswith("test_"):
            exec(_undecorated(ast.get_source_segment(source, method) or ""), namespace)
            helpers[method.name] = (
                staticmethod(namespace[method.name]) if _is_static(method) else namespace[method.name]
            )
    instance = type(cls.name, (), helpers)()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(TIMEOUT)
    try:
        for name in namespace.get(AUTOUSE, ()):
            provide(name)
        namespace[fn.name](instance, **{a: provide(a) for a in args})
    except KeyboardInterrupt:
        raise
    except NeedsService as exc:
        return "skipped", [str(exc)]
    except BaseException as exc:  # the replay reports whatever a test raised (pytest.raises
        # failing raises pytest's Failed, a BaseException)
        snapshot.diffs.append(f"raised {type(exc).__name__}: {str(exc)[:200]}")
        if not isinstance(exc, (AssertionError, ClientError, pytest.fail.Exception, _Timeout)):
            snapshot.diffs.append(traceback.format_exc(limit=2)[-400:])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        values["monkeypatch"].undo()
    unseen = [name for name in recorded if name not in snapshot.seen]
    snapshot.diffs.extend(f"{name}: recorded, never matched" for name in unseen)
    return ("match" if not snapshot.diffs else "DIFF"), snapshot.diffs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tests", help="LocalStack's test_s3.py")
    parser.add_argument("snapshots", help="its test_s3.snapshot.json")
    parser.add_argument("-k", default="", help="only tests whose id contains this")
    parser.add_argument("-v", action="store_true", help="print each difference")
    parser.add_argument("--all", action="store_true", help="every recorded test, not only multipart ones")
    parser.add_argument("--select", default=SELECT.pattern, help="a regex the test names must match")
    options = parser.parse_args()
    source = pathlib.Path(options.tests).read_text(encoding="utf-8")
    snapshots = json.loads(pathlib.Path(options.snapshots).read_text(encoding="utf-8"))
    tree = ast.parse(source)
    fixtures = _fixtures_source(tree, source)
    counter = itertools.count()
    prefix = next(iter(snapshots)).split("::", 1)[0]  # tests/aws/services/s3/test_s3.py
    results: dict[str, int] = {}
    module = module_namespace(tree, source, base_namespace(), str(pathlib.Path(options.tests).resolve()))
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        for fn in cls.body:
            if not (
                isinstance(fn, ast.FunctionDef)
                and fn.name.startswith("test_")
                and (options.all or re.search(options.select, fn.name))
            ):
                continue
            for params in _params(fn, module):
                suffix = f"[{_param_id(params)}]" if params else ""
                test_id = f"{prefix}::{cls.name}::{fn.name}{suffix}"
                if test_id not in snapshots or options.k not in test_id:
                    continue
                recorded = snapshots[test_id]["recorded-content"]
                verdict, diffs = run_one(cls, fn, source, fixtures, params, recorded, counter, module)
                results[verdict] = results.get(verdict, 0) + 1
                print(
                    f"{verdict:8} {cls.name}::{fn.name}{suffix}"
                    + (f" ({diffs[0]})" if verdict == "skipped" else "")
                )
                if options.v and verdict == "DIFF":
                    for line in diffs:
                        print(f"           {line}")
    total = sum(results.values())
    print(f"\nserver: {pytest_s3mpu.__file__}")
    print(f"\n{results.get('match', 0)} of {total} recorded tests match; {results.get('skipped', 0)} skipped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
