"""A running audit export's progress (chains verified of chains to verify), visible while it runs.

The file is written inside one transaction (one consistent snapshot; on PostgreSQL a cursor that
streams). An update made in that transaction would show only when it commits, at 100 %: on
PostgreSQL the progress is therefore written through a second, autocommitting connection. SQLite
has one writer at a time, and the run holds it: there the progress is written in the run's own
transaction, and readers see the count at the end.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections

from ..models import AuditExport, ExportStatus


class ProgressReporter:
    """``with ProgressReporter(export_id, started) as report: report(chains_checked)``."""

    def __init__(self, export_id: int, started):
        self.export_id = export_id
        self.started = started
        self._side = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def __call__(self, checked: int) -> None:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = AuditExport._meta.db_table
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET chains_checked = %s WHERE id = %s AND status = %s AND started_at = %s",
                    [checked, self.export_id, ExportStatus.RUNNING, self.started],
                )
            return
        AuditExport.objects.filter(pk=self.export_id, status=ExportStatus.RUNNING, started_at=self.started).update(
            chains_checked=checked
        )


def percent(export: AuditExport) -> int | None:
    """How far a running export is, 0–100; None when there is nothing to show."""
    if export.status == ExportStatus.DONE:
        return 100
    if export.status != ExportStatus.RUNNING or not export.chains_total:
        return None
    return min(99, export.chains_checked * 100 // export.chains_total)
