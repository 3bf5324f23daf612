"""The report page is in the proposals menu, opens on the reader's own organisation and offers the others they may read."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_report_opens_on_the_readers_own_organisation(people, client):
    """Without ?organisation= the page answers the reader's own organisation (it used to say 输入有误)."""
    client.force_login(people.review1)
    r = client.get("/proposals/report/")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="uf-report-head"' in html and "输入有误" not in html
    assert '<option value="acme" selected>' in html
    assert "?organisation=acme&export=csv" in html


def test_an_auditor_of_the_federation_picks_among_the_organisations_below(people, client):
    """The auditor's own organisation (the federation) holds no congress: the first below it is shown,
    and the picker lists each organisation with a congress term (beta's too)."""
    client.force_login(people.auditor)
    html = client.get("/proposals/report/").content.decode()
    assert '<option value="acme" selected>' in html and '<option value="beta"' in html


def test_a_reader_without_a_report_role_gets_a_clear_refusal_and_no_menu_entry(people, client):
    client.force_login(people.rep1)
    r = client.get("/proposals/report/")
    assert r.status_code == 403 and "Only the review committee" in r.content.decode()
    assert 'href="/proposals/report/"' not in client.get("/proposals/").content.decode()


def test_the_report_is_linked_from_the_proposals_menu(people, client):
    client.force_login(people.chair)
    html = client.get("/proposals/").content.decode()
    assert 'href="/proposals/report/"' in html and "Proposal report" in html
