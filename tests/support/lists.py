"""Reading a process's case list as a client does, counting the statements it costs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def listed(client, process: str, limit: int) -> tuple[int, list]:
    """The statements ``GET /api/v1/<process>/?limit=`` cost, and the rows it answered."""
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/api/v1/{process}/?limit={limit}")
    assert r.status_code == 200, r.content
    return len(queries), r.json()["results"]


def statements_for_pages(client, process: str, small: int, large: int) -> tuple[int, int]:
    """The statements of a page of ``small`` rows and of ``large`` rows (both full)."""
    listed(client, process, 1)  # the first request also reads what the process caches (content types…)
    n_small, rows_small = listed(client, process, small)
    n_large, rows_large = listed(client, process, large)
    assert (len(rows_small), len(rows_large)) == (small, large)
    return n_small, n_large


def assert_rows_are_details(client, process: str, rows: list) -> None:
    """Each row of the list is exactly what the case's own detail shows."""
    for row in rows:
        detail = client.get(f"/api/v1/{process}/{row['id']}/").json()
        assert row == detail, row["reference"]
