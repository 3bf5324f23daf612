"""Writing an audit export's CSV file: stream the events, verify each case's whole chain, store.

Called by :func:`workflow.audit.export.build_export` only; the rules are described there.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import tempfile
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

from django.core.files import File
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from ..acting import role_labels
from ..exports import CSV_ENCODING, csv_cell
from ..models import AuditEvent, AuditExport, Organisation
from .chain import verify_events

#: Rows fetched per round trip while streaming; keeps memory flat at any number of events.
CHUNK_SIZE = 2000
#: Chains verified between two progress reports of a running export.
PROGRESS_EVERY = 500
#: How many broken chains are named on the export (all are counted).
BROKEN_REFS_KEPT = 100
#: The dates of an export are calendar dates in this zone, and its times are shown in it.
EXPORT_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
COLUMNS = (
    "case_ref", "seq", "created_at", "action", "from_state", "to_state", "actor_name", "actor_role",
    "on_behalf_of_name", "channel", "payload", "prev_hash", "hash", "actor_role_label",
)
#: The header row: each column's name in Chinese, then its code (tools read the last word).
HEADERS = dict(
    zip(
        COLUMNS,
        (
            "编号", "序号", "时间", "操作", "原状态", "新状态", "执行人", "角色", "代理", "渠道", "内容", "前一哈希",
            "哈希", "角色名称",
        ),
        strict=True,
    )
)


@dataclass
class ExportFile:
    """What was written and stored: the file's name in storage and its SHA-256, and the counts."""

    name: str = ""
    sha256: str = ""
    rows: int = 0
    chains_checked: int = 0
    broken_chains: int = 0
    broken_case_refs: list[str] = field(default_factory=list)


def _row(event: AuditEvent) -> list:
    payload = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    created = event.created_at.astimezone(EXPORT_TZ).isoformat(sep=" ", timespec="microseconds")
    values = [
        event.case_ref, event.seq, created, event.action, event.from_state, event.to_state, event.actor_name,
        event.actor_role, event.on_behalf_of_name, event.channel, payload, event.prev_hash, event.hash,
        # The role's bilingual label beside its stored code (the code stays what the chain hashes).
        role_labels().get(event.actor_role, event.actor_role),
    ]
    return [csv_cell(v) for v in values]


def events_to_export(organisation: Organisation, start, end, match: Q | None = None) -> Iterator[AuditEvent]:
    """The whole chain of every case with an event in ``[start, end)`` in ``organisation``'s
    subtree, by case then ``seq``: one query, so one consistent snapshot, read in chunks.

    ``match`` (an audit search's further filters) narrows the cases to those with a matching
    event in range, and marks each event ``matches`` (only those are written; all are verified)."""
    subtree = Organisation.objects.filter(path__startswith=organisation.path).values("pk")
    in_range = AuditEvent.objects.filter(organisation_id__in=subtree, created_at__gte=start, created_at__lt=end)
    if match is not None:
        in_range = in_range.filter(match)
    touched = in_range.filter(case_type_id=OuterRef("case_type_id"), case_id=OuterRef("case_id"))
    events = AuditEvent.objects.filter(Exists(touched))
    if match is not None:
        events = events.annotate(matches=ExpressionWrapper(match, output_field=BooleanField()))
    return events.order_by("case_type_id", "case_id", "seq").iterator(chunk_size=CHUNK_SIZE)


def chains_to_export(organisation: Organisation, start, end, match: Q | None = None) -> int:
    """How many cases an export will verify: the progress indicator's 100 %."""
    subtree = Organisation.objects.filter(path__startswith=organisation.path).values("pk")
    in_range = AuditEvent.objects.filter(organisation_id__in=subtree, created_at__gte=start, created_at__lt=end)
    if match is not None:
        in_range = in_range.filter(match)
    return in_range.order_by().values("case_type_id", "case_id").distinct().count()


class _Exporting:
    """Passes one case's events on to the chain check, writing those to export on the way."""

    def __init__(self, events, exported: Callable[[AuditEvent], bool], writer):
        self._events = iter(events)
        self._exported = exported
        self._writer = writer
        self.written = 0

    def __iter__(self):
        return self

    def __next__(self) -> AuditEvent:
        event = next(self._events)
        if self._exported(event):
            self._writer.writerow(_row(event))
            self.written += 1
        return event

    def drain(self) -> None:
        """The check stops at a break; the rest of the case is still exported."""
        for _event in self:
            pass


def _write_rows(raw, organisation: Organisation, start, end, match=None, progress=None) -> ExportFile:
    subtree_ids = set(Organisation.objects.filter(path__startswith=organisation.path).values_list("pk", flat=True))

    def exported(event: AuditEvent) -> bool:
        in_range = start <= event.created_at < end and event.organisation_id in subtree_ids
        return in_range and getattr(event, "matches", True)

    result = ExportFile()
    text = io.TextIOWrapper(raw, encoding=CSV_ENCODING, newline="")
    try:
        writer = csv.writer(text)
        writer.writerow([f"{HEADERS[c]} {c}" for c in COLUMNS])
        # Closed even on an error, so the server-side cursor ends with this run, not at garbage collection.
        with closing(events_to_export(organisation, start, end, match)) as stream:
            for _case, events in itertools.groupby(stream, key=lambda e: (e.case_type_id, e.case_id)):
                chain = _Exporting(events, exported, writer)
                found = verify_events(chain)
                chain.drain()
                result.rows += chain.written
                result.chains_checked += 1
                if progress is not None and result.chains_checked % PROGRESS_EVERY == 0:
                    progress(result.chains_checked)
                if found is not None:
                    result.broken_chains += 1
                    if len(result.broken_case_refs) < BROKEN_REFS_KEPT:
                        result.broken_case_refs.append(found.case_ref)
    finally:
        text.flush()
        text.detach()  # leave ``raw`` open (for hashing and storing), also after an error
    return result


def _sha256(raw) -> str:
    raw.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: raw.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def write_export_file(export: AuditExport, *, start, end, match: Q | None = None, progress=None) -> ExportFile:
    """Write the export's CSV to a temporary file, then store it complete; nothing is stored on error."""
    with tempfile.TemporaryFile() as raw:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Every row is wanted: plan for all of them. PostgreSQL plans a cursor for its first
                # tenth by default, and with stale statistics that plan read 120k events in minutes
                # instead of seconds. Inside a transaction the cursor also streams without WITH HOLD.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            result = _write_rows(raw, export.organisation, start, end, match, progress)
        result.sha256 = _sha256(raw)
        raw.seek(0)
        name = f"audit-{export.organisation.code}-{export.date_from}-{export.date_to}-{export.pk}.csv"
        field_file = export.file
        field_file.save(name, File(raw, name=name), save=False)
        result.name = field_file.name
    return result
