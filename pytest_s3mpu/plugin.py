"""The pytest plugin (``pytest11`` entry point): options, ini keys, the ``s3mpu`` marker and fixtures.

Layer 7. One server per session (per xdist worker); the ``s3mpu`` fixture resets its state at setup, so
nothing leaks from one test into the next, and fails at teardown, with its traceback, the test whose
requests hit a bug of the server.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any

import pytest

from pytest_s3mpu import settings
from pytest_s3mpu.handle import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, S3MPU, Unavailable
from pytest_s3mpu.harness import leaks
from pytest_s3mpu.harness.faults import FaultSpecError
from pytest_s3mpu.protocol.authentication import Authenticator
from pytest_s3mpu.s3server import S3Server, ServerBindError
from pytest_s3mpu.seeding import SeedError
from pytest_s3mpu.state.config import StoreConfig

SERVER_KEY = pytest.StashKey[S3Server]()
LEAKS_KEY = pytest.StashKey[str]()
SESSION_CONFIG_KEY = pytest.StashKey[StoreConfig]()
PLUGIN_NOTES = {"port": " Under pytest-xdist, worker N binds PORT+N."}
SEED_MARKER_HELP = (
    "s3mpu_seed(source): buckets and objects the test starts with: a folder (top-level folders are "
    "buckets, files under them objects) or a dict {bucket: {key: bytes or str}}; on a module (pytestmark) "
    "or class it seeds each of its tests."
)
FAULT_MARKER_HELP = (
    "s3mpu_fault(operation=..., action=..., ...): a fault rule active for one test "
    "(fields as in s3mpu.faults.add; the README documents them)."
)
MARKER_HELP = (
    "s3mpu(min_part_size=N, region=NAME, leaks=off|warn|fail): settings of the in-memory S3 for one test "
    "(see the s3mpu options in pytest --help)."
)


class ServerBug(Exception):
    """The server hit a bug of its own (answered 500 InternalError) while serving the test; the message
    carries its traceback."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("s3mpu", "in-memory S3 with multipart uploads (pytest-s3mpu)")
    for setting in settings.ALL:
        default = f" Default {setting.default}." if setting.default != "" and not setting.repeatable else ""
        note = PLUGIN_NOTES.get(setting.name, "")
        help_text = f"{setting.help}{note}{default} Also ini {setting.ini}, env {setting.env}."
        if setting.flag:
            group.addoption(
                setting.option,
                dest=f"s3mpu_{setting.name}",
                action="store_const",
                const="true",
                help=help_text,
            )
        else:
            group.addoption(
                setting.option,
                dest=f"s3mpu_{setting.name}",
                default=None,
                metavar=setting.metavar,
                help=help_text,
                **_repeatable(setting),
            )
        parser.addini(setting.ini, help=setting.help, default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    config.addinivalue_line("markers", FAULT_MARKER_HELP)
    config.addinivalue_line("markers", SEED_MARKER_HELP)
    for setting in settings.ALL:  # a bad option, env or ini value is a usage error before any test runs
        _resolve(config, setting)
    endpoint = _resolve(config, settings.ENDPOINT)
    if endpoint:
        _refuse_server_settings(config, endpoint)


# Settings an external endpoint cannot honour: it has its own limits, storage, account and address.
SERVER_ONLY: tuple[settings.Setting[Any], ...] = (
    settings.MIN_PART_SIZE,
    settings.MAX_BODY_SIZE,
    settings.STORAGE,
    settings.JOURNAL_MAX_BYTES,
    settings.OBJECT_OWNERSHIP,
    settings.ACCOUNT_ID,
    settings.ALLOWED_HOSTS,
    settings.MAX_CONNECTIONS,
    settings.HEAD_TIMEOUT,
    settings.HOST,
    settings.PORT,
    settings.TLS,
)


def _refuse_server_settings(config: pytest.Config, endpoint: str) -> None:
    """With an external endpoint, a session setting of the in-memory server would be silently dropped:
    refuse the combination, naming both sources."""
    sources = _sources(config, None)
    for setting in SERVER_ONLY:
        where = settings.origin(setting, sources)
        if where != "default":
            value = _resolve(config, setting)
            raise pytest.UsageError(
                f"{setting.name} {value!r} from {where} has no effect on the external endpoint {endpoint} "
                f"(from {settings.origin(settings.ENDPOINT, sources)}): unset one of the two"
            )


def _sources(config: pytest.Config, marker: pytest.Mark | None) -> settings.Sources:
    marker_values: dict[str, object] = dict(marker.kwargs) if marker is not None else {}
    return settings.Sources(
        marker=marker_values,
        cli={s.name: _joined(config.getoption(f"s3mpu_{s.name}")) for s in settings.ALL},
        env=dict(os.environ),
        ini={s.name: config.getini(s.ini) for s in settings.ALL},
    )


def _repeatable(setting: settings.Setting[Any]) -> dict[str, Any]:
    """argparse's keyword for an option that may be given more than once."""
    return {"action": "append"} if setting.repeatable else {}


def _joined(value: Any) -> str | None:
    """A repeatable option's values (a list) as one text, as the setting reads them."""
    return " ".join(value) if isinstance(value, list) else value


def _resolve(config: pytest.Config, setting: settings.Setting[Any], marker: pytest.Mark | None = None) -> Any:
    try:
        return settings.resolve(setting, _sources(config, marker))
    except settings.SettingError as exc:
        raise pytest.UsageError(str(exc)) from None


def _worker_offset(config: pytest.Config) -> int:
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


def pytest_report_header(config: pytest.Config) -> str:
    endpoint = _resolve(config, settings.ENDPOINT)
    if endpoint:
        return f"s3mpu: external endpoint {endpoint} (fault injection and state inspection unavailable)"
    host = _resolve(config, settings.HOST)
    port = _resolve(config, settings.PORT)
    size = _resolve(config, settings.MIN_PART_SIZE)
    where = f"{host}:{port}" if port else f"{host}:<free port>"
    return f"s3mpu: in-memory S3 on {where}, min part size {size} bytes"


@pytest.fixture(scope="session")
def s3mpu_server_factory() -> Callable[..., S3Server]:
    """How the session's server is built: called once with the resolved settings as ``S3Server``
    keyword arguments (host, port, min_part_size, region, ...). Override it in a conftest.py to build the
    server otherwise, e.g. ``lambda **settings: S3Server(**settings, access_log=print)``."""
    return S3Server


@pytest.fixture(scope="session")
def s3mpu_server(
    pytestconfig: pytest.Config,
    request: pytest.FixtureRequest,
    s3mpu_server_factory: Callable[..., S3Server],
) -> Iterator[S3Server]:
    """The session's server (one per xdist worker), bound to 127.0.0.1 and a free port by default."""
    endpoint = _resolve(pytestconfig, settings.ENDPOINT)
    if endpoint:
        pytest.skip(f"no in-memory server: --s3mpu-endpoint points the fixtures at {endpoint}")
    values = {setting.name: _resolve(pytestconfig, setting) for setting in settings.SERVER}
    if values["port"]:
        values["port"] += _worker_offset(pytestconfig)
    server = s3mpu_server_factory(**values)
    # What each test starts from; a test's marker changes only the settings it names.
    pytestconfig.stash[SESSION_CONFIG_KEY] = server.store.config
    try:
        server.start()
    except ServerBindError as exc:
        message = _bind_failure(pytestconfig, exc)
        if hasattr(pytestconfig, "workerinput"):  # an xdist worker tells its controller to stop this way
            request.session.shouldstop = message
        pytest.exit(message, returncode=pytest.ExitCode.USAGE_ERROR)
    pytestconfig.stash[SERVER_KEY] = server
    try:
        yield server
    finally:
        server.stop()


def _bind_failure(config: pytest.Config, exc: ServerBindError) -> str:
    """One line for a server that cannot bind: what failed, and the setting (and its source) to change.

    Raised through ``pytest.exit`` so the run stops once, not with a traceback per test."""
    sources = _sources(config, None)
    offset = _worker_offset(config)
    if exc.error.errno in (errno.EADDRINUSE, errno.EACCES):
        where = settings.origin(settings.PORT, sources)
        worker = f", plus {offset} for xdist worker gw{offset}" if offset else ""
        advice = f"the port comes from {where}{worker}; choose another, or 0 for a free one"
    else:
        where = settings.origin(settings.HOST, sources)
        advice = f"the host comes from {where}; use a local address such as 127.0.0.1"
    return f"s3mpu: {exc} ({advice})"


def _check_marker_arguments(item: pytest.Item) -> None:
    """Marker arguments are keywords only: a positional one would otherwise be silently ignored."""
    examples = {
        "s3mpu": "s3mpu(min_part_size=1024)",
        "s3mpu_fault": 's3mpu_fault(operation="UploadPart", ...)',
    }
    for name, example in examples.items():
        for marker in item.iter_markers(name):
            if marker.args:
                raise pytest.UsageError(
                    f"the {name} marker takes keyword arguments only, as in @pytest.mark.{example}; "
                    f"positional {', '.join(map(repr, marker.args))} would be ignored"
                )


def _check_marker(marker: pytest.Mark | None) -> None:
    if marker is not None:
        try:
            settings.check_marker(marker.kwargs)
        except settings.SettingError as exc:
            raise pytest.UsageError(str(exc)) from None


def _skip_unless_endpoint_honours(config: pytest.Config, marker: pytest.Mark | None, endpoint: str) -> None:
    """A per-test setting an external endpoint cannot apply skips the test, saying so: never run it
    differently from what it asked for."""
    if marker is None:
        return
    for setting in (settings.MIN_PART_SIZE, settings.STORAGE, settings.OBJECT_OWNERSHIP, settings.ACCOUNT_ID):
        if setting.name in marker.kwargs:
            value = _resolve(config, setting, marker)
            if value != setting.default:
                pytest.skip(
                    f"{setting.name}={value!r} from the s3mpu marker cannot be applied to the external "
                    f"endpoint {endpoint}"
                )


def _test_config(config: pytest.Config, marker: pytest.Mark | None, server: S3Server) -> StoreConfig:
    """The session server's store configuration with the test's marker settings applied: everything a
    test may change is set again before each test, in one ``Store.configure`` call."""
    named = marker.kwargs if marker is not None else {}

    def marked(setting: settings.Setting[Any]) -> Any:
        return _resolve(config, setting, marker) if setting.name in named else None

    # An overridden s3mpu_server fixture stored none: its store's configuration before the first test.
    session = config.stash.setdefault(SESSION_CONFIG_KEY, server.store.config)
    return session.with_settings(
        min_part_size=marked(settings.MIN_PART_SIZE),
        region=marked(settings.REGION),
        storage=marked(settings.STORAGE),
        object_ownership=marked(settings.OBJECT_OWNERSHIP),
        account_id=marked(settings.ACCOUNT_ID),
    )


@pytest.fixture
def s3mpu(request: pytest.FixtureRequest) -> Iterator[S3MPU]:
    """A fresh, empty S3 for this test, with the test's settings (marker > CLI > env > ini > default).

    At teardown, an exception the server raised while serving this test fails the test. With
    ``--s3mpu-endpoint``, the handle points at that endpoint instead, and nothing is reset but a test
    clock the test moved.
    """
    marker = request.node.get_closest_marker("s3mpu")
    config = request.config
    _check_marker_arguments(request.node)
    _check_marker(marker)
    endpoint = _resolve(config, settings.ENDPOINT)
    if endpoint:
        _skip_unless_endpoint_honours(config, marker, endpoint)
        if request.node.get_closest_marker("s3mpu_fault") is not None:
            pytest.skip(f"fault injection is not available against an external endpoint ({endpoint})")
        handle = S3MPU.external(endpoint, _resolve(config, settings.REGION, marker))
        _seed(request, handle, marker)
        yield handle
        handle.clock_to_real()
        return
    s3mpu_server: S3Server = request.getfixturevalue("s3mpu_server")
    own_server: S3Server | None = None
    tls = _resolve(config, settings.TLS, marker)
    if tls != (s3mpu_server.ca_bundle is not None):
        # The marker asks for the other scheme than the session's server serves: a server of this
        # test's own, with the session's server settings, stopped after it.
        own_server = S3Server(
            host="127.0.0.1",
            max_body_size=_resolve(config, settings.MAX_BODY_SIZE),
            allowed_hosts=_resolve(config, settings.ALLOWED_HOSTS),
            tls=tls,
        ).start()
        s3mpu_server = own_server
    try:
        yield from _serve_test(request, s3mpu_server, marker)
    finally:
        if own_server is not None:
            own_server.stop()


def _serve_test(
    request: pytest.FixtureRequest, s3mpu_server: S3Server, marker: pytest.Mark | None
) -> Iterator[S3MPU]:
    """The s3mpu fixture's body for the in-memory server: reset, the test's settings, bugs at teardown."""
    config = request.config
    store = s3mpu_server.store
    s3mpu_server.reset()  # store, fault rules and journal, before the test: nothing leaks in
    for fault_marker in reversed(list(request.node.iter_markers("s3mpu_fault"))):
        try:
            s3mpu_server.faults.add(**fault_marker.kwargs)
        except FaultSpecError as exc:
            raise pytest.UsageError(f"s3mpu_fault marker: {exc}") from None
    store.configure(_test_config(config, marker, s3mpu_server))
    s3mpu_server.app.authenticator = (
        Authenticator.of(_resolve(config, settings.CREDENTIALS, marker))
        if _resolve(config, settings.AUTH, marker) == "sigv4"
        else None
    )
    request.node.stash[LEAKS_KEY] = _resolve(config, settings.LEAKS, marker)
    handle = S3MPU(s3mpu_server)
    _seed(request, handle, marker)
    seen = s3mpu_server.app.bugs.last_seq()
    yield handle
    new_bugs = s3mpu_server.app.bugs.since(seen)
    if new_bugs:
        raise ServerBug(new_bugs[0].report())


def _seed(request: pytest.FixtureRequest, handle: S3MPU, marker: pytest.Mark | None) -> None:
    """The seed folder of the settings (ini, option, environment, the s3mpu marker), then each
    ``s3mpu_seed`` marker from the outermost (module) to the test's own; after the per-test reset, so
    every test starts with the same data."""
    sources: list[Any] = []
    folder = _resolve(request.config, settings.SEED, marker)
    if folder:
        sources.append(folder)
    for seed_marker in reversed(list(request.node.iter_markers("s3mpu_seed"))):
        if len(seed_marker.args) != 1 or seed_marker.kwargs:
            raise pytest.UsageError(
                "the s3mpu_seed marker takes one source, a folder or a dict: "
                '@pytest.mark.s3mpu_seed({"bucket": {"key": b"data"}})'
            )
        sources.append(seed_marker.args[0])
    for source in sources:
        try:
            handle.seed(source)
        except SeedError as exc:
            raise pytest.UsageError(f"s3mpu seed: {exc}") from None


@pytest.fixture
def s3mpu_client(s3mpu: S3MPU) -> Any:
    """A boto3 S3 client for the in-memory endpoint (path style, dummy credentials, default checksums)."""
    return s3mpu.client()


@pytest.fixture
def s3mpu_aioclient(s3mpu: S3MPU) -> Any:
    """An aiobotocore S3 client for the endpoint, the async twin of ``s3mpu_client``:
    ``async with s3mpu_aioclient as s3: await s3.put_object(...)`` (needs aiobotocore)."""
    return s3mpu.aioclient()


@pytest.fixture
def s3mpu_env(s3mpu: S3MPU, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> S3MPU:
    """Point unmodified application code at the double: ``boto3.client("s3")`` inside the code under
    test lands here (AWS_ENDPOINT_URL_S3, dummy credentials, region; the user's AWS config hidden).
    With ``--s3mpu-endpoint`` only the endpoint and region are set: the environment's credentials stay."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3mpu.endpoint_url)
    if s3mpu.is_external:
        monkeypatch.setenv("AWS_DEFAULT_REGION", s3mpu.region)
        monkeypatch.setenv("AWS_REGION", s3mpu.region)
        return s3mpu
    credential = s3mpu.auth.first() if s3mpu.auth is not None else None
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credential.access_key if credential else DUMMY_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credential.secret if credential else DUMMY_SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", s3mpu.region)
    monkeypatch.setenv("AWS_REGION", s3mpu.region)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    if credential is not None and credential.session_token is not None:
        monkeypatch.setenv("AWS_SESSION_TOKEN", credential.session_token)
    return s3mpu


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test that used the double gets the request journal in its report, like captured logs."""
    report = yield
    handle = getattr(item, "funcargs", {}).get("s3mpu")
    if not (report.failed and isinstance(handle, S3MPU) and not handle.is_external):
        return report
    if len(handle.journal):
        report.sections.append(("s3mpu journal", handle.journal.table()))
        report.sections.append(("s3mpu inspector", f"{handle.inspector_url} (until the next test resets it)"))
    return report


def pytest_exception_interact(
    node: pytest.Item | pytest.Collector, call: pytest.CallInfo[Any], report: pytest.TestReport
) -> None:
    """pause_on_failure: where ``--pdb`` would stop, a failed test that used the double stops with its
    server and state as they are (teardown and the next test's reset wait) until Enter."""
    handle = getattr(node, "funcargs", {}).get("s3mpu")
    if (
        report.failed
        and isinstance(handle, S3MPU)
        and not handle.is_external
        and _resolve(node.config, settings.PAUSE_ON_FAILURE)
    ):
        _pause(node, handle)


def pause_refusal(stdin: Any, environ: Mapping[str, str]) -> str | None:
    """Why a failed test must not wait for Enter (None: it may): only a person at a terminal can press
    it, so never in CI, under an xdist worker or with stdin from a pipe or a file."""
    if environ.get("CI"):
        return "CI is set"
    if environ.get("PYTEST_XDIST_WORKER"):
        return "an xdist worker has no terminal"
    if stdin is None or not stdin.isatty():
        return "stdin is not a terminal"
    return None


def _pause(node: pytest.Item | pytest.Collector, handle: S3MPU) -> None:
    """Print the inspector's URL and, if a person can answer, wait for Enter. Capture is suspended
    with stdin as ``--pdb`` does it; the next phase of the test resumes it."""
    capture = node.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        capture.suspend(in_=True)
    refusal = pause_refusal(sys.stdin, os.environ)
    where = f"s3mpu: {node.nodeid} failed; inspector: {handle.inspector_url}"
    if refusal is not None:
        sys.stderr.write(f"\n{where} (pause_on_failure: not pausing, {refusal})\n")
        return
    sys.stderr.write(f"\n{where}\ns3mpu: paused with the server and its state kept; press Enter to go on ")
    sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError):
        sys.stdin.readline()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Against an external endpoint, a test that needs faults, the journal or the store is skipped,
    saying why, rather than failed."""
    try:
        result = yield
    except Unavailable as exc:
        pytest.skip(str(exc))
    _check_leaks(item)
    return result


def _check_leaks(item: pytest.Item) -> None:
    """After a test that passed: warn about, or fail it for, the uploads it left open (``leaks``).

    Checked here rather than at the fixture's teardown so that ``fail`` fails the test itself."""
    mode = item.stash.get(LEAKS_KEY, "off")
    handle = getattr(item, "funcargs", {}).get("s3mpu")
    if mode == "off" or not isinstance(handle, S3MPU) or handle.is_external:
        return
    left = handle.incomplete_uploads()
    if not left:
        return
    message = leaks.report(left)
    if mode == "fail":
        pytest.fail(message, pytrace=False)  # the report is the message: no traceback of the plugin
    warnings.warn(leaks.LeakedUploadWarning(message), stacklevel=1)
