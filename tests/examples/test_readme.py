"""The README's Python examples are tests: every ```python block of README.md that defines a test is run,
verbatim, by an inner pytest (pytester), and must pass. Nothing in the README can drift from what works."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
CHROMEDRIVER = "/usr/bin/chromedriver"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


# Blocks that need aiobotocore, which cannot share this environment's botocore: they run in .interop/aio
# (tests/interop/test_interop_aioclient.py).
AIO_MARK = "s3mpu_aioclient"


def readme_test_blocks(aio: bool = False) -> list[str]:
    blocks = [block for block in BLOCK.findall(README.read_text(encoding="utf-8")) if "def test_" in block]
    return [block for block in blocks if (AIO_MARK in block) == aio]


def test_readme_has_examples():
    """The README shows at least the usage, error, application-code, marker and fault examples."""
    assert len(readme_test_blocks()) >= 5


def test_readme_examples_pass(pytester):
    """Each example runs as its own test module, exactly as printed, against the real plugin."""
    blocks = readme_test_blocks()
    pytester.makepyfile(**{f"test_readme_{i}": block for i, block in enumerate(blocks)})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    tests = sum(len(re.findall(r"^def test_", block, re.MULTILINE)) for block in blocks)
    # The browser example skips, saying so, where Debian's chromium-driver is not installed.
    skipped = 0 if Path(CHROMEDRIVER).is_file() else sum(CHROMEDRIVER in block for block in blocks)
    result.assert_outcomes(passed=tests - skipped, skipped=skipped)
