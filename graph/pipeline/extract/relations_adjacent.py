"""Rules of ``extract.relations`` between adjacent mentions (made-by, located-in,
operated-by, included-in): two names side by side, or one inside the other, state the relation.
See the ``relations`` module docstring for each rule's pattern and evidence span.
"""

from __future__ import annotations

from graph.curation.registry import match_key
from graph.model import Relation
from graph.pipeline.extract.relations_context import CLOSE_QUOTES, OPEN_QUOTES, Ctx, rel

__all__ = ["located", "makers", "operated", "part_of"]


# -- between adjacent mentions ----------------------------------------------------------------
def makers(ctx: Ctx) -> list[Relation]:
    rels: list[Relation] = []
    text = ctx.norm
    links = ("", *ctx.words.maker_links)
    for c in (m for m in ctx.top if ctx.cls(m) == "company"):
        prev, quoted = c, False
        while (p := ctx.next_mention(prev)) is not None and ctx.cls(p) == "product":
            gap = text[prev.end : p.begin]
            if prev is c:
                if gap and gap[-1] in OPEN_QUOTES:
                    quoted, gap = True, gap[:-1]
                if gap not in links:
                    break
            elif not (quoted and gap == "、"):
                break
            rels.append(
                rel(
                    p.entity_id,
                    "cqo:madeBy",
                    c.entity_id,
                    c.begin,
                    p.end,
                    c.sentence_id,
                    "maker-of",
                )
            )
            prev = p
    return rels


def located(ctx: Ctx) -> list[Relation]:
    return [
        rel(
            outer.entity_id,
            "cqo:locatedIn",
            inner.entity_id,
            outer.begin,
            outer.end,
            outer.sentence_id,
            "located-in",
        )
        for outer, inner in ctx.nested
        if ctx.cls(inner) == "place"
    ]


def operated(ctx: Ctx) -> list[Relation]:
    rels: list[Relation] = []
    for a in (m for m in ctx.top if ctx.cls(m) == "agency"):
        n = ctx.next_mention(a)
        if n is not None and n.begin == a.end and ctx.cls(n) in ("platform", "project"):
            rels.append(
                rel(
                    n.entity_id,
                    "cqo:operatedBy",
                    a.entity_id,
                    a.begin,
                    n.end,
                    a.sentence_id,
                    "operated-by",
                )
            )
    agencies = sorted(
        [
            *(
                (match_key(s), e.id)
                for e in ctx.registry.values()
                if e.cls == "agency"
                for s in e.surfaces
            ),
            *((match_key(c.label), c.id) for c in ctx.candidates.values() if c.cls == "agency"),
        ],
        key=lambda kv: (-len(kv[0]), kv[1]),
    )
    for p in (m for m in ctx.top if ctx.cls(m) == "platform"):
        key = match_key(p.surface)
        owner = next((eid for k, eid in agencies if key.startswith(k) and key != k), None)
        if owner is not None:
            rels.append(
                rel(
                    p.entity_id,
                    "cqo:operatedBy",
                    owner,
                    p.begin,
                    p.end,
                    p.sentence_id,
                    "operated-by",
                )
            )
    return rels


def part_of(ctx: Ctx) -> list[Relation]:
    rels: list[Relation] = []
    for x in (m for m in ctx.top if ctx.cls(m) in ("platform", "project")):
        y = ctx.next_mention(x)
        if y is None or ctx.cls(y) != "project":
            continue
        if ctx.norm[x.end : y.begin].lstrip(CLOSE_QUOTES) in ctx.words.included_in:
            rels.append(
                rel(
                    x.entity_id,
                    "cqo:partOf",
                    y.entity_id,
                    x.begin,
                    y.end,
                    x.sentence_id,
                    "included-in",
                )
            )
    return rels
