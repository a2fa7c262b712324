"""Press-conference rules of ``extract.relations`` (organizer, host, speaker, released-at,
according-to): what a briefing article states about its one reported event. See the
``relations`` module docstring for each rule's pattern and evidence span.
"""

from __future__ import annotations

from graph.model import Relation
from graph.pipeline.extract.relations_context import PARENTHETICAL, Ctx, rel

__all__ = ["cites", "organizers", "released", "speakers"]


# -- press conference -------------------------------------------------------------------------
def organizers(ctx: Ctx) -> list[Relation]:
    rels: list[Relation] = []
    words = ctx.words
    for sent in ctx.seg.sentences:
        folded = ctx.norm[sent.begin : sent.end]
        if not any(w in folded for w in words.joint_words):
            rels += hosts(ctx, sent.id, sent.begin, folded)
            continue
        at = [folded.find(v) for v in words.convene_verbs if v in folded]
        if not at:
            continue
        convene = sent.begin + min(at)
        ms = ctx.in_sentence(sent.id)
        events = [m for m in ms if ctx.cls(m) == "event" and m.begin > convene]
        agencies = [m for m in ms if ctx.cls(m) == "agency" and m.end <= convene]
        if not events or not agencies:
            continue
        event = events[0]
        for a in agencies:
            rels.append(
                rel(
                    event.entity_id,
                    "cqo:organizer",
                    a.entity_id,
                    agencies[0].begin,
                    event.end,
                    sent.id,
                    "organizer",
                )
            )
    return rels


def hosts(ctx: Ctx, sid: str, begin: int, folded: str) -> list[Relation]:
    """由A主辦、B承辦的<event>: the agencies right before a host verb organized the event."""
    ms = ctx.in_sentence(sid)
    events = [m for m in ms if ctx.cls(m) == "event"]
    agencies = [m for m in ms if ctx.cls(m) == "agency"]
    if not events or not any(v in folded for v in ctx.words.host_verbs):
        return []
    rels: list[Relation] = []
    i = 0
    while i < len(agencies):
        group = [agencies[i]]
        while (
            i + 1 < len(agencies)
            and ctx.norm[group[-1].end : agencies[i + 1].begin] in ctx.words.agency_joiners
        ):
            i += 1
            group.append(agencies[i])
        i += 1
        last = group[-1]
        verb = next((v for v in ctx.words.host_verbs if ctx.norm.startswith(v, last.end)), None)
        if verb is None:
            continue
        event = next((e for e in events if e.begin >= last.end), events[0])
        span = (min(group[0].begin, event.begin), max(last.end + len(verb), event.end))
        for g in group:
            rels.append(rel(event.entity_id, "cqo:organizer", g.entity_id, *span, sid, "host"))
    return rels


def speakers(ctx: Ctx, event_id: str) -> list[Relation]:
    rels: list[Relation] = []
    sections = {s.id: s for s in ctx.seg.sections}
    sentences = {s.id: s for s in ctx.seg.sentences}
    for person in (m for m in ctx.top if ctx.cls(m) == "person"):
        after = ctx.norm[person.end :].lstrip()
        verb = next((v for v in ctx.words.speech_verbs if after.startswith(v)), None)
        if verb is None:
            continue
        end = ctx.norm.index(verb, person.end) + len(verb)
        sid = person.sentence_id
        rels.append(
            rel(event_id, "cqo:speaker", person.entity_id, person.begin, end, sid, "speaker")
        )
        sent = sentences.get(sid)
        section = sections.get(sent.section_id) if sent else None
        if section is not None and section.level == 2:
            rels.append(
                rel(
                    person.entity_id,
                    "cqo:spokeAbout",
                    f"theme/{section.id}",
                    person.begin,
                    end,
                    sid,
                    "spoke-about",
                )
            )
    return rels


def released(ctx: Ctx) -> list[Relation]:
    rels: list[Relation] = []
    for d in (m for m in ctx.top if ctx.cls(m) == "document"):
        later = [
            m
            for m in ctx.top
            if m.sentence_id == d.sentence_id and m.begin >= d.end and ctx.cls(m) == "event"
        ]
        if not later:
            continue
        e = later[0]
        if PARENTHETICAL.match(ctx.text[d.end : e.begin]):
            rels.append(
                rel(
                    d.entity_id,
                    "cqo:releasedAt",
                    e.entity_id,
                    d.begin,
                    e.end,
                    d.sentence_id,
                    "press-conference-on",
                )
            )
    return rels


def cites(ctx: Ctx, citing: str) -> list[Relation]:
    rels: list[Relation] = []
    text = ctx.norm
    words = ctx.words
    for d in (m for m in ctx.top if ctx.cls(m) == "document" and m.entity_id != citing):
        before = next((w for w in words.according_to_before if text[: d.begin].endswith(w)), "")
        after = next((w for w in words.according_to_after if text.startswith(w, d.end)), "")
        if before and after:
            rels.append(
                rel(
                    citing,
                    "cqo:cites",
                    d.entity_id,
                    d.begin - len(before),
                    d.end + len(after),
                    d.sentence_id,
                    "according-to",
                )
            )
    return rels
