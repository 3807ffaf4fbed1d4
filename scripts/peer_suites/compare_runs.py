"""Counts a JUnit report's outcomes per test, and compares two reports of one suite test by test.

scripts/peer-suites.sh calls it after each run with the previous run's report (kept in
``.peer/results/previous/``), so a test that passed before and fails now is named, not hidden behind
unchanged totals. Given a moto report and a pytest-s3mpu report of one suite, it lists the side-by-side
differences COMPATIBILITY.md explains.

    python compare_runs.py REPORT.xml --label "s3fs s3mpu"      # one line of counts
    python compare_runs.py BEFORE.xml AFTER.xml [--label-before moto --label-after s3mpu]

Counts are of tests, not of the report's failure and error elements: a test whose teardown fails twice
carries two error elements but is one test that did not pass. Comparing exits 1 when a test that passed in
BEFORE does not pass in AFTER, 0 otherwise; outcomes only, not messages (the suites name buckets at random).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

PASSED = "passed"
_NOT_PASSED = ("failure", "error", "skipped")


def outcomes(report: Path) -> dict[str, str]:
    """Each test's id (``classname::name``) and outcome: passed, failure, error or skipped.

    A test with both a failure and an error (failed, then its teardown failed) counts as its first one;
    pytest writes the call's outcome first.
    """
    found: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome = next((child.tag for child in case if child.tag in _NOT_PASSED), PASSED)
        if found.get(test_id, PASSED) == PASSED:
            found[test_id] = outcome
    return found


def changes(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str, str]]:
    """(test id, outcome before, outcome after) for every test whose outcome differs; absent is "absent"."""
    return [
        (test_id, before.get(test_id, "absent"), after.get(test_id, "absent"))
        for test_id in sorted(before.keys() | after.keys())
        if before.get(test_id) != after.get(test_id)
    ]


def regressions(found: list[tuple[str, str, str]]) -> list[str]:
    """The tests that passed before and do not pass after."""
    return [test_id for test_id, was, now in found if was == PASSED and now != PASSED]


def _summary(found: dict[str, str]) -> str:
    counts = Counter(found.values())
    return ", ".join(f"{outcome} {counts[outcome]}" for outcome in (PASSED, *_NOT_PASSED))


def count_line(found: dict[str, str], label: str) -> str:
    """The line scripts/peer-suites.sh prints for one run (skipped includes xfailed, as JUnit records it)."""
    counts = Counter(found.values())
    return (
        f"{label:19} passed {counts[PASSED]:4}  failed {counts['failure']:4}  errors {counts['error']:4}  "
        f"skipped {counts['skipped']:4}  of {len(found)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?", help="without it: one line of BEFORE's counts")
    parser.add_argument("--label", default="", help="the count line's label")
    parser.add_argument("--label-before", default="before")
    parser.add_argument("--label-after", default="after")
    args = parser.parse_args(argv)
    if args.after is None:
        print(count_line(outcomes(args.before), args.label))
        return 0
    before, after = outcomes(args.before), outcomes(args.after)
    found = changes(before, after)
    width = max(len(args.label_before), len(args.label_after))
    print(f"  {args.label_before:{width}}  {_summary(before)}")
    print(f"  {args.label_after:{width}}  {_summary(after)}")
    if not found:
        print("  no test changed outcome")
    for test_id, was, now in found:
        print(f"  {was:>7} -> {now:7}  {test_id}")
    return 1 if regressions(found) else 0


if __name__ == "__main__":
    sys.exit(main())
