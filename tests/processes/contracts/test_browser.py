"""End to end in headless Chromium: create → teams → offer → reply → round → draft (uploaded, confirmed by both
chiefs) → congress vote (paper tally entered and closed by the secretary) → both chiefs sign → file → no objection
in 15 days → effective. Every step is a form on the page, through the service.

Needs Chromium, its chromedriver and selenium; skipped where they are missing.
"""

import datetime as dt

import pytest

from processes.contracts.models import Contract
from tests.support.chromium import BROWSER_MARKS
from workflow.audit import case_events, chain_valid
from workflow.deadlines.timers import sweep

from .conftest import DAY0, at

pytest.importorskip("selenium.webdriver")
pytestmark = BROWSER_MARKS

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from .browser import UI  # noqa: E402


@pytest.mark.django_db(transaction=True)
def test_offer_to_effective_in_the_browser(flushable_audit_table, people, live_server, browser, tmp_path):
    ui = UI(browser, live_server.url)
    ui.login("chair")
    browser.get(live_server.url + "/contracts/new/")
    kind = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "[name=kind]")))
    form = kind.find_element(By.XPATH, "./ancestor::form")
    ui.fill(form, {"kind": "wage"})
    ui.submit(form)
    case = Contract.objects.get()
    day = DAY0.isoformat()

    assert "preparing" == ui.act("chair", case.pk, "set_teams",
                                 union_team="高主席|chair\n代表一|rep1\n代表二|rep2",
                                 employer_team="曹总|employer1\n张经理|employer2\n李主任|employer3",
                                 union_chief="chair", employer_chief="employer1", record_keeper="王记录")
    assert "offer_sent" == ui.act("chair", case.pk, "send_offer", topics="工资增长 Wage growth", delivered_on=day)
    assert "negotiating" == ui.act("employer1", case.pk, "record_reply", received_on=day)
    assert "negotiating" == ui.act("chair", case.pk, "record_round", minutes="第一轮：双方交换意见。")
    assert "negotiating" == ui.act("employer1", case.pk, "sign_minutes")
    draft = tmp_path / "contract.txt"
    draft.write_text("工资专项集体合同\n第一条 工资年增长不低于5%。\n", encoding="utf-8")
    # The chair uploads the draft from the form itself and confirms it; the employer's chief picks that version.
    assert "negotiating" == ui.act("chair", case.pk, "agree_draft", document__upload=str(draft))
    assert "draft_agreed" == ui.act("employer1", case.pk, "agree_draft", document=["contract.txt (v1)"])
    assert "congress_vote" == ui.act("chair", case.pk, "submit_to_congress", method="paper")

    # The congress secretary enters the paper tally and closes the vote: 6 of 6 present, 6 yes.
    case.refresh_from_db()
    ui.login("committee1")
    browser.get(f"{live_server.url}/votes/{case.vote_id}/")
    tally = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "#uf-secretary form")))
    ui.fill(tally, {"present": "6", "yes": "6", "no": "0", "abstain": "0", "invalid": "0"})
    ui.submit(tally)
    close = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "#uf-secretary form:last-of-type")))
    ui.submit(close)
    assert Contract.objects.get(pk=case.pk).state == "passed"

    assert "passed" == ui.act("chair", case.pk, "sign")
    assert "signed" == ui.act("employer1", case.pk, "sign")
    assert "filed" == ui.act("employer1", case.pk, "file", filed_on=day)

    # No objection within 15 days of receipt: the sweep makes it effective on day 16.
    sweep(now=at(DAY0 + dt.timedelta(days=16), hour=0))
    ui.open("chair", case.pk)
    assert browser.find_element(By.ID, "uf-effective").text == (DAY0 + dt.timedelta(days=16)).isoformat()
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "effective"
    actions = [e.action for e in case_events(case)]
    assert actions == [
        "create", "set_teams", "send_offer", "record_reply", "record_round", "sign_minutes", "document_upload",
        "agree_draft", "agree_draft", "vote_open", "submit_to_congress", "vote_tally", "vote_close", "pass_congress",
        "sign", "sign", "file", "take_effect",
    ]
    assert chain_valid(case)
