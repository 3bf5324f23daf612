"""The pages: the case page for the roles that see it, the notice page with its objection form,
and the ledger page with its totals."""

import pytest

from processes.aid.models import AidCase

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who", ["visitor1", "committee1", "finance", "auditor", "member"])
def test_the_case_page_shows_the_case_with_restricted_data_masked(client, walk, people, who):
    case = walk("public_notice")
    r = page(client, getattr(people, who), f"/aid/{case.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert case.reference in html and ID_NUMBER not in html and "110*" in html


def test_an_outsider_gets_404(client, walk, people):
    case = walk("submitted")
    assert page(client, people.bmember, f"/aid/{case.pk}/").status_code == 404


def test_a_member_objects_from_the_notice_page(client, walk, people):
    case = walk("public_notice")
    r = page(client, people.member2, "/aid/notices/")
    assert r.status_code == 200 and "张*明" in r.content.decode() and ID_NUMBER not in r.content.decode()
    r = client.post("/aid/notices/", {"case": case.pk, "grounds": "家有两套住房 Owns two flats"})
    assert r.status_code == 302
    assert AidCase.objects.get(pk=case.pk).state == "objection_review"
    r = client.post("/aid/notices/", {"case": case.pk, "grounds": "再次 again"})
    assert r.status_code == 404  # no longer on notice


def test_the_ledger_page_for_finance_and_not_for_a_member(client, people, fund):
    r = page(client, people.finance, "/aid/ledger/?organisation=acme&year=2026")
    assert r.status_code == 200 and "10000.00" in r.content.decode()
    assert page(client, people.member, "/aid/ledger/?organisation=acme&year=2026").status_code == 403
