"""bandit over portal and talkzone: no finding of high severity is allowed into the code; and
import-linter keeps the layering (contracts in pyproject.toml [tool.importlinter])."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).parent / "bandit"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("talkzone", "portal", "tests", "testkit", "benchmarks")


def bandit(*paths: str) -> list[dict]:
    result = subprocess.run([str(BANDIT), "-q", "-r", *paths, "-f", "json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    return report["results"]


def test_bandit_finds_no_high_severity_issue_in_portal_or_talkzone():
    findings = bandit("portal", "talkzone")
    high = [f"{f['filename']}:{f['line_number']} {f['test_id']} {f['issue_text']}"
            for f in findings if f["issue_severity"] == "HIGH"]
    assert high == []


def test_bandit_would_catch_a_high_severity_issue(tmp_path):
    # The check above is only worth something if bandit really reports HIGH findings here.
    sample = tmp_path / "unsafe.py"
    sample.write_text("import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    findings = bandit(str(sample))
    assert [f["test_id"] for f in findings if f["issue_severity"] == "HIGH"] == ["B602"]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def copy_of_the_code(target: Path) -> Path:
    """The project's Python source and pyproject.toml, copied to ``target`` to be changed there."""
    def not_python(folder, names):
        return [n for n in names if n == "__pycache__" or not (n.endswith(".py") or Path(folder, n).is_dir())]

    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=not_python)
    shutil.copy(ROOT / "pyproject.toml", target)
    return target


def test_every_import_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("talkzone/outbox.py", "import flask", "talkzone is plain Python: no Flask, no portal"),
    ("talkzone/complaints.py", "from portal import db", "talkzone is plain Python: no Flask, no portal"),
    ("portal/journeys/helpline/views.py", "from portal.console import items",
     "the public journeys do not import the console"),
    ("portal/console/items.py", "from portal.journeys.complaint import forms as complaint",
     "the console does not import the public journeys"),
    ("portal/journeys/complaint/views.py", "from portal.journeys.helpline import views",
     "no journey imports another"),
    ("benchmarks/reports.py", "import tests.journeys", "benchmarks share testkit with the tests"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    root = copy_of_the_code(tmp_path)
    path = root / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout
    assert "1 broken" in result.stdout
