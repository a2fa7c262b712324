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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.curation.registry import CURATION_DIR, Entity, Title, load_titles, match_key, read_yaml
from graph.model import (
    Candidate,
    CleanText,
    Finding,
    InputError,
    Level,
    Mention,
    Post,
    Relation,
    Segmentation,
)
from graph.pipeline.extract.candidates import Folded

__all__ = ["RELATIONS_FILE", "STAGE", "Words", "load_words", "run"]

STAGE = "extract.relations"
RELATIONS_FILE = CURATION_DIR / "relations.yaml"
OPEN_QUOTES = '“「『"'
CLOSE_QUOTES = '”」』"'
CONCURRENT = re.compile(r"[(（]兼[)）]$")
_PARENTHETICAL = re.compile(r"^[》」”]?(?:[(（][^()（）]*[)）])?$")


@dataclass(frozen=True, slots=True)
class Words:
    """``relations.yaml`` folded (each word as it appears in the folded text), longest first."""

    speech_verbs: tuple[str, ...]
    joint_words: tuple[str, ...]
    convene_verbs: tuple[str, ...]
    host_verbs: tuple[str, ...]
    agency_joiners: tuple[str, ...]
    maker_links: tuple[str, ...]
    included_in: tuple[str, ...]
    according_to_before: tuple[str, ...]
    according_to_after: tuple[str, ...]


def _fold(word: str) -> str:
    return Folded.of(word).norm


def load_words(path: Path | None = None) -> Words:
    """Load ``relations.yaml``; ``InputError`` names the file and the key."""
    path = path or RELATIONS_FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: expected a mapping of word lists")
    lists: dict[str, tuple[str, ...]] = {}
    for key in Words.__slots__:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise InputError(f"{path.name}: {key} must be a non-empty list of strings")
        lists[key] = tuple(sorted({_fold(v) for v in value}, key=lambda w: (-len(w), w)))
    return Words(**lists)


@dataclass(frozen=True, slots=True)
class _Ctx:
    clean: CleanText
    seg: Segmentation
    registry: dict[str, Entity]
    top: tuple[Mention, ...]  # non-nested mentions, sorted
    nested: tuple[tuple[Mention, Mention], ...]  # (outer, inner)
    titles: tuple[tuple[str, Title], ...]  # (folded label, title), longest label first
    candidates: dict[str, Candidate]
    words: Words
    norm: str  # the folded text, offset for offset

    @property
    def text(self) -> str:
        return self.clean.text

    def cls(self, m: Mention) -> str:
        ent = self.registry.get(m.entity_id)
        if ent is not None:
            return ent.cls
        cand = self.candidates.get(m.entity_id)
        return cand.cls if cand is not None else m.entity_id.split("/", 1)[0]

    def in_sentence(self, sid: str) -> list[Mention]:
        return [m for m in self.top if m.sentence_id == sid]

    def next_mention(self, m: Mention) -> Mention | None:
        later = [n for n in self.top if n.begin >= m.end and n.sentence_id == m.sentence_id]
        return later[0] if later else None


def _rel(s: str, p: str, o: str, begin: int, end: int, sid: str, rule: str) -> Relation:
    return Relation(s, p, o, begin, end, sid, rule)


def _split_nested(
    mentions: Sequence[Mention],
) -> tuple[list[Mention], list[tuple[Mention, Mention]]]:
    ordered = sorted(mentions, key=lambda m: (m.begin, -m.end, m.entity_id))
    top: list[Mention] = []
    nested: list[tuple[Mention, Mention]] = []
    for m in ordered:
        outer = next((t for t in top if t.begin <= m.begin and m.end <= t.end), None)
        if outer is None:
            top.append(m)
        else:
            nested.append((outer, m))
    return top, nested


# -- posts ------------------------------------------------------------------------------------
def _posts(ctx: _Ctx) -> tuple[list[Post], list[Relation]]:
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
                _rel(
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


# -- press conference -------------------------------------------------------------------------
def _organizers(ctx: _Ctx) -> list[Relation]:
    rels: list[Relation] = []
    words = ctx.words
    for sent in ctx.seg.sentences:
        folded = ctx.norm[sent.begin : sent.end]
        if not any(w in folded for w in words.joint_words):
            rels += _hosts(ctx, sent.id, sent.begin, folded)
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
                _rel(
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


def _hosts(ctx: _Ctx, sid: str, begin: int, folded: str) -> list[Relation]:
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
            rels.append(_rel(event.entity_id, "cqo:organizer", g.entity_id, *span, sid, "host"))
    return rels


def _speakers(ctx: _Ctx, event_id: str) -> list[Relation]:
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
            _rel(event_id, "cqo:speaker", person.entity_id, person.begin, end, sid, "speaker")
        )
        sent = sentences.get(sid)
        section = sections.get(sent.section_id) if sent else None
        if section is not None and section.level == 2:
            rels.append(
                _rel(
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


def _released(ctx: _Ctx) -> list[Relation]:
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
        if _PARENTHETICAL.match(ctx.text[d.end : e.begin]):
            rels.append(
                _rel(
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


def _cites(ctx: _Ctx, citing: str) -> list[Relation]:
    rels: list[Relation] = []
    text = ctx.norm
    words = ctx.words
    for d in (m for m in ctx.top if ctx.cls(m) == "document" and m.entity_id != citing):
        before = next((w for w in words.according_to_before if text[: d.begin].endswith(w)), "")
        after = next((w for w in words.according_to_after if text.startswith(w, d.end)), "")
        if before and after:
            rels.append(
                _rel(
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


# -- between adjacent mentions ----------------------------------------------------------------
def _makers(ctx: _Ctx) -> list[Relation]:
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
                _rel(
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


def _located(ctx: _Ctx) -> list[Relation]:
    return [
        _rel(
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


def _operated(ctx: _Ctx) -> list[Relation]:
    rels: list[Relation] = []
    for a in (m for m in ctx.top if ctx.cls(m) == "agency"):
        n = ctx.next_mention(a)
        if n is not None and n.begin == a.end and ctx.cls(n) in ("platform", "project"):
            rels.append(
                _rel(
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
                _rel(
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


def _part_of(ctx: _Ctx) -> list[Relation]:
    rels: list[Relation] = []
    for x in (m for m in ctx.top if ctx.cls(m) in ("platform", "project")):
        y = ctx.next_mention(x)
        if y is None or ctx.cls(y) != "project":
            continue
        if ctx.norm[x.end : y.begin].lstrip(CLOSE_QUOTES) in ctx.words.included_in:
            rels.append(
                _rel(
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
    top, nested = _split_nested(mentions)
    titles = tuple(
        sorted(
            ((_fold(t.label), t) for t in load_titles(titles_path).values()),
            key=lambda ft: (-len(ft[0]), ft[1].id),
        )
    )
    ctx = _Ctx(
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
    organizers = _organizers(ctx)
    rels += organizers + _makers(ctx) + _located(ctx) + _operated(ctx) + _part_of(ctx)
    events = sorted({r.subject for r in organizers})
    if len(events) == 1:
        rels += _speakers(ctx, events[0])
        released = [r for r in _released(ctx) if r.object == events[0]]
        rels += released
        reported = sorted({r.subject for r in released})
        if len(reported) == 1:
            rels += _cites(ctx, reported[0])
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
