"""Fixtures of the interop matrix: the client runtimes that live outside the main virtual environment
(scripts/interop-setup.sh installs them). A missing runtime skips its tests with a reason naming the
setup script; nothing is skipped silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from interop_support import BUCKET, INTEROP, SETUP


@pytest.fixture
def bucket(s3mpu) -> str:
    """The bucket every interop test works in (created in the store, no HTTP)."""
    return s3mpu.create_bucket(BUCKET)


@pytest.fixture(scope="session")
def side_python() -> Path:
    """The side venv's python (aiobotocore, s3fs)."""
    python = INTEROP / "venv" / "bin" / "python"
    if not python.is_file():
        pytest.skip(f"aiobotocore/s3fs side venv missing ({python}): run `bash {SETUP}`")
    return python


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The AWS SDK for JavaScript v3 installed by the setup script, and node to run it."""
    modules = INTEROP / "js" / "node_modules"
    if shutil.which("node") is None:
        pytest.skip(f"node not found: install Node.js, then run `bash {SETUP}`")
    if not (modules / "@aws-sdk" / "lib-storage").is_dir():
        pytest.skip(f"AWS SDK for JavaScript missing ({modules}): run `bash {SETUP}`")
    return modules


@pytest.fixture(scope="session")
def rclone() -> str:
    """The rclone binary (Debian's package)."""
    path = shutil.which("rclone")
    if path is None:
        pytest.skip(f"rclone not installed: run `bash {SETUP}` as root (apt-get install rclone)")
    return path
