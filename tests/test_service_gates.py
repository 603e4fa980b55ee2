"""The service gates: a test whose service is missing skips, except under
CI=true, where it fails — whichever fixture notices first. The browser
tests' session-scoped ``browser`` fixture notices a missing Chromium before
the per-test gate does; it must fail under CI too, or a CI run without
Chromium would pass with every browser journey skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ONE_BROWSER_TEST = "tests/browser/test_smoke.py"


def run_browser_tests(*, ci: bool) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER")
    }
    env["CHROMIUM_PATH"] = "/nonexistent/chromium"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", ONE_BROWSER_TEST, "-p", "no:xdist", "-q"]
        + ["--nomigrations"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("ci", [True, False], ids=["ci", "local"])
def test_a_missing_chromium_fails_under_ci_and_skips_elsewhere(ci):
    result = run_browser_tests(ci=ci)
    out = result.stdout + result.stderr
    if ci:
        assert result.returncode != 0, out
        assert "CI=true and a required service is missing" in out
        assert "passed" not in out.splitlines()[-1]
    else:
        assert result.returncode == 0, out
        assert "skipped" in out.splitlines()[-1]
