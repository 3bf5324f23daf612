"""Headless Chromium for the browser walks: the marks that skip a walk where Chromium or its chromedriver
is missing, and the ``browser`` fixture (a driver per test). Nothing from selenium is imported here at
module level, so a test module imports this first and then skips itself where selenium is missing.
"""

from __future__ import annotations

import shutil

import pytest

CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
#: A browser walk's ``pytestmark``: skipped (not failed) without Chromium, and given time to walk.
BROWSER_MARKS = [
    pytest.mark.skipif(not (CHROMEDRIVER and CHROMIUM), reason="Chromium and chromedriver are not installed"),
    pytest.mark.timeout(300),
]
ARGS = ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2400", "--lang=zh-CN")


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ARGS:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
