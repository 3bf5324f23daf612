"""The contract page, the forms through the service, and the register (page, API, CSV)."""

import datetime as dt

import pytest
from django.urls import reverse

from processes.contracts.models import Contract
from workflow.audit import case_events
from workflow.deadlines.timers import sweep

from .conftest import DAY0, at

pytestmark = pytest.mark.django_db


def page(client, case):
    return client.get(reverse("ui:contracts:detail", kwargs={"pk": case.pk}))


def test_the_page_shows_the_teams_rounds_and_the_passed_version(people, walk, client):
    case = walk("signed")
    client.force_login(people.employer1)
    r = page(client, case)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="uf-teams"' in html and "employer2" in html and 'id="uf-rounds"' in html
    assert case.passed_sha256[:12] in html


def test_the_teams_form_takes_one_line_per_negotiator(people, walk, client):
    case = walk("preparing")
    client.force_login(people.chair)
    r = client.post(reverse("ui:contracts:transition", kwargs={"pk": case.pk, "name": "set_teams"}), {
        "union_team": "高主席|chair\n代表一|rep1\n代表二|rep2",
        "employer_team": "曹总|employer1\n张经理|employer2\n外聘律师||expert",
        "union_chief": "chair", "employer_chief": "employer1",
    })
    assert r.status_code in (200, 302), r.content.decode()[:500]
    case = Contract.objects.get(pk=case.pk)
    assert case.representatives.count() == 6 and case.representatives.filter(expert=True).count() == 1
    assert case_events(case).last().channel == "ui"


def test_a_refused_form_changes_nothing_and_names_the_article(people, walk, client):
    case = walk("preparing")
    client.force_login(people.chair)
    r = client.post(reverse("ui:contracts:transition", kwargs={"pk": case.pk, "name": "set_teams"}), {
        "union_team": "高主席|chair\n代表一|rep1", "employer_team": "曹总|employer1\n张经理|employer2",
        "union_chief": "chair", "employer_chief": "employer1",
    })
    assert r.status_code == 409 and "第十九条" in r.content.decode()
    assert Contract.objects.get(pk=case.pk).version == case.version


def test_the_register_lists_in_force_expiring_and_expired_with_the_rollup(people, walk, api, orgs, clock):
    walk("in_force")  # expires 17 March 2027
    old = walk("in_force")
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    sweep(now=at(dt.date(2027, 3, 18), hour=1))
    assert Contract.objects.get(pk=old.pk).state == "expired"
    walk("in_force", on=dt.date(2026, 4, 1))  # expires 15 April 2027: within 90 days of 20 March 2027
    clock.set(dt.date(2027, 3, 20))
    r = api(people.member).get("/api/v1/contracts/register/", {"organisation": "acme"})
    assert r.status_code == 200
    body = r.json()
    assert [len(body[k]) for k in ("in_force", "expiring", "expired")] == [0, 1, 2]
    assert body["rollup"]["enterprises_with_contract"] == 1 and body["rollup"]["workers_covered"] >= 8
    fed = api(people.auditor).get("/api/v1/contracts/register/", {"organisation": "fed"}).json()
    assert fed["rollup"]["enterprises"] == 2 and fed["rollup"]["enterprises_with_contract"] == 1
    csv = api(people.member).get("/api/v1/contracts/register/", {"organisation": "acme", "export": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().count("\n") == 4


def test_the_register_is_refused_outside_the_readers_organisation(people, api):
    r = api(people.beta_chair).get("/api/v1/contracts/register/", {"organisation": "acme"})
    assert r.status_code == 403
    assert api(people.member).get("/api/v1/contracts/register/", {"organisation": ""}).status_code == 400


def test_the_register_page_shows_the_chart(people, walk, client):
    walk("in_force")
    client.force_login(people.chair)
    r = client.get(reverse("contracts-register-page"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="uf-by-kind"' in html and 'id="uf-in-force"' in html


def test_the_filing_package_pdf_has_the_text_the_vote_and_both_signatures(people, walk, api, client):
    from tests.support.pdf import text_of

    case = walk("signed")
    r = api(people.employer1).get(f"/api/v1/contracts/{case.pk}/filing.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = text_of(r.content)
    assert "集体合同草案v1" in text and "roundedup=4" in text and "roundedup=3" in text
    assert "职工方首席代表" in text and "企业方首席代表" in text and case.passed_sha256[:16] in text
    assert api(people.beta_chair).get(f"/api/v1/contracts/{case.pk}/filing.pdf").status_code == 404
    client.force_login(people.chair)
    assert client.get(reverse("contracts-filing-pdf-page", kwargs={"pk": case.pk})).status_code == 200


def test_a_contract_in_force_is_shown_to_every_member_and_nothing_before(people, walk, api, client):
    """第四十八条: once published, every member reads it; before that (or elsewhere) it is a 404."""
    case = walk("effective")
    assert api(people.member).get(f"/api/v1/contracts/{case.pk}/published/").status_code == 404
    case = walk("in_force")
    r = api(people.member).get(f"/api/v1/contracts/{case.pk}/published/")
    assert r.status_code == 200 and "集体合同草案 v1" in r.json()["text"]
    assert r.json()["document"]["sha256"] == case.passed_sha256
    assert api(people.beta_chair).get(f"/api/v1/contracts/{case.pk}/published/").status_code == 404
    assert api(people.member).get(f"/api/v1/contracts/{case.pk}/").status_code == 404  # the case file stays closed
    client.force_login(people.member)
    page = client.get(reverse("contracts-published-page", kwargs={"pk": case.pk}))
    assert page.status_code == 200 and "集体合同草案 v1" in page.content.decode()


def test_the_new_contract_form_offers_the_contracts_in_their_renewal_window(people, walk, client):
    case = walk("in_force")
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    client.force_login(people.chair)
    form = client.get(reverse("ui:contracts:create")).content.decode()
    assert f'value="{case.reference}"' in form
    r = client.post(reverse("ui:contracts:create"), {"organisation": str(case.organisation_id), "kind": "wage",
                                                    "renewal_of": case.reference})
    assert r.status_code == 302
    renewal = Contract.objects.get(renewed_from=case)
    assert renewal.representatives.count() == 6 and case_events(renewal).first().channel == "ui"


def test_the_page_links_the_draft_to_its_diff_with_the_previous_version(people, walk, upload, client):
    from processes.contracts import services as svc

    case = walk("round")
    v1 = upload(case, people.chair, "第一条 工资增长3%")
    v2 = upload(case, people.employer1, "第一条 工资增长5%", previous=v1)
    svc.contract_sign_minutes(case=case, actor=people.employer1)
    svc.contract_agree_draft(case=case, actor=people.chair, document=v2)
    client.force_login(people.employer1)
    html = page(client, case).content.decode()
    diff_url = reverse("documents:diff", kwargs={"pk": v1.pk, "other_pk": v2.pk})
    assert diff_url in html
    diff = client.get(diff_url).content.decode()
    assert "工资增长3%" in diff and "工资增长5%" in diff


def test_a_contract_being_varied_stays_in_force_with_its_published_text_until_the_variation_is_published(
    people, walk, api, upload, clock
):
    """第四十条、第四十八条: while the varied text is voted, signed, filed and reviewed, the register lists the contract
    in force and members read the text published; the varied text replaces it once published."""
    from processes.contracts import services as svc

    from .conftest import close_vote

    case = walk("in_force")
    old_sha = case.passed_sha256
    clock.set(DAY0 + dt.timedelta(days=40))
    varied = upload(case, people.chair, "变更后文本 v2", previous=case.passed_document)
    for who in (people.employer1, people.chair):
        svc.contract_vary(case=case, actor=who, grounds="agreed", document=varied)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    assert close_vote(case, people.committee, present=6, yes=6).state == "passed"

    def seen():
        register = api(people.member).get("/api/v1/contracts/register/", {"organisation": "acme"}).json()
        published = api(people.member).get(f"/api/v1/contracts/{case.pk}/published/").json()
        return [r["reference"] for r in register["in_force"]], published["document"]["sha256"], published["text"]

    assert seen() == ([case.reference], old_sha, "集体合同草案 v1")
    for who in (people.chair, people.employer1):
        svc.contract_sign(case=case, actor=who)
    svc.contract_file(case=case, actor=people.employer1, filed_on=clock.today)
    review_due = Contract.objects.get(pk=case.pk).review_due_on
    sweep(now=at(review_due + dt.timedelta(days=1), hour=1))
    assert seen()[1] == old_sha
    clock.set(review_due + dt.timedelta(days=2))
    svc.contract_publish(case=case, actor=people.chair, channel="notice_board", published_on=clock.today)
    assert seen() == ([case.reference], varied.sha256, "变更后文本 v2")
