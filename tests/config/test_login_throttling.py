"""Repeated wrong passwords lock the username out from that address; the API answers 429 past its rates.

These tests run with the project's real lockout and rate configuration (the rest of the
suite switches both off, see tests/settings.py).
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config import settings as project_settings

PASSWORD = "pw-secret-1"
LIMIT = project_settings.AXES_FAILURE_LIMIT


@pytest.fixture
def lockout_on(settings, db):
    settings.AXES_ENABLED = True
    assert LIMIT == 5  # the documented default


@pytest.fixture
def real_rates(monkeypatch):
    """DRF reads its rates once at import: put the project's real ones back for this test."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", dict(project_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]))
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(db):
    make = get_user_model().objects.create_user
    return make("m1", password=PASSWORD), make("m2", password=PASSWORD)


def page_login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def token(client, username, password, address="10.0.0.1"):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def test_login_page_locks_out_after_five_wrong_passwords(lockout_on, users):
    client = Client()
    for _attempt in range(LIMIT - 1):
        r = page_login(client, "m1", "wrong")
        assert r.status_code == 200 and "登录已暂停" not in r.content.decode()
    r = page_login(client, "m1", "wrong")
    assert r.status_code == 429
    assert "登录已暂停" in r.content.decode() and "15 分钟" in r.content.decode()

    # The sixth try, with the right password, is refused too: no session is opened.
    r = page_login(client, "m1", PASSWORD)
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session

    # Another user from the same address logs in as usual.
    other = Client()
    r = page_login(other, "m2", PASSWORD)
    assert r.status_code == 302 and other.session["_auth_user_id"] == str(users[1].pk)


def test_token_endpoint_locks_out_with_a_json_error(lockout_on, users):
    api = APIClient()
    for _attempt in range(LIMIT - 1):
        r = token(api, "m1", "wrong")
        assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"
    r = token(api, "m1", "wrong")
    assert r.status_code == 429 and r.json()["code"] == "locked_out"
    assert int(r["Retry-After"]) == 15 * 60

    r = token(api, "m1", PASSWORD)
    assert r.status_code == 429 and "token" not in r.json()
    # The same user from another address, and another user from this one, are not locked out.
    assert "token" in token(api, "m1", PASSWORD, address="10.0.0.2").json()
    assert "token" in token(api, "m2", PASSWORD).json()


def test_a_successful_login_resets_the_count(lockout_on, users):
    for _round in range(2):
        client = Client()
        for _attempt in range(LIMIT - 1):
            assert page_login(client, "m1", "wrong").status_code == 200
        assert page_login(client, "m1", PASSWORD).status_code == 302


def test_a_token_issued_resets_the_count(lockout_on, users):
    """A client that logs in through the API after a few typos starts again from zero, as on the page."""
    api = APIClient()
    for _round in range(2):
        for _attempt in range(LIMIT - 1):
            assert token(api, "m1", "wrong").status_code == 400
        assert "token" in token(api, "m1", PASSWORD).json()
    assert token(api, "m1", "wrong").status_code == 400  # the 9th typo in all, the 1st since the last success


def test_token_endpoint_is_throttled_with_429_json(real_rates, users):
    """The token endpoint's stricter rate (10 a minute per address) answers 429 JSON with Retry-After."""
    api = APIClient()
    answers = [token(api, "m1", PASSWORD).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    r = token(api, "m1", PASSWORD)
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    assert int(r["Retry-After"]) > 0


def test_a_user_past_the_rate_gets_429_json(real_rates, users, monkeypatch):
    """Per-user rate (1200 a minute by default; lowered here to keep the test short)."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "5/min")
    api = APIClient()
    api.force_authenticate(users[0])
    assert [api.get("/api/v1/me/").status_code for _ in range(5)] == [200] * 5
    r = api.get("/api/v1/me/")
    assert r.status_code == 429 and r.json()["code"] == "throttled" and int(r["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(users[1])
    assert other.get("/api/v1/me/").status_code == 200
