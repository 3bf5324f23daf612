"""In December, before next year's holiday notice is loaded, a proposal is assigned with a provisional reply deadline."""

import datetime as dt

from django.urls import reverse

from workflow.audit import case_events

D = dt.date


def test_assign_in_december_without_next_years_notice_gives_a_provisional_reply_deadline(
    people, walk, clock, api, client
):
    clock.set(D(2026, 12, 21))
    case = walk("accepted", on=D(2026, 12, 21))
    r = api(people.review1).post(
        f"/api/v1/proposals/{case.pk}/transitions/assign/", {"lead_department": "acme-office"}, format="json"
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    # 30 calendar days: Wed 20 Jan 2027, a working day by the statute; 7 working days stay inside 2026.
    due = {d["rule_id"]: (d["due_on"], d["provisional"]) for d in body["deadlines"] if d["status"] == "open"}
    assert due == {"proposal.reply": ("2027-01-20", True), "proposal.assignment_return": ("2026-12-30", False)}
    assert body["provisional"] is True
    (recorded,) = [d for d in case_events(case).last().payload["deadlines"] if d["rule_id"] == "proposal.reply"]
    assert recorded["provisional"] is True
    client.force_login(people.rep1)
    page = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk})).content.decode()
    assert "2027-01-20" in page and "暂按法定节假日推算" in page


def test_an_earlier_reply_date_into_next_year_is_accepted_and_rolls_past_new_year(people, walk, clock, api):
    clock.set(D(2026, 12, 21))
    case = walk("accepted", on=D(2026, 12, 21))
    r = api(people.review1).post(
        f"/api/v1/proposals/{case.pk}/transitions/assign/",
        {"lead_department": "acme-office", "due_date": "2027-01-01"}, format="json",
    )
    assert r.status_code == 200, r.json()
    (reply,) = [d for d in r.json()["deadlines"] if d["rule_id"] == "proposal.reply" and d["status"] == "open"]
    assert (reply["due_on"], reply["provisional"]) == ("2027-01-04", True)  # 元旦 and the weekend rest
