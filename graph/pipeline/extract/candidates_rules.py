"""The open-world rules of ``extract.candidates`` as data: ``open_world.yaml`` (and the post
titles of ``titles.yaml``) folded into one frozen ``Rules``, plus the one-character-at-a-time fold
(``Folded``) that both the rules and the text go through, so every folded offset is a clean offset.

Why a module of its own: the loader is strict (one ``InputError`` line naming the file and the key)
and is tested on its own, apart from the matching rules that read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.registry import load_titles
from graph.curation.schema import longest_first, mapping, positive_int, read_yaml, str_list
from graph.model import InputError
from graph.text import fold, is_han, to_hans, to_hant

__all__ = [
    "OPEN_WORLD_FILE",
    "Folded",
    "Rules",
    "fold_char",
    "fold_word",
    "load_rules",
    "script_of",
]

OPEN_WORLD_FILE = CURATION_DIR / "open_world.yaml"


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded copy of a text, one folded character per clean character.

    ``fold`` is NFKC + OpenCC t2s + casefold; applied one character at a time it is
    length-preserving for CJK. Where a character folds to several (ligatures, ``ß``), only the
    first is kept so that offsets stay one-to-one.
    """

    text: str
    norm: str

    @classmethod
    def of(cls, text: str) -> Folded:
        return cls(text, "".join(fold_char(c) for c in text))


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One clean character folded to exactly one character (offsets stay one-to-one)."""
    if ch.isspace():
        return ch if ch == "\n" else " "  # lines matter (bylines); other spaces are one space
    k = fold(ch)
    return k[:1] if k else " "


def fold_word(word: str) -> str:
    """A curated word folded the way the text is (``fold_char`` one character at a time)."""
    return "".join(fold_char(c) for c in word)


def script_of(text: str) -> str:
    """``zh-Hans`` when the text has no character that OpenCC would simplify, else zh-Hant."""
    han = [c for c in text if is_han(c)]
    changed = sum(1 for c in han if to_hans(c) != c)
    back = sum(1 for c in han if to_hant(c) != c)
    return "zh-Hant" if changed >= max(1, back // 10) else "zh-Hans"


# -- rules as data ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rules:
    """``open_world.yaml`` folded: every word as it appears in the folded text."""

    left_context: tuple[str, ...]
    body_stop_chars: frozenset[str]
    body_stop_words: tuple[str, ...]
    body_stop_exceptions: tuple[str, ...]
    agency_prefixes: tuple[str, ...]
    agency_suffixes: tuple[str, ...]
    agency_bare_suffixes: tuple[str, ...]
    agency_suffix_guards: tuple[str, ...]
    agency_not_names: frozenset[str]
    agency_not_endings: tuple[str, ...]
    agency_prefix_guards: tuple[str, ...]
    agency_local_prefixes: tuple[str, ...]
    agency_run_on_suffixes: tuple[str, ...]
    agency_party_prefixes: tuple[str, ...]
    venue_heads: tuple[str, ...]
    facility_heads: tuple[str, ...]
    facility_body_max: int
    site_heads: tuple[str, ...]
    site_locatives: tuple[str, ...]
    site_body_max: int
    related_markers: frozenset[str]
    agency_body_max: int
    agency_units: frozenset[str]
    agency_unit_max: int
    company_suffixes: tuple[str, ...]
    company_body_min: int
    company_body_max: int
    company_not_bodies: frozenset[str]
    company_weak_suffixes: frozenset[str]
    institute_suffixes: tuple[str, ...]
    institute_body_max: int
    institute_not_bodies: frozenset[str]
    surnames: tuple[str, ...]
    name_followers: tuple[str, ...]
    speaker_verbs: tuple[str, ...]
    person_not_names: frozenset[str]
    byline_roles: tuple[str, ...]
    credit_roles: tuple[str, ...]
    credit_separators: tuple[str, ...]
    outlet_markers: tuple[str, ...]
    outlet_suffixes: tuple[str, ...]
    outlet_post_markers: tuple[str, ...]
    outlet_channels: tuple[str, ...]
    outlet_region_heads: tuple[str, ...]
    caption_markers: tuple[str, ...]
    event_heads: tuple[str, ...]
    event_max_chars: int
    titles: tuple[tuple[str, str], ...]  # (folded label, title id), longest first
    standalone_titles: frozenset[str]
    document_min_chars: int
    quote_max_chars: int
    quote_head_gap: int
    quote_body_min: int
    quote_name_min: int
    quote_from_words: tuple[str, ...]
    quote_to_words: tuple[str, ...]
    quote_slogan_first: frozenset[str]
    quote_numeral_heads: tuple[str, ...]
    quote_heads: tuple[tuple[str, str], ...]  # (folded head, class), longest head first
    provinces: tuple[str, ...]
    province_suffixes: tuple[str, ...]
    cities: tuple[str, ...]
    regions: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    place_not_names: frozenset[str]
    place_generic_endings: tuple[str, ...]
    place_stop_first: frozenset[str]
    place_right_guards: tuple[str, ...]
    place_listed_suffixes: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]  # (folded full name, place id), longest first
    zone_heads: tuple[str, ...]
    name_quantifiers: tuple[str, ...]
    frame_openers: tuple[str, ...]
    frame_closers: tuple[str, ...]
    build_verbs: tuple[str, ...]
    built_facility_heads: tuple[str, ...]
    built_not_first: tuple[str, ...]
    phase_numerals: tuple[str, ...]  # 二 of 二期: a facility's phase
    phase_words: tuple[str, ...]  # 期, 期工程, 期項目
    dispatch_self_words: tuple[str, ...]


def _words(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    return longest_first(fold_word(v) for v in str_list(path, data, key) if v.strip())


def _districts(path: Path, data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    value = data.get("chongqing_districts")
    if not isinstance(value, dict) or not value:
        raise InputError(f"{path.name}: chongqing_districts must map a name to a place id")
    out: dict[str, str] = {}
    for name, pid in value.items():
        if (
            not isinstance(name, str)
            or not isinstance(pid, str)
            or not re.fullmatch(r"[a-z][a-z0-9-]*", pid)
        ):
            raise InputError(f"{path.name}: chongqing_districts: {name!r} needs an id like yubei")
        out[fold_word(name)] = f"place/{pid}"
    if len(set(out.values())) != len(out):
        raise InputError(f"{path.name}: chongqing_districts: two names share an id")
    return tuple(sorted(out.items(), key=lambda kv: (-len(kv[0]), kv[0])))


def _standalone(path: Path, data: dict[str, Any], titles: set[str]) -> frozenset[str]:
    words = _words(path, data, "standalone_titles")
    unknown = sorted(w for w in words if w not in titles)
    if unknown:
        raise InputError(f"{path.name}: standalone_titles: {unknown[0]!r} is not a post title")
    return frozenset(words)


def _numeral_heads(path: Path, data: dict[str, Any], heads: set[str]) -> tuple[str, ...]:
    """``quote_numeral_heads``: each one a head of ``quote_heads``, whose class it gives (a word
    missing there would class a numeral-initial quote as nothing, or as a guess)."""
    words = _words(path, data, "quote_numeral_heads")
    unknown = sorted(w for w in words if w not in heads)
    if unknown:
        raise InputError(f"{path.name}: quote_numeral_heads: {unknown[0]!r} is not a quote head")
    return words


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None, titles_path: Path | None = None) -> Rules:
    """Load and fold the open-world rules; ``InputError`` names the file and the key."""
    path = path or OPEN_WORLD_FILE
    data = mapping(path, read_yaml(path), "rule lists")
    heads = data.get("quote_heads")
    if not isinstance(heads, dict) or not heads:
        raise InputError(f"{path.name}: quote_heads must map a class to a list of head words")
    quote_heads = sorted(
        ((h, str(cls)) for cls in heads for h in _words(path, heads, cls)),
        key=lambda hc: (-len(hc[0]), hc),
    )
    titles = sorted(
        ((fold_word(t.label), t.id) for t in load_titles(titles_path).values()),
        key=lambda t: (-len(t[0]), t[1]),
    )
    w = lambda key: _words(path, data, key)  # noqa: E731 - a local shorthand
    return Rules(
        left_context=w("left_context"),
        body_stop_chars=frozenset(w("body_stop_chars")),
        body_stop_words=w("body_stop_words"),
        body_stop_exceptions=w("body_stop_exceptions"),
        agency_prefixes=w("agency_prefixes"),
        agency_suffixes=w("agency_suffixes"),
        agency_bare_suffixes=w("agency_bare_suffixes"),
        agency_suffix_guards=w("agency_suffix_guards"),
        agency_not_names=frozenset(w("agency_not_names")),
        agency_not_endings=w("agency_not_endings"),
        agency_prefix_guards=w("agency_prefix_guards"),
        agency_local_prefixes=w("agency_local_prefixes"),
        agency_run_on_suffixes=w("agency_run_on_suffixes"),
        agency_party_prefixes=w("agency_party_prefixes"),
        venue_heads=w("venue_heads"),
        facility_heads=w("facility_heads"),
        facility_body_max=positive_int(path, data, "facility_body_max"),
        site_heads=w("site_heads"),
        site_locatives=w("site_locatives"),
        site_body_max=positive_int(path, data, "site_body_max"),
        related_markers=frozenset(w("related_markers")),
        agency_body_max=positive_int(path, data, "agency_body_max"),
        agency_units=frozenset(w("agency_units")),
        agency_unit_max=positive_int(path, data, "agency_unit_max"),
        company_suffixes=w("company_suffixes"),
        company_body_min=positive_int(path, data, "company_body_min"),
        company_body_max=positive_int(path, data, "company_body_max"),
        company_not_bodies=frozenset(w("company_not_bodies")),
        company_weak_suffixes=frozenset(w("company_weak_suffixes")),
        institute_suffixes=w("institute_suffixes"),
        institute_body_max=positive_int(path, data, "institute_body_max"),
        institute_not_bodies=frozenset(w("institute_not_bodies")),
        surnames=w("surnames"),
        name_followers=w("name_followers"),
        speaker_verbs=w("speaker_verbs"),
        person_not_names=frozenset(w("person_not_names")),
        byline_roles=w("byline_roles"),
        credit_roles=w("credit_roles"),
        credit_separators=w("credit_separators"),
        outlet_markers=w("outlet_markers"),
        outlet_suffixes=w("outlet_suffixes"),
        outlet_post_markers=w("outlet_post_markers"),
        outlet_channels=w("outlet_channels"),
        outlet_region_heads=w("outlet_region_heads"),
        caption_markers=w("caption_markers"),
        event_heads=w("event_heads"),
        event_max_chars=positive_int(path, data, "event_max_chars"),
        titles=tuple(titles),
        standalone_titles=_standalone(path, data, {t for t, _ in titles}),
        document_min_chars=positive_int(path, data, "document_min_chars"),
        quote_max_chars=positive_int(path, data, "quote_max_chars"),
        quote_head_gap=positive_int(path, data, "quote_head_gap"),
        quote_body_min=positive_int(path, data, "quote_body_min"),
        quote_name_min=positive_int(path, data, "quote_name_min"),
        quote_from_words=w("quote_from_words"),
        quote_to_words=w("quote_to_words"),
        quote_slogan_first=frozenset(w("quote_slogan_first")),
        quote_numeral_heads=_numeral_heads(path, data, {h for h, _ in quote_heads}),
        quote_heads=tuple(quote_heads),
        provinces=w("provinces"),
        province_suffixes=w("province_suffixes"),
        cities=w("cities"),
        regions=w("regions"),
        place_suffixes=w("place_suffixes"),
        place_not_names=frozenset(w("place_not_names")),
        place_generic_endings=w("place_generic_endings"),
        place_stop_first=frozenset(w("place_stop_first")),
        place_right_guards=w("place_right_guards"),
        place_listed_suffixes=w("place_listed_suffixes"),
        districts=_districts(path, data),
        zone_heads=w("zone_heads"),
        name_quantifiers=w("name_quantifiers"),
        frame_openers=w("frame_openers"),
        frame_closers=w("frame_closers"),
        build_verbs=w("build_verbs"),
        built_facility_heads=w("built_facility_heads"),
        built_not_first=w("built_not_first"),
        phase_numerals=w("phase_numerals"),
        phase_words=w("phase_words"),
        dispatch_self_words=w("dispatch_self_words"),
    )
