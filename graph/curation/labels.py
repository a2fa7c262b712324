"""``labels.yaml``: the indicator-label trimming rules, read once, strictly, and compiled.

Why here and not in the extractor: every curated file has its loader in this package, typed
and checked through :mod:`graph.curation.schema`, so a misspelled key, a word that is not a
string or a bad pattern is one ``InputError`` line naming ``labels.yaml`` and the key, never a
rule that silently does nothing. The extractor (``graph.pipeline.extract.indicators``) only
asks for the compiled :class:`LabelRules`.

Words are written once for both scripts and folded with ``fold_aligned`` at load; patterns
are folded to Simplified (no casefold, so ``\\D`` stays ``\\D``). Every rule matches the
aligned folded text (one character per source character), so a match offset is a source
offset and a label is cut from the source in the source's script. The area words of
``periods.yaml`` are not repeated here: the caller passes their compiled pattern (``area``),
which joins the leading words and the flow context.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.schema import folded_words, mapping, read_yaml
from graph.model import InputError
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import to_hans

__all__ = ["LABELS_FILE", "LabelRules", "Rule", "load_label_rules"]

LABELS_FILE = CURATION_DIR / "labels.yaml"

#: sections that are a mapping of ``words`` and ``patterns``
_RULE_SECTIONS = (
    "leading",
    "trailing",
    "right_magnitudes",
    "right_leading",
    "relative",
    "subset",
    "flow_context",
    "bare_share",
    "per_unit",
    "per_unit_phrase",
    "glosses",
)
#: sections that are a plain word list
_WORD_SECTIONS = (
    "anaphora",
    "respectively",
    "right_stop",
    "subset_markers",
    "opening_verbs",
    "flow_verbs",
    "head_modifiers",
    "rate_change_units",
    "value_first_marks",
    "inner_light_verbs",
    "inner_light_keep",
    "selection_verbs",
    "generic_counted",
    "predicate_adverbs",
    "predicate_verbs",
    "predicate_complements",
    "generic_heads",
    "total_heads",
    "flow_words",
    "people_nouns",
)
#: sections that are a list of patterns, each with a named group ``x``
_FRAME_SECTIONS = ("named_statistic",)
_KNOWN = frozenset(
    (*_RULE_SECTIONS, *_WORD_SECTIONS, *_FRAME_SECTIONS, "topic_marker", "bullet_categories")
)
#: the code points a category class is built over (the BMP and the supplementary planes that
#: hold symbols and emoji); beyond them no list bullet is written
_CATEGORY_SPAN = 0x30000


@dataclass(frozen=True, slots=True)
class Rule:
    """A set of alternatives; the LONGEST match wins (so 重庆市 beats 重庆, 截至…底 beats 截至)."""

    alternatives: tuple[re.Pattern[str], ...]
    #: every alternative in one pattern, for :meth:`suffix` (None when they cannot be joined:
    #: named groups or differing flags); built from ``alternatives``, never given
    joined: re.Pattern[str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "joined", _joined(self.alternatives))

    def match(self, text: str, begin: int, end: int) -> tuple[int, int] | None:
        """Longest alternative matching at ``begin`` (within ``[begin, end)``), or None."""
        best: tuple[int, int] | None = None
        for p in self.alternatives:
            m = p.match(text, begin, end)
            if m and m.end() > begin and (best is None or m.end() > best[1]):
                best = (m.start(), m.end())
        return best

    def suffix(self, text: str, begin: int, end: int) -> tuple[int, int] | None:
        """Longest alternative that ends exactly at ``end`` (and starts at or after ``begin``)."""
        joined = self.joined
        if joined is not None:  # the smallest start any alternative fullmatches from
            for start in range(max(begin, end - 40), end):
                if joined.fullmatch(text, start, end):
                    return (start, end)
            return None
        best: tuple[int, int] | None = None
        for p in self.alternatives:
            for start in range(max(begin, end - 40), end):
                m = p.fullmatch(text, start, end)
                if m:
                    if best is None or start < best[0]:
                        best = (start, end)
                    break
        return best


def _joined(alternatives: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """``(?:a)|(?:b)|…`` of the alternatives: a fullmatch of it at a start succeeds exactly when
    one of them does (the engine backtracks into the next alternative), so :meth:`Rule.suffix`
    makes one call per start instead of one per alternative and start (3 million calls, an
    eighth of a corpus's extraction)."""
    if not alternatives or any(p.groupindex for p in alternatives):
        return None
    flags = {p.flags for p in alternatives}
    if len(flags) != 1:
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in alternatives), flags.pop())
    except re.error:
        return None


@dataclass(frozen=True, slots=True)
class LabelRules:
    """Compiled trimming rules; every pattern matches folded text (``fold_aligned``)."""

    leading: Rule | None  # dropped from the start of a subject, repeatedly
    trailing: Rule | None  # dropped from the end of a subject
    right_magnitudes: Rule | None  # with the unit after it, from the start of a counted noun
    right_leading: Rule | None  # dropped from the start of a counted noun
    topic_marker: str  # 對: what follows is the measured phrase (市民對X滿意度 -> X滿意度)
    anaphora: frozenset[str]  # a subject that points back (這一數字): the previous statistic
    relative: Rule | None  # a share or rate of the previous statistic (占比, 占GDP的比重)
    respectively: tuple[str, ...]  # A和B分别 x、y: one name per value
    right_stop: tuple[str, ...]  # a counted noun ends before one of these (…项目纳入…)
    subset_markers: tuple[str, ...]  # 其中: what follows is a part of the previous statistic
    subset: Rule | None  # a bare modifier after 其中 (国家级): a part of the previous statistic
    opening: re.Pattern[str] | None  # actor + an opening verb (新建, 归集) at a subject's start
    flow_context: Rule | None  # what before an opening verb keeps it (全市, 全年, 累计)
    #: a value-less clause that names the statistic of the figures after it (对…的X进行了评估,
    #: X上): each pattern has a group ``x``, the statistic
    named_statistic: tuple[re.Pattern[str], ...] = ()
    bare_share: Rule | None = None  # 占全国比重: a share whose area is its base (kept)
    #: 增速…2.3个百分点: in these units a growth noun names the change of the rate itself
    rate_change_units: tuple[str, ...] = ()
    #: 8.2万个——累计建成5G基站: after a value opening its clause, one of these marks puts the
    #: statistic after it (a number-first list line)
    value_first_marks: tuple[str, ...] = ()
    #: 数字经济核心产业实现增加值: a light verb between the subject and its measure noun says
    #: only that the figure was reached; it is cut from inside the label
    inner_light_verbs: tuple[str, ...] = ()
    #: what a light verb never stands before when it goes (完成率, 完成量: nouns of their own)
    inner_light_keep: tuple[str, ...] = ()
    #: 22个项目入选全国…试点: after a generic counted noun (generic_counted) one of these verbs
    #: and what follows it say which items are counted, and stay in the label
    selection_verbs: tuple[str, ...] = ()
    generic_counted: frozenset[str] = frozenset()
    #: 网民规模和互联网普及率持续增长,分别达到…: a value-less clause that ends in a predicate
    #: (an adverb of manner, then a verb of change) names the subject of the clause after it
    predicate_adverbs: tuple[str, ...] = ()
    #: 增长最快: a complement of degree after the predicate's verb
    predicate_complements: tuple[str, ...] = ()
    predicate_verbs: tuple[str, ...] = ()
    #: 规模达到1.2万亿元 / 总数达到9.6万个: a bare generic head noun takes the clause subject
    generic_heads: frozenset[str] = frozenset()
    total_heads: frozenset[str] = frozenset()  # 总数: a total after 新增X is of X
    #: 新增X: a flow word; a total after it (总数) is of X, not of the new X
    flow_words: tuple[str, ...] = ()
    #: 用户规模: the 规模 of one of these nouns is their number (a share of it is of the people)
    people_nouns: tuple[str, ...] = ()

    def inner_light_verb(self, ft: str, begin: int, end: int) -> tuple[int, int] | None:
        """The span of a light verb inside ``ft[begin:end]`` with a subject before it and a
        measure noun (no 的-clause, not a noun of the verb's own) after it, or None."""
        for i in range(begin + 1, end):
            verb = next((v for v in self.inner_light_verbs if ft.startswith(v, i, end)), "")
            j = i + len(verb)
            if (
                verb
                and end - j >= 2
                and "的" not in ft[j:end]
                and not ft.startswith(self.inner_light_keep, j)
            ):
                return i, j
        return None

    #: 每万人拥有: a per-unit base with its possession verb, which stays in the name
    per_unit: Rule | None = None
    #: 已超每月每户18GB: a per-unit phrase between a qualifier marker and its number
    per_unit_phrase: Rule | None = None
    #: opening verbs that count new items (新建): after any subject (公司在全市新建X, 计划新建X)
    #: the subject goes and the verb stays (docs/decisions/0012); only a bare opening drops it
    flow_verbs: tuple[str, ...] = ()
    #: 地区生产总值（GDP）: a bracketed abbreviation glossing the term before it, cut from a label
    glosses: Rule | None = None
    #: 城镇和农村网民分别…: parallel items that are only modifiers share the last one's head
    head_modifiers: tuple[str, ...] = ()

    def without_glosses(self, label: str) -> str:
        """``label`` without the glosses (labels.yaml ``glosses``) it holds, in its script."""
        if self.glosses is None:
            return label
        f = fold_aligned(label)
        spans = sorted(
            (m.start(), m.end()) for p in self.glosses.alternatives for m in p.finditer(f)
        )
        out, at = [], 0
        for b, e in spans:
            if b >= at:
                out.append(label[at:b])
                at = e
        return "".join(out) + label[at:]

    def value_first(self, ft: str, begin: int, end: int) -> int | None:
        """The offset after a value-first mark opening ``ft[begin:end]`` (spaces skipped), or
        None: what follows it is the statistic, trimmed as a subject."""
        i = begin
        while i < end and ft[i].isspace():
            i += 1
        mark = next((m for m in self.value_first_marks if ft.startswith(m, i, end)), "")
        return i + len(mark) if mark else None

    def opening_end(self, ft: str, begin: int, end: int) -> int:
        """Where an opening verb (and its actor) ends at ``begin``; ``begin`` if it stays."""
        m = self.opening.match(ft, begin, end) if self.opening else None
        if not m:
            return begin
        b, e = m.start("actor"), m.end("actor")
        while b < e and ft[b].isspace():
            b += 1
        if b < e and self.flow_context is not None:
            while b < e:
                c = self.flow_context.match(ft, b, e)
                if not c:
                    break
                b = c[1]
            if b == e:
                return begin  # only an area / period / 累计 before it: the verb names a flow
        if b < e and m.group("verb") in self.flow_verbs and ft[m.end() : end].strip():
            return m.start("verb")  # 公司在全市新建X, 计划新建X: the subject goes, 新建 stays
        return m.end()

    def leading_end(self, ft: str, begin: int, end: int) -> int:
        """Where the leading context of ``ft[begin:end]`` ends (dropped repeatedly)."""
        b = begin
        while b < end:
            while b < end and ft[b].isspace():
                b += 1
            m = self.leading.match(ft, b, end) if self.leading else None
            if not m:
                break
            b = m[1]
        return b

    def is_subset(self, folded_label: str) -> bool:
        """True when the label is only a modifier (国家级) naming a part of a statistic."""
        if self.subset is None or not folded_label:
            return False
        return any(p.fullmatch(folded_label) for p in self.subset.alternatives)

    def is_relative(self, folded_label: str) -> bool:
        """True when the label names a share/rate whose base is the previous figure."""
        if self.relative is None or not folded_label:
            return False
        return any(p.fullmatch(folded_label) for p in self.relative.alternatives)

    def statistic_named(self, ft: str, begin: int, end: int) -> tuple[int, int] | None:
        """The span of the statistic a value-less clause ``ft[begin:end]`` names, or None."""
        clause = ft[begin:end]  # sliced: a frame may anchor at the clause (^ … $)
        for p in self.named_statistic:
            m = p.search(clause)
            if m and m.end("x") > m.start("x"):
                return begin + m.start("x"), begin + m.end("x")
        return None

    def is_per_unit(self, folded_label: str) -> bool:
        """True when the label is only a per-unit base and its verb (每万人拥有)."""
        if self.per_unit is None or not folded_label:
            return False
        return any(p.fullmatch(folded_label) for p in self.per_unit.alternatives)

    def ends_per_unit(self, ft: str, begin: int, end: int) -> bool:
        """True when ``ft[begin:end]`` ends in a per-unit base and its verb (全市每万人拥有)."""
        return self.per_unit is not None and self.per_unit.suffix(ft, begin, end) is not None

    def is_bare_share(self, folded: str) -> bool:
        """True when a share names no base noun (比重, 的份额): its area is its base."""
        if self.bare_share is None or not folded:
            return False
        return any(p.fullmatch(folded) for p in self.bare_share.alternatives)


def _fold_pattern(pattern: str) -> str:
    """Fold a regex's literal characters to Simplified (no casefold: ``\\D`` stays ``\\D``)."""
    return to_hans(unicodedata.normalize("NFKC", pattern))


def _patterns(path: Path, where: str, raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        raise InputError(f"{path.name}: {where} must be a list of non-empty strings")
    return [_fold_pattern(p) for p in raw]


def _words(path: Path, where: str, raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError(f"{path.name}: {where} must be a list of words")
    return folded_words(path, where, raw, fold_aligned)


def _rule(path: Path, data: dict[str, Any], key: str, extra: re.Pattern[str] | None) -> Rule | None:
    sec = data.get(key)
    if sec is None:
        sec = {}
    sec = mapping(path, sec, f"words/patterns under {key!r}")
    unknown = set(sec) - {"words", "patterns"}
    if unknown:
        raise InputError(f"{path.name}: {key!r} has unknown keys {sorted(unknown)}")
    words = _words(path, f"{key}.words", sec.get("words"))
    alts = [re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))]
    alts += _patterns(path, f"{key}.patterns", sec.get("patterns"))
    compiled = [re.compile(a) for a in alts]
    if compiled and extra is not None:
        compiled.append(extra)
    return Rule(tuple(compiled)) if compiled else None


def _category_class(path: Path, raw: Any) -> re.Pattern[str] | None:
    """One character of the given Unicode general categories (``So``: ▲ ● ▶ ■ ◆ ★ ☆ ✓ ...).

    Why by category and not a list: a bullet is any pictographic mark a writer picks, and
    every such mark is a symbol (``So``). No label opens with one: the few unit signs that are
    ``So`` (℃) follow a number, and % and ‰ are punctuation (``Po``).
    """
    if raw is None:
        return None

    def is_category(c: Any) -> bool:
        return isinstance(c, str) and len(c) == 2 and c[0] in "LMNPSZC" and c[1].islower()

    if not isinstance(raw, list) or not all(is_category(c) for c in raw):
        raise InputError(f"{path.name}: bullet_categories must be a list of Unicode categories")
    cats = set(raw)
    ranges: list[tuple[int, int]] = []
    for cp in range(_CATEGORY_SPAN):
        if unicodedata.category(chr(cp)) in cats:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    if not ranges:
        return None
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{body}]+")


def load_label_rules(path: Path = LABELS_FILE, area: re.Pattern[str] | None = None) -> LabelRules:
    """Read, check and compile ``labels.yaml``; a bad file is a one-line ``InputError``.

    ``area`` is the area-word pattern of ``periods.yaml`` (listed there once, with the area
    each names): it leads a label (全市网站数量) and may stand before an opening verb.
    """
    data = mapping(path, read_yaml(path), "label rules")
    unknown = set(data) - _KNOWN
    if unknown:
        raise InputError(f"{path.name}: unknown keys {sorted(map(str, unknown))}")
    marker = data.get("topic_marker", "")
    if not isinstance(marker, str):
        raise InputError(f"{path.name}: topic_marker must be a word")
    try:
        rules = {k: _rule(path, data, k, area if k in ("leading", "flow_context") else None)
                 for k in _RULE_SECTIONS}  # fmt: skip
        words = {k: tuple(_words(path, k, data.get(k))) for k in _WORD_SECTIONS}
        frames = tuple(re.compile(p) for p in _patterns(path, "named_statistic",
                                                        data.get("named_statistic")))  # fmt: skip
    except re.error as exc:
        raise InputError(f"{path.name}: bad pattern ({exc})") from exc
    bullets = _category_class(path, data.get("bullet_categories"))
    if bullets is not None:
        lead = rules["leading"]
        rules["leading"] = Rule((*(lead.alternatives if lead else ()), bullets))
    if any("x" not in f.groupindex for f in frames):
        raise InputError(f"{path.name}: every named_statistic pattern needs a group (?P<x>...)")
    verbs = words["opening_verbs"]
    opening = (
        re.compile(
            r"(?P<actor>[^,，、;；]{0,30}?)(?P<verb>" + "|".join(map(re.escape, verbs)) + ")"
        )
        if verbs
        else None
    )
    return LabelRules(
        leading=rules["leading"],
        trailing=rules["trailing"],
        right_magnitudes=rules["right_magnitudes"],
        right_leading=rules["right_leading"],
        topic_marker=fold_aligned(marker),
        anaphora=frozenset(words["anaphora"]),
        relative=rules["relative"],
        respectively=words["respectively"],
        right_stop=words["right_stop"],
        subset_markers=words["subset_markers"],
        subset=rules["subset"],
        opening=opening,
        flow_context=rules["flow_context"],
        named_statistic=frames,
        bare_share=rules["bare_share"],
        rate_change_units=words["rate_change_units"],
        value_first_marks=tuple(sorted(words["value_first_marks"], key=lambda w: (-len(w), w))),
        inner_light_verbs=tuple(sorted(words["inner_light_verbs"], key=lambda w: (-len(w), w))),
        inner_light_keep=words["inner_light_keep"],
        selection_verbs=words["selection_verbs"],
        generic_counted=frozenset(words["generic_counted"]),
        predicate_adverbs=tuple(sorted(words["predicate_adverbs"], key=lambda w: (-len(w), w))),
        predicate_verbs=tuple(sorted(words["predicate_verbs"], key=lambda w: (-len(w), w))),
        predicate_complements=tuple(
            sorted(words["predicate_complements"], key=lambda w: (-len(w), w))
        ),
        generic_heads=frozenset(words["generic_heads"]),
        total_heads=frozenset(words["total_heads"]),
        flow_words=tuple(sorted(words["flow_words"], key=lambda w: (-len(w), w))),
        people_nouns=words["people_nouns"],
        per_unit=rules["per_unit"],
        per_unit_phrase=rules["per_unit_phrase"],
        flow_verbs=words["flow_verbs"],
        glosses=rules["glosses"],
        head_modifiers=tuple(sorted(words["head_modifiers"], key=lambda w: (-len(w), w))),
    )
