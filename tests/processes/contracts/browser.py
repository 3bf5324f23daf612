"""A small driver for the contract pages in headless Chromium (used by ``test_browser``)."""

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from processes.contracts.models import Contract


class UI:
    def __init__(self, driver, base):
        self.d, self.base = driver, base

    def wait(self, condition, timeout=30):
        return WebDriverWait(self.d, timeout).until(condition)

    def login(self, username):
        self.d.delete_all_cookies()
        self.d.get(self.base + "/accounts/login/")
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "input[name=username]")))
        self.d.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
        self.d.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys("pw-secret-1")
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
        """Fill controls by name: a list picks options by their text, a date is set as ISO."""
        for name, value in values.items():
            el = form.find_element(By.CSS_SELECTOR, f"[name='{name}']")
            if isinstance(value, list):
                for text in value:
                    Select(el).select_by_visible_text(text)
            elif el.tag_name == "select":
                Select(el).select_by_value(value)
            elif el.get_attribute("type") == "file":
                el.send_keys(value)
            elif el.get_attribute("type") == "date":
                self.d.execute_script("arguments[0].value = arguments[1]", el, value)
            else:
                el.clear()
                el.send_keys(value)

    def open(self, username, case_id):
        self.login(username)
        self.d.get(f"{self.base}/contracts/{case_id}/")

    def act(self, username, case_id, action, **values) -> str:
        """As ``username``, fill the action's form on the contract page and send it; the state after."""
        self.open(username, case_id)
        form = self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, f"form[data-action={action}]")))
        self.fill(form, values)
        self.submit(form)
        assert not self.d.find_elements(By.ID, "uf-error"), self.d.find_element(By.ID, "uf-error").text
        case = Contract.objects.get(pk=case_id)
        assert self.d.find_element(By.ID, "uf-state").text in str(case.state_label)
        return case.state
