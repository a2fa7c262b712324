"""SHACL in a forked child while the files render (graph.pipeline.overlap): the result is
always what ``validate.shacl`` gives in-process, whatever the child does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph

from graph.pipeline import export, overlap, validate

INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"


@pytest.fixture(scope="module")
def invalid() -> Graph:
    g = Graph()
    g.parse(INVALID / "article_without_edition.ttl")
    return g


@pytest.fixture(autouse=True)
def _parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(overlap.SERIAL_ENV, raising=False)
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(overlap, "_alone", lambda: True)


def test_a_threaded_host_runs_it_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.undo()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv(overlap.SERIAL_ENV, raising=False)
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert overlap.can_fork() is False
    finally:
        stop.set()
        t.join()


def test_the_childs_answer_is_the_in_process_one(invalid: Graph) -> None:
    expected = validate.shacl(invalid)
    assert expected[0] is False and expected[1]  # the example really is invalid
    pending = overlap.Pending(invalid, None, None)
    assert pending._pid  # a child was started
    assert pending.result() == expected


def test_the_work_runs_here_while_the_child_validates(invalid: Graph) -> None:
    here = os.getpid()
    result, done = overlap.while_validating(invalid, None, None, lambda: os.getpid())
    assert done == here
    assert result == validate.shacl(invalid)


@pytest.mark.parametrize("child_does", ["raise", "junk", "die"])
def test_a_child_that_fails_is_not_trusted(
    invalid: Graph, monkeypatch: pytest.MonkeyPatch, child_does: str
) -> None:
    real = validate.shacl
    parent = os.getpid()

    def shacl(*args: object) -> object:
        if os.getpid() != parent:  # only in the child
            if child_does == "raise":
                raise RuntimeError("boom")
            if child_does == "die":
                os._exit(3)
            return ("not", "a", "result")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "shacl", shacl)
    assert overlap.Pending(invalid, None, None).result() == real(invalid)


def test_an_error_in_the_work_reaps_the_child_and_goes_up(
    invalid: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    reaped: list[int] = []
    collect = overlap.Pending._collect

    def spy(self: overlap.Pending) -> object:
        reaped.append(self._pid)
        return collect(self)

    monkeypatch.setattr(overlap.Pending, "_collect", spy)

    def work() -> None:
        raise ValueError("render failed")

    with pytest.raises(ValueError, match="render failed"):
        overlap.while_validating(invalid, None, None, work)
    assert len(reaped) == 1 and reaped[0] > 0  # the child was waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(reaped[0], os.WNOHANG)  # and is gone


@pytest.mark.parametrize("env", [overlap.SERIAL_ENV, validate.FULL_VALIDATION_ENV])
def test_serial_when_asked(invalid: Graph, monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv(env, "1")
    pending = overlap.Pending(invalid, None, None)
    assert pending._pid == 0
    assert pending.result() == validate.shacl(invalid)


def test_prerendered_files_are_the_files_render_files_writes(invalid: Graph) -> None:
    nt = export.ntriples(invalid)
    ready = export.prerender(invalid, nt)
    files = export.render_files(invalid, Graph(), {}, "", "", nt=nt)
    assert sorted(ready) == sorted(export.GRAPH_FILES)
    assert all(ready[name] == files[name]() for name in export.GRAPH_FILES)
