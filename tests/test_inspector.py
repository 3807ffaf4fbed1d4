"""The inspector (#20): its JSON endpoint, its page as served, the static snapshot (journal.html), the
store's bounded record of closed uploads, and the plugin's URL in failure reports and pause_on_failure.

What the JSON says is checked against what the clients were told (ETags, sizes) and what the journal and
fault rules hold; the browser's view of it is in test_inspector_browser.py.
"""

from __future__ import annotations

import http.client
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from pytest_s3mpu import settings
from pytest_s3mpu.__main__ import SERVER_SETTINGS
from pytest_s3mpu.app.inspector import calls
from pytest_s3mpu.harness.journal import Journal, JournalEntry
from pytest_s3mpu.plugin import pause_refusal
from pytest_s3mpu.state.model import ObjectMeta
from pytest_s3mpu.state.store import Store
from pytest_s3mpu.state.upload_records import CLOSED_KEPT

PART = 1024


def _get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _inspection(s3mpu: Any) -> dict[str, Any]:
    status, headers, body = _get(s3mpu.endpoint_url, "/_s3mpu/inspector.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    data: dict[str, Any] = json.loads(body)
    return data


@pytest.mark.s3mpu(min_part_size=PART)
def test_json_endpoint_shows_uploads_parts_faults_and_retries(s3mpu, s3mpu_client):
    """One completed upload whose part 2 met a SlowDown (boto3 retried it under the same invocation id),
    one aborted, one open with a gap: the JSON shows each with its parts' sizes and the ETags the client
    got, the rule with its hit, and part 2's two attempts as one call. [AWS: Retry behavior, the SDK's
    amz-sdk-invocation-id / amz-sdk-request headers; README: fault schema]"""
    rule = s3mpu.faults.add(operation="UploadPart", part_number=2, preset="SlowDown", retry_after=0)
    client = s3mpu.client(retries={"max_attempts": 3, "mode": "standard"})
    client.create_bucket(Bucket="bkt")
    done = client.create_multipart_upload(Bucket="bkt", Key="done")["UploadId"]
    sizes = {1: PART, 2: PART + 7, 3: 5}
    etags = {
        n: client.upload_part(Bucket="bkt", Key="done", UploadId=done, PartNumber=n, Body=b"d" * size)["ETag"]
        for n, size in sizes.items()
    }
    client.complete_multipart_upload(
        Bucket="bkt",
        Key="done",
        UploadId=done,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sizes]},
    )
    aborted = client.create_multipart_upload(Bucket="bkt", Key="gone")["UploadId"]
    client.abort_multipart_upload(Bucket="bkt", Key="gone", UploadId=aborted)
    open_id = client.create_multipart_upload(Bucket="bkt", Key="open")["UploadId"]
    for n in (1, 3):
        client.upload_part(Bucket="bkt", Key="open", UploadId=open_id, PartNumber=n, Body=b"o" * (PART // 2))

    data = _inspection(s3mpu)

    assert data["min_part_size"] == PART
    uploads = {u["upload_id"]: u for u in data["uploads"]}
    assert [u["state"] for u in data["uploads"]] == ["open", "completed", "aborted"]
    assert [p["number"] for p in uploads[open_id]["parts"]] == [1, 3]
    completed = uploads[done]["parts"]
    assert {p["number"]: p["size"] for p in completed} == sizes
    assert {p["number"]: f'"{p["etag"]}"' for p in completed} == etags
    assert uploads[done]["closed"] is not None and uploads[aborted]["parts"] == []

    [shown_rule] = data["faults"]
    assert shown_rule["id"] == rule.id and shown_rule["hits"] == 1 == rule.hits

    part_calls = [c for c in data["calls"] if c["operation"] == "UploadPart" and c["part_number"] == 2]
    assert len(part_calls) == 1
    attempts = part_calls[0]["attempts"]
    assert [(a["attempt"], a["status"], a["error_code"], a["fault"]) for a in attempts] == [
        (1, 503, "SlowDown", rule.id),
        (2, 200, None, None),
    ]
    assert len({a["invocation_id"] for a in attempts}) == 1
    assert data["journal_count"] == len(s3mpu.journal) == sum(len(c["attempts"]) for c in data["calls"])

    [bucket] = data["buckets"]
    [obj] = bucket["objects"]
    stored = s3mpu.objects("bkt")["done"]
    assert (obj["key"], obj["size"], obj["etag"], obj["parts"]) == ("done", PART * 2 + 12, stored.etag, 3)
    expected_type = stored.checksum.type.value if stored.checksum else None
    assert obj["checksum_type"] == expected_type


def test_calls_group_retries_by_invocation_and_keep_unmarked_requests_apart():
    """Entries of one invocation id are one call's attempts, in order; entries without one stay single."""

    def entry(seq: int, invocation: str | None, attempt: int | None) -> JournalEntry:
        return JournalEntry(
            seq, 0.0, "PutObject", "b", "k", None, None, 200, None, 0, 0, 1.0, None, attempt, invocation
        )

    grouped = calls(
        [entry(1, "a", 1), entry(2, None, None), entry(3, "b", 1), entry(4, "a", 2), entry(5, None, None)]
    )

    assert [[e["seq"] for e in c["attempts"]] for c in grouped] == [[1, 4], [2], [3], [5]]


def test_journal_newest_gives_the_last_entries_in_order():
    """The page asks only for the newest entries (JOURNAL_SHOWN): the last ``count``, oldest first."""
    journal = Journal()
    for _ in range(5):
        seq = journal.next_seq()
        journal.record(
            JournalEntry(seq, 0.0, "GetObject", "b", "k", None, None, 200, None, 0, 0, 1.0, None, 1, None)
        )
    assert [e.seq for e in journal.newest(2)] == [4, 5]
    assert [e.seq for e in journal.newest(10)] == [1, 2, 3, 4, 5]


def test_page_is_served_same_origin_with_a_strict_policy(s3mpu):
    """GET /_s3mpu/ answers the page: HTML whose only script and style are its own (by hash), talking to
    its own origin only, no external URL in it; the control API's Host check applies to it too."""
    status, headers, body = _get(s3mpu.endpoint_url, "/_s3mpu/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    page = body.decode()
    assert "/_s3mpu/inspector.json" in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page)
    refused, _, _ = _get(s3mpu.endpoint_url, "/_s3mpu/", headers={"Host": "evil.example"})
    assert refused == 400


@pytest.mark.s3mpu(min_part_size=PART)
def test_journal_html_is_a_self_contained_snapshot(s3mpu, s3mpu_client, tmp_path):
    """journal.html(path) writes the page with the data in it: no request, no external URL, and a key
    that tries to close the data element stays inside it."""
    hostile = "</script><script>alert(1)</script>"
    s3mpu_client.create_bucket(Bucket="bkt")
    s3mpu_client.put_object(Bucket="bkt", Key=hostile, Body=b"x")

    written = s3mpu.journal.html(tmp_path / "inspector.html")

    page = written.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "connect-src 'none'" in page
    data_text = re.search(r'<script type="application/json" id="s3mpu-data">(.*?)</script>', page, re.S)
    assert data_text is not None
    data = json.loads(data_text.group(1))
    assert [o["key"] for o in data["buckets"][0]["objects"]] == [hostile]
    assert hostile not in page  # only its escaped form is there


def test_journal_html_needs_an_app():
    """A journal no app records into has no page to write: it says so instead of writing an empty one."""
    with pytest.raises(RuntimeError, match="not attached"):
        Journal().html("never-written.html")


def test_closed_uploads_are_kept_bounded_and_forgotten_at_reset():
    """The store remembers only the newest CLOSED_KEPT completed or aborted uploads, and none after reset."""
    store = Store()
    store.create_bucket("bkt")
    ids = []
    for _ in range(CLOSED_KEPT + 5):
        upload_id = store.create_multipart_upload("bkt", "k", ObjectMeta()).upload_id
        store.abort_multipart_upload("bkt", "k", upload_id)
        ids.append(upload_id)
    records = store.upload_records()
    assert [r.upload_id for r in records] == ids[-CLOSED_KEPT:]
    assert {r.state for r in records} == {"aborted"}
    store.reset()
    assert store.upload_records() == []


def test_pause_refused_without_a_terminal_or_in_ci():
    """Only a person at a terminal can press Enter: no pause in CI, under xdist, or from a pipe."""

    class Tty:
        def isatty(self) -> bool:
            return True

    class Pipe:
        def isatty(self) -> bool:
            return False

    assert pause_refusal(Tty(), {}) is None
    assert pause_refusal(Tty(), {"CI": "true"}) == "CI is set"
    assert pause_refusal(Tty(), {"PYTEST_XDIST_WORKER": "gw0"}) is not None
    assert pause_refusal(Pipe(), {}) == "stdin is not a terminal"
    assert pause_refusal(None, {}) == "stdin is not a terminal"


def test_failure_report_names_the_inspector_and_pause_does_not_block_without_a_terminal(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing test's report carries the inspector URL beside the journal; with pause_on_failure and
    stdin not a terminal (a subprocess whose stdin is closed), the run goes on and says why it did not
    pause."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    pytester.makepyfile(
        """
        def test_fails(s3mpu, s3mpu_client):
            s3mpu_client.create_bucket(Bucket="kept")
            assert False, "on purpose"

        def test_after(s3mpu):
            assert s3mpu.buckets() == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--s3mpu-pause-on-failure", timeout=120)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.re_match_lines([r".*s3mpu inspector.*", r"http://127\.0\.0\.1:\d+/_s3mpu/ .*"])
    result.stderr.re_match_lines([r".*not pausing, stdin is not a terminal.*"])


def _read_until(fd: int, pattern: str, seen: bytearray, deadline: float) -> re.Match[str]:
    """Read a pseudo-terminal until ``pattern`` matches what it printed (bounded by ``deadline``)."""
    while time.monotonic() < deadline:
        found = re.search(pattern, seen.decode(errors="replace"))
        if found:
            return found
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    raise AssertionError(f"never printed {pattern!r}; printed:\n{seen.decode(errors='replace')}")


def test_pause_on_failure_at_a_terminal_keeps_the_state_until_enter(pytester: pytest.Pytester) -> None:
    """At a terminal, the failed test waits: meanwhile its server answers the inspector with the failed
    test's bucket still there; Enter lets the run go on to the next test, which starts empty."""
    pytester.makepyfile(
        """
        def test_fails(s3mpu, s3mpu_client):
            s3mpu_client.create_bucket(Bucket="kept")
            assert False, "on purpose"

        def test_after(s3mpu):
            assert s3mpu.buckets() == []
        """
    )
    environ = {
        k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")
    }
    main, terminal = pty.openpty()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "--s3mpu-pause-on-failure",
        ],
        cwd=pytester.path,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=environ,
        start_new_session=True,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        deadline = time.monotonic() + 120
        found = _read_until(main, r"inspector: (http://127\.0\.0\.1:\d+)/_s3mpu/", seen, deadline)
        _read_until(main, r"press Enter", seen, deadline)
        status, _, body = _get(found.group(1), "/_s3mpu/inspector.json")
        assert status == 200
        assert [b["name"] for b in json.loads(body)["buckets"]] == ["kept"]
        assert child.poll() is None  # still waiting
        os.write(main, b"\n")
        _read_until(main, r"1 failed, 1 passed", seen, deadline)
        assert child.wait(timeout=60) == 1
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        os.close(main)


def test_pause_on_failure_setting_reads_true_and_false_and_refuses_the_rest():
    """Off by default; the flag or an env/ini value of true/false turns it on or off; anything else is
    refused naming its source (the settings table's habit)."""

    def resolve(cli: str | None = None, env: str | None = None) -> bool:
        environ = {} if env is None else {settings.PAUSE_ON_FAILURE.env: env}
        sources = settings.Sources(marker={}, cli={"pause_on_failure": cli}, env=environ, ini={})
        return settings.resolve(settings.PAUSE_ON_FAILURE, sources)

    assert resolve() is False
    assert resolve(cli="true") is True
    assert resolve(env="yes") is True and resolve(env="0") is False
    with pytest.raises(settings.SettingError, match="PYTEST_S3MPU_PAUSE_ON_FAILURE"):
        resolve(env="maybe")
    assert settings.PAUSE_ON_FAILURE not in SERVER_SETTINGS  # the standalone server has no test to pause


def test_json_types_a_lifecycle_action_by_its_lifecycle_field(s3mpu, s3mpu_client):
    """What the page's timeline reads: a lifecycle action is an attempt with no status (no request made
    it) and a ``lifecycle`` naming the action and its rule, which the page shows as "lifecycle", not as a
    connection a fault dropped (status null, no lifecycle). [AWS user guide "Expiring objects"; README:
    the journal]"""
    rule = {"ID": "expire-all", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}
    s3mpu_client.create_bucket(Bucket="bkt")
    s3mpu_client.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [rule]})
    s3mpu_client.put_object(Bucket="bkt", Key="old", Body=b"1")
    s3mpu.clock.advance(days=3)  # the next request applies what is due
    s3mpu_client.list_objects_v2(Bucket="bkt")
    (call,) = [c for c in _inspection(s3mpu)["calls"] if c["operation"] == "Lifecycle:Expiration"]
    (attempt,) = call["attempts"]
    assert (call["bucket"], call["key"], attempt["status"], attempt["attempt"]) == ("bkt", "old", None, None)
    assert attempt["lifecycle"] == "Expiration rule=expire-all"


@pytest.mark.s3mpu(min_part_size=PART)
def test_inspector_objects_are_the_state_endpoints_objects_in_part(s3mpu, s3mpu_client):
    """``GET /_s3mpu/inspector.json`` builds its buckets on the snapshot ``GET /_s3mpu/state`` reads: the
    same buckets and keys, and each object's fields as the state shows them (times to the second, as S3
    reports them). [README: the control API and the inspector]"""
    s3mpu_client.create_bucket(Bucket="bkt")
    s3mpu_client.create_bucket(Bucket="empty")
    s3mpu_client.put_object(Bucket="bkt", Key="b", Body=b"x", ChecksumAlgorithm="CRC32")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="bkt", Key="a")["UploadId"]
    part = s3mpu_client.upload_part(Bucket="bkt", Key="a", UploadId=upload_id, PartNumber=1, Body=b"p")
    parts = {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    s3mpu_client.complete_multipart_upload(Bucket="bkt", Key="a", UploadId=upload_id, MultipartUpload=parts)
    status, _, body = _get(s3mpu.endpoint_url, "/_s3mpu/state")
    assert status == 200
    state = {b["name"]: b["objects"] for b in json.loads(body)["buckets"]}
    shown = {b["name"]: (b["object_count"], b["objects"]) for b in _inspection(s3mpu)["buckets"]}
    assert shown.keys() == state.keys() == {"bkt", "empty"}
    for name, objects in state.items():
        count, listed = shown[name]
        assert count == len(objects) == len(listed)
        for full, part in zip(objects, listed, strict=True):
            checksum = full["checksum"] or {}
            assert part == {
                "key": full["key"],
                "size": full["size"],
                "etag": full["etag"],
                "parts": full["parts_count"],
                "checksum_algorithm": checksum.get("algorithm"),
                "checksum_type": checksum.get("type"),
                "last_modified": full["last_modified"],
                "version_id": full["version_id"],
            }
    assert [o["parts"] for o in shown["bkt"][1]] == [1, None]
    assert shown["bkt"][1][1]["checksum_algorithm"] == "CRC32"
