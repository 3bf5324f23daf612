"""The dispute pages in headless Chromium (used by ``test_browser``): the engine's case driver."""

from processes.disputes.models import Dispute
from tests.support.browser import PASSWORD, CaseUI

__all__ = ["PASSWORD", "UI"]


class UI(CaseUI):
    model = Dispute
    path = "disputes"
