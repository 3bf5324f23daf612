"""The dossier's PDF: the case's timeline for people, like an e-signature completion certificate —
every step with its actor, role, time, reason and hashes, then the documents and the checkpoint."""

from __future__ import annotations

import datetime as dt
import json

from ..acting import role_labels
from ..pdf import PdfDocument

REASON_KEYS = ("reason", "comment", "note", "answer", "decision")


def _reason(payload) -> str:
    if not isinstance(payload, dict):
        return ""
    for key in REASON_KEYS:
        if payload.get(key):
            return str(payload[key])
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)[:300] if payload else ""


def dossier_pdf(case, events, manifest) -> bytes:
    pdf = PdfDocument(f"案件卷宗 Case dossier {case.reference}", f"{case.organisation.name} · {case.state_label}")
    pdf.heading("概要 Summary")
    pdf.row("事件数 Events", manifest["event_count"])
    pdf.row("链头哈希 Chain head", manifest["chain_head_hash"])
    pdf.row("软件版本 Software", manifest["software_version"])
    pdf.row("校验 Verify", manifest["verify"])
    pdf.heading("时间线 Timeline")
    labels = role_labels()
    for event in events:
        when = event.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")
        step = event.action + (f" {event.from_state} → {event.to_state}" if event.to_state else "")
        pdf.row(f"#{event.seq} {when}", step)
        actor = event.actor_name + (f"（{labels.get(event.actor_role, event.actor_role)}）" if event.actor_role else "")
        if event.on_behalf_of_name:
            actor += f" 代 for {event.on_behalf_of_name}"
        pdf.row("执行人 Actor", actor)
        reason = _reason(event.payload)
        if reason:
            pdf.row("理由 Reason", reason)
        pdf.row("哈希 Hash", event.hash)
    pdf.heading("文件 Documents")
    for doc in manifest["documents"]:
        pdf.row(f"{doc['name']} v{doc['version']}", doc["sha256"])
    if not manifest["documents"]:
        pdf.para("")
    pdf.heading("检查点 Checkpoint")
    checkpoint = manifest.get("checkpoint")
    if checkpoint:
        pdf.row("锚点哈希 Anchor hash", checkpoint["anchor_hash"])
        pdf.row("默克尔根 Merkle root", checkpoint["anchor"].get("merkle_root"))
        pdf.row("锚定时间 Anchored at", checkpoint["anchor"]["created_at"])
    else:
        pdf.para("尚无锚点覆盖此案件 No anchor covers this case yet.")
    return pdf.bytes()
