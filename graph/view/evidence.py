"""The evidence the details panel shows: each figure with its quoted sentences, and the quotes
of the reified relations touching a drawn node.

Why apart from the page: this is the part that reads provenance (``prov:wasDerivedFrom`` spans,
their NIF sentences and offsets) rather than drawing, and it is the part the served resource
pages highlight too: both split a sentence with the one highlighter, ``graph.text.highlight``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graph.curation.styles import Styles
from graph.namespaces import CQO_IRI, NIF, PROV
from graph.text import highlight
from graph.view.network import class_of
from graph.view.resource_index import ResourceIndex

__all__ = ["assertion_quotes", "figure", "quote", "span_editions"]

_ANCHOR = str(NIF.anchorOf)
_BEGIN = str(NIF.beginIndex)
_SENTENCE = str(NIF.sentence)
_DERIVED = str(PROV.wasDerivedFrom)
_CQO = CQO_IRI


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def quote(idx: ResourceIndex, span: str, fallback_section: str) -> dict[str, str]:
    """The sentence around a span, split so the page can mark the quoted part."""
    anchor = idx.first(span, _ANCHOR)
    sentence_iri = idx.first(span, _SENTENCE)
    sentence = idx.first(sentence_iri, _ANCHOR) if sentence_iri else ""
    pre, mark, post = highlight(
        sentence,
        _int(idx.first(sentence_iri, _BEGIN)) if sentence_iri else None,
        anchor,
        _int(idx.first(span, _BEGIN)),
    )
    section = (
        idx.first(span, _CQO + "section")
        or (idx.first(sentence_iri, _CQO + "section") if sentence_iri else "")
        or fallback_section
    )
    return {"pre": pre, "mark": mark, "post": post, "sec": section, "span": span}


def span_editions(idx: ResourceIndex, span: str) -> set[str]:
    """Report editions (years) the article quoted by ``span`` is ``cqo:about`` (edition filter)."""
    source = idx.first(span, str(NIF.referenceContext))
    return {y for d in idx.values(source, _CQO + "about") if (y := idx.first(d, _CQO + "edition"))}


def figure(idx: ResourceIndex, styles: Styles, obs: str) -> dict[str, Any]:
    cls = class_of(idx, styles, obs)
    section = idx.first(obs, _CQO + "section")
    return {
        "id": obs,
        "kind": cls.key if cls else "Observation",
        "ind": idx.first(obs, _CQO + "indicator"),
        "about": idx.values(obs, _CQO + "about"),
        "stated": idx.values(obs, _CQO + "statedValue"),
        "value": idx.first(obs, _CQO + "value"),
        "unit": idx.first(obs, _CQO + "unit"),
        "qual": idx.first(obs, _CQO + "qualifier"),
        "period": idx.first(obs, _CQO + "period"),
        "rank": idx.first(obs, _CQO + "rank"),
        "scope": idx.first(obs, _CQO + "rankScope"),
        "src": [quote(idx, s, section) for s in idx.values(obs, _DERIVED)],
        "ed": sorted({e for s in idx.values(obs, _DERIVED) for e in span_editions(idx, s)}),
    }


def assertion_quotes(
    idx: ResourceIndex, drawn: Iterable[str]
) -> dict[tuple[str, str, str], list[dict[str, str]]]:
    """Quotes of the reified relations that touch a drawn node (the only ones the page shows).

    The assertions are found from the drawn nodes (``rdf:subject``/``rdf:object`` links into
    them), not by a pass over every assertion of the graph: a corpus has one per relation
    stated per article, and the page draws a small part of them. Quotes of one relation come
    in assertion IRI order.
    """
    out: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    nodes = set(drawn)
    for a, *parts in idx.assertions_touching(nodes):
        key = (parts[0], parts[1], parts[2])
        if key[0] not in nodes and key[2] not in nodes:
            continue
        out[key].extend(quote(idx, s, "") for s in idx.values(a, _DERIVED))
    return out
