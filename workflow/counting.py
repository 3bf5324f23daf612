"""Counting a long list without reading all of it: the case lists, the admin's audit log.

A page of 20 cases out of 170,000, or of 100 audit events out of a million, is read from an index
in milliseconds; counting every row for "page 1 of 8,500" is a scan of the whole table and took
most of the page's time. So a list counts exactly up to :data:`EXACT_UP_TO` rows (a count over a
``LIMIT``, which stops there) and, past that, says "more than 10,000": the page's rows themselves
are always exact, and whether there is a next page is known from the page itself.

On PostgreSQL, past the exact count the planner's estimate of the rows (``EXPLAIN``, no rows
read) sizes the admin's page links; it is never shown as an exact figure.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

#: Lists count exactly up to this many rows; beyond it they say "more than".
EXACT_UP_TO = 10_000


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """``(count, exact)``: the exact number of rows up to ``cap`` (:data:`EXACT_UP_TO`), else ``(cap, False)``."""
    cap = EXACT_UP_TO if cap is None else cap
    # Only the keys: annotations (a case's open step, …) would be computed for every counted row.
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return (counted, True) if counted <= cap else (cap, False)


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows (PostgreSQL), reading none; None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class CappedCountPaginator(Paginator):
    """Django's paginator with :func:`capped_count`: past the cap, the page links follow the
    planner's estimate (at least one page more than the cap), and ``count_exact`` is False."""

    count_exact = True

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        counted, exact = capped_count(self.object_list)
        self.count_exact = exact
        if exact:
            return counted
        return max(counted + self.per_page, estimated_count(self.object_list) or 0)
