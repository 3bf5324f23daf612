"""Driving a process's case pages in headless Chromium (selenium): log in, fill an action's form, send it.

A process's browser walk subclasses :class:`CaseUI` naming its case model and URL prefix.
"""

from __future__ import annotations

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "pw-secret-1"


class CaseUI:
    #: The process's case model and the prefix of its case pages (``/<path>/<id>/``).
    model = None
    path = ""

    def __init__(self, driver, base):
        self.d, self.base = driver, base

    def wait(self, condition, timeout=30):
        return WebDriverWait(self.d, timeout).until(condition)

    def login(self, username):
        self.d.delete_all_cookies()
        self.d.get(self.base + "/accounts/login/")
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=username]")))
        self.d.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
        self.d.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(PASSWORD)
        self.submit(self.d.find_element(By.CSS_SELECTOR, "form.vf-form"))
        self.wait(lambda d: "/accounts/login/" not in d.current_url)

    def submit(self, form):
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

        def left_page(driver):
            try:
                form.is_enabled()
            except WebDriverException:
                return driver.execute_script("return document.readyState") == "complete"
            return False

        self.wait(left_page)

    def fill(self, form, values: dict):
        """Fill controls by name: a list picks options by their visible text, a file input takes a path,
        a date is set as ISO."""
        for name, value in values.items():
            el = form.find_element(By.CSS_SELECTOR, f"[name='{name}']")
            if isinstance(value, list):
                picker = Select(el)
                for text in value:
                    picker.select_by_visible_text(text)
            elif el.tag_name == "select":
                Select(el).select_by_value(value)
            elif el.get_attribute("type") == "file":
                el.send_keys(value)
            elif el.get_attribute("type") == "date":
                self.d.execute_script("arguments[0].value = arguments[1]", el, value)
            else:
                el.clear()
                el.send_keys(value)

    def open_case(self, username, case_id):
        self.login(username)
        self.d.get(f"{self.base}/{self.path}/{case_id}/")

    def _sent(self, case_id) -> str:
        assert not self.d.find_elements(By.ID, "uf-error"), self.d.find_element(By.ID, "uf-error").text
        shown = self.d.find_element(By.ID, "uf-state").text
        case = self.model.objects.get(pk=case_id)
        assert shown and shown in str(case.state_label), (shown, case.state_label)
        return case.state

    def act(self, username, case_id, action, **values) -> str:
        """Log in as ``username``, fill the action's form on the case page, send it; the state after."""
        self.open_case(username, case_id)
        form = self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, f"form[data-action={action}]")))
        self.fill(form, values)
        self.submit(form)
        return self._sent(case_id)

    def decide(self, username, case_id, outcome, **values) -> str:
        """Choose ``outcome`` in the case's decision form, fill its fields, send it; the state after."""
        self.open_case(username, case_id)
        form = self.wait(EC.presence_of_element_located((By.ID, "uf-decision")))
        form.find_element(By.CSS_SELECTOR, f"input[name=outcome][value={outcome}]").click()
        self.fill(form, {f"{outcome}-{name}": value for name, value in values.items()})
        self.submit(form)
        return self._sent(case_id)
