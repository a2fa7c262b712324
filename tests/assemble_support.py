"""Hand-made bundles for the assemble tests: a tiny text through the real ingest and segment,
with the extraction written by hand (so a test pins what *assemble* does, not what the
extractors find), and the real SHACL shapes to validate the result."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pyshacl
from rdflib import Graph

from graph.curation.registry import load_registry
from graph.curation.vocabularies import load_curation
from graph.model import Extraction, Mention, Observation, SourceDocument
from graph.pipeline import ingest, segment
from graph.pipeline.assemble import Bundle
from graph.triple_index import on_memory
from graph.vocab import load_ontology, load_shapes

REGISTRY = load_registry()
CURATION = load_curation()


def bundle(sid: str, text: str, lang: str, edition: str, **extraction: object) -> Bundle:
    raw = text.encode("utf-8")
    doc = SourceDocument(
        id=sid,
        path=f"/fixtures/{sid}/raw.txt",
        raw_bytes=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=text.split("\n", 1)[0],
        publisher="測試",
        date=f"{int(edition) + 1}-09-15",
        language=lang,
    )
    clean = ingest.run(doc)
    seg = segment.run(clean)
    ex = Extraction(source_id=sid, **extraction)  # type: ignore[arg-type]
    return Bundle(doc=doc, clean=clean, seg=seg, extraction=ex, edition=edition)


def mention(b_text: str, surface: str, entity_id: str, sid: str) -> Mention:
    begin = b_text.index(surface)
    return Mention(entity_id, begin, begin + len(surface), surface, f"{sid}/s000.00", surface)


def obs(
    text: str, quote: str, indicator: str, stated: str, value: str, **kw: object
) -> Observation:
    begin = text.index(quote)
    vb = text.index(stated, begin)
    fields: dict[str, object] = {
        "unit": "%",
        "qualifier": "exact",
        "kind": "quantity",
        "period": "2022",
        "sentence_id": "",
    }
    fields.update(kw)
    return Observation(
        indicator=indicator,
        stated_value=stated,
        value=Decimal(value),
        begin=begin,
        end=begin + len(quote),
        value_begin=vb,
        value_end=vb + len(stated),
        **fields,  # type: ignore[arg-type]
    )


def validate(g: Graph) -> list[str]:
    conforms, _results, text = pyshacl.validate(
        on_memory(g),
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        advanced=True,
    )
    return [] if conforms else [text]
