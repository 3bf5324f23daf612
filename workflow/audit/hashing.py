"""The audit trail's hashing, in the standard library only: shared by the chain (which writes and
checks events in the database) and the offline verifier (:mod:`workflow.audit.verify`), so both
compute exactly the same bytes.

* An event's hash: SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of its hashed
  fields, ``prev_hash`` included (see ``HASHED_FIELDS``).
* Checkpoints: an RFC 6962 Merkle tree over one leaf per case chain (its head). Leaves and inner
  nodes are hashed with distinct prefixes (``0x00`` and ``0x01``), so a node can never pass for a
  leaf (RFC 6962 §2.1); inclusion proofs are RFC 6962 audit paths, checked as RFC 9162 §2.1.3.2.

Nothing here imports Django: ``python -m workflow.audit.verify`` runs without it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence

GENESIS_HASH = "0" * 64

#: The fields an event hash covers, in the canonical encoding (sorted keys).
HASHED_FIELDS = (
    "case_type", "case_id", "case_ref", "organisation_id", "seq", "action", "from_state", "to_state",
    "actor_id", "actor_name", "actor_role", "on_behalf_of_id", "on_behalf_of_name", "created_at",
    "channel", "ip", "user_agent", "payload", "prev_hash",
)


@functools.cache
def _encoder(default: Callable | None) -> json.JSONEncoder:
    # json.dumps with these options builds a new encoder per call; one per ``default`` gives the same
    # bytes without that cost (it counts when a million events are checked).
    return json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default)


def canonical_bytes(values: dict, default: Callable | None = None) -> bytes:
    return _encoder(default).encode(values).encode("utf-8")


#: Fields a case's participants may be given a dossier without (the actors' addresses and browsers).
REDACTABLE_FIELDS = ("ip", "user_agent")


def commitment(salt: str, value: str) -> str:
    """A salted commitment to a redactable value: without the salt, the value cannot be guessed from it
    (an IPv4 address alone could be found by trying all 2³² of them)."""
    return "sha256:" + hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()


def hashed_values(values: dict) -> dict:
    """The fields an event's hash covers, as they enter the hash.

    An event with a ``salt`` (written since redactable dossiers exist) is hashed over the salted
    :func:`commitment` to each of :data:`REDACTABLE_FIELDS` instead of the value. A redacted copy
    of it carries no value and no salt, only ``redacted: {field: commitment}``, and hashes to the
    same. An event without a salt (older) is hashed over the values themselves.
    """
    hashed = {k: values[k] for k in HASHED_FIELDS}
    redacted = values.get("redacted") or {}
    salt = values.get("salt") or ""
    if salt or redacted:
        for name in REDACTABLE_FIELDS:
            hashed[name] = redacted[name] if name in redacted else commitment(salt, values[name])
    return hashed


def redact(values: dict) -> dict:
    """A salted event's values with :data:`REDACTABLE_FIELDS` and the salt left out (same hash)."""
    if not values.get("salt"):
        raise ValueError("an event without a salt cannot be redacted and still verify")
    out = {k: v for k, v in values.items() if k != "salt"}
    out["redacted"] = {name: commitment(values["salt"], values[name]) for name in REDACTABLE_FIELDS}
    for name in REDACTABLE_FIELDS:
        out[name] = None
    return out


def event_hash(values: dict, default: Callable | None = None) -> str:
    """The hash of one event, from its hashed fields (extra keys, e.g. ``hash`` or ``id``, are ignored)."""
    return hashlib.sha256(canonical_bytes(hashed_values(values), default)).hexdigest()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# RFC 6962 Merkle trees -------------------------------------------------------------------------


def leaf_data(case_type: int, case_id: int, seq: int, head_hash: str) -> bytes:
    """What one case chain contributes to a checkpoint: its case and the hash of its last event."""
    return canonical_bytes({"case_type": case_type, "case_id": case_id, "seq": seq, "hash": head_hash})


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (RFC 6962 §2.1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def merkle_root(leaves: Sequence[bytes]) -> str:
    """MTH(D[n]) over already hashed leaves, in hex; the hash of the empty string for no leaves."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = list(leaves)
    # Bottom-up pairing gives the same tree as RFC 6962's recursive split: an odd node is carried up.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[str]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1: the sibling hashes from the leaf up, in hex."""

    def path(m: int, items: Sequence[bytes]) -> list[bytes]:
        if len(items) <= 1:
            return []
        k = _split(len(items))
        if m < k:
            return path(m, items[:k]) + [_subtree(items[k:])]
        return path(m - k, items[k:]) + [_subtree(items[:k])]

    return [h.hex() for h in path(index, leaves)]


def _subtree(items: Sequence[bytes]) -> bytes:
    return bytes.fromhex(merkle_root(items))


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[str], root: str) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` take leaf ``index`` of a tree of ``size`` leaves to ``root``?"""
    if index < 0 or index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf
    try:
        path = [bytes.fromhex(p) for p in proof]
    except ValueError:
        return False
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == root
