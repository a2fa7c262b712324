"""The typed build report: its JSON form is what stats.json held, and reconcile finds gaps."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import cast

from graph.model import Level
from graph.pipeline.assemble import Bundle
from graph.pipeline.report import (
    BuildReport,
    CharacterBalance,
    ConflictRow,
    ConflictSide,
    NumberBalance,
    Reconciliation,
    StatedAt,
    reconcile,
)
from graph.pipeline.run import BuildResult


def test_stats_json_is_the_typed_report_serialised(built: BuildResult) -> None:
    on_disk = json.loads((built.out_dir / "stats.json").read_text(encoding="utf-8"))
    assert on_disk == built.report.to_json()
    assert built.stats == on_disk
    assert isinstance(built.report.reconciliation[built.report.sources[0]], Reconciliation)


def test_report_json_keeps_every_key_and_nests_conflict_statements() -> None:
    side = ConflictSide("https://w3id.org/cqkg/id/observation/a", (StatedAt("s", 3, 9, "2", "q"),))
    report = BuildReport(
        sources=["s"],
        triples=10,
        counts={"observations": 2},
        instances_per_class={},
        observations_per_kind={},
        cleaning_changes={},
        findings={"WARNING": 1},
        spans_checked=4,
        shacl_conforms=True,
        reconciliation={
            "s": Reconciliation(
                CharacterBalance(10, 2, 1, 9, True), NumberBalance(3, 1, {"date": 1}, 1, True)
            )
        },
        conflicts=[ConflictRow("網民數量", "2023", "place/chongqing", side, side)],
    )
    got = report.to_json()
    keys = "sources triples counts instances_per_class observations_per_kind cleaning_changes"
    keys += " findings spans_checked shacl_conforms reconciliation conflicts"
    assert sorted(got) == sorted(keys.split())
    assert got["reconciliation"]["s"]["numbers"]["excluded"] == {"date": 1}
    assert got["conflicts"][0]["first"]["statements"][0]["begin"] == 3
    no_numbers = Reconciliation(CharacterBalance(1, 0, 0, 1, True)).to_json()
    assert sorted(no_numbers) == ["characters"]


def test_an_unbalanced_source_is_an_error_finding() -> None:
    """raw - removed + inserted != clean: the build must not ship it silently."""
    clean = SimpleNamespace(raw_text="abcdef", text="abc", report=SimpleNamespace(edits=[]))
    bundle = cast(Bundle, SimpleNamespace(clean=clean, numbers=None, doc=SimpleNamespace(id="s")))
    table, findings = reconcile([bundle])
    assert table["s"].characters == CharacterBalance(6, 0, 0, 3, False)
    assert table["s"].numbers is None
    [f] = findings
    assert (f.level, f.code, f.source_id) == (Level.ERROR, "unbalanced-characters", "s")
    assert "'raw': 6" in f.message and "'clean': 3" in f.message
