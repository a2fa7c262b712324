"""Clauses, figure drafts and label trimming for :mod:`graph.pipeline.extract.metrics`: a
sentence cut at its clause separators (never inside brackets or quotes, never at a thousands
comma), the draft a figure becomes before it is resolved, and the cuts that trim a label to the
measured noun phrase. Apart so the resolver and the findings read the same objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from graph.pipeline.extract import indicators, numbers, values
from graph.pipeline.extract.grammar import fold_aligned

# The figure grammar's words (scopes, rank/tier/growth words, non-figures) are data in
# graph/curation/grammar.yaml, matched on the folded text by graph.pipeline.extract.values.
# Label words (what is trimmed from an indicator label) are data in graph/curation/labels.yaml
# (graph.pipeline.extract.indicators); these few are matched on the folded text too.
CONJUNCTIONS = tuple(fold_aligned(w) for w in ("和", "及", "與"))
ABOUT_CLASSES = ("platform/", "project/", "company/", "product/")
# | (and ｜, folded): the cell separator of a flattened table; each cell is a clause
TABLE_CELL = "|"
# an uncleaned ｜ (the cleaner's NFKC makes it |) and a tab (a table pasted as text; the
# cleaner keeps tabs) separate cells as | does
OTHER_TABLE_CELLS = "｜\t"
CLAUSE_SEPS = ",，、;；。" + TABLE_CELL
OPEN_CLOSE = {"“": "”", "《": "》", "(": ")", "（": "）", "「": "」"}
QUOTES = frozenset("“「")
# a clause separator inside quotes that makes them speech (、 lists stay inside a quoted name)
SPEECH_SEPS = ",，;；"
SPACES = numbers.SPACE_CHARS

DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")


@dataclass(slots=True)
class _Clause:
    begin: int
    end: int
    sep_before: str  # the separator that opened this clause ("" at sentence start)
    has_value: bool = False


_Value = values.Value


@dataclass(slots=True)
class _Draft:
    indicator: str
    val: _Value
    kind: str
    begin: int
    end: int
    right_end: int
    clause_begin: int
    growth_of: _Draft | None = None
    refines: _Draft | None = None
    duration: int | None = None
    about_end: int = 0  # mentions in [clause_begin, about_end) may be what is measured
    about_from: _Draft | None = None  # inherited statement: measure the same entity
    extra_digits: list[tuple[int, int]] = field(default_factory=list)


def _is_speech(text: str, i: int, end: int) -> bool:
    """True when the quotation mark at ``i`` opens quoted speech, not a quoted name.

    A name in quotes (“一表申请、一网通办”, “山城通办”) is one clause: its 、 is not a list of
    figures. Speech (“过去一年,我们累计建成5G基站7.9万个,每万人拥有…”) is clauses: it is
    told apart by a clause comma or semicolon inside it, or by not closing in the sentence
    (the sentence ends at its 。 before the closing mark). Reading speech as one clause made
    a figure's label run across its commas and take the speaker or the next clause.
    """
    close = OPEN_CLOSE[text[i]]
    j = text.find(close, i + 1, end)
    if j < 0:
        return True
    return any(
        text[k] in SPEECH_SEPS and not numbers.is_thousands_comma(text, k) for k in range(i + 1, j)
    )


def _clauses(text: str, begin: int, end: int) -> list[_Clause]:
    out: list[_Clause] = []
    stack: list[str] = []
    start, sep = begin, ""
    for i in range(begin, end):
        ch = text[i]
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in QUOTES and not stack and _is_speech(text, i, end):
            continue  # quoted speech: its clauses are clauses (its marks are no name)
        elif ch in OPEN_CLOSE:
            stack.append(OPEN_CLOSE[ch])
        elif not stack and ch in CLAUSE_SEPS and not numbers.is_thousands_comma(text, i):
            out.append(_Clause(start, i, sep))
            start, sep = i + 1, ch
        elif not stack and ch in OTHER_TABLE_CELLS and text[start:i].strip(SPACES):
            # (a tab with nothing before it in its clause is layout: an indent, or after 、)
            out.append(_Clause(start, i, sep))
            start, sep = i + 1, TABLE_CELL
    out.append(_Clause(start, end, sep))
    return [c for c in out if c.end > c.begin]


def _strip(text: str, b: int, e: int) -> tuple[int, int]:
    while b < e and text[b] in SPACES:
        b += 1
    while e > b and text[e - 1] in SPACES:
        e -= 1
    return b, e


def _clean_left(ft: str, b: int, e: int) -> tuple[int, int]:
    """Trim a subject span of ``ft`` (the aligned folded text) with ``labels.yaml``."""
    rules = indicators.label_rules()
    b, e = _strip(ft, b, e)
    if rules.topic_marker:
        dui = ft.find(rules.topic_marker, b, e)
        if dui >= 0:
            b = dui + len(rules.topic_marker)
    b, e = _strip(ft, rules.opening_end(ft, b, e), e)
    # the end first: a leading pattern that drops an actor up to a marker (X已, X累计) must
    # not see the verb before the value (收入累计完成198.6亿元: 累计完成 is trailing)
    changed = True
    while changed and b < e:
        changed = False
        t = rules.trailing.suffix(ft, b, e) if rules.trailing else None
        if t and rules.ends_per_unit(ft, b, e):
            t = None  # 每萬人擁有: the verb of a per-unit rate is part of its name
        if t:
            e, changed = t[0], True
        b, e = _strip(ft, b, e)
        m = rules.leading.match(ft, b, e) if rules.leading else None
        if m:
            b, changed = m[1], True
        b, e = _strip(ft, b, e)
    return b, e


def _label(
    text: str, ft: str, left: tuple[int, int], right: tuple[int, int], limit: int = -1
) -> str:
    """The indicator label: the trimmed subject and counted noun, cut from the source.

    A light verb inside the subject (数字经济核心产业实现增加值, labels.yaml
    ``inner_light_verbs``) is cut out, so the label is the subject and its measure noun
    (数字经济核心产业增加值): the verb says the figure was reached, not what was measured.
    A generic counted noun before a selection verb (22个项目入选全国…试点, ``generic_counted``)
    takes the selection up to ``limit`` before it: 项目 alone names no statistic.
    """
    rules = indicators.label_rules()
    b, e = left
    cut = rules.inner_light_verb(ft, b, e) if e > b else None
    subject = text[b:e] if cut is None else text[b : cut[0]] + text[cut[1] : e]
    rb, re_ = right
    noun = text[rb:re_]
    if re_ > rb and ft[rb:re_] in rules.generic_counted and limit > re_:
        sb, se = _strip(ft, re_, limit)
        if se > sb and ft.startswith(rules.selection_verbs, sb):
            # (入選全國典型案例: a selection that ends in the noun names it once)
            noun = text[sb:se] + ("" if ft.endswith(ft[rb:re_], sb, se) else noun)
    return rules.without_glosses(subject + noun)  # 地區生產總值（GDP）: the term


def _clean_right(ft: str, b: int, e: int, g: numbers.Grammar) -> tuple[int, int]:
    """Trim the counted noun after a value (span of the aligned folded text ``ft``)."""
    rules = indicators.label_rules()
    b, e = _strip(ft, b, e)
    if ft.startswith(")", b):
        return b, b  # a bracketed value (比全國(94.0%)高出): what follows is none of its noun
    m = rules.right_magnitudes.match(ft, b, e) if rules.right_magnitudes else None
    if m:
        # a magnitude the number grammar did not read: it and its unit are not the name
        b = m[1]
        unit = next((u for u in _folded_units(g) if ft.startswith(u, b, e)), "")
        b += len(unit)
    m = rules.right_leading.match(ft, b, e) if rules.right_leading else None
    if m:
        b = m[1]
    stops = [i for i in (ft.find(w, b, e) for w in rules.right_stop) if i >= 0]
    if stops:
        e = min(stops)  # 23個數據中心項目納入國家算力網絡布局: the noun ends at the verb
    if b < e and ft[e - 1] in CONJUNCTIONS:
        e -= 1
    if b < e and ft[e - 1] == "中":
        e -= 1
    b, e = _strip(ft, b, e)
    if not re.search(r"[\u4e00-\u9fff]", ft[b:e]):
        return b, b
    if e - b == 1:
        return b, b  # one character right after a number is a measure word, not a name (9.6萬路)
    return b, e


def _value_first(
    ft: str, v: _Value, b: int, e: int, g: numbers.Grammar
) -> tuple[tuple[int, int], _Value] | None:
    """``8.2万个——累计建成5G基站``: the statistic of a number-first list line, or None.

    Called when the value opens its clause (no subject before it). After a value-first mark
    (labels.yaml ``value_first_marks``) the rest of the clause names what was measured, as
    a subject would before the value: it is trimmed with the subject's rules, and a clause
    qualifier word trimmed there (累计) qualifies the value, as it would before it.
    Without this the mark and the trimmed words (——累计建成) were part of the label.
    """
    after = indicators.label_rules().value_first(ft, b, e)
    if after is None:
        return None
    span = _clean_left(ft, after, e)
    if span[1] <= span[0]:
        return None
    if v.qualifier == "exact":
        hit = next((m for m in g.clause_markers if ft.find(m, after, span[0]) >= 0), None)
        if hit is not None:
            v = replace(v, qualifier=g.clause_markers[hit])
    return span, v


def _folded_units(g: numbers.Grammar) -> list[str]:
    return sorted({fold_aligned(u.surface) for u in g.units}, key=lambda u: (-len(u), u))


def _row_header(ft: str, clauses: list[_Clause], ci: int) -> tuple[int, int] | None:
    """``互聯網普及率 | 81.2% | 75.6%``: a bare cell of a flattened table row is a figure of the
    statistic named by the row's first cell (a value-less clause), or None."""
    i = ci
    while i > 0 and clauses[i].sep_before == TABLE_CELL:
        i -= 1
    if i == ci or clauses[i].has_value:
        return None
    b, e = _clean_left(ft, clauses[i].begin, clauses[i].end)
    return (b, e) if e > b else None


def _respectively(ft: str, left: tuple[int, int]) -> list[tuple[int, int]]:
    """``A和B分別達到144個、958個``: the joined names, one per value in order ([] if not so)."""
    b, e = left
    word = next((w for w in indicators.label_rules().respectively if ft.endswith(w, b, e)), "")
    if not word:
        return []
    # (相關企業占比分別接近40%和35%: one name before 分別 is the name of every value)
    e -= len(word)
    out, start = [], b
    for i in range(b, e + 1):
        if i == e or ft[i] in CONJUNCTIONS or ft[i] == "、":
            nb, ne = _clean_left(ft, start, i)
            if ne > nb:
                out.append((nb, ne))
            start = i + 1
    return out if len(out) >= 2 else out[:1]


def _shared_head(
    ft: str, clauses: list[_Clause], ci: int, right: tuple[int, int]
) -> tuple[int, int] | None:
    """``2个千亿元级、6个百亿元级数字产业集群``: the head noun a bare modifier shares, or None.

    A counted noun that is only a modifier (千亿元级, labels.yaml ``subset``) closing its
    clause, before a 、, names the head of the 、-joined counts after it: the first of them
    whose modifier (ending in the same 级 / 类 / 型) is followed by a noun gives that noun.
    Without it the first count's label is the bare modifier (or the verb before it).
    """
    rules = indicators.label_rules()
    b, e = right
    rest = _strip(ft, e, clauses[ci].end)
    if e <= b or rest[1] > rest[0] or not rules.is_subset(ft[b:e]):
        return None  # not a bare modifier, or not the end of its clause
    mark = ft[e - 1]
    for c in clauses[ci + 1 :]:
        if c.sep_before != "、":
            return None
        k = ft.rfind(mark, c.begin, c.end)
        if k < 0 or not any(ch.isdigit() for ch in ft[c.begin : k]):
            return None
        hb, he = _strip(ft, k + 1, c.end)
        if he - hb >= 2 and re.search(r"[\u4e00-\u9fff]", ft[hb:he]):
            return hb, he
    return None
