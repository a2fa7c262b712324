"""Number grammar for figures written in Chinese news text.

A figure is ``[prefix marker] digits [余|多] [萬|億|萬億] [余|多] [unit] [suffix marker]``,
with optional spaces between the parts (the report writes ``2362 萬人`` and ``超 5000款``).
Units, multipliers and qualifier markers come from ``graph/curation/units.yaml`` and
``graph/curation/qualifiers.yaml`` so a new article needs a data change, not a code change.

The value is normalized to a ``Decimal`` (never ``float``: 4567.79萬 must become exactly
45677900). Percentages stay percent numbers (74.01% -> 74.01). Chinese numerals are read
only by :func:`parse_cn_int`, which the rank/tier rules call for ``第一``; anywhere else in
this genre they are parts of names (一網兩線, 天目一號, 二十大).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache
from pathlib import Path

import yaml

from graph.model import InputError

CURATION = Path(__file__).resolve().parent.parent / "curation"
UNITS_FILE = CURATION / "units.yaml"
QUALIFIERS_FILE = CURATION / "qualifiers.yaml"

SPACE_CHARS = " \t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
"""Horizontal spaces that may stand inside a figure (2362 萬人): every Unicode space
separator the cleaner keeps (it never folds spaces), plus tab; never a newline."""
SPACE = f"[{SPACE_CHARS}]*"
DIGITS = r"\d+(?:\.\d+)?"


@dataclass(frozen=True, slots=True)
class Unit:
    surface: str
    iri: str
    zh: str
    en: str
    general: bool = False


@dataclass(frozen=True, slots=True)
class Qualifier:
    id: str
    zh: str
    en: str
    definition: str
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    general: bool = False


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """One figure found in a text: offsets are absolute (into the text searched)."""

    begin: int  # start of the stated value (non-exact prefix marker included)
    end: int  # end of the stated value (unit and suffix marker included)
    digits_begin: int
    digits_end: int
    value: Decimal  # normalized (multiplier applied)
    unit: str  # surface unit, "" if none
    multiplier: str  # "萬", "億", "萬億" or ""
    qualifier: str  # qualifier id
    markers: tuple[str, ...]  # qualifier markers seen, in text order
    match_begin: int  # start including an exact marker such as 達 (grammar consumed)


@dataclass(frozen=True, slots=True)
class Grammar:
    units: tuple[Unit, ...]
    multipliers: dict[str, Decimal]
    qualifiers: tuple[Qualifier, ...]
    pattern: re.Pattern[str]

    def qualifier_of(self, marker: str) -> str:
        for q in self.qualifiers:
            if marker in q.prefix or marker in q.suffix:
                return q.id
        raise KeyError(marker)


def _load_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}: cannot read ({exc})") from exc


def load_units(path: Path = UNITS_FILE) -> tuple[tuple[Unit, ...], dict[str, Decimal], set[str]]:
    """Units, multipliers and the set of multipliers marked ``general``."""
    data = _load_yaml(path)
    if not isinstance(data, dict) or "units" not in data or "multipliers" not in data:
        raise InputError(f"{path.name}: expected mappings 'units' and 'multipliers'")
    units = []
    for row in data["units"]:
        try:
            units.append(
                Unit(
                    str(row["surface"]),
                    str(row["iri"]),
                    str(row["zh"]),
                    str(row["en"]),
                    bool(row.get("general", False)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path.name}: unit row {row!r} lacks {exc}") from exc
    mults: dict[str, Decimal] = {}
    general: set[str] = set()
    for row in data["multipliers"]:
        try:
            mults[str(row["surface"])] = Decimal(str(row["factor"]))
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise InputError(f"{path.name}: bad multiplier row {row!r}") from exc
        if row.get("general"):
            general.add(str(row["surface"]))
    return tuple(units), mults, general


def load_qualifiers(path: Path = QUALIFIERS_FILE) -> tuple[Qualifier, ...]:
    data = _load_yaml(path)
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of qualifier rows")
    rows = []
    for row in data:
        try:
            rows.append(
                Qualifier(
                    str(row["id"]),
                    str(row["zh"]),
                    str(row["en"]),
                    str(row["definition"]),
                    tuple(str(m) for m in row.get("prefix") or ()),
                    tuple(str(m) for m in row.get("suffix") or ()),
                    bool(row.get("general", False)),
                )
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path.name}: qualifier row {row!r} lacks {exc}") from exc
    return tuple(rows)


def _alt(words: list[str]) -> str:
    """Regex alternation, longest first so 及以上 wins over 以上 and 人次 over 人."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def grammar(units_file: Path = UNITS_FILE, qualifiers_file: Path = QUALIFIERS_FILE) -> Grammar:
    units, mults, _ = load_units(units_file)
    quals = load_qualifiers(qualifiers_file)
    prefixes = [m for q in quals for m in q.prefix]
    suffixes = [m for q in quals for m in q.suffix]
    # 余/多 may sit between the digits and the multiplier (3000余萬) or after it (160萬余);
    # 以上-style suffixes follow the unit (90%以上). One suffix group serves every slot.
    infix = _alt([s for s in suffixes if len(s) == 1]) or "(?!)"
    unit_alt = _alt([u.surface for u in units])
    pattern = re.compile(
        rf"(?:(?P<pre>{_alt(prefixes)}){SPACE})?"
        rf"(?<![\d.])(?P<num>{DIGITS})(?![\d])"
        rf"(?P<s1>{infix})?{SPACE}"
        rf"(?P<mult>{_alt(list(mults))})?"
        rf"(?P<s2>{infix})?{SPACE}"
        rf"(?P<unit>{unit_alt})?"
        rf"(?P<s3>{_alt(suffixes)})?"
    )
    return Grammar(units, mults, quals, pattern)


def _trim(text: str, begin: int, end: int) -> tuple[int, int]:
    """Drop spaces the optional groups swallowed at the end of a match."""
    while end > begin and text[end - 1] in SPACE_CHARS:
        end -= 1
    return begin, end


def match_at(text: str, pos: int, g: Grammar | None = None) -> NumberMatch | None:
    """The figure whose digits start at ``pos`` (with any prefix marker before it)."""
    g = g or grammar()
    # Look back for a prefix marker: try every start a few characters before the digits.
    for start in range(max(0, pos - 6), pos + 1):
        m = g.pattern.match(text, start)
        if m and m.start("num") == pos:
            return _to_match(text, m, g)
    return None


def find_all(
    text: str, g: Grammar | None = None, pos: int = 0, endpos: int | None = None
) -> list[NumberMatch]:
    """Every figure in ``text[pos:endpos]`` (absolute offsets); never raises on any input."""
    g = g or grammar()
    end = len(text) if endpos is None else endpos
    return [_to_match(text, m, g) for m in g.pattern.finditer(text, pos, end)]


def _to_match(text: str, m: re.Match[str], g: Grammar) -> NumberMatch:
    value = Decimal(m.group("num"))
    mult = m.group("mult") or ""
    if mult:
        with localcontext() as ctx:  # exact however long the digit run (no rounding at 28)
            ctx.prec = len(m.group("num")) + 40
            value *= g.multipliers[mult]
    markers = tuple(x for x in (m.group("pre"), m.group("s1"), m.group("s2"), m.group("s3")) if x)
    qualifier = "exact"
    for marker in markers:  # text order: a prefix marker wins over a suffix one
        q = g.qualifier_of(marker)
        if q != "exact":
            qualifier = q
            break
    pre = m.group("pre")
    exact_pre = bool(pre) and g.qualifier_of(pre) == "exact"
    begin = m.start("num") if (not pre or exact_pre) else m.start()
    _, end = _trim(text, begin, m.end())
    return NumberMatch(
        begin=begin,
        end=end,
        digits_begin=m.start("num"),
        digits_end=m.end("num"),
        value=clean_decimal(value),
        unit=m.group("unit") or "",
        multiplier=mult,
        qualifier=qualifier,
        markers=markers,
        match_begin=m.start(),
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
    m = g.pattern.fullmatch(stated)
    if not m:
        return None
    return _to_match(stated, m, g).value


def format_number(value: Decimal, multiplier: str = "", g: Grammar | None = None) -> str:
    """Inverse of :func:`parse_number` for a value and a multiplier word."""
    g = g or grammar()
    if multiplier:
        with localcontext() as ctx:
            ctx.prec = len(value.as_tuple().digits) + 40
            value = value / g.multipliers[multiplier]
    text = format(clean_decimal(value), "f")
    return text + multiplier


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
CN_NUMERAL = "[零一二兩三四五六七八九十百]+"


def parse_cn_int(text: str) -> int | None:
    """Small Chinese integers (一 .. 九百九十九) as used in 第一, 兩項; None if not one."""
    if not text or any(ch not in _CN_DIGITS and ch not in "十百" for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current
