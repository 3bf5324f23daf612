"""Audit anchors: making the removal of the last events of a chain detectable.

Each case's chain proves that no event inside it was changed, removed or inserted, but a
chain whose *last* events were cut off (or a case whose whole chain was removed) still
verifies. An anchor is a dated summary of the whole log up to one event id: how many
events there were, in how many cases, and a SHA-256 digest over their hashes in id order.
Once anchored, the events with ``id ≤ last_event_id`` can no longer be deleted, changed or
added to without the anchor failing.

Anchors are chained like events (``prev_digest`` is the previous anchor's ``anchor_hash``),
so removing or rewriting an anchor in the middle shows. Someone who could rewrite the log
could also recompute every anchor after it, or drop the newest ones; that is why the
auditor writes the ``anchor_hash`` of ``manage.py audit_anchor`` down outside the system
(e.g. in the minutes) and later runs ``manage.py audit_verify --anchor HASH``: a hash that
is no longer there, or no longer matches the log, is proof of tampering.

:func:`create_anchor` is the only writer of anchors; the database refuses UPDATE and
DELETE on them, as on audit events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from ..models import AuditAnchor, AuditEvent
from .chain import canonical_bytes
from .checkpoint import root_of

#: Rows fetched per round trip while streaming; keeps memory flat at millions of events.
CHUNK_SIZE = 2000

ANCHOR_LINK_BROKEN = (
    "与前一锚点的链接断开 does not link to the anchor before it (an anchor was removed, inserted or changed)"
)
ANCHOR_ROW_CHANGED = "锚点内容与其哈希不符 its fields no longer match its anchor hash (the anchor row was changed)"
ANCHOR_RANGE_SHRANK = "锚点覆盖范围小于前一锚点 covers fewer events than the anchor before it"
ANCHORED_EVENTS_DIFFER = "其覆盖的审计事件被删除、修改或插入 audit events it covers were deleted, changed or inserted"


def _timestamp(value: dt.datetime) -> str:
    # The same encoding as audit events: UTC, microseconds, what the database gives back.
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def anchor_values(anchor: AuditAnchor) -> dict:
    """The fields an anchor hash covers, including the link to the previous anchor, and its
    Merkle root when it has one (anchors made before checkpoints keep the hash they had)."""
    values = {
        "created_at": _timestamp(anchor.created_at),
        "last_event_id": anchor.last_event_id,
        "events": anchor.events,
        "chains": anchor.chains,
        "digest": anchor.digest,
        "prev_digest": anchor.prev_digest,
    }
    if anchor.merkle_root:
        values["merkle_root"] = anchor.merkle_root
    return values


def compute_anchor_hash(anchor: AuditAnchor) -> str:
    return hashlib.sha256(canonical_bytes(anchor_values(anchor))).hexdigest()


def _settled_last_event_id() -> int:
    """The highest event id at or below which no further event can ever appear.

    On PostgreSQL ids are drawn from a sequence when a row is inserted, but transactions
    commit in any order: a transition still running may hold id 100 while id 101 is
    already visible. Anchoring up to 101 then would see "an inserted event" once 100
    commits. A SHARE lock on the audit table waits for every transaction that is inserting
    events to finish and holds new ones back for the one query that follows, so every id
    allocated so far is committed (or rolled back for good). The lock ends with this short
    transaction; the digest is streamed afterwards without blocking anybody. SQLite has
    one writer at a time and assigns ids in commit order: no lock is needed.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {AuditEvent._meta.db_table} IN SHARE MODE")
        return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def _hashes_in_id_order(last_event_id: int | None = None) -> Iterator[tuple[int, str]]:
    events = AuditEvent.objects.order_by("id")
    if last_event_id is not None:
        events = events.filter(id__lte=last_event_id)
    return events.values_list("id", "hash").iterator(chunk_size=CHUNK_SIZE)


def _first_event_ids() -> Iterator[int]:
    """The id of each case's first event, ascending: a case has events at or below an id
    exactly when its first event is at or below it."""
    firsts = AuditEvent.objects.order_by().values("case_type_id", "case_id").annotate(first=Min("id"))
    return firsts.order_by("first").values_list("first", flat=True).iterator(chunk_size=CHUNK_SIZE)


def create_anchor(*, now: dt.datetime | None = None) -> AuditAnchor:
    """Anchor the audit log as it stands: every event committed so far.

    Idempotent: when no event was added since the last anchor, that anchor is returned and
    nothing is written, so the daily task and a hand-run command can both run safely. Two
    runs at the same moment cannot fork the anchor chain: ``prev_digest`` is unique, the
    second insert fails and the run looks again.
    """
    last_event_id = _settled_last_event_id()
    for _attempt in range(3):
        previous = AuditAnchor.objects.order_by("-id").first()
        if previous is not None and last_event_id <= previous.last_event_id:
            return previous
        hasher = hashlib.sha256()
        events = 0
        for _id, event_hash in _hashes_in_id_order(last_event_id):
            hasher.update(event_hash.encode("ascii"))
            events += 1
        chains = (
            AuditEvent.objects.filter(id__lte=last_event_id).order_by().values("case_type_id", "case_id").distinct().count()
        )
        anchor = AuditAnchor(
            created_at=(now or timezone.now()).astimezone(dt.UTC),
            last_event_id=last_event_id,
            events=events,
            chains=chains,
            digest=hasher.hexdigest(),
            prev_digest=previous.anchor_hash if previous is not None else "",
            merkle_root=root_of(last_event_id),
        )
        anchor.anchor_hash = compute_anchor_hash(anchor)
        try:
            with transaction.atomic():
                anchor.save(force_insert=True)
        except IntegrityError:
            continue  # another run anchored first: look again
        return anchor
    raise RuntimeError("audit anchor: other runs kept anchoring first")


@dataclass(frozen=True)
class AnchorProblem:
    """The first anchor that no longer holds, and why (``reason`` is one of the constants above)."""

    anchor: AuditAnchor
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"#{self.anchor.pk} {self.anchor.anchor_hash}: {self.reason}"
        return f"{text} — {self.detail}" if self.detail else text


class _Tally:
    """Walks an ascending stream up to a bound, once: the anchors are checked in one pass."""

    def __init__(self, stream: Iterator, key=lambda item: item):
        self._stream = stream
        self._key = key
        self._next = next(stream, None)

    def take_up_to(self, bound: int) -> Iterator:
        while self._next is not None and self._key(self._next) <= bound:
            yield self._next
            self._next = next(self._stream, None)


def verify_anchors() -> AnchorProblem | None:
    """Check every anchor against the audit log as it is now. Returns the first problem, or None.

    For each anchor, in order: it links to the anchor before it (the first links to
    nothing), its fields still give its ``anchor_hash``, and the events with
    ``id ≤ last_event_id`` still give its count, its number of cases and its digest. One
    pass over the events in id order serves all anchors. When anchor N is the first to
    fail on its events, the anchor before it still holds: the tampering lies among the
    events after that one.
    """
    hasher = hashlib.sha256()
    counted = chains = 0
    events = _Tally(_hashes_in_id_order(), key=lambda row: row[0])
    firsts = _Tally(_first_event_ids())
    previous: AuditAnchor | None = None
    for anchor in AuditAnchor.objects.order_by("id"):
        if anchor.prev_digest != (previous.anchor_hash if previous is not None else ""):
            return AnchorProblem(anchor, ANCHOR_LINK_BROKEN)
        if compute_anchor_hash(anchor) != anchor.anchor_hash:
            return AnchorProblem(anchor, ANCHOR_ROW_CHANGED)
        if previous is not None and anchor.last_event_id < previous.last_event_id:
            return AnchorProblem(anchor, ANCHOR_RANGE_SHRANK)
        for _id, event_hash in events.take_up_to(anchor.last_event_id):
            hasher.update(event_hash.encode("ascii"))
            counted += 1
        chains += sum(1 for _first in firsts.take_up_to(anchor.last_event_id))
        if (counted, chains, hasher.hexdigest()) != (anchor.events, anchor.chains, anchor.digest):
            return AnchorProblem(anchor, ANCHORED_EVENTS_DIFFER, _difference(anchor, previous, counted, chains))
        previous = anchor
    return None


def _difference(anchor: AuditAnchor, previous: AuditAnchor | None, counted: int, chains: int) -> str:
    if previous is not None:
        span = f"event ids {previous.last_event_id + 1}–{anchor.last_event_id}, after anchor #{previous.pk}"
    else:
        span = f"event ids ≤ {anchor.last_event_id}"
    return (
        f"{span}: 锚定 anchored {anchor.events} events in {anchor.chains} chains, "
        f"现有 now {counted} events in {chains} chains"
    )
