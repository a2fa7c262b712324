"""The curation queue: what the build found that the registry does not know, ready to review.

Why a file in the registry's own format: promoting a candidate must be a paste plus an English
name, not a translation step that could change the id. So every entity row has exactly the
fields of ``graph/curation/entities.yaml`` (id, class, label in zh-Hant, aliases = the other
surface forms seen, ``en: ""``, a note with the rule, a quote and the source id) and keeps the
candidate's id; every indicator row has the fields of ``graph/curation/indicators.yaml``
(``zh``, ``en: ""``) with the quote in a comment above it.

The output is sorted and contains nothing that varies between builds, so ``build/`` stays
byte-identical and the queue can be diffed from one build to the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import yaml

from graph.curation.registry import match_key
from graph.model import Extraction
from graph.pipeline.extract.candidates_rules import script_of
from graph.text import to_hant

__all__ = ["FILE_NAME", "render"]

FILE_NAME = "curation-queue.yaml"
_QUOTE_CONTEXT = 18  # characters of context on each side of a mention in a note

HEADER = """\
# Curation queue written by `cqkg build`: names and indicators the curated files do not know.
# Every entity row is in the format of graph/curation/entities.yaml and keeps the id the graph
# uses now (cqo:curationStatus cqo:Candidate). To promote one: paste the row into
# graph/curation/entities.yaml (sorted by id), write its English name in `en`, check the label
# and aliases, rebuild: the node keeps its IRI and becomes cqo:Curated.
# Every indicator row is in the format of graph/curation/indicators.yaml (sorted by zh).
"""


def _scalar(value: str) -> str:
    """A YAML scalar: bare when YAML reads it back unchanged, else JSON-quoted (valid YAML)."""
    if value and value == value.strip():
        try:
            if yaml.safe_load(value) == value and not any(c in value for c in ":#[]{},&*!|>'\"%@`"):
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _hant(label: str, lang: str) -> str:
    return label if lang == "zh-Hant" else to_hant(label)


def _quote(text: str, begin: int, end: int) -> str:
    left = max(0, begin - _QUOTE_CONTEXT)
    right = min(len(text), end + _QUOTE_CONTEXT)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


@dataclass
class _Row:
    id: str
    cls: str
    label: str
    rule: str
    edition: str
    surfaces: set[str] = field(default_factory=set)
    seen: list[tuple[str, int, int]] = field(default_factory=list)  # (source, begin, end)


def _entity_rows(
    extractions: Sequence[Extraction],
    texts: Mapping[str, str],
    resolved: Mapping[str, str],
    curated: Callable[[str], bool],
) -> list[str]:
    rows: dict[str, _Row] = {}
    for ex in extractions:
        ids: dict[str, str] = {}
        for c in ex.candidates:
            rid = resolved.get(c.id, c.id)
            if curated(rid):  # a curated entry won: nothing to review
                continue
            ids[c.id] = rid
            row = rows.setdefault(rid, _Row(rid, c.cls, _hant(c.label, c.lang), c.rule, c.edition))
            row.surfaces.add(c.label)
        for m in ex.mentions:
            if m.entity_id in ids:
                rows[ids[m.entity_id]].surfaces.add(m.surface)
                rows[ids[m.entity_id]].seen.append((ex.source_id, m.begin, m.end))
    out: list[str] = []
    for cid in sorted(rows):
        row = rows[cid]
        keys = {match_key(row.label)}
        aliases: list[str] = []
        for s in sorted(row.surfaces):
            k = match_key(s)
            if k not in keys:  # the registry refuses two forms with one key
                keys.add(k)
                aliases.append(s)
        source, begin, end = min(row.seen) if row.seen else ("", 0, 0)
        quote = _quote(texts.get(source, ""), begin, end) if source else ""
        note = f"candidate ({row.rule}) in {source}: “{quote}”"
        if row.edition:
            note += f"; edition {row.edition}"
        lines = [
            f"- id: {row.id}",
            f"  class: {row.cls}",
            f"  label: {_scalar(row.label)}",
        ]
        if aliases:
            lines.append("  aliases: [" + ", ".join(_scalar(a) for a in aliases) + "]")
        lines += ['  en: ""', f"  note: {_scalar(note)}"]
        out.append("\n".join(lines))
    return out


def _indicator_rows(
    extractions: Sequence[Extraction],
    texts: Mapping[str, str],
    known: Callable[[str], bool],
) -> list[str]:
    first: dict[str, tuple[str, int, int]] = {}
    for ex in extractions:
        text = texts.get(ex.source_id, "")
        lang = script_of(text) if text else "zh-Hant"
        for o in ex.observations:
            if not o.indicator or known(o.indicator):
                continue
            zh = _hant(o.indicator, lang)
            if known(zh):
                continue
            seen = (ex.source_id, o.begin, o.end)
            first[zh] = min(first.get(zh, seen), seen)
    out = []
    for zh in sorted(first):
        source, begin, end = first[zh]
        quote = _quote(texts.get(source, ""), begin, end).replace("\n", " ")
        out.append(f'# {source}: “{quote}”\n- zh: {_scalar(zh)}\n  en: ""')
    return out


def render(
    extractions: Sequence[Extraction],
    texts: Mapping[str, str],
    indicator_known: Callable[[str], bool] = lambda label: False,
    resolved: Mapping[str, str] | None = None,
    curated: Callable[[str], bool] = lambda entity_id: False,
) -> str:
    """The queue as YAML: ``entities:`` (registry rows) and ``indicators:`` (indicator rows).

    ``texts`` maps a source id to its cleaned text (for the quotes); ``indicator_known`` says
    whether ``graph/curation/indicators.yaml`` already has a row for a label; ``resolved``
    (``Assembled.resolved``) maps a candidate to the id its node has in the graph, so a row's id
    is the graph's (a Chongqing edition named in full is ``document/cq-internet-report-<year>``)
    and a candidate a curated entry won is not proposed (``curated`` says which ids are).
    """
    entities = _entity_rows(extractions, texts, resolved or {}, curated)
    indicators = _indicator_rows(extractions, texts, indicator_known)
    parts = [HEADER, "entities:" + (" []" if not entities else "")]
    parts += [e + "\n" for e in entities]
    parts.append("indicators:" + (" []" if not indicators else ""))
    parts += [i + "\n" for i in indicators]
    return "\n".join(parts).rstrip("\n") + "\n"
