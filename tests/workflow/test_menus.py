"""Every menu entry a user sees leads to something they may do; read-only roles see no
create, upload or import controls."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

#: Demo accounts of every kind of role (README's demo table).
DEMO_USERS = ("member1", "rep1", "review1", "dept1", "chair", "committee1", "visitor1", "auditor1", "admin", "fedchair")
_MENU = re.compile(r'<vf-page-menu-navigation.*?</vf-page-menu-navigation>', re.S)
_HREF = re.compile(r'href="([^"#]+)"')


@pytest.fixture
def demo(client):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def menu_links(body: str) -> set[str]:
    links = set()
    for menu in _MENU.findall(body):
        links |= {h.replace("&amp;", "&") for h in _HREF.findall(menu) if h.startswith("/") and "logout" not in h}
    return links


def pages_with_menus(client) -> set[str]:
    """The inbox plus every process's list page: together they show every menu."""
    links = menu_links(client.get("/", follow=True).content.decode())
    for link in list(links):
        links |= menu_links(client.get(link, follow=True).content.decode())
    return links


def test_every_menu_link_answers_200_for_every_demo_role(demo, client):
    refused = {}
    for username in DEMO_USERS:
        client.force_login(get_user_model().objects.get(username=username))
        links = pages_with_menus(client)
        assert links, username
        refused |= {(username, link): code for link in links if (code := client.get(link).status_code) != 200}
    assert refused == {}


def test_an_auditor_sees_no_create_link(demo, client):
    client.force_login(get_user_model().objects.get(username="auditor1"))
    links = pages_with_menus(client)
    assert not [link for link in links if link.endswith("/new/")]
    body = client.get("/proposals/").content.decode()
    assert "/proposals/new/" not in body
