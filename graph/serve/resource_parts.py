"""Rows of the resource-page queries turned into the :mod:`graph.serve.page_model` objects:
labels (every IRI a page shows, labelled by one query at the end), spans with their sentence
and section, relations with their evidence, figure cards, mentions by section, a theme's
members. Apart from :mod:`graph.serve.resource_page`, which decides what to ask and in which
order; everything here is a function of the rows it is handed (plus the one label query and
the span query, both through the caller's runner).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from graph.serve.page_model import (
    IRIREF_SAFE,
    Figure,
    MentionGroup,
    Node,
    Page,
    Relation,
    SpanInfo,
    Target,
    format_decimal,
    iri_term,
)
from graph.serve.resource_queries import CQO, PREFIXES, Q_LABELS, Q_SPANS
from graph.sparql.results import Result, Term

ORG = PREFIXES["org"]

Runner = Callable[[str], Awaitable[Result]]
Row = dict[str, Term | None]


def to_int(t: Term | None) -> int | None:
    if t is None:
        return None
    try:
        return int(t.value)
    except ValueError:
        return None


def rows_of(res: Result) -> list[Row]:
    return [dict(zip(res.variables, row, strict=True)) for row in res.rows]


def values_of(iris: Iterable[str]) -> str:
    return " ".join(iri_term(i) for i in sorted(set(iris)) if IRIREF_SAFE.fullmatch(i))


def uri(t: Term | None) -> str | None:
    return t.value if t is not None and t.kind == "uri" else None


class Labels:
    """Collects every IRI a page shows, then labels them all with one query."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def __call__(self, iri: str) -> Node:
        node = self.nodes.get(iri)
        if node is None:
            node = self.nodes[iri] = Node(iri)
        return node

    async def fill(self, run: Runner) -> None:
        values = values_of(self.nodes)
        if not values:
            return
        res = await run(Q_LABELS.format(values=values))
        for row in sorted(rows_of(res), key=lambda r: r["l"].value if r["l"] else ""):
            x, label = uri(row["x"]), row["l"]
            if x is None or label is None or x not in self.nodes:
                continue
            node = self.nodes[x]
            lang = (label.lang or "").lower()
            if lang == "zh-hant" and not node.hant:
                node.hant = label.value
            elif lang == "zh-hans" and not node.hans:
                node.hans = label.value
            elif not node.en and (lang.startswith("en") or not lang):
                node.en = label.value


async def gather_spans(run: Runner, iris: Iterable[str], nodes: Labels) -> dict[str, SpanInfo]:
    """SpanInfo for every span IRI (one query), sections and sentences labelled later."""
    wanted = sorted(set(iris))
    out: dict[str, SpanInfo] = {}
    for i in range(0, len(wanted), 400):
        values = values_of(wanted[i : i + 400])
        if not values:
            continue
        res = await run(Q_SPANS.format(values=values))
        for row in rows_of(res):
            iri = uri(row["span"])
            if iri is None:
                continue
            info = out.get(iri)
            if info is None:
                info = out[iri] = SpanInfo(nodes(iri))
            if row["quote"] is not None:
                info.quote = row["quote"].value
            info.begin = to_int(row["b"]) if info.begin is None else info.begin
            info.end = to_int(row["e"]) if info.end is None else info.end
            info.raw_begin = to_int(row["rb"]) if info.raw_begin is None else info.raw_begin
            info.raw_end = to_int(row["re"]) if info.raw_end is None else info.raw_end
            if row["type"] is not None:
                info.is_sentence = True
            sent = uri(row["sent"])
            if sent and info.sentence is None:
                info.sentence = nodes(sent)
                info.sentence_text = row["stext"].value if row["stext"] else ""
                info.sentence_begin = to_int(row["sb"])
            sec = uri(row["sec"]) or uri(row["ssec"])
            if sec and info.section is None:
                info.section = nodes(sec)
            ref = uri(row["ref"])
            if ref and all(n.iri != ref for n in info.refers_to):
                info.refers_to.append(nodes(ref))
    for info in out.values():
        if info.sentence is None and info.is_sentence:  # a sentence is its own context
            info.sentence_text, info.sentence_begin = info.quote, info.begin
    return out


def kind_of(types: set[str]) -> str:
    if types & {CQO + c for c in ("Span", "Sentence")}:
        return "span"
    if types & {
        CQO + c for c in ("Observation", "RankObservation", "GrowthObservation", "TierObservation")
    }:
        return "observation"
    if CQO + "Theme" in types:
        return "theme"
    if CQO + "Indicator" in types:
        return "indicator"
    return "entity"


def relations(
    rows: list[Row],
    other: str,
    nodes: Labels,
    *,
    incoming: bool,
    hidden: set[str],
    page: str,
) -> list[Relation]:
    """Group (property, other end, evidence span) rows into relations, in row order."""
    by_prop: dict[str, Relation] = {}
    targets: dict[tuple[str, str], Target] = {}
    for row in rows:
        p, o = uri(row["p"]), uri(row[other])
        if p is None or o is None or p in hidden:
            continue
        rel = by_prop.get(p)
        if rel is None:
            rel = by_prop[p] = Relation(nodes(p), incoming)
        target = targets.get((p, o))
        if target is None:
            target = targets[(p, o)] = Target(nodes(o))
            rel.targets.append(target)
        span = uri(row["span"])
        if span and all(s.node.iri != span for s in target.evidence):
            target.evidence.append(SpanInfo(nodes(span)))
        for name, prop in (("postIn", ORG + "postIn"), ("heldBy", ORG + "heldBy")):
            via = uri(row[name])
            if via and via not in (o, page) and all(v.iri != via for _, v in target.via):
                target.via.append((nodes(prop), nodes(via)))
    # membership in a section is the least informative edge: it goes last
    return sorted(by_prop.values(), key=lambda r: r.prop.iri == CQO + "mentionedIn")


def figures(rows: list[Row], nodes: Labels, spans: dict[str, SpanInfo]) -> list[Figure]:
    by_obs: dict[str, Figure] = {}
    for row in rows:
        obs = uri(row["obs"])
        if obs is None:
            continue
        fig = by_obs.get(obs)
        if fig is None:
            fig = by_obs[obs] = Figure(nodes(obs))
        for attr in ("indicator", "unit", "qualifier", "scope", "area", "about"):
            col = {"indicator": "ind", "qualifier": "qual"}.get(attr, attr)
            iri = uri(row[col])
            if iri and getattr(fig, attr) is None:
                setattr(fig, attr, nodes(iri))
        stated = row["stated"]
        if stated is not None and stated.value not in fig.stated:
            fig.stated.append(stated.value)
        if row["value"] is not None and not fig.value:
            fig.value = format_decimal(row["value"].value)
        if row["rank"] is not None and not fig.rank:
            fig.rank = row["rank"].value
        if row["tier"] is not None and not fig.tier:
            fig.tier = row["tier"].value
        if row["period"] is not None and not fig.period:
            fig.period = row["period"].value
        span = uri(row["span"])
        if span and span in spans and all(s.node.iri != span for s in fig.sources):
            fig.sources.append(spans[span])
    for fig in by_obs.values():
        fig.stated.sort()
        fig.sources.sort(key=lambda s: (s.begin if s.begin is not None else -1, s.node.iri))
    return sorted(
        by_obs.values(),
        key=lambda f: (
            min((s.begin for s in f.sources if s.begin is not None), default=1 << 30),
            f.node.iri,
        ),
    )


def mention_groups(spans: list[SpanInfo]) -> list[MentionGroup]:
    """Mentions grouped by section, sections and mentions in text order."""
    ordered = sorted(spans, key=lambda s: (s.begin if s.begin is not None else -1, s.node.iri))
    groups: dict[str, MentionGroup] = {}
    for s in ordered:
        key = s.section.iri if s.section else ""
        group = groups.get(key)
        if group is None:
            group = groups[key] = MentionGroup(s.section)
        group.spans.append(s)
    return list(groups.values())


def theme_members(page: Page, rows: list[Row], nodes: Labels) -> None:
    """A theme's entities (incoming cqo:mentionedIn) grouped by class, out of the relations."""
    page.incoming = [r for r in page.incoming if r.prop.iri != CQO + "mentionedIn"]
    by_class: dict[str, list[Node]] = {}
    for row in rows:
        m, c = uri(row["m"]), uri(row["c"])
        if m is None or c is None:
            continue
        group = by_class.setdefault(c, [])
        if all(n.iri != m for n in group):
            group.append(nodes(m))
    page.members = [(nodes(c), v) for c, v in sorted(by_class.items())]


__all__ = [
    "Labels",
    "Row",
    "Runner",
    "figures",
    "gather_spans",
    "kind_of",
    "mention_groups",
    "relations",
    "rows_of",
    "theme_members",
    "to_int",
    "uri",
    "values_of",
]
