"""Median handling time per step, computed in the database (never by reading every event into Python).

A step's handling time is the time from the case's event before it to the event that changed the
state (an audit event with a ``to_state``), per action. ``LAG`` over each case's events ordered by
their sequence gives the event before; the median per action is then

* on PostgreSQL, ``percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)``;
* elsewhere (SQLite, the embedded default), the mean of the one or two middle rows found with
  ``ROW_NUMBER()`` and ``COUNT(*) OVER`` per action — the same figure, since ``percentile_cont``
  interpolates halfway between the two middle values of an even count.

Both read only the events of the case type and organisations asked for (the ``audit_*`` indexes).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import Lag

#: The hours between an event and the one before it, per database.
_HOURS = {
    "postgresql": "EXTRACT(EPOCH FROM (created_at - prev_at)) / 3600.0",
    # julianday() is a fraction of a day: rounded to the millisecond so whole-second spans stay exact.
    "sqlite": "ROUND((julianday(created_at) - julianday(prev_at)) * 86400.0, 3) / 3600.0",
}

_SPANS = "SELECT action, {hours} AS hours FROM ({events}) AS e WHERE prev_at IS NOT NULL AND to_state <> ''"

PERCENTILE = (
    "SELECT action, COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) "
    "FROM ({spans}) AS s GROUP BY action ORDER BY action"
)

MIDDLE_ROWS = (
    "SELECT action, n, AVG(hours) FROM ("
    " SELECT action, hours, ROW_NUMBER() OVER (PARTITION BY action ORDER BY hours) AS rn,"
    " COUNT(*) OVER (PARTITION BY action) AS n FROM ({spans}) AS s"
    ") AS r WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY action, n ORDER BY action"
)


def median_hours(events, *, percentile: bool | None = None) -> list[tuple[str, int, float]]:
    """``[(action, times, median hours)]`` for the state changes among ``events`` (an AuditEvent queryset).

    ``percentile``: use ``percentile_cont`` (PostgreSQL only); None chooses by the database.
    """
    connection = connections[events.db]
    lagged = (
        events.order_by()
        .annotate(prev_at=Window(Lag("created_at"), partition_by=[F("case_id")], order_by=F("seq").asc()))
        .values("action", "to_state", "created_at", "prev_at")
    )
    inner, params = lagged.query.sql_with_params()
    hours = _HOURS["postgresql" if connection.vendor == "postgresql" else "sqlite"]
    spans = _SPANS.format(hours=hours, events=inner)
    if percentile is None:
        percentile = connection.vendor == "postgresql"
    sql = (PERCENTILE if percentile else MIDDLE_ROWS).format(spans=spans)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(action, int(n), float(median)) for action, n, median in cursor.fetchall()]
