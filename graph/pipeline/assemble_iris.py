"""The IRI scheme of the data graph and the helpers every kind of node uses.

Every IRI is derived from content (registry ids, pinyin slugs of labels, offsets), never random,
so two builds give the same graph; see docs/design/graph-shape.md. Kept apart from the builders
so that validate, checks and the tests can name a node without building a graph.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.namespaces import CQR
from graph.text import fold, slug, to_hans, to_hant
from graph.vocab import CQO

STAGE = "assemble"

CLASS_IRI: dict[str, URIRef] = {
    "agency": CQO.Agency,
    "person": CQO.Person,
    "company": CQO.Company,
    "platform": CQO.Platform,
    "project": CQO.Project,
    "product": CQO.Product,
    "place": CQO.Place,
    "document": CQO.Document,
    "event": CQO.Event,
}
SUBCLASS_IRI: dict[str, URIRef] = {"Pilot": CQO.Pilot}
KIND_CLASS: dict[str, URIRef] = {
    "rank": CQO.RankObservation,
    "growth": CQO.GrowthObservation,
    "tier": CQO.TierObservation,
}
DATASET = CQR["dataset/figures"]
"""One qb:DataSet for every figure of every source: the same figure stated in two sources is
one observation (Data Cube IC-1 wants exactly one dataset per observation); which source said
it is in the observation's spans, not in its dataset."""
FRONT_MATTER_LABELS = {"zh-Hant": "導語", "zh-Hans": "导语", "en": "Lead"}
EDITION_PREFIX = "document/cq-internet-report-"
"""Registry id of a report edition minus its year (``document/cq-internet-report-2023``)."""
INDICATOR_RULE = "indicator-label"
"""cqo:rule of a candidate indicator: its label is the measured noun phrase the metrics
extractor read from the text (``Observation.indicator``)."""
EDITION_RULE = "report-edition"
"""cqo:rule of an edition document not in the registry: the edition an article covers
(manifest ``edition``, the title or the body, see ``graph.pipeline.run``)."""
YEAR = re.compile(r"(?:19|20)\d\d")


def entity_iri(entity_id: str) -> URIRef:
    return CQR[entity_id]


def source_iri(source_id: str) -> URIRef:
    return CQR[f"source/{source_id}"]


def span_iri(source_id: str, begin: int, end: int) -> URIRef:
    return CQR[f"span/{source_id}/{begin}-{end}"]


def theme_iri(section_id: str) -> URIRef:
    return CQR[f"theme/{section_id}"]


def indicator_key(label: str) -> str:
    """Identity of an indicator across scripts and sources: the folded label."""
    return fold(label)


@lru_cache(maxsize=1 << 16)
def indicator_iri(label: str, curated: str | None = None) -> URIRef:
    """``cqr:indicator/<slug>``: the same IRI for every script of one indicator.

    A curated indicator keeps the slug of its registry label's Simplified form (the IRIs the
    seed has always had); a candidate's slug is taken from the folded label, so 网民数量 and
    網民數量 (and ＡＩ / AI) give one IRI whichever source came first. Memoised: a pure
    function of its two strings, asked twice per figure, and the pinyin of a slug was a sixth
    of the assembly of a corpus.
    """
    if curated is not None:
        return CQR[f"indicator/{slug(to_hans(curated))}"]
    return CQR[f"indicator/{slug(indicator_key(label))}"]


def edition_id(year: str) -> str:
    return f"{EDITION_PREFIX}{year}"


def edition_year(entity_id: str) -> str | None:
    """The year of a report-edition id (``document/cq-internet-report-2023`` -> "2023")."""
    if entity_id.startswith(EDITION_PREFIX):
        year = entity_id[len(EDITION_PREFIX) :]
        if YEAR.fullmatch(year):
            return year
    return None


def script_of(language: str) -> str:
    """The BCP 47 tag our labels use for a source language: zh-Hans or zh-Hant."""
    lang = language.strip().lower()
    return "zh-Hans" if lang in {"zh-cn", "zh-sg"} or "hans" in lang else "zh-Hant"


def both_scripts(text: str, lang: str) -> tuple[str, str]:
    """(zh-Hant, zh-Hans) of a text written in ``lang``: as written, and by OpenCC."""
    if lang == "zh-Hans":
        return to_hant(text), text
    return text, to_hans(text)


def decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def lit_decimal(value: Decimal) -> Literal:
    """xsd:decimal in the canonical form Turtle also writes (``38.0``, ``74.01``).

    Writing ``38`` in N-Triples but ``38.0`` in Turtle would make the two files different
    lexical forms of the same value; graph comparison would then (rightly) call them unequal.
    """
    text = decimal_text(value)
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)
