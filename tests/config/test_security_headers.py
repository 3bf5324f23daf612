"""A Content-Security-Policy on every page; in production HTTPS only, and `check --deploy` is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_no_inline_script_and_nothing_from_elsewhere(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("m1", password="pw-secret-1"))
    for url in ("/accounts/login/", "/"):
        r = client.get(url, follow=True)
        assert r.status_code == 200
        rules = policy(r)
        assert rules["default-src"] == ["'self'"]
        assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"]
        assert rules["object-src"] == ["'none'"]
        assert not any(src.startswith(("http:", "https:", "*")) for srcs in rules.values() for src in srcs)
        page = r.content.decode()
        assert "onchange=" not in page and "onclick=" not in page


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True)


def production_env(tmp_path) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://unionflow@127.0.0.1:5432/unionflow",
        "ALLOWED_HOSTS": "unionflow.example.org",
        "UNIONFLOW_VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_hsts_and_redirects_to_https(tmp_path):
    code = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(); r = c.get('/accounts/login/', HTTP_HOST='unionflow.example.org'); "
        "print(r.status_code, r['Location']); "
        "r = c.get('/healthz', secure=True, HTTP_HOST='unionflow.example.org'); "
        "from django.conf import settings as s; "
        "print(r.status_code, r['Strict-Transport-Security'], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", **production_env(tmp_path)})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    redirect, secured = result.stdout.strip().splitlines()
    assert redirect == "301 https://unionflow.example.org/accounts/login/"
    assert secured == "200 max-age=31536000; includeSubDomains; preload True True"


def test_the_embedded_default_is_served_over_plain_http(tmp_path):
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/accounts/login/', HTTP_HOST='localhost'); "
        "print(r.status_code, r.has_header('Strict-Transport-Security'))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "SECURE"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "config.settings", "UNIONFLOW_VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.stdout.split() == ["200", "False"], result.stderr
