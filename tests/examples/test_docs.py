"""The documentation site's examples are tests: the ```python blocks of the tutorial and of each how-to
page are joined, in order, into one test module per page and run by an inner pytest (pytester) against
the real plugin; every test they define must pass. ```py blocks are illustrations and are not run (code
that would reach the network, such as boto3's CRT client, which ignores the endpoint)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = [DOCS / "tutorial.md", *sorted((DOCS / "howto").glob("*.md"))]


def page_module(page: Path) -> str:
    return "\n\n".join(BLOCK.findall(page.read_text(encoding="utf-8")))


def test_the_tutorial_and_how_tos_have_runnable_examples():
    """The tutorial and at least four how-tos carry tests, so the site cannot drift from what works."""
    with_tests = [page.name for page in PAGES if "def test_" in page_module(page)]
    assert "tutorial.md" in with_tests and len(with_tests) >= 5, with_tests


@pytest.mark.parametrize("page", [p for p in PAGES if "def test_" in page_module(p)], ids=lambda p: p.stem)
def test_page_examples_pass(pytester, page):
    """A page's blocks, as printed, make a module whose tests all pass."""
    module = page_module(page)
    pytester.makepyfile(**{f"test_doc_{page.stem.replace('-', '_')}": module})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    tests = len(re.findall(r"^def test_", module, re.MULTILINE))
    result.assert_outcomes(passed=tests)
