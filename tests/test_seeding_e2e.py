"""Seed data (#19): buckets and objects every test starts with, from a folder or a dict, through the ini
setting, the ``s3mpu_seed`` marker (module-wide with ``pytestmark``), the handle, and the standalone
server's ``s3mpu --seed DIR``. The objects are read back over HTTP with boto3: their ETag is the MD5 of
the bytes, as S3 gives a single-part object
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html, "ETag")."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from test_faults_e2e import Standalone, _client_for

from pytest_s3mpu.s3server import S3Server
from pytest_s3mpu.seeding import SeedError, seed_store


def make_tree(root: Path) -> Path:
    """reports/2024/jan.csv, reports/readme.txt and empty-bucket/ (a bucket with no objects)."""
    (root / "reports" / "2024").mkdir(parents=True)
    (root / "reports" / "2024" / "jan.csv").write_bytes(b"a,b\n1,2\n")
    (root / "reports" / "readme.txt").write_text("hello")
    (root / "empty-bucket").mkdir()
    return root


def test_ini_seed_folder_seeds_every_test_afresh(pytester):
    """``s3mpu_seed`` in the ini file: every test starts with the folder's buckets and objects, and a test
    that deletes one does not take it from the next (the per-test reset, then the seed)."""
    make_tree(pytester.path / "s3data")
    pytester.makeini("[pytest]\ns3mpu_seed = s3data\n")
    pytester.makepyfile(
        """
        import hashlib

        def test_first_reads_and_deletes(s3mpu_client):
            body = s3mpu_client.get_object(Bucket="reports", Key="2024/jan.csv")["Body"].read()
            assert body == b"a,b\\n1,2\\n"
            head = s3mpu_client.head_object(Bucket="reports", Key="readme.txt")
            assert head["ETag"] == '"' + hashlib.md5(b"hello").hexdigest() + '"'
            s3mpu_client.delete_object(Bucket="reports", Key="readme.txt")

        def test_second_sees_it_again(s3mpu, s3mpu_client):
            assert s3mpu.buckets() == ["empty-bucket", "reports"]
            keys = [o["Key"] for o in s3mpu_client.list_objects_v2(Bucket="reports")["Contents"]]
            assert keys == ["2024/jan.csv", "readme.txt"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_seed_marker_dict_module_wide_and_per_test(pytester):
    """``pytestmark = pytest.mark.s3mpu_seed({...})`` seeds each test of the module; a test's own marker
    adds to it (outermost first, so the test's object wins on the same key)."""
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.s3mpu_seed({"fixtures": {"a.txt": "module", "b.bin": b"\\x00\\x01"}})

        def test_module_seed(s3mpu):
            assert s3mpu.object_bytes("fixtures", "a.txt") == b"module"
            assert s3mpu.object_bytes("fixtures", "b.bin") == b"\\x00\\x01"

        @pytest.mark.s3mpu_seed({"fixtures": {"a.txt": "test"}, "more": {"c": "c"}})
        def test_own_seed_on_top(s3mpu, s3mpu_client):
            assert s3mpu_client.get_object(Bucket="fixtures", Key="a.txt")["Body"].read() == b"test"
            assert s3mpu.buckets() == ["fixtures", "more"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('{"Bad_Bucket": {"k": "v"}}', "seed bucket 'Bad_Bucket'"),
        ('{"ok-bucket": {"": "v"}}', "S3 keys are 1 to 1024 bytes"),
        ('"no-such-folder"', "is not a folder"),
        ("", "takes one source"),
    ],
)
def test_bad_seed_is_a_usage_error(pytester, marker, message):
    """Seed data S3 would refuse (a bucket name with capitals and ``_``, an empty key), a missing folder
    or a marker without its source stops the run with a message naming it, instead of a test that fails
    on something else."""
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.s3mpu_seed({marker})
        def test_never_runs(s3mpu):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert message in result.stderr.str() + result.stdout.str()
    assert result.ret != 0


def test_stray_file_at_the_top_of_a_seed_folder_is_refused(tmp_path):
    """A file at the top of the folder belongs to no bucket: refused by name, and nothing is written."""
    make_tree(tmp_path)
    (tmp_path / "loose.txt").write_text("?")
    with S3Server() as server:
        with pytest.raises(SeedError, match=r"loose\.txt at its top belongs to no bucket"):
            seed_store(server.store, tmp_path)
        assert server.store.bucket_names() == []


def test_seed_without_pytest_then_read_over_http(tmp_path):
    """``seed_store`` on an ``S3Server`` used without pytest: boto3 reads what was seeded."""
    with S3Server() as server:
        seeded = seed_store(server.store, make_tree(tmp_path))
        assert seeded == {"empty-bucket": [], "reports": ["2024/jan.csv", "readme.txt"]}
        client = _client_for(server.endpoint_url)
        head = client.head_object(Bucket="reports", Key="2024/jan.csv")
        assert head["ETag"] == '"' + hashlib.md5(b"a,b\n1,2\n").hexdigest() + '"'
        assert head["ContentLength"] == 8


def test_standalone_seed_dir(tmp_path):
    """``s3mpu --seed DIR``: top-level folders are buckets, files objects; a client lists them at once."""
    server = Standalone("--seed", str(make_tree(tmp_path / "data")))
    try:
        client = _client_for(server.url)
        assert [b["Name"] for b in client.list_buckets()["Buckets"]] == ["empty-bucket", "reports"]
        listed = client.list_objects_v2(Bucket="reports")["Contents"]
        assert [(o["Key"], o["Size"]) for o in listed] == [("2024/jan.csv", 8), ("readme.txt", 5)]
    finally:
        assert server.stop() == 0


def test_standalone_seed_with_a_stray_file_exits_2(tmp_path):
    """A seed folder S3 cannot take stops the standalone server before it serves, exit 2 with the reason."""
    data = make_tree(tmp_path / "data")
    (data / "loose.txt").write_text("?")
    done = subprocess.run(
        [sys.executable, "-m", "pytest_s3mpu", "--port", "0", "--seed", str(data)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "belongs to no bucket" in done.stderr
