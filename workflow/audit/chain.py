"""The audit log: the one writer of audit events, and chain verification.

Each case has its own chain: event ``seq`` n carries ``prev_hash`` = the hash of
event n-1 (``GENESIS_HASH`` for the first), and ``hash`` = SHA-256 of the canonical
JSON of every other field. The case row is locked by the caller, so appending to
its chain needs no global lock.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import sha256
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, Organisation, case_content_type

# The hashing itself lives in .hashing (standard library only), shared with the offline verifier.
from .hashing import GENESIS_HASH, HASHED_FIELDS, event_hash, hashed_values  # noqa: F401  (re-exported)
from .hashing import canonical_bytes as _canonical_bytes


@dataclass
class RequestMeta:
    """Where an action came from: ``ui``, ``api``, ``task`` or ``command``."""

    channel: str = "command"
    ip: str = ""
    user_agent: str = ""

    @classmethod
    def from_request(cls, request, channel: str) -> RequestMeta:
        ip = request.META.get("REMOTE_ADDR", "") or ""
        return cls(channel=channel, ip=ip[:45], user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300])


@dataclass
class Actor:
    """Who acts: the user, the role used, and whom they act for under a delegation."""

    user: Any = None
    role: str = ""
    on_behalf_of: Any = None
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        if self.user is None:
            return "system"
        return self.user.get_full_name() or self.user.get_username()


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    return DjangoJSONEncoder().default(value)


def normalise_payload(payload: dict | None) -> dict:
    """Round-trip through JSON so what is hashed is exactly what is stored."""
    return json.loads(json.dumps(payload or {}, default=_json_default, ensure_ascii=False))


def canonical_bytes(values: dict) -> bytes:
    return _canonical_bytes(values, default=_json_default)


def _ts(value: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC (what the hash covers)."""
    utc = value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)
    if utc.year < 1000:  # isoformat pads the year to four digits, strftime does not
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # isoformat is several times faster than strftime: it counts at a million events (audit_verify).
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"  # "+00:00" off


#: An event's columns as :func:`verify_rows` reads them (``values_list``), the hash last.
CHAIN_COLUMNS = (
    "case_type_id", "case_id", "case_ref", "organisation_id", "seq", "action", "from_state", "to_state",
    "actor_id", "actor_name", "actor_role", "on_behalf_of_id", "on_behalf_of_name", "created_at",
    "channel", "ip", "user_agent", "payload", "prev_hash", "salt", "hash",
)


def row_values(row: tuple) -> dict:
    """The values an event's hash covers, from its row in :data:`CHAIN_COLUMNS` order."""
    (case_type, case_id, case_ref, organisation_id, seq, action, from_state, to_state, actor_id, actor_name,
     actor_role, on_behalf_of_id, on_behalf_of_name, created_at, channel, ip, user_agent, payload, prev_hash,
     salt, _hash) = row
    values = {
        "case_type": case_type,
        "case_id": case_id,
        "case_ref": case_ref,
        "organisation_id": organisation_id,
        "seq": seq,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "actor_id": actor_id,
        "actor_name": actor_name,
        "actor_role": actor_role,
        "on_behalf_of_id": on_behalf_of_id,
        "on_behalf_of_name": on_behalf_of_name,
        "created_at": _ts(created_at),
        "channel": channel,
        "ip": ip,
        "user_agent": user_agent,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    # Only on salted events, so an older event's values (and its dossier line) are as they were.
    if salt:
        values["salt"] = salt
    return values


def event_row(event: AuditEvent) -> tuple:
    """An event instance as the row :func:`verify_rows` reads."""
    return tuple(getattr(event, name) for name in CHAIN_COLUMNS)


def event_values(event: AuditEvent) -> dict:
    return row_values(event_row(event))


def compute_hash(event: AuditEvent) -> str:
    return event_hash(event_values(event), default=_json_default)


def record_event(
    *,
    case,
    action: str,
    actor: Actor | None = None,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
    new_chain: bool = False,
) -> AuditEvent:
    """Append one event to ``case``'s chain. The only function that writes audit events.

    Must run inside the transaction that makes the change it records; the caller holds
    the case row lock (``select_for_update``) so ``seq`` cannot race. ``new_chain``: the case
    was inserted in this transaction and this is its first event (its chain's tail is not read).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction that makes the change.")
    actor = actor or Actor()
    meta = meta or RequestMeta()
    case_type = case_content_type(case)
    last = None if new_chain else (
        AuditEvent.objects.filter(case_type=case_type, case_id=case.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    created = (now or timezone.now()).astimezone(dt.UTC)
    # Hash what the database will give back: microsecond precision.
    event = AuditEvent(
        case_type=case_type,
        case_id=case.pk,
        case_ref=getattr(case, "reference", "") or "",
        organisation_id=_organisation_id(case),
        seq=seq,
        action=action,
        from_state=from_state or "",
        to_state=to_state or "",
        actor=actor.user,
        actor_name=actor.name[:150],
        actor_role=actor.role or "",
        on_behalf_of=actor.on_behalf_of,
        on_behalf_of_name=(actor.on_behalf_of.get_username() if actor.on_behalf_of else ""),
        created_at=created,
        channel=meta.channel,
        ip=meta.ip,
        user_agent=meta.user_agent,
        payload=normalise_payload(payload),
        prev_hash=prev_hash,
        salt=secrets.token_hex(16),
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event


def _organisation_id(subject) -> int | None:
    """The organisation an event belongs to, for scoped reading (auditors, exports): a case's
    organisation, or the organisation itself when it is the subject (its settings changes)."""
    if isinstance(subject, Organisation):
        return subject.pk
    return getattr(subject, "organisation_id", None)


@dataclass
class ChainBreak:
    case_type_id: int
    case_id: int
    case_ref: str
    seq: int
    reason: str


def verify_events(events: Iterable[AuditEvent]) -> ChainBreak | None:
    """Check one case's events (ordered by seq). Returns the first break, or None."""
    return verify_rows(event_row(event) for event in events)


def verify_rows(rows: Iterable[tuple]) -> ChainBreak | None:
    """Check one case's chain from its rows (:data:`CHAIN_COLUMNS`, ordered by seq): the first break, or None.

    Each event must follow the previous one (``seq`` 1, 2, …), link to its hash (``prev_hash``) and
    hash to its own ``hash``: a changed field, a deleted, inserted or swapped row breaks one of them.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for row in rows:
        case_type_id, case_id, case_ref, seq, prev_hash, stored = row[0], row[1], row[2], row[4], row[18], row[20]
        if seq != expected_seq:
            return ChainBreak(case_type_id, case_id, case_ref, expected_seq, "missing or extra event")
        if prev_hash != expected_prev:
            return ChainBreak(case_type_id, case_id, case_ref, seq, "broken link")
        values = row_values(row)
        # An unsalted event's values are exactly its hashed fields; a salted one's need the commitments.
        hashed = hashed_values(values) if values.get("salt") else values
        if sha256(canonical_bytes(hashed)).hexdigest() != stored:
            return ChainBreak(case_type_id, case_id, case_ref, seq, "content changed")
        expected_prev = stored
        expected_seq += 1
    return None


def case_events(case):
    case_type = case_content_type(case)
    return AuditEvent.objects.filter(case_type=case_type, case_id=case.pk).order_by("seq")


def chain_valid(case) -> bool:
    return verify_events(case_events(case)) is None
