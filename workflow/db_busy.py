"""A database too busy to take a write in time: the client is asked to retry, never shown a 500.

On the embedded SQLite default one writer writes at a time and the others wait up to the busy
timeout; a lock still held after it raises ``OperationalError: database is locked``. PostgreSQL
reports the same condition with SQLSTATE codes. The transaction that met it has rolled back,
so nothing was written and the same request can simply be sent again.
"""

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _

BUSY_CODE = "busy"
#: Seconds a client should wait before retrying (the ``Retry-After`` header).
RETRY_AFTER_SECONDS = 2
BUSY_DETAIL = _("系统繁忙，请稍后重试 The system is busy, please try again.")

# SQLite's messages for SQLITE_BUSY and SQLITE_LOCKED; PostgreSQL's refusal of one more connection.
BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy", "too many clients already")
# PostgreSQL: lock_not_available (lock_timeout), serialization_failure, deadlock_detected,
# too_many_connections.
POSTGRES_BUSY_SQLSTATES = frozenset({"55P03", "40001", "40P01", "53300"})


def is_database_busy(exc: BaseException) -> bool:
    """True when ``exc`` says the database could not take the request in time, not that it is wrong."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    if getattr(cause, "pgcode", None) in POSTGRES_BUSY_SQLSTATES:
        return True
    message = str(exc).lower()
    return any(text in message for text in BUSY_MESSAGES)


def busy_body() -> dict:
    """The API's error body for a busy database."""
    return {"code": BUSY_CODE, "detail": str(BUSY_DETAIL)}
