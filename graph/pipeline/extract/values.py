"""Value recognition: which characters of a clause state a figure, and which numbers are not
figures (each by a named rule), for text in either script.

Every pattern is built from the words of ``graph/curation/grammar.yaml``, ``units.yaml`` and
``qualifiers.yaml`` and matched on ``fold_aligned(text)`` (same length as the text, so every
offset found is an offset into the source). :mod:`graph.pipeline.extract.metrics` turns the values
into observations (indicator labels, shared statements, growth targets).

Figures
    * quantity: the number grammar of :mod:`graph.pipeline.extract.numbers` (2362萬人, 10-20個,
    約1/3,
      1,234.5萬元, 2.5億G, 68055塊/32; a range may repeat its unit: 8%至19%, and its frame
      介於…之間 is grammar), a compound Chinese-numeral count (三十一個; not 一個,
      兩項, 千家萬戶), a Chinese numeral before 萬/億 (逾兩千億元; a bare 萬 only after a
      bounding marker: 接近萬家), a fraction in words (超過三分之一; 百分之二十 = 20%) or
      tenths (超六成 = more than 60%, 三成五 = 35%, 兩成半 = 25%; read by :mod:`values_words`);
      ``累計`` before the number in its clause
      makes an otherwise unqualified figure ``cumulative``.
      A bare cell of a flattened table row (``網民規模（萬人）｜2208``) is read with the unit
      in its row header's parentheses (:mod:`values_table`): 22080000 人.
    * rank: ``第N`` / ``第N位`` / ``第N名`` (Arabic or Chinese numeral) right after a scope
      word (全國第9), after a rank verb (排名第九位, 位列第3, 首次進入), or after a ranked
      population in the same clause or an earlier one of the sentence (在全國31個省(區、市)中,
      …排名第9位: rank 9, ``rank_of`` 31, scope from the population). ``榜首`` / ``首位`` =
      rank 1; ``前十`` / ``前 10 名`` after a scope or verb = rank 10 with qualifier
      ``at-most`` (前三季度 is a period, not a rank). 第一個 / 第3家 are ordinals of things.
    * tier: ``第N梯隊``.
    * growth without a number: ``翻一番`` = 2 倍, ``翻兩番`` = 4 倍. (Growth words before a
      number, declines and 是2021年底的3倍 are read by :mod:`graph.pipeline.extract.metrics` with
      :func:`growth_word` / :func:`rate_gap` of :mod:`values_growth`, re-exported here, and
      :func:`is_multiple_of_earlier`.)

Not figures (:func:`exclusions`; the reason is what the number accounting counts)
    title (inside 《》); name (joined to Latin letters: 5G, IPv6, 10G-PON; a quotation of digits
    only: “33618”; a service number, list or version: 12345熱線, 撥打12345, 申訴受理電話12300,
    12345政務服務便民熱線, 100強, 2.0版; a bare version number 2.0; a figure naming a class:
    寬帶用戶(1000Mbps及以上), “1000Mbps及以上”用戶); list marker (``1.`` / ``2、`` / ``(3)``
    opening a line; a section number 01 before its heading); date or time (2024-10-12,
    18:08, 2023/10/12); date (2023年, 10月, 12日,
    今(12)日, the 1 of 1-9月); year (a bare 19xx/20xx with no unit); period (前10個月, 100週年);
    duration (連續3年; a rank's ``duration_years`` when a rank follows); event ordinal (第3屆);
    ordinal (第3個五年計劃); id or phone number (023-12345678, (853) 2888 1234; 7+ digits
    with no unit); enumeration count (適應力、勝任力、創造力3種能力; a document's parts:
    十個篇章); and, found with its rank, rank population
    (the 31 of 在全國31個省中排名第9).

A position with no number (位居全國前列, 第一方陣) is not a figure: :func:`vague_ranks`
returns their spans for INFO findings.
"""

from __future__ import annotations

import re
from decimal import Decimal

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import numbers, values_exclusions, values_table
from graph.pipeline.extract.grammar import alt
from graph.pipeline.extract.values_exclusions import (
    _listed_after_rank,
    counts_document_parts,
    is_top_n_name,
    list_scope,
)
from graph.pipeline.extract.values_growth import column_growth as column_growth  # re-exported
from graph.pipeline.extract.values_growth import declines as declines  # re-exported
from graph.pipeline.extract.values_growth import growth_word as growth_word  # re-exported
from graph.pipeline.extract.values_growth import rate_gap as rate_gap  # re-exported
from graph.pipeline.extract.values_patterns import (
    SP_CHARS,
    Patterns,
    Population,
    Value,
    cn_or_int,
    patterns,
)
from graph.pipeline.extract.values_words import cn_fraction, cn_fraction_re, tenths, tenths_re

# ---------------------------------------------------------------- values


def values_in(
    text: str,
    folded: str,
    begin: int,
    end: int,
    g: numbers.Grammar,
    excluded: dict[int, str],
    populations: list[Population] | None = None,
) -> list[Value]:
    """Every figure stated in ``text[begin:end]`` (one clause), sorted by position.

    ``populations`` are those of the sentence (:func:`populations`): a rank takes the
    nearest one before it.
    """
    w = gw.words()
    p = patterns()
    f = folded
    vals: list[Value] = []
    pops = populations or []
    taken: list[tuple[int, int]] = [(x.begin, x.end) for x in pops]
    floor = begin  # grammar consumed before a value never reaches into the previous value
    for m in p.rank.finditer(f, begin, end):
        if m.group("top"):
            # 在西部12個省(區、市)中位居首位: a population before 首位 is its population (and
            # its scope) as before 第N
            top_scope = list_scope(f, floor, m.start())
            top_pop = _population_before(pops, begin, m.start())
            if top_pop is not None and top_pop.used and top_scope:
                top_pop = None  # 31個省中排名第9,西部首位: a later rank with its own scope
            if top_pop is not None:
                top_pop.used = True
            vals.append(
                Value(
                    "rank",
                    m.start(),
                    m.end(),
                    _verb_start(f, floor, m.start(), w),
                    text[m.start() : m.end()],
                    Decimal(1),
                    rank=1,
                    scope=top_scope or (top_pop.scope if top_pop is not None else None),
                    rank_of=top_pop.n if top_pop is not None else None,
                )
            )
            taken.append((m.start(), m.end()))
            floor = m.end()
            continue
        if m.group("tn") is not None:
            v = _top_n(text, f, floor, m, w, p)
            if v is not None:
                vals.append(v)
                taken.append((m.start(), m.end()))
                floor = m.end()
            continue
        n_text = m.group("n")
        n = cn_or_int(n_text)
        if n is None:
            continue
        digits = ((m.start("n"), m.end("n")),) if n_text.isdigit() else ()
        if n_text.isdigit() and excluded.get(m.start("n")) == "event ordinal":
            continue
        if not n_text.isdigit() and p.event.match(f, m.end("n")):
            continue  # 第六屆: an event's ordinal, not a rank
        if p.vague.match(f, m.start()) or _counted_ordinal(f, m, w):
            taken.append((m.start(), m.end()))
            continue  # 第一方陣 (a vague position), 第一個 (the first of a kind): not ranks
        if n < 1 and not m.group("tier"):
            # 第0位 is no position: not a rank; its digits stay unused (a WARNING for review)
            taken.append((m.start(), m.end()))
            floor = m.end()
            continue
        hm = p.head.search(f, floor, m.start())
        assert hm is not None  # every group is optional: it matches at m.start() at least
        consumed = hm.start() if hm.end() > hm.start() else m.start()
        if m.group("tier"):
            vals.append(
                Value(
                    "tier",
                    m.start(),
                    m.end(),
                    consumed,
                    text[m.start() : m.end()],
                    None,
                    tier=str(n),
                    digits=digits,
                )
            )
        elif (
            hm.group("s2")
            or hm.group("s1")
            or hm.group("verb") in w.rank_verbs
            or hm.group("pop")
            or _population_before(pops, begin, m.start()) is not None
            or _listed_after_rank(f, begin, m.start(), p)
            or values_exclusions.joined_after_rank(f, m.start(), p)  # 居第7位和第14位
        ):
            scope_word = hm.group("s2") or hm.group("s1")
            scope = w.scopes.get(scope_word) if scope_word else None
            rank_of = None
            digs = digits
            pop = _population_before(pops, begin, m.start())
            if pop is not None and n > pop.n:
                pop = None  # 40個城市中排名第41: not its population (a rank cannot exceed it)
            if pop is not None and pop.used and scope_word:
                pop = None  # 31個省中排名第9,西部第二: a later rank with its own scope
            if pop is not None:
                pop.used = True
                rank_of = pop.n
                scope = scope if scope_word else pop.scope
            vals.append(
                Value(
                    "rank",
                    m.start(),
                    m.end(),
                    consumed,
                    text[m.start() : m.end()],
                    Decimal(n),
                    rank=n,
                    scope=scope,
                    digits=digs,
                    rank_of=rank_of,
                )
            )
        # else: an ordinal with no scope and no rank verb (第3章) is not a figure; its digits
        # stay unused and surface as a WARNING for review.
        taken.append((m.start(), m.end()))
        floor = m.end()
    for dm in p.doubling.finditer(f, begin, end):
        if any(b <= dm.start() < e for b, e in taken):
            continue
        vals.append(
            Value(
                "growth",
                dm.start(),
                dm.end(),
                dm.start(),
                text[dm.start() : dm.end()],
                Decimal(w.doubling[dm.group()]),
                unit=g.unit_of.get(w.doubling_unit, w.doubling_unit),
            )
        )
        taken.append((dm.start(), dm.end()))
    for fm in cn_fraction_re().finditer(f, begin, end):
        if any(b < fm.end() and fm.start() < e for b, e in taken):
            continue
        v = cn_fraction(text, fm, g, w)
        if v is not None:
            vals.append(v)
            taken.append((fm.start(), fm.end()))
    for tm in tenths_re().finditer(f, begin, end):
        if any(b < tm.end() and tm.start() < e for b, e in taken):
            continue
        vals.append(tenths(text, tm, g))
        taken.append((tm.start(), tm.end()))
    weak = g.clause_markers
    weak_re = re.compile(alt(list(weak))) if weak else None
    prev_end = begin
    for nm in sorted(numbers.find_all(text, g, begin, end, folded=f), key=lambda x: x.begin):
        if nm.digits_begin in excluded:
            continue
        if any(b <= nm.digits_begin < e for b, e in taken):
            continue
        if f.startswith(w.duration_unit, nm.digits_end) and p.duration_before.search(
            f[max(begin, nm.digits_begin - 4) : nm.digits_begin]
        ):
            continue  # 連續N年: read by the rank rule as duration_years
        mb = max(nm.match_begin, begin)
        qualifier = nm.qualifier
        if qualifier == "exact" and weak_re is not None:
            hit = None
            for wm in weak_re.finditer(f, prev_end, mb):
                hit = wm
            if hit is not None:
                qualifier = weak[hit.group()]
        prev_end = nm.end
        tail_end = -1
        if nm.value_max is not None:  # 介於8%至19%之間: the frame is grammar of the range
            head = f[begin:mb].rstrip(SP_CHARS)
            opener = next((x for x in w.range_frame_open if head.endswith(x)), "")
            if opener:
                mb = begin + len(head) - len(opener)
            rest = nm.end + (len(f[nm.end : end]) - len(f[nm.end : end].lstrip(SP_CHARS)))
            closer = next((x for x in w.range_frame_close if f.startswith(x, rest)), "")
            if opener and closer:
                tail_end = rest + len(closer)
        value, unit = nm.value, nm.unit
        if not unit and not nm.multiplier and nm.value_max is None:
            # a bare cell of a flattened table row: the row header's (萬人) is its unit
            row_unit = values_table.row_unit(f, nm.digits_begin, g)
            cell = values_table.scaled(f[nm.digits_begin : nm.digits_end], row_unit or "", g)
            if row_unit and cell is not None:
                value, unit = cell.value, cell.unit
        vals.append(
            Value(
                "quantity",
                nm.begin,
                nm.end,
                mb,
                text[nm.begin : nm.end],
                value,
                unit=unit,
                qualifier=qualifier,
                digits=nm.digit_runs,
                value_max=nm.value_max,
                tail_end=tail_end,
            )
        )
        taken.append((nm.begin, nm.end))
    for cn in numbers.find_cn_counts(text, g, begin, end, folded=f):
        if any(b < cn.end and cn.begin < e for b, e in taken):
            continue
        if counts_document_parts(f, cn.end):
            continue  # 報告的十個篇章: the report's layout, not a figure
        vals.append(
            Value(
                "quantity",
                cn.stated_start,
                cn.end,
                cn.stated_start,
                text[cn.stated_start : cn.end],
                Decimal(cn.value),
                unit=cn.unit,
                qualifier=cn.qualifier,
            )
        )
    vals.sort(key=lambda v: v.begin)
    return vals


def populations(folded: str, begin: int, end: int, excluded: dict[int, str]) -> list[Population]:
    """The ranked populations of a sentence: 在全國31個省(區、市)中 followed (in the same
    clause or a later one) by a rank. Their digits become the exclusion ``rank population``
    (the number is ``rank_of``, not a figure)."""
    p = patterns()
    w = gw.words()
    out = []
    for m in p.population.finditer(folded, begin, end):
        if not p.rank.search(folded, m.end(), end):
            if m.group("pn").isdigit() and (
                p.assessed.match(folded, m.end(), end) or p.position.match(folded, m.end(), end)
            ):
                # 對全市38個區縣的數字化發展水平進行了綜合評價: the units an assessment ranks
                # (its ranks follow in a later sentence), no figure; so are the units a
                # position is asked among (grammar.yaml rank.population_assessment and
                # rank.population_positions)
                excluded.setdefault(m.start("pn"), "rank population")
            continue  # no rank follows: an ordinary count (31個省), read as a quantity
        n = cn_or_int(m.group("pn"))
        if n is None:
            continue
        digits_begin = m.start("pn") if m.group("pn").isdigit() else None
        if digits_begin is not None:
            if digits_begin in excluded:
                continue
            excluded[digits_begin] = "rank population"
        scope = w.scopes.get(m.group("s1")) if m.group("s1") else None
        if (
            not m.group("s1")
            and n in w.national_counts
            and (m.group("noun") or m.group("bare")) in w.national_nouns
        ):
            scope = w.national_scope  # 在三十一個省份中: the nation's provinces
        out.append(Population(m.start(), m.end(), n, scope, digits_begin))
    return out


def _population_before(pops: list[Population], begin: int, pos: int) -> Population | None:
    """The nearest population before ``pos`` (in this clause or an earlier one).

    Every rank after it in the sentence is ranked in it (在全國31個省中,廣東…位居第一,
    江蘇、浙江分列第二、第三: three ranks of the 31) unless a later rank names its own
    scope (the caller drops a used population then)."""
    before = [x for x in pops if x.end <= pos]
    return before[-1] if before else None


def is_multiple_of_earlier(folded: str, begin: int, end: int) -> bool:
    """The subject of an N倍 is 是<period>的 (是2021年底的3倍): a growth, not a quantity."""
    return multiple_frame_at(folded, begin, end) == begin


def multiple_frame_at(folded: str, begin: int, end: int) -> int | None:
    """Where 是<period>的 ending the subject ``folded[begin:end]`` starts (全市智能算力规模是上年
    的2.4倍: the statistic stands before it), or None."""
    m = patterns().multiple.search(folded, begin, end)
    return m.start() if m is not None and m.end() == end else None


def _counted_ordinal(f: str, m: re.Match[str], w: gw.Words) -> bool:
    """第一個 / 第3家: an ordinal of a counted thing (全國第一個省級基金), not a rank."""
    if m.group("suffix") or m.group("tier"):
        return False
    nxt = f[m.end() : m.end() + 1]
    return bool(nxt) and nxt in w.population_measures


def _verb_start(f: str, floor: int, pos: int, w: gw.Words) -> int:
    """Start of the last rank verb before 榜首 (位居<list>榜首: the list's name is grammar
    of the rank, not part of the indicator), else ``pos``."""
    last = None
    for m in re.finditer(alt(list(w.rank_verbs)), f[floor:pos]):
        last = m
    return floor + last.start() if last is not None else pos


def _top_n(
    text: str, f: str, floor: int, m: re.Match[str], w: gw.Words, p: Patterns
) -> Value | None:
    """前十 / 前 10 名 after a scope or a (rank or 進入) verb: rank <= N."""
    hm = p.top_n_head.search(f, floor, m.start())
    if hm is None or not (hm.group("verb") or hm.group("s2") or hm.group("s1")):
        return None
    if is_top_n_name(f, m.start("tn"), m.end("tn"), w):
        return None  # 排名前100的互聯網企業: part of a name
    scope_word = hm.group("s2") or hm.group("s1")
    n = cn_or_int(m.group("tn"))
    if not n:
        return None
    tn = m.group("tn")
    return Value(
        "rank",
        m.start(),
        m.end(),
        hm.start(),
        text[m.start() : m.end()],
        Decimal(n),
        qualifier="at-most",
        rank=n,
        scope=w.scopes.get(scope_word) if scope_word else None,
        digits=((m.start("tn"), m.end("tn")),) if tn.isdigit() else (),
    )


def vague_ranks(folded: str) -> list[tuple[int, int]]:
    """Spans of positions stated without a number (位居全國前列, 進入第一方陣): INFO, not
    figures. Only right after a scope word or a rank verb, so 前列腺 is not one."""
    p = patterns()
    out = []
    for m in p.vague.finditer(folded):
        hm = p.top_n_head.search(folded, max(0, m.start() - 12), m.start())
        if hm is not None and (hm.group("verb") or hm.group("s1") or hm.group("s2")):
            out.append((m.start(), m.end()))
    return out
