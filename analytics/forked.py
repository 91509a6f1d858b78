"""One computation run in a forked child process while this process goes on with others."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from graph.errors import ComputationFailed

T = TypeVar("T")


def usable() -> bool:
    """Whether a second CPU and ``fork`` are there (Linux and macOS) and ``HILOROJO_FORK`` is not 0."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (
        cpus > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and os.environ.get("HILOROJO_FORK", "1") != "0"
    )


class Pending(Generic[T]):
    """The result of ``fn()``, computed in a forked child (or here, later, when forking is not usable).

    The child is a copy of this process made by ``fork``: ``fn`` and the data it reads (an igraph
    graph of a million links, say) are not pickled, only the result travels back through a pipe.
    ``result()`` waits for it and re-raises a failure as :class:`ComputationFailed`.
    """

    def __init__(self, fn: Callable[[], T], use_fork: bool | None = None) -> None:
        self._fn: Callable[[], T] | None = fn
        self._process: multiprocessing.process.BaseProcess | None = None
        if not (usable() if use_fork is None else use_fork):
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)

        def child() -> None:
            try:
                payload: tuple[bool, object] = (True, fn())
            except BaseException:  # everything goes back to the parent, as text
                payload = (False, traceback.format_exc(limit=5))
            send.send(payload)
            send.close()

        self._receive = receive
        self._process = ctx.Process(target=child, daemon=True, name="hilorojo-child")
        self._process.start()
        send.close()
        self._fn = None

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self) -> T:
        if self._process is None:
            assert self._fn is not None
            return self._fn()
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise ComputationFailed(
                f"the child process of an analysis died (exit code {self._process.exitcode})",
                "run again with HILOROJO_FORK=0 to compute everything in one process",
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        if not ok:
            raise ComputationFailed(
                f"a computation in a child process failed: {str(value).strip().splitlines()[-1]}",
                "run again with HILOROJO_FORK=0 to see it in one process",
            )
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (its result is no longer wanted)."""
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join()
