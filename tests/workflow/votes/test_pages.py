"""The vote pages: casting once, hiding the ballot, the paper tally form, the case panel."""

from tests.workflow.votes.helpers import add_representatives, ballot, ballot_box, case_put_to_vote, page


def test_ui_representative_votes_once(electronic, client):
    e = electronic
    url = f"/votes/{e.vote.pk}/"
    html = page(client, e.reps[0], url).content.decode()
    assert 'id="uf-ballot"' in html and 'name="choice"' in html
    r = page(client, e.reps[0], url + "ballot/", {"choice": "no"})
    assert r.status_code == 302
    html = page(client, e.reps[0], url).content.decode()
    assert 'id="uf-voted"' in html and 'name="choice"' not in html
    r = page(client, e.reps[0], url + "ballot/", {"choice": "yes"})
    assert ballot_box(e.vote) == {"yes": 0, "no": 1, "abstain": 0}


def test_ui_hides_the_ballot_from_others_and_404s_outsiders(electronic, people, client):
    url = f"/votes/{electronic.vote.pk}/"
    html = page(client, people.member, url).content.decode()
    assert 'id="uf-ballot"' not in html and 'id="uf-secretary"' not in html
    assert page(client, people.outsider, url).status_code == 404
    page(client, people.member, url + "ballot/", {"choice": "yes"})
    assert ballot_box(electronic.vote) == {"yes": 0, "no": 0, "abstain": 0}


def test_ui_paper_tally_and_result_arithmetic(people, orgs, term, api, client):
    add_representatives(orgs.acme, term, 180)
    case, vote = case_put_to_vote(api, people, rule="contract", method="paper")
    url = f"/votes/{vote.pk}/"
    assert 'id="uf-secretary"' in page(client, people.committee, url).content.decode()
    bad = {"present": 120, "yes": 90, "no": 0, "abstain": 0, "invalid": 0}
    r = page(client, people.committee, url + "tally/", bad)
    assert r.status_code == 200 and "uf-alert--error" in r.content.decode()
    vote.refresh_from_db()
    assert vote.tally_present is None
    good = {**bad, "no": 30}
    assert page(client, people.committee, url + "tally/", good).status_code == 302
    assert page(client, people.committee, url + "close/", {}).status_code == 302
    html = page(client, people.committee, url).content.decode()
    assert 'id="uf-result"' in html and "⌈180/2⌉ = 90; 90 ≥ 90" in html and "⌈2×180/3⌉ = 120" in html
    case.refresh_from_db()
    assert case.state == "adopted"
    assert "食堂" in page(client, people.member, "/votes/").content.decode()


def test_case_panel_lists_the_vote_and_its_result(electronic, people, api):
    from django.template import Context, Template

    template = Template("{% load votes_ui %}{% case_votes_panel case %}")
    assert f"/votes/{electronic.vote.pk}/" in template.render(Context({"case": electronic.case}))
    for rep in electronic.reps:
        ballot(api, rep, electronic.vote, "yes")
    api(people.chair).post(f"/api/v1/votes/{electronic.vote.pk}/close/", {}, format="json")
    assert "uf-badge--ok" in template.render(Context({"case": electronic.case}))


# Concurrency (PostgreSQL row locks) ------------------------------------------------------
