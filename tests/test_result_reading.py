"""The test command must never report success when Odoo's runner crashed, a module
failed to install or no test ran: check how it reads the runner's log."""

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "odoo_log_junit.py"
HEAD = "2026-11-28 10:00:00,000 4242 {level} testdb {logger}: {msg}"
T = "odoo.addons.crm_phases.tests.test_x"


def line(msg, level="INFO", logger=T):
    return HEAD.format(level=level, logger=logger, msg=msg)


def read(tmp_path, *lines):
    log = tmp_path / "odoo.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    junit = tmp_path / "junit.xml"
    out = subprocess.run(
        [sys.executable, SCRIPT, log, junit], capture_output=True, text=True, check=True
    )
    passed, failed, skipped = map(int, out.stdout.split())
    return passed, failed, skipped, ET.parse(junit).getroot()


RESULT_OK = line(
    "0 failed, 0 error(s) of 2 tests when loading database 'testdb'",
    logger="odoo.tests.result",
)


def test_green_run(tmp_path):
    passed, failed, skipped, junit = read(
        tmp_path,
        line("Starting TestX.test_a ... "),
        line("Starting TestX.test_b ... "),
        line("skipped TestX.test_b : no browser"),
        RESULT_OK,
    )
    assert (passed, failed, skipped) == (1, 0, 1)
    assert [case.get("name") for case in junit] == ["test_a", "test_b"]


def test_failure_with_traceback(tmp_path):
    passed, failed, _skipped, junit = read(
        tmp_path,
        line("Starting TestX.test_a ... "),
        line("FAIL: TestX.test_a", level="ERROR"),
        "Traceback (most recent call last):",
        "AssertionError: 1 != 2",
        line(
            "1 failed, 0 error(s) of 1 tests when loading database 'testdb'",
            level="ERROR",
            logger="odoo.tests.result",
        ),
    )
    assert (passed, failed) == (0, 1)
    assert "AssertionError: 1 != 2" in junit.find("testcase/failure").text


@pytest.mark.parametrize(
    "crash",
    [
        # a module that failed to install: Odoo logs it and stops before the tests
        [
            line(
                "Failed to load registry",
                level="CRITICAL",
                logger="odoo.service.server",
            ),
            "Traceback (most recent call last):",
            "odoo.tools.convert.ParseError: while parsing demo.xml",
        ],
        # the runner died without its result line
        [line("Starting TestX.test_a ... ")],
    ],
)
def test_crash_is_a_failure(tmp_path, crash):
    _passed, failed, _skipped, _junit = read(tmp_path, *crash)
    assert failed >= 1


def test_error_logged_outside_tests_is_a_failure(tmp_path):
    _passed, failed, _skipped, junit = read(
        tmp_path,
        line("Starting TestX.test_a ... "),
        line("post_init_hook failed", level="ERROR", logger="odoo.modules.loading"),
        RESULT_OK,
    )
    assert failed == 1
    assert junit.find("testcase[@classname='odoo.log']") is not None


def test_skipped_demo_data_is_a_failure(tmp_path):
    """Odoo only warns when demo data fails, and installs the module without it."""
    _passed, failed, _skipped, _junit = read(
        tmp_path,
        line(
            "Module erp_transfer demo data failed to install, "
            "installed without demo data",
            level="WARNING",
            logger="odoo.modules.loading",
        ),
        "Traceback (most recent call last):",
        "ValueError: Wrong value for res.partner.lang: 'de_DE'",
        line("Starting TestX.test_a ... "),
        RESULT_OK,
    )
    assert failed == 1


def test_zero_tests_is_reported_as_zero(tmp_path):
    passed, failed, skipped, _junit = read(
        tmp_path,
        line(
            "0 failed, 0 error(s) of 0 tests when loading database 'testdb'",
            level="WARNING",
            logger="odoo.tests.result",
        ),
    )
    # test.sh turns "no passing test" into a failure; the reader must not invent one.
    assert (passed, failed, skipped) == (0, 0, 0)
