"""Each process's own dashboard figures (issue #15, §4, through ``ProcessSpec.dashboard``), checked
against a direct count of the demo data in Python: the proposers' satisfaction rate, aid paid per
month and type against the budget, disputes by category and outcome, contracts in force and
expiring within 90 days. Then the boundaries a reader would notice: a returned payment is taken
off what was paid; a contract ending on day 90 is expiring, one ending on day 91 is not."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from processes.aid.ledger import ledger_reverse
from processes.aid.models import AidFund, AidLedgerEntry
from processes.contracts.models import Contract
from processes.contracts.states import IN_FORCE_STATES, TERMINAL_STATES
from processes.disputes.dashboard import OUTCOMES
from processes.disputes.models import Dispute
from processes.proposals.models import Proposal
from workflow.audit import dashboard
from workflow.models import Organisation

PAGE = "/audit/dashboard/"
API = "/api/v1/audit/dashboard/"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", verbosity=0)
    return type("Demo", (), {"users": {u.username: u for u in get_user_model().objects.all()}})


def figures(user, **scope):
    sections = dashboard.dashboard(dashboard.dashboard_scope(user=user, **scope))
    return {f.key: f for _title, found in sections for f in found}


def pct(part, whole):
    return round(100.0 * float(part) / float(whole), 1) if whole else None


def direct_satisfaction(org_ids):
    per_org = defaultdict(Counter)
    for p in Proposal.objects.filter(organisation_id__in=org_ids, state__in=["closed", "archived"]):
        tally = per_org[p.organisation.code]
        ratings = sorted(p.ratings.all(), key=lambda r: (r.rated_at, r.pk))
        if p.closure == "not_rated":
            tally["not_rated"] += 1
        elif ratings:
            tally["rated"] += 1
            tally[ratings[-1].rating] += 1
    return {
        code: (t["rated"], t["satisfied"], t["basically_satisfied"], t["unsatisfied"], t["not_rated"],
               pct(t["satisfied"] + t["basically_satisfied"], t["rated"]))
        for code, t in per_org.items()
    }


def direct_aid(org_ids):
    by_month, by_year = defaultdict(Decimal), defaultdict(Decimal)
    for e in AidLedgerEntry.objects.filter(fund__organisation_id__in=org_ids).exclude(kind="allocation").select_related("fund"):
        sign = 1 if e.kind == "disbursement" else -1
        by_month[(e.booked_on.strftime("%Y-%m"), e.fund.year, e.aid_type)] += sign * e.amount
        by_year[e.fund.year] += sign * e.amount
    budgets, balances = defaultdict(Decimal), defaultdict(Decimal)
    for fund in AidFund.objects.filter(organisation_id__in=org_ids):
        budgets[fund.year] += fund.budget
        balances[fund.year] += fund.balance
    return by_month, {y: (budgets[y], by_year[y], balances[y], pct(by_year[y], budgets[y])) for y in budgets}


def direct_disputes(org_ids):
    outcome = {state: code for code, (_label, states) in OUTCOMES.items() for state in states}
    return Counter((d.category, outcome[d.state]) for d in Dispute.objects.filter(organisation_id__in=org_ids))


def direct_contracts(org_ids, today):
    found = Counter()
    for c in Contract.objects.filter(organisation_id__in=org_ids).select_related("organisation"):
        if c.published_on is not None and c.state not in TERMINAL_STATES:  # in force, or in force and being varied
            found[(c.organisation.code, c.kind, "in_force")] += 1
            found[(c.organisation.code, c.kind, "expiring")] += c.expires_on <= today + dt.timedelta(days=90)
    return {(o, k): (found[(o, k, "in_force")], found[(o, k, "expiring")]) for o, k, what in found if what == "in_force"}


def check(found, org_ids, today):
    satisfaction = {r[0]: r[1:] for r in found["proposals-satisfaction"].rows}
    assert satisfaction == direct_satisfaction(org_ids)
    by_month, by_year = direct_aid(org_ids)
    assert {(r[0], r[1], r[2]): r[6] for r in found["aid-disbursed-by-month"].rows} == dict(by_month)
    assert {r[0]: r[1:] for r in found["aid-against-budget"].rows} == by_year
    assert {(r[0], r[2]): r[4] for r in found["disputes-by-outcome"].rows} == direct_disputes(org_ids)
    assert {(r[0], r[1]): r[3:] for r in found["contracts-in-force"].rows} == direct_contracts(org_ids, today)


def test_every_process_figure_matches_a_direct_count_of_the_demo_data(demo, client):
    auditor = demo.users["auditor1"]
    scope = dashboard.dashboard_scope(user=auditor)
    found = figures(auditor)
    check(found, scope.organisation_ids, scope.today)
    # The demo has something to count in each: a figure that is always empty proves nothing.
    for key in ("proposals-satisfaction", "aid-disbursed-by-month", "aid-against-budget", "disputes-by-outcome",
                "contracts-in-force"):
        assert found[key].rows, key
    assert sum(r[1] for r in found["proposals-satisfaction"].rows) >= 3
    assert {r[2] for r in found["disputes-by-outcome"].rows} >= {"agreed", "declined", "in_progress"}
    # The same figures reach the API and the page, each with its CSV.
    body = client_json(client, auditor)
    keys = {f["key"] for s in body["sections"] for f in s["figures"]}
    assert {"proposals-satisfaction", "aid-against-budget", "disputes-by-outcome", "contracts-in-force"} <= keys
    client.force_login(auditor)
    assert "figure-aid-disbursed-by-month" in client.get(PAGE).content.decode()
    csv = client.get(PAGE, {"csv": "disputes-by-outcome"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("类别 Category") and len(csv.splitlines()) == 1 + len(
        found["disputes-by-outcome"].rows)
    # Narrowed to one enterprise (its subtree), or read by that enterprise's chair: only its own.
    for code in Organisation.objects.filter(kind="enterprise").values_list("code", flat=True):
        narrowed = dashboard.dashboard_scope(user=auditor, organisation=code)
        found = figures(auditor, organisation=code)
        check(found, narrowed.organisation_ids, narrowed.today)
        codes = set(Organisation.objects.filter(pk__in=narrowed.organisation_ids).values_list("code", flat=True))
        assert {r[0] for r in found["contracts-in-force"].rows} <= codes and code in codes
    chair = demo.users["chair"]
    check(figures(chair), dashboard.dashboard_scope(user=chair).organisation_ids, scope.today)


def client_json(client, user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    response = api.get(API)
    assert response.status_code == 200
    return response.json()


def test_a_returned_payment_is_taken_off_what_was_paid(demo):
    payment = AidLedgerEntry.objects.filter(kind="disbursement").select_related("fund__organisation").first()
    organisation = payment.fund.organisation
    auditor = demo.users["auditor1"]
    before = {r[0]: r for r in figures(auditor)["aid-against-budget"].rows}[payment.fund.year]
    ledger_reverse(organisation=organisation, entry_id=payment.pk, reason="银行退回 Returned by the bank",
                   actor_user=demo.users["finance1"])
    found = figures(auditor)
    after = {r[0]: r for r in found["aid-against-budget"].rows}[payment.fund.year]
    assert after[2] == before[2] - payment.amount and after[3] == before[3] + payment.amount
    scope = dashboard.dashboard_scope(user=auditor)
    check(found, scope.organisation_ids, scope.today)


def test_a_contract_ending_on_day_90_is_expiring_and_on_day_91_is_not(demo):
    contract = Contract.objects.filter(state__in=IN_FORCE_STATES).order_by("expires_on").last()
    auditor = demo.users["auditor1"]
    tz = timezone.get_current_timezone()

    def expiring_on(days_before):
        day = contract.expires_on - dt.timedelta(days=days_before)
        now = dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz)
        rows = figures(auditor, now=now)["contracts-in-force"].rows
        return sum(r[4] for r in rows if (r[0], r[1]) == (contract.organisation.code, contract.kind))

    assert expiring_on(90) == expiring_on(91) + 1
