"""The detail serializer: what the API, the case list and the case page show of a dispute.

The rows its fields show are declared once (``LIST_RELATED``) so a page of the case list reads
them for every row at once; the minutes of a session only for those entitled to read them.
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers

from workflow.api.related import lookups_by_path, related_rows


def _user(u) -> dict | None:
    return {"username": u.get_username(), "name": u.get_full_name() or u.get_username()} if u else None


def _list_related() -> tuple:
    from .models import DisputeMediator, DisputeRecusal, DisputeSession

    return (
        "applicant", "respondent_rep", "agreement_document", "workers",
        Prefetch("mediators", queryset=DisputeMediator.objects.select_related("user")),
        Prefetch("recusals", queryset=DisputeRecusal.objects.select_related("mediator", "requested_by")),
        Prefetch("sessions", queryset=DisputeSession.objects.select_related("recorded_by")),
        "agreement_document__signatures",
    )


#: The rows the detail fields show, read for a whole page of the case list at once
#: (``ProcessSpec.list_related``).
LIST_RELATED = _list_related()
_LOOKUPS = lookups_by_path(LIST_RELATED)


def _rows(case, name: str) -> list:
    return related_rows(case, _LOOKUPS[name])


def sessions_for(case, user) -> list[dict]:
    """The sessions as ``user`` may see them: minutes and attendance only for those entitled."""
    from .permissions import may_read_minutes

    readable = may_read_minutes(case, user)
    rows = []
    for s in _rows(case, "sessions"):
        row = {"number": s.number, "held_at": s.held_at.isoformat(), "recorded_by": _user(s.recorded_by),
               "confidential": not readable}
        if readable:
            row.update(attendance=s.attendance, minutes=s.minutes, evidence=s.evidence)
        rows.append(row)
    return rows


class DisputeDetailSerializer(serializers.ModelSerializer):
    """What the API and the case page show of a dispute (minutes only to those entitled)."""

    applicant = serializers.SerializerMethodField()
    respondent_rep = serializers.SerializerMethodField()
    workers = serializers.SerializerMethodField()
    mediators = serializers.SerializerMethodField()
    recusals = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    agreement = serializers.SerializerMethodField()

    class Meta:
        from .models import Dispute

        model = Dispute
        fields = [
            "category", "claims", "facts", "arose_on", "received_on", "oral", "oral_confirmed_at", "group",
            "respondent", "applicant", "respondent_rep", "respondent_consented_at", "limitation_flag",
            "limitation_ends_on", "accepted_on", "accepted_on_time", "decline_reason", "decline_note",
            "mediation_ends_on", "arbitration_open_on", "agreement_terms", "performance_due", "agreed_on",
            "performed_on", "breach", "failure_reason", "failed_on", "notice", "arbitration_body", "referred_on",
            "closed_on", "withdraw_reason", "review_applied_on", "review_body", "review_outcome", "review_decided_on",
            "review_route", "review_papers",
            "payment_order_matter", "payment_order_court", "payment_order_applied_on", "payment_order_papers",
            "workers", "mediators", "recusals", "sessions", "agreement",
        ]

    def _reader(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_applicant(self, obj):
        return _user(obj.applicant)

    def get_respondent_rep(self, obj):
        return _user(obj.respondent_rep)

    def get_workers(self, obj):
        return [{"name": w.name, "representative": w.representative} for w in _rows(obj, "workers")]

    def get_mediators(self, obj):
        return [
            {**_user(m.user), "assigned_at": m.assigned_at.isoformat(), "declared": m.declared_at is not None,
             "recused": m.recused_at is not None}
            for m in _rows(obj, "mediators")
        ]

    def get_recusals(self, obj):
        return [
            {"mediator": _user(r.mediator), "grounds": r.grounds, "requested_by": _user(r.requested_by),
             "granted": r.granted, "reason": r.decision_reason}
            for r in _rows(obj, "recusals")
        ]

    def get_sessions(self, obj):
        return sessions_for(obj, self._reader())

    def get_agreement(self, obj):
        doc = obj.agreement_document
        if doc is None:
            return None
        signed: dict[str, list[int]] = {}
        for signature in _rows(obj, "agreement_document__signatures"):  # who signed this version, by capacity
            signed.setdefault(signature.role, []).append(signature.signer_id)
        return {"document": doc.pk, "version": doc.version, "sha256": doc.sha256, "signed": signed}
