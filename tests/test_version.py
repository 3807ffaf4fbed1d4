"""The version is written once (``pytest_s3mpu.__version__``) and the installed distribution reports it."""

from __future__ import annotations

import importlib.metadata

from packaging.version import Version

import pytest_s3mpu


def test_version_is_the_installed_distributions():
    """pyproject.toml reads the version from ``__version__`` (setuptools ``attr:``), so the metadata pip
    recorded at install time must say the same; a mismatch means the install is stale (re-run pip install)."""
    assert pytest_s3mpu.__version__ == importlib.metadata.version("pytest-s3mpu")


def test_version_is_a_normalised_pep_440_version():
    """Build tools normalise the version in file names and metadata; written normalised, the source, the
    wheel's name and ``s3mpu --version`` all print the same text."""
    assert str(Version(pytest_s3mpu.__version__)) == pytest_s3mpu.__version__
