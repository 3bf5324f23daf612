"""Verify a case dossier offline: ``python -m workflow.audit.verify dossier.zip``.

Standard library only — no database, no Django, no network — so an auditor, a court or a member
can check a dossier on any machine with Python 3.11. It recomputes, in order:

1. the zip itself (every member's CRC: a changed byte that breaks it is named by its file);
2. the case's hash chain from ``events.jsonl`` (seq 1, 2, …; each ``prev_hash`` the hash before it;
   each hash recomputed over the event's fields with :mod:`workflow.audit.hashing`, the code the
   system writes the chain with), and the manifest's event count and head hash. In a participant's
   dossier an event's address and browser are left out: the event carries ``null`` for them and
   their salted commitments under ``redacted``, which its hash covers in their place — so a changed
   commitment, or a value slipped back in, is named like any other change;
3. every document's SHA-256, against the manifest and against the audit event that recorded its
   upload (so a document and its manifest line changed together still show);
4. the checkpoint, when the dossier has one: the anchor's hash over its fields (the hash printed
   for the public board, 厂务公开) and the RFC 6962 inclusion proof of the case's chain head in the
   anchor's Merkle root — the case's chain was in the log when the anchor was made, even if it
   has been removed from the database since.

It prints ``OK`` and exits 0, or prints the first broken item (file, line, event seq) and exits 1.
"""

from __future__ import annotations

import json
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .hashing import (
    GENESIS_HASH,
    REDACTABLE_FIELDS,
    canonical_bytes,
    event_hash,
    file_sha256,
    leaf_data,
    leaf_hash,
    verify_inclusion,
)

MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
FORMAT = "unionflow-dossier/1"
#: The fields of an anchor its hash covers (``merkle_root`` only when the anchor has one).
ANCHOR_FIELDS = ("created_at", "last_event_id", "events", "chains", "digest", "prev_digest", "merkle_root")


@dataclass
class Broken(Exception):
    """The first thing that does not verify: where (file, line, seq) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"BROKEN {self.where}: {self.reason}"


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise Broken(name, "missing from the dossier") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:  # a CRC that no longer matches, …
        raise Broken(name, f"damaged in the zip ({exc})") from None


def _events(raw: bytes) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(raw.decode("utf-8", errors="strict").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            raise Broken(f"{EVENTS} line {number}", "not valid JSON") from None
        if not isinstance(event, dict):
            raise Broken(f"{EVENTS} line {number}", "not an event")
        yield number, event


def check_chain(raw: bytes, manifest: dict) -> list[dict]:
    """The events in order, each link and hash checked; raises :class:`Broken` at the first fault."""
    expected_prev, expected_seq, events = GENESIS_HASH, 1, []
    try:
        lines = list(_events(raw))
    except UnicodeDecodeError:
        raise Broken(EVENTS, "not UTF-8 text") from None
    for number, event in lines:
        where = f"{EVENTS} line {number} (event seq {event.get('seq')}, {event.get('action')})"
        if event.get("seq") != expected_seq:
            raise Broken(where, f"expected event seq {expected_seq}: an event is missing, extra or reordered")
        if event.get("prev_hash") != expected_prev:
            raise Broken(where, "does not link to the event before it (prev_hash)")
        redacted = event.get("redacted")
        if redacted is not None and (
            not isinstance(redacted, dict) or any(event.get(name) is not None for name in REDACTABLE_FIELDS)
        ):
            raise Broken(where, "a field left out carries a value (only its commitment may be there)")
        try:
            recomputed = event_hash(event)
        except (KeyError, TypeError, ValueError):
            raise Broken(where, "a hashed field is missing") from None
        if recomputed != event.get("hash"):
            raise Broken(where, "its content was changed (hash differs)")
        if event.get("case_id") != manifest.get("case_id") or event.get("case_ref") != manifest.get("case_ref"):
            raise Broken(where, "belongs to another case")
        expected_prev, expected_seq = event["hash"], expected_seq + 1
        events.append(event)
    if len(events) != manifest.get("event_count"):
        raise Broken(MANIFEST, f"says {manifest.get('event_count')} events, the chain has {len(events)}")
    if expected_prev != manifest.get("chain_head_hash"):
        raise Broken(MANIFEST, "chain_head_hash is not the hash of the last event")
    return events


def check_documents(archive: zipfile.ZipFile, manifest: dict, events: list[dict]) -> int:
    recorded = {
        e["payload"].get("sha256") for e in events if isinstance(e.get("payload"), dict) and e["payload"].get("sha256")
    }
    documents = manifest.get("documents") or []
    for doc in documents:
        path = str(doc.get("path"))
        if file_sha256(_read(archive, path)) != doc.get("sha256"):
            raise Broken(path, "its SHA-256 differs from the manifest (the document was changed)")
        if doc.get("sha256") not in recorded:
            raise Broken(path, "no audit event recorded this document's SHA-256")
    return len(documents)


def anchor_hash(anchor: dict) -> str:
    import hashlib

    values = {k: anchor.get(k) for k in ANCHOR_FIELDS if k != "merkle_root" or anchor.get("merkle_root")}
    return hashlib.sha256(canonical_bytes(values)).hexdigest()


def check_checkpoint(checkpoint: dict | None, events: list[dict]) -> str:
    if not checkpoint:
        return "no checkpoint covers this case yet"
    anchor = checkpoint.get("anchor") or {}
    if anchor_hash(anchor) != checkpoint.get("anchor_hash"):
        raise Broken(f"{MANIFEST} checkpoint", "the anchor's fields no longer give its anchor hash")
    seq = checkpoint.get("head_seq")
    head = next((e for e in events if e.get("seq") == seq), None)
    if head is None:
        raise Broken(f"{MANIFEST} checkpoint", f"event seq {seq} (the chain head when anchored) is not in the dossier")
    leaf = leaf_hash(leaf_data(head["case_type"], head["case_id"], seq, head["hash"]))
    ok = verify_inclusion(
        leaf, checkpoint.get("leaf_index", -1), anchor.get("chains") or 0, checkpoint.get("proof") or [],
        anchor.get("merkle_root") or "",
    )
    if not ok:
        raise Broken(f"{MANIFEST} checkpoint", "the inclusion proof does not lead to the anchor's Merkle root")
    return f"included in anchor {checkpoint.get('anchor_hash')} (Merkle root {anchor.get('merkle_root')})"


def verify_dossier(path) -> str:
    """Check one dossier; returns the summary line, or raises :class:`Broken`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Broken(str(path), f"not a readable zip ({exc})") from None
    with archive:
        try:
            manifest = json.loads(_read(archive, MANIFEST))
        except ValueError:
            raise Broken(MANIFEST, "not valid JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise Broken(MANIFEST, f"not a {FORMAT} manifest")
        events = check_chain(_read(archive, EVENTS), manifest)
        documents = check_documents(archive, manifest, events)
        included = check_checkpoint(manifest.get("checkpoint"), events)
    left_out = sum(1 for e in events if e.get("redacted"))
    redaction = f"; addresses left out of {left_out} events, checked against their commitments" if left_out else ""
    return f"OK {manifest['case_ref']}: {len(events)} events, {documents} documents; {included}{redaction}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m workflow.audit.verify dossier.zip", file=sys.stderr)
        return 2
    try:
        print(verify_dossier(args[0]))
    except Broken as broken:
        print(broken)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
