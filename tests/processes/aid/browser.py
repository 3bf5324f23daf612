"""The aid case pages in headless Chromium (used by ``test_browser_walk``): the engine's case driver."""

from processes.aid.models import AidCase
from tests.support.browser import PASSWORD, CaseUI

__all__ = ["PASSWORD", "UI"]


class UI(CaseUI):
    model = AidCase
    path = "aid"
