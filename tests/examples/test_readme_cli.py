"""The README's standalone-server example with the AWS CLI works on a clean machine: its shell block is
run as printed (the ``export`` of dummy keys and a region, the ``aws`` lines) in a shell whose environment
holds nothing else of AWS and whose home folder is empty, so no profile or config file can help it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
AWS_BIN = Path(sys.executable).parent


def cli_block() -> str:
    """The README's shell block that exports the credentials and drives the AWS CLI."""
    blocks = [b for b in SH_BLOCK.findall(README.read_text(encoding="utf-8")) if "AWS_ACCESS_KEY_ID" in b]
    assert len(blocks) == 1, "the README has one shell block with the CLI's credentials"
    return blocks[0]


def test_readme_cli_example_runs_on_a_clean_machine(s3mpu, tmp_path):
    """Every line but the one starting the server (the fixture's server stands in for it, on its own port)
    runs with ``set -e``; the multipart ``cp`` lands the whole 12 MB object."""
    lines = [line for line in cli_block().splitlines() if not line.startswith("s3mpu ")]
    script = "set -euo pipefail\n" + "\n".join(lines).replace("http://127.0.0.1:9000", s3mpu.endpoint_url)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{AWS_BIN}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "big.bin" in done.stdout
    assert s3mpu.objects("demo")["big.bin"].size == 12_000_000
    assert s3mpu.journal.requests("CompleteMultipartUpload")[0].status == 200
