"""Number grammar for figures written in Chinese news text, in either script.

A figure is ``[prefix marker] number [range | fraction] [余|多] [multiplier] [余|多] [unit]
[suffix marker]``, with optional spaces between the parts (``2362 萬人``, ``超 5000款``,
``10-20個``, ``約1/3``, ``1,234.5萬元``, ``500 TB``, ``2.5億G``). Units, multipliers and
qualifier markers come from ``graph/curation/units.yaml`` and ``qualifiers.yaml``, written
once (zh-Hant) and matched on the script-folded text
(:func:`graph.pipeline.extract.grammar.fold_aligned`,
one character for one character), so 萬/万 and 億/亿 are the same multiplier and every offset
is an offset into the source text. A match reports the *curated* spelling of its unit,
multiplier and markers (``個`` for 个), so both scripts give the same observation.

The value is normalized to a ``Decimal`` (never ``float``: 4567.79萬 must become exactly
45677900). Percentages stay percent numbers (74.01% -> 74.01). A range keeps its lower end
as ``value`` and its upper end as ``value_max``; a fraction is its quotient. Chinese numerals
are read by :func:`parse_cn_int` (ranks, 三十一個) and :func:`find_cn_counts`; a single
Chinese digit before a measure word (一個, 兩項) is prose, not a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from graph.curation.qualifiers import QUALIFIERS_FILE, Qualifier, load_qualifiers
from graph.curation.units import UNITS_FILE, Unit, load_units, multiplier_contexts
from graph.model import InputError as InputError  # re-exported: the loaders raise it
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract.grammar import fold_aligned

CURATION = gw.CURATION

SPACE_CHARS = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
"""Horizontal spaces that may stand inside a figure (2362 萬人): every Unicode space
separator the cleaner keeps (it never folds spaces), plus tab; never a newline. The fold
keeps each of them (NFKC would turn most into U+0020; :func:`fold_aligned` keeps one char)."""
SPACE = f"[{SPACE_CHARS}]*"
PLAIN_DIGITS = r"\d+(?:\.\d+)?"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+\.[ \u00a0\u3000]\d+|\d+(?:\.\d+)?"
"""A number: thousands-separated (1,234.5: only when every group has exactly 3 digits),
a decimal a scrape broke with one space after its point (``6. 88億``: a sentence never ends
with an ASCII point in this genre, so the digits after it are the fraction), or plain.
``,`` is also this genre's clause separator after cleaning; a comma followed by exactly three
digits and a non-digit is read as a thousands separator."""
DIGIT_RUN = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(DIGITS)


def is_thousands_comma(text: str, i: int) -> bool:
    """True when the ``,`` at ``i`` separates thousands inside one number (1,234.5), so a
    clause splitter must not cut there."""
    if text[i : i + 1] != "," or i == 0 or not text[i - 1].isdigit():
        return False
    start = i
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] == ","):
        start -= 1
    m = _THOUSANDS.match(text, start)
    return m is not None and m.end() > i


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One figure found in a text: offsets are absolute (into the text searched)."""

    begin: int  # start of the stated value (non-exact prefix marker included)
    end: int  # end of the stated value (unit and suffix marker included)
    digits_begin: int
    digits_end: int
    value: Decimal  # normalized (multiplier applied); a range's lower end
    unit: str  # curated unit surface (個 for 个), "" if none
    multiplier: str  # curated multiplier ("萬", "億", "萬億", ...) or ""
    qualifier: str  # qualifier id
    markers: tuple[str, ...]  # curated qualifier markers seen, in text order
    match_begin: int  # start including an exact marker such as 達 (grammar consumed)
    value_max: Decimal | None = None  # a range's upper end (10-20個)
    digit_runs: tuple[tuple[int, int], ...] = ()  # every digit run the figure consumed


@dataclass(frozen=True, slots=True)
class Grammar:
    units: tuple[Unit, ...]
    multipliers: dict[str, Decimal]  # curated surface -> factor
    qualifiers: tuple[Qualifier, ...]
    pattern: re.Pattern[str]  # matched on fold_aligned(text)
    unit_of: dict[str, str]  # folded unit -> curated surface
    multiplier_of: dict[str, str]  # folded multiplier -> curated surface
    marker_of: dict[str, tuple[str, str]]  # folded marker -> (curated marker, qualifier id)
    cn_pattern: re.Pattern[str]  # Chinese-numeral count (三十一個), on folded text
    # ``pattern`` without its range group: the reading when a "range" does not ascend
    # (a flattened table row 3987<TAB>-0.6%: two figures, not the interval 3987..0.6)
    plain: re.Pattern[str] | None = None
    # a Chinese numeral before a magnitude word (逾兩千億元, 三萬戶), or a bare magnitude
    # after a bounding marker (接近萬家), on folded text
    cn_magnitude: re.Pattern[str] | None = None

    def match(self, folded: str, pos: int, endpos: int | None = None) -> re.Match[str] | None:
        """``pattern.match`` at ``pos``, read without the range when its ends do not ascend."""
        end = len(folded) if endpos is None else endpos
        m = self.pattern.match(folded, pos, end)
        if m is None or not m.group("num2") or self.plain is None or _ascends(m, self):
            return m
        return self.plain.match(folded, pos, end)

    def finditer(self, folded: str, pos: int, endpos: int) -> list[re.Match[str]]:
        """Every match in ``folded[pos:endpos]``, left to right, as ``pattern.finditer`` would."""
        out = []
        while pos < endpos:
            m = self.pattern.search(folded, pos, endpos)
            if m is None:
                break
            if m.group("num2") and self.plain is not None and not _ascends(m, self):
                m = self.plain.match(folded, m.start(), endpos) or m
            out.append(m)
            pos = m.end() if m.end() > m.start() else m.start() + 1
        return out

    def qualifier_of(self, marker: str) -> str:
        """Qualifier id of a marker, in either script (達/达, 約/约)."""
        hit = self.marker_of.get(fold_aligned(marker))
        if hit is None:
            raise KeyError(marker)
        return hit[1]

    @property
    def clause_markers(self) -> dict[str, str]:
        """Folded weak (clause-level) marker -> qualifier id (累计 -> cumulative)."""
        return {fold_aligned(m): q.id for q in self.qualifiers for m in q.clause}


_alt = gw.alt


def _guarded(marker: str, not_in: tuple[str, ...]) -> str:
    """The marker's pattern, refused where it ends one of the words ``not_in`` (簽約 for 約).

    A lookbehind per word (each of fixed width), so 簽約126個 reads 126 as exact while
    約126個 and 簽約約126個 keep their 約. The words are folded like the text.
    """
    guards = "".join(
        f"(?<!{re.escape(fold_aligned(w)[: -len(marker)])})"
        for w in not_in
        if fold_aligned(w).endswith(marker) and fold_aligned(w) != marker
    )
    return guards + re.escape(marker) if guards else re.escape(marker)


@lru_cache(maxsize=4)
def grammar(units_file: Path = UNITS_FILE, qualifiers_file: Path = QUALIFIERS_FILE) -> Grammar:
    units, mults, _ = load_units(units_file)
    quals = load_qualifiers(qualifiers_file)
    w = gw.words()
    marker_of = {fold_aligned(m): (m, q.id) for q in quals for m in (*q.prefix, *q.suffix)}
    # longest first, as alt() orders words; each marker refused inside its row's not_in words
    pre_words = sorted(
        {(fold_aligned(m), q.not_in) for q in quals for m in q.prefix},
        key=lambda x: (-len(x[0]), x[0]),
    )
    pre_alt = "|".join(_guarded(m, not_in) for m, not_in in pre_words) or "(?!)"
    suffixes = [fold_aligned(m) for q in quals for m in q.suffix]
    unit_of = {fold_aligned(u.surface): u.surface for u in units}
    multiplier_of = {fold_aligned(m): m for m in mults}
    contexts = {fold_aligned(m): ws for m, ws in multiplier_contexts(units_file).items()}

    def mult_alt(folded_mults: list[str]) -> str:
        """Alternation of multipliers, longest first, each with its row's ``before`` lookahead."""
        ordered = sorted(set(folded_mults), key=lambda x: (-len(x), x))
        parts = [
            re.escape(m)
            + (f"(?={_alt([fold_aligned(b) for b in contexts[m]])})" if m in contexts else "")
            for m in ordered
        ]
        return "|".join(parts) or "(?!)"

    # 余/多 may sit between the digits and the multiplier (3000余萬) or after it (160萬余);
    # 以上-style suffixes follow the unit (90%以上). One suffix group serves every slot.
    infix = _alt([s for s in suffixes if len(s) == 1])
    all_units = _alt(list(unit_of))
    free_units = _alt([fold_aligned(u.surface) for u in units if not u.needs_multiplier])
    ranges = _alt(list(w.range_separators))
    fractions = _alt(list(w.fraction_separators))
    head = (
        rf"(?:(?P<pre>{pre_alt}){SPACE})?"
        rf"(?<![\d.])(?P<num>{DIGITS})(?![\d])"
        rf"(?:(?P<frac>{fractions})(?P<den>\d+)(?![\d.]|{fractions}))?"
    )
    range_group = (
        # a range may repeat the multiplier and unit on its lower end (8%至19%, 3萬至5萬戶)
        rf"(?:{SPACE}(?P<m1>(?!{all_units}){mult_alt(list(multiplier_of))})?{SPACE}"
        rf"(?P<u1>(?(m1)(?:{all_units})|(?:{free_units})))?"
        rf"{SPACE}(?P<rsep>{ranges}){SPACE}(?P<num2>{DIGITS})(?![\d]))?"
    )
    no_range = r"(?P<m1>(?!))?(?P<u1>(?!))?(?P<rsep>(?!))?(?P<num2>(?!))?"
    tail = (
        rf"(?P<s1>{infix})?{SPACE}"
        # a multiplier only where no unit starts (千瓦 is a unit, not 千 + 瓦)
        rf"(?P<mult>(?!{all_units}){mult_alt(list(multiplier_of))})?"
        rf"(?P<s2>{infix})?{SPACE}"
        rf"(?P<unit>(?(mult)(?:{all_units})|(?:{free_units})))?"
        rf"(?P<s3>{_alt(suffixes)})?"
    )
    pattern = re.compile(head + range_group + tail)
    plain = re.compile(head + no_range + tail)
    count_units = _alt([fold_aligned(u.surface) for u in units if u.iri.startswith("cqr:")])
    # 三十一個, 兩千多家, 三百余個, 超過兩百家: a count in Chinese numerals takes the same
    # qualifier markers as one in digits (a prefix, or 余/多 between numeral and unit)
    cn_pattern = re.compile(
        rf"(?:(?P<pre>{pre_alt}){SPACE})?"
        rf"(?<![{re.escape(w.ordinal + w.top_n + ''.join(w.numeral_not_after))}])"
        rf"(?P<cn>{w.cn_numeral}){SPACE}"
        rf"(?P<s1>{infix})?{SPACE}"
        rf"(?P<unit>{count_units})"
    )
    # 萬 / 億 / 萬億 (a magnitude that is no positional numeral: 千萬 is 千 + 萬): the
    # numeral before it may be one digit (兩億元), as the magnitude makes it a figure
    big = [m for m in multiplier_of if m[0] not in w.positions]
    cn_magnitude = re.compile(
        rf"(?:(?P<pre>{pre_alt}){SPACE})?"
        rf"(?<![{re.escape(w.ordinal + w.top_n + ''.join(w.numeral_not_after))}\d.])"
        rf"(?<![{re.escape(''.join(w.numerals) + ''.join(w.positions))}])"
        rf"(?P<cn>{w.cn_numeral})?{SPACE}"
        rf"(?P<s1>{infix})?"
        rf"(?P<mult>{mult_alt(big)})"
        rf"(?P<s2>{infix})?{SPACE}"
        rf"(?P<unit>{all_units})?"
    )
    return Grammar(
        units,
        mults,
        quals,
        pattern,
        unit_of,
        multiplier_of,
        marker_of,
        cn_pattern,
        plain,
        cn_magnitude,
    )


def _ascends(m: re.Match[str], g: Grammar) -> bool:
    """Whether a range match's upper end is above its lower end (10-20個 yes, 3987 -0.6 no)."""
    mult = g.multiplier_of[m.group("mult")] if m.group("mult") else ""
    low = g.multiplier_of[m.group("m1")] if m.group("m1") else mult
    return _scaled(m.group("num2"), mult or low, g) > _scaled(m.group("num"), low, g)


def _trim(text: str, begin: int, end: int) -> tuple[int, int]:
    """Drop spaces the optional groups swallowed at the end of a match."""
    while end > begin and text[end - 1] in SPACE_CHARS:
        end -= 1
    return begin, end


def find_all(
    text: str,
    g: Grammar | None = None,
    pos: int = 0,
    endpos: int | None = None,
    folded: str | None = None,
) -> list[NumberMatch]:
    """Every figure in ``text[pos:endpos]`` (absolute offsets); never raises on any input.

    ``folded`` is ``fold_aligned(text)`` when the caller already has it (one fold per text).
    """
    g = g or grammar()
    folded = fold_aligned(text) if folded is None else folded
    end = len(text) if endpos is None else endpos
    return [_to_match(text, m, g) for m in g.finditer(folded, pos, end)]


def _scaled(num: str, mult: str, g: Grammar) -> Decimal:
    value = Decimal(re.sub(r"[,\s]", "", num))
    if mult:
        with localcontext() as ctx:  # exact however long the digit run (no rounding at 28)
            ctx.prec = len(num) + 40
            value *= g.multipliers[mult]
    return value


def _runs(m: re.Match[str]) -> tuple[tuple[int, int], ...]:
    out = []
    for grp in ("num", "den", "u1", "num2", "unit"):  # a unit may hold digits (塊/32)
        if m.group(grp):
            base = m.start(grp)
            out += [(base + r.start(), base + r.end()) for r in DIGIT_RUN.finditer(m.group(grp))]
    return tuple(out)


def _to_match(text: str, m: re.Match[str], g: Grammar) -> NumberMatch:
    mult = g.multiplier_of[m.group("mult")] if m.group("mult") else ""
    # the lower end of a range scales by its own multiplier when it writes one (3萬至50萬)
    low_mult = g.multiplier_of[m.group("m1")] if m.group("m1") else mult
    value = _scaled(m.group("num"), low_mult, g)
    value_max = None
    if m.group("den"):
        den = Decimal(m.group("den"))
        value = value / den if den else value
    elif m.group("num2"):
        value_max = clean_decimal(_scaled(m.group("num2"), mult or low_mult, g))
    found = [m.group(x) for x in ("pre", "s1", "s2", "s3") if m.group(x)]
    markers = tuple(g.marker_of[x][0] for x in found)
    qualifier = "exact"
    for x in found:  # text order: a prefix marker wins over a suffix one
        q = g.marker_of[x][1]
        if q != "exact":
            qualifier = q
            break
    pre = m.group("pre")
    exact_pre = bool(pre) and g.marker_of[pre][1] == "exact"
    begin = m.start("num") if (not pre or exact_pre) else m.start()
    _, end = _trim(text, begin, m.end())
    unit = m.group("unit") or m.group("u1")  # 8%至19: the lower end's unit is the range's
    return NumberMatch(
        begin=begin,
        end=end,
        digits_begin=m.start("num"),
        digits_end=m.end("num"),
        value=clean_decimal(value),
        unit=g.unit_of[unit] if unit else "",
        multiplier=mult,
        qualifier=qualifier,
        markers=markers,
        match_begin=m.start(),
        value_max=value_max,
        digit_runs=_runs(m),
    )


@dataclass(frozen=True, slots=True)
class CnCount:
    """A count written in Chinese numerals (三十一個): never a digit run."""

    begin: int
    end: int
    value: int
    unit: str  # curated surface
    qualifier: str = "exact"
    stated_begin: int = -1  # where the stated figure starts (its non-exact prefix), -1 = begin

    @property
    def stated_start(self) -> int:
        return self.begin if self.stated_begin < 0 else self.stated_begin


def find_cn_counts(
    text: str,
    g: Grammar | None = None,
    pos: int = 0,
    endpos: int | None = None,
    folded: str | None = None,
) -> list[CnCount]:
    """Compound Chinese-numeral counts before a count unit (三十一個, 十二項); not 一個/兩項,
    except before 倍 (the doubling unit): 增長近兩倍 is a multiple, never prose. And
    Chinese numerals before a magnitude (:func:`find_cn_magnitudes`: 逾兩千億元, 接近萬家).

    ``folded`` is ``fold_aligned(text)`` when the caller already has it (one fold per text).
    """
    g = g or grammar()
    w = gw.words()
    folded = fold_aligned(text) if folded is None else folded
    end = len(text) if endpos is None else endpos
    out = []
    for m in g.cn_pattern.finditer(folded, pos, end):
        cn = m.group("cn")
        n = parse_cn_int(cn)
        multiple = fold_aligned(m.group("unit")) == w.doubling_unit  # 兩倍, 近三倍: a multiple
        pre = m.group("pre")
        bounded = bool(pre) and g.marker_of[pre][1] != "exact" and len(cn) == 1
        if n is None or not (gw.is_compound_cn(cn) or multiple or (bounded and cn in w.positions)):
            continue  # 近千家 / 超百人: a lone position word bounded by a marker is a count
        qualifier, stated = "exact", -1
        for x in ("pre", "s1"):  # text order: a prefix marker wins over a suffix one
            if m.group(x) and g.marker_of[m.group(x)][1] != "exact":
                qualifier = g.marker_of[m.group(x)][1]
                stated = m.start() if x == "pre" else -1
                break
        out.append(
            CnCount(m.start("cn"), m.end(), n, g.unit_of[m.group("unit")], qualifier, stated)
        )
    for big in find_cn_magnitudes(text, g, pos, end, folded):
        if not any(c.stated_start < big.end and big.stated_start < c.end for c in out):
            out.append(big)
    return sorted(out, key=lambda c: c.stated_start)


def find_cn_magnitudes(
    text: str,
    g: Grammar | None = None,
    pos: int = 0,
    endpos: int | None = None,
    folded: str | None = None,
) -> list[CnCount]:
    """Chinese numerals scaled by 萬 / 億 / 萬億: 逾兩千億元 (2e11 元, more-than), 三萬戶,
    兩千多萬人; and a bare magnitude after a bounding prefix marker: 接近萬家 (1e4 家, nearly),
    超萬人.

    Why the guards: the genre writes idioms with the same characters (千家萬戶, 萬眾一心,
    百萬雄師), so a numeral must hold a digit word (一..九, 兩), not only a position word, and
    a magnitude with no numeral is a figure only when a non-exact prefix marker bounds it
    (近萬家 is a count, 萬家燈火 is not), and so is a lone position word before it (近千萬台,
    超百萬人; 千家萬戶 is prose); two digit words side by side (兩三萬人) are a span, not a
    number.
    """
    g = g or grammar()
    w = gw.words()
    if g.cn_magnitude is None:
        return []
    folded = fold_aligned(text) if folded is None else folded
    end = len(text) if endpos is None else endpos
    out = []
    for m in g.cn_magnitude.finditer(folded, pos, end):
        cn = m.group("cn") or ""
        pre = m.group("pre")
        bounded = bool(pre) and g.marker_of[pre][1] != "exact"
        if cn:
            n = parse_cn_int(cn)
            if n is None or _spans_digits(cn, w):
                continue
            if not any(ch in w.numerals for ch in cn) and not (bounded and len(cn) == 1):
                continue  # 千家萬戶, 百萬雄師: prose; 近千萬台, 超百萬人: bounded figures
        elif not bounded:
            continue
        else:
            n = 1
        mult = g.multiplier_of[m.group("mult")]
        qualifier, stated = "exact", -1
        for x in ("pre", "s1", "s2"):  # text order: a prefix marker wins over a suffix one
            if m.group(x) and g.marker_of[m.group(x)][1] != "exact":
                qualifier = g.marker_of[m.group(x)][1]
                stated = m.start() if x == "pre" else -1
                break
        begin = m.start("cn") if cn else m.start("mult")
        unit = m.group("unit")
        _, stop = _trim(text, begin, m.end())
        out.append(
            CnCount(
                begin,
                stop,
                int(n * g.multipliers[mult]),
                g.unit_of[unit] if unit else "",
                qualifier,
                stated,
            )
        )
    return out


def _spans_digits(cn: str, w: gw.Words) -> bool:
    """兩三萬 / 二三十萬: two digit words side by side (no zero between places) state a span
    (20,000 to 30,000), not the number 23萬 a positional reading would give."""
    f = fold_aligned(cn)
    return any(
        a in w.numerals and b in w.numerals and w.numerals[a] and w.numerals[b]
        for a, b in pairwise(f)
    )


def clean_decimal(value: Decimal) -> Decimal:
    """Canonical form: no exponent, no trailing zeros (45677900.00 -> 45677900, 74.10 -> 74.1)."""
    with localcontext() as ctx:
        ctx.prec = max(28, len(value.as_tuple().digits) + 40)
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return Decimal(format(value.normalize(), "f"))


def parse_number(stated: str, g: Grammar | None = None) -> Decimal | None:
    """Normalized value of a whole stated figure ('2362萬人' -> 23620000), else None."""
    g = g or grammar()
    stated = stated.strip()
    m = g.pattern.fullmatch(fold_aligned(stated))
    if not m:
        return None
    return _to_match(stated, m, g).value


def parse_cn_int(text: str) -> int | None:
    """Chinese integers (一 .. 九千九百九十九) in either script; see :mod:`grammar`."""
    return gw.parse_cn_int(text)


def cn_numeral() -> str:
    """Regex of a Chinese numeral, folded (the digits and positions of grammar.yaml)."""
    return gw.words().cn_numeral
