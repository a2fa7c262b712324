"""Drafts finished into ``Observation`` objects, for :mod:`graph.pipeline.extract.metrics`.

Sorting the drafts, turning their links (``growth_of``, ``refines``) into indexes of the
sorted list, and giving each figure the entity it is ``about`` (the platform, project, company
or product mention nearest before its value in its clause, else in its counted noun, else the
previous figure's when a 、-list continues). Apart from :mod:`metrics` to keep it small.
"""

from __future__ import annotations

from graph.model import CleanText, Mention, Observation, Segmentation
from graph.pipeline.extract.metrics_clauses import ABOUT_CLASSES, SPACES, _Draft


def finish(
    clean: CleanText, seg: Segmentation, mentions: list[Mention], drafts: list[_Draft]
) -> list[Observation]:
    """The observations of ``drafts``, sorted by (begin, value_begin, indicator)."""
    order = sorted(
        range(len(drafts)),
        key=lambda i: (drafts[i].begin, drafts[i].val.begin, drafts[i].indicator),
    )
    pos = {id(drafts[i]): n for n, i in enumerate(order)}
    about_mentions = sorted(
        (m for m in mentions if m.entity_id.startswith(ABOUT_CLASSES)),
        key=lambda m: (m.begin, m.end),
    )
    out: list[Observation] = []
    previous: dict[str, tuple[int, str | None]] = {}  # sentence id -> (value end, about)
    for i in order:
        d = drafts[i]
        v = d.val
        sentence_id = _sentence_id(seg, v.begin)
        about = _about(about_mentions, d)
        prev_end, prev_about = previous.get(sentence_id, (-1, None))
        if about is None and prev_end >= 0 and _list_continuation(clean.text, prev_end, d.begin):
            about = prev_about
        previous[sentence_id] = (v.end, about)
        out.append(
            Observation(
                indicator=d.indicator,
                stated_value=v.stated,
                value=v.value,
                unit=v.unit,
                qualifier=v.qualifier,
                kind=d.kind,
                begin=d.begin,
                end=d.end,
                value_begin=v.begin,
                value_end=v.end,
                sentence_id=sentence_id,
                about=about,
                rank=v.rank,
                rank_scope=v.scope,
                growth_of=pos[id(d.growth_of)] if d.growth_of is not None else None,
                refines=pos[id(d.refines)] if d.refines is not None else None,
                tier=v.tier,
                duration_years=d.duration,
                rank_of=v.rank_of,
                value_max=v.value_max,
            )
        )
    return out


def _list_continuation(text: str, prev_end: int, begin: int) -> bool:
    """True when only an enumeration comma separates this statement from the previous one.

    ``“渝快辦”服務2637萬人、辦件量達2.7億件``: a 、-joined statement continues the list about
    the same subject, so a figure with no entity of its own measures the previous one's.
    """
    return prev_end <= begin and text[prev_end:begin].strip(SPACES) == "、"


def _sentence_id(seg: Segmentation, offset: int) -> str:
    for s in seg.sentences:
        if s.begin <= offset < s.end:
            return s.id
    return ""


def _about(mentions: list[Mention], d: _Draft) -> str | None:
    while d.about_from is not None:
        d = d.about_from
    before = [m for m in mentions if d.clause_begin <= m.begin and m.end <= d.about_end]
    if before:
        return max(before, key=lambda m: (m.end, m.begin)).entity_id
    after = [m for m in mentions if d.val.end <= m.begin and m.end <= d.right_end]
    return after[0].entity_id if after else None
