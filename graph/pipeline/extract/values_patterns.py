"""The figure patterns of :mod:`graph.pipeline.extract.values`, built once from the curated
words (``grammar.yaml``, ``units.yaml``, ``qualifiers.yaml``), and the plain objects a match
gives (``Value``, ``Population``). Apart so the exclusion rules and the value reader share them
without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import numbers
from graph.pipeline.extract.grammar import alt

SP = numbers.SPACE
SP_CHARS = numbers.SPACE_CHARS
DIGIT_RUN = numbers.DIGIT_RUN


@dataclass(slots=True)
class Value:
    kind: str  # quantity | rank | tier | growth (a doubling written in words)
    begin: int  # stated value span
    end: int
    match_begin: int  # incl. grammar consumed before the value (達, 排名, 在全國31個省中)
    stated: str
    value: Decimal | None
    unit: str = ""
    qualifier: str = "exact"
    rank: int | None = None
    scope: str | None = None
    tier: str | None = None
    digits: tuple[tuple[int, int], ...] = ()
    rank_of: int | None = None
    value_max: Decimal | None = None
    tail_end: int = -1  # end of grammar consumed after the value (之間 of 介於…之間)


@dataclass(slots=True)
class Population:
    """在全國31個省(區、市)中: the population a later rank of the sentence is ranked in."""

    begin: int
    end: int
    n: int
    scope: str | None
    digits_begin: int | None  # None when written in Chinese numerals
    used: bool = False


@dataclass(frozen=True, slots=True)
class Patterns:
    """The compiled rules (all on folded text)."""

    rank: re.Pattern[str]
    population: re.Pattern[str]
    head: re.Pattern[str]  # the grammar consumed before 第N: 在 scope, population, verb, scope
    top_n_head: re.Pattern[str]
    doubling: re.Pattern[str]
    vague: re.Pattern[str]
    event: re.Pattern[str]
    duration_tail: re.Pattern[str]  # 連續N年 at the end of a label
    duration_before: re.Pattern[str]  # 連續 right before the digits of N年
    list_scope: re.Pattern[str]
    items: re.Pattern[str]
    latin_name: re.Pattern[str]
    phone: re.Pattern[str]
    multiple: re.Pattern[str]  # 是2021年底的 (before N倍): a growth of the previous figure
    #: after a population with no rank: a question of a position among it (處在什麼位置)
    position: re.Pattern[str]
    #: after a population with no rank: the assessment that ranks it (的X進行了綜合評價)
    assessed: re.Pattern[str]


def _num(w: gw.Words) -> str:
    return rf"\d+|{w.cn_numeral}"


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """The rules compiled from the curated words (once per process)."""
    w = gw.words()
    scopes = alt(list(w.scopes))
    num = _num(w)
    verbs = alt([*w.rank_verbs, *w.top_n_verbs])
    adverbs = alt(list(w.rank_adverbs))
    loc = re.escape(w.locative)
    rank_from = rf"(?:(?:{alt(list(w.rank_from))}){SP})?" if w.rank_from else ""
    tail = rf"(?:{alt(list(w.scope_tails))})?{SP}"  # 西部地區第一: 地區 belongs to the scope
    # 31個省(區、市)中, or with no measure word only before 中 / 之中 / 當中 (西北五省(區)中)
    closes = [e for e in w.population_end if e.endswith("中")]
    population = (
        rf"(?P<pn>\d+|{w.cn_numeral}){SP}"
        rf"(?:(?:{alt(list(w.population_measures))}){SP}(?P<noun>{alt(list(w.population_nouns))})"
        rf"(?:\([^()]{{0,12}}\))?{SP}(?:{alt(list(w.population_end))})"
        rf"|(?P<bare>{alt(list(w.population_nouns))})(?:\([^()]{{0,12}}\))?{SP}(?:{alt(closes)}))"
    )
    return Patterns(
        rank=re.compile(
            rf"{re.escape(w.ordinal)}{SP}(?P<n>{num}){SP}"
            rf"(?:(?P<tier>{re.escape(w.tier)})|(?P<suffix>{alt(list(w.rank_suffixes))}))?"
            rf"|(?P<top>{alt(list(w.rank_tops))})"
            rf"|{re.escape(w.top_n)}{SP}(?P<tn>{num}){SP}(?P<tsuffix>{alt(list(w.rank_suffixes))})?"
        ),
        population=re.compile(rf"(?:{loc}{SP})?(?:(?P<s1>{scopes}){SP})?(?P<pop>{population})"),
        head=re.compile(
            rf"(?:(?P<zai>{loc}){SP})?(?:(?P<s1>{scopes}){SP}{tail})?(?:(?P<pop>{population}){SP})?"
            rf"(?:(?P<adv>{adverbs}){SP})?(?:(?P<verb>{verbs}){SP}{rank_from})?"
            rf"(?:(?P<s2>{scopes}){SP}{tail})?\Z"
        ),
        top_n_head=re.compile(
            rf"(?:(?P<zai>{loc}){SP})?(?:(?P<s1>{scopes}){SP}{tail})?(?:(?P<adv>{adverbs}){SP})?"
            rf"(?:(?P<verb>{verbs}){SP})?(?:(?P<s2>{scopes}){SP}{tail})?\Z"
        ),
        doubling=re.compile(alt(list(w.doubling))),
        vague=re.compile(alt(list(w.vague))),
        event=re.compile(rf"{SP}(?:{alt(list(w.event_suffixes))})"),
        duration_tail=re.compile(
            rf"(?:{alt(list(w.duration))})(?P<n>\d+){re.escape(w.duration_unit)}$"
        ),
        duration_before=re.compile(rf"(?:{alt(list(w.duration))})$"),
        list_scope=re.compile(alt([*w.list_scopes, *w.scopes])),
        items=re.compile(rf"^(?P<n>{num})(?:{alt(list(w.items))})$"),
        latin_name=re.compile(r"[a-z]-?$"),
        multiple=re.compile(
            rf"(?:{alt(list(w.multiple_frame))}){SP}(?:\d{{4}}(?:{alt(list(w.multiple_year_suffixes))})"
            rf"|{alt(list(w.multiple_periods))}){SP}{re.escape(w.multiple_link)}$"
        ),
        position=re.compile(rf"[^，,。；;]{{0,8}}?(?:{alt(list(w.population_positions))})"),
        assessed=re.compile(
            rf"的?[^，,。；;]{{2,20}}?(?:{alt(list(w.assessment_verbs))})了?"
            rf"(?:{alt(list(w.assessment_modifiers))})?(?:{alt(list(w.assessment_nouns))})"
        ),
        # 023-67812345, 400-123-4567, and an area code in brackets before a local number
        # written in groups ((853) 2888 1234, (023)6781-2345: Hong Kong and Macau style)
        phone=re.compile(
            r"(?<!\d)(?:\d{3,4}-\d{7,8}|400-\d{3}-\d{4}"
            r"|\(\d{2,4}\)[ \u00a0\u3000]?\d{3,4}[ \u00a0\u3000-]?\d{4})(?!\d)"
        ),
    )


def cn_or_int(text: str) -> int | None:
    """An Arabic or Chinese integer (9, 九, 十一), else None."""
    return int(text) if text.isdigit() else gw.parse_cn_int(text)
