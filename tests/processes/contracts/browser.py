"""The contract pages in headless Chromium (used by ``test_browser``): the engine's case driver."""

from processes.contracts.models import Contract
from tests.support.browser import CaseUI


class UI(CaseUI):
    model = Contract
    path = "contracts"

    def open(self, username, case_id):
        self.open_case(username, case_id)
