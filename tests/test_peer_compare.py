"""scripts/peer_suites/compare_runs.py: the per-test comparison of two peer-suite runs, on real JUnit reports.

The peer suites (scripts/peer-suites.sh) are the regression check with other projects' unmodified tests;
equal totals can hide a test that started failing while another started passing, so the script compares
outcomes test by test. The reports here are written by pytest itself (pytester), as the script's are.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "peer_suites" / "compare_runs.py"

BEFORE = """
import pytest

@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown reached AWS")

def test_kept():
    pass

def test_regressed():
    pass

def test_fixed():
    assert False

def test_skipped():
    pytest.skip("no dask")

def test_teardown(broken_teardown):
    pass
"""

AFTER = """
import pytest

@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown reached AWS")

def test_kept():
    pass

def test_regressed():
    assert False

def test_fixed():
    pass

def test_skipped():
    pytest.skip("no dask")

def test_teardown(broken_teardown):
    assert False

def test_new():
    pass
"""


@pytest.fixture(scope="module")
def compare() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_runs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_runs"] = module
    spec.loader.exec_module(module)
    return module


def _report(pytester: pytest.Pytester, source: str, name: str) -> pathlib.Path:
    pytester.makepyfile(test_suite=source)
    report = pytester.path / f"{name}.xml"
    pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", f"--junitxml={report}")
    return report


def test_outcomes_per_test_as_pytest_reports_them(compare: ModuleType, pytester: pytest.Pytester) -> None:
    """A pass whose teardown fails is an error, not a pass; a failed call whose teardown also fails is a
    failure (its first outcome)."""
    before = compare.outcomes(_report(pytester, BEFORE, "before"))
    after = compare.outcomes(_report(pytester, AFTER, "after"))
    assert {test_id.split("::")[1]: outcome for test_id, outcome in before.items()} == {
        "test_kept": "passed",
        "test_regressed": "passed",
        "test_fixed": "failure",
        "test_skipped": "skipped",
        "test_teardown": "error",
    }
    assert after[next(t for t in after if t.endswith("::test_teardown"))] == "failure"


def test_changes_name_each_test_whose_outcome_moved(
    compare: ModuleType, pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    """Equal totals (three passes before and after) still show the regression, and exit 1 for it."""
    before_xml = _report(pytester, BEFORE, "before")
    after_xml = _report(pytester, AFTER, "after")
    found = compare.changes(compare.outcomes(before_xml), compare.outcomes(after_xml))
    assert [(test_id.split("::")[1], was, now) for test_id, was, now in found] == [
        ("test_fixed", "failure", "passed"),
        ("test_new", "absent", "passed"),
        ("test_regressed", "passed", "failure"),
        ("test_teardown", "error", "failure"),
    ]
    assert [test_id.split("::")[1] for test_id in compare.regressions(found)] == ["test_regressed"]
    capsys.readouterr()
    assert compare.main([str(before_xml), str(after_xml)]) == 1
    printed = capsys.readouterr().out
    assert "passed -> failure" in printed and "test_regressed" in printed
    assert compare.main([str(before_xml), str(before_xml)]) == 0
    assert "no test changed outcome" in capsys.readouterr().out


TWO_ERRORS = """
import pytest

@pytest.fixture
def cleans_up_badly():
    yield
    raise RuntimeError("teardown reached AWS")

@pytest.fixture
def sets_up_badly(cleans_up_badly):
    raise RuntimeError("setup reached AWS")

def test_both_ends_fail(sets_up_badly):
    pass

def test_passes():
    pass
"""


def test_a_test_with_two_error_elements_is_counted_once(
    compare: ModuleType, pytester: pytest.Pytester
) -> None:
    """aiobotocore's unicode and presign tests reach AWS in setup and again in teardown: JUnit holds two
    error elements for each (its testsuite's ``errors`` says 2), yet each is one test that did not pass, and
    the count line agrees with pytest's own "1 passed"."""
    found = compare.outcomes(_report(pytester, TWO_ERRORS, "two"))
    assert sorted(found.values()) == ["error", "passed"]
    line = compare.count_line(found, "suite peer")
    assert " ".join(line.split()) == "suite peer passed 1 failed 0 errors 1 skipped 0 of 2"
