"""Fifty HTTP clients released together (the live server is ``server_url`` in ``conftest.py``).

Shared by the HTTP race tests: each request is a real HTTP request to Django's live test server
(a thread per connection, each with its own database connection), as fifty browsers or API
clients would send it.
"""

import json
import threading
import urllib.error
import urllib.request


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    """POST ``body`` as JSON with an API token; returns (status, parsed body) for any status."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def at_once(calls) -> list:
    """Run every ``call`` from its own thread, released together; returns each result."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # a dropped connection is a finding, kept for the assertion
            results[i] = (type(exc).__name__, str(exc))

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results
