"""The oversight dashboard: figures per process, rolled up over the reader's organisations.

Every number is a query over the cases, their deadlines and their audit events as they are now —
never a stored counter that could drift. Each process gets the engine's figures for free, derived
from what it registered (:func:`default_figures`: open cases per state and per organisation,
overdue deadlines and on-time rate per statutory rule, median handling time per step); a process
adds its own (aid disbursed, disputes by outcome…) through ``ProcessSpec.dashboard``, a callable
``(spec, scope) -> list[Figure]``.

Readers as for the audit search (:mod:`.search`): auditors and administrators over their subtree,
a chair over their own organisation; ``organisation`` narrows it to one subtree within that.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from .. import progress, registry
from ..models import AuditEvent, CaseDeadline, Organisation
from .figures import Figure, Scope
from .handling_time import median_hours
from .search import AuditFilters, _organisation_ids, readable_organisation_ids


def dashboard_scope(*, user, organisation: str = "", now=None) -> Scope:
    """403 for a reader the search refuses; 404 for an organisation outside the reader's scope."""
    ids = _organisation_ids(AuditFilters(organisation=organisation), readable_organisation_ids(user))
    return Scope(frozenset(ids), now or timezone.now())


def final_states(spec) -> set[str]:
    """States with no way out (derived from the declared transitions), and the process's closed states."""
    graph = progress.graph(spec.model)
    return {state for state, targets in graph.edges.items() if not targets} | {str(s) for s in spec.closed_states}


def state_labels(spec) -> dict[str, str]:
    return {str(k): str(v) for k, v in spec.model._meta.get_field(spec.state_field).flatchoices}


def open_by_state(spec, scope: Scope) -> Figure:
    labels, closed = state_labels(spec), final_states(spec)
    counts = (
        scope.cases(spec).exclude(**{f"{spec.state_field}__in": closed}).order_by()
        .values_list(spec.state_field).annotate(n=Count("pk"))
    )
    rows = sorted(((state, labels.get(state, state), n) for state, n in counts), key=lambda r: list(labels).index(r[0])
                  if r[0] in labels else len(labels))
    return Figure(f"{spec.key}-open-by-state", f"{spec.label} · 办理中案件（按状态） Open cases by state",
                  ("状态 State", "名称 Label", "案件 Cases"), rows)


def by_organisation(spec, scope: Scope) -> Figure:
    closed = final_states(spec)
    totals = dict(scope.cases(spec).order_by().values_list("organisation_id").annotate(n=Count("pk")))
    opened = dict(
        scope.cases(spec).exclude(**{f"{spec.state_field}__in": closed}).order_by()
        .values_list("organisation_id").annotate(n=Count("pk"))
    )
    names = dict(Organisation.objects.filter(pk__in=totals).values_list("pk", "code"))
    rows = sorted((names[o], totals[o], opened.get(o, 0)) for o in totals)
    return Figure(f"{spec.key}-by-organisation", f"{spec.label} · 各组织案件 Cases by organisation",
                  ("组织 Organisation", "全部 All", "办理中 Open"), rows)


def _deadlines(spec, scope: Scope):
    case_type = ContentType.objects.get_for_model(spec.model, for_concrete_model=True)
    return CaseDeadline.objects.filter(case_type=case_type, organisation_id__in=scope.organisation_ids)


def overdue(spec, scope: Scope) -> Figure:
    """Open deadlines already past their due moment, per rule (the statutory clock they run on)."""
    rows = (
        _deadlines(spec, scope).filter(status=CaseDeadline.Status.OPEN, due_at__lt=scope.now).order_by()
        .values_list("rule_id").annotate(n=Count("pk")).order_by("rule_id")
    )
    return Figure(f"{spec.key}-overdue", f"{spec.label} · 逾期待办 Overdue steps", ("规则 Rule", "逾期 Overdue"),
                  list(rows))


def on_time(spec, scope: Scope) -> Figure:
    """Per rule: deadlines met, expired, and the on-time rate (met of met + expired, in %)."""
    counts = defaultdict(lambda: [0, 0])
    rows = (
        _deadlines(spec, scope).filter(status__in=[CaseDeadline.Status.MET, CaseDeadline.Status.EXPIRED]).order_by()
        .values_list("rule_id", "status").annotate(n=Count("pk"))
    )
    for rule, status, n in rows:
        counts[rule][0 if status == CaseDeadline.Status.MET else 1] += n
    table = [(rule, met, late, round(100 * met / (met + late))) for rule, (met, late) in sorted(counts.items())]
    return Figure(f"{spec.key}-on-time", f"{spec.label} · 按时率 On-time rate per rule",
                  ("规则 Rule", "按时 Met", "逾期 Expired", "按时率 % On time"), table)


def handling_time(spec, scope: Scope) -> Figure:
    """Median hours from the event before to each state change, per step: computed in the database
    from the audit log (:mod:`.handling_time`: ``percentile_cont`` on PostgreSQL)."""
    case_type = ContentType.objects.get_for_model(spec.model, for_concrete_model=True)
    events = AuditEvent.objects.filter(case_type=case_type, organisation_id__in=scope.organisation_ids)
    labels = {name: str(t.label) for name, t in spec.transitions.items()}
    rows = [(action, labels.get(action, action), times, round(hours, 1)) for action, times, hours in
            median_hours(events)]
    return Figure(f"{spec.key}-handling", f"{spec.label} · 办理用时中位数 Median handling time per step",
                  ("步骤 Step", "名称 Label", "次数 Times", "小时 Median hours"), rows)


def default_figures(spec, scope: Scope) -> list[Figure]:
    """What every registered process gets without declaring anything."""
    return [open_by_state(spec, scope), by_organisation(spec, scope), overdue(spec, scope), on_time(spec, scope),
            handling_time(spec, scope)]


def overview(scope: Scope) -> Figure:
    rows = []
    for spec in registry.all_processes():
        closed = final_states(spec)
        cases = scope.cases(spec)
        rows.append((spec.key, str(spec.label), cases.count(),
                     cases.exclude(**{f"{spec.state_field}__in": closed}).count()))
    return Figure("processes", "各流程案件 Cases per process", ("流程 Process", "名称 Label", "全部 All", "办理中 Open"),
                  rows)


def dashboard(scope: Scope) -> list[tuple[str, list[Figure]]]:
    """``[(section title, figures)]``: the overview, then each registered process's figures."""
    sections = [("总览 Overview", [overview(scope)])]
    for spec in registry.all_processes():
        figures = default_figures(spec, scope)
        hook = getattr(spec, "dashboard", None)
        if hook is not None:
            figures += list(hook(spec, scope))
        sections.append((str(spec.label), figures))
    return sections
