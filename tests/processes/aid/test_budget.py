"""Finance adjusts an aid fund's budget after it was opened (预算调整), with a reason. The budget never
goes below what is paid out (less what came back) plus what is approved but unpaid: at that floor
it is accepted, one cent below it is a 400 naming both figures and nothing changes. Each change is
kept, shown on the ledger API and page, and is an event on the fund's own audit chain."""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.budget import fund_set_budget
from processes.aid.ledger import ledger_reverse
from processes.aid.models import AidBudgetChange, AidCase, AidFund, AidLedgerEntry
from workflow.audit import case_events, chain_valid
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
REASON = "年中追加 Mid-year increase"


def the_fund(orgs) -> AidFund:
    return AidFund.objects.select_related("organisation").get(organisation=orgs.acme, year=2026)


def set_budget(people, orgs, amount, *, who=None, year=2026):
    return fund_set_budget(organisation=orgs.acme, year=year, budget=Decimal(amount), reason=REASON,
                           actor_user=who or people.finance, now=at(DAY))


@pytest.fixture
def spent(walk, people, fund):
    """ACME's 2026 fund (budget 10,000): one case paid 1,500, another approved for 2,000 and unpaid."""
    from workflow.deadlines.timers import sweep

    paid = walk("public_notice")
    promised = walk("public_notice", aid_type="medical")
    sweep(now=at(DAY, 0))
    svc.aid_approve(case=paid, actor=people.committee1, amount=Decimal("1500"), now=at(DAY))
    svc.aid_approve(case=promised, actor=people.committee1, amount=Decimal("2000"), now=at(DAY))
    svc.aid_disburse(case=AidCase.objects.get(pk=paid.pk), actor=people.finance, transaction_ref="TX-1", paid_on=DAY,
                     now=at(DAY))
    return paid


def test_finance_changes_the_budget_with_a_reason_on_the_fund_chain(spent, people, orgs):
    change = set_budget(people, orgs, "12000")
    fund = the_fund(orgs)
    assert fund.budget == Decimal("12000") and fund.balance == Decimal("8500")  # the balance is money, not plan
    assert (change.previous_budget, change.budget, change.floor) == (Decimal("10000"), Decimal("12000"),
                                                                     Decimal("3500"))
    event = list(case_events(fund))[-1]
    assert event.action == "ledger_budget" and event.actor_role == "finance"
    assert event.payload == {"previous_budget": "10000.00", "budget": "12000.00", "paid_out": "1500.00",
                             "committed": "2000.00", "reason": REASON}
    assert chain_valid(fund)


def test_at_the_floor_accepted_one_cent_below_refused_and_nothing_changes(spent, people, orgs):
    events = case_events(the_fund(orgs)).count()
    with pytest.raises(InvalidInput) as err:
        set_budget(people, orgs, "3499.99")
    assert err.value.status == 400 and "3500.00" in err.value.detail and "1500.00" in err.value.detail
    assert the_fund(orgs).budget == Decimal("10000") and not AidBudgetChange.objects.exists()
    assert case_events(the_fund(orgs)).count() == events
    set_budget(people, orgs, "3500")
    assert the_fund(orgs).budget == Decimal("3500")


@pytest.fixture
def third(spent, walk, people):
    """A third ACME case awaiting the committee's approval (the fund: 1,500 paid, 2,000 promised)."""
    from workflow.deadlines.timers import sweep

    case = walk("public_notice", aid_type="education")
    sweep(now=at(DAY, 0))
    return AidCase.objects.get(pk=case.pk)


def test_an_approval_the_budget_cannot_cover_is_refused_and_one_it_just_covers_passes(third, people, orgs):
    """The floor holds from the approval's side too: 1,500 paid + 2,000 promised + 1,000 asked needs a
    budget of 4,500; at 4,499.99 the approval is a 409 naming the figures and nothing changes."""
    set_budget(people, orgs, "4499.99")
    events = case_events(third).count()
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve(case=third, actor=people.committee1, amount=Decimal("1000"), now=at(DAY))
    assert err.value.status == 409 and err.value.rule == "aid.budget"
    assert "4499.99" in err.value.detail and "1500.00" in err.value.detail and "2000.00" in err.value.detail
    fresh = AidCase.objects.get(pk=third.pk)
    assert fresh.state == "pending_approval" and fresh.approved_amount is None
    assert case_events(third).count() == events
    set_budget(people, orgs, "4500")
    svc.aid_approve(case=fresh, actor=people.committee1, amount=Decimal("1000"), now=at(DAY))
    assert AidCase.objects.get(pk=third.pk).state == "approved"
    with pytest.raises(InvalidInput):  # what was just promised now holds the budget up
        set_budget(people, orgs, "4499.99")


def test_the_second_emergency_approval_is_held_to_the_budget(spent, people, orgs):
    """The emergency fast track promises money on its second approval: refused (409) when the
    budget cannot cover it, and the first approval stays recorded."""
    from .conftest import DAY0, create

    set_budget(people, orgs, "5499.99")  # 3,500 paid and promised: 1,999.99 left to promise
    urgent = create(people, orgs, aid_type="emergency", amount="2000", now=at(DAY0))
    svc.aid_submit(case=urgent, actor=people.member, now=at(DAY))
    svc.aid_approve_emergency(case=urgent, actor=people.chair, amount=Decimal("2000"), justification="火灾 Fire",
                              now=at(DAY))
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve_emergency(case=AidCase.objects.get(pk=urgent.pk), actor=people.committee2,
                                  amount=Decimal("2000"), justification="火灾 Fire", now=at(DAY))
    assert err.value.rule == "aid.budget"
    fresh = AidCase.objects.get(pk=urgent.pk)
    assert fresh.state == "submitted" and len(fresh.emergency_approvers) == 1


def test_money_that_came_back_no_longer_holds_the_budget_up(spent, people, orgs):
    payment = AidLedgerEntry.objects.get(kind="disbursement")
    ledger_reverse(organisation=orgs.acme, entry_id=payment.pk, reason="账户退回 Returned by the bank",
                   actor_user=people.finance, now=at(DAY))
    set_budget(people, orgs, "2000")  # only the approved, unpaid 2,000 remains
    with pytest.raises(InvalidInput):
        set_budget(people, orgs, "1999.99")


def test_last_years_fund_is_held_by_what_it_paid_only(spent, people, orgs):
    from processes.aid.ledger import fund_open

    fund_open(organisation=orgs.acme, year=2025, budget=Decimal("5000"))
    change = set_budget(people, orgs, "0.01", year=2025)  # nothing paid from it; 2026's approvals do not count
    assert change.floor == 0


@pytest.mark.parametrize("who", ["committee1", "chair", "auditor", "member"])
def test_only_finance_changes_the_budget_and_nothing_changes_otherwise(spent, people, orgs, who):
    with pytest.raises(ActionForbidden):
        set_budget(people, orgs, "20000", who=getattr(people, who))
    assert the_fund(orgs).budget == Decimal("10000") and not AidBudgetChange.objects.exists()


def test_the_api_changes_the_budget_refuses_bad_input_with_400_and_shows_the_history(spent, people, api, clock):
    clock.set(DAY)
    url = "/api/v1/aid/ledger/budget/"
    body = {"organisation": "acme", "year": 2026, "budget": "11000.00", "reason": REASON}
    for bad in ({**body, "reason": ""}, {**body, "budget": "-1"}, {**body, "budget": "3499.99"}):
        r = api(people.finance).post(url, bad, format="json")
        assert r.status_code == 400, bad
    assert "3500.00" in r.json()["detail"]
    assert api(people.committee1).post(url, body, format="json").status_code == 403
    r = api(people.finance).post(url, body, format="json")
    assert r.status_code == 201 and r.json()["budget"] == "11000.00" and r.json()["previous_budget"] == "10000.00"
    ledger = api(people.auditor).get("/api/v1/aid/ledger/?organisation=acme&year=2026").json()
    assert ledger["budget"] == "11000.00"
    assert [(c["previous_budget"], c["budget"], c["reason"], c["by"]) for c in ledger["budget_changes"]] == [
        ("10000.00", "11000.00", REASON, "finance1")]


def test_the_ledger_page_offers_finance_the_form_and_shows_a_refusal(spent, people, client, clock):
    clock.set(DAY)
    url = "/aid/ledger/?organisation=acme&year=2026"
    client.force_login(people.committee1)
    assert 'id="uf-budget-form"' not in client.get(url).content.decode()
    client.force_login(people.finance)
    assert 'id="uf-budget-form"' in client.get(url).content.decode()
    refused = client.post(url, {"organisation": "acme", "year": "2026", "budget": "100", "reason": REASON})
    assert refused.status_code == 400 and 'id="uf-budget-error"' in refused.content.decode()
    done = client.post(url, {"organisation": "acme", "year": "2026", "budget": "15000", "reason": REASON},
                       follow=True)
    page = done.content.decode()
    assert done.status_code == 200 and "15000.00" in page and REASON in page
