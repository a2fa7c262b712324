"""What :mod:`graph.pipeline.extract.metrics` reports instead of dropping: numbers no rule
explains, indicators the curation does not know, statements on headline lines, and bounds that
contradict an exact figure. Every finding carries its span.
"""

from __future__ import annotations

from graph.model import CleanText, Finding, Level, Observation
from graph.pipeline.extract import indicators
from graph.pipeline.extract.metrics_clauses import DIGIT_RUN, _Draft, _Value

STAGE = "extract.metrics"
INDICATORS_FILE = indicators.INDICATORS_FILE
HEADLINE_KINDS = ("title", "original-title", "subhead")


def _leftover_findings(
    clean: CleanText, drafts: list[_Draft], excluded: dict[int, str]
) -> list[Finding]:
    used = {b for d in drafts for b, _ in (*d.val.digits, *d.extra_digits)}
    out = []
    for m in DIGIT_RUN.finditer(clean.text):
        if m.start() in used or m.start() in excluded:
            continue
        rb, re_ = clean.raw_span(m.start(), m.end())
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "number-not-extracted",
                f"number {m.group()!r} matched no figure rule and no exclusion rule",
                clean.source_id,
                m.start(),
                m.end(),
                rb,
                re_,
            )
        )
    return out


def _indicator_findings(source_id: str, observations: list[Observation]) -> list[Finding]:
    """An indicator with no curated row (by folded label, so either script) is a review item.

    Open world (issue 7): an uncurated indicator never fails the build; it is reported with
    its first statement's span so the curation queue can offer it for an English label.
    """
    out = []
    seen: set[str] = set()
    for o in sorted(observations, key=lambda o: (o.begin, o.end, o.indicator)):
        key = indicators.indicator_key(o.indicator)
        if key in seen or indicators.curated(o.indicator) is not None:
            continue
        seen.add(key)
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "indicator-uncurated",
                f"indicator {o.indicator!r} has no row in graph/curation/{INDICATORS_FILE.name}"
                " (a curation candidate: add its English label)",
                source_id,
                o.begin,
                o.end,
            )
        )
    return out


def _exclude_non_statements(
    text: str, skip: list[tuple[int, int, str]], excluded: dict[int, str]
) -> None:
    """Name the numbers of the lines that are not statements (they are never figures).

    A headline number that the body states too is excluded as a restatement; one the body
    never states is left unexcluded, so it surfaces as a WARNING for review (a headline
    figure is not evidence of its own). Dateline and credit numbers are credit lines.
    """
    inside = [(b, e, kind) for b, e, kind in skip]
    body = [
        m.group()
        for m in DIGIT_RUN.finditer(text)
        if not any(b <= m.start() < e for b, e, _ in inside)
    ]
    for m in DIGIT_RUN.finditer(text):
        where = next((kind for b, e, kind in inside if b <= m.start() < e), None)
        if where is None or m.start() in excluded:
            continue
        if where == "related":
            excluded[m.start()] = "related-reading headline"  # another article's
        elif where not in HEADLINE_KINDS:
            excluded[m.start()] = "credit line"
        elif m.group() in body:
            excluded[m.start()] = "headline restating a body figure"


def _consistent(bound: _Value, exact: _Value) -> bool:
    assert bound.value is not None and exact.value is not None
    if bound.qualifier in ("more-than", "more-than-approximately"):
        return exact.value > bound.value
    if bound.qualifier == "at-least":
        return exact.value >= bound.value
    if bound.qualifier == "nearly":
        return exact.value < bound.value
    if bound.qualifier == "at-most":
        return exact.value <= bound.value
    return True
