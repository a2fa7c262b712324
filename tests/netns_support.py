"""In-process CLI tests must not move the test runner into an empty network namespace.

``cqkg query`` and ``cqkg view --query`` call ``graph.sparql.sandbox.isolate_network`` (through
``isolate_cli``) before opening an engine. Under Typer's ``CliRunner`` that would isolate the
pytest process itself (namespaces belong to the calling thread), and every later loopback test
would fail; so modules that invoke those commands in-process import this autouse fixture,
which records the calls instead. Real isolation is tested in subprocesses
(``tests/test_hostile.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.sparql import sandbox


@pytest.fixture(name="isolation_calls", autouse=True)
def stub_isolation(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Replace ``isolate_network`` for the test; yields the list of calls made."""
    calls: list[str] = []

    def fake() -> sandbox.Isolation:
        calls.append("isolate_network")
        return sandbox.Isolation(True, "stubbed in-process for tests")

    monkeypatch.setattr(sandbox, "isolate_network", fake)
    yield calls
