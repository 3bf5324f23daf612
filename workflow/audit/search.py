"""Searching every history: the audit events a reader may see, filtered and paged by keyset.

Who may search: a user holding the auditor (经费审查), administrator or chair role — their own or
delegated to them. Auditors and administrators read the organisation where they hold the role and
everything below it; a chair reads their own organisation (``SUBTREE_ROLES``). Everyone else is
refused (403) and learns nothing. Searching only reads: it writes no row, not even an audit event.

Filters (all optional, combined with AND): ``organisation`` (id or code; with its subtree, and it
must lie in the reader's scope, else 404), ``process`` (a registered process key), ``case`` (a case
reference), ``actor`` (a username), ``action`` (alias ``transition``), ``state`` (the state reached),
``date_from``/``date_to`` (Asia/Shanghai calendar dates, both inclusive), ``on_behalf`` (only steps
taken under a delegation) and ``restricted`` (only reads of restricted personal data).

Pages are newest first, ordered by ``(created_at, id)`` and cut by a keyset cursor (the last row's
time and id), never by an offset: a page costs the same on page 1 and page 10,000, and an event
written while the reader pages never shifts or repeats a row. The indexes behind it are declared on
:class:`workflow.models.AuditEvent` (organisation + time, process + time, action + time, time).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass, fields

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from .. import policy, registry
from ..errors import ActionForbidden, InvalidInput, NotVisible
from ..models import AuditEvent, Organisation
from ..roles import Role

#: The roles that may search the audit log (the issue's auditors, chairs and the federation).
SEARCH_ROLES = frozenset({Role.AUDITOR, Role.ADMIN, Role.CHAIR})
SEARCH_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
RESTRICTED_READ = "restricted_read"

NOT_ALLOWED = _(
    "只有经费审查、管理员或工会主席可以查阅审计日志 Only an auditor, an administrator or a chair may search the audit log."
)
INVALID = _("输入有误 Invalid input.")
BAD_DATE = _("请填写有效日期 Enter a valid date.")
TO_BEFORE_FROM = _("截止日期不能早于起始日期 The end date cannot be before the start date.")
UNKNOWN_PROCESS = _("没有这个流程 No such process.")
BAD_CURSOR = _("分页游标无效 The page cursor is not valid.")
BAD_FLAG = _("请填写 true 或 false Enter true or false.")
ORG_NOT_FOUND = _("未找到该组织 Organisation not found.")


@dataclass(frozen=True)
class AuditFilters:
    """A parsed search: what an export stores (``as_dict``) and a search runs (``queryset``)."""

    organisation: str = ""
    process: str = ""
    case: str = ""
    actor: str = ""
    action: str = ""
    state: str = ""
    date_from: str = ""
    date_to: str = ""
    on_behalf: bool = False
    restricted: bool = False

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def _invalid(name: str, message) -> InvalidInput:
    return InvalidInput(str(INVALID), fields={name: [str(message)]})


def _flag(name: str, value) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise _invalid(name, BAD_FLAG)


def _date(name: str, value) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None or parsed >= dt.date.max:
        raise _invalid(name, BAD_DATE)
    return parsed.isoformat()


def parse_filters(data) -> AuditFilters:
    """Read the filters from a query string or a body; a bad value is a 400 naming its field."""
    text = {}
    for f in fields(AuditFilters):
        if f.type == "bool":
            continue
        raw = data.get(f.name) if f.name != "action" else (data.get("action") or data.get("transition"))
        value = str(raw if raw is not None else "").strip()
        if len(value) > 150 or "\x00" in value:
            raise _invalid(f.name, INVALID)
        text[f.name] = value
    text["date_from"] = _date("date_from", text["date_from"])
    text["date_to"] = _date("date_to", text["date_to"])
    if text["date_from"] and text["date_to"] and text["date_to"] < text["date_from"]:
        raise _invalid("date_to", TO_BEFORE_FROM)
    if text["process"] and registry.get(text["process"]) is None:
        raise _invalid("process", UNKNOWN_PROCESS)
    return AuditFilters(
        **text, on_behalf=_flag("on_behalf", data.get("on_behalf")), restricted=_flag("restricted", data.get("restricted"))
    )


# Who may read what ---------------------------------------------------------------------------


def search_grants(user) -> list[policy.Grant]:
    return [g for g in policy.grants(user) if g.role in SEARCH_ROLES]


def may_search(user) -> bool:
    return bool(search_grants(user))


def require_search(user) -> list[policy.Grant]:
    found = search_grants(user)
    if not found:
        raise ActionForbidden(str(NOT_ALLOWED))
    return found


def readable_organisation_ids(user) -> set[int]:
    """The organisations whose events the user may read: each grant's own, plus the subtree of a subtree role."""
    found = require_search(user)
    ids = {g.organisation_id for g in found}
    subtree = Q(pk__in=[])
    for g in found:
        if g.subtree:
            subtree |= Q(path__startswith=g.path)
    ids |= set(Organisation.objects.filter(subtree).values_list("pk", flat=True))
    return ids


def _organisation_ids(filters: AuditFilters, readable: set[int]) -> set[int]:
    if not filters.organisation:
        return readable
    from ..api.parsing import id_or_code_lookup

    lookup = id_or_code_lookup(filters.organisation)
    found = Organisation.objects.filter(**lookup).first() if lookup else None
    if found is None or found.pk not in readable:
        raise NotVisible(str(ORG_NOT_FOUND))
    below = set(Organisation.objects.filter(path__startswith=found.path).values_list("pk", flat=True))
    return below & readable


def day_start(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.min, tzinfo=SEARCH_TZ)


def filter_q(filters: AuditFilters, organisation_ids: set[int] | None) -> Q:
    """The database filter of a search (the organisations already cut to the reader's scope;
    ``None``: no cut by organisation, for an export, which cuts them itself)."""
    q = Q(organisation_id__in=sorted(organisation_ids)) if organisation_ids is not None else Q()
    if filters.process:
        model = registry.get(filters.process).model
        q &= Q(case_type=ContentType.objects.get_for_model(model, for_concrete_model=True))
    if filters.case:
        q &= Q(case_ref=filters.case)
    if filters.actor:
        actor = get_user_model().objects.filter(username=filters.actor).values_list("pk", flat=True).first()
        q &= Q(actor_id=actor if actor is not None else -1)  # an unknown actor matches nothing
    if filters.action:
        q &= Q(action=filters.action)
    if filters.state:
        q &= Q(to_state=filters.state)
    if filters.date_from:
        q &= Q(created_at__gte=day_start(filters.date_from))
    if filters.date_to:
        q &= Q(created_at__lt=day_start(filters.date_to) + dt.timedelta(days=1))
    if filters.on_behalf:
        q &= Q(on_behalf_of__isnull=False)
    if filters.restricted:
        q &= Q(action=RESTRICTED_READ)
    return q


def search_queryset(*, user, filters: AuditFilters):
    """Every event the user may read that matches ``filters``, newest first."""
    organisation_ids = _organisation_ids(filters, readable_organisation_ids(user))
    return AuditEvent.objects.filter(filter_q(filters, organisation_ids)).order_by("-created_at", "-id")


# Keyset pages ------------------------------------------------------------------------------


def encode_cursor(event: AuditEvent) -> str:
    raw = f"{event.created_at.astimezone(dt.UTC).isoformat()}|{event.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.split("|")
        moment = dt.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            raise ValueError(raw)
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise _invalid("cursor", BAD_CURSOR) from None


def search_page(*, user, filters: AuditFilters, cursor: str = "", limit: int = DEFAULT_LIMIT):
    """One page: ``(events, next_cursor)``; ``next_cursor`` is ``""`` on the last page.

    ``created_at <= t AND (created_at < t OR id < i)`` rather than the plain OR: the first
    term bounds an index range scan on time, the second only filters within it.
    """
    qs = search_queryset(user=user, filters=filters)
    if cursor:
        moment, pk = decode_cursor(cursor)
        qs = qs.filter(Q(created_at__lte=moment) & (Q(created_at__lt=moment) | Q(pk__lt=pk)))
    limit = max(1, min(limit, MAX_LIMIT))
    events = list(qs.select_related("case_type")[: limit + 1])
    more = len(events) > limit
    events = events[:limit]
    return events, (encode_cursor(events[-1]) if more and events else "")


def process_keys() -> dict[int, str]:
    """Content type id → registered process key (for showing which process an event belongs to)."""
    return {
        ContentType.objects.get_for_model(spec.model, for_concrete_model=True).pk: spec.key
        for spec in registry.all_processes()
    }


def event_row(event: AuditEvent, keys: dict[int, str], codes: dict[int, str]) -> dict:
    return {
        "id": event.pk,
        "process": keys.get(event.case_type_id, ""),
        "case_id": event.case_id,
        "case_ref": event.case_ref,
        "organisation": codes.get(event.organisation_id, ""),
        "seq": event.seq,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_name,
        "actor_role": event.actor_role,
        "on_behalf_of": event.on_behalf_of_name,
        "channel": event.channel,
        "created_at": event.created_at.isoformat(),
        "payload": event.payload,
        "hash": event.hash,
    }


def rows(events: list[AuditEvent]) -> list[dict]:
    keys = process_keys()
    codes = dict(
        Organisation.objects.filter(pk__in={e.organisation_id for e in events}).values_list("pk", "code")
    )
    return [event_row(e, keys, codes) for e in events]


# Exporting a search --------------------------------------------------------------------------

#: The filters an export keeps beside its organisation and dates.
EXPORT_FILTERS = ("process", "case", "actor", "action", "state", "on_behalf", "restricted")


def export_filters(filters: AuditFilters) -> dict:
    return {k: v for k, v in filters.as_dict().items() if k in EXPORT_FILTERS}


def stored_filters(stored: dict | None) -> AuditFilters:
    """The filters an export was requested with (as stored by ``export_filters``)."""
    stored = stored or {}
    return AuditFilters(**{k: stored[k] for k in EXPORT_FILTERS if k in stored})


def match_q(filters: AuditFilters) -> Q:
    """Everything of a search but its organisations and dates: what an export adds to its own."""
    return filter_q(AuditFilters(**{k: getattr(filters, k) for k in EXPORT_FILTERS}), None)
