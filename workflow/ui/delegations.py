"""Web page for delegation and substitution: list, create, end.

The rules live in :mod:`workflow.delegation`; this page only turns the form into the
service's arguments (a username into a user, a local time into an aware one) and shows
what the service answers. A refused request changes nothing and keeps what was typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import delegation as delegations
from .. import policy
from ..api.parsing import parse_id
from ..audit import RequestMeta
from ..errors import ServiceError
from ..models import Delegation, Organisation
from ..roles import Role
from .forms import add_service_errors

PAGE_SIZE = 200
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
UNKNOWN_USER = _("未找到该用户 Unknown user.")
CREATED = _("已创建委托 Delegation created.")
ENDED = _("已结束委托 Delegation ended.")
NOT_FOUND = _("未找到该委托 Delegation not found.")

#: Status codes shown on the page, in the order the list shows them.
STATUS_ACTIVE, STATUS_UPCOMING, STATUS_ENDED, STATUS_EXPIRED = "active", "upcoming", "ended", "expired"
STATUS_LABELS = {
    STATUS_ACTIVE: _("生效中 Active"),
    STATUS_UPCOMING: _("未开始 Upcoming"),
    STATUS_ENDED: _("已结束 Ended"),
    STATUS_EXPIRED: _("已到期 Expired"),
}
STATUS_ORDER = {STATUS_ACTIVE: 0, STATUS_UPCOMING: 1, STATUS_ENDED: 2, STATUS_EXPIRED: 3}


def status_of(row: Delegation, now) -> str:
    if row.revoked_at is not None:
        return STATUS_ENDED
    if row.ends_at < now:
        return STATUS_EXPIRED
    if row.starts_at > now:
        return STATUS_UPCOMING
    return STATUS_ACTIVE


def own_grants(user) -> list[policy.Grant]:
    """Roles the user holds in their own right: only these may be delegated (a delegated role cannot be passed on)."""
    return [g for g in policy.grants(user, include_delegations=False) if g.on_behalf_of_id is None]


class DelegationForm(forms.Form):
    """Input only: the choices are what the user holds; every rule is checked by ``delegation_create``."""

    organisation = forms.TypedChoiceField(label=_("组织 Organisation"), coerce=int)
    role = forms.ChoiceField(label=_("角色 Role"))
    delegate = forms.CharField(label=_("受托人用户名 Delegate (username)"), max_length=150)
    starts_at = forms.DateTimeField(
        label=_("开始 Starts"),
        required=False,
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("留空为现在 Empty means now"),
    )
    ends_at = forms.DateTimeField(
        label=_("结束 Ends"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    reason = forms.CharField(
        label=_("事由 Reason"), required=False, max_length=delegations.REASON_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("如：休假 e.g. on leave")}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grants = own_grants(user)
        role_labels = dict(Role.choices)
        held_at: dict[int, list[str]] = {}
        for g in grants:
            held_at.setdefault(g.organisation_id, []).append(str(role_labels.get(g.role, g.role)))
        orgs = Organisation.objects.filter(pk__in=held_at).order_by("path")
        # Each organisation names the roles held there, so the role to pick is evident.
        self.fields["organisation"].choices = [
            (o.pk, f"{o.name} ({o.code}): {' / '.join(sorted(held_at[o.pk]))}") for o in orgs
        ]
        held = {g.role for g in grants}
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in held]

    def clean_delegate(self):
        username = self.cleaned_data["delegate"].strip()
        User = get_user_model()
        user = User.objects.filter(is_active=True, **{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise forms.ValidationError(UNKNOWN_USER)
        return user


def _rows(user, now) -> list[dict]:
    role_labels = dict(Role.choices)
    rows = []
    for row in delegations.delegation_list(user=user, now=now)[:PAGE_SIZE]:
        status = status_of(row, now)
        rows.append(
            {
                "delegation": row,
                "role_label": role_labels.get(row.role, row.role),
                "status": status,
                "status_label": STATUS_LABELS[status],
                "given": row.delegator_id == user.pk,
                "can_end": status in (STATUS_ACTIVE, STATUS_UPCOMING) and delegations.may_end(user, row),
            }
        )
    # Active first, then not yet started, then the past; newest first within each (the list's own order).
    rows.sort(key=lambda r: STATUS_ORDER[r["status"]])
    return rows


class DelegationPage(View):
    template_name = "workflow/ui/delegations.html"

    def render(self, form, *, error: str = "", status: int = 200):
        now = timezone.now()
        context = {
            "rows": _rows(self.request.user, now),
            "form": form,
            "error": error,
            "can_delegate": bool(form.fields["organisation"].choices),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        start = timezone.localtime().replace(second=0, microsecond=0)
        return self.render(DelegationForm(user=request.user, initial={"starts_at": start}))

    def post(self, request):
        form = DelegationForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            delegations.delegation_create(
                delegator=request.user,
                delegate=data["delegate"],
                organisation=Organisation.objects.get(pk=data["organisation"]),
                role=data["role"],
                starts_at=data["starts_at"] or timezone.now(),
                ends_at=data["ends_at"],
                reason=data["reason"],
                meta=RequestMeta.from_request(request, "ui"),
            )
        except ServiceError as exc:
            return self.render(form, error=add_service_errors(form, exc), status=exc.status)
        messages.success(request, CREATED)
        return redirect("delegations:list")


class DelegationEndPage(View):
    def post(self, request, pk: int):
        row = (
            Delegation.objects.filter(delegations.delegations_visible_q(request.user), pk=pk).first()
            if parse_id(pk) is not None
            else None
        )
        if row is None:
            raise Http404(NOT_FOUND)
        try:
            delegations.delegation_end(delegation=row, user=request.user, meta=RequestMeta.from_request(request, "ui"))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, ENDED)
        return redirect("delegations:list")


app_patterns = (
    [
        path("", DelegationPage.as_view(), name="list"),
        path("<int:pk>/end/", DelegationEndPage.as_view(), name="end"),
    ],
    "delegations",
)

urlpatterns = [path("delegations/", include(app_patterns))]
