"""Run pySHACL in a forked child while the parent renders the published files.

Why: on a cold build SHACL (about 1.5 s for the seed) and the rendering of Turtle, JSON-LD,
GraphML and report.html (about 1.2 s) are both pure functions of the finished data graph and
neither needs the other, so on the two cores the build is given they can run at once; the
seed's cold build drops by about a second of wall time, its CPU time does not change.

The child is a ``fork`` of the build (it shares the graph copy-on-write, nothing is pickled on
the way in) and sends back only ``validate.shacl``'s result (picklable problems and the report
text). Nothing is trusted that did not come back whole: a child that fails, dies or sends
something unreadable makes the parent validate in-process, so the result is always the one
``validate.shacl`` gives (tested). Without ``os.fork``, on one core, with ``CQKG_SERIAL=1``,
or when other threads run, the work runs in order as before. The published files do not
depend on which way it ran.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Any

from rdflib import Graph

from graph.pipeline import validate

SERIAL_ENV = "CQKG_SERIAL"
"""Set to 1 to never fork (debugging, profiling, a platform where fork is unsafe)."""

ShaclResult = tuple[bool, list[validate.Problem], str]


def _alone() -> bool:
    """Only this thread runs: a fork copies no lock another thread might hold (``cqkg build``
    is single-threaded; a build called from a threaded host, a server or a test, runs in order)."""
    return threading.active_count() == 1


def can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) >= 2
        and os.environ.get(SERIAL_ENV) != "1"
        and os.environ.get(validate.FULL_VALIDATION_ENV) != "1"
        and _alone()
    )


class Pending:
    """The SHACL result of ``data``: computed by a child started now, or in ``result()``."""

    def __init__(self, data: Graph, nt: str | bytes | None, store: Any) -> None:
        self._args = (data, nt, store)
        self._pid = 0
        self._fd = -1
        if can_fork():
            self._start()

    def _start(self) -> None:
        import pyshacl  # noqa: F401 - imported before the fork, not in the child

        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
            code = 0
            try:
                os.close(read)
                payload = pickle.dumps(validate.shacl(*self._args))
                with os.fdopen(write, "wb") as fh:
                    fh.write(payload)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> ShaclResult:
        """The child's result when it came back whole, else computed here."""
        if self._pid:
            got = self._collect()
            if got is not None:
                return got
        return validate.shacl(*self._args)

    def _collect(self) -> ShaclResult | None:
        got = read_child(self._pid, self._fd)
        self._pid = 0
        return got if got is not None and _well_formed(got) else None


def read_child(pid: int, fd: int) -> Any:
    """What a forked child pickled to ``fd`` (read whole, then the child reaped), or None when
    it did not exit cleanly or did not send a whole pickle: the caller then does the work in
    this process, so a dead or killed child costs time, never a wrong result."""
    chunks = []
    with os.fdopen(fd, "rb") as fh:
        while block := fh.read(1 << 20):
            chunks.append(block)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:
        return None


def _well_formed(got: Any) -> bool:
    return (
        isinstance(got, tuple)
        and len(got) == 3
        and isinstance(got[0], bool)
        and isinstance(got[1], list)
        and all(isinstance(p, validate.Problem) for p in got[1])
        and isinstance(got[2], str)
    )


def while_validating(
    data: Graph, nt: str | bytes | None, store: Any, work: Callable[[], Any]
) -> tuple[ShaclResult, Any]:
    """``work()`` in this process while SHACL runs in a child; both results."""
    pending = Pending(data, nt, store)
    try:
        done = work()
    except BaseException:
        pending.result()  # reap the child before the error goes up
        raise
    return pending.result(), done
