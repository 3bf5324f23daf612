"""Checkpoints that prove one case offline: a Merkle root over the head of every case chain.

An anchor's linear digest (:mod:`.anchor`) proves the whole log, but only to someone holding the
whole log. Each anchor also carries an RFC 6962 Merkle root with one leaf per case chain — the
case and its last event at or below the anchor's ``last_event_id`` (``hashing.leaf_data``) — in
``(case_type, case_id)`` order. A case's dossier carries its leaf index and audit path: with the
anchor hash kept outside the system (printed for the union's public board, 厂务公开), anyone can
check offline that this case's chain, up to that event, was in the log when the anchor was made.
Deleting the case's whole chain afterwards (the database trigger bypassed) then shows: the
dossier still proves the chain was anchored, and ``verify_checkpoint`` finds the root no longer
matches the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from ..models import AuditAnchor, AuditEvent
from .hashing import inclusion_proof, leaf_data, leaf_hash, merkle_root

#: Head ids fetched per query when reading the heads' hashes.
CHUNK = 2000


def chain_heads(last_event_id: int) -> list[tuple[int, int, int, str]]:
    """``(case_type_id, case_id, seq, hash)`` of each case's last event with ``id ≤ last_event_id``,
    by case. Within a case ids grow with seq (appends are serialised by the case row lock)."""
    head_ids = list(
        AuditEvent.objects.filter(id__lte=last_event_id)
        .order_by()
        .values("case_type_id", "case_id")
        .annotate(head=Max("id"))
        .values_list("head", flat=True)
    )
    heads = []
    for start in range(0, len(head_ids), CHUNK):
        heads += AuditEvent.objects.filter(id__in=head_ids[start : start + CHUNK]).values_list(
            "case_type_id", "case_id", "seq", "hash"
        )
    return sorted(heads)


def leaves_of(heads) -> list[bytes]:
    return [leaf_hash(leaf_data(*head)) for head in heads]


def root_of(last_event_id: int) -> str:
    return merkle_root(leaves_of(chain_heads(last_event_id)))


@dataclass(frozen=True)
class Inclusion:
    anchor: AuditAnchor
    leaf_index: int
    head_seq: int
    proof: list[str]


def latest_covering(case_type_id: int, case_id: int) -> AuditAnchor | None:
    """The newest anchor with a Merkle root that covers at least the case's first event."""
    first = AuditEvent.objects.filter(case_type_id=case_type_id, case_id=case_id).order_by("seq").values("id").first()
    if first is None:
        return None
    return (
        AuditAnchor.objects.filter(merkle_root__isnull=False, last_event_id__gte=first["id"]).exclude(merkle_root="")
        .order_by("-id")
        .first()
    )


def case_inclusion(case_type_id: int, case_id: int) -> Inclusion | None:
    """The case's inclusion proof in the latest anchor that covers it (None if none does yet)."""
    anchor = latest_covering(case_type_id, case_id)
    if anchor is None:
        return None
    heads = chain_heads(anchor.last_event_id)
    index = next(i for i, head in enumerate(heads) if head[:2] == (case_type_id, case_id))
    return Inclusion(anchor, index, heads[index][2], inclusion_proof(leaves_of(heads), index))


def verify_checkpoint(anchor: AuditAnchor) -> bool:
    """Does the log still give the anchor's Merkle root (no chain removed, cut or changed at its head)?"""
    return not anchor.merkle_root or root_of(anchor.last_event_id) == anchor.merkle_root
