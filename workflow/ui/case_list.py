"""The case list of one process: each case with its title, state, current step, whom it
waits for and the deadline that matters now; filters (state, organisation, the model's
own choice fields such as a category, creation dates, due), sorting, pages and search.

The page's rows read their steps and deadlines in two queries for the whole page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Q, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from .. import inbox, policy, services
from ..api.parsing import id_or_code_lookup
from ..counting import CappedCountPaginator
from ..models import Organisation, WorkItem, case_content_type
from ..roles import Role
from .views import ME, ProcessView, case_url, state_choices

PAGE_SIZE = 25
#: Each: label and ordering. ``due`` orders by the open step's date, cases without one last.
SORTS = {
    "-created": (_("最新创建 Newest first"), ("-created_at", "-pk")),
    "created": (_("最早创建 Oldest first"), ("created_at", "pk")),
    "due": (_("截止时间（最早） Due (soonest)"), (F("step_due").asc(nulls_last=True), "-created_at", "-pk")),
    "reference": (_("编号 Reference"), ("reference",)),
}
DUE_FILTERS = {
    "overdue": _("仅逾期 Overdue only"),
    "soon": _("即将到期或逾期 Due soon or overdue"),
    "open": _("有待办步骤 With an open step"),
}


def choice_filters(model) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The model's own fields with fixed choices (a category, a kind), state aside: each a filter."""
    return [
        (f.name, str(f.verbose_name), [(str(k), str(v)) for k, v in f.flatchoices])
        for f in model._meta.concrete_fields
        if f.choices and f.name != "state"
    ]


def open_steps(model, case_ids) -> dict[int, list[WorkItem]]:
    """The open work items of each listed case, in one query."""
    steps: dict[int, list[WorkItem]] = {}
    case_type = case_content_type(model)
    for item in WorkItem.objects.filter(case_type=case_type, case_id__in=case_ids).select_related("user"):
        steps.setdefault(item.case_id, []).append(item)
    return steps


def waiting_for(items: list[WorkItem], reader) -> str:
    roles = {str(k): str(v) for k, v in Role.choices}
    names = []
    for item in items:
        if item.user_id == reader.pk:
            label = str(ME)
        elif item.user_id:
            label = item.user.get_full_name() or item.user.get_username()
        else:
            label = roles.get(item.role, item.role)
        if label not in names:
            names.append(label)
    return "、".join(names)


class CaseListView(ProcessView):
    """The cases of one process the reader may see, filtered, sorted and paged."""

    template_name = "workflow/ui/case_list.html"

    def filtered(self, qs, params, filters: dict, now: dt.datetime):
        spec = self.spec
        if filters["state"]:
            qs = qs.filter(state=filters["state"])
        org = filters["organisation"]
        if org:
            lookup = id_or_code_lookup(org)
            qs = qs.filter(**{"organisation__" + key: value for key, value in lookup.items()}) if lookup else qs.none()
        for name, _label, choices in filters["choice_fields"]:
            value = params.get(name, "")
            if value in {k for k, _v in choices}:
                qs = qs.filter(**{name: value})
        created_from, created_to = parse_date(filters["from"] or "-"), parse_date(filters["to"] or "-")
        if created_from:
            qs = qs.filter(created_at__date__gte=created_from)
        if created_to:
            qs = qs.filter(created_at__date__lte=created_to)
        if filters["due"] == "overdue":
            qs = qs.filter(step_due__lt=now)
        elif filters["due"] == "soon":
            qs = qs.filter(step_due__lt=now + inbox.DUE_SOON)
        elif filters["due"] == "open":
            qs = qs.filter(pk__in=self.items_of_type().values("case_id"))
        if filters["q"]:
            q = Q()
            for name in spec.search_fields:
                q |= Q(**{f"{name}__icontains": filters["q"]})
            qs = qs.filter(q)
        return qs

    def items_of_type(self):
        case_type = case_content_type(self.spec.model)
        return WorkItem.objects.filter(case_type=case_type)

    def get(self, request):
        spec = self.spec
        now = timezone.now()
        params = request.GET
        visible = spec.model.objects.filter(policy.visible_q(request.user, spec.model, spec.viewer_roles))
        # The open step's date (as stored on its work items), for sorting and the due filters.
        step_due = self.items_of_type().filter(case_id=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
        qs = visible.select_related("organisation", "created_by").annotate(step_due=Subquery(step_due))
        filters = {
            "state": params.get("state", ""),
            "organisation": params.get("organisation", ""),
            "q": params.get("q", "").strip(),
            "due": params.get("due", "") if params.get("due", "") in DUE_FILTERS else "",
            "from": params.get("from", ""),
            "to": params.get("to", ""),
            "sort": params.get("sort", "-created") if params.get("sort", "-created") in SORTS else "-created",
            "choice_fields": choice_filters(spec.model),
        }
        qs = self.filtered(qs, params, filters, now).order_by(*SORTS[filters["sort"]][1])
        page = CappedCountPaginator(qs, PAGE_SIZE).get_page(params.get("page"))
        cases = list(page.object_list)
        steps = open_steps(spec.model, [c.pk for c in cases])
        case_type = case_content_type(spec.model)
        deadlines = inbox.open_deadlines_of({(case_type.pk, c.pk) for c in cases})
        rows = []
        for c in cases:
            items = steps.get(c.pk, [])
            due = inbox.deadline_that_matters(c.step_due, deadlines.get((case_type.pk, c.pk), []), now) if items else None
            rows.append(
                {
                    "case": c,
                    "url": case_url(spec.key, c.pk),
                    "title": getattr(c, "title", ""),
                    "step": items[0].title if items else "",
                    "waiting_for": waiting_for(items, request.user),
                    "due_at": due,
                    "due_status": inbox.due_status(due, now),
                }
            )
        query = params.copy()
        query.pop("page", None)
        context = {
            "spec": spec,
            "page": page,
            "cases": rows,
            "states": state_choices(spec.model),
            "organisations": Organisation.objects.filter(pk__in=visible.values("organisation_id")).order_by("code"),
            "choice_fields": [
                (name, label, choices, params.get(name, "")) for name, label, choices in filters["choice_fields"]
            ],
            "filters": filters,
            "sorts": [(k, v[0]) for k, v in SORTS.items()],
            "due_filters": list(DUE_FILTERS.items()),
            "querystring": query.urlencode(),
            "can_create": services.creatable_organisations(process=spec, user=request.user).exists(),
            "create_url": reverse(f"ui:{spec.key}:create"),
        }
        return TemplateResponse(request, self.template_name, context)
