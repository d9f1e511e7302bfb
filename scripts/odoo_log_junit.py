"""Turn the log of Odoo's test runner into JUnit XML and a count of results.

Odoo's runner logs ``Starting Class.test ...`` before each test, ``FAIL:``/``ERROR:``
with the traceback for each failure and ``skipped`` for skips, then one line
``odoo.tests.result: F failed, E error(s) of T tests``. Any other WARNING, ERROR or
CRITICAL line is a failure too, as on Odoo's runbot: a module that failed to load, demo
data that failed and was skipped (a mere WARNING), an exception in a hook. The run must
not look green when Odoo went wrong around the tests.

Usage: python odoo_log_junit.py LOG JUNIT_XML  -> prints "passed failed skipped"
"""

import re
import sys
from xml.etree import ElementTree as ET

LINE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+) \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def parse(lines):
    tests = {}  # key: (module, description) -> dict
    current = None
    log_errors = []
    result = None
    pending = None  # record being extended by continuation lines
    for raw in lines:
        line = raw.rstrip("\n")
        match = LINE.match(line)
        if not match:
            if pending is not None:
                pending.append(line)
            continue
        pending = None
        level, logger, msg = match["level"], match["logger"], match["msg"].rstrip()
        if logger == "odoo.tests.result":
            found = RESULT.search(msg)
            if found:
                # one line per database the run loaded (the ERP tests' second
                # database reports "0 tests"): add them up
                counts = tuple(int(x) for x in found.groups())
                result = tuple(map(sum, zip(result or (0, 0, 0), counts, strict=True)))
            continue
        if msg.startswith("Starting ") and msg.endswith(" ..."):
            current = (logger, msg[len("Starting ") : -len(" ...")])
            tests[current] = {"status": "passed", "text": []}
            continue
        if msg.startswith(("FAIL: ", "ERROR: ")) and level == "ERROR":
            kind, _, desc = msg.partition(": ")
            key = (
                logger,
                desc.split(" ", 1)[0] if desc.startswith("Subtest") else desc,
            )
            test = (
                tests.get(key)
                or tests.get(current)
                or tests.setdefault((logger, desc), {"status": "passed", "text": []})
            )
            test["status"] = "failed" if kind == "FAIL" else "error"
            test["text"].append(msg)
            pending = test["text"]
            continue
        if msg.startswith("skipped ") and current:
            tests[current]["status"] = "skipped"
            tests[current]["text"].append(msg)
            continue
        if level in ("WARNING", "ERROR", "CRITICAL"):
            entry = [f"{level} {logger}: {msg}"]
            log_errors.append(entry)
            pending = entry
    return tests, log_errors, result


def write_junit(tests, log_errors, result, path):
    suite = ET.Element("testsuite", name="odoo")
    for (logger, desc), test in tests.items():
        classname, _, name = desc.rpartition(".")
        case = ET.SubElement(
            suite, "testcase", classname=f"{logger}.{classname}", name=name or desc
        )
        text = "\n".join(test["text"])
        if test["status"] == "failed":
            ET.SubElement(case, "failure", message=text[:200]).text = text
        elif test["status"] == "error":
            ET.SubElement(case, "error", message=text[:200]).text = text
        elif test["status"] == "skipped":
            ET.SubElement(case, "skipped", message=text[:200])
    for index, entry in enumerate(log_errors, 1):
        case = ET.SubElement(
            suite, "testcase", classname="odoo.log", name=f"error_{index}"
        )
        ET.SubElement(case, "error", message=entry[0][:200]).text = "\n".join(entry)
    if result is None:
        case = ET.SubElement(suite, "testcase", classname="odoo.runner", name="result")
        ET.SubElement(
            case,
            "error",
            message="Odoo's test runner printed no result line (crashed?)",
        )
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def main(log_path, junit_path):
    with open(log_path, encoding="utf-8", errors="replace") as log:
        tests, log_errors, result = parse(log)
    write_junit(tests, log_errors, result, junit_path)
    failed = sum(t["status"] in ("failed", "error") for t in tests.values())
    skipped = sum(t["status"] == "skipped" for t in tests.values())
    passed = sum(t["status"] == "passed" for t in tests.values())
    failed += len(log_errors)
    if result is None:
        failed += 1
    else:
        runner_failed = result[0] + result[1]
        # Failures in class setup have no "Starting" line: trust the runner's count.
        failed = max(failed, runner_failed + len(log_errors))
    print(passed, failed, skipped)
    for entry in log_errors:
        print("  log:", entry[0][:300], file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
