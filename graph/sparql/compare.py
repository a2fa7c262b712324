"""``cqkg compare``: a disagreement ledger between two editions or two sources.

For two sides (``--edition 2022 --edition 2023``: the articles about each report edition; or
``--source A --source B``: two articles), every indicator with a figure on both sides: the
figures each side states (as written, with their period), the change between the sides' latest
figures, each stated growth with the growth the figures give and the check's status (the
``cqo:ConsistencyCheck`` nodes of ``graph/pipeline/checks.py``); then every ``cqo:conflictsWith``
pair
that involves either side, with both quotes. Markdown or CSV.

Everything is read with SPARQL over the built graph through ``graph.sparql.engines`` (the CLI runs
the
queries on the checked engine; the server's ``/compare`` page runs the same three queries
through its worker pool), so the ledger never opens a store of its own.
"""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.model import InputError

if TYPE_CHECKING:  # graph.sparql.engines loads the engines: imported only when a ledger is made
    from graph.sparql.results import Result

Runner = Callable[[str], Awaitable["Result"]]
FORMATS = ("md", "csv")

FIGURES = """
SELECT ?obs (?ind AS ?indicator) ?label ?en ?kind ?period ?area ?value ?unit
       (COALESCE(MIN(?written), MIN(?any)) AS ?stated) ?quote ?source ?edition
WHERE {
  ?obs a cqo:Observation ; cqo:indicator ?ind ; cqo:period ?period ; cqo:statedValue ?any ;
       prov:wasDerivedFrom ?span .
  ?ind rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "zh-Hans"))
  OPTIONAL { ?ind rdfs:label ?en . FILTER(LANG(?en) = "en") }
  ?span nif:anchorOf ?quote ; nif:referenceContext ?src .
  OPTIONAL { ?obs cqo:statedValue ?written . FILTER(CONTAINS(?quote, ?written)) }
  OPTIONAL { ?obs cqo:refArea ?area }
  OPTIONAL { ?obs cqo:value ?value }
  OPTIONAL { ?obs cqo:unit ?unit }
  BIND(IF(EXISTS { ?obs a cqo:GrowthObservation }, "growth",
       IF(EXISTS { ?obs a cqo:RankObservation }, "rank",
       IF(EXISTS { ?obs a cqo:TierObservation }, "tier", "quantity"))) AS ?kind)
  BIND(REPLACE(STR(?src), "^.*/source/", "") AS ?source)
  OPTIONAL { ?src cqo:about ?ed . ?ed cqo:edition ?edition }
}
GROUP BY ?obs ?ind ?label ?en ?kind ?period ?area ?value ?unit ?quote ?source ?edition
ORDER BY ?label ?period ?obs ?source ?quote
"""

CHECKS = """
SELECT ?check ?growth ?status ?value ?lo ?hi WHERE {
  ?check a cqo:ConsistencyCheck ; cqo:checks ?growth ; cqo:status ?status .
  OPTIONAL { ?check cqo:computedValue ?value }
  OPTIONAL { ?check cqo:computedMin ?lo }
  OPTIONAL { ?check cqo:computedMax ?hi }
}
ORDER BY ?growth ?check
"""

CONFLICTS = """
SELECT ?a ?b WHERE { ?a cqo:conflictsWith ?b . FILTER(STR(?a) < STR(?b)) } ORDER BY ?a ?b
"""


@dataclass(frozen=True, slots=True)
class Statement:
    """One quote of one observation (a row of ``FIGURES``)."""

    obs: str
    indicator: str
    label: str
    en: str
    kind: str
    period: str
    area: str
    value: str
    unit: str
    stated: str
    quote: str
    source: str
    edition: str


@dataclass(slots=True)
class Ledger:
    """The two tables: one row per shared indicator, one per conflict pair."""

    mode: str
    sides: tuple[str, str]
    indicators: list[dict[str, str]] = field(default_factory=list)
    conflicts: list[dict[str, str]] = field(default_factory=list)


def _cells(res: Result) -> list[dict[str, str]]:
    return [
        {v: "" if t is None else t.value for v, t in zip(res.variables, row, strict=True)}
        for row in res.rows
    ]


def _statements(res: Result) -> list[Statement]:
    return [Statement(**r) for r in _cells(res)]


def _num(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _fmt(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _side(s: Statement, mode: str) -> str:
    return s.edition if mode == "edition" else s.source


def _figures(rows: Sequence[Statement]) -> str:
    """Distinct figures with every way the side wrote them: ``2362萬人 / 2362万人 (2023)``."""
    written: dict[str, set[str]] = defaultdict(set)
    period: dict[str, str] = {}
    for s in rows:
        written[s.obs].add(s.stated)
        period[s.obs] = s.period
    order = sorted(written, key=lambda o: (period[o], o))
    return "; ".join(f"{' / '.join(sorted(written[o]))} ({period[o]})" for o in order)


def _yearly(s: Statement) -> bool:
    return len(s.period) == 4 and s.period.isdigit() and _num(s.value) is not None


def _change(a: Sequence[Statement], b: Sequence[Statement]) -> str:
    """Latest yearly quantity of side b minus side a's (same unit and area), and in %.

    Only whole-year periods are compared (a mid-year figure, 2024-06, is not next year's)."""
    qa = [s for s in a if s.kind == "quantity" and _yearly(s)]
    qb = [s for s in b if s.kind == "quantity" and _yearly(s)]
    if not qa or not qb:
        return ""
    last_a = max(qa, key=lambda s: (s.period, s.obs))
    last_b = max(qb, key=lambda s: (s.period, s.obs))
    if last_a.obs == last_b.obs:
        return "same figure"
    if (last_a.unit, last_a.area) != (last_b.unit, last_b.area):
        return "not comparable (unit or area)"
    va, vb = _num(last_a.value), _num(last_b.value)
    assert va is not None and vb is not None
    diff = vb - va
    pct = f" ({_fmt(diff / va * 100)}%)" if va else ""
    sign = "+" if diff > 0 else ""
    return f"{sign}{_fmt(diff)}{pct}, {last_a.period} → {last_b.period}"


def _checked(
    growths: Sequence[Statement], checks: Sequence[dict[str, str]]
) -> tuple[str, str, str]:
    """(stated growths, computed growths, statuses) of the growth observations given."""
    stated, computed, status = [], [], []
    by_growth: dict[str, list[dict[str, str]]] = defaultdict(list)
    for c in checks:
        by_growth[c["growth"]].append(c)
    seen: set[str] = set()
    for g in sorted(growths, key=lambda s: (s.period, s.obs)):
        if g.obs in seen:
            continue
        seen.add(g.obs)
        stated.append(f"{g.stated} ({g.period})")
        for c in by_growth.get(g.obs, []):
            lo = _num(c["lo"])
            hi = _num(c["hi"])
            value = _num(c["value"])
            span = (
                f"[{_fmt(lo) if lo is not None else '-∞'}, {_fmt(hi) if hi is not None else '∞'}]"
            )
            if lo is None and hi is None:
                span = ""  # not computable: the reason is in the check's comment
            computed.append(f"{_fmt(value)} {span}".strip() if value is not None else span)
            status.append(c["status"].rsplit("#", 1)[-1])
    return "; ".join(stated), "; ".join(computed), "; ".join(status)


def ledger(
    mode: str,
    sides: tuple[str, str],
    figures: Result,
    checks: Result,
    conflicts: Result,
) -> Ledger:
    """The ledger from the three query results (pure: the tests call it on any results)."""
    rows = _statements(figures)
    out = Ledger(mode=mode, sides=sides)
    by_ind: dict[str, dict[str, list[Statement]]] = defaultdict(lambda: defaultdict(list))
    for s in rows:
        side = _side(s, mode)
        if side in sides:
            by_ind[s.indicator][side].append(s)
    for side in sides:
        if not any(_side(s, mode) == side for s in rows):
            raise InputError(f"compare: no figure in the build is stated by {mode} {side!r}")
    check_rows = _cells(checks)
    a, b = sides
    for ind in sorted(by_ind, key=lambda i: (by_ind[i][a][:1] or by_ind[i][b][:1])[0].label):
        sa, sb = by_ind[ind].get(a, []), by_ind[ind].get(b, [])
        if not sa or not sb:
            continue
        first = sa[0]
        growths = [s for s in (*sa, *sb) if s.kind == "growth"]
        stated, computed, status = _checked(growths, check_rows)
        out.indicators.append(
            {
                "indicator": first.label,
                "en": first.en,
                a: _figures([s for s in sa if s.kind != "growth"]),
                b: _figures([s for s in sb if s.kind != "growth"]),
                "change": _change(sa, sb),
                "stated growth": stated,
                "computed growth": computed,
                "status": status,
            }
        )
    quotes: dict[str, list[Statement]] = defaultdict(list)
    for s in rows:
        quotes[s.obs].append(s)
    for pair in _cells(conflicts):
        qa, qb = quotes.get(pair["a"], []), quotes.get(pair["b"], [])
        if not any(_side(s, mode) in sides for s in (*qa, *qb)):
            continue
        for x in qa:
            for y in qb:
                out.conflicts.append(
                    {
                        "indicator": x.label,
                        "period": x.period,
                        "first": f"{x.stated} ({x.source})",
                        "first quote": x.quote,
                        "second": f"{y.stated} ({y.source})",
                        "second quote": y.quote,
                    }
                )
    return out


async def gather(run: Runner, mode: str, sides: tuple[str, str]) -> Ledger:
    """Run the three queries through ``run`` and build the ledger."""
    if mode not in {"edition", "source"}:
        raise InputError(f"compare: unknown mode {mode!r} (edition or source)")
    figures = await run(FIGURES)
    checks = await run(CHECKS)
    conflicts = await run(CONFLICTS)
    return ledger(mode, sides, figures, checks, conflicts)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(led: Ledger) -> str:
    a, b = led.sides
    lines = [f"# cqkg compare: {led.mode} {a} vs {b}", "", "## Indicators on both sides", ""]
    head = ["indicator", "en", a, b, "change", "stated growth", "computed growth", "status"]
    if led.indicators:
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(_md_cell(r[h]) for h in head) + " |" for r in led.indicators]
    else:
        lines.append("None.")
    lines += ["", "## Conflicts (cqo:conflictsWith)", ""]
    chead = ["indicator", "period", "first", "first quote", "second", "second quote"]
    if led.conflicts:
        lines += ["| " + " | ".join(chead) + " |", "|" + "---|" * len(chead)]
        lines += ["| " + " | ".join(_md_cell(r[h]) for h in chead) + " |" for r in led.conflicts]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def to_csv(led: Ledger) -> str:
    """One CSV: a ``section`` column tells indicator rows from conflict rows."""
    a, b = led.sides
    head = ["section", "indicator", "en", a, b, "change", "stated growth", "computed growth"]
    head += ["status", "period", "first", "first quote", "second", "second quote"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=head, lineterminator="\n")
    writer.writeheader()
    for r in led.indicators:
        writer.writerow({"section": "indicator", **r})
    for r in led.conflicts:
        writer.writerow({"section": "conflict", **r})
    return buf.getvalue()


def render(led: Ledger, fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: unknown (use {', '.join(FORMATS)})")
    return to_markdown(led) if fmt == "md" else to_csv(led)


def sides_of(editions: Sequence[str], sources: Sequence[str]) -> tuple[str, tuple[str, str]]:
    """(mode, sides) from the options; exactly two editions or exactly two sources."""
    if editions and not sources and len(editions) == 2:
        return "edition", (editions[0], editions[1])
    if sources and not editions and len(sources) == 2:
        return "source", (sources[0], sources[1])
    raise InputError(
        "compare: give two editions (--edition 2022 --edition 2023) or two sources "
        "(--source A --source B)"
    )


def run_cli(
    editions: Sequence[str], sources: Sequence[str], fmt: str, build_dir: Path, engine: str
) -> str:
    """The CLI path: the checked engine of ``graph.sparql.engines`` on ``build_dir``."""
    import asyncio

    from graph.sparql.engines import open_engine, run_query

    mode, sides = sides_of(editions, sources)
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: unknown (use {', '.join(FORMATS)})")
    eng = open_engine(engine, build_dir)

    async def run(query: str) -> Result:
        return run_query(eng, query)

    return render(asyncio.run(gather(run, mode, sides)), fmt)


# ---------------------------------------------------------------- the server's /compare page


def route(run: Runner) -> Callable[[Any], Awaitable[Any]]:
    """The ``/compare`` endpoint: ``?edition=2022&edition=2023`` (or ``source=``), ``format=``.

    HTML by default (a small escaped table page, no script), ``format=md`` or ``format=csv``.
    """
    from starlette.responses import HTMLResponse, PlainTextResponse

    async def compare_page(request: Any) -> Any:
        params = request.query_params
        fmt = params.get("format", "html")
        try:
            mode, sides = sides_of(params.getlist("edition"), params.getlist("source"))
            if fmt not in (*FORMATS, "html"):
                raise InputError(f"format {fmt}: unknown (use html, md or csv)")
            led = await gather(run, mode, sides)
        except InputError as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if fmt == "csv":
            return PlainTextResponse(to_csv(led), media_type="text/csv; charset=utf-8")
        if fmt == "md":
            return PlainTextResponse(to_markdown(led), media_type="text/markdown; charset=utf-8")
        return HTMLResponse(to_html(led))

    return compare_page


def _table(head: Sequence[str], rows: Sequence[dict[str, str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(r.get(h, ''))}</td>" for h in head) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def to_html(led: Ledger) -> str:
    """A self-contained page (every value escaped; no script, no external resource)."""
    a, b = led.sides
    head = ["indicator", "en", a, b, "change", "stated growth", "computed growth", "status"]
    chead = ["indicator", "period", "first", "first quote", "second", "second quote"]
    title = html.escape(f"cqkg compare: {led.mode} {a} vs {b}")
    return (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f"</head><body><h1>{title}</h1><h2>Indicators on both sides</h2>"
        f"{_table(head, led.indicators)}<h2>Conflicts</h2>{_table(chead, led.conflicts)}"
        "</body></html>"
    )
