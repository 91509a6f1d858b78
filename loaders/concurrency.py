"""How batches reach Neo4j concurrently: writer threads, a bounded queue, the GC cadence, thread switches."""

from __future__ import annotations

import gc
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

# Batches written at the same time, each in its own transaction. Calls go two at a time so that Neo4j
# runs one batch's query while the other commits; the other kinds resolve people or merge shared
# accounts batch after batch, and write one at a time. Two call batches can deadlock on shared phones:
# Neo4j aborts one, retried after ``graph.ingest.DEADLOCK_RETRY_S``, and ``graph.ingest.call_batch``
# writes a batch in two parts to keep that rare. Measured by `python -m bench.ingest`.
IN_FLIGHT = {"calls": 2}
# Batches read, prepared and queued beyond those being written: reading is faster than writing on
# average but not batch by batch (a burst of new phone spellings to parse), and the queue keeps the
# writer busy meanwhile. Measured by `python -m bench.ingest --calls 1000000`.
QUEUED_AHEAD = 2
# Batches between two collections of the young objects during a load (see ``_gc_paused``), and
# between two full collections: the driver's cyclic garbage otherwise reaches the oldest generation
# and raises peak memory. Measured by `python -m bench.ingest --calls 1000000` (peak RSS).
GC_EVERY_BATCHES = 4
FULL_GC_EVERY_BATCHES = 40
# How long a thread may hold the GIL before Python hands it to a waiting one (the default is 5 ms).
# The writer thread wakes on every Neo4j response while the reading thread normalises rows without
# pause; a short interval lets the writer resume promptly. Measured by
# `python -m bench.ingest --calls 1000000`.
SWITCH_INTERVAL_S = 0.0002

Job = TypeVar("Job")
Result = TypeVar("Result")


class WriteQueue(Generic[Job, Result]):
    """Jobs written by the writer threads, settled in the order given, a bounded number ahead.

    The reading thread prepares each batch's job before it waits for a writer; ``write_all`` hands
    it over and settles the oldest batch (its ``done`` gets the job's result) only when the queue is
    full, so neither the writers (and Neo4j) nor the reader wait on the other. When a write or the
    reading fails, the jobs still queued are skipped, not written after the failure.
    """

    def __init__(
        self,
        run: Callable[[Job], Result],
        in_flight: int,
        pool: ThreadPoolExecutor,
        collect: Callable[[], None],
        skipped: Callable[[], Result],
    ) -> None:
        self._run = run
        self._skipped = skipped  # makes the result of a job skipped after a failure
        self._in_flight = in_flight
        self._pool = pool
        self._collect = collect
        self._pending: deque[tuple[Future[Result], Callable[[Result], None]]] = deque()
        self._stopped = threading.Event()  # set when the load fails: batches still queued are not written

    def write_all(self, batches: Iterable[tuple[Job | None, Callable[[Result], None]]]) -> None:
        """Write each batch's job (``None``: nothing to write) and call its ``done`` with the result."""
        try:
            for job, done in batches:
                if len(self._pending) == self._in_flight + QUEUED_AHEAD:
                    self._settle_oldest()
                if job is not None:
                    self._pending.append((self._pool.submit(self._write, job), done))
                self._collect()
            while self._pending:
                self._settle_oldest()
        except BaseException:
            self._stopped.set()  # the writers skip the batches still queued
            raise

    def _settle_oldest(self) -> None:
        future, done = self._pending.popleft()
        done(future.result())

    def _write(self, job: Job) -> Result:
        if self._stopped.is_set():
            return self._skipped()
        try:
            return self._run(job)
        except BaseException:
            self._stopped.set()
            raise


@contextmanager
def concurrent_writes(
    run: Callable[[Job], Result], in_flight: int, skipped: Callable[[], Result]
) -> Iterator[WriteQueue[Job, Result]]:
    """A ``WriteQueue`` for one load: ``in_flight`` writer threads running ``run``, quick thread
    switches and paused automatic GC while it lasts; a job skipped after a failure gives ``skipped()``."""
    with (
        _quick_thread_switches(),
        _gc_paused() as collect_garbage,
        ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="hilorojo-writer") as pool,
    ):
        yield WriteQueue(run, in_flight, pool, collect_garbage, skipped)


@contextmanager
def _gc_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's automatic cycle collection; yield the collection to run after each batch.

    A batch keeps tens of thousands of live dicts, which every automatic full collection would
    rescan. A collection of the young objects every ``GC_EVERY_BATCHES`` batches frees the cycles the
    driver makes meanwhile; its cost is the objects alive when it runs, not those made since the last
    one, so collecting less often costs less. A full collection every ``FULL_GC_EVERY_BATCHES`` frees
    the cycles that outlived those.
    """
    was_enabled = gc.isenabled()
    batches = 0

    def collect() -> None:
        nonlocal batches
        batches += 1
        if was_enabled and batches % FULL_GC_EVERY_BATCHES == 0:
            gc.collect(2)
        elif was_enabled and batches % GC_EVERY_BATCHES == 0:
            gc.collect(1)

    gc.disable()
    try:
        yield collect
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    """Let the writer thread take the GIL soon after its Neo4j response arrives, for one load."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)
