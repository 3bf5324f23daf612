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
        "print(s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE, s.CELERY_BROKER_URL, s.DEBUG)"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


PRODUCTION = {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DEBUG="0", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_key_starts(tmp_path):
    result = load_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_embedded_default_is_sqlite_and_filesystem_broker_with_debug_off(tmp_path):
    """No environment at all: it starts, DEBUG off, with a per-checkout key kept under var/."""
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Asia/Shanghai", "zh-hans", "filesystem://", "False"]
    assert (tmp_path / "celery" / "queue").is_dir()
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert load_settings(tmp_path).returncode == 0 and (tmp_path / "secret_key").read_text() == key


def test_debug_is_on_only_when_asked_for(tmp_path):
    assert load_settings(tmp_path, DEBUG="1").stdout.split()[-1] == "True"


def test_database_url_selects_postgresql(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="x" * 50, CELERY_BROKER_URL="redis://127.0.0.1:6379/0", **PRODUCTION)
    assert result.stdout.split()[0] == "django.db.backends.postgresql"
    assert result.stdout.split()[-2] == "redis://127.0.0.1:6379/0"


def test_rate_counters_are_shared_through_redis_when_configured(tmp_path):
    """Several server processes count one client's requests together only through a shared cache."""
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    environment = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    environment.update({"UNIONFLOW_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"})
    run = lambda **env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], cwd=ROOT, env={**environment, **env}, capture_output=True, text=True
    ).stdout.strip()
    assert run() == "django.core.cache.backends.locmem.LocMemCache"
    assert run(CACHE_URL="redis://127.0.0.1:6379/1") == "django.core.cache.backends.redis.RedisCache"
