"""The build report: what a build made, typed, and the files that show it.

``BuildReport`` is what ``stats.json`` serialises (``to_json``) and what ``report.md`` renders
(``report_md``); ``cqkg build`` prints its summary from it. Kept apart from ``graph.pipeline.run``
so the driver only orchestrates: every number here is counted from the bundles and the graph,
and the writers (report, cleaning log, quarantine) are pure functions of them, so a test can
check a report without a build.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib.namespace import RDF

from graph.model import Finding, Level
from graph.pipeline.assemble import Assembled, Bundle
from graph.pipeline.assemble_observations import Conflict, Statement
from graph.pipeline.validate import ValidationReport


@dataclass(frozen=True, slots=True)
class CharacterBalance:
    """raw - removed + inserted == clean: every cleaning edit is accounted for."""

    raw: int
    removed: int
    inserted: int
    clean: int
    balanced: bool


@dataclass(frozen=True, slots=True)
class NumberBalance:
    """digit runs == in figures + excluded by a named rule + warned."""

    digit_runs: int
    in_figures: int
    excluded: dict[str, int]  # rule -> digit runs it excluded
    warned: int
    balanced: bool


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Input units against emitted and dropped ones, for one source."""

    characters: CharacterBalance
    numbers: NumberBalance | None = None  # None: the source's digits were not accounted

    def tables(self) -> dict[str, CharacterBalance | NumberBalance]:
        """The balances this source has, by name (``characters``, ``numbers``)."""
        out: dict[str, CharacterBalance | NumberBalance] = {"characters": self.characters}
        if self.numbers is not None:
            out["numbers"] = self.numbers
        return out

    def to_json(self) -> dict[str, Any]:
        return {what: asdict(table) for what, table in self.tables().items()}


@dataclass(frozen=True, slots=True)
class StatedAt:
    """One statement of a conflicting figure: source, clean offsets, stated value and quote."""

    source: str
    begin: int
    end: int
    stated_value: str
    quote: str

    @classmethod
    def of(cls, s: Statement) -> StatedAt:
        return cls(s.source_id, s.begin, s.end, s.stated_value, s.quote)


@dataclass(frozen=True, slots=True)
class ConflictSide:
    """One of two disagreeing observations with every place it is stated."""

    observation: str  # IRI
    statements: tuple[StatedAt, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "observation": self.observation,
            "statements": [asdict(s) for s in self.statements],
        }


@dataclass(frozen=True, slots=True)
class ConflictRow:
    """Two figures of one indicator, period and area that cannot both be true."""

    indicator: str
    period: str
    area: str
    first: ConflictSide
    second: ConflictSide

    @classmethod
    def of(cls, c: Conflict) -> ConflictRow:
        def side(iri: str, statements: Sequence[Statement]) -> ConflictSide:
            return ConflictSide(iri, tuple(StatedAt.of(s) for s in statements))

        return cls(
            c.indicator,
            c.period,
            c.area,
            side(c.first, c.first_statements),
            side(c.second, c.second_statements),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "period": self.period,
            "area": self.area,
            "first": self.first.to_json(),
            "second": self.second.to_json(),
        }


@dataclass(slots=True)
class BuildReport:
    """Everything ``stats.json`` holds; mappings are sorted by key when they are made."""

    sources: list[str]
    triples: int
    counts: dict[str, int]
    instances_per_class: dict[str, int]
    observations_per_kind: dict[str, int]
    cleaning_changes: dict[str, int]
    findings: dict[str, int]  # level -> number of findings
    spans_checked: int
    shacl_conforms: bool
    reconciliation: dict[str, Reconciliation] = field(default_factory=dict)
    conflicts: list[ConflictRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``stats.json`` object (key order is the serialiser's: sorted)."""
        return {
            "sources": list(self.sources),
            "triples": self.triples,
            "counts": self.counts,
            "instances_per_class": self.instances_per_class,
            "observations_per_kind": self.observations_per_kind,
            "cleaning_changes": self.cleaning_changes,
            "findings": self.findings,
            "spans_checked": self.spans_checked,
            "shacl_conforms": self.shacl_conforms,
            "reconciliation": {k: r.to_json() for k, r in self.reconciliation.items()},
            "conflicts": [c.to_json() for c in self.conflicts],
        }


def reconcile(bundles: Sequence[Bundle]) -> tuple[dict[str, Reconciliation], list[Finding]]:
    """Input units == emitted + dropped, per source, for characters and for numbers.

    Characters: raw - removed + inserted == clean (every cleaning edit is accounted for).
    Numbers: digit runs == in figures + excluded by a named rule + warned. A sum that does not
    balance is an ERROR finding, so the build cannot silently drop input.
    """
    out: dict[str, Reconciliation] = {}
    errors: list[Finding] = []
    for b in bundles:
        edits = b.clean.report.edits
        removed = sum(len(e.removed) for e in edits)
        inserted = sum(len(e.inserted) for e in edits)
        raw, clean = len(b.clean.raw_text), len(b.clean.text)
        chars = CharacterBalance(raw, removed, inserted, clean, raw - removed + inserted == clean)
        numbers = None
        if b.numbers is not None:
            n = b.numbers
            numbers = NumberBalance(n.digit_runs, n.in_figures, n.excluded, n.warned, n.balanced)
        entry = Reconciliation(chars, numbers)
        for what, table in entry.tables().items():
            if not table.balanced:
                errors.append(
                    Finding(
                        Level.ERROR,
                        "build",
                        f"unbalanced-{what}",
                        f"{what} do not reconcile: {asdict(table)}",
                        b.doc.id,
                    )
                )
        out[b.doc.id] = entry
    return out, errors


def build_report(
    bundles: Sequence[Bundle],
    assembled: Assembled,
    validation: ValidationReport,
    reconciliation: dict[str, Reconciliation],
) -> BuildReport:
    """Count what the build made: per class, per kind, per cleaning rule and per finding level."""
    data = assembled.data
    per_class = Counter(
        data.namespace_manager.curie(str(t)) for _, t in data.subject_objects(RDF.type)
    )
    cleaning: Counter[str] = Counter()
    for b in bundles:
        cleaning.update(b.clean.report.counts)
    kinds: Counter[str] = Counter()
    first: dict[object, str] = {}
    for b, iris in zip(bundles, assembled.observation_iris, strict=True):
        for obs, iri in zip(b.extraction.observations, iris, strict=True):
            if iri is not None:
                first.setdefault(iri, obs.kind)
    kinds.update(first.values())
    findings = [*(f for b in bundles for f in b.extraction.findings), *assembled.findings]
    return BuildReport(
        sources=[b.doc.id for b in bundles],
        triples=len(data),
        counts=assembled.counts,
        instances_per_class=dict(sorted(per_class.items())),
        observations_per_kind=dict(sorted(kinds.items())),
        cleaning_changes=dict(sorted(cleaning.items())),
        findings=dict(sorted(Counter(f.level.value for f in findings).items())),
        spans_checked=validation.checked_spans,
        shacl_conforms=validation.shacl_conforms,
        reconciliation=reconciliation,
        conflicts=[ConflictRow.of(c) for c in assembled.conflicts],
    )


def cleaning_log(bundles: Sequence[Bundle]) -> str:
    """Every change the cleaner made, one JSON object per line, in raw-text order."""
    rows = []
    for b in bundles:
        for e in sorted(b.clean.report.edits, key=lambda e: (e.raw_begin, e.raw_end, e.kind)):
            rows.append(
                json.dumps(
                    {
                        "source": b.doc.id,
                        "kind": e.kind,
                        "raw_begin": e.raw_begin,
                        "raw_end": e.raw_end,
                        "removed": e.removed,
                        "inserted": e.inserted,
                        "reason": e.reason,
                    },
                    ensure_ascii=False,
                    sort_keys=True,
                )
            )
    return "".join(r + "\n" for r in rows)


def report_md(report: BuildReport, bundles: Sequence[Bundle], extra: Sequence[Finding] = ()) -> str:
    """``report.md``: the counts, every conflict and every finding with its quoted span."""
    lines = ["# cqkg build report", ""]
    lines.append(f"Sources: {', '.join(report.sources)}  ")
    lines.append(f"Triples: {report.triples}  ")
    lines.append(f"SHACL conforms: {report.shacl_conforms}; spans checked: {report.spans_checked}")
    for title, table in (
        ("Counts", report.counts),
        ("Instances per class", report.instances_per_class),
        ("Observations per kind", report.observations_per_kind),
        ("Cleaning changes (by kind)", report.cleaning_changes),
    ):
        lines += ["", f"## {title}", "", "| key | n |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in table.items()]
    lines += ["", "## Conflicts", "", *_conflicts_md(report.conflicts)]
    lines += ["", "## Findings", "", *findings_table(bundles, extra)]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _conflicts_md(conflicts: Sequence[ConflictRow]) -> list[str]:
    """Every pair of disagreeing figures (cqo:conflictsWith), each side with all its quotes."""
    if not conflicts:
        return ["None."]
    rows = [
        "Figures of one indicator, period and area that cannot both be true; both are kept and",
        "linked by `cqo:conflictsWith`.",
        "",
        "| indicator | period | area | figure | stated | source | span | quote |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in conflicts:
        for side in (c.first, c.second):
            obs = side.observation.rsplit("/id/", 1)[-1]
            for s in side.statements:
                rows.append(
                    f"| {_md_cell(c.indicator)} | {c.period} | {c.area} | {obs} "
                    f"| {_md_cell(s.stated_value)} | {s.source} "
                    f"| [{s.begin}, {s.end}) | “{_md_cell(s.quote)}” |"
                )
    return rows


def findings_table(bundles: Sequence[Bundle], extra: Sequence[Finding] = ()) -> list[str]:
    """Every finding of every stage with its source and quoted span (markdown rows)."""
    rows = []
    by_id = {b.doc.id: b for b in bundles}
    pairs = [(b, f) for b in bundles for f in b.extraction.findings]
    pairs += [(by_id[f.source_id], f) for f in extra if f.source_id in by_id]
    for b, f in pairs:
        span = ""
        if f.begin is not None:
            quote = _md_cell(b.clean.text[f.begin : f.end])
            span = f"[{f.begin}, {f.end}) “{quote}”"
        rows.append(
            f"| {f.level.value} | {b.doc.id} | {f.stage} | {f.code} | {f.message} | {span} |"
        )
    if not rows:
        return ["None."]
    header = "| level | source | stage | code | message | span |"
    return [header, "|---|---|---|---|---|---|", *rows]


def quarantine(bundles: Sequence[Bundle]) -> str:
    """``quarantine.jsonl``: what the cleaner could not repair or explain, with its raw text."""
    rows = []
    for b in bundles:
        for f in b.clean.report.suspicious:
            if f.level == Level.WARNING:  # what the cleaner could not repair or explain
                rows.append(
                    json.dumps(
                        {
                            "source": b.doc.id,
                            "code": f.code,
                            "begin": f.begin,
                            "end": f.end,
                            "raw_begin": f.raw_begin,
                            "raw_end": f.raw_end,
                            "raw_text": b.clean.raw_text[f.raw_begin : f.raw_end]
                            if f.raw_begin is not None and f.raw_end is not None
                            else None,
                            "reason": f.message,
                        },
                        ensure_ascii=False,
                        sort_keys=True,
                    )
                )
    return "".join(r + "\n" for r in rows)
