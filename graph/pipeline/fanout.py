"""Run a per-item function over many items in forked children and this process at once.

Why: the per-source stages (ingest, segment, extract) are most of a cold corpus build's
first half and each source is independent of the others, yet the build ran them one after
the other on one core of the two it is given (a 1,000-article corpus: about 70 s of CPU).
The children are ``fork``\\s of the build (registry and curation shared copy-on-write,
nothing pickled on the way in); each takes every ``workers``-th item, computes its results
and sends them back pickled through a pipe, while this process computes its own share.

Nothing is trusted that did not come back whole, and the result is always the one the serial
loop gives: a child that fails, dies or sends something unreadable has its items computed
here; an item whose function raises is recorded, and after all items the first failing one
in item order raises, as it would have in the loop. Without ``os.fork``, on one core, with
``CQKG_SERIAL=1`` (``graph.pipeline.overlap.SERIAL_ENV``), when other threads run, or for a
handful of items, the items are computed here in order.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from graph.pipeline.overlap import SERIAL_ENV, read_child

T = TypeVar("T")
R = TypeVar("R")

#: fewer items per process than this are not worth a fork (a seed-sized source is ~0.07 s)
MIN_ITEMS_PER_WORKER = 4
MAX_WORKERS = 8


def workers_for(n_items: int) -> int:
    """How many processes (this one included) share ``n_items`` items; 1 means serial."""
    if not hasattr(os, "fork") or os.environ.get(SERIAL_ENV) == "1":
        return 1
    if threading.active_count() != 1:  # a fork copies no lock another thread holds
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, n_items // MIN_ITEMS_PER_WORKER))


class _Failed:
    """An item whose function raised: the exception, raised again in item order."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _run(fn: Callable[[T], R], item: T) -> R | _Failed:
    try:
        return fn(item)
    except Exception as exc:  # re-raised by ``map_forked`` in item order
        return _Failed(exc)


def map_forked(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]``, shared over forked children; the same list or exception."""
    n = workers_for(len(items))
    results: list[R | _Failed | None] = [None] * len(items)
    children: list[tuple[int, int, range]] = []
    if n > 1:
        for j in range(1, n):
            share = range(j, len(items), n)
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: compute, send, leave without the parent's cleanup
                code = 0
                try:
                    os.close(read)
                    got = [fn(items[i]) for i in share]
                    with os.fdopen(write, "wb") as fh:
                        fh.write(pickle.dumps(got, pickle.HIGHEST_PROTOCOL))
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(write)
            children.append((pid, read, share))
    for i in range(0, len(items), n):
        results[i] = _run(fn, items[i])
    for pid, fd, share in children:
        sent = _collect(pid, fd, len(share))
        for k, i in enumerate(share):
            results[i] = sent[k] if sent is not None else _run(fn, items[i])  # type: ignore[assignment]
    out: list[R] = []
    for r in results:
        if isinstance(r, _Failed):
            raise r.error
        out.append(r)  # type: ignore[arg-type]
    return out


def _collect(pid: int, fd: int, count: int) -> list[object] | None:
    """What the child sent: a list of ``count`` results, or None when it did not come whole."""
    got = read_child(pid, fd)
    return got if isinstance(got, list) and len(got) == count else None
