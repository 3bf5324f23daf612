"""End to end in headless Chromium, as the demo accounts: the member files → submits → a verifier
pre-checks → two verifiers' home visit → the tier → the committee publishes the notice → the notice
period ends (the timer) → a committee member approves → finance pays from the fund. Every step is a
form on the case page, through the service; the payment is on the fund's ledger page.

The emergency track's objection path: the chair and a committee member each approve → finance pays
→ the chair publishes the notice after payment → a member objects on the notice page → the
committee upholds the objection → finance records the recovery (追回), which closes the case and
credits the fund (on its ledger page).

Needs Chromium, its chromedriver and selenium; skipped where they are missing.
"""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid.models import AidCase, AidFund
from tests.support.chromium import BROWSER_MARKS
from workflow.audit import case_events, chain_valid
from workflow.deadlines.timers import sweep

from .conftest import DAY0, at

pytest.importorskip("selenium.webdriver")
pytestmark = BROWSER_MARKS

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from .browser import UI  # noqa: E402

#: Published Monday 2026-03-02 for 5 working days: the timer closes the notice on Tuesday 2026-03-10.
AFTER_NOTICE = dt.date(2026, 3, 10)
REPORT = "两人入户，家庭情况属实 Two visitors confirmed the household's situation."



def file_application(ui, base, *, aid_type="living", amount="1500") -> AidCase:
    ui.login("member1")
    ui.d.get(base + "/aid/new/")
    cause = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "[name=cause]")))
    form = cause.find_element(By.XPATH, "./ancestor::form")
    ui.fill(form, {"aid_type": aid_type, "cause": "家人重病 Serious illness", "household_size": "3",
                   "household_income": "12000", "rigid_expenses": "2000", "requested_amount": amount,
                   "id_number": "110101198803071234", "bank_account": "6222020200112233445"})
    form.find_element(By.CSS_SELECTOR, "[name=financial_check_consent]").click()
    ui.submit(form)
    return AidCase.objects.get()


@pytest.mark.django_db(transaction=True)
def test_draft_to_disbursement_in_the_browser(flushable_audit_table, people, fund, live_server, browser, clock):
    ui = UI(browser, live_server.url)
    case = file_application(ui, live_server.url)
    assert case.state == "draft" and case.applicant.username == "member1"

    assert "submitted" == ui.act("member1", case.pk, "submit")
    assert "prechecked" == ui.decide("visitor1", case.pk, "precheck")
    assert "verified" == ui.act("visitor1", case.pk, "record_visit", visitors=["visitor1", "visitor2"],
                                report=REPORT)
    assert "assessed" == ui.act("committee1", case.pk, "assess_tier")
    assert "public_notice" == ui.decide("committee1", case.pk, "publish_notice")

    # The notice runs five working days; the timer takes it to approval the day after.
    clock.set(AFTER_NOTICE)
    sweep(now=at(AFTER_NOTICE, 0))
    assert AidCase.objects.get(pk=case.pk).state == "pending_approval"
    assert "approved" == ui.decide("committee2", case.pk, "approve", amount="1500")
    assert "disbursed" == ui.act("finance1", case.pk, "disburse", transaction_ref="TX-20260310-0001",
                                 paid_on=AFTER_NOTICE.isoformat())

    fund_row = AidFund.objects.get(organisation__code="acme", year=2026)
    assert fund_row.balance == Decimal("8500")
    ui.login("finance1")
    browser.get(live_server.url + "/aid/ledger/?organisation=acme&year=2026")
    entries = ui.wait(EC.presence_of_element_located((By.ID, "uf-entries"))).text
    assert "TX-20260310-0001" in entries and case.reference in entries

    case = AidCase.objects.get(pk=case.pk)
    actions = [e.action for e in case_events(case)]
    assert actions == ["create", "submit", "precheck", "record_visit", "assess_tier", "publish_notice",
                       "close_notice", "approve", "disburse"]
    assert {e.channel for e in case_events(case) if e.action != "close_notice"} == {"ui"}
    assert chain_valid(case) and chain_valid(fund_row)


def object_on_the_notice_page(ui, base, username, case_id, grounds) -> str:
    """Log in as ``username``, object to the case's notice on the notices page; the page then shown (HTML)."""
    ui.login(username)
    ui.d.get(base + "/aid/notices/")
    notice = ui.wait(EC.presence_of_element_located((By.ID, f"uf-notice-{case_id}")))
    form = notice.find_element(By.CSS_SELECTOR, "form.uf-objection")
    ui.fill(form, {"grounds": grounds})
    ui.submit(form)
    assert not ui.d.find_elements(By.ID, "uf-error"), ui.d.find_element(By.ID, "uf-error").text
    return ui.d.page_source


@pytest.mark.django_db(transaction=True)
def test_emergency_aid_objected_after_payment_is_recovered_in_the_browser(
    flushable_audit_table, people, fund, live_server, browser, clock
):
    ui = UI(browser, live_server.url)
    case = file_application(ui, live_server.url, aid_type="emergency", amount="3000")
    assert "submitted" == ui.act("member1", case.pk, "submit")
    # The chair approves first; the case waits for a committee member's approval of the same amount.
    assert "submitted" == ui.act("chair", case.pk, "approve_emergency", amount="3000",
                                 justification="火灾 House fire")
    assert "approved" == ui.act("committee2", case.pk, "approve_emergency", amount="3000",
                                justification="火灾 House fire")
    assert "disbursed" == ui.act("finance1", case.pk, "disburse", transaction_ref="TX-20260302-0001",
                                 paid_on=DAY0.isoformat())
    assert "post_notice" == ui.decide("chair", case.pk, "post_notice")

    page = object_on_the_notice_page(ui, live_server.url, "member2", case.pk, "已获保险赔付 Paid by the insurer")
    assert "异议已提交，您的身份予以保密" in page  # the confirmation, shown on the notices page itself
    assert AidCase.objects.get(pk=case.pk).state == "post_objection_review"
    assert "recovery_due" == ui.decide("committee1", case.pk, "uphold_objection", reason="重复救助 Paid twice")
    assert AidFund.objects.get(organisation__code="acme", year=2026).balance == Decimal("7000")
    assert "recovered" == ui.act("finance1", case.pk, "recover", transaction_ref="RC-20260302-0001",
                                 recovered_on=DAY0.isoformat())

    fund_row = AidFund.objects.get(organisation__code="acme", year=2026)
    assert fund_row.balance == Decimal("10000")
    browser.get(live_server.url + "/aid/ledger/?organisation=acme&year=2026")
    entries = ui.wait(EC.presence_of_element_located((By.ID, "uf-entries"))).text
    assert "RC-20260302-0001" in entries and "TX-20260302-0001" in entries

    case = AidCase.objects.get(pk=case.pk)
    assert case.process.status == "DONE"  # nothing left to do on a recovered case
    events = case_events(case)
    assert [e.action for e in events] == ["create", "submit", "approve_emergency", "approve_emergency", "disburse",
                                          "post_notice", "object", "uphold_objection", "recover"]
    assert {e.channel for e in events} == {"ui"}
    assert chain_valid(case) and chain_valid(fund_row)
