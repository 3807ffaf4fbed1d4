"""Every supported Python runs a representative part of the suite (nox, one session per interpreter).

    nox                       # all four
    nox -s tests -p 3.12      # one of them

CI (.ci/run) runs the interpreters other than its own; its own runs the whole suite. An interpreter that
cannot be found is an error, never a skip: the supported versions are a promise, checked on every run.
pyenv's installs (``$PYENV_ROOT/versions/X.Y.*``) are found even when they are not the active version.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nox

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 runs nox with tomli, a dependency of nox there
    import tomli as tomllib

# Keep in step with requires-python and the classifiers in pyproject.toml.
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

# The state machine, the protocol layer, boto3 through the real server, and the plugin as a user's suite
# loads it (fixtures, settings, markers, the entry point without a conftest, pytest_plugins): the parts where
# an interpreter's differences would show. Each test_plugin test runs an inner pytest (seconds each on a
# loaded 2-core machine), so only these six run here; CI's own Python runs all of them.
REPRESENTATIVE = [
    "tests/test_store.py",
    "tests/test_protocol.py",
    "tests/test_boto3_e2e.py",
    "tests/test_smoke.py",
    "tests/test_version.py",
    *(
        f"tests/test_plugin.py::{name}"
        for name in [
            "test_fixtures_reach_the_same_in_memory_s3",
            "test_server_is_session_scoped_and_state_is_reset",
            "test_setting_precedence",
            "test_marker_min_part_size_is_what_complete_enforces",
            "test_entry_point_loads_plugin_without_conftest",
            "test_pytest_plugins_line_in_a_conftest_is_harmless",
        ]
    ),
]

# What those tests import, with the test extra's pins (read from pyproject.toml, so they are written once);
# the interop clients, moto and the AWS CLI of the full extra would double each session's install time.
NEEDED = {"boto3", "botocore", "pytest-xdist", "hypothesis"}

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True
nox.options.download_python = "never"  # the interpreters under test are the machine's own; no network
nox.options.default_venv_backend = "venv"


def _pyenv_bin_dirs() -> list[str]:
    """The bin folders of pyenv's installs of the supported versions, newest patch release first."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found = []
    for version in PYTHONS:
        candidates = sorted(
            root.glob(f"{version}.*"),
            key=lambda path: [int(part) for part in path.name.split(".") if part.isdigit()],
            reverse=True,
        )
        found += [
            str(path / "bin") for path in candidates[:1] if (path / "bin" / f"python{version}").exists()
        ]
    return found


# nox looks each interpreter up as pythonX.Y on PATH; pyenv's shims answer only for the active versions.
os.environ["PATH"] = os.pathsep.join([*_pyenv_bin_dirs(), os.environ.get("PATH", "")])


def _test_requirements() -> list[str]:
    """The test extra's requirements for the NEEDED distributions, exactly as pyproject.toml pins them."""
    with open(Path(__file__).parent / "pyproject.toml", "rb") as file:
        extra = tomllib.load(file)["project"]["optional-dependencies"]["test"]
    chosen = [line for line in extra if re.split(r"[\s\[=<>!~;]", line, maxsplit=1)[0] in NEEDED]
    if len(chosen) != len(NEEDED):
        raise RuntimeError(f"pyproject.toml's test extra no longer names all of {sorted(NEEDED)}: {extra}")
    return chosen


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Install the package (not editable) with the tests' requirements and run the representative tests."""
    session.install(".", *_test_requirements())
    args = session.posargs or [*REPRESENTATIVE, "-n", "2", "-q"]
    session.run("python", "-m", "pytest", *args)
