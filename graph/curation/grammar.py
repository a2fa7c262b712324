"""``grammar.yaml``: the figure grammar's words, read once, strictly, and the script fold
every curated word and every text is matched on.

Why the fold lives here: every curation loader folds its words when it loads them (units,
qualifiers, layout and periods too), so the fold must sit below both the curation package and
the stages; the stage modules (``extract.grammar``) re-export it. :func:`fold_aligned` is
``graph.text.fold`` (NFKC, OpenCC t2s, casefold) applied one character at a time, keeping a
character whose fold is not exactly one character as it is. So ``len(fold_aligned(t)) ==
len(t)`` for every ``t`` and an offset found in the folded text *is* the offset in the source.

Word lists are folded when loaded, and the loader refuses two words that fold to the same
key (a zh-Hans twin of a zh-Hant word is a curation mistake: it can never match anything
the first one does not). Any defect is one ``InputError`` line naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.schema import folded_words, read_yaml
from graph.model import InputError
from graph.text import fold

__all__ = [
    "GRAMMAR_FILE",
    "Words",
    "fold_aligned",
    "fold_char",
    "fold_word",
    "load_words",
    "words",
]

GRAMMAR_FILE = CURATION_DIR / "grammar.yaml"


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """The fold of one character, or the character itself when its fold is not one char."""
    f = fold(ch)
    return f if len(f) == 1 else ch


def fold_aligned(text: str) -> str:
    """``graph.text.fold`` one character for one character: same length, same offsets."""
    return "".join(map(fold_char, text))


def fold_word(word: str) -> str:
    """The folded key of a curated word (the same fold as the text it is matched on)."""
    return fold_aligned(word)


@dataclass(frozen=True, slots=True)
class Words:
    """Every word list of ``grammar.yaml``, folded. ``canon`` maps a folded word back to the
    curated spelling (for messages and stated units)."""

    numerals: dict[str, int]  # digit characters, folded
    positions: dict[str, int]  # 十 百 千
    numeral_not_after: tuple[str, ...]
    scopes: dict[str, str | None]  # folded scope word -> place id (None = the source's area)
    list_scopes: dict[str, str]
    scope_tails: tuple[str, ...]
    ordinal: str
    rank_suffixes: tuple[str, ...]
    rank_verbs: tuple[str, ...]
    rank_adverbs: tuple[str, ...]
    rank_tops: tuple[str, ...]
    top_n: str
    top_n_verbs: tuple[str, ...]
    vague: tuple[str, ...]
    population_measures: tuple[str, ...]
    population_nouns: tuple[str, ...]
    population_end: tuple[str, ...]
    #: 處在什麼位置 / 進行了綜合評價 after a population: the units a position or an
    #: assessment ranks (rank.population_positions, rank.population_assessment)
    population_positions: tuple[str, ...]
    assessment_verbs: tuple[str, ...]
    assessment_modifiers: tuple[str, ...]
    assessment_nouns: tuple[str, ...]
    #: 在三十一個省份中 with no scope word: the nation's province-level units (nouns, counts)
    #: rank in this scope
    national_nouns: tuple[str, ...]
    national_counts: tuple[int, ...]
    national_scope: str
    tier: str
    duration: tuple[str, ...]
    duration_unit: str
    locative: str
    growth: tuple[str, ...]
    decline: tuple[str, ...]
    gap_words: dict[str, int]  # 高於: 1, 低於: -1 (a growth rate's gap, sign of the gap)
    gap_bases: tuple[str, ...]
    gap_adverbs: tuple[str, ...]
    gap_markers: tuple[str, ...]  # 比 / 較: 增速比全市高出 (the compared place after it)
    growth_nouns: tuple[str, ...]
    growth_particles: tuple[str, ...]
    doubling: dict[str, int]
    doubling_unit: str
    date_suffixes: tuple[str, ...]
    event_suffixes: tuple[str, ...]
    name_suffixes: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    service_names: tuple[str, ...]
    service_name_gap: int
    list_marker_after: tuple[str, ...]
    named_class_nouns: tuple[str, ...]
    class_units: tuple[str, ...]
    formula_operators: tuple[str, ...]
    period_suffixes: tuple[str, ...]
    enumeration_before: tuple[str, ...]
    document_parts: tuple[str, ...]
    id_min_digits: int
    items: tuple[str, ...]
    range_separators: tuple[str, ...]
    range_frame_open: tuple[str, ...]
    range_frame_close: tuple[str, ...]
    fraction_separators: tuple[str, ...]
    fraction_word: str
    percent_denominator: str
    tenths: str
    multiple_frame: tuple[str, ...]
    multiple_periods: tuple[str, ...]
    multiple_year_suffixes: tuple[str, ...]
    multiple_link: str
    #: 兩成半 = 25 %: after 成 this word is five hundredths (half a tenth); "" = none
    half_tenth: str = ""
    #: 排名從第8位升至第6位: a from word between the rank verb and its first rank
    rank_from: tuple[str, ...] = ()
    #: 比全國平均水平低1.9個百分點: gap words read only after a gap marker and a place
    marker_gap_words: dict[str, int] = field(default_factory=dict)

    @property
    def cn_numeral(self) -> str:
        """Regex character class of a Chinese numeral (第九, 三十一, 兩)."""
        chars = "".join(sorted({*self.numerals, *self.positions}))
        return f"[{re.escape(chars)}]+"


def _need(data: Any, key: str, path: Path, kind: type) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise InputError(f"{path.name}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (kind is not int and not value):
        raise InputError(f"{path.name}: {key!r} must be a non-empty {kind.__name__}")
    return value


def _words(data: Any, key: str, path: Path) -> tuple[str, ...]:
    return tuple(folded_words(path, repr(key), _need(data, key, path, list), fold_word))


def _word(data: Any, key: str, path: Path) -> str:
    w = _need(data, key, path, str)
    return fold_word(w)


def _int_map(data: Any, key: str, path: Path) -> dict[str, int]:
    raw = _need(data, key, path, dict)
    out: dict[str, int] = {}
    for w, n in raw.items():
        if not isinstance(w, str) or not w or not isinstance(n, int) or isinstance(n, bool):
            raise InputError(f"{path.name}: {key!r} entry {w!r}: {n!r} is not word: integer")
        f = fold_word(w)
        if f in out:
            raise InputError(f"{path.name}: {key!r} lists {w!r} twice (after folding: {f!r})")
        out[f] = n
    return out


def _signs(data: Any, key: str, path: Path) -> dict[str, int]:
    out = _int_map(data, key, path)
    if any(n not in (1, -1) for n in out.values()):
        raise InputError(f"{path.name}: {key!r} values must be 1 or -1 (the sign of the gap)")
    return out


def _place_rows(data: Any, key: str, path: Path, nullable: bool) -> dict[str, Any]:
    raw = _need(data, key, path, list)
    out: dict[str, Any] = {}
    for row in raw:
        if not isinstance(row, dict) or not isinstance(row.get("word"), str) or "id" not in row:
            raise InputError(f"{path.name}: {key!r} row {row!r} needs 'word' and 'id'")
        pid = row["id"]
        if not (isinstance(pid, str) and pid.startswith("place/")) and not (
            nullable and pid is None
        ):
            raise InputError(f"{path.name}: {key!r} row {row['word']!r}: id must be place/...")
        f = fold_word(row["word"])
        if f in out:
            raise InputError(f"{path.name}: {key!r} lists {row['word']!r} twice")
        out[f] = pid
    return out


def _national(rank: Any, path: Path) -> dict[str, Any]:
    """``rank.national_population``: nouns, counts and the scope id (place/...)."""
    raw = _need(rank, "national_population", path, dict)
    counts = _need(raw, "counts", path, list)
    if not counts or not all(isinstance(n, int) and not isinstance(n, bool) for n in counts):
        raise InputError(f"{path.name}: 'national_population.counts' must be integers")
    scope = _need(raw, "scope", path, str)
    if not scope.startswith("place/"):
        raise InputError(f"{path.name}: 'national_population.scope' must be place/...")
    return {
        "national_nouns": _words(raw, "nouns", path),
        "national_counts": tuple(counts),
        "national_scope": scope,
    }


def _assessment(rank: Any, path: Path) -> dict[str, Any]:
    """``rank.population_assessment``: the verbs, modifiers and nouns of an assessment."""
    raw = _need(rank, "population_assessment", path, dict)
    return {
        "assessment_verbs": _words(raw, "verbs", path),
        "assessment_modifiers": _words(raw, "modifiers", path),
        "assessment_nouns": _words(raw, "nouns", path),
    }


def load_words(path: Path = GRAMMAR_FILE) -> Words:
    """Read and check ``grammar.yaml``; any defect is one ``InputError`` naming the file."""
    data = read_yaml(path)
    numerals = _need(data, "numerals", path, dict)
    rank = _need(data, "rank", path, dict)
    growth = _need(data, "growth", path, dict)
    nf = _need(data, "not_figures", path, dict)
    id_min = _need(nf, "id_min_digits", path, int)
    if isinstance(id_min, bool) or id_min < 5:
        raise InputError(f"{path.name}: 'id_min_digits' must be an integer >= 5")
    return Words(
        numerals=_int_map(numerals, "digits", path),
        positions=_int_map(numerals, "positions", path),
        numeral_not_after=_words(numerals, "not_after", path),
        scopes=_place_rows(data, "scopes", path, nullable=True),
        list_scopes=_place_rows(data, "list_scopes", path, nullable=False),
        scope_tails=_words(data, "scope_tails", path),
        ordinal=_word(rank, "ordinal", path),
        rank_suffixes=_words(rank, "suffixes", path),
        rank_verbs=_words(rank, "verbs", path),
        rank_adverbs=_words(rank, "adverbs", path),
        rank_tops=_words(rank, "tops", path),
        top_n=_word(rank, "top_n", path),
        top_n_verbs=_words(rank, "top_n_verbs", path),
        vague=_words(rank, "vague", path),
        population_measures=_words(rank, "population_measure", path),
        population_nouns=_words(rank, "population_nouns", path),
        population_end=_words(rank, "population_end", path),
        population_positions=_words(rank, "population_positions", path),
        **_assessment(rank, path),
        **_national(rank, path),
        tier=_word(rank, "tier", path),
        duration=_words(rank, "duration", path),
        duration_unit=_word(rank, "duration_unit", path),
        locative=_word(rank, "locative", path),
        growth=_words(growth, "words", path),
        decline=_words(growth, "decline", path),
        gap_words=_signs(growth, "gap_words", path),
        gap_bases=_words(growth, "gap_bases", path),
        gap_adverbs=_words(growth, "gap_adverbs", path),
        gap_markers=_words(growth, "gap_markers", path),
        growth_nouns=_words(growth, "nouns", path),
        growth_particles=_words(growth, "particles", path),
        doubling=_int_map(growth, "doubling", path),
        doubling_unit=_word(growth, "doubling_unit", path),
        date_suffixes=_words(nf, "date_suffixes", path),
        event_suffixes=_words(nf, "event_suffixes", path),
        name_suffixes=_words(nf, "name_suffixes", path),
        name_prefixes=_words(nf, "name_prefixes", path),
        service_names=_words(nf, "service_names", path),
        service_name_gap=_need(nf, "service_name_gap", path, int),
        list_marker_after=_words(nf, "list_marker_after", path),
        named_class_nouns=_words(nf, "named_class_nouns", path),
        class_units=_words(nf, "class_units", path),
        formula_operators=_words(nf, "formula_operators", path),
        period_suffixes=_words(nf, "period_suffixes", path),
        enumeration_before=_words(nf, "enumeration_before", path),
        document_parts=_words(nf, "document_parts", path),
        id_min_digits=id_min,
        items=_words(_need(data, "shared", path, dict), "items", path),
        range_separators=_words(data, "range_separators", path),
        range_frame_open=_words(data, "range_frame_open", path),
        range_frame_close=_words(data, "range_frame_close", path),
        fraction_separators=_words(data, "fraction_separators", path),
        fraction_word=_word(_need(data, "fraction_words", path, dict), "of", path),
        percent_denominator=_word(_need(data, "fraction_words", path, dict), "percent", path),
        tenths=_word(_need(data, "fraction_words", path, dict), "tenths", path),
        half_tenth=_word(data["fraction_words"], "half", path)
        if "half" in data["fraction_words"]
        else "",
        multiple_frame=_words(growth, "multiple_verbs", path),
        multiple_periods=_words(growth, "multiple_periods", path),
        multiple_year_suffixes=_words(growth, "multiple_year_suffixes", path),
        multiple_link=_word(growth, "multiple_link", path),
        rank_from=_words(rank, "from_words", path) if "from_words" in rank else (),
        marker_gap_words=_signs(growth, "marker_gap_words", path)
        if "marker_gap_words" in growth
        else {},
    )


@lru_cache(maxsize=4)
def words(path: Path = GRAMMAR_FILE) -> Words:
    """The words of ``path`` (the shipped file by default), loaded once per process."""
    return load_words(path)
