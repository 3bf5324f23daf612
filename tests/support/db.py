"""Database plumbing for tests that commit for real (``transactional_db``) or tamper on purpose.

The audit table is append-only: migration ``workflow/0002`` installs triggers that refuse
UPDATE and DELETE (and, on PostgreSQL, TRUNCATE); ``workflow/0005`` does the same for the audit
anchors. A transactional test database is emptied after each test with TRUNCATE (PostgreSQL)
or DELETE (SQLite), which those triggers refuse; the fixtures in ``tests/conftest.py`` switch
them off for that flush only and back on afterwards.
"""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from workflow.calendar.loader import shipped_arrangements, store
from workflow.calendar.models import CalendarYear

# The migration's module name starts with a digit: it cannot be imported with ``import``.
append_only = importlib.import_module("workflow.migrations.0002_audit_append_only")
anchor_append_only = importlib.import_module("workflow.migrations.0005_audit_anchor")
#: The append-only tables: audit events and audit anchors.
APPEND_ONLY = (append_only, anchor_append_only)

# The years the shipped holiday calendar (loaded by a data migration) covers.
CALENDAR_YEARS = (2025, 2026)


def audit_triggers(enabled: bool) -> None:
    """Switch the append-only triggers of the audit tables (events and anchors) on or off.

    PostgreSQL keeps the triggers and only enables or disables them; SQLite cannot disable a
    trigger, so it is dropped and created again with the migration's own SQL.
    """
    with connection.cursor() as cursor:
        for migration in APPEND_ONLY:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {migration.TABLE} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
            elif connection.vendor == "sqlite":
                for sql in migration.SQLITE_BACKWARD:
                    cursor.execute(sql)
                if enabled:
                    for sql in migration.SQLITE_FORWARD:
                        cursor.execute(sql)


def _constraints_immediate() -> None:
    # ALTER TABLE refuses while the test transaction has deferred foreign-key checks pending.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@contextmanager
def audit_trigger_bypassed() -> Iterator[None]:
    """What someone with direct database access could do: write to the audit tables with the
    append-only triggers switched off, inside the current (test) transaction. The triggers
    are back on when the block ends, even if it raised."""
    _constraints_immediate()
    audit_triggers(False)
    try:
        yield
    finally:
        _constraints_immediate()
        audit_triggers(True)


def ensure_calendar_loaded() -> None:
    """Reload the shipped 2025–2026 holiday calendar if it is missing.

    A data migration loads it, so it is there in every fresh test database, but the flush
    after a transactional test empties the table and later tests would find no calendar.
    """
    if CalendarYear.objects.filter(year__in=CALENDAR_YEARS).count() != len(CALENDAR_YEARS):
        store(shipped_arrangements())
