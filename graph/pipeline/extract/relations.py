"""Relations between registry entities, by small rules over mentions and the text between them.

Each ``Relation`` carries the name of its rule and the smallest span that states it. The
rules (predicate, rule name, pattern, evidence span):

``org:holds`` / ``post``
    ``<agency><title>[(兼)]<person>``, chained with 、 so that 市委網信辦主任、市委宣傳部副部長
    (兼)吳勇軍 gives two posts. Titles come from ``graph/curation/titles.yaml`` (longest
    first: 副主任 before 主任). Span: agency .. person. Also returns the ``Post`` objects.
``cqo:organizer`` / ``organizer``
    A sentence with 聯合 … 召開 … <event>: every agency mentioned before 召開 organized the
    event. Span: first agency .. event.
``cqo:speaker`` / ``speaker``
    ``<person>介紹`` or ``<person>表示`` (speech verbs of a press briefing) makes the person a
    speaker of *the reported event*: the event of the organizer rule, if there is exactly
    one. 強調 (stressed) is deliberately not a speech verb: 市委書記袁家軍強調 reports what the
    Party secretary said elsewhere. Span: person .. verb.
``cqo:spokeAbout`` / ``spoke-about``
    A speaker whose statement stands in a topical briefing section (``Section.level == 2``)
    spoke about that section's theme (object ``theme/<section id>``). Span: as speaker.
``cqo:madeBy`` / ``maker-of``
    A company mention immediately followed by a product mention (optionally via 首發 or
    an opening quote), and further products in the same quotation joined by 、 (國測時柵
    “納米直線柵、圓時柵”). Without quotes 、 ends the run, so in 賽力斯問界、阿維塔 only 問界 is
    Seres's. Span: company .. product.
``cqo:locatedIn`` / ``located-in``
    A place named in parentheses inside a longer name (國家(渝中區)…試點); these are the
    nested mentions ``extract.entities`` emits. Span: the whole name.
``cqo:operatedBy`` / ``operated-by``
    An agency mention immediately followed by a platform or project mention (國家網信辦
    網絡問卷調查), or a platform whose own name starts with an agency's name (市政府門戶網站).
    Span: the agency and the name.
``cqo:partOf`` / ``included-in``
    ``<X>[”]納入<Y>`` (X is incorporated into Y): “疆算入渝”納入國家數據基礎設施試點試驗.
``cqo:releasedAt`` / ``press-conference-on``
    ``《<document>》[(…)]<event>``: the press conference on the report released the report.
``cqo:cites`` / ``according-to``
    ``據《<document>》顯示`` in the article: the reported document (the one released at the
    reported event) cites it. The article itself is not a registry entity, so the citing
    document is the report the article is about.

Both scripts, known and unknown names: every word above is data in
``graph/curation/relations.yaml`` (titles in ``titles.yaml``), compared on the script-folded text,
and a mention's class comes from the registry or, for an open-world name, from its
``Candidate`` (``extract.candidates``), so 某廳副廳長王某表示 gives a post and a speaker even
when neither the agency nor the person is curated.

Not produced: ``org:subOrganizationOf``. The text never states that one body is part of
another (that 市委宣傳部 belongs to 市委 is encyclopedic, not in a span), and a relation
without evidence would break the evidence contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from graph.curation.registry import Entity, load_titles
from graph.model import Candidate, CleanText, Finding, Level, Mention, Post, Relation, Segmentation
from graph.pipeline.extract import relations_adjacent, relations_press
from graph.pipeline.extract.candidates_rules import Folded, fold_word
from graph.pipeline.extract.relations_context import (
    CONCURRENT,
    Ctx,
    load_words,
    rel,
    split_nested,
)

__all__ = ["STAGE", "run"]

STAGE = "extract.relations"


# -- posts ------------------------------------------------------------------------------------
def _posts(ctx: Ctx) -> tuple[list[Post], list[Relation]]:
    text = ctx.norm
    by_end = {(m.end, m.sentence_id): m for m in ctx.top if ctx.cls(m) == "agency"}
    posts: list[Post] = []
    rels: list[Relation] = []
    for person in (m for m in ctx.top if ctx.cls(m) == "person"):
        cursor = person.begin
        while True:
            head = text[:cursor]
            if conc := CONCURRENT.search(head):
                head = head[: conc.start()]
            hit = next(((f, t) for f, t in ctx.titles if head.endswith(f)), None)
            if hit is None:
                break
            folded, title = hit
            agency = by_end.get((len(head) - len(folded), person.sentence_id))
            if agency is None:
                break
            post_id = f"post/{agency.entity_id.split('/', 1)[1]}/{title.id}"
            posts.append(
                Post(
                    post_id,
                    title.label,
                    agency.entity_id,
                    person.entity_id,
                    agency.begin,
                    person.end,
                    person.sentence_id,
                )
            )
            rels.append(
                rel(
                    person.entity_id,
                    "org:holds",
                    post_id,
                    agency.begin,
                    person.end,
                    person.sentence_id,
                    "post",
                )
            )
            if agency.begin == 0 or text[agency.begin - 1] != "、":
                break
            cursor = agency.begin - 1
    return posts, rels


def _sorted(rels: Iterable[Relation]) -> list[Relation]:
    return sorted(set(rels), key=lambda r: (r.begin, r.end, r.predicate, r.subject, r.object))


def run(
    clean: CleanText,
    seg: Segmentation,
    mentions: list[Mention],
    registry: dict[str, Entity],
    titles_path: Path | None = None,
    candidates: Sequence[Candidate] = (),
    words_path: Path | None = None,
) -> tuple[list[Relation], list[Post], list[Finding]]:
    """Apply every rule; findings say when the press-conference rules found nothing.

    ``mentions`` may name ``candidates`` (open-world names) as well as registry entities.
    """
    top, nested = split_nested(mentions)
    titles = tuple(
        sorted(
            ((fold_word(t.label), t) for t in load_titles(titles_path).values()),
            key=lambda ft: (-len(ft[0]), ft[1].id),
        )
    )
    ctx = Ctx(
        clean,
        seg,
        registry,
        tuple(top),
        tuple(nested),
        titles,
        {c.id: c for c in candidates},
        load_words(words_path),
        Folded.of(clean.text).norm,
    )
    findings: list[Finding] = []

    posts, rels = _posts(ctx)
    organizers = relations_press.organizers(ctx)
    rels += organizers + relations_adjacent.makers(ctx) + relations_adjacent.located(ctx)
    rels += relations_adjacent.operated(ctx) + relations_adjacent.part_of(ctx)
    events = sorted({r.subject for r in organizers})
    if len(events) == 1:
        rels += relations_press.speakers(ctx, events[0])
        released = [r for r in relations_press.released(ctx) if r.object == events[0]]
        rels += released
        reported = sorted({r.subject for r in released})
        if len(reported) == 1:
            rels += relations_press.cites(ctx, reported[0])
    else:
        findings.append(
            Finding(
                Level.WARNING,
                STAGE,
                "no-reported-event",
                f"{len(events)} events with organizers (expected 1); speaker, releasedAt "
                "and cites rules skipped",
                clean.source_id,
            )
        )
    posts = sorted(set(posts), key=lambda p: (p.begin, p.end, p.id))
    return _sorted(rels), posts, findings
