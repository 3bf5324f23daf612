"""The inbox and the queue as pages: every item with its case title, step, whom it waits
for and the deadline that matters now; filters, sorting and pages.

The items come from :mod:`workflow.inbox` (one indexed query per role); filtering and
sorting happen on that bounded list, and the case details are read in a fixed number
of queries (:func:`workflow.inbox.with_case_details`), never one per item.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import inbox, registry
from ..api.parsing import parse_id
from ..models import Organisation
from ..roles import Role
from .views import ME, case_url

PAGE_SIZE = 50
_NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
_LONG_AGO = dt.datetime.min.replace(tzinfo=dt.UTC)
#: Sort keys offered on the page; the default is the soonest due first.
#: Each: label, key, newest first. Items without a due date come last when soonest first.
SORTS = {
    "due": (_("截止时间（最早） Due (soonest)"), lambda r: (r["due_at"] or _NEVER, r["reference"]), False),
    "-due": (_("截止时间（最晚） Due (latest)"), lambda r: (r["due_at"] or _LONG_AGO, r["reference"]), True),
    "reference": (_("编号 Reference"), lambda r: (r["reference"],), False),
    "process": (_("流程 Process"), lambda r: (r["process"], r["due_at"] or _NEVER), False),
}
DUE_FILTERS = {
    "overdue": _("仅逾期 Overdue only"),
    "soon": _("即将到期或逾期 Due soon or overdue"),
    "dated": _("有截止时间 With a due date"),
}


def work_rows(items: list[dict]) -> list[dict]:
    """Items as the pages show them: process label, case link, whom the step is addressed to."""
    behalf_ids = {i["on_behalf_of"] for i in items if i["on_behalf_of"]}
    names = {
        u.pk: (u.get_full_name() or u.get_username())
        for u in get_user_model().objects.filter(pk__in=behalf_ids)
    } if behalf_ids else {}
    roles = {str(k): str(v) for k, v in Role.choices}
    rows = []
    for item in items:
        spec = registry.get(item["process"])
        rows.append(
            {
                **item,
                "process_label": spec.label if spec else item["process"],
                # A source's item may lead elsewhere than the case page (a vote's ballot).
                "url": item.get("url") or case_url(item["process"], item["case_id"]),
                "on_behalf_of_name": names.get(item["on_behalf_of"], ""),
                "assigned_label": roles.get(item["role"], item["role"]) if item["role"] else ME,
            }
        )
    return rows


def filter_items(items: list[dict], params) -> tuple[list[dict], dict]:
    """Apply the page's filters (process, state, organisation, due) and sort; returns the
    rows and the filters as read, to show them back in the form."""
    filters = {
        "process": params.get("process", ""),
        "state": params.get("state", ""),
        "organisation": params.get("organisation", ""),
        "due": params.get("due", ""),
        "sort": params.get("sort", "due") if params.get("sort", "due") in SORTS else "due",
    }
    rows = items
    if filters["process"]:
        rows = [r for r in rows if r["process"] == filters["process"]]
    if filters["state"]:
        rows = [r for r in rows if r["state"] == filters["state"]]
    organisation_id = parse_id(filters["organisation"])
    if organisation_id is not None:
        rows = [r for r in rows if r["organisation_id"] == organisation_id]
    if filters["due"] == "overdue":
        rows = [r for r in rows if r["due_status"] == "overdue"]
    elif filters["due"] == "soon":
        rows = [r for r in rows if r["due_status"] in ("overdue", "soon")]
    elif filters["due"] == "dated":
        rows = [r for r in rows if r["due_at"] is not None]
    _label, key, newest_first = SORTS[filters["sort"]]
    rows = sorted(rows, key=key, reverse=newest_first)
    return rows, filters


class WorkListView(View):
    """A page of work items with filters, sorting and pages (the inbox and the queue)."""

    template_name = ""

    def items(self, request) -> list[dict]:
        raise NotImplementedError

    def decorate(self, rows: list[dict]) -> list[dict]:
        return rows

    def get(self, request):
        items = inbox.with_case_details(self.items(request))
        rows, filters = filter_items(items, request.GET)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        processes = sorted({(i["process"], str(registry.get(i["process"]).label)) for i in items if registry.get(i["process"])})
        states = sorted({(i["state"], i["state_label"]) for i in items if i["state"]}, key=lambda s: s[1])
        organisations = Organisation.objects.filter(pk__in={i["organisation_id"] for i in items}).order_by("code")
        context = {
            "items": self.decorate(work_rows(list(page.object_list))),
            "page": page,
            "querystring": params.urlencode(),
            "filters": filters,
            "total": len(items),
            "processes": processes,
            "states": states,
            "organisations": organisations,
            "sorts": [(k, v[0]) for k, v in SORTS.items()],
            "due_filters": list(DUE_FILTERS.items()),
        }
        return TemplateResponse(request, self.template_name, context)


class InboxView(WorkListView):
    """What awaits the reader across all processes, soonest due first."""

    template_name = "workflow/ui/inbox.html"

    def items(self, request):
        return inbox.inbox_for(request.user, limit=inbox.UI_LIMIT, cap=inbox.UI_LIMIT)


class QueueView(WorkListView):
    """Steps addressed to a role the reader holds that nobody has claimed yet, each with a claim button."""

    template_name = "workflow/ui/queue.html"

    def items(self, request):
        return inbox.queue_for(request.user, limit=inbox.UI_LIMIT, cap=inbox.UI_LIMIT)

    def decorate(self, rows):
        for row in rows:
            try:
                row["claim_url"] = reverse(f"ui:{row['process']}:claim", kwargs={"pk": row["case_id"]})
            except NoReverseMatch:
                row["claim_url"] = None
        return rows
