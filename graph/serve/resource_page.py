"""The data of a resource page at ``GET /id/{path}``: gathered with a handful of fixed SPARQL
queries run through the server's worker pool (the same read-only store the endpoint uses, with
its timeout), into the :mod:`graph.serve.page_model` that ``templates/entity.html`` renders.

The only text spliced into a query is an IRI that has passed :func:`iri_term`: either the page
IRI, built from a path that matched :data:`PATH_RE`, or IRIs the store itself returned. What is
asked is in :mod:`graph.serve.resource_queries`; how rows become page parts in
:mod:`graph.serve.resource_parts`; this module decides what to ask, for which kind of page,
and in which order.
"""

from __future__ import annotations

from graph.serve.page_model import MAX_ROWS, Badge, Page, humanize, iri_term
from graph.serve.resource_parts import (
    Labels,
    Row,
    Runner,
    figures,
    gather_spans,
    kind_of,
    mention_groups,
    relations,
    rows_of,
    theme_members,
    uri,
)
from graph.serve.resource_queries import (
    FIGURE_PATTERNS,
    FIGURE_PROPS,
    IN_HIDDEN,
    LITERAL_HIDDEN,
    OUT_HIDDEN,
    Q_CHECKS,
    Q_DERIVED,
    Q_EXISTS,
    Q_FIGURES,
    Q_IN,
    Q_INNER,
    Q_LITERALS,
    Q_MEMBERS,
    Q_MENTIONS,
    Q_NOT_FIGURES,
    Q_OUT,
    RDF,
    SKOS,
)
from graph.serve.series import series_chart


async def gather_page(run: Runner, iri: str) -> Page | None:
    """The page for ``iri`` (already validated by :func:`resource_iri`), or None if unknown."""
    x = iri_term(iri)
    exists = await run(Q_EXISTS.format(x=x))
    if not exists.boolean:
        return None
    nodes = Labels()
    page_node = nodes(iri)

    lits = rows_of(await run(Q_LITERALS.format(x=x)))
    alt: list[str] = []
    for row in lits:
        p, o = uri(row["p"]), row["o"]
        if p == SKOS + "altLabel" and o is not None and o.value not in alt:
            alt.append(o.value)

    out_res = await run(Q_OUT.format(x=x, limit=MAX_ROWS + 1))
    truncated = len(out_res.rows) > MAX_ROWS
    types = {
        r["o"].value for r in rows_of(out_res) if r["p"] and r["p"].value == RDF + "type" and r["o"]
    }
    kind = kind_of(types)
    if len(types) > 1:
        types.discard(SKOS + "Concept")
    classes = [nodes(t) for t in sorted(types)]
    hidden_lits = LITERAL_HIDDEN["all"] | LITERAL_HIDDEN.get(kind, set())
    literals = [
        (nodes(p), o.value)
        for row in lits
        if (p := uri(row["p"])) and (o := row["o"]) is not None and p not in hidden_lits
    ]
    hidden_out = set(OUT_HIDDEN)
    if kind == "observation":
        hidden_out |= FIGURE_PROPS
    outgoing = relations(rows_of(out_res), "o", nodes, incoming=False, hidden=hidden_out, page=iri)

    in_hidden = ", ".join(IN_HIDDEN.split())
    in_res = await run(Q_IN.format(x=x, hidden=in_hidden, limit=MAX_ROWS + 1))
    truncated = truncated or len(in_res.rows) > MAX_ROWS
    incoming = relations(rows_of(in_res), "s", nodes, incoming=True, hidden=set(), page=iri)

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

    figure_rows: list[Row] = []
    pattern = FIGURE_PATTERNS.get(kind)
    if pattern is not None:
        fres = await run(Q_FIGURES.format(pattern=pattern.format(x=x), limit=MAX_ROWS + 1))
        figure_rows = rows_of(fres)
        span_iris.update(i for r in figure_rows if (i := uri(r["span"])))

    mres = await run(Q_MENTIONS.format(x=x, limit=MAX_ROWS + 1))
    mention_iris = [i for r in rows_of(mres) if (i := uri(r["span"]))]
    span_iris.update(mention_iris)

    derived_rows: list[Row] = []
    inner_iris: list[str] = []
    if kind == "span":
        span_iris.add(iri)
        dres = await run(Q_DERIVED.format(x=x, limit=MAX_ROWS + 1))
        derived_rows = rows_of(dres)
        ires = await run(Q_INNER.format(x=x, limit=MAX_ROWS + 1))
        inner_iris = [i for r in rows_of(ires) if (i := uri(r["span"]))]
        span_iris.update(inner_iris)

    spans = await gather_spans(run, span_iris, nodes)

    for rel in [*outgoing, *incoming]:
        for t in rel.targets:
            t.evidence = [spans.get(s.node.iri, s) for s in t.evidence]
    page.figures = figures(figure_rows, nodes, spans)
    page.mentions = mention_groups([spans[i] for i in mention_iris if i in spans])

    if kind == "span":
        page.span = spans.get(iri)
        page.inner_spans = sorted(
            (spans[i] for i in inner_iris if i in spans and i != iri),
            key=lambda s: (s.begin if s.begin is not None else -1, s.node.iri),
        )
        for row in derived_rows:
            d = uri(row["d"])
            if d is None:
                continue
            if row["a"] is not None and row["s"] and row["p"] and row["o"]:
                page.assertions.append(
                    (nodes(row["s"].value), nodes(row["p"].value), nodes(row["o"].value))
                )
            elif all(n.iri != d for n in page.derived):
                page.derived.append(nodes(d))
    if kind == "theme":
        tres = await run(Q_MEMBERS.format(x=x, limit=MAX_ROWS + 1))
        theme_members(page, rows_of(tres), nodes)

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


async def _series(run: Runner, x: str, page: Page, nodes: Labels) -> None:
    """The indicator's chart and check badges (two fixed queries on the page IRI)."""
    skip = {
        i
        for r in rows_of(await run(Q_NOT_FIGURES.format(x=x, limit=MAX_ROWS)))
        if (i := uri(r["obs"]))
    }
    page.chart = series_chart([f for f in page.figures if f.node.iri not in skip])
    for r in rows_of(await run(Q_CHECKS.format(x=x, limit=MAX_ROWS))):
        growth, status, comment = uri(r["growth"]), uri(r["status"]), r["comment"]
        if growth and status and comment is not None:
            page.checks.append(Badge(status.rsplit("#", 1)[-1], nodes(growth), comment.value))


__all__ = ["Runner", "gather_page"]
