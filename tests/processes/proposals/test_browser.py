"""End to end in headless Chromium: file → invite co-signers picked by name → co-sign ×2 (submit shown disabled
with its reason in between) → submit → review → accept and assign through the decision form (with a co-department
and a supervising leader picked by name) → acknowledge → countersign → reply → rate; the stepper follows.

Needs Chromium, its chromedriver and selenium (``apt-get install chromium chromium-driver``,
``pip install selenium``); skipped where they are missing.
"""


import pytest

from processes.proposals.models import Proposal
from tests.support.chromium import BROWSER_MARKS
from workflow.audit import case_events, chain_valid

pytest.importorskip("selenium.webdriver")
pytestmark = BROWSER_MARKS

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

from tests.support.browser import CaseUI  # noqa: E402


class UI(CaseUI):
    model = Proposal
    path = "proposals"

    def current_step(self) -> str:
        """The state the stepper marks as current (its label shown, its code as data)."""
        step = self.d.find_element(By.CSS_SELECTOR, "#uf-progress li[aria-current=step]")
        assert step.text
        return step.get_attribute("data-state")


@pytest.mark.django_db(transaction=True)
def test_happy_path_in_the_browser(flushable_audit_table, people, live_server, browser):
    for person, name in ((people.rep2, "李芳"), (people.rep3, "王强"), (people.chair, "主席")):
        person.first_name = name
        person.save()
    ui = UI(browser, live_server.url)
    ui.login("rep1")
    browser.get(live_server.url + "/proposals/new/")
    title = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "[name=title]")))
    form = title.find_element(By.XPATH, "./ancestor::form")
    ui.fill(form, {"title": "增设厂区母婴室", "body": "女职工哺乳期没有合适场所。建议在办公楼一层设立母婴室。",
                   "category": "conditions"})
    ui.submit(form)
    case = Proposal.objects.get(title="增设厂区母婴室")
    assert case.state == "draft"

    # Co-signers are picked by name (the username tells namesakes apart), not typed as ids.
    assert "cosigning" == ui.act("rep1", case.pk, "invite_cosigners", cosigners=["李芳 (rep2)", "王强 (rep3)"])
    ui.act("rep2", case.pk, "cosign")
    # One co-signer of two: the proposer sees submit disabled, saying why (the guard the service runs).
    ui.login("rep1")
    browser.get(f"{live_server.url}/proposals/{case.pk}/")
    submit = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-action=submit] button")))
    assert not submit.is_enabled()
    reason = browser.find_element(By.CSS_SELECTOR, "[data-blocked=submit]").text
    assert "At least 2 confirmed co-signers are required" in reason and "1 confirmed" in reason
    assert ui.current_step() == "cosigning"
    ui.act("rep3", case.pk, "cosign")
    assert "submitted" == ui.act("rep1", case.pk, "submit")
    assert ui.current_step() == "submitted"
    assert "under_review" == ui.act("review1", case.pk, "start_review")
    # Accepting is one outcome of the review's decision; rejecting is marked as destructive.
    ui.login("review1")
    browser.get(f"{live_server.url}/proposals/{case.pk}/")
    reject = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=outcome][value=reject]")))
    reject.click()
    assert "uf-destructive" in browser.find_element(By.ID, "uf-decide").get_attribute("class")
    assert "accepted" == ui.decide("review1", case.pk, "accept", reason="符合立案条件")
    assert "assigned" == ui.decide("review1", case.pk, "assign", lead_department="acme-office",
                                   co_departments=["acme-hr · 人力资源部"], supervisor=["主席 (chair)"])
    assert "in_progress" == ui.act("dept1", case.pk, "acknowledge")
    assert "in_progress" == ui.act("dept2", case.pk, "countersign", opinion="人力资源部同意。")
    assert "replied" == ui.act("dept1", case.pk, "reply", text="已在办公楼一层设立母婴室。", classification="A")
    assert "closed" == ui.act("rep1", case.pk, "rate", rating="satisfied", comment="满意")
    assert ui.current_step() == "closed"

    # The page shows the co-signers and the rating; the record is complete and its chain intact.
    page = browser.find_element(By.ID, "uf-replies").text
    assert "已在办公楼一层设立母婴室" in page and "满意" in page
    assert "李芳" in browser.find_element(By.ID, "uf-cosigners").text
    assert "人力资源部同意" in browser.find_element(By.ID, "uf-countersigns").text
    case.refresh_from_db()
    assert case.state == "closed" and case.closure == "rated" and case.supervisor == people.chair
    assert [e.action for e in case_events(case)] == [
        "create", "invite_cosigners", "cosign", "cosign", "submit", "start_review", "accept", "assign",
        "acknowledge", "countersign", "reply", "rate",
    ]
    assert {e.channel for e in case_events(case)} == {"ui"} and chain_valid(case)


@pytest.mark.django_db(transaction=True)
def test_the_inbox_in_the_browser(flushable_audit_table, people, orgs, walk, clock, live_server, browser):
    """A co-department finds the countersign in its inbox, by title, flagged overdue, and countersigns from
    there; until then the lead department sees its reply disabled, saying why; the stepper shows the step."""
    import datetime as dt

    from processes.proposals import services as svc

    from .conftest import DAY0, at

    case = walk("accepted", title="更换车间照明灯具")
    svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept,
                        co_departments=[people.dept2_org], now=at(DAY0))
    svc.proposal_acknowledge(case=case, actor=people.dept1, now=at(DAY0))
    invited = walk("cosigning", title="延长午休时间")
    # Two months later: the reply (due 30 days after assignment) is overdue.
    clock.set(DAY0 + dt.timedelta(days=60))
    ui = UI(browser, live_server.url)

    # An invited co-signer's item says what they do: co-sign (only the proposer submits).
    ui.login("rep2")
    browser.get(live_server.url + "/inbox/")
    row = ui.wait(EC.presence_of_element_located(
        (By.XPATH, "//tr[contains(@class, 'uf-inbox-item')][contains(., '延长午休时间')]")
    ))
    assert invited.reference in row.text and "Co-sign" in row.text and "submit" not in row.text

    # The lead department cannot reply before the co-department countersigns: shown disabled, with the reason.
    ui.login("dept1")
    browser.get(f"{live_server.url}/proposals/{case.pk}/")
    reply = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-action=reply] button[type=submit]")))
    assert not reply.is_enabled()
    assert "人力资源部" in browser.find_element(By.CSS_SELECTOR, "[data-blocked=reply]").text
    assert ui.current_step() == "in_progress"

    ui.login("dept2")
    browser.get(live_server.url + "/inbox/")
    row = ui.wait(EC.presence_of_element_located(
        (By.XPATH, "//tr[contains(@class, 'uf-inbox-item')][contains(., '更换车间照明灯具')]")
    ))
    assert case.reference in row.text and "Countersign" in row.text
    # The reply was due 30 days after assignment (DAY0): the row is flagged overdue.
    assert "uf-row--overdue" in row.get_attribute("class")
    assert row.find_elements(By.CSS_SELECTOR, ".uf-due--overdue")
    row.find_element(By.PARTIAL_LINK_TEXT, case.reference).click()
    form = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-action=countersign]")))
    assert ui.current_step() == "in_progress"
    ui.fill(form, {"opinion": "人力资源部同意。"})
    ui.submit(form)
    assert not browser.find_elements(By.ID, "uf-error")
    assert Proposal.objects.get(pk=case.pk).countersigns.filter(department=people.dept2_org).exists()
    browser.get(live_server.url + "/inbox/")
    assert "更换车间照明灯具" not in browser.find_element(By.TAG_NAME, "main").text

    # Countersigned: the lead department's reply is open now.
    ui.login("dept1")
    browser.get(f"{live_server.url}/proposals/{case.pk}/")
    reply = ui.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-action=reply] button[type=submit]")))
    assert reply.is_enabled() and not browser.find_elements(By.CSS_SELECTOR, "[data-blocked=reply]")
