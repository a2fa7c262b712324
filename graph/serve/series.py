"""An indicator's series as a chart (issue 10): geometry only, from the figures a page already
gathered, so the chart is a pure function of them and needs no query of its own.

The template draws it as inline SVG (no script); only numbers and plain text reach it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from graph.serve.page_model import Chart, ChartPoint, Figure, format_decimal

CHART_W, CHART_H, PAD_L, PAD_R, PAD_T, PAD_B = 560, 220, 90, 20, 16, 34


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def series_chart(figures: Iterable[Figure]) -> Chart | None:
    """A chart of the figures with a value and a period, in the unit most of them share.

    Each point links to the page of the span its figure was first stated in; ``None`` when
    fewer than one period has a figure to draw.
    """
    drawn = [
        (f, v) for f in figures if f.period and f.sources and (v := _decimal(f.value)) is not None
    ]
    if not drawn:
        return None
    units: dict[str, int] = {}
    for f, _ in drawn:
        key = f.unit.iri if f.unit else ""
        units[key] = units.get(key, 0) + 1
    unit = max(sorted(units), key=lambda u: units[u])
    drawn = sorted(
        ((f, v) for f, v in drawn if (f.unit.iri if f.unit else "") == unit),
        key=lambda fv: (fv[0].period, fv[1], fv[0].node.iri),
    )
    periods = sorted({f.period for f, _ in drawn})
    lo = min(Decimal(0), *(v for _, v in drawn))
    hi = max(v for _, v in drawn)
    span = (hi - lo) or Decimal(1)
    inner_w, inner_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def px(period: str) -> float:
        if len(periods) == 1:
            return PAD_L + inner_w / 2
        return round(PAD_L + inner_w * periods.index(period) / (len(periods) - 1), 1)

    def py(value: Decimal) -> float:
        return round(float(PAD_T + inner_h * (1 - (value - lo) / span)), 1)

    unit_name = next((f.unit.name for f, _ in drawn if f.unit), "")
    chart = Chart(CHART_W, CHART_H, unit_name, "")
    for f, v in drawn:
        source = f.sources[0]
        stated = " · ".join(f.stated) or f.value
        chart.points.append(
            ChartPoint(
                px(f.period), py(v), source.node.href, f"{f.period}: {stated} — {source.quote}"
            )
        )
    chart.line = " ".join(f"{p.cx},{p.cy}" for p in chart.points)
    chart.x_labels = [(px(p), p) for p in periods]
    chart.y_labels = [(py(hi), format_decimal(str(hi))), (py(lo), format_decimal(str(lo)))]
    return chart


__all__ = ["series_chart"]
