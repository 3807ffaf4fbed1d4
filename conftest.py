"""Root conftest: the plugin itself is loaded through its pytest11 entry point (the package is installed),
so the tests exercise it exactly as a user's suite does. Shared helpers for the tests live here."""

from __future__ import annotations

import os

import pytest

MIB = 1024 * 1024


@pytest.fixture
def random_bytes():
    """Incompressible test data of a given size (os.urandom), so byte-exact checks mean something."""
    return os.urandom
