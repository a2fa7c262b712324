"""Rankings stated by a list of places in order: ``排名前三位的依次是渝北區、九龍坡區和渝中區``.

No numeral is written per place, yet each place's rank is stated by its position in the list
(依次: in this order), so each becomes a rank row of its own: rank k (1, 2, 3 …), value k,
``stated_value`` the place's name as the list writes it (the span where its rank is stated),
area the place, on the statistic ranked (the clause before the rank verb or 前N:
數字經濟增加值), with the population and scope a ranked population earlier in the sentence
states (在全市38個區縣中 → ``rank_of`` 38; 全市 gives the article's city as the scope in
:mod:`period`). 前三位 itself is no figure: it counts the list's slots.

The frames (words in ``graph/curation/grammar.yaml`` ``rank.sequence``, matched on the
folded text, so one rule serves both scripts):

* a list after ``after`` (依次是, 依次為, 分列, 分別是): ``…排名前三的依次為A、B和C``;
* a list after 前N (的)(noun) and a copula (``copulas``): ``排名前三的區縣是A、B和C``;
* a list before ``before`` and 前N (``A、B和C分列前三``), the statistic then being the
  sentence's figure before it.

The list holds 2-5 names joined by 、/和/及/與 (grammar.yaml ``frames.parallel_joiners``), each
a place: an area word (``periods.yaml``: provinces, the registry's cities, Chongqing's
districts) or a place mention of the registry or of the open-world place rule (its id then is
the candidate's own). A 前N that disagrees with the number of names, or a name that is no
place, leaves the sentence as it is. Values the list is followed by (``分別達到1512億元、…``)
are paired with the places in order by :mod:`values_parallel` (:func:`ranked_places`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from graph.curation.grammar import GRAMMAR_FILE
from graph.curation.periods import rules as area_rules
from graph.curation.schema import read_yaml, word_list
from graph.model import InputError, Mention, Observation, Segmentation
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import SPACES, _clean_left
from graph.pipeline.extract.metrics_finish import _sentence_id
from graph.pipeline.extract.values_patterns import cn_or_int, patterns

SENTENCE_END = "。！？!?\n"
CLAUSE_END = SENTENCE_END + ",，;；:："
MIN_NAMES, MAX_NAMES = 2, 5


@dataclass(frozen=True, slots=True)
class SequenceWords:
    """grammar.yaml ``rank.sequence`` (folded, longest first)."""

    after: tuple[str, ...]
    before: tuple[str, ...]
    copulas: tuple[str, ...]
    verbs: tuple[str, ...]


def load_sequence_words(path: Path = GRAMMAR_FILE) -> SequenceWords:
    """Read grammar.yaml ``rank.sequence``; a missing or bad list is one ``InputError``."""
    data = read_yaml(path)
    rank = data.get("rank") if isinstance(data, dict) else None
    seq = rank.get("sequence") if isinstance(rank, dict) else None
    if not isinstance(seq, dict):
        raise InputError(f"{path.name}: rank needs a sequence mapping")
    return SequenceWords(
        *(
            word_list(path, seq, key, fold_aligned, f"rank.sequence.{key}")
            for key in ("after", "before", "copulas", "verbs")
        )
    )


@lru_cache(maxsize=1)
def sequence_words() -> SequenceWords:
    """The shipped words, loaded once per process."""
    return load_sequence_words()


@dataclass(frozen=True, slots=True)
class _Place:
    begin: int
    end: int
    area: str


def _joiners() -> tuple[str, ...]:
    return tuple(sorted(gw.frames().parallel_joiners, key=lambda w: (-len(w), w)))


def _place_at(ft: str, p: int, places: list[Mention]) -> _Place | None:
    """The longest place name starting at ``p``: an area word with an id, or a place mention."""
    r = area_rules()
    best: _Place | None = None
    m = r.area.match(ft, p)
    if m is not None and r.area_ids.get(m.group("w")):
        best = _Place(p, m.end(), str(r.area_ids[m.group("w")]))
    for x in places:
        if x.begin == p and (best is None or x.end > best.end):
            best = _Place(p, x.end, x.entity_id)
    return best


def _names(ft: str, p: int, end: int, places: list[Mention]) -> list[_Place]:
    """The joined place names from ``p`` that fill ``ft[p:end]`` up to a clause end."""
    out: list[_Place] = []
    if ft.startswith(("：", ":"), p):
        p += 1  # 依次是：A、B和C
    while True:
        while p < end and ft[p] in SPACES:
            p += 1
        place = _place_at(ft, p, places)
        if place is None:
            return []
        out.append(place)
        p = place.end
        rest = ft[p:end].lstrip(SPACES)
        if not rest or rest[0] in CLAUSE_END:
            return out if MIN_NAMES <= len(out) <= MAX_NAMES else []
        joiner = next((j for j in _joiners() if rest.startswith(j)), "")
        if not joiner:
            return []
        p = end - len(rest) + len(joiner)


def _top_n(ft: str, b: int, e: int) -> re.Match[str] | None:
    """The last 前N of ``ft[b:e]`` (digits or a Chinese numeral)."""
    w = gw.words()
    found = None
    for m in re.finditer(rf"{re.escape(w.top_n)}(?P<n>\d+|{w.cn_numeral})", ft[b:e]):
        found = m
    return found


def _statistic(text: str, ft: str, cb: int, at: int) -> tuple[int, int]:
    """The statistic ranked: the clause before the rank verb or 前N, without a ranked
    population, leading context and a trailing 的."""
    cut = at
    for verb in sequence_words().verbs:
        i = ft.find(verb, cb, at)
        if i >= 0:
            cut = min(cut, i)
    top = _top_n(ft, cb, cut)
    if top is not None:
        cut = cb + top.start()
    for m in patterns().population.finditer(ft, cb, cut):
        cb = m.end()
    lb, le = _clean_left(ft, cb, cut)
    while le > lb and ft[le - 1] in SPACES + "的":
        le -= 1
    return lb, le


_Frame = tuple[int, int, int, list[_Place]]


def _frames(ft: str, sb: int, se: int, places: list[Mention]) -> list[_Frame]:
    """(clause begin, word begin, frame end, names) of every sequence of ``ft[sb:se]``."""
    sw = sequence_words()
    w = gw.words()
    found: list[_Frame] = []
    for word in sw.after:
        for m in re.finditer(re.escape(word), ft[sb:se]):
            at = sb + m.start()
            names = _names(ft, at + len(word), se, places)
            if names and not any(f[3][0].begin == names[0].begin for f in found):
                found.append((_clause_begin(ft, sb, at), at, at + len(word), names))
    cop = "|".join(re.escape(c) for c in sw.copulas)
    top = rf"{re.escape(w.top_n)}(?P<n>\d+|{w.cn_numeral})(?:{'|'.join(w.rank_suffixes)})?"
    for m in re.finditer(rf"{top}的?[^\d,，、;；。:：]{{0,6}}?(?:{cop})", ft[sb:se]):
        at = sb + m.start()
        names = _names(ft, sb + m.end(), se, places)
        if names and not any(f[3][0].begin == names[0].begin for f in found):
            found.append((_clause_begin(ft, sb, at), at, sb + m.end(), names))
    for word in sw.before:
        for m in re.finditer(rf"{re.escape(word)}{top}", ft[sb:se]):
            at = sb + m.start()
            cb = _clause_begin(ft, sb, at)
            names = _names(ft, cb, at, places)  # the list opens its clause
            if names and not any(f[3][0].begin == names[0].begin for f in found):
                found.append((cb, at, sb + m.end(), names))
    return found


def _clause_begin(ft: str, sb: int, at: int) -> int:
    return max([sb] + [ft.rfind(ch, sb, at) + 1 for ch in CLAUSE_END])


def _count_agrees(ft: str, cb: int, end: int, n: int) -> bool:
    top = _top_n(ft, cb, end)
    return top is None or cn_or_int(top.group("n")) == n


def ranks(
    text: str,
    ft: str,
    observations: list[Observation],
    mentions: list[Mention],
    skip: list[tuple[int, int]],
    seg: Segmentation,
) -> list[Observation]:
    """``observations`` with the rank rows of every sequence added, sorted as
    :mod:`metrics_finish` sorts them, ``growth_of``/``refines`` indexes kept pointing at
    the same figures. ``skip`` are non-statement spans (headlines and credits)."""
    places = [m for m in mentions if m.entity_id.startswith("place/")]
    new: list[Observation] = []
    drop: set[int] = set()
    for sb, se in _sentences(ft):
        if any(b <= sb and se <= e for b, e in skip):
            continue
        for cb, at, we, names in _frames(ft, sb, se, places):
            if not _count_agrees(ft, cb, names[-1].end, len(names)):
                continue
            if any(
                o.value_begin < names[-1].end and names[0].begin < o.value_end for o in observations
            ):
                continue  # a figure of its own already stands there
            before_type = names[-1].end <= at
            if before_type:
                prev = [o for o in observations if sb <= o.value_begin < cb]
                if not prev:
                    continue
                label, lb = prev[-1].indicator, cb
                # A、B和C分列前三: the 前三 read as one rank is the list's
                drop |= {
                    i
                    for i, o in enumerate(observations)
                    if o.kind == "rank" and at <= o.value_begin < we
                }
            else:
                lb, le = _statistic(text, ft, cb, at)
                if le <= lb:
                    continue
                label = text[lb:le]
            pop = [m for m in patterns().population.finditer(ft, sb, at)]
            rank_of = cn_or_int(pop[-1].group("pn")) if pop else None
            scope_word = pop[-1].group("s1") if pop else None
            if scope_word is None:
                hits = [m.group() for m in patterns().list_scope.finditer(ft, cb, at)]
                scope_word = hits[-1] if hits else None
            scope = gw.words().scopes.get(scope_word) if scope_word else None
            for k, name in enumerate(names, 1):
                new.append(
                    Observation(
                        indicator=label,
                        stated_value=text[name.begin : name.end],
                        value=Decimal(k),
                        unit="",
                        qualifier="exact",
                        kind="rank",
                        begin=lb,
                        end=name.end,
                        value_begin=name.begin,
                        value_end=name.end,
                        sentence_id=_sentence_id(seg, name.begin),
                        rank=k,
                        rank_scope=scope,
                        rank_of=rank_of,
                        area=name.area,
                    )
                )
    return _merged(observations, new, drop) if new else observations


def _sentences(ft: str) -> list[tuple[int, int]]:
    out, b = [], 0
    for i, ch in enumerate(ft):
        if ch in SENTENCE_END:
            out.append((b, i))
            b = i + 1
    if b < len(ft):
        out.append((b, len(ft)))
    return out


def _merged(old: list[Observation], new: list[Observation], drop: set[int]) -> list[Observation]:
    """``old`` (sorted) without ``drop`` and ``new`` in one sorted list, indexes remapped
    (a link to a dropped figure is dropped)."""
    both = [*old, *new]
    order = sorted(
        (i for i in range(len(both)) if i not in drop),
        key=lambda i: (both[i].begin, both[i].value_begin, both[i].indicator),
    )
    pos = {i: n for n, i in enumerate(order)}
    out = []
    for i in order:
        o = both[i]
        out.append(
            replace(
                o,
                growth_of=pos.get(o.growth_of) if o.growth_of is not None else None,
                refines=pos.get(o.refines) if o.refines is not None else None,
            )
        )
    return out


def ranked_places(out: list[Observation], sent_b: int, at: int, n: int) -> list[int] | None:
    """The indexes of the ``n`` rank rows of a sequence right before ``at`` in its sentence
    (ranks 1..n, each of a place), or None: ``…依次是A、B和C,分別達到X、Y和Z`` gives the
    k-th value the k-th place and the sequence's statistic."""
    rows = sorted(
        (i for i, o in enumerate(out) if o.kind == "rank" and sent_b <= o.value_begin < at),
        key=lambda i: out[i].value_begin,
    )[-n:]
    if len(rows) != n or [out[i].rank for i in rows] != list(range(1, n + 1)):
        return None
    if len({out[i].indicator for i in rows}) != 1 or not all(
        out[i].area and not out[i].stated_value.startswith(gw.words().ordinal) for i in rows
    ):  # 第一、第二 are ranks of a 分列 parallel, not a sequence of names
        return None
    return rows
