"""An objection to the notice published after payment (emergency fast track, rules.md A4: approved
first, published afterwards). It is taken up to and including the notice's last working day, as for
the ordinary notice; upheld, the aid is recovered (追回) into the fund that paid it and the case ends
``recovered``; dismissed, a fresh notice runs and the case is filed as usual."""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.ledger import ledger_reverse
from processes.aid.models import AidCase, AidFund, AidLedgerEntry, AidObjection
from workflow import flowkit
from workflow.audit import case_events, chain_valid
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from workflow.models import WorkItem

from .conftest import DAY0, at, create

pytestmark = pytest.mark.django_db
#: Published Monday 2026-03-02 for 5 working days: the last day is Monday 2026-03-09.
LAST_DAY = dt.date(2026, 3, 9)
REVIEWED = dt.date(2026, 3, 11)


def unchanged(case, state):
    fresh = AidCase.objects.get(pk=case.pk)
    assert fresh.state == state and fresh.version == case.version
    return fresh


@pytest.fixture
def published(people, orgs, fund):
    """An emergency case approved by the chair and one member, paid 3,000 yuan, then on notice."""
    case = create(people, orgs, aid_type="emergency", amount="3000")
    svc.aid_submit(case=case, actor=people.member, now=at(DAY0))
    for approver in (people.chair, people.committee1):
        svc.aid_approve_emergency(case=case, actor=approver, amount=Decimal("3000"), justification="火灾 Fire",
                                  now=at(DAY0))
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-E1", paid_on=DAY0, now=at(DAY0))
    svc.aid_post_notice(case=case, actor=people.chair, now=at(DAY0))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "post_notice" and case.notice_ends_on == LAST_DAY
    return case


def objected(case, people, day=LAST_DAY):
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="已获其他救助 Already helped elsewhere",
                   now=at(day))
    return AidCase.objects.get(pk=case.pk)


def balance(orgs) -> Decimal:
    return AidFund.objects.get(organisation=orgs.acme, year=2026).balance


def test_an_objection_on_the_last_day_is_taken_and_the_day_after_refused(published, people):
    with pytest.raises(GuardFailed) as err:
        objected(published, people, day=LAST_DAY + dt.timedelta(days=1))
    assert err.value.rule == "aid.notice"
    unchanged(published, "post_notice")
    case = objected(published, people)
    assert case.state == "post_objection_review"
    assert case.objections.get().outcome == AidObjection.Outcome.OPEN
    with pytest.raises(TransitionNotAllowed):  # not filed while the objection is open
        svc.aid_archive(case=case, actor=people.committee1, now=at(REVIEWED))


def test_the_notice_page_takes_an_objection_to_a_notice_after_payment(published, people, client, clock):
    clock.set(LAST_DAY)
    client.force_login(people.member2)
    page = client.get("/aid/notices/").content.decode()
    assert f'id="uf-notice-{published.pk}"' in page and 'name="grounds"' in page
    r = client.post("/aid/notices/", {"case": published.pk, "grounds": "已获其他救助 Already helped elsewhere"},
                    follow=True)
    case = AidCase.objects.get(pk=published.pk)
    assert case.state == "post_objection_review"
    assert "异议已提交，您的身份予以保密" in r.content.decode()  # confirmed on the notices page itself
    objection = list(case_events(case))[-1]
    assert objection.action == "object" and objection.channel == "ui"  # filed in the web UI, as the case pages


def test_upheld_the_aid_is_recovered_into_the_fund_that_paid_it(published, people, orgs):
    case = objected(published, people)
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="重复救助 Aid paid twice", now=at(REVIEWED))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "recovery_due" and case.notice_taken_down_on == REVIEWED
    assert balance(orgs) == Decimal("7000")  # nothing is credited before the money is back
    assert flowkit.position(case) == "recovery_due"
    assert set(WorkItem.objects.filter(case_id=case.pk, process_key="aid").values_list("role", flat=True)) == {"finance"}
    svc.aid_recover(case=case, actor=people.finance, transaction_ref="RC-E1", recovered_on=REVIEWED,
                    now=at(REVIEWED))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "recovered" and case.recovery_ref == "RC-E1" and case.recovered_on == REVIEWED
    # A recovered case is closed: its process has ended and nobody is asked to act on it.
    assert flowkit.position(case) is None and case.process.status == "DONE"
    assert not WorkItem.objects.filter(case_id=case.pk, process_key="aid").exists()
    payment = AidLedgerEntry.objects.get(kind="disbursement")
    recovery = AidLedgerEntry.objects.get(kind="recovery")
    assert recovery.reverses == payment and recovery.amount == Decimal("3000") and recovery.case == case
    assert recovery.transaction_ref == "RC-E1" and recovery.reason == "重复救助 Aid paid twice"
    assert balance(orgs) == Decimal("10000") and recovery.balance_after == Decimal("10000")
    fund = AidFund.objects.get(organisation=orgs.acme, year=2026)
    assert [e.action for e in case_events(fund)][-1] == "ledger_recovery" and chain_valid(fund)
    assert chain_valid(case)
    with pytest.raises(GuardFailed) as err:  # the money came back once: no reversal on top
        ledger_reverse(organisation=orgs.acme, entry_id=payment.pk, reason="退回 Returned", actor_user=people.finance)
    assert err.value.rule == "aid.reversal_once"


@pytest.mark.parametrize("who", ["committee1", "chair", "visitor1", "member2"])
def test_only_finance_records_the_recovery_and_nothing_changes_otherwise(published, people, orgs, who):
    case = objected(published, people)
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="重复救助 Aid paid twice", now=at(REVIEWED))
    case = AidCase.objects.get(pk=case.pk)
    with pytest.raises((ActionForbidden, GuardFailed, NotVisible)):
        svc.aid_recover(case=case, actor=getattr(people, who), transaction_ref="RC-E1", recovered_on=REVIEWED,
                        now=at(REVIEWED))
    unchanged(case, "recovery_due")
    assert balance(orgs) == Decimal("7000") and not AidLedgerEntry.objects.filter(kind="recovery").exists()


def test_a_recovery_dated_tomorrow_or_without_a_reference_is_refused(published, people, orgs):
    case = objected(published, people)
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="重复救助 Aid paid twice", now=at(REVIEWED))
    case = AidCase.objects.get(pk=case.pk)
    with pytest.raises(GuardFailed) as err:
        svc.aid_recover(case=case, actor=people.finance, transaction_ref="RC-E1",
                        recovered_on=REVIEWED + dt.timedelta(days=1), now=at(REVIEWED))
    assert err.value.rule == "aid.recovery"
    with pytest.raises(InvalidInput):
        svc.aid_recover(case=case, actor=people.finance, transaction_ref="", recovered_on=REVIEWED, now=at(REVIEWED))
    unchanged(case, "recovery_due")
    assert balance(orgs) == Decimal("7000")


def test_dismissed_a_fresh_notice_runs_and_the_case_is_then_filed(published, people, orgs):
    case = objected(published, people, day=dt.date(2026, 3, 4))
    svc.aid_dismiss_objection(case=case, actor=people.committee2, reason="不成立 Unfounded", now=at(REVIEWED))
    case = AidCase.objects.get(pk=case.pk)
    # Wednesday 03-11 + 5 working days: Wednesday 03-18.
    assert case.state == "post_notice" and case.notice_ends_on == dt.date(2026, 3, 18)
    assert case.objections.get().outcome == AidObjection.Outcome.DISMISSED
    with pytest.raises(GuardFailed):
        svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 18)))
    svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 19)))
    assert AidCase.objects.get(pk=case.pk).state == "archived"
    assert balance(orgs) == Decimal("7000") and not AidLedgerEntry.objects.filter(kind="recovery").exists()


def test_an_objection_to_the_ordinary_notice_upheld_still_rejects(walk, people):
    case = walk("public_notice")
    case = objected(case, people, day=DAY0)
    assert case.state == "objection_review"
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="收入不实 Income understated",
                             now=at(DAY0))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "rejected" and case.decision_reason == "收入不实 Income understated"


def test_the_committee_decides_the_objection_in_one_form_on_the_case_page(published, people, client, clock):
    case = objected(published, people)
    clock.set(REVIEWED)
    client.force_login(people.committee2)
    html = client.get(f"/aid/{case.pk}/").content.decode()
    assert 'id="uf-decision"' in html
    for outcome in ("uphold_objection", "dismiss_objection"):
        assert f'name="outcome" value="{outcome}"' in html
    r = client.post(f"/aid/{case.pk}/decide/", {"outcome": "uphold_objection", "uphold_objection-reason": "重复救助 Twice",
                                                "expected_version": case.version})
    assert r.status_code in (200, 302)
    assert AidCase.objects.get(pk=case.pk).state == "recovery_due"


def test_a_payment_the_bank_returned_is_not_credited_twice_and_the_case_still_closes(published, people, orgs):
    payment = AidLedgerEntry.objects.get(kind="disbursement")
    reversal = ledger_reverse(organisation=orgs.acme, entry_id=payment.pk, reason="账户退回 Returned by the bank",
                              actor_user=people.finance, now=at(LAST_DAY))
    case = objected(published, people)
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="重复救助 Aid paid twice", now=at(REVIEWED))
    svc.aid_recover(case=AidCase.objects.get(pk=case.pk), actor=people.finance, transaction_ref="RC-E1",
                    recovered_on=REVIEWED, now=at(REVIEWED))
    assert AidCase.objects.get(pk=case.pk).state == "recovered"
    assert balance(orgs) == Decimal("10000") and not AidLedgerEntry.objects.filter(kind="recovery").exists()
    assert list(case_events(case))[-1].payload["ledger_entry"]["id"] == reversal.pk
