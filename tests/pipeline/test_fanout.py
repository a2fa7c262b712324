"""Per-item work in forked children (graph.pipeline.fanout): always the list, or the first error
in item order, that one loop in this process gives, whatever a child does."""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

import pytest

from graph.curation.registry import load_registry
from graph.pipeline import fanout, overlap
from graph.pipeline.run import cached_bundles, extract_bundle
from graph.pipeline.sources import load_sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


@pytest.fixture
def three(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three processes whatever the machine has (the parent and two children)."""
    monkeypatch.setattr(fanout, "workers_for", lambda n: 3 if n >= 3 else 1)


def test_the_children_compute_and_the_order_is_kept(three: None) -> None:
    here = os.getpid()
    got = fanout.map_forked(lambda i: (i * i, os.getpid()), list(range(10)))
    assert [v for v, _ in got] == [i * i for i in range(10)]
    assert {pid for _, pid in got[0::3]} == {here}  # every third item is the parent's
    assert here not in {pid for i, (_, pid) in enumerate(got) if i % 3}  # the others not


def test_the_first_error_in_item_order_is_raised(three: None) -> None:
    def fn(i: int) -> int:
        if i in (3, 4):  # 3 is the parent's share, 4 a child's
            raise ValueError(f"item {i}")
        return i

    with pytest.raises(ValueError, match="item 3"):
        fanout.map_forked(fn, list(range(9)))
    with pytest.raises(ValueError, match="item 4"):
        fanout.map_forked(lambda i: fn(i) if i != 3 else i, list(range(9)))


def test_a_child_that_dies_or_cannot_send_has_its_items_computed_here(three: None) -> None:
    here = os.getpid()

    def dies(i: int) -> int:
        if os.getpid() != here and i == 4:
            os._exit(7)
        return i + 1

    assert fanout.map_forked(dies, list(range(8))) == list(range(1, 9))

    def unpicklable(i: int) -> object:
        return (lambda: i) if os.getpid() != here else i  # a lambda does not pickle

    assert fanout.map_forked(unpicklable, list(range(6))) == list(range(6))


def test_serial_when_asked_threaded_or_few(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv(overlap.SERIAL_ENV, raising=False)
    assert fanout.workers_for(100) == 2
    assert fanout.workers_for(fanout.MIN_ITEMS_PER_WORKER * 2 - 1) == 1
    monkeypatch.setenv(overlap.SERIAL_ENV, "1")
    assert fanout.workers_for(100) == 1
    monkeypatch.delenv(overlap.SERIAL_ENV)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert fanout.workers_for(100) == 1
    finally:
        stop.set()
        t.join()


def test_forked_extraction_gives_what_the_loop_gives(three: None) -> None:
    """The per-source stages on fixture articles of both scripts, in children and here: the
    same entries (pickled, byte for byte) in the same order, and none lost."""
    docs = load_sources(FIXTURES)[:6]
    assert {d.language for d in docs} == {"zh-Hans", "zh-Hant"}
    registry = load_registry()
    forked = cached_bundles(docs, registry, None, "")
    assert [b.doc.id for b in forked] == [d.id for d in docs]
    for doc, b in zip(docs, forked, strict=True):
        serial = extract_bundle(doc, registry)
        for field in ("clean", "seg", "extraction", "edition", "numbers"):
            assert pickle.dumps(getattr(b, field)) == pickle.dumps(getattr(serial, field)), field
