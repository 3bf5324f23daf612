"""The proposal page in the web UI: co-signers, replies and ratings; an action form goes through the service."""

from django.urls import reverse

from processes.proposals import services as svc
from processes.proposals.models import Proposal
from workflow.audit import case_events


def page(client, case):
    return client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk}))


def test_the_page_shows_cosigners_replies_and_ratings(people, walk, client):
    case = walk("replied")
    svc.proposal_rate(case=case, actor=people.rep1, rating="unsatisfied", comment="措施不具体 Vague.")
    client.force_login(people.rep1)
    r = page(client, case)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="uf-cosigners"' in html and "rep2" in html and "rep3" in html
    assert 'id="uf-replies"' in html and "已落实 Done." in html and "措施不具体 Vague." in html
    assert "办公室" in html  # the lead department


def test_an_action_form_performs_the_transition(people, walk, client):
    case = walk("submitted")
    client.force_login(people.review1)
    r = client.post(reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "start_review"}), {})
    assert r.status_code in (200, 302)
    case = Proposal.objects.get(pk=case.pk)
    assert case.state == "under_review" and case_events(case).last().channel == "ui"


def test_a_refused_action_in_the_ui_changes_nothing(people, walk, client):
    case = walk("cosigning")
    client.force_login(people.rep1)
    r = client.post(reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "submit"}), {})
    assert r.status_code in (403, 409) and "proposal.min_cosigners" in r.content.decode()
    assert Proposal.objects.get(pk=case.pk).version == case.version


def test_inviting_cosigners_from_the_form(people, walk, client):
    case = walk("draft")
    client.force_login(people.rep1)
    url = reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "invite_cosigners"})
    client.post(url, {"cosigners": ["rep2", "rep3"]})
    case = Proposal.objects.get(pk=case.pk)
    assert case.state == "cosigning"
    assert sorted(case.cosigners.values_list("user__username", flat=True)) == ["rep2", "rep3"]


def test_the_admin_shows_proposals_read_only(people, walk, client, django_user_model):
    case = walk("replied")
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-secret-1")
    client.force_login(admin)
    assert client.get("/admin/proposals/proposal/").status_code == 200
    r = client.get(f"/admin/proposals/proposal/{case.pk}/change/")
    assert r.status_code == 200 and "rep2" in r.content.decode()
    assert client.post(f"/admin/proposals/proposal/{case.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(case).objects.filter(pk=case.pk).exists()
