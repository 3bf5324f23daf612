"""Settings come from the environment and are loud in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    environment.update({"UNIONFLOW_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE, s.CELERY_BROKER_URL)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_key_starts(tmp_path):
    result = load_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_embedded_default_is_sqlite_and_filesystem_broker(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Asia/Shanghai", "zh-hans", "filesystem://"]
    assert (tmp_path / "celery" / "queue").is_dir()


def test_database_url_selects_postgresql(tmp_path):
    result = load_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.split()[0] == "django.db.backends.postgresql"
    assert result.stdout.split()[-1] == "redis://127.0.0.1:6379/0"
