"""End to end in headless Chromium: apply → the employer consents → accept → assign a mediator → declare
no conflict → session → draft the agreement → signed by both parties and the mediator → performed.

Needs Chromium, its chromedriver and selenium; skipped where they are missing.
"""


import pytest

from processes.disputes.models import Dispute
from tests.support.chromium import BROWSER_MARKS
from workflow.audit import case_events, chain_valid

pytest.importorskip("selenium.webdriver")
pytestmark = BROWSER_MARKS

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from .browser import PASSWORD, UI  # noqa: E402

MINUTES = "企业承认加班未结算，同意补发 The employer admits the unpaid overtime."



@pytest.mark.django_db(transaction=True)
def test_mediation_to_performance_in_the_browser(flushable_audit_table, people, live_server, browser):
    ui = UI(browser, live_server.url)
    ui.login("member1")
    browser.get(live_server.url + "/disputes/new/")
    facts = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "[name=facts]")))
    form = facts.find_element(By.XPATH, "./ancestor::form")
    ui.fill(form, {"category": "pay", "claims": "补发加班工资 3200", "facts": "2026年1月加班40小时未支付。",
                   "arose_on": "2026-02-01", "respondent": "艾克米机械有限公司"})
    ui.submit(form)
    case = Dispute.objects.get(respondent="艾克米机械有限公司")
    assert case.state == "applied" and case.claims == [{"text": "补发加班工资", "amount": "3200.00"}]

    assert "applied" == ui.act("employer1", case.pk, "consent_to_mediation")
    assert "accepted" == ui.decide("mediator2", case.pk, "accept")
    assert "mediating" == ui.act("chair", case.pk, "assign_mediators", mediators=["mediator1"])
    assert "mediating" == ui.act("mediator1", case.pk, "declare_no_conflict")
    assert "mediating" == ui.act("mediator1", case.pk, "record_session", attendance="申请人、企业代表",
                                 minutes=MINUTES)
    assert "agreement_drafted" == ui.act("mediator1", case.pk, "draft_agreement",
                                         terms="企业于4月30日前补发3200元。", performance_due="2026-04-30")
    sha = browser.find_element(By.ID, "uf-agreement-sha").text
    assert sha == Dispute.objects.get(pk=case.pk).agreement_document.sha256
    for who in ("member1", "employer1"):
        assert "agreement_drafted" == ui.act(who, case.pk, "sign_agreement", sha256=sha, password=PASSWORD)
    assert "agreed" == ui.act("mediator1", case.pk, "sign_agreement", sha256=sha, password=PASSWORD)
    assert "performed" == ui.act("mediator1", case.pk, "record_performance")

    # The minutes stay out of the audit trail; every step was taken in the UI and the chain is intact.
    events = list(case_events(case))
    assert [e.action for e in events if e.action != "document_upload"] == [
        "create", "consent_to_mediation", "accept", "assign_mediators", "declare_no_conflict", "record_session",
        "draft_agreement", "sign_agreement", "sign_agreement", "sign_agreement", "record_performance",
    ]
    assert {e.channel for e in events} == {"ui"} and chain_valid(case)
    assert all(MINUTES not in str(e.payload) for e in events)
