"""How an open-world candidate meets the curated registry: which curated mentions a longer
name may contain (a place at the head of an agency, anything inside a 《title》), and when a
found name is a curated entity after all (its label, alias or alt_label, also after a party
prefix such as 中共).

Why a module of its own: these are the rules that keep a curated entity winning over a
candidate (``candidates.run`` applies them while settling overlaps); they read only the
registry and a hit, none of the text rules of ``candidates_finder``.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.curation.registry import Entity, match_key
from graph.model import Mention
from graph.pipeline.extract.candidates_finder import Hit
from graph.pipeline.extract.candidates_rules import fold_word

__all__ = ["curated_keys", "curated_owner", "full_name_of", "may_swallow"]


def curated_keys(registry: dict[str, Entity]) -> dict[str, tuple[str, str]]:
    """Folded label/alias/alt_label -> (entity id, the form)."""
    keys: dict[str, tuple[str, str]] = {}
    for ent in registry.values():
        for form in (*ent.surfaces, *ent.alt_labels):
            keys.setdefault(match_key(form), (ent.id, form))
    return keys


def curated_owner(
    h: Hit, keys: dict[str, tuple[str, str]], party: Sequence[str] = ()
) -> tuple[str, str] | None:
    """The curated (entity id, form) whose label, alias or alt_label the hit's label is; for an
    agency also after a party prefix (中共 + 重慶市委網信辦): the committee's office is the same
    body with or without the party named in front of it, so the longer form is one more
    mention of the curated agency, not a second agency beside it."""
    key = match_key(h.label)
    if key in keys:
        return keys[key]
    if h.cls == "agency":
        for w in party:
            if key.startswith(w) and key[len(w) :] in keys:
                return keys[key[len(w) :]]
    return None


def full_name_of(
    h: Hit,
    inside: Sequence[Mention],
    keys: dict[str, tuple[str, str]],
    registry: dict[str, Entity],
    party: Sequence[str] = (),
) -> bool:
    """重慶 + 市委網信辦 matched apart, where the whole is the registry's alt_label of that
    agency (重慶市委網信辦), also after a party prefix (中共重慶市委網信辦): the full name is one
    mention of it, the place is part of the name."""
    owner = curated_owner(h, keys, party)
    if owner is None or h.cls != "agency":
        return False
    return any(m.entity_id == owner[0] and m.end == h.end for m in inside) and all(
        m.entity_id == owner[0] or registry[m.entity_id].cls == "place"
        for m in inside
        if m.entity_id in registry
    )


def may_swallow(
    h: Hit,
    inside: Sequence[Mention],
    registry: dict[str, Entity],
    prefixes: Sequence[str] = (),
) -> bool:
    """A longer name may contain curated mentions: any inside a 《title》, places elsewhere.

    《中國互聯網發展報告》 is one document, not China plus words; 四川省…廳 is one agency whose
    name starts with a place, also after a prefix word of ``prefixes`` (中共 + 天津 + 市委…);
    天津濱海新區 and 重慶悅來國際會議中心 are places that start with one, 西部智算中心 a
    facility; an institute (``institute-suffix``) may hold places anywhere before its suffix
    (重慶西部數智研究院: the region is a word of its name, not a scope). Anything else curated
    inside a candidate means the rule misread the text (the registry knows that name), so the
    candidate is dropped.
    """
    if not all(h.begin <= m.begin and m.end <= h.end for m in inside):
        return False
    if h.cls in ("document", "event"):
        return all((m.begin, m.end) != (h.begin, h.end) for m in inside)
    if h.rule == "institute-suffix":  # 重慶 + 西部 + 數智研究院: an institute's proper name
        return all(
            m.end < h.end and registry[m.entity_id].cls == "place"
            for m in inside
            if m.entity_id in registry
        )
    if h.rule == "outlet":
        return _outlet_may_swallow(h, inside, registry)
    if h.cls not in ("agency", "company", "place") and h.rule != "facility-name":
        return False
    allowed = ("place", "agency") if h.cls == "agency" else ("place",)
    norm = fold_word(h.label)
    starts = {h.begin} | {
        h.begin + len(w) for w in prefixes if h.cls == "agency" and norm.startswith(w)
    }
    return all(
        m.end < h.end
        and (m.begin == h.begin or m.begin in starts)
        and registry[m.entity_id].cls in (allowed if m.begin == h.begin else ("place",))
        for m in inside
        if m.entity_id in registry
    )


def _outlet_may_swallow(h: Hit, inside: Sequence[Mention], registry: dict[str, Entity]) -> bool:
    """財訊重慶: an outlet named after its city carries the place anywhere in its name, at the
    end as often as at the head; the outlet rules read it from a dateline or a byline frame,
    never from the words around a place, so the place is part of the outlet's name. Only a
    place, and never the whole name (a dateline of just 重慶 names no outlet)."""
    return all(
        registry[m.entity_id].cls == "place" and (m.begin, m.end) != (h.begin, h.end)
        for m in inside
        if m.entity_id in registry
    )
