"""B2's users for locust (run by ``bench/b2_http.py``, which writes the plan this file reads).

Each simulated user signs in as one demo account (its API token) and, with a think time of 1–3 s,
opens its inbox, one of the cases it may read, or that case's history — the everyday mix of a
union office. Once a minute (first at a random second of the first minute) it also takes one
step of a proposal of its own through the API: create, invite two co-signers, each co-signs,
submit, the review committee starts the review, and again with a new proposal.

Runs in the bench's own virtualenv (``bench/requirements.txt``): it imports nothing of the
application.
"""

import json
import os
import random
import time

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["B2_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once at import
WRITE_EVERY = float(os.environ.get("B2_WRITE_EVERY", "60"))
_next_index = iter(range(10**6))


class OfficeUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.index = next(_next_index)
        readers = PLAN["readers"]
        self.account = readers[self.index % len(readers)]
        self.cases = PLAN["cases"][self.account]
        self.walk = None
        self.next_write = time.monotonic() + random.uniform(0, WRITE_EVERY)

    def headers(self, account: str) -> dict:
        return {"Authorization": f"Token {PLAN['tokens'][account]}"}

    def _get(self, path: str, name: str):
        self.client.get(path, headers=self.headers(self.account), name=name)

    def _maybe_write(self):
        if time.monotonic() >= self.next_write:
            self.next_write += WRITE_EVERY
            self.proposal_step()

    @task(4)
    def inbox(self):
        self._maybe_write()
        self._get("/api/v1/inbox/", "inbox")

    @task(3)
    def case_detail(self):
        self._maybe_write()
        process, pk = random.choice(self.cases)
        self._get(f"/api/v1/{process}/{pk}/", f"case detail ({process})")

    @task(2)
    def case_history(self):
        self._maybe_write()
        process, pk = random.choice(self.cases)
        self._get(f"/api/v1/{process}/{pk}/history/", f"case history ({process})")

    def proposal_step(self):
        """One step of this user's own proposal: the walk restarts with a new one at its end."""
        reps, reviewers = PLAN["representatives"], PLAN["reviewers"]
        author = reps[self.index % len(reps)]
        others = [r for r in reps if r != author]
        cosigners = [others[self.index % len(others)], others[(self.index + 1) % len(others)]]
        if self.walk is None:
            with self.client.post("/api/v1/proposals/", headers=self.headers(author), name="create proposal",
                                  json={"organisation": "acme", "title": f"B2 负载 Load {self.index}",
                                        "body": "食堂延长供餐时间 Longer canteen hours", "category": "living"},
                                  catch_response=True) as response:
                if response.status_code == 201:
                    self.walk = {"id": response.json()["id"], "steps": [
                        ("invite_cosigners", author, {"cosigners": cosigners}),
                        ("cosign", cosigners[0], {}), ("cosign", cosigners[1], {}), ("submit", author, {}),
                        ("start_review", reviewers[self.index % len(reviewers)], {}),
                    ]}
            return
        name, account, body = self.walk["steps"].pop(0)
        self.client.post(f"/api/v1/proposals/{self.walk['id']}/transitions/{name}/", json=body,
                         headers=self.headers(account), name=f"transition ({name})")
        if not self.walk["steps"]:
            self.walk = None
