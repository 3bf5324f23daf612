"""The time source of the timer sweep, injectable so tests and operators can move the clock.

Production reads the real time. ``manage.py run_timers --now …`` and tests wrap a
sweep in :func:`override` (or monkeypatch :func:`now`) to fire what would be due then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time as the timers see it (aware)."""
    return _fixed if _fixed is not None else timezone.now()


@contextmanager
def override(at: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, :func:`now` returns ``at`` (naive values are read as Asia/Shanghai)."""
    global _fixed
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_default_timezone())
    previous, _fixed = _fixed, at
    try:
        yield at
    finally:
        _fixed = previous
