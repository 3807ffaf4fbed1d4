"""No web page in the developer's browser can drive the server (issue 15, item 7), through the real server.

A cross-site form POST (``enctype=text/plain`` needs no preflight) used to wipe the store through
``/_s3mpu/reset`` and add fault rules; a DNS-rebinding page (the attacker's name resolving to 127.0.0.1,
so ``Host: evil.example``) could read the journal and every object. Browsers mark both: the first with
``Origin`` / ``Sec-Fetch-Site`` (Fetch standard; W3C Fetch Metadata), the second with its Host. Plain
clients (curl, requests, SDKs) send neither and work as documented.
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from pytest_s3mpu import __main__ as cli
from pytest_s3mpu import settings
from pytest_s3mpu.app import origins
from pytest_s3mpu.s3server import S3Server
from pytest_s3mpu.state.model import ObjectMeta, Payload

BUCKET = "origins"
KEY = "secret.txt"
SECRET = b"do not leak"


@pytest.fixture
def server() -> Iterator[S3Server]:
    srv = S3Server().start()
    srv.store.create_bucket(BUCKET)
    srv.store.put_object(BUCKET, KEY, Payload.of(SECRET), ObjectMeta())
    try:
        yield srv
    finally:
        srv.stop()


def _send(
    srv: S3Server, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _intact(srv: S3Server) -> None:
    assert srv.store.objects(BUCKET)[KEY].body.read() == SECRET
    assert srv.faults.rules() == []


FORM = {"Content-Type": "text/plain", "Origin": "http://evil.example"}


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/_s3mpu/reset", FORM),
        ("POST", "/_s3mpu/faults", FORM),
        ("DELETE", "/_s3mpu/journal", {"Origin": "http://evil.example"}),
        ("POST", "/_s3mpu/reset", {"Origin": "null"}),  # sandboxed frame, file:// page
        ("POST", "/_s3mpu/reset", {"Origin": "http://localhost:3000"}),  # another port: another origin
        ("POST", "/_s3mpu/reset", {"Sec-Fetch-Site": "cross-site"}),
        ("POST", "/_s3mpu/reset", {"Sec-Fetch-Site": "same-site"}),
    ],
)
def test_a_cross_origin_browser_request_cannot_change_state(server, method, path, headers):
    """A state-changing control request that a browser marks as coming from another origin is refused
    with 403 and a JSON reason; the store, the rules and the journal are untouched, and no CORS header
    is sent."""
    body = b'{"operation": "GetObject", "preset": "InternalError"}'
    server.journal.clear()
    _send(server, "GET", f"/{BUCKET}/{KEY}", {})
    status, response_headers, answer = _send(server, method, path, headers, body)
    assert status == 403
    assert "another origin" in json.loads(answer)["error"]
    assert not [name for name in response_headers if name.startswith("access-control-")]
    _intact(server)
    assert len(server.journal) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, requests, the SDKs
        {"Origin": "http://127.0.0.1:{port}"},  # a page of the server's own origin
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed by the user
    ],
)
def test_plain_clients_and_the_servers_own_origin_still_drive_the_control_api(server, headers):
    """As documented: ``curl -X POST .../_s3mpu/faults -d '{...}'`` adds a rule, and reset empties the
    store; so does a request from the server's own origin."""
    filled = {name: value.format(port=server.port) for name, value in headers.items()}
    rule = b'{"operation": "GetObject", "preset": "InternalError"}'
    status, _, answer = _send(server, "POST", "/_s3mpu/faults", filled, rule)
    assert status == 200 and json.loads(answer)[0]["operation"] == "GetObject"
    assert _send(server, "POST", "/_s3mpu/reset", filled)[0] == 200
    assert server.store.bucket_names() == [] and server.faults.rules() == []


def test_no_cors_headers_even_for_a_preflight(server):
    """The control API never answers CORS: a preflight gets no Access-Control-* header, so a browser
    never lets a page send a JSON POST or read an answer."""
    preflight = {
        "Origin": "http://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for path in ("/_s3mpu/faults", "/_s3mpu/journal", "/_s3mpu/health"):
        status, headers, _ = _send(server, "OPTIONS", path, preflight)
        assert status >= 400
        assert not [name for name in headers if name.startswith("access-control-")]
    status, headers, _ = _send(server, "GET", "/_s3mpu/journal", {"Origin": "http://evil.example"})
    assert not [name for name in headers if name.startswith("access-control-")]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/{BUCKET}/{KEY}"),
        ("GET", f"/{BUCKET}"),
        ("PUT", f"/{BUCKET}/planted"),
        ("HEAD", f"/{BUCKET}/{KEY}"),
    ],
)
def test_a_rebinding_host_reads_and_writes_nothing(server, method, path):
    """``Host: evil.example:PORT`` (a DNS-rebinding page) is refused before anything is read or written:
    400 InvalidArgument naming the Host and the ``allowed_hosts`` setting (HEAD: no body)."""
    status, _, body = _send(server, method, path, {"Host": f"evil.example:{server.port}"})
    assert status == 400
    assert SECRET not in body
    if method != "HEAD":
        error = ET.fromstring(body)
        assert error.findtext("Code") == "InvalidArgument"
        assert error.findtext("ArgumentName") == "Host"
        assert error.findtext("ArgumentValue") == f"evil.example:{server.port}"
        assert "allowed_hosts" in (error.findtext("Message") or "")
    assert "planted" not in server.store.objects(BUCKET)


@pytest.mark.parametrize("path", ["/_s3mpu/journal", "/_s3mpu/faults", "/_s3mpu/health"])
def test_a_rebinding_host_cannot_read_the_control_api(server, path):
    """The journal (keys, upload ids) and the rules are not readable under a foreign Host either: 400
    with a JSON reason naming the setting."""
    status, _, body = _send(server, "GET", path, {"Host": f"evil.example:{server.port}"})
    assert status == 400
    assert "allowed_hosts" in json.loads(body)["error"]
    assert KEY.encode() not in body
    status, _, _ = _send(server, "POST", "/_s3mpu/reset", {"Host": "evil.example"})
    assert status == 400
    _intact(server)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "[::1]:{port}", "origins.localhost:{port}", None],
)
def test_loopback_names_and_bucket_subdomains_are_served(server, host):
    """By default the loopback names, the configured host and their virtual-hosted bucket subdomains
    (spec §1.1) are served; a request without Host (HTTP/1.0) too."""
    headers = {} if host is None else {"Host": host.format(port=server.port)}
    path = f"/{KEY}" if host and host.startswith("origins.") else f"/{BUCKET}/{KEY}"
    if host is None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn._http_vsn, conn._http_vsn_str = 10, "HTTP/1.0"  # type: ignore[attr-defined]
        conn.putrequest("GET", path, skip_host=True)
        conn.endheaders()
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, SECRET)
        conn.close()
        return
    assert _send(server, "GET", path, headers)[::2] == (200, SECRET)


def test_allowed_hosts_extends_the_names_for_containers_and_proxies():
    """``allowed_hosts`` adds names (each with its bucket subdomains), for a server reached as
    ``minio.test`` from another container; ``*`` allows any Host."""
    with S3Server(allowed_hosts=("minio.test",)) as srv:
        srv.store.create_bucket(BUCKET)
        srv.store.put_object(BUCKET, KEY, Payload.of(SECRET), ObjectMeta())
        assert _send(srv, "GET", f"/{BUCKET}/{KEY}", {"Host": "minio.test:9000"})[::2] == (200, SECRET)
        assert _send(srv, "GET", f"/{BUCKET}/{KEY}", {"Host": "origins.minio.test"})[0] == 200
        assert _send(srv, "GET", f"/{BUCKET}/{KEY}", {"Host": "notminio.test"})[0] == 400
    with S3Server(allowed_hosts=("*",)) as srv:
        assert _send(srv, "GET", "/_s3mpu/health", {"Host": "anything.example"})[0] == 200


def test_allowed_hosts_setting_option_env_ini_and_cli_flag():
    """The setting is read like every other: option ``--s3mpu-allowed-hosts``, env
    ``PYTEST_S3MPU_ALLOWED_HOSTS``, ini ``s3mpu_allowed_hosts``; the standalone server takes
    ``--allowed-hosts``. Comma- or space-separated; a URL is refused with a reason."""
    setting = settings.ALLOWED_HOSTS
    assert (setting.option, setting.env, setting.ini) == (
        "--s3mpu-allowed-hosts",
        "PYTEST_S3MPU_ALLOWED_HOSTS",
        "s3mpu_allowed_hosts",
    )
    empty = settings.Sources(marker={}, cli={}, env={}, ini={})
    assert settings.resolve(setting, empty) == ()
    env = settings.Sources(marker={}, cli={}, env={setting.env: "minio.test, *.svc"}, ini={})
    assert settings.resolve(setting, env) == ("minio.test", "*.svc")
    with pytest.raises(settings.SettingError, match="allowed_hosts"):
        settings.resolve(
            setting, settings.Sources(marker={}, cli={"allowed_hosts": "http://x/"}, env={}, ini={})
        )
    args = cli.build_parser().parse_args(["--allowed-hosts", "*"])
    assert cli.resolve_settings(args, {})["allowed_hosts"] == ("*",)
    assert origins.host_allowed("a.b.svc:80", origins.allowed_names(["*.svc"]))
