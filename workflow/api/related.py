"""A case's related rows as its process's list reads them (``ProcessSpec.list_related``).

The list prefetches those rows for a whole page; the detail of one case reads the same rows through
:func:`related_rows`, which takes them from the page's prefetch when they are there and otherwise reads
them now with the same lookup (one statement), so a row of the list and the case's detail agree.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects


def lookups_by_path(lookups) -> dict:
    """Each lookup of a ``list_related`` tuple by the path it fills (a ``Prefetch``'s ``prefetch_to``)."""
    return {getattr(lookup, "prefetch_to", lookup): lookup for lookup in lookups}


def related_rows(obj, lookup) -> list:
    """``obj``'s rows at ``lookup``'s path: prefetched already (Django then reads nothing), or read now."""
    prefetch_related_objects([obj], lookup)
    rows = obj
    for part in getattr(lookup, "prefetch_to", lookup).split("__"):
        rows = getattr(rows, part)
    return list(rows.all())
