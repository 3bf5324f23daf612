"""The API docs and schema are for signed-in users, and the docs load nothing from another host."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("m1", password="pw-secret-1")


def test_anonymous_users_get_neither_docs_nor_schema(client):
    r = client.get("/api/docs/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.get("/api/schema/").status_code == 401


def test_docs_page_and_its_script_reference_no_external_host(client, member):
    client.force_login(member)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "<script>" not in html  # the start-up script is a file, as the CSP requires

    script_url = next(u for u in urls if "script" in u and u.startswith("/api/docs/"))
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert not re.search(r"https?://", script.content.decode())
    for asset in (u for u in urls if u.startswith("/static/")):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/api/schema/").status_code == 200
