"""``manage.py audit_verify [--case REF] [--anchor HASH]``: recompute the audit hash chains and anchors.

The audit log is the union's record of who decided what, so it must be provably
untouched. The database refuses UPDATE and DELETE, but someone with direct access to
the database could still bypass that; this command is how an auditor proves the trail
is intact. It streams the events case by case and checks that
each event's ``seq`` follows the previous one, its ``prev_hash`` links to the previous
event's hash, and its own ``hash`` matches its content. A changed field, a deleted row,
a row inserted in the middle and two swapped rows all break one of those three checks.

A chain whose last events were cut off still verifies on its own; the audit anchors
(``manage.py audit_anchor``, daily by beat) close that gap. The command checks every anchor
against the events it covers and the anchors' own chain (see :mod:`workflow.audit.anchor`).
``--anchor HASH`` is what an auditor holding a hash from the minutes runs: it also requires
that the anchor with that hash is still there and still matches the log. ``--case`` checks
one case's chain only; anchors cover the whole log and are left out unless ``--anchor``
is given. Exit status 0 when everything holds, 1 on the first break.

A large log on PostgreSQL is checked by one worker process per core over runs of whole cases
(``--workers N`` to choose; :mod:`workflow.audit.chain_scan`); the first break named is the same.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from workflow.audit.anchor import verify_anchors
from workflow.audit.chain_scan import ChainResult, Run, check_run, check_runs_in_parallel, split_log, worker_count
from workflow.models import AuditAnchor


class Command(BaseCommand):
    help = "校验审计日志哈希链与锚点 Recompute every per-case audit hash chain and the anchors, and report the first break."

    def add_arguments(self, parser):
        parser.add_argument("--case", dest="case_ref", help="只校验此编号的案件 Only check the case with this reference.")
        parser.add_argument(
            "--workers",
            type=int,
            help="并行进程数 Worker processes (default: one per core for a large log on PostgreSQL, else 1).",
        )
        parser.add_argument(
            "--anchor",
            dest="anchor_hash",
            help="核对保存在系统外的锚点哈希 Also require the anchor with this hash (kept outside the system) to be there "
            "and still match the log.",
        )

    def handle(self, *args, case_ref: str | None = None, anchor_hash: str | None = None, workers: int | None = None, **options):
        chains = self._verify_chains(case_ref, workers)
        self.stdout.write(f"案件 Cases: {chains.cases}")
        self.stdout.write(f"已校验事件 Events checked: {chains.checked}")
        failures = []
        if chains.first_break is not None:
            failures.append(f"审计链被破坏 {chains.broken_cases} case(s) with a broken chain")
        anchor_problem = held_missing = None
        if case_ref and not anchor_hash:
            self.stdout.write("锚点 Anchors: 未校验 not checked with --case")
        else:
            anchor_problem = verify_anchors()
            self.stdout.write(f"已校验锚点 Anchors checked: {AuditAnchor.objects.count()}")
            if anchor_problem is not None:
                failures.append("审计锚点不符 an anchor no longer matches the log")
        if anchor_hash:
            held_missing = not self._report_held_anchor(anchor_hash.strip().lower(), anchor_problem)
            if held_missing:
                failures.append("锚点不存在 the anchor given is not there")
        if not failures:
            intact = "all chains intact" if case_ref and not anchor_hash else "all chains and anchors intact"
            self.stdout.write(f"结果 Result: OK 审计链完整 {intact}")
            return
        self.stdout.write("结果 Result: BROKEN " + "; ".join(failures))
        if chains.first_break is not None:
            first = chains.first_break
            self.stdout.write(f"首个断点 First break: case {first.case_ref} seq {first.seq}: {first.reason}")
        if anchor_problem is not None:
            self.stdout.write(f"首个不符锚点 First failing anchor: {anchor_problem}")
        self.stdout.flush()
        raise SystemExit(1)

    def _report_held_anchor(self, anchor_hash: str, problem) -> bool:
        """Say whether the auditor's anchor is there and still holds; False when it is gone."""
        held = AuditAnchor.objects.filter(anchor_hash=anchor_hash).first()
        if held is None:
            self.stdout.write(f"所持锚点 Anchor {anchor_hash}: 未找到 NOT FOUND (removed or rewritten)")
            return False
        # Anchors are checked in order: every anchor before the first failing one holds.
        holds = problem is None or problem.anchor.pk > held.pk
        verdict = "与日志相符 still matches the log" if holds else "不再相符 NO LONGER matches the log"
        self.stdout.write(f"所持锚点 Anchor {anchor_hash}: #{held.pk}, {held.events} events, {verdict}")
        return True

    def _verify_chains(self, case_ref: str | None, workers: int | None) -> ChainResult:
        run = Run(filters={"case_ref": case_ref} if case_ref else {})
        events = run.events()
        if case_ref and not events.exists():
            raise CommandError(f"未找到该案件的审计事件 No audit events for case {case_ref}.")
        total = events.count()
        # The bar goes to stderr so stdout stays a clean, parseable summary.
        bar_file = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(total=total, unit="event", file=bar_file, desc="audit_verify", mininterval=0.5) as bar:
            parts = 1 if case_ref else worker_count(total, workers)
            if parts == 1:
                return check_run(run, progress=bar.update)
            return check_runs_in_parallel(split_log(total, parts), on_progress=lambda done: bar.update(done - bar.n))
