"""Build the package as a release would and use it as a user would (CI runs this; about a minute).

1. Build the sdist, and the wheel from that sdist (``python -m build``: a file the sdist forgets breaks the
   wheel), into a temporary folder,
   with build and twine in a throwaway virtual environment of their own (twine's readme renderer wants a
   docutils that the AWS CLI of the test extra refuses, so they stay out of the test environment).
2. ``twine check --strict`` both, and check what the sdist and the wheel hold: README, LICENSE, CHANGELOG,
   py.typed, the version from ``pytest_s3mpu.__version__``; nothing from local folders (.venv, .interop, ...).
3. Install the wheel (not editable) into a fresh virtual environment and, from a folder outside the
   repository, run a tiny test suite through the ``pytest11`` entry point (a boto3 multipart round trip with
   the ``s3mpu_client`` fixture, and the README's examples as printed), then ask the ``s3mpu`` console
   script its ``--version``, start it on a free port, ask it ``GET /_s3mpu/health`` and the inspector page
   ``GET /_s3mpu/``, and stop it.

Usage: python scripts/check_package.py [--keep]   (--keep leaves the temporary folder for a look)
"""

from __future__ import annotations

import argparse
import ast
import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = 300  # seconds for any one install or build (a loaded 2-core machine)
HEALTH_DEADLINE = 30.0  # seconds for the console script to answer its first health check

# Folders and files of a working tree that must never reach a distribution.
FORBIDDEN_PARTS = {
    ".venv",
    ".ci-venv",
    ".interop",
    ".peer",
    ".nox",
    ".git",
    "__pycache__",
    "bench",
    ".mypy_cache",
    "tests",
}
# The inspector page (GET /_s3mpu/): package data the server reads at run time, not Python modules.
INSPECTOR_PAGE = [f"pytest_s3mpu/app/inspector_page/inspector.{ext}" for ext in ("html", "css", "js")]
SDIST_REQUIRED = [
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    "pyproject.toml",
    "pytest_s3mpu/py.typed",
    *INSPECTOR_PAGE,
]

SMOKE_TEST = '''
"""A user's first test: the plugin comes from the installed wheel's pytest11 entry point."""

import pytest_s3mpu


def test_multipart_round_trip(s3mpu, s3mpu_client):
    assert "site-packages" in pytest_s3mpu.__file__
    s3mpu_client.create_bucket(Bucket="smoke")
    upload_id = s3mpu_client.create_multipart_upload(Bucket="smoke", Key="k")["UploadId"]
    parts = []
    for number, body in enumerate([b"a" * (5 * 1024 * 1024), b"tail"], start=1):
        etag = s3mpu_client.upload_part(
            Bucket="smoke", Key="k", UploadId=upload_id, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    assert sorted(s3mpu.parts(upload_id)) == [1, 2]
    s3mpu_client.complete_multipart_upload(
        Bucket="smoke", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    body = s3mpu_client.get_object(Bucket="smoke", Key="k")["Body"].read()
    assert body == b"a" * (5 * 1024 * 1024) + b"tail"
    assert list(s3mpu.uploads("smoke")) == []
'''


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    """Run a command, echoing it; its output is returned, and shown in full if it fails."""
    print("+", " ".join(str(part) for part in command), flush=True)
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def source_version() -> str:
    """``__version__`` as written in the source (the one place it is written)."""
    tree = ast.parse((ROOT / "pytest_s3mpu" / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["__version__"]:
            value = ast.literal_eval(node.value)
            assert isinstance(value, str)
            return value
    sys.exit("pytest_s3mpu/__init__.py has no __version__")


def new_venv(path: Path) -> Path:
    """A fresh virtual environment with pip; its python."""
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def build(tmp: Path) -> tuple[Path, Path]:
    """Build the sdist and, from it, the wheel; check both with twine."""
    tools = new_venv(tmp / "tools")
    run(tools, "-m", "pip", "install", "-q", "build", "twine")
    dist = tmp / "dist"
    run(tools, "-m", "build", "--sdist", "--wheel", "--outdir", dist, ROOT)
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        sys.exit(f"expected one sdist and one wheel, found {[p.name for p in dist.iterdir()]}")
    run(tmp / "tools" / "bin" / "twine", "check", "--strict", sdists[0], wheels[0])
    return sdists[0], wheels[0]


def check_contents(sdist: Path, wheel: Path, version: str) -> None:
    """The sdist has what a packager needs and no local junk; the wheel has the package, typed, licensed."""
    prefix = f"pytest_s3mpu-{version}/"
    with tarfile.open(sdist) as archive:
        names = [name.removeprefix(prefix) for name in archive.getnames()]
    sdist_count = len(names)
    missing = [name for name in SDIST_REQUIRED if name not in names]
    junk = [name for name in names if FORBIDDEN_PARTS & set(Path(name).parts)]
    if missing or junk:
        sys.exit(f"sdist {sdist.name}: missing {missing}, should not hold {junk}")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(f"pytest_s3mpu-{version}.dist-info/METADATA").decode()
        entry_points = archive.read(f"pytest_s3mpu-{version}.dist-info/entry_points.txt").decode()
    wanted = [
        "pytest_s3mpu/py.typed",
        "pytest_s3mpu/plugin.py",
        "pytest_s3mpu/__main__.py",
        *INSPECTOR_PAGE,
        f"pytest_s3mpu-{version}.dist-info/licenses/LICENSE",
    ]
    missing = [name for name in wanted if name not in names]
    outside = [
        name for name in names if not name.startswith(("pytest_s3mpu/", f"pytest_s3mpu-{version}.dist-info/"))
    ]
    if missing or outside:
        sys.exit(f"wheel {wheel.name}: missing {missing}, should not hold {outside}")
    if f"\nVersion: {version}\n" not in metadata or "[pytest11]\ns3mpu = pytest_s3mpu." not in entry_points:
        sys.exit(f"wheel {wheel.name}: metadata or entry points do not match the source version {version}")
    print(
        f"contents: sdist {sdist_count} files checked, wheel holds the package, py.typed, the inspector page "
        "and LICENSE"
    )


def free_port() -> int:
    """A port nothing listens on just now (the console script takes --port, not port 0's answer)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def health(port: int) -> dict[str, object] | None:
    """The health answer, or None while nothing answers yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/_s3mpu/health")
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"GET /_s3mpu/health answered {response.status}: {body!r}")
        answer: dict[str, object] = json.loads(body)
        return answer
    except ConnectionRefusedError:
        return None
    finally:
        connection.close()


def readme_examples() -> list[str]:
    """The README's Python test blocks, as printed (but those needing aiobotocore: no dependency)."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    return [block for block in blocks if "def test_" in block and "s3mpu_aioclient" not in block]


def _test_requirement(name: str) -> str:
    """The requirement for ``name`` as pyproject.toml pins it (the test extra), so both agree."""
    found = re.search(
        rf'^\s*"({re.escape(name)}[^"]*)",', (ROOT / "pyproject.toml").read_text(), re.MULTILINE
    )
    if found is None:
        sys.exit(f"pyproject.toml pins no {name}")
    return found.group(1)


def inspector_page(port: int) -> None:
    """The inspector page comes from the installed package's data: a wheel that forgot it answers 500."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/_s3mpu/")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200 or b"<title>s3mpu inspector</title>" not in body:
        sys.exit(f"GET /_s3mpu/ from the installed wheel answered {response.status}: {body[:200]!r}")
    print(f"s3mpu console script: GET /_s3mpu/ -> the inspector page ({len(body)} bytes)")


def smoke_test(wheel: Path, tmp: Path, version: str) -> None:
    """Install the wheel as a user would and use the plugin and the console script."""
    python = new_venv(tmp / "user")
    run(python, "-m", "pip", "install", "-q", wheel)
    installed = run(
        python,
        "-c",
        "import importlib.metadata as m, pytest_s3mpu as p; print(p.__version__, m.version('pytest-s3mpu'))",
    )
    if installed.split() != [version, version]:
        sys.exit(f"installed wheel reports {installed.strip()!r}, source says {version}")
    printed = run(tmp / "user" / "bin" / "s3mpu", "--version").strip()
    if printed != f"s3mpu {version}":
        sys.exit(f"s3mpu --version printed {printed!r}, the source says {version}")
    project = tmp / "project"
    project.mkdir()
    (project / "test_upload.py").write_text(textwrap.dedent(SMOKE_TEST))
    examples = readme_examples()
    if any("selenium" in block for block in examples):
        # The browser example's own dependency, which its README section tells the user to install.
        run(python, "-m", "pip", "install", "-q", _test_requirement("selenium"))
    for number, block in enumerate(examples):  # what a newcomer copies from the README
        (project / f"test_readme_{number}.py").write_text(block)
    print(run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project).strip().splitlines()[-1])

    port = free_port()
    server = subprocess.Popen(
        [tmp / "user" / "bin" / "s3mpu", "--host", "127.0.0.1", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + HEALTH_DEADLINE
        answer = None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            answer = health(port)
            if answer is None:
                time.sleep(0.2)
        if answer != {"status": "ok"}:
            server.kill()
            output = server.communicate(timeout=10)[0]
            sys.exit(f"s3mpu console script: health answer {answer!r} (exit {server.returncode}):\n{output}")
        print(f"s3mpu console script on port {port}: GET /_s3mpu/health -> {answer}")
        inspector_page(port)
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="s3mpu-package-"))
    try:
        version = source_version()
        sdist, wheel = build(tmp)
        check_contents(sdist, wheel, version)
        smoke_test(wheel, tmp, version)
    finally:
        if options.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"package check passed: {sdist.name}, {wheel.name} ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
