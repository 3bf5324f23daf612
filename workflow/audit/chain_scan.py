"""Checking every chain of the audit log at scale (``manage.py audit_verify``).

The events are streamed as plain rows (``values_list`` over a server-side cursor, never model
instances) in chain order and checked by :func:`workflow.audit.chain.verify_rows`: the same three
checks and the same first break as :func:`~workflow.audit.chain.verify_events`, with memory flat
however long the log.

Hashing a million events is bound by one core, so a large log on PostgreSQL is cut into runs of
whole cases with about as many events each (:func:`split_log`) and each run is checked by its own
worker process on its own connection. The runs are in chain order, so the first break of the first
run that has one is the log's first break, as a single pass would name it.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import operator
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from ..models import AuditEvent
from .chain import CHAIN_COLUMNS, ChainBreak, verify_rows

#: Rows fetched per round trip while streaming; keeps memory flat at millions of events.
CHUNK_SIZE = 5000
#: Below this many events one process is quicker than starting workers.
PARALLEL_MIN_EVENTS = 200_000
CHAIN_ORDER = ("case_type_id", "case_id", "seq")
_case_key = operator.itemgetter(0, 1)
#: A run's lower bound (inclusive) and upper bound (exclusive) as (case_type_id, case_id); None is open.
Key = tuple[int, int]


@dataclass
class ChainResult:
    cases: int = 0
    checked: int = 0
    broken_cases: int = 0
    first_break: ChainBreak | None = None

    def add(self, other: ChainResult) -> None:
        """Fold in the result of a later run (the first break stays the earliest)."""
        self.cases += other.cases
        self.checked += other.checked
        self.broken_cases += other.broken_cases
        self.first_break = self.first_break or other.first_break


@dataclass(frozen=True)
class Run:
    """The cases from ``start`` (inclusive) up to ``stop`` (exclusive), in chain order."""

    start: Key | None = None
    stop: Key | None = None
    filters: dict = field(default_factory=dict)

    def events(self) -> QuerySet:
        events = AuditEvent.objects.filter(**self.filters)
        # Row comparisons, so the bounds are a range of the chain index, not a filter over all of it.
        if self.start is not None:
            events = events.filter(RawSQL("(case_type_id, case_id) >= (%s, %s)", self.start, BooleanField()))
        if self.stop is not None:
            events = events.filter(RawSQL("(case_type_id, case_id) < (%s, %s)", self.stop, BooleanField()))
        return events


def check_run(run: Run, progress: Callable[[int], None] | None = None) -> ChainResult:
    """Stream the run's events in chain order and check each case's chain."""
    rows = _stream(run.events().order_by(*CHAIN_ORDER).values_list(*CHAIN_COLUMNS))
    result = ChainResult()
    pending = 0
    for _key, group in itertools.groupby(rows, key=_case_key):
        counted = _Counted(group)
        found = verify_rows(counted)
        # Drain the rest of a broken case so the counts and the progress stay truthful.
        for _row in counted:
            pass
        result.cases += 1
        result.checked += counted.n
        pending += counted.n
        if found is not None:
            result.broken_cases += 1
            result.first_break = result.first_break or found
        if progress is not None and pending >= CHUNK_SIZE:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)
    return result


_PAYLOAD = CHAIN_COLUMNS.index("payload")


def _stream(rows: QuerySet) -> Iterator[tuple]:
    """The rows over a server-side cursor, a chunk per round trip.

    On PostgreSQL every column comes back as the check reads it but the payload (JSON text), so
    the rows skip Django's per-row converters, a fifth of the time at a million events.
    """
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=CHUNK_SIZE)
        return
    sql, params = rows.query.sql_with_params()
    loads = json.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK_SIZE):
            for row in chunk:
                payload = row[_PAYLOAD]
                yield (*row[:_PAYLOAD], loads(payload) if isinstance(payload, str) else payload, *row[_PAYLOAD + 1 :])


def split_log(total: int, parts: int) -> list[Run]:
    """Cut the log of ``total`` events into ``parts`` runs of whole cases with about as many events each."""
    ordered = AuditEvent.objects.order_by(*CHAIN_ORDER).values_list("case_type_id", "case_id")
    bounds = []
    for k in range(1, parts):
        offset = k * total // parts
        key = next(iter(ordered[offset : offset + 1]), None)
        if key is not None and (not bounds or key > bounds[-1]):
            bounds.append(key)
    edges = [None, *bounds, None]
    return [Run(start=lo, stop=hi) for lo, hi in itertools.pairwise(edges)]


def worker_count(total: int, requested: int | None = None) -> int:
    """How many processes check a log of ``total`` events: one for a small log or off PostgreSQL.

    SQLite's connection (and an in-memory test database) cannot be shared with forked processes.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if requested is not None:
        return max(1, requested)
    if total < PARALLEL_MIN_EVENTS:
        return 1
    return max(1, min(4, len(_usable_cpus())))


def _usable_cpus() -> set[int]:
    return os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set(range(os.cpu_count() or 1))


_shared_counter = None


def _start_worker(counter) -> None:
    global _shared_counter
    _shared_counter = counter
    # The parent's connection was closed before the fork; each worker opens its own.
    connections.close_all()


def _add_progress(n: int) -> None:
    with _shared_counter.get_lock():
        _shared_counter.value += n


def _check_run_in_worker(run: Run) -> ChainResult:
    return check_run(run, progress=_add_progress)


def check_runs_in_parallel(runs: list[Run], on_progress: Callable[[int], None]) -> ChainResult:
    """Check the runs in one worker process each; ``on_progress`` gets the events checked so far."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    connections.close_all()  # a forked child must never use the parent's socket
    with ProcessPoolExecutor(len(runs), mp_context=context, initializer=_start_worker, initargs=(counter,)) as pool:
        futures = [pool.submit(_check_run_in_worker, run) for run in runs]
        pending = set(futures)
        while pending:
            _done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            on_progress(counter.value)
        results = [f.result() for f in futures]
    on_progress(counter.value)
    total = ChainResult()
    for result in results:  # in chain order: the first break found is the log's first
        total.add(result)
    return total


class _Counted:
    """Wraps an iterator and counts what was taken from it."""

    def __init__(self, iterable):
        self._it = iter(iterable)
        self.n = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        item = next(self._it)
        self.n += 1
        return item
