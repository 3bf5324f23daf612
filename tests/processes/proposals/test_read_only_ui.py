"""Read-only readers (auditors) see no control they cannot use: no create, no upload; a closed case offers no upload."""

import pytest

pytestmark = pytest.mark.django_db


def _html(client, user, url):
    client.force_login(user)
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_an_auditor_sees_no_upload_on_the_case_page_or_the_documents_page(people, walk, client):
    case = walk("under_review")
    page = _html(client, people.auditor, f"/proposals/{case.pk}/")
    assert 'id="uf-documents-link"' in page and "Upload and manage" not in page and "View all" in page
    docs = _html(client, people.auditor, f"/documents/?process=proposals&case={case.pk}")
    assert 'id="uf-upload"' not in docs


def test_an_auditor_sees_no_create_control(people, client):
    page = _html(client, people.auditor, "/proposals/")
    assert 'href="/proposals/new/"' not in page


def test_a_participant_is_offered_the_upload_until_the_case_is_closed(people, walk, client):
    case = walk("under_review")
    assert "Upload and manage" in _html(client, people.rep1, f"/proposals/{case.pk}/")
    assert 'id="uf-upload"' in _html(client, people.rep1, f"/documents/?process=proposals&case={case.pk}")
    closed = walk("closed", title="已办结 Closed one")
    assert "Upload and manage" not in _html(client, people.rep1, f"/proposals/{closed.pk}/")
    assert 'id="uf-upload"' not in _html(client, people.rep1, f"/documents/?process=proposals&case={closed.pk}")
