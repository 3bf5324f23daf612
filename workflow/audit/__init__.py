"""The audit trail: the one writer of hash-chained events and their verification (:mod:`.chain`),
anchors over the whole log (:mod:`.anchor`), and auditors' CSV exports (:mod:`.export`,
:mod:`.export_file`). The chain's public names are importable from ``workflow.audit``."""

from .chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    Actor,
    ChainBreak,
    RequestMeta,
    canonical_bytes,
    case_events,
    chain_valid,
    compute_hash,
    event_values,
    normalise_payload,
    record_event,
    verify_events,
)

__all__ = [
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "Actor",
    "ChainBreak",
    "RequestMeta",
    "canonical_bytes",
    "case_events",
    "chain_valid",
    "compute_hash",
    "event_values",
    "normalise_payload",
    "record_event",
    "verify_events",
]
