"""Which numbers are not figures, each by a named rule (dates, times, phone numbers, ordinal
events, enumeration counts, numbers inside names and list markers), for
:mod:`graph.pipeline.extract.values`; and the scope a ranked list's name gives (位居<list>榜首).
"""

from __future__ import annotations

import re

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import numbers, values_compare, values_table
from graph.pipeline.extract.grammar import alt, fold_aligned
from graph.pipeline.extract.values_patterns import DIGIT_RUN, SP, SP_CHARS, Patterns, patterns

# ---------------------------------------------------------------- exclusions


def _bracket_ranges(text: str, open_ch: str, close_ch: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text):
        if ch == open_ch and start is None:
            start = i
        elif ch == close_ch and start is not None:
            out.append((start, i + 1))
            start = None
    return out


def _figure_at(folded: str, b: int, g: numbers.Grammar) -> re.Match[str] | None:
    m = g.match(folded, b)
    return m if m and m.start("num") == b else None


def exclusions(
    text: str,
    g: numbers.Grammar,
    folded: str | None = None,
    clause_seps: str = ",，、;；。",
    spaces: str = numbers.SPACE_CHARS,
) -> dict[int, str]:
    """Digit-run start -> reason, for every number that is documented as not a figure."""
    f = fold_aligned(text) if folded is None else folded
    w = gw.words()
    p = patterns()
    out: dict[int, str] = {}
    titles = _bracket_ranges(f, "《", "》")
    phones = [(m.start(), m.end()) for m in p.phone.finditer(f)]
    # 12月, and 2015年 12 月 (a month or day set off by spaces is a date all the same)
    date_after = re.compile(rf"\)?{SP}(?:{alt(list(w.date_suffixes))})")
    name_after = re.compile(rf"{SP}(?:{alt(list(w.name_suffixes))})")
    period_after = re.compile(rf"{SP}(?:{alt(list(w.period_suffixes))})")
    enum_before = re.compile(rf"(?:{alt(list(w.enumeration_before))}){SP}$")
    seps = alt(list(w.range_separators))
    date_range_after = re.compile(rf"{SP}(?:{seps}){SP}\d+{SP}(?:{alt(list(w.date_suffixes))})")
    service_before = re.compile(rf"(?:{alt(list(w.name_prefixes))}){SP}[:：]?{SP}$")
    service_name_after = re.compile(
        rf"[^\W\d_]{{0,{w.service_name_gap}}}?(?:{alt(list(w.service_names))})"
    )
    bounds = [fold_aligned(x) for q in g.qualifiers for x in q.suffix]
    class_after = re.compile(
        rf"{SP}(?:{alt(list(w.class_units))}){SP}(?:{alt(bounds)}){SP}[^\W\d_]"
    )
    bands = _class_bands(f, w)  # 18-60歲之間的網民: an age band names a class
    for m in DIGIT_RUN.finditer(f):
        b, e = m.start(), m.end()
        before, after = f[max(0, b - 2) : b], f[e : e + 6]
        fig = _figure_at(f, b, g)
        if any(tb < b < te for tb, te in titles):
            out[b] = "title"
        elif p.latin_name.search(before) or (re.match(r"[a-z]", after) and not _latin_unit(f, fig)):
            out[b] = "name (joined to Latin letters)"
        elif before.endswith("“") and after.startswith("”"):
            out[b] = "name (a quotation of digits only)"
        elif name_after.match(f, e):
            out[b] = "name (a service number, list or version)"
        elif (
            not _has_unit(fig)
            and not any(pb <= b < pe for pb, pe in phones)  # 電話023-12345678: a phone number
            and (service_before.search(f, max(0, b - 8), b) or service_name_after.match(f, e))
        ):
            out[b] = "name (a service number, list or version)"  # 撥打12345, 12300熱線
        elif _is_list_marker(f, b, e, w):
            out[b] = "list marker"
        elif _is_named_figure(f, b, fig, w):
            out[b] = "name (a figure naming a class)"  # 寬帶用戶(1000Mbps及以上)
        elif is_top_n_name(f, b, e, w) or _is_top_n_class(f, b, fig, w):
            out[b] = "name (a rank naming a class)"  # 排名前100的互聯網企業, 前10類應用
        elif (class_after.match(f, e) and not f[b - 1 : b].isdigit()) or any(
            bb <= b < be for bb, be in bands
        ):
            out[b] = "name (a figure naming a class)"  # 60歲及以上網民, 18-60歲之間的網民
        elif f[max(0, b - 4) : b].rstrip(spaces).endswith(w.formula_operators):
            out[b] = "formula"  # 占比=A÷B×100%
        elif re.match(
            r"\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}:\d{2}|\d{1,2}[时点]\d{1,2}分", f[b : b + 10]
        ) or re.search(
            r"(?:\d{4}[-/]\d{1,2}[-/]|\d{4}[-/]|\d{1,2}:|\d{1,2}[时点])$", f[max(0, b - 8) : b]
        ):
            out[b] = "date or time"  # 18:08, 18時30分 (a clock time in words)
        elif date_range_after.match(f, e):
            out[b] = "date"  # 1-9月: the first end of a range of dates
        elif period_after.match(f, e):
            out[b] = "period (N個月)"
        elif _is_counted_ordinal_digits(f, b, e, w):
            out[b] = "ordinal (第N個)"
        elif re.fullmatch(r"\d+\.0", m.group()) and not _has_unit(fig):
            out[b] = "name (a version number)"
        elif p.duration_before.search(f[max(0, b - 4) : b]) and f.startswith(w.duration_unit, e):
            out[b] = "duration (連續N年)"  # a rank's duration_years when a rank follows
        elif date_after.match(f, e):
            out[b] = "date"
        elif (
            re.fullmatch(r"(?:19|20)\d\d", m.group())
            and not _has_unit(fig)
            and values_table.row_unit(f, b, g) is None  # 1980 under (萬戶): a value, no year
        ):
            out[b] = "year"
        elif _is_event_ordinal(f, b, e, w, p):
            out[b] = "event ordinal"
        elif any(pb <= b < pe for pb, pe in phones) or (
            "." not in m.group()
            and e - b >= w.id_min_digits
            and not _has_unit(fig)
            and (fig is None or not fig.group("rsep"))
        ):
            out[b] = "id or phone number"
        elif (
            _is_enumeration_count(f, b, m.group(), clause_seps, spaces)
            or (
                enum_before.search(f, max(0, b - 6), b)
                and "." not in m.group()
                and (fig is None or not fig.group("mult"))
            )
            or (fig is not None and counts_document_parts(f, fig.end()))
        ):
            out[b] = "enumeration count"
    return out


def counts_document_parts(f: str, end: int) -> bool:
    """Whether the count ending at ``end`` counts a document's own parts (報告的十個篇章,
    分8個章節): it describes how the report is laid out, not a statistic of its place, like an
    enumeration count (grammar.yaml ``document_parts``)."""
    w = gw.words()
    return any(f.startswith(x, end) for x in w.document_parts)


def _listed_after_rank(f: str, begin: int, at: int, p: Patterns) -> bool:
    """分列第二、第三: a bare 第N opening the clause after a 、 that ends a rank continues
    that rank's list (its verb and scope stand before the first item)."""
    if f[begin:at].strip(SP_CHARS) or begin < 1 or f[begin - 1] != "、":
        return False
    return any(
        r.group("n") is not None and r.end() == begin - 1
        for r in p.rank.finditer(f, max(0, begin - 12), begin - 1)
    )


def joined_after_rank(ft: str, at: int, p: Patterns) -> bool:
    """``居第7位和第14位``: a bare 第N right after a joiner that follows a rank continues that
    rank's list (its verb and scope stand before the first item), as 分列第二、第三 does."""
    joiners = sorted(gw.frames().parallel_joiners, key=lambda w: (-len(w), w))
    head = ft[max(0, at - 4) : at].rstrip(SP_CHARS)
    word = next((w for w in joiners if head.endswith(w)), "")
    if not word:
        return False
    end = max(0, at - 4) + len(head) - len(word)
    end = len(ft[:end].rstrip(SP_CHARS))
    return any(
        r.group("n") is not None and r.end() == end
        for r in p.rank.finditer(ft, max(0, end - 12), end)
    )


def _is_list_marker(f: str, b: int, e: int, w: gw.Words) -> bool:
    """``1.`` / ``2、`` / ``(3)`` opening a line (a note or a numbered list), not a figure;
    and a section number written with a leading zero before its heading (``01 網絡基礎``,
    ``02數字經濟``): no count is written 01, so the zero marks a numbering."""
    head = b
    if re.fullmatch(r"0\d", f[b:e]) and not f[e : e + 1].isdigit():
        while head > 0 and f[head - 1] in numbers.SPACE_CHARS:
            head -= 1
        return head == 0 or f[head - 1] == "\n"
    if head > 0 and f[head - 1] == "(":
        head -= 1
        if not f.startswith(")", e):
            return False
    elif not any(f.startswith(x, e) for x in w.list_marker_after if x != ")"):
        return False
    if "." in f[b:e] or f[e + 1 : e + 2].isdigit():
        return False
    while head > 0 and f[head - 1] in numbers.SPACE_CHARS:
        head -= 1
    return head == 0 or f[head - 1] == "\n"


_NAME_BRACKETS = {"(": ")", "“": "”", "「": "」", "‘": "’"}


def _is_named_figure(f: str, b: int, fig: re.Match[str] | None, w: gw.Words) -> bool:
    """A figure with a unit that is the whole content of parentheses after a noun, or of
    quotation marks before a class noun, names a class of things (千兆寬帶用戶(1000Mbps及以上),
    “1000Mbps及以上”用戶), not a statistic; “5毫秒”城市圈 stays a figure, and so does the value
    of a comparison base in brackets (高於全市平均水平（21.8個）: grammar.yaml ``gap_bases``)."""
    if b < 1 or fig is None or not _has_unit(fig) or fig.group("pre"):
        return False
    close = _NAME_BRACKETS.get(f[b - 1])
    end = fig.end()
    while end > b and f[end - 1] in numbers.SPACE_CHARS:
        end -= 1
    if close is None or not f.startswith(close, end):
        return False
    if f[b - 1] == "(":
        if f.endswith(w.gap_bases, 0, b - 1) or values_compare.opens_compared(f, b - 1):
            return False  # 全市平均水平(21.8個), 比全國(94.0%): the compared value
        return b >= 2 and bool(re.match(r"[^\W\d_]", f[b - 2]))
    return any(f.startswith(x, end + 1) for x in w.named_class_nouns)


def is_top_n_name(f: str, b: int, e: int, w: gw.Words) -> bool:
    """``排名前100的互聯網企業``: 前N (名/位) then 的 modifies a noun, naming a class of things
    (the top hundred firms), not a rank of the statement; ``[b, e)`` is the numeral after
    前 (digits or a Chinese numeral)."""
    head = f[max(0, b - 3) : b].rstrip(SP_CHARS)
    if not head.endswith(w.top_n):
        return False
    return re.match(rf"{SP}(?:{alt(list(w.rank_suffixes))})?{SP}的", f[e:]) is not None


def _has_unit(fig: re.Match[str] | None) -> bool:
    return fig is not None and bool(
        fig.group("unit") or fig.group("mult") or fig.group("s1") or fig.group("s3")
    )


def _latin_unit(folded: str, fig: re.Match[str] | None) -> bool:
    """The Latin letters after the digits are a unit (500 TB, 2.5億G), not part of a name."""
    if fig is None or not fig.group("unit") or not re.match(r"[a-z]", fig.group("unit")):
        return False
    nxt = folded[fig.end("unit") : fig.end("unit") + 1]
    return not re.match(r"[a-z0-9\-]", nxt)


def _is_counted_ordinal_digits(f: str, b: int, e: int, w: gw.Words) -> bool:
    """第3個五年計劃: the ordinal of a counted thing, not a rank and not a count."""
    head = f[max(0, b - 3) : b].rstrip(numbers.SPACE_CHARS)
    nxt = f[e : e + 1]
    return head.endswith(w.ordinal) and bool(nxt) and nxt in w.population_measures


def _is_event_ordinal(f: str, b: int, e: int, w: gw.Words, p: Patterns) -> bool:
    head = f[max(0, b - 3) : b].rstrip(numbers.SPACE_CHARS)
    return head.endswith(w.ordinal) and bool(p.event.match(f, e))


def _is_enumeration_count(text: str, begin: int, digits: str, seps: str, spaces: str) -> bool:
    if "." in digits or begin == 0 or text[begin - 1] in seps + spaces:
        return False
    seg_start = max(text.rfind(ch, 0, begin) for ch in ",，;；。\n") + 1
    items = text[seg_start:begin].split("、")
    return len(items) >= 2 and len(items) == int(digits)


def list_scope(f: str, begin: int, end: int) -> str | None:
    """Scope of 位居<list>榜首: the first scope word in the list's name (國家 = national)."""
    w = gw.words()
    verb = max((f.rfind(x, begin, end) for x in w.rank_verbs), default=-1)
    m = patterns().list_scope.search(f, verb + 1 if verb >= 0 else begin, end)
    if not m:
        return None
    return w.list_scopes.get(m.group()) or w.scopes.get(m.group())


def _class_bands(f: str, w: gw.Words) -> list[tuple[int, int]]:
    """The spans of ranges in a class unit before a noun (``18-60歲之間的網民``, ``20至29歲
    網民``): a band of the population, part of the indicator's name, as ``60歲及以上網民`` is
    (grammar.yaml ``not_figures.class_units``); neither end is a figure."""
    band = re.compile(
        rf"(?<![\d.])\d+{SP}(?:{gw.alt(list(w.range_separators))}){SP}\d+{SP}"
        rf"(?:{gw.alt(list(w.class_units))}){SP}(?:{gw.alt(list(w.range_frame_close))})?"
        rf"{SP}(?=[^\W\d_])"
    )
    return [(m.start(), m.end()) for m in band.finditer(f)]


def _is_top_n_class(f: str, b: int, fig: re.Match[str] | None, w: gw.Words) -> bool:
    """``前10類應用`` / ``前5家企業``: 前N and a measure word before a noun name the first N of a
    class (an enumeration of which items), not a figure; ``進入全國前10名`` ends its clause
    and stays a rank."""
    if fig is None or not fig.group("unit") or fig.group("mult"):
        return False
    if f.startswith(w.period_suffixes, fig.start("unit")):
        return False  # 前10個月: a span of time (read as a period below)
    if not f[max(0, b - 3) : b].rstrip(SP_CHARS).endswith(w.top_n):
        return False
    return re.match(r"[^\W\d_]", f[fig.end() : fig.end() + 1]) is not None
