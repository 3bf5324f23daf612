"""The embedded SQLite default under concurrent use: writers wait for each other, none fails.

Run on a real SQLite file with the project's settings, in a process of its own
(``tests/support/sqlite_scenarios.py``): threads with their own connections make API requests
at the same moment while another connection writes notifications, as the web server's threads
and the Celery worker do under ``make run``. No request may answer a server error (a lock that
gave up was a 500), every transition is applied exactly once, the losers of a race on one case
get 409, and every case's audit chain verifies.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 240


def environment(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update({"UNIONFLOW_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "tests.settings", "LOG_LEVEL": "ERROR",
                "ALLOWED_HOSTS": "testserver"})
    return env


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory) -> Path:
    """One migrated SQLite file; each scenario starts from a copy of it."""
    var_dir = tmp_path_factory.mktemp("sqlite-template")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=environment(var_dir), check=True, capture_output=True, timeout=TIMEOUT,
    )
    return var_dir / "unionflow.sqlite3"


def run_scenario(name: str, migrated_file: Path, tmp_path: Path) -> dict:
    shutil.copy(migrated_file, tmp_path / "unionflow.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.sqlite_scenarios", name],
        cwd=ROOT, env=environment(tmp_path), capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_writer_never_failed(writer):
    assert writer["errors"] == []
    assert writer["written"] > 0 and writer["stored"] == writer["written"]


def test_transitions_on_different_cases_at_once_all_succeed(migrated_file, tmp_path):
    """Twelve clients create, submit and approve twelve cases at the same moments: all succeed."""
    report = run_scenario("different_cases", migrated_file, tmp_path)
    statuses = report["statuses"]
    assert statuses["create"] == [201] * len(statuses["create"]), statuses
    assert statuses["submit"] == [200] * len(statuses["submit"]), statuses
    assert statuses["approve"] == [200] * len(statuses["approve"]), statuses
    assert len(report["cases"]) == len(statuses["create"])
    for case in report["cases"]:
        assert case == {"state": "approved", "version": 3, "events": ["create", "submit", "approve"], "chain_valid": True}
    assert_writer_never_failed(report["writer"])


def test_racing_one_case_one_winner_and_409_for_the_others(migrated_file, tmp_path):
    """Twelve committee members approve or reject one case at the same moment: one wins, the others get 409."""
    report = run_scenario("race_one_case", migrated_file, tmp_path)
    for race in report["rounds"]:
        statuses = race["statuses"]
        assert sorted(statuses, key=str) == [200] + [409] * (len(statuses) - 1), statuses
        assert race["version"] == 3 and race["chain_valid"] is True
        assert race["state"] in {"approved", "rejected"}
        decision = {"approved": "approve", "rejected": "reject"}[race["state"]]
        assert race["events"] == ["create", "submit", decision]
    assert_writer_never_failed(report["writer"])
