"""Root conftest: the plugin itself is loaded through its pytest11 entry point (the package is installed),
so the tests exercise it exactly as a user's suite does. Shared helpers for the tests live here."""

from __future__ import annotations

import os
import ssl
import subprocess
from pathlib import Path

import pytest

MIB = 1024 * 1024


@pytest.fixture
def random_bytes():
    """Incompressible test data of a given size (os.urandom), so byte-exact checks mean something."""
    return os.urandom


@pytest.fixture
def self_signed_tls(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A throwaway self-signed certificate for 127.0.0.1 (openssl), and the server-side context for it.
    Clients trust exactly this certificate (pass the path as ``verify=``)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context
