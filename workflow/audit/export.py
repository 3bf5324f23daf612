"""Audit exports for auditors (经费审查): the audit log of an organisation and everything below
it, over a range of Asia/Shanghai dates, as one CSV file built by a Celery task.

Who may export: a user holding the auditor or administrator role (their own, or delegated to
them) at the organisation or — both are subtree roles — at an organisation above it. Someone
who holds neither role anywhere is refused (403); an auditor asking for an organisation outside
their scope is told it does not exist (404), as for a case. The dates are inclusive, at most
366 days apart, and a user has at most three exports queued or running at once.

What the file holds: every event, with ``created_at`` in the range, of every case whose
organisation is in the subtree, ordered by case then ``seq``, streamed from one query (so one
consistent snapshot and constant memory). Each case in the file has its chain verified *in
full* — its events before and after the range too — because a chain proves nothing when
only a slice of it is checked; the counts of chains checked and broken are stored on the
export, and a broken chain is a finding for the auditor, not a failure of the export. The file
is UTF-8 with a BOM (Excel then shows Chinese), created_at in Asia/Shanghai, the payload as
compact JSON. Payloads hold what the log holds: a ``restricted_read`` event names the fields
that were read, never their values, so no restricted personal data can reach an export. A
cell that starts like a spreadsheet formula (``= + - @``) is prefixed with ``'`` so that
opening the file in Excel never runs it. The file is written to a temporary file first and
stored only when complete; its SHA-256 is recorded with it and sent with every download.

Building is idempotent: a run claims the export by moving it from ``queued`` to ``running``
in one conditional UPDATE, so of two workers only one builds it; a done, failed or running
export is left alone. A run abandoned by a killed worker (``running`` for more than
``STALE_AFTER``) may be taken over by a redelivered message; the first run's result is then
discarded, because finishing is conditional on the claim (``started_at``) still being its own.

Why requesting and downloading are not audit events: audit events are per case — each is a
link in one case's hash chain, appended under that case's row lock. An export is not a case
and spans thousands of them; writing "exported" into every chain it covers would make reading
the log change the log (and the very chains being exported), and would serialise the export
against every transition. So the export row itself is the record: who asked, when, under
which role (and on whose behalf), through which channel and from which address, for what
organisation and dates, what the file held (rows, chains, SHA-256), and how often and when it
was last downloaded. Only the requester can download, and only while they still hold the role.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy
from ..api.parsing import id_or_code_lookup, parse_id
from ..errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from ..models import AuditExport, ExportStatus, Organisation
from ..roles import Role
from .chain import RequestMeta
from .export_file import EXPORT_TZ, ExportFile, chains_to_export, write_export_file
from .progress import ProgressReporter
from .search import AuditFilters, export_filters, match_q, stored_filters

log = logging.getLogger(__name__)

#: The roles that may export the audit log; both cover the subtree below where they are held.
EXPORT_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
MAX_SPAN_DAYS = 366
MAX_PENDING = 3
#: A run still ``running`` after this long was abandoned (its worker was killed).
STALE_AFTER = dt.timedelta(hours=1)
#: An export still ``queued`` after this long lost its message: the requeue sweep sends it again.
REQUEUE_AFTER = dt.timedelta(minutes=10)
ERROR_MAX = 2000

INVALID = _("输入有误 Invalid input.")
NOT_AN_AUDITOR = _("只有经费审查或管理员可以导出审计日志 Only an auditor or an administrator may export the audit log.")
ORG_NOT_FOUND = _("未找到该组织 Organisation not found.")
EXPORT_NOT_FOUND = _("未找到该导出 Export not found.")
BAD_DATE = _("请填写有效日期 Enter a valid date.")
TO_BEFORE_FROM = _("截止日期不能早于起始日期 The end date cannot be before the start date.")
SPAN_TOO_LONG = _("导出期间不能超过 366 天 The period cannot be longer than 366 days.")
TOO_MANY_PENDING = _(
    "您已有 3 个导出在排队或生成中，请等其完成 You already have 3 exports queued or running; wait for one to finish."
)
NOT_READY = _("导出尚未完成 The export is not ready.")
ROLE_ENDED = _("您已不再担任经费审查或管理员 You no longer hold the auditor or administrator role there.")
FILE_MISSING = _("导出文件已不存在 The export file is no longer there.")
DONE_TITLE = _("审计导出已完成 Audit export ready")
DONE_BODY = _(
    "%(organisation)s %(date_from)s 至 %(date_to)s：%(rows)s 条事件，校验 %(chains)s 条链，断链 %(broken)s 条。"
    "SHA-256 %(sha256)s · %(organisation)s %(date_from)s to %(date_to)s: %(rows)s events, "
    "%(chains)s chains checked, %(broken)s broken."
)
FAILED_TITLE = _("审计导出失败 Audit export failed")
FAILED_BODY = _(
    "%(organisation)s %(date_from)s 至 %(date_to)s 的导出失败，请重新申请 "
    "The export of %(organisation)s %(date_from)s to %(date_to)s failed; please request it again."
)


# Who may export --------------------------------------------------------------------------------


def export_grants(user) -> list[policy.Grant]:
    """The auditor and administrator roles the user holds now (their own or delegated)."""
    return [g for g in policy.grants(user) if g.role in EXPORT_ROLES]


def may_export(user) -> bool:
    return bool(export_grants(user))


def export_organisations(user):
    """The organisations where the user holds an export role directly (what the form offers)."""
    return Organisation.objects.filter(pk__in={g.organisation_id for g in export_grants(user)}).order_by("path")


def export_grant(user, organisation: Organisation) -> policy.Grant:
    """The grant an export of ``organisation`` is made under: 403 without an export role
    anywhere, 404 when none of them covers the organisation."""
    if not may_export(user):
        raise ActionForbidden(str(NOT_AN_AUDITOR))
    grant = policy.grant_for(user, organisation, EXPORT_ROLES)
    if grant is None:
        raise NotVisible(str(ORG_NOT_FOUND))
    return grant


def find_organisation(*, user, ref) -> Organisation:
    """The organisation named by id or code, for a user who may export.

    Someone without an export role learns nothing (403 whatever they name); for an auditor
    an unknown organisation and one outside their scope are the same 404.
    """
    if not may_export(user):
        raise ActionForbidden(str(NOT_AN_AUDITOR))
    lookup = id_or_code_lookup(str(ref if ref is not None else "").strip())
    found = Organisation.objects.filter(**lookup).first() if lookup else None
    if found is None:
        raise NotVisible(str(ORG_NOT_FOUND))
    return found


# Requesting ------------------------------------------------------------------------------------


def _invalid(field: str, message) -> InvalidInput:
    return InvalidInput(str(INVALID), fields={field: [str(message)]})


def _check_dates(date_from, date_to) -> None:
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        # The day after date_to bounds the range: the last representable date has none.
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or value >= dt.date.max:
            raise _invalid(name, BAD_DATE)
    if date_to < date_from:
        raise _invalid("date_to", TO_BEFORE_FROM)
    if (date_to - date_from).days + 1 > MAX_SPAN_DAYS:
        raise _invalid("date_to", SPAN_TOO_LONG)


def export_window(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)``: from 00:00 of ``date_from`` to 00:00 of the day after ``date_to``, Asia/Shanghai."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=EXPORT_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=EXPORT_TZ)
    return start, end


def _pending_q(now: dt.datetime) -> Q:
    # An abandoned run no longer counts against the limit.
    return Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, started_at__gte=now - STALE_AFTER)


def request_export(
    *, user, organisation: Organisation, date_from: dt.date, date_to: dt.date, meta: RequestMeta | None = None,
    filters: AuditFilters | None = None,
) -> AuditExport:
    """Queue an export of ``organisation``'s subtree from ``date_from`` to ``date_to`` (inclusive).

    ``filters``: an audit search's further filters (process, case, actor, action, state, on
    behalf, restricted reads); only matching events are written, every case touched is verified.

    403 without an export role, 404 for an organisation outside the user's scope, 400 naming
    the date field at fault, 409 with three exports already queued or running. The task is
    enqueued when the transaction commits.
    """
    grant = export_grant(user, organisation)
    _check_dates(date_from, date_to)
    meta = meta or RequestMeta()
    now = timezone.now()
    with transaction.atomic():
        # The requester's row is the lock: two requests at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if AuditExport.objects.filter(_pending_q(now), requested_by=user).count() >= MAX_PENDING:
            raise GuardFailed(str(TOO_MANY_PENDING), code="too_many_exports", rule="audit_export.max_pending")
        export = AuditExport.objects.create(
            requested_by=user,
            requested_at=now,
            role=grant.role,
            on_behalf_of_id=grant.on_behalf_of_id,
            request_channel=meta.channel,
            request_ip=meta.ip,
            organisation=organisation,
            date_from=date_from,
            date_to=date_to,
            filters=export_filters(filters) if filters is not None else {},
        )
        export_id = export.pk
        transaction.on_commit(lambda: build_audit_export.delay(export_id))
    log.info("audit export %s requested by %s for %s %s..%s", export.pk, user.pk, organisation.code, date_from, date_to)
    return export


def requeue_stuck(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again the exports no worker has taken: queued for longer than ``REQUEUE_AFTER``
    (the broker lost the message) or running for longer than ``STALE_AFTER`` (the worker died
    and the message was not redelivered). Building claims an export first, so a message sent
    twice still builds it once. Returns the ids enqueued.
    """
    now = now or timezone.now()
    stuck = Q(status=ExportStatus.QUEUED, requested_at__lt=now - REQUEUE_AFTER) | Q(
        status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER
    )
    ids = list(AuditExport.objects.filter(stuck).order_by("pk").values_list("pk", flat=True)[:100])
    for export_id in ids:
        build_audit_export.delay(export_id)
    if ids:
        log.warning("audit exports enqueued again: %s", ids)
    return ids


# Building --------------------------------------------------------------------------------------


def _claim(export_id: int) -> dt.datetime | None:
    """Move the export from queued (or an abandoned run) to running; the claim's ``started_at``, or None."""
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    won = AuditExport.objects.filter(claimable, pk=export_id).update(
        status=ExportStatus.RUNNING, started_at=now, finished_at=None, error=""
    )
    return now if won else None


def _ours(export: AuditExport, started: dt.datetime):
    return AuditExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING, started_at=started)


def _labels(export: AuditExport) -> dict:
    return {
        "organisation": export.organisation.code,
        "date_from": export.date_from.isoformat(),
        "date_to": export.date_to.isoformat(),
    }


def _finish_done(export: AuditExport, started: dt.datetime, result: ExportFile) -> bool:
    from ..notifications.models import NotificationKind
    from ..notifications.services import notify

    with transaction.atomic():
        won = _ours(export, started).update(
            status=ExportStatus.DONE,
            finished_at=timezone.now(),
            rows=result.rows,
            chains_checked=result.chains_checked,
            broken_chains=result.broken_chains,
            broken_case_refs=result.broken_case_refs,
            sha256=result.sha256,
            file=result.name,
        )
        if won:
            body = DONE_BODY % {
                **_labels(export), "rows": result.rows, "chains": result.chains_checked,
                "broken": result.broken_chains, "sha256": result.sha256,
            }
            notify(
                users=[export.requested_by], kind=NotificationKind.AUDIT_EXPORT, title=str(DONE_TITLE), body=body,
                url=reverse("audit_exports:download", kwargs={"pk": export.pk}),
            )
    return bool(won)


def _finish_failed(export: AuditExport, started: dt.datetime, exc: Exception) -> None:
    from ..notifications.models import NotificationKind
    from ..notifications.services import notify

    with transaction.atomic():
        won = _ours(export, started).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX],
        )
        if won:
            notify(
                users=[export.requested_by], kind=NotificationKind.AUDIT_EXPORT, title=str(FAILED_TITLE),
                body=FAILED_BODY % _labels(export), url=reverse("audit_exports:list"),
            )


def build_export(export_id: int) -> AuditExport | None:
    """The task body: build a queued export once, store its file, mark it done and tell the requester.

    A done, failed or running export is returned unchanged. On any error the export is marked
    failed with the error text and the requester is told; a file stored by the failed run is
    removed, so a done export always has its whole file.
    """
    started = _claim(export_id)
    if started is None:
        return AuditExport.objects.filter(pk=export_id).first()
    export = AuditExport.objects.select_related("organisation", "requested_by").get(pk=export_id)
    stored = None
    try:
        start, end = export_window(export.date_from, export.date_to)
        match = match_q(stored_filters(export.filters)) if export.filters else None
        total = chains_to_export(export.organisation, start, end, match)
        _ours(export, started).update(chains_total=total)
        with ProgressReporter(export.pk, started) as progress:
            result = write_export_file(export, start=start, end=end, match=match, progress=progress)
        stored = result.name
        if not _finish_done(export, started, result):
            # Another run took this export over; its result stands, ours is dropped.
            export.file.storage.delete(stored)
    except Exception as exc:
        log.exception("audit export %s failed", export_id)
        if stored:
            export.file.storage.delete(stored)
        _finish_failed(export, started, exc)
    export.refresh_from_db()
    return export


# Reading and downloading -----------------------------------------------------------------------


def export_list(*, user):
    """The user's own exports, newest first."""
    return AuditExport.objects.filter(requested_by=user).select_related("organisation").order_by("-requested_at", "-id")


def export_get(*, user, export_id) -> AuditExport:
    """One of the user's own exports; anyone else's is not found (404)."""
    pk = parse_id(export_id)
    export = export_list(user=user).filter(pk=pk).first() if pk is not None else None
    if export is None:
        raise NotVisible(str(EXPORT_NOT_FOUND))
    return export


def export_download(*, user, export_id):
    """Open a done export's file for its requester and count the download.

    404 for anyone else's export, 403 once the requester no longer holds an export role
    covering its organisation, 409 while it is not done. Returns ``(export, open file)``.
    """
    export = export_get(user=user, export_id=export_id)
    if policy.grant_for(user, export.organisation, EXPORT_ROLES) is None:
        raise ActionForbidden(str(ROLE_ENDED))
    if export.status != ExportStatus.DONE:
        raise TransitionNotAllowed(str(NOT_READY), code="export_not_ready")
    try:
        handle = export.file.open("rb")
    except OSError:
        raise TransitionNotAllowed(str(FILE_MISSING), code="export_file_missing") from None
    AuditExport.objects.filter(pk=export.pk).update(download_count=F("download_count") + 1, downloaded_at=timezone.now())
    return export, handle


@shared_task(name="workflow.tasks.build_audit_export", acks_late=True, ignore_result=True, max_retries=0)
def build_audit_export(export_id: int) -> str:
    """Build one requested audit export (enqueued after the request commits).

    Safe to run twice or to redeliver: the first run claims the export (queued → running),
    later ones find it running or done and leave it alone. No automatic retries: an error
    marks the export failed and tells the requester, who asks again. ``acks_late``: a worker
    killed mid-build leaves the message to be redelivered; the abandoned run is taken over
    once it has been running longer than ``STALE_AFTER``. Returns the status.
    """
    export = build_export(export_id)
    return export.status if export is not None else ""
