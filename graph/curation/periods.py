"""``periods.yaml``: the words of a figure's period and area, read once, strictly.

Why here: the loader used to sit in the stage that uses it (``extract.period``); the curation
package holds every loader, so a reviewer finds what a file may contain next to the others
and the stage only reads the frozen, compiled rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.grammar import fold_aligned
from graph.curation.schema import mapping, read_yaml
from graph.model import InputError

__all__ = [
    "OPEN_WORLD_FILE",
    "PERIODS_FILE",
    "Rules",
    "chongqing_districts",
    "cities",
    "load_rules",
    "rules",
]

PERIODS_FILE = CURATION_DIR / "periods.yaml"
OPEN_WORLD_FILE = CURATION_DIR / "open_world.yaml"
"""Where the districts of Chongqing are listed (``chongqing_districts``): the one list the
place candidates and the area words both read, so a district is never known to one only."""


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled words of ``periods.yaml``."""

    time: re.Pattern[str]
    relative: dict[str, int]  # folded word -> years from the article's date (去年: -1)
    parts: dict[str, int | None]
    bases: tuple[str, ...]
    price_bases: tuple[str, ...]
    area: re.Pattern[str]
    area_ids: dict[str, str | None]  # folded area word -> id (None = the article's area)
    districts: frozenset[str] = frozenset()  # folded words marked district: true
    possessive: tuple[str, ...] = ()  # 的: 重慶的78.1% is 重慶's figure
    anaphoric: dict[str, int] | None = None  # 上年: -1 from the statement's own year
    district_places: frozenset[str] = frozenset()  # place ids of the listed districts
    district_city: str | None = None  # the city they belong to (全市 in a district piece)
    comparisons: tuple[str, ...] = ()  # 高於 / 低於: a place right after one is compared
    since: tuple[str, ...] = ()  # 以來: 今年以來 is a stretch of the year (a paragraph topic)
    multiples: tuple[str, ...] = ()  # 倍: 是2021年底的3倍 is a ratio, no figure of the base
    #: 該省 / 該市: words marked ``named_before``, the last province-level place named before
    named_before: frozenset[str] = frozenset()
    province_places: frozenset[str] = frozenset()  # place ids of open_world.yaml's provinces
    from_words: tuple[str, ...] = ()  # 由 / 从: the from-value of a from-to frame
    to_verbs: tuple[str, ...] = ()  # 升至 / 增加到: the verb before its to-value
    #: 已有 / 现有 in quoted speech: the speaker's present (the article's year)
    speech_present: tuple[str, ...] = ()
    #: 同期 opening a clause: the period of the paragraph's previous figure
    same_period: tuple[str, ...] = ()


def _alt(words: list[str] | tuple[str, ...]) -> str:
    folded = sorted({fold_aligned(str(w)) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in folded) or "(?!)"


def chongqing_districts(path: Path = OPEN_WORLD_FILE) -> dict[str, str]:
    """Folded district name -> place id (渝北区 -> place/yubei), from ``chongqing_districts``."""
    data = mapping(path, read_yaml(path), "rules")
    raw = data.get("chongqing_districts")
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{path.name}: chongqing_districts must be a mapping name: id")
    out: dict[str, str] = {}
    for name, pid in raw.items():
        if not isinstance(name, str) or not isinstance(pid, str) or not name or not pid:
            raise InputError(f"{path.name}: chongqing_districts entry {name!r}: {pid!r}")
        out[fold_aligned(name)] = f"place/{pid}"
    return out


def provinces(path: Path = OPEN_WORLD_FILE, registry_path: Path | None = None) -> dict[str, str]:
    """Folded province name -> the registry place it names (北京 -> place/beijing).

    The names are ``open_world.yaml``'s ``provinces`` (the gazetteer the place candidates
    use); the id is the registry place whose label or alias is the name, alone or with one of
    ``province_suffixes`` (北京市, 內蒙古自治區). A name no registry place labels is left out:
    an area must be a known place. Two places for one name is a curation error.
    """
    return _registry_places(path, "provinces", registry_path)


def cities(path: Path = OPEN_WORLD_FILE, registry_path: Path | None = None) -> dict[str, str]:
    """Folded city name -> the registry place it names (成都 -> place/chengdu), as
    :func:`provinces` reads ``provinces``: ``open_world.yaml``'s ``cities`` (the provincial
    capitals and sub-provincial cities the place candidates know), each with the id of the
    registry place whose label or alias is the name, alone or with 市 (one of
    ``province_suffixes``). A city no registry place labels is left out (decision 0016: an
    area id is a curated place's, so a figure's area and the place's node are one IRI).
    """
    return _registry_places(path, "cities", registry_path)


def _registry_places(path: Path, key: str, registry_path: Path | None) -> dict[str, str]:
    from graph.curation.registry import load_registry, match_key  # late: the registry is big

    data = mapping(path, read_yaml(path), "rules")
    names, suffixes = data.get(key), data.get("province_suffixes") or []
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InputError(f"{path.name}: {key} must be a non-empty list of names")
    by_surface: dict[str, set[str]] = {}
    for e in load_registry(registry_path).values():
        if e.cls == "place":
            for surface in e.surfaces:
                by_surface.setdefault(match_key(surface), set()).add(e.id)
    out: dict[str, str] = {}
    for name in names:
        ids = set().union(
            *(by_surface.get(match_key(name + sfx), set()) for sfx in ["", *map(str, suffixes)])
        )
        if len(ids) > 1:
            raise InputError(f"{path.name}: {key} name {name!r} names places {sorted(ids)}")
        if ids:
            out[fold_aligned(name)] = ids.pop()
    return out


def site_heads(path: Path = OPEN_WORLD_FILE) -> list[str]:
    """Folded heads of a named site (``open_world.yaml`` ``site_heads``: 產業園, 軟件園 ...)."""
    raw = mapping(path, read_yaml(path), "rules").get("site_heads")
    if not isinstance(raw, list) or not all(isinstance(h, str) and h for h in raw):
        raise InputError(f"{path.name}: site_heads must be a list of words")
    return [fold_aligned(h) for h in raw]


def load_rules(path: Path = PERIODS_FILE, districts_path: Path = OPEN_WORLD_FILE) -> Rules:
    """Read ``periods.yaml``; a bad file is a one-line ``InputError`` naming it."""
    data = read_yaml(path)
    try:
        relative = {fold_aligned(str(k)): int(v) for k, v in data["relative_years"].items()}
        anaphoric = {fold_aligned(str(k)): int(v) for k, v in data["anaphoric_years"].items()}
        if set(anaphoric) & set(relative):
            raise InputError(f"{path.name}: a word is both a relative and an anaphoric year")
        parts = {
            fold_aligned(str(k)): None if v is None else int(v) for k, v in data["parts"].items()
        }
        as_of = [str(w) for w in data["as_of"]]
        bases = tuple(fold_aligned(str(w)) for w in data["bases"])
        price_bases = tuple(fold_aligned(str(w)) for w in data.get("price_bases") or [])
        suffixes = [str(w) for w in data["area_suffixes"]]
        area_ids = {
            fold_aligned(str(r["word"])): (str(r["id"]) if r["id"] else None) for r in data["areas"]
        }
        listed = chongqing_districts(districts_path)
        named = provinces(districts_path)
        towns = cities(districts_path)
        twice = sorted((set(listed) | set(named) | set(towns)) & set(area_ids))
        if twice:
            raise InputError(
                f"{path.name}: {twice[0]} is a province, a city or a Chongqing district of"
                f" {districts_path.name}: list it there only"
            )
        area_ids.update(towns)
        area_ids.update(named)
        area_ids.update(listed)
        districts = frozenset(
            [*(fold_aligned(str(r["word"])) for r in data["areas"] if r.get("district")), *listed]
        )
        named_before = frozenset(
            fold_aligned(str(r["word"])) for r in data["areas"] if r.get("named_before")
        )
        possessive = tuple(fold_aligned(str(w)) for w in data["possessive"])
        city = data.get("district_city")
        if city is not None and not (isinstance(city, str) and city.startswith("place/")):
            raise InputError(f"{path.name}: district_city must be a place id, not {city!r}")
        comparisons = tuple(fold_aligned(str(w)) for w in data.get("comparisons") or [])
        since = tuple(fold_aligned(str(w)) for w in data.get("since") or [])
        multiples = tuple(fold_aligned(str(w)) for w in data.get("multiples") or [])
        from_words = tuple(fold_aligned(str(w)) for w in data.get("from_words") or [])
        speech_present = tuple(fold_aligned(str(w)) for w in data.get("speech_present") or [])
        same_period = tuple(fold_aligned(str(w)) for w in data.get("same_period") or [])
        to_verbs = tuple(
            sorted(
                {fold_aligned(str(w)) for w in data.get("to_verbs") or []}, key=len, reverse=True
            )
        )
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise InputError(
            f"{path.name}: needs relative_years, anaphoric_years, parts, as_of, bases, possessive,"
            " area_suffixes"
            " and areas"
            f" ({type(exc).__name__}: {exc})"
        ) from exc
    part_alt = _alt(list(parts))
    time = re.compile(
        rf"(?P<asof>{_alt(as_of)})?"
        rf"(?:(?P<year>(?:19|20)\d\d)年|(?P<rel>{_alt([*relative, *anaphoric])}))?"
        rf"(?:(?P<m1>\d{{1,2}})(?:[-~至到](?P<m2>\d{{1,2}}))?月(?P<mend>底|末|份)?"
        rf"|(?P<part>{part_alt}))?"
    )
    # 市 but not the 市 of 市民 (重慶市民: the measured population). Only a place NAME takes
    # a suffix (重庆市, 四川省); a word that already says its kind (全市, 我国, 本省) does not,
    # so the 市 of 全市市场主体 and 我国市值 stays with the word it starts.
    kinded = [fold_aligned(str(r["word"])) for r in data["areas"]]
    no_suffix = "".join(f"(?<!{re.escape(w)})" for w in sorted(set(kinded)))
    # 整体 (as a whole) is no administrative suffix: 全国整体, 大陆整体 take it too
    whole = [w for w in suffixes if fold_aligned(w) == fold_aligned("整体")]
    admin = [w for w in suffixes if w not in whole]
    # A place before 至 / 到 and another name opens a route (重庆至成都的网络时延), no area: the
    # route is the statistic's name, and the place after 至 / 到 is its other end, no area
    # either. 到 before a year is a target's frame (重庆到2025年…).
    area = re.compile(
        rf"(?<![至到])(?P<w>{_alt(list(area_ids))})"
        rf"(?:{no_suffix}(?:{_alt(admin)})|{_alt(whole)})?(?<!市(?=民))"
        r"(?![至到](?!(?:19|20)\d\d|今年|明年|目前|年底))"
        # a place that starts a site's name (两江新区数字经济产业园入驻企业): the park's name
        # is the statistic's (fixture b21), the place is no area of the figure
        rf"(?![\u4e00-\u9fff]{{0,8}}(?:{_alt(site_heads(districts_path))}))"
    )
    return Rules(
        time,
        relative,
        parts,
        bases,
        price_bases,
        area,
        area_ids,
        districts,
        possessive,
        anaphoric,
        frozenset(listed.values()),
        city,
        comparisons,
        since,
        multiples,
        named_before,
        frozenset(named.values()),
        from_words,
        to_verbs,
        speech_present,
        same_period,
    )


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The shipped words, loaded once per process."""
    return load_rules()
