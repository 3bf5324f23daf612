"""The audit trail: the one writer of hash-chained events and their verification (:mod:`.chain`),
anchors over the whole log (:mod:`.anchor`), and auditors' CSV exports (:mod:`.export`,
:mod:`.export_file`). The chain's public names are importable from ``workflow.audit``.

They are loaded on first use (PEP 562), not when the package is imported: the offline verifier
(``python -m workflow.audit.verify dossier.zip``) and :mod:`.hashing` run without Django.
"""

from importlib import import_module

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


def __getattr__(name: str):
    if name in __all__:
        return getattr(import_module(".chain", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
