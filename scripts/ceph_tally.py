"""Tally a JUnit report of ceph/s3-tests' test_s3.py by the pytest marks ceph puts on its tests.

Usage: python scripts/ceph_tally.py REPORT.xml path/to/test_s3.py [--failed]

Prints the totals, then passed / failed / errored / skipped per mark (a test counts under each of its
marks, one without a mark under "(none)"; each parametrized case counts once), then the same totals for
the tests NOT marked fails_on_aws (ceph's note that AWS itself answers differently). --failed lists the
failing tests not marked fails_on_aws with the first line of their message, for grouping by cause.
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

OUTCOMES = ("passed", "failed", "errored", "skipped")


def marks_of(source_path: str) -> dict[str, set[str]]:
    """Each test function's marks, read from its ``@pytest.mark.NAME`` decorators."""
    with open(source_path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names = set()
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "mark"
                    and target.attr != "parametrize"
                ):
                    names.add(target.attr)
            found[node.name] = names
    return found


def outcomes_of(report_path: str) -> dict[str, tuple[str, str]]:
    """Each test's outcome and the first line of its failure message."""
    root = ET.parse(report_path).getroot()
    results: dict[str, tuple[str, str]] = {}
    for case in root.iter("testcase"):
        name = case.get("name", "")
        outcome, message = "passed", ""
        for child in case:
            if child.tag == "failure":
                outcome = "failed"
            elif child.tag == "error":
                outcome = "errored"
            elif child.tag == "skipped":
                outcome = "skipped"
            else:
                continue
            message = (child.get("message") or "").splitlines()[0:1]
            message = message[0][:160] if message else ""
            break
        results[name] = (outcome, message)
    return results


def line(label: str, counts: Counter[str]) -> str:
    total = sum(counts.values())
    cells = "  ".join(f"{key} {counts[key]:4}" for key in OUTCOMES)
    return f"{label:28} {cells}  of {total:4}"


def main(argv: list[str]) -> int:
    report, source = argv[0], argv[1]
    marks = marks_of(source)
    results = outcomes_of(report)
    overall: Counter[str] = Counter()
    by_mark: dict[str, Counter[str]] = defaultdict(Counter)
    not_aws: Counter[str] = Counter()
    for name, (outcome, _) in results.items():
        overall[outcome] += 1
        names = marks.get(name.split("[")[0], set())
        for mark in names or {"(none)"}:
            by_mark[mark][outcome] += 1
        if "fails_on_aws" not in names:
            not_aws[outcome] += 1
    print(line("ALL", overall))
    print(line("not marked fails_on_aws", not_aws))
    print(line("marked fails_on_aws", by_mark.get("fails_on_aws", Counter())))
    print("by mark:")
    for mark in sorted(by_mark):
        print(line("  " + mark, by_mark[mark]))
    if "--failed" in argv:
        print("failing, not marked fails_on_aws:")
        for name, (outcome, message) in sorted(results.items()):
            base = name.split("[")[0]
            if outcome in ("failed", "errored") and "fails_on_aws" not in marks.get(base, set()):
                print(f"  {outcome[0].upper()} {name}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
