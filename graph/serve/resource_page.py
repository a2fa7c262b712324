"""The data of a resource page at ``GET /id/{path}``: gathered with a handful of fixed SPARQL
queries run through the server's worker pool (the same read-only store the endpoint uses, with
its timeout), into the :mod:`graph.serve.page_model` that ``templates/entity.html`` renders.

The only text spliced into a query is an IRI that has passed :func:`iri_term`: either the page
IRI, built from a path that matched :data:`PATH_RE`, or IRIs the store itself returned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from graph.namespaces import PREFIXES
from graph.serve.page_model import (
    IRIREF_SAFE,
    MAX_ROWS,
    Badge,
    Figure,
    MentionGroup,
    Node,
    Page,
    Relation,
    SpanInfo,
    Target,
    format_decimal,
    humanize,
    iri_term,
)
from graph.serve.series import series_chart
from graph.sparql.results import Result, Term

CQO = PREFIXES["cqo"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
ORG = PREFIXES["org"]
NIF = PREFIXES["nif"]
PROV = PREFIXES["prov"]

Runner = Callable[[str], Awaitable[Result]]


def _int(t: Term | None) -> int | None:
    if t is None:
        return None
    try:
        return int(t.value)
    except ValueError:
        return None


def _rows(res: Result) -> list[dict[str, Term | None]]:
    return [dict(zip(res.variables, row, strict=True)) for row in res.rows]


def _values(iris: Iterable[str]) -> str:
    return " ".join(iri_term(i) for i in sorted(set(iris)) if IRIREF_SAFE.fullmatch(i))


def _uri(t: Term | None) -> str | None:
    return t.value if t is not None and t.kind == "uri" else None


# ---------------------------------------------------------------- queries (fixed text)

# Incoming edges shown elsewhere on the page (or structural and numerous): not listed as relations.
_IN_HIDDEN = (
    "rdf:subject rdf:object rdf:predicate cqo:refersTo nif:sentence nif:referenceContext "
    "cqo:section prov:wasDerivedFrom cqo:about cqo:indicator qb:dataSet skos:inScheme "
    "org:heldBy"  # the inverse of org:holds, which carries the evidence
)
# Outgoing edges shown in the heading, figure or span view rather than as relations.
_OUT_HIDDEN = {
    RDF + "type",
    CQO + "section",
    NIF + "sentence",
    NIF + "referenceContext",
    PROV + "wasDerivedFrom",
    SKOS + "inScheme",
    PREFIXES["qb"] + "dataSet",
}
# Literal properties already shown by the heading, the figure card or the span view.
_LITERAL_HIDDEN = {
    "all": {RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel"},
    "observation": {CQO + p for p in ("statedValue", "value", "period", "rank", "tier")},
    "span": {NIF + "anchorOf", NIF + "beginIndex", NIF + "endIndex"}
    | {CQO + "rawBeginIndex", CQO + "rawEndIndex"},
}
_FIGURE_PROPS = {
    CQO + p for p in ("indicator", "unit", "qualifier", "rankScope", "refArea", "about", "section")
}

_Q_OUT = """SELECT ?p ?o ?postIn ?heldBy ?span WHERE {{
  {x} ?p ?o . FILTER(isIRI(?o))
  OPTIONAL {{ ?o org:postIn ?postIn }}
  OPTIONAL {{ ?o org:heldBy ?heldBy }}
  OPTIONAL {{ ?a rdf:subject {x} ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?span }}
}} ORDER BY ?p ?o ?span LIMIT {limit}"""

_Q_IN = """SELECT ?s ?p ?postIn ?heldBy ?span WHERE {{
  ?s ?p {x} . FILTER(isIRI(?s))
  FILTER(?p NOT IN ({hidden}))
  OPTIONAL {{ ?s org:postIn ?postIn }}
  OPTIONAL {{ ?s org:heldBy ?heldBy }}
  OPTIONAL {{ ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object {x} ; prov:wasDerivedFrom ?span }}
}} ORDER BY ?p ?s ?span LIMIT {limit}"""

_Q_LITERALS = """SELECT ?p ?o WHERE {{ {x} ?p ?o . FILTER(isLiteral(?o)) }} ORDER BY ?p ?o"""

_Q_EXISTS = """ASK {{ {{ {x} ?p ?o }} UNION {{ ?s ?p {x} }} }}"""

_Q_FIGURES = """SELECT ?obs ?ind ?stated ?value ?unit ?qual ?rank ?scope ?tier ?period ?area
       ?about ?span WHERE {{
  {pattern}
  ?obs cqo:indicator ?ind .
  OPTIONAL {{ ?obs cqo:statedValue ?stated }}
  OPTIONAL {{ ?obs cqo:value ?value }}
  OPTIONAL {{ ?obs cqo:unit ?unit }}
  OPTIONAL {{ ?obs cqo:qualifier ?qual }}
  OPTIONAL {{ ?obs cqo:rank ?rank }}
  OPTIONAL {{ ?obs cqo:rankScope ?scope }}
  OPTIONAL {{ ?obs cqo:tier ?tier }}
  OPTIONAL {{ ?obs cqo:period ?period }}
  OPTIONAL {{ ?obs cqo:refArea ?area }}
  OPTIONAL {{ ?obs cqo:about ?about }}
  OPTIONAL {{ ?obs prov:wasDerivedFrom ?span }}
}} ORDER BY ?ind ?obs ?span LIMIT {limit}"""

_FIGURE_PATTERNS = {
    "entity": "?obs cqo:about {x} .",
    "indicator": "?obs cqo:indicator {x} .",
    "theme": "?obs cqo:section {x} .",
    "observation": "VALUES ?obs {{ {x} }}",
}

_Q_MENTIONS = """SELECT ?span WHERE {{ ?span cqo:refersTo {x} }} ORDER BY ?span LIMIT {limit}"""

_Q_SPANS = """SELECT ?span ?quote ?b ?e ?rb ?re ?sent ?stext ?sb ?sec ?ssec ?ref ?type WHERE {{
  VALUES ?span {{ {values} }}
  OPTIONAL {{ ?span nif:anchorOf ?quote }}
  OPTIONAL {{ ?span nif:beginIndex ?b }}
  OPTIONAL {{ ?span nif:endIndex ?e }}
  OPTIONAL {{ ?span cqo:rawBeginIndex ?rb }}
  OPTIONAL {{ ?span cqo:rawEndIndex ?re }}
  OPTIONAL {{ ?span cqo:section ?sec }}
  OPTIONAL {{ ?span cqo:refersTo ?ref }}
  OPTIONAL {{ ?span a ?type FILTER(?type = cqo:Sentence) }}
  OPTIONAL {{ ?span nif:sentence ?sent .
             OPTIONAL {{ ?sent nif:anchorOf ?stext }}
             OPTIONAL {{ ?sent nif:beginIndex ?sb }}
             OPTIONAL {{ ?sent cqo:section ?ssec }} }}
}}"""

_Q_DERIVED = """SELECT ?d ?a ?s ?p ?o WHERE {{
  ?d prov:wasDerivedFrom {x} .
  OPTIONAL {{ ?d a cqo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o
             BIND(?d AS ?a) }}
}} ORDER BY ?d LIMIT {limit}"""

_Q_INNER = """SELECT ?span WHERE {{ ?span nif:sentence {x} }} ORDER BY ?span LIMIT {limit}"""

_Q_MEMBERS = (
    """SELECT ?m ?c WHERE {{ ?m cqo:mentionedIn {x} ; a ?c }} ORDER BY ?c ?m LIMIT {limit}"""
)

_Q_LABELS = """SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }}"""


# ---------------------------------------------------------------- gathering


class _Labels:
    """Collects every IRI a page shows, then labels them all with one query."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}

    def __call__(self, iri: str) -> Node:
        node = self.nodes.get(iri)
        if node is None:
            node = self.nodes[iri] = Node(iri)
        return node

    async def fill(self, run: Runner) -> None:
        values = _values(self.nodes)
        if not values:
            return
        res = await run(_Q_LABELS.format(values=values))
        for row in sorted(_rows(res), key=lambda r: r["l"].value if r["l"] else ""):
            x, label = _uri(row["x"]), row["l"]
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


async def _spans(run: Runner, iris: Iterable[str], nodes: _Labels) -> dict[str, SpanInfo]:
    """SpanInfo for every span IRI (one query), sections and sentences labelled later."""
    wanted = sorted(set(iris))
    out: dict[str, SpanInfo] = {}
    for i in range(0, len(wanted), 400):
        values = _values(wanted[i : i + 400])
        if not values:
            continue
        res = await run(_Q_SPANS.format(values=values))
        for row in _rows(res):
            iri = _uri(row["span"])
            if iri is None:
                continue
            info = out.get(iri)
            if info is None:
                info = out[iri] = SpanInfo(nodes(iri))
            if row["quote"] is not None:
                info.quote = row["quote"].value
            info.begin = _int(row["b"]) if info.begin is None else info.begin
            info.end = _int(row["e"]) if info.end is None else info.end
            info.raw_begin = _int(row["rb"]) if info.raw_begin is None else info.raw_begin
            info.raw_end = _int(row["re"]) if info.raw_end is None else info.raw_end
            if row["type"] is not None:
                info.is_sentence = True
            sent = _uri(row["sent"])
            if sent and info.sentence is None:
                info.sentence = nodes(sent)
                info.sentence_text = row["stext"].value if row["stext"] else ""
                info.sentence_begin = _int(row["sb"])
            sec = _uri(row["sec"]) or _uri(row["ssec"])
            if sec and info.section is None:
                info.section = nodes(sec)
            ref = _uri(row["ref"])
            if ref and all(n.iri != ref for n in info.refers_to):
                info.refers_to.append(nodes(ref))
    for info in out.values():
        if info.sentence is None and info.is_sentence:  # a sentence is its own context
            info.sentence_text, info.sentence_begin = info.quote, info.begin
    return out


def _kind(types: set[str]) -> str:
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


async def gather_page(run: Runner, iri: str) -> Page | None:
    """The page for ``iri`` (already validated by :func:`resource_iri`), or None if unknown."""
    x = iri_term(iri)
    exists = await run(_Q_EXISTS.format(x=x))
    if not exists.boolean:
        return None
    nodes = _Labels()
    page_node = nodes(iri)

    lits = _rows(await run(_Q_LITERALS.format(x=x)))
    alt: list[str] = []
    for row in lits:
        p, o = _uri(row["p"]), row["o"]
        if p == SKOS + "altLabel" and o is not None and o.value not in alt:
            alt.append(o.value)

    out_res = await run(_Q_OUT.format(x=x, limit=MAX_ROWS + 1))
    truncated = len(out_res.rows) > MAX_ROWS
    types = {
        r["o"].value for r in _rows(out_res) if r["p"] and r["p"].value == RDF + "type" and r["o"]
    }
    kind = _kind(types)
    if len(types) > 1:
        types.discard(SKOS + "Concept")
    classes = [nodes(t) for t in sorted(types)]
    hidden_lits = _LITERAL_HIDDEN["all"] | _LITERAL_HIDDEN.get(kind, set())
    literals = [
        (nodes(p), o.value)
        for row in lits
        if (p := _uri(row["p"])) and (o := row["o"]) is not None and p not in hidden_lits
    ]
    hidden_out = set(_OUT_HIDDEN)
    if kind == "observation":
        hidden_out |= _FIGURE_PROPS
    outgoing = _relations(_rows(out_res), "o", nodes, incoming=False, hidden=hidden_out, page=iri)

    in_hidden = ", ".join(_IN_HIDDEN.split())
    in_res = await run(_Q_IN.format(x=x, hidden=in_hidden, limit=MAX_ROWS + 1))
    truncated = truncated or len(in_res.rows) > MAX_ROWS
    incoming = _relations(_rows(in_res), "s", nodes, incoming=True, hidden=set(), page=iri)

    page = Page(
        node=page_node,
        kind=kind,
        classes=classes,
        alt_labels=alt,
        literals=literals,
        outgoing=outgoing,
        incoming=incoming,
        truncated=truncated,
    )

    span_iris: set[str] = set()
    for rel in [*outgoing, *incoming]:
        for t in rel.targets:
            span_iris.update(s.node.iri for s in t.evidence)

    figure_rows: list[dict[str, Term | None]] = []
    pattern = _FIGURE_PATTERNS.get(kind)
    if pattern is not None:
        fres = await run(_Q_FIGURES.format(pattern=pattern.format(x=x), limit=MAX_ROWS + 1))
        figure_rows = _rows(fres)
        span_iris.update(i for r in figure_rows if (i := _uri(r["span"])))

    mres = await run(_Q_MENTIONS.format(x=x, limit=MAX_ROWS + 1))
    mention_iris = [i for r in _rows(mres) if (i := _uri(r["span"]))]
    span_iris.update(mention_iris)

    derived_rows: list[dict[str, Term | None]] = []
    inner_iris: list[str] = []
    if kind == "span":
        span_iris.add(iri)
        dres = await run(_Q_DERIVED.format(x=x, limit=MAX_ROWS + 1))
        derived_rows = _rows(dres)
        ires = await run(_Q_INNER.format(x=x, limit=MAX_ROWS + 1))
        inner_iris = [i for r in _rows(ires) if (i := _uri(r["span"]))]
        span_iris.update(inner_iris)

    spans = await _spans(run, span_iris, nodes)

    for rel in [*outgoing, *incoming]:
        for t in rel.targets:
            t.evidence = [spans.get(s.node.iri, s) for s in t.evidence]
    page.figures = _figures(figure_rows, nodes, spans)
    page.mentions = _mention_groups([spans[i] for i in mention_iris if i in spans])

    if kind == "span":
        page.span = spans.get(iri)
        page.inner_spans = sorted(
            (spans[i] for i in inner_iris if i in spans and i != iri),
            key=lambda s: (s.begin if s.begin is not None else -1, s.node.iri),
        )
        for row in derived_rows:
            d = _uri(row["d"])
            if d is None:
                continue
            if row["a"] is not None and row["s"] and row["p"] and row["o"]:
                page.assertions.append(
                    (nodes(row["s"].value), nodes(row["p"].value), nodes(row["o"].value))
                )
            elif all(n.iri != d for n in page.derived):
                page.derived.append(nodes(d))
    if kind == "theme":
        tres = await run(_Q_MEMBERS.format(x=x, limit=MAX_ROWS + 1))
        _members(page, _rows(tres), nodes)

    if kind == "indicator":
        await _series(run, x, page, nodes)

    await nodes.fill(run)
    props = [n for n, _ in literals]
    for rel in (*page.outgoing, *page.incoming):
        props.append(rel.prop)
        props.extend(p for t in rel.targets for p, _ in t.via)
    for prop in props:
        if prop.names == [prop.short]:
            prop.en = humanize(prop.iri)
    if page.span is not None and page.node.names == [page.node.short] and page.span.quote:
        page.node.hant = page.span.quote  # a span is best named by what it quotes
    for _, members in page.members:  # by label, which is only known now
        members.sort(key=lambda n: n.name)
    return page


def _relations(
    rows: list[dict[str, Term | None]],
    other: str,
    nodes: _Labels,
    *,
    incoming: bool,
    hidden: set[str],
    page: str,
) -> list[Relation]:
    """Group (property, other end, evidence span) rows into relations, in row order."""
    by_prop: dict[str, Relation] = {}
    targets: dict[tuple[str, str], Target] = {}
    for row in rows:
        p, o = _uri(row["p"]), _uri(row[other])
        if p is None or o is None or p in hidden:
            continue
        rel = by_prop.get(p)
        if rel is None:
            rel = by_prop[p] = Relation(nodes(p), incoming)
        target = targets.get((p, o))
        if target is None:
            target = targets[(p, o)] = Target(nodes(o))
            rel.targets.append(target)
        span = _uri(row["span"])
        if span and all(s.node.iri != span for s in target.evidence):
            target.evidence.append(SpanInfo(nodes(span)))
        for name, prop in (("postIn", ORG + "postIn"), ("heldBy", ORG + "heldBy")):
            via = _uri(row[name])
            if via and via not in (o, page) and all(v.iri != via for _, v in target.via):
                target.via.append((nodes(prop), nodes(via)))
    # membership in a section is the least informative edge: it goes last
    return sorted(by_prop.values(), key=lambda r: r.prop.iri == CQO + "mentionedIn")


def _figures(
    rows: list[dict[str, Term | None]], nodes: _Labels, spans: dict[str, SpanInfo]
) -> list[Figure]:
    figures: dict[str, Figure] = {}
    for row in rows:
        obs = _uri(row["obs"])
        if obs is None:
            continue
        fig = figures.get(obs)
        if fig is None:
            fig = figures[obs] = Figure(nodes(obs))
        for attr in ("indicator", "unit", "qualifier", "scope", "area", "about"):
            col = {"indicator": "ind", "qualifier": "qual"}.get(attr, attr)
            iri = _uri(row[col])
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
        span = _uri(row["span"])
        if span and span in spans and all(s.node.iri != span for s in fig.sources):
            fig.sources.append(spans[span])
    for fig in figures.values():
        fig.stated.sort()
        fig.sources.sort(key=lambda s: (s.begin if s.begin is not None else -1, s.node.iri))
    return sorted(
        figures.values(),
        key=lambda f: (
            min((s.begin for s in f.sources if s.begin is not None), default=1 << 30),
            f.node.iri,
        ),
    )


def _mention_groups(spans: list[SpanInfo]) -> list[MentionGroup]:
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


def _members(page: Page, rows: list[dict[str, Term | None]], nodes: _Labels) -> None:
    """A theme's entities (incoming cqo:mentionedIn) grouped by class, out of the relations."""
    page.incoming = [r for r in page.incoming if r.prop.iri != CQO + "mentionedIn"]
    by_class: dict[str, list[Node]] = {}
    for row in rows:
        m, c = _uri(row["m"]), _uri(row["c"])
        if m is None or c is None:
            continue
        group = by_class.setdefault(c, [])
        if all(n.iri != m for n in group):
            group.append(nodes(m))
    page.members = [(nodes(c), v) for c, v in sorted(by_class.items())]


# ---------------------------------------------------------------- indicator series (issue 10)

_Q_NOT_FIGURES = """SELECT DISTINCT ?obs WHERE {{
  ?obs cqo:indicator {x} ; a ?c .
  VALUES ?c {{ cqo:GrowthObservation cqo:RankObservation cqo:TierObservation }}
}} ORDER BY ?obs LIMIT {limit}"""

_Q_CHECKS = """SELECT ?check ?growth ?status ?comment WHERE {{
  ?check a cqo:ConsistencyCheck ; cqo:checks ?growth ; cqo:status ?status ; rdfs:comment ?comment .
  ?growth cqo:indicator {x} .
}} ORDER BY ?growth ?check LIMIT {limit}"""


async def _series(run: Runner, x: str, page: Page, nodes: _Labels) -> None:
    """The indicator's chart and check badges (two fixed queries on the page IRI)."""
    skip = {
        i
        for r in _rows(await run(_Q_NOT_FIGURES.format(x=x, limit=MAX_ROWS)))
        if (i := _uri(r["obs"]))
    }
    page.chart = series_chart([f for f in page.figures if f.node.iri not in skip])
    for r in _rows(await run(_Q_CHECKS.format(x=x, limit=MAX_ROWS))):
        growth, status, comment = _uri(r["growth"]), _uri(r["status"]), r["comment"]
        if growth and status and comment is not None:
            page.checks.append(Badge(status.rsplit("#", 1)[-1], nodes(growth), comment.value))


__all__ = ["Runner", "gather_page"]
