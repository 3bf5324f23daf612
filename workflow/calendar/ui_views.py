"""Web pages: the deadline rules with their sources, each year's calendar, and loading a year."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ..api.parsing import strict_int
from ..audit import RequestMeta
from ..errors import InvalidInput, ServiceError
from . import selectors
from .importing import NOT_CALENDAR_ADMIN, import_calendar, may_manage_calendar, preview, read_arrangements
from .overrides import deadline_override, organisations_to_adjust
from .working_days import CalendarMissing


class RulesPage(View):
    """The rules with their sources, the loaded years, and (for a chair or administrator)
    the form that sets their organisation's own length of an adjustable rule."""

    def get(self, request, *, error: str = "", status: int = 200):
        rules = selectors.deadline_rule_list()
        adjust_orgs = organisations_to_adjust(request.user)
        return render(
            request,
            "wf_calendar/rules.html",
            {
                "rules": rules,
                "years": selectors.calendar_years(),
                "may_import": may_manage_calendar(request.user),
                "adjust_orgs": adjust_orgs,
                "adjustable_rules": [r for r in rules if r["adjustable"]],
                "overrides": selectors.overrides_in(adjust_orgs),
                "override_history": selectors.override_history(adjust_orgs),
                "error": error,
            },
            status=status,
        )


class OverridePage(View):
    """Set (``n``) or restore (``action=restore``) an organisation's length of an adjustable rule."""

    def post(self, request):
        from ..models import Organisation
        from ..services import parse_id

        organisation = Organisation.objects.filter(pk=parse_id(request.POST.get("organisation"))).first()
        rule_id = request.POST.get("rule_id", "")
        restore = request.POST.get("action") == "restore"
        raw = request.POST.get("n", "").strip()
        try:
            if organisation is None:
                raise InvalidInput(str(_("未知组织 Unknown organisation.")))
            n = None if restore else (raw if strict_int(raw) is None else strict_int(raw))
            rule = deadline_override(
                user=request.user, organisation=organisation, rule_id=rule_id, n=n,
                meta=RequestMeta.from_request(request, "ui"),
            )
        except ServiceError as exc:
            return RulesPage().get(request, error=exc.summary(), status=exc.status)
        messages.success(
            request,
            _("已保存 Saved · %(org)s · %(rule)s = %(n)s %(unit)s")
            % {"org": organisation.name, "rule": rule["id"], "n": rule["effective_n"], "unit": rule["unit_label"]},
        )
        return redirect("wf_calendar:rules")


class YearPage(View):
    def get(self, request, year: int):
        try:
            calendar = selectors.calendar_for_year(year=year)
        except CalendarMissing:
            raise Http404 from None
        return render(request, "wf_calendar/year.html", {"calendar": calendar})


class ImportPage(View):
    """Paste the State Council's notice, preview every day it lists, then load it.

    Only a federation administrator may load a calendar (see :mod:`.importing`); the
    preview stores nothing, and the import stores exactly what the preview showed.
    """

    template_name = "wf_calendar/import.html"

    def get(self, request):
        if not may_manage_calendar(request.user):
            return self._render(request, error=str(NOT_CALENDAR_ADMIN), status=403)
        return self._render(request)

    def post(self, request):
        if not may_manage_calendar(request.user):
            return self._render(request, error=str(NOT_CALENDAR_ADMIN), status=403)
        form = {
            "notice": request.POST.get("notice", ""),
            "year": request.POST.get("year", "").strip(),
            "source_url": request.POST.get("source_url", "").strip(),
        }
        try:
            arrangements = read_arrangements(notice=form["notice"], year=form["year"], source_url=form["source_url"])
            shown = [preview(a) for a in arrangements]
            if request.POST.get("action") != "import":
                return self._render(request, form=form, preview=shown)
            result = import_calendar(arrangements, user=request.user, meta=RequestMeta.from_request(request, "ui"))
        except ServiceError as exc:
            return self._render(request, form=form, error=exc.summary(), status=exc.status)
        for year in result.years:
            messages.success(request, _("%(year)s年节假日安排已导入 The %(year)s holiday calendar is loaded.") % {"year": year})
        for row in result.warnings:
            messages.warning(
                request,
                _("进行中的期限 %(ref)s（%(rule)s）截止于 %(day)s，该日现为非工作日 "
                  "Open deadline %(ref)s (%(rule)s) ends on %(day)s, now a non-working day.")
                % {"ref": row.case_ref, "rule": row.rule_id, "day": row.due_on},
            )
        for change in result.recomputed:
            messages.info(
                request,
                _("暂定期限 %(ref)s（%(rule)s）已重新计算：%(old)s → %(new)s "
                  "Provisional deadline %(ref)s (%(rule)s) recomputed: %(old)s → %(new)s.")
                % {"ref": change["case"], "rule": change["rule_id"], "old": change["old_due_on"],
                   "new": change["new_due_on"]},
            )
        return redirect("wf_calendar:year", year=result.years[0])

    def _render(self, request, *, form=None, preview=None, error="", status=200):
        context = {"form": form or {"notice": "", "year": "", "source_url": ""}, "preview": preview, "error": error}
        return render(request, self.template_name, context, status=status)
