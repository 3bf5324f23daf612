"""With DEBUG off (as served by default) errors show the product's pages, never Django's debug pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_unknown_page_shows_the_product_404_without_the_url_list(client, settings, django_user_model):
    settings.DEBUG = False
    client.force_login(django_user_model.objects.create_user("m1", password="pw-secret-1"))
    r = client.get("/no-such-page/")
    page = r.content.decode()
    assert r.status_code == 404
    assert "页面不存在" in page and "Page not found" in page and "工会工作流 unionflow" in page
    # Django's debug 404 names the URLconf and lists every pattern it tried.
    assert "URLconf" not in page and "api/v1" not in page and "admin/" not in page


def test_forbidden_shows_the_product_403(rf):
    r = defaults.permission_denied(rf.get("/x/"), PermissionDenied())
    assert r.status_code == 403
    assert "无权访问" in r.content.decode() and "Access denied" in r.content.decode()


@pytest.mark.django_db(transaction=False)
def test_server_error_page_renders_with_the_database_unreachable(django_db_blocker):
    """The 500 page needs neither the database nor context processors (they may be what failed)."""
    with django_db_blocker.block():
        r = defaults.server_error(RequestFactory().get("/x/"))
    page = r.content.decode()
    assert r.status_code == 500
    assert "服务器出错" in page and "Server error" in page
    assert "Traceback" not in page
