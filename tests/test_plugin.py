"""The pytest plugin seen from a user's suite (pytester): fixtures, settings and their precedence, the
help text, the report header, handler bugs, xdist and entry-point loading.

The inner runs load the plugin through its ``pytest11`` entry point exactly as a user's suite does: no
conftest, no ``-p``. Most run in-process (fast); the xdist and entry-point runs use a subprocess.
"""

from __future__ import annotations

import socket
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

DEFAULT_MIN_PART_SIZE = 5 * 1024 * 1024  # S3's real minimum part size (spec §5.1 step 9c)


def _free_port(consecutive: int = 1) -> int:
    """A port P such that P .. P+consecutive-1 could all be bound just now (bounded tries)."""
    for _ in range(50):
        with closing(socket.socket()) as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + consecutive > 65535:
            continue
        sockets = []
        try:
            for offset in range(consecutive):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free consecutive ports found")


# -- fixtures -----------------------------------------------------------------------------------------


def test_fixtures_reach_the_same_in_memory_s3(pytester: pytest.Pytester) -> None:
    """``s3mpu_client`` talks HTTP to the endpoint whose state ``s3mpu`` reads (README: fixtures)."""
    pytester.makepyfile(
        """
        def test_client_and_handle(s3mpu, s3mpu_client):
            s3mpu_client.create_bucket(Bucket="from-client")
            s3mpu_client.put_object(Bucket="from-client", Key="k", Body=b"hello")
            assert s3mpu.buckets() == ["from-client"]
            assert s3mpu.object_bytes("from-client", "k") == b"hello"
            assert s3mpu_client.meta.endpoint_url == s3mpu.endpoint_url
            assert s3mpu.endpoint_url.startswith("http://127.0.0.1:")

        def test_handle_creates_bucket_client_sees_it(s3mpu, s3mpu_client):
            s3mpu.create_bucket("from-handle")
            names = [b["Name"] for b in s3mpu_client.list_buckets()["Buckets"]]
            assert names == ["from-handle"]
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_s3mpu_env_points_plain_boto3_client_at_the_double(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside a test using ``s3mpu_env``, ``boto3.client("s3")`` with no arguments lands on the double, even
    with a user profile and a global endpoint variable set outside (they are hidden by the fixture)."""
    pytester.makepyfile(
        """
        import boto3

        def test_plain_client(s3mpu_env):
            client = boto3.client("s3")
            client.create_bucket(Bucket="env-bucket")
            client.put_object(Bucket="env-bucket", Key="report.txt", Body=b"data")
            assert s3mpu_env.buckets() == ["env-bucket"]
            assert s3mpu_env.object_bytes("env-bucket", "report.txt") == b"data"
        """
    )
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-s3mpu")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    pytester.runpytest().assert_outcomes(passed=1)


def test_server_is_session_scoped_and_state_is_reset(pytester: pytest.Pytester) -> None:
    """One server per session (same port in every test); every test starts with an empty S3 (no bucket,
    object or open upload from the test before)."""
    pytester.makepyfile(
        """
        ports = []

        def test_first(s3mpu, s3mpu_server, s3mpu_client):
            ports.append(s3mpu_server.port)
            s3mpu_client.create_bucket(Bucket="left-behind")
            s3mpu_client.put_object(Bucket="left-behind", Key="k", Body=b"x")
            s3mpu_client.create_multipart_upload(Bucket="left-behind", Key="open")
            assert s3mpu.buckets() == ["left-behind"]
            assert len(s3mpu.uploads()) == 1

        def test_second(s3mpu, s3mpu_server, s3mpu_client):
            assert s3mpu_server.port == ports[0]
            assert s3mpu.buckets() == []
            assert s3mpu.uploads() == []
            assert s3mpu_client.list_buckets()["Buckets"] == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_handler_bug_errors_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    """A bug in the server (an exception that is no S3 error) is answered as 500 InternalError and re-raised
    in the test that caused it, at teardown (STYLE: pytest-httpserver's check_handler_errors)."""
    pytester.makepyfile(
        """
        import pytest
        from botocore.exceptions import ClientError

        def test_bug(s3mpu, monkeypatch):
            def broken(*_query):
                raise RuntimeError("injected handler bug")

            monkeypatch.setattr(s3mpu.store, "list_buckets", broken)
            client = s3mpu.client(retries={"total_max_attempts": 1})
            with pytest.raises(ClientError) as caught:
                client.list_buckets()
            assert caught.value.response["Error"]["Code"] == "InternalError"
            assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500

        def test_next_is_clean(s3mpu, s3mpu_client):
            assert s3mpu_client.list_buckets()["Buckets"] == []
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_bug*", "*RuntimeError: injected handler bug*"])


# -- settings -----------------------------------------------------------------------------------------

PRECEDENCE_CASES = {
    "default": ({}, DEFAULT_MIN_PART_SIZE, "us-east-1"),
    "ini": ({"ini"}, 2048, "eu-west-1"),
    "env over ini": ({"ini", "env"}, 3072, "eu-west-2"),
    "cli over env": ({"ini", "env", "cli"}, 4096, "eu-west-3"),
    "marker over cli": ({"ini", "env", "cli", "marker"}, 1024, "ap-south-1"),
}


@pytest.mark.parametrize(("layers", "size", "region"), PRECEDENCE_CASES.values(), ids=PRECEDENCE_CASES)
def test_setting_precedence(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, layers: set[str], size: int, region: str
) -> None:
    """min_part_size and region resolve marker > CLI > env > ini > default (STYLE: plugin; README)."""
    if "ini" in layers:
        pytester.makeini("[pytest]\ns3mpu_min_part_size = 2048\ns3mpu_region = eu-west-1\n")
    if "env" in layers:
        monkeypatch.setenv("PYTEST_S3MPU_MIN_PART_SIZE", "3KiB")
        monkeypatch.setenv("PYTEST_S3MPU_REGION", "eu-west-2")
    marker = '@pytest.mark.s3mpu(min_part_size=1024, region="ap-south-1")' if "marker" in layers else ""
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import pytest

            {marker}
            def test_settings(s3mpu):
                assert s3mpu.min_part_size == {size}
                assert s3mpu.store.limits.min_part_size == {size}
                assert s3mpu.region == {region!r}
            """
        )
    )
    args = ["--s3mpu-min-part-size=4096", "--s3mpu-region=eu-west-3"] if "cli" in layers else []
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=1)
    # The header shows the session's value: the marker is per test, so the header is the CLI's value then.
    session_size = 4096 if "marker" in layers else size
    result.stdout.fnmatch_lines(
        [f"s3mpu: in-memory S3 on 127.0.0.1:<free port>, min part size {session_size} bytes"]
    )


def test_marker_applies_to_one_test_only(pytester: pytest.Pytester) -> None:
    """A marker's settings hold for its own test; the next test is back at the session's value."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.s3mpu(min_part_size="2KiB", region="eu-central-1")
        def test_marked(s3mpu):
            assert (s3mpu.min_part_size, s3mpu.region) == (2048, "eu-central-1")

        def test_unmarked(s3mpu):
            assert (s3mpu.min_part_size, s3mpu.region) == (5 * 1024 * 1024, "us-east-1")
        """
    )
    pytester.runpytest("-p", "no:randomly", "--strict-markers").assert_outcomes(passed=2)


def test_marker_min_part_size_is_what_complete_enforces(pytester: pytest.Pytester) -> None:
    """The marker's min_part_size is the limit CompleteMultipartUpload checks: a 1000-byte non-last part
    fails with 400 EntityTooSmall, MinSizeAllowed 1024 (spec §5.1 step 9c, §11); 1024 bytes pass."""
    pytester.makepyfile(
        """
        import hashlib

        import pytest
        from botocore.exceptions import ClientError

        def complete(client, sizes):
            upload_id = client.create_multipart_upload(Bucket="small-parts", Key="k")["UploadId"]
            parts = []
            for number, size in enumerate(sizes, start=1):
                reply = client.upload_part(
                    Bucket="small-parts", Key="k", UploadId=upload_id, PartNumber=number, Body=b"a" * size
                )
                parts.append({"PartNumber": number, "ETag": reply["ETag"]})
            return client.complete_multipart_upload(
                Bucket="small-parts", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
            )

        @pytest.mark.s3mpu(min_part_size=1024)
        def test_limit(s3mpu_client):
            s3mpu_client.create_bucket(Bucket="small-parts")
            with pytest.raises(ClientError) as caught:
                complete(s3mpu_client, [1000, 10])
            error = caught.value.response["Error"]
            assert error["Code"] == "EntityTooSmall"
            assert error["MinSizeAllowed"] == "1024"
            assert error["ProposedSize"] == "1000"
            assert error["ETag"] == hashlib.md5(b"a" * 1000).hexdigest()
            assert complete(s3mpu_client, [1024, 10])["ETag"].endswith('-2"')
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_port_option_binds_that_port(pytester: pytest.Pytester) -> None:
    """--s3mpu-port binds the server to that port; the header shows it (README: options)."""
    port = _free_port()
    pytester.makepyfile(
        f"""
        def test_port(s3mpu, s3mpu_server):
            assert s3mpu_server.port == {port}
            assert s3mpu.endpoint_url == "http://127.0.0.1:{port}"
        """
    )
    result = pytester.runpytest(f"--s3mpu-port={port}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"s3mpu: in-memory S3 on 127.0.0.1:{port}, min part size 5242880 bytes"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            "cli",
            "ERROR: invalid min_part_size 'lots' from option --s3mpu-min-part-size: not a byte count: 'lots' "
            "(accepted: a whole number of bytes, or a number with a unit: KB, MB, GB, TB (powers of 1000) or "
            "KiB, MiB, GiB, TiB (powers of 1024), e.g. 5MiB, 1.5GiB, 64KB)",
            id="cli",
        ),
        pytest.param(
            "env",
            "ERROR: invalid min_part_size '-5' from environment variable PYTEST_S3MPU_MIN_PART_SIZE: "
            "not a byte count: '-5' (accepted: *)",
            id="env",
        ),
        pytest.param(
            "ini",
            "ERROR: invalid port '70000' from ini key s3mpu_port: not a port: '70000' (0 to 65535; 0 picks a "
            "free one)",
            id="ini",
        ),
        pytest.param("region", "ERROR: invalid region ' ' from option --s3mpu-region: empty", id="region"),
    ],
)
def test_bad_value_is_a_usage_error_naming_its_source(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str, message: str
) -> None:
    """A bad option, env or ini value stops the run with a usage error (exit 4) that names the setting and
    where the value came from (pytest-timeout's habit), also under -q, before any test runs."""
    args = ["-q"]
    if source == "cli":
        args.append("--s3mpu-min-part-size=lots")
    elif source == "env":
        monkeypatch.setenv("PYTEST_S3MPU_MIN_PART_SIZE", "-5")
    elif source == "ini":
        pytester.makeini("[pytest]\ns3mpu_port = 70000\n")
    else:
        args.append("--s3mpu-region= ")
    pytester.makepyfile("def test_never_runs(s3mpu):\n    raise AssertionError('must not run')\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_bad_marker_values_error_their_test(pytester: pytest.Pytester) -> None:
    """A bad marker value, an unknown marker keyword, or host/port in the marker (they belong to the
    session's server) error that test with a message naming the marker; other tests still run."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.s3mpu(min_part_size="lots")
        def test_bad_size(s3mpu):
            pass

        @pytest.mark.s3mpu(port=9000)
        def test_port_in_marker(s3mpu):
            pass

        @pytest.mark.s3mpu(host="0.0.0.0")
        def test_host_in_marker(s3mpu):
            pass

        @pytest.mark.s3mpu(min_partsize=1024)
        def test_typo(s3mpu):
            pass

        def test_fine(s3mpu):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=4)
    result.stdout.fnmatch_lines(
        [
            "*UsageError: invalid min_part_size 'lots' from the s3mpu marker: not a byte count: 'lots' (acc*",
            "*UsageError: port cannot be set by the s3mpu marker: it belongs to the session's server",
            "*UsageError: host cannot be set by the s3mpu marker: it belongs to the session's server",
            "*UsageError: unknown setting 'min_partsize' in the s3mpu marker (allowed: min_part_size, region, storage, object_ownership, account_id, seed, auth, credentials, leaks, tls)",  # noqa: E501
        ]
    )


# -- help and header ----------------------------------------------------------------------------------


def test_help_documents_options_ini_keys_and_marker(pytester: pytest.Pytester) -> None:
    """``pytest --help`` lists every --s3mpu-* option and s3mpu_* ini key; ``--markers`` the marker."""
    result = pytester.runpytest("--help")
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    assert "in-memory S3 with multipart uploads (pytest-s3mpu):" in out
    for name in ("min-part-size", "region", "host", "port", "leaks"):
        assert f"--s3mpu-{name}=" in out
        ini = f"s3mpu_{name.replace('-', '_')}"
        assert f"  {ini} (string):" in out
        assert f"PYTEST_S3MPU_{name.replace('-', '_').upper()}" in out
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.s3mpu(min_part_size=N, region=NAME, leaks=off|warn|fail): *"])


def test_report_header(pytester: pytest.Pytester) -> None:
    """The session header names the endpoint and the minimum part size (STYLE: pytest_report_header)."""
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["s3mpu: in-memory S3 on 127.0.0.1:<free port>, min part size 5242880 bytes"])


# -- xdist and entry point (subprocess) ---------------------------------------------------------------

XDIST_TESTS = """
    import json
    import os
    from pathlib import Path

    import pytest

    OUT = Path(os.environ["S3MPU_TEST_OUT"])

    @pytest.mark.parametrize("n", range(4))
    def test_same_bucket(s3mpu, s3mpu_client, s3mpu_server, request, n):
        s3mpu_client.create_bucket(Bucket="shared-name")
        assert s3mpu.buckets() == ["shared-name"]
        worker = request.config.workerinput["workerid"]
        (OUT / f"{n}.json").write_text(json.dumps([worker, s3mpu_server.port]))
"""


def _worker_ports(out: Path) -> dict[str, set[int]]:
    import json

    seen: dict[str, set[int]] = {}
    for path in out.glob("*.json"):
        worker, port = json.loads(path.read_text())
        seen.setdefault(worker, set()).add(port)
    return seen


def test_xdist_each_worker_has_its_own_server(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Under pytest-xdist -n 2 every worker starts its own server on its own free port, so four tests
    creating the same bucket name all pass (STYLE: one server per session, per xdist worker)."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("S3MPU_TEST_OUT", str(out))
    pytester.makepyfile(textwrap.dedent(XDIST_TESTS))
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=4)
    seen = _worker_ports(out)
    assert sorted(seen) == ["gw0", "gw1"]
    assert all(len(ports) == 1 for ports in seen.values())
    assert seen["gw0"] != seen["gw1"]


def test_xdist_fixed_port_is_offset_per_worker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With --s3mpu-port=P under xdist, worker gwN binds P+N, so workers never fight over one port
    (the option's documented behaviour)."""
    port = _free_port(consecutive=2)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("S3MPU_TEST_OUT", str(out))
    pytester.makepyfile(textwrap.dedent(XDIST_TESTS))
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly", f"--s3mpu-port={port}", timeout=60)
    result.assert_outcomes(passed=4)
    assert _worker_ports(out) == {"gw0": {port}, "gw1": {port + 1}}


def test_entry_point_loads_plugin_without_conftest(pytester: pytest.Pytester) -> None:
    """A fresh pytest process, with no conftest and no ``-p``, has the fixtures: the ``pytest11`` entry point
    named ``s3mpu`` registers ``pytest_s3mpu.plugin`` under its module name; ``-p no:s3mpu`` turns it off."""
    pytester.makepyfile(
        """
        def test_fixtures_available(request, s3mpu, s3mpu_client, s3mpu_env, s3mpu_server):
            plugin = request.config.pluginmanager.get_plugin("pytest_s3mpu.plugin")
            assert plugin is not None and plugin.__name__ == "pytest_s3mpu.plugin"
            s3mpu_client.create_bucket(Bucket="entry-point")
            assert s3mpu.buckets() == ["entry-point"]
        """
    )
    assert not list(pytester.path.glob("conftest.py"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=60)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["s3mpu: in-memory S3 on 127.0.0.1:<free port>, min part size 5242880 bytes"])
    disabled = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:s3mpu", timeout=60)
    disabled.assert_outcomes(errors=1)
    disabled.stdout.fnmatch_lines(["*fixture 's3mpu' not found*"])


@pytest.mark.parametrize("source", ["cli", "env", "ini"])
def test_object_ownership_setting_reaches_new_buckets(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """object_ownership from the option, environment or ini: buckets made without x-amz-object-ownership
    get it (README "Settings"); the marker overrides it per test; a bad value is a usage error."""
    args: list[str] = []
    if source == "cli":
        args.append("--s3mpu-object-ownership=ObjectWriter")
    elif source == "env":
        monkeypatch.setenv("PYTEST_S3MPU_OBJECT_OWNERSHIP", "ObjectWriter")
    else:
        pytester.makeini("[pytest]\ns3mpu_object_ownership = ObjectWriter\n")
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            def rules(client):
                return client.get_bucket_ownership_controls(Bucket="bucket")["OwnershipControls"]["Rules"]

            def test_setting(s3mpu, s3mpu_client):
                s3mpu_client.create_bucket(Bucket="bucket", ACL="public-read")
                assert rules(s3mpu_client) == [{"ObjectOwnership": "ObjectWriter"}]

            @pytest.mark.s3mpu(object_ownership="BucketOwnerEnforced")
            def test_marker(s3mpu, s3mpu_client):
                s3mpu_client.create_bucket(Bucket="bucket")
                assert rules(s3mpu_client) == [{"ObjectOwnership": "BucketOwnerEnforced"}]
            """
        )
    )
    pytester.runpytest(*args).assert_outcomes(passed=2)
    bad = pytester.runpytest("-q", "--s3mpu-object-ownership=Everyone")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(
        ["ERROR: invalid object_ownership 'Everyone' from option --s3mpu-object-ownership: *"]
    )


def test_pytest_plugins_line_in_a_conftest_is_harmless(pytester: pytest.Pytester) -> None:
    """``pytest_plugins = ["pytest_s3mpu.plugin"]`` in a conftest (the usual explicit way) runs the suite
    with the plugin loaded once, beside the entry point, instead of "Plugin already registered" (issue 19,
    silent misbehaviour 4); the marker is declared once."""
    pytester.makeconftest('pytest_plugins = ["pytest_s3mpu.plugin"]\n')
    pytester.makepyfile(
        """
        def test_once(request, s3mpu_client):
            s3mpu_client.create_bucket(Bucket="explicit")
            manager = request.config.pluginmanager
            ours = [p for p in manager.get_plugins() if getattr(p, "__name__", "") == "pytest_s3mpu.plugin"]
            assert len(ours) == 1
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", timeout=60)
    result.assert_outcomes(passed=1)


# -- marker arguments ---------------------------------------------------------------------------------


def test_positional_marker_arguments_are_a_usage_error(pytester: pytest.Pytester) -> None:
    """``@pytest.mark.s3mpu(1024)`` and ``@pytest.mark.s3mpu_fault("UploadPart", ...)`` error their test
    with a message saying the marker takes keywords, instead of running with the default minimum part size
    or a rule that fires on any request (issue 19, silent misbehaviour 1)."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.s3mpu(1024)
        def test_positional_size(s3mpu):
            raise AssertionError("must not run")

        @pytest.mark.s3mpu_fault("UploadPart", preset="SlowDown")
        def test_positional_fault(s3mpu_client):
            raise AssertionError("must not run")

        def test_fine(s3mpu):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*UsageError: the s3mpu marker takes keyword arguments only, as in "
            "@pytest.mark.s3mpu(min_part_size=1024); positional 1024 would be ignored",
            "*UsageError: the s3mpu_fault marker takes keyword arguments only, as in "
            '@pytest.mark.s3mpu_fault(operation="UploadPart", ...); '
            "positional 'UploadPart' would be ignored",
        ]
    )


# -- busy port ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "origin"),
    [
        ("cli", "option --s3mpu-port"),
        ("env", "environment variable PYTEST_S3MPU_PORT"),
        ("ini", "ini key s3mpu_port"),
    ],
)
def test_busy_port_is_one_usage_error_naming_the_setting(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str, origin: str
) -> None:
    """A port another socket holds stops the run once, with exit 4 and one line naming host, port, the
    setting and where its value came from: no test runs, no traceback per test (issue 12 item 5)."""
    with closing(socket.socket()) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        args = ["-p", "no:randomly"]
        if source == "cli":
            args.append(f"--s3mpu-port={port}")
        elif source == "env":
            monkeypatch.setenv("PYTEST_S3MPU_PORT", str(port))
        else:
            pytester.makeini(f"[pytest]\ns3mpu_port = {port}\n")
        pytester.makepyfile(
            """
            import pytest

            @pytest.mark.parametrize("n", range(3))
            def test_never_runs(s3mpu, n):
                raise AssertionError("must not run")
            """
        )
        result = pytester.runpytest_subprocess(*args, timeout=60)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    expected = (
        f"s3mpu: cannot serve S3 on 127.0.0.1:{port}: the port is already in use (the port comes from "
        f"{origin}; choose another, or 0 for a free one)"
    )
    assert output.count(expected) == 1, output
    assert "Traceback" not in output and "must not run" not in output
    result.assert_outcomes()


def test_busy_port_under_xdist_stops_the_run_once(pytester: pytest.Pytester) -> None:
    """Under xdist the worker whose port is taken stops the whole run with the same one line (not an
    INTERNALERROR, not an error per test), naming the worker's offset from the setting."""
    base = _free_port(consecutive=2)
    with closing(socket.socket()) as holder:
        holder.bind(("127.0.0.1", base + 1))  # gw1's port
        holder.listen()
        pytester.makepyfile(
            """
            import pytest

            @pytest.mark.parametrize("n", range(4))
            def test_maybe(s3mpu, n):
                pass
            """
        )
        result = pytester.runpytest_subprocess(
            "-n", "2", "-p", "no:randomly", f"--s3mpu-port={base}", timeout=60
        )
    output = result.stdout.str() + result.stderr.str()
    assert result.ret != pytest.ExitCode.OK
    assert "INTERNALERROR" not in output and "Traceback" not in output
    expected = (
        f"s3mpu: cannot serve S3 on 127.0.0.1:{base + 1}: the port is already in use (the port comes from "
        "option --s3mpu-port, plus 1 for xdist worker gw1; choose another, or 0 for a free one)"
    )
    assert output.count(expected) == 1, output
