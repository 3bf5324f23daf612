"""The inbox: what awaits a user across all processes, soonest due first.

One small indexed query per role the user holds (role, organisation, due) and one for
items addressed to the user by name, each limited, merged in Python. A single
``role IN (…) ORDER BY due`` query over every open item does not scale.
"""

from __future__ import annotations

import datetime as dt

from . import policy
from .deadlines import provisional_due
from .models import WorkItem

_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


def _rows(qs, limit):
    return list(
        qs.order_by("due_at", "id").values(
            "id", "process_key", "case_type_id", "case_id", "case_ref", "title", "role", "organisation_id", "due_at",
            "user_id",
        )[:limit]
    )


def _collect(user, limit: int, *, named: bool, by_role: bool) -> list[dict]:
    if not user or not user.is_authenticated:
        return []
    limit = max(1, min(limit, 200))
    rows: dict[int, dict] = {}
    if named:
        for row in _rows(WorkItem.objects.filter(user=user), limit):
            rows[row["id"]] = {**row, "on_behalf_of": None}
    if by_role:
        for g in policy.grants(user):
            if g.role in ("member", "auditor"):
                continue  # members act on their own cases (addressed by name); auditors only read
            qs = WorkItem.objects.filter(role=g.role)
            if g.subtree:
                qs = qs.filter(organisation__path__startswith=g.path)
            else:
                qs = qs.filter(organisation_id=g.organisation_id)
            for row in _rows(qs, limit):
                rows.setdefault(row["id"], {**row, "on_behalf_of": g.on_behalf_of_id})
    ordered = sorted(rows.values(), key=lambda r: (r["due_at"] or _FAR_FUTURE, r["id"]))[:limit]
    provisional = provisional_due((r["case_type_id"], r["case_id"], r["due_at"]) for r in ordered if r["due_at"])
    return [
        {
            "process": r["process_key"],
            "case_id": r["case_id"],
            "reference": r["case_ref"],
            "task": r["title"],
            "role": r["role"] or None,
            "due_at": r["due_at"],
            #: The due date counts on the statute: the year's holiday notice is not loaded yet.
            "due_provisional": (r["case_type_id"], r["case_id"], r["due_at"]) in provisional,
            "on_behalf_of": r["on_behalf_of"],
        }
        for r in ordered
    ]


def inbox_for(user, limit: int = 50) -> list[dict]:
    """Everything awaiting ``user``: steps addressed to them by name or claimed by them,
    and steps addressed to a role they hold that nobody has claimed yet."""
    return _collect(user, limit, named=True, by_role=True)


def mine_for(user, limit: int = 50) -> list[dict]:
    """Steps addressed to ``user`` by name, including those they (or a manager for them) claimed."""
    return _collect(user, limit, named=True, by_role=False)


def queue_for(user, limit: int = 50) -> list[dict]:
    """The queue (viewflow's "queue" beside the inbox): steps addressed to a role ``user``
    holds in their scope that nobody has claimed. A claimed step is addressed to its
    owner alone (see :func:`workflow.flowkit.rebuild_work_items`), so it is not here."""
    return _collect(user, limit, named=False, by_role=True)
