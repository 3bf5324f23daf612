"""Case page: the "延长期限 Extend" form next to an open deadline its rule lets the reader extend.

The rule (who may extend, by how much) lives in :mod:`workflow.extensions`; the form is
shown only to a reader that service would accept (a party under "both parties' consent",
a holder of the rule's approving role under "approval"), and the view turns the POST into
one service call with the request's metadata (channel ``ui``). A refused extension
changes nothing and the case page says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import extensions
from ..calendar import rules
from ..calendar.rules import Extension, Unit
from ..errors import NotVisible, ServiceError
from ..models import CaseDeadline
from .detail import CaseDetailView

EXTENDED = _("期限已延长至 %(due)s The deadline now ends on %(due)s.")


def with_extension_forms(spec, case, user, rows: list[dict]) -> list[dict]:
    """Add ``extend`` (the form's URL, unit and limits) to each open deadline ``user`` may extend."""
    result = []
    for row in rows:
        row = dict(row)
        rule = None
        if row["status"] == CaseDeadline.Status.OPEN:
            try:
                rule = rules.get_rule(row["rule_id"])
            except KeyError:
                rule = None
        if rule is not None and extensions.may_extend(case=case, rule=rule, user=user):
            row["extend"] = {
                "url": reverse(f"ui:{spec.key}:extend", kwargs={"pk": case.pk, "rule_id": rule.id}),
                "unit_label": str(Unit(rule.unit).label) if rule.unit in Unit.values else rule.unit,
                "max": rule.max_extension,
                "consent": rule.extension == Extension.CONSENT_BOTH,
            }
        result.append(row)
    return result


class DeadlineExtendView(CaseDetailView):
    """POST only: extend one deadline through the service; on refusal show the case page with the reason."""

    def get(self, request, pk, rule_id):
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))

    def post(self, request, pk, rule_id):
        consents = [n.strip() for n in request.POST.get("consents", "").replace("，", ",").split(",") if n.strip()]
        try:
            row = extensions.deadline_extend(
                process=self.spec, case_id=pk, rule_id=rule_id, user=request.user,
                days=request.POST.get("days", ""), reason=request.POST.get("reason", ""),
                consents=consents[:50], meta=self.meta(),
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return self.render_case(
                self.load(pk), error=exc.detail, status=exc.status, extra={"extend_errors": exc.fields or {}}
            )
        messages.success(request, EXTENDED % {"due": row.due_on.isoformat()})
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))
