"""The inbox: what awaits a user across all processes, soonest due first.

One small indexed query per role the user holds (role, organisation, due) and one for
items addressed to the user by name, each limited, merged in Python. A single
``role IN (…) ORDER BY due`` query over every open item does not scale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from . import policy, registry
from .deadlines import provisional_due
from .models import CaseDeadline, WorkItem, case_content_type

_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)
#: The API's largest page; the web inbox pages through up to :data:`UI_LIMIT` items.
API_LIMIT = 200
UI_LIMIT = 500
#: A step due within this long is highlighted as due soon.
DUE_SOON = dt.timedelta(days=3)


#: Inbox item sources beyond the flows' open steps: ``fn(user, limit) -> list[item]``, each item
#: built with :func:`source_item`. For what a person is expected to do on a case without holding
#: its step: a co-department's countersign (会签), an elector's open congress vote. Registered by
#: name (idempotent) with :func:`register_source`, or declared on ``ProcessSpec.inbox_sources``.
_SOURCES: dict[str, object] = {}


def register_source(name: str, fn) -> None:
    """Add (or replace) an inbox item source: ``fn(user, limit)`` returns that user's items."""
    _SOURCES[name] = fn


def _sources() -> list:
    found = list(_SOURCES.values())
    for spec in registry.all_processes():
        found += [fn for fn in getattr(spec, "inbox_sources", ()) if fn not in found]
    return found


def source_item(
    *, process: str, case_id: int, reference: str, task, organisation_id: int, due_at=None, role: str = "",
    url: str | None = None, kind: str = "",
) -> dict:
    """One inbox item from a source, shaped like a step's (``task`` is the label the reader sees;
    ``url`` where to act when that is not the case page, e.g. the ballot of a vote)."""
    return {
        "id": None, "process_key": process, "case_type_id": None, "case_id": case_id, "case_ref": reference,
        "title": str(task), "role": role, "organisation_id": organisation_id, "due_at": due_at, "user_id": None,
        "on_behalf_of": None, "url": url, "kind": kind or "source",
    }


def _rows(qs, limit):
    return list(
        qs.order_by("due_at", "id").values(
            "id", "process_key", "case_type_id", "case_id", "case_ref", "title", "role", "organisation_id", "due_at",
            "user_id",
        )[:limit]
    )


def _collect(user, limit: int, *, named: bool, by_role: bool, cap: int = API_LIMIT) -> list[dict]:
    if not user or not user.is_authenticated:
        return []
    limit = max(1, min(limit, cap))
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
    extra: list[dict] = []
    if named:
        for source in _sources():
            extra += source(user, limit)
    merged = list(rows.values()) + extra
    ordered = sorted(merged, key=lambda r: (r["due_at"] or _FAR_FUTURE, r["id"] or 0, r["case_ref"]))[:limit]
    provisional = provisional_due((r["case_type_id"], r["case_id"], r["due_at"]) for r in ordered if r["due_at"])
    return [
        {
            "process": r["process_key"],
            "case_id": r["case_id"],
            "reference": r["case_ref"],
            "task": r["title"],
            "role": r["role"] or None,
            "organisation_id": r["organisation_id"],
            "due_at": r["due_at"],
            #: The due date counts on the statute: the year's holiday notice is not loaded yet.
            "due_provisional": (r["case_type_id"], r["case_id"], r["due_at"]) in provisional,
            "on_behalf_of": r["on_behalf_of"],
            #: "step" for the flow's open step; a source's kind otherwise (e.g. "countersign", "vote").
            "kind": r.get("kind", "step"),
            "url": r.get("url"),
        }
        for r in ordered
    ]


def inbox_for(user, limit: int = 50, *, cap: int = API_LIMIT) -> list[dict]:
    """Everything awaiting ``user``: steps addressed to them by name or claimed by them,
    and steps addressed to a role they hold that nobody has claimed yet."""
    return _collect(user, limit, named=True, by_role=True, cap=cap)


def queue_for(user, limit: int = 50, *, cap: int = API_LIMIT) -> list[dict]:
    """The queue (viewflow's "queue" beside the inbox): steps addressed to a role ``user``
    holds in their scope that nobody has claimed. A claimed step is addressed to its
    owner alone (see :func:`workflow.flowkit.rebuild_work_items`), so it is not here."""
    return _collect(user, limit, named=False, by_role=True, cap=cap)


def _is_optional_window(rule_id: str) -> bool:
    """A deadline whose expiry only flags it (e.g. a window to return a wrong assignment):
    once past, it no longer binds anyone, so another open deadline matters more."""
    from .deadlines.rules import find_rule

    rule = find_rule(rule_id)
    return rule is not None and rule.on_expiry == "flag"


def deadline_that_matters(step_due, open_deadlines, now: dt.datetime):
    """The due date to show for a step.

    The step's own deadline while it is open and either still ahead or binding (late is
    overdue). Once it is an expired optional window (or no longer open), the nearest open
    deadline of the case that is still ahead (the reply deadline after the return window);
    failing that, the nearest open one, overdue; failing that, the step's own date.
    ``open_deadlines``: ``(rule_id, due_at, …)`` of the case's open deadlines.
    """
    open_deadlines = [(row[0], row[1]) for row in open_deadlines]
    own = [rule for rule, due in open_deadlines if due == step_due]
    if step_due is not None and own and (step_due >= now or not all(map(_is_optional_window, own))):
        return step_due
    candidates = [due for rule, due in open_deadlines if not (due < now and _is_optional_window(rule))]
    ahead = [due for due in candidates if due >= now]
    if ahead:
        return min(ahead)
    if candidates:
        return min(candidates)
    return step_due


def due_status(due, now: dt.datetime) -> str:
    """``overdue`` past the due time, ``soon`` within :data:`DUE_SOON`, else ``""``."""
    if due is None:
        return ""
    if due < now:
        return "overdue"
    if due - now <= DUE_SOON:
        return "soon"
    return ""


def case_summaries(keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """Title, state and organisation of each ``(process_key, case_id)``: one query per process."""
    by_process: dict[str, set[int]] = defaultdict(set)
    for process_key, case_id in keys:
        by_process[process_key].add(case_id)
    found = {}
    for process_key, ids in by_process.items():
        spec = registry.get(process_key)
        if spec is None:
            continue
        model = spec.model
        has_title = any(f.name == "title" for f in model._meta.concrete_fields)
        fields = ["pk", "state", "organisation_id", *(["title"] if has_title else [])]
        states = {str(k): str(v) for k, v in model._meta.get_field("state").flatchoices}
        for row in model.objects.filter(pk__in=ids).values(*fields):
            found[(process_key, row["pk"])] = {
                "title": row.get("title", ""),
                "state": row["state"],
                "state_label": states.get(row["state"], row["state"]),
            }
    return found


def open_deadlines_of(keys: set[tuple[int, int]]) -> dict[tuple[int, int], list[tuple[str, dt.datetime, bool]]]:
    """Open deadlines of each ``(case_type_id, case_id)`` as ``(rule_id, due_at, provisional)``, in one query."""
    if not keys:
        return {}
    by_type: dict[int, set[int]] = defaultdict(set)
    for type_id, case_id in keys:
        by_type[type_id].add(case_id)
    q = Q()
    for type_id, ids in by_type.items():
        q |= Q(case_type_id=type_id, case_id__in=ids)
    found: dict[tuple[int, int], list] = defaultdict(list)
    rows = CaseDeadline.objects.filter(q, status=CaseDeadline.Status.OPEN).values_list(
        "case_type_id", "case_id", "rule_id", "due_at", "provisional"
    )
    for type_id, case_id, rule_id, due_at, provisional in rows:
        found[(type_id, case_id)].append((rule_id, due_at, provisional))
    return found


def _case_type_ids(process_keys: set[str]) -> dict[str, int]:

    ids = {}
    for process_key in process_keys:
        spec = registry.get(process_key)
        if spec is not None:
            ids[process_key] = case_content_type(spec.model).pk
    return ids


def with_case_details(items: list[dict], now: dt.datetime | None = None) -> list[dict]:
    """Inbox items with the case's title and state, the deadline that matters now
    (``due_at``; the step's stored date is kept as ``step_due_at``) and its ``due_status``.

    A fixed number of queries whatever the number of items: one per process for the
    cases, one for the open deadlines (content types are cached).
    """
    now = now or timezone.now()
    summaries = case_summaries({(i["process"], i["case_id"]) for i in items})
    type_ids = _case_type_ids({i["process"] for i in items})
    deadlines = open_deadlines_of({(type_ids[i["process"]], i["case_id"]) for i in items if i["process"] in type_ids})
    rows = []
    for item in items:
        summary = summaries.get((item["process"], item["case_id"]), {"title": "", "state": "", "state_label": ""})
        open_rows = deadlines.get((type_ids.get(item["process"]), item["case_id"]), [])
        due = deadline_that_matters(item["due_at"], open_rows, now)
        rows.append(
            {
                **item,
                "case_title": summary["title"],
                "state": summary["state"],
                "state_label": summary["state_label"],
                "step_due_at": item["due_at"],
                "due_at": due,
                "due_status": due_status(due, now),
                # Counted on the statute alone (the year's holiday notice is not loaded yet).
                "due_provisional": any(row[1] == due and row[2] for row in open_rows),
            }
        )
    return rows
