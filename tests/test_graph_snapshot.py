"""Reviewable snapshots of what the graph says: every figure and every entity, one line each.

The full N-Triples are too long to review in a diff; these two files are not. Any change to
what the build extracts shows up here as a line-level diff. After an intended change, refresh
with ``pytest tests/test_graph_snapshot.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.pipeline.run import BuildResult
from graph.sparql.engines import open_engine, run_query

GOLDEN = Path(__file__).parent / "golden"

OBSERVATIONS = """
SELECT ?obs ?indicator ?stated ?value ?unit ?qualifier ?rank ?scope ?about ?quotes WHERE {
  {
    SELECT ?obs (GROUP_CONCAT(DISTINCT ?s; separator=" / ") AS ?stated)
           (GROUP_CONCAT(DISTINCT ?q; separator=" / ") AS ?quotes)
    WHERE { ?obs a cqo:Observation ; cqo:statedValue ?s ; prov:wasDerivedFrom/nif:anchorOf ?q }
    GROUP BY ?obs
  }
  ?obs cqo:indicator/rdfs:label ?indicator ; cqo:qualifier ?qualifier .
  FILTER(langMatches(lang(?indicator), "zh-Hant"))
  OPTIONAL { ?obs cqo:value ?value } OPTIONAL { ?obs cqo:unit ?unit }
  OPTIONAL { ?obs cqo:rank ?rank ; cqo:rankScope ?scope } OPTIONAL { ?obs cqo:about ?about }
} ORDER BY ?obs
"""

ENTITIES = """
SELECT ?e ?class ?hant ?hans ?en WHERE {
  ?span cqo:refersTo ?e . ?e a ?class .
  FILTER(STRSTARTS(STR(?class), STR(cqo:)))
  ?e rdfs:label ?hant . FILTER(langMatches(lang(?hant), "zh-Hant"))
  ?e rdfs:label ?hans . FILTER(langMatches(lang(?hans), "zh-Hans"))
  OPTIONAL { ?e rdfs:label ?en . FILTER(langMatches(lang(?en), "en")) }
} GROUP BY ?e ?class ?hant ?hans ?en ORDER BY ?e ?class
"""


def _short(value: str) -> str:
    for prefix, iri in (
        ("cqr:", "https://w3id.org/cqkg/id/"),
        ("cqo:", "https://w3id.org/cqkg/ontology#"),
        ("unit:", "http://qudt.org/vocab/unit/"),
        ("cur:", "http://qudt.org/vocab/currency/"),
    ):
        if value.startswith(iri):
            return prefix + value[len(iri) :]
    return value


def _table(built: BuildResult, query: str) -> str:
    result = run_query(open_engine("oxigraph", built.out_dir), query)
    lines = ["\t".join(v.lstrip("?") for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else _short(t.value) for t in row))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "query"), [("observations.tsv", OBSERVATIONS), ("entities.tsv", ENTITIES)]
)
def test_graph_matches_reviewed_snapshot(built: BuildResult, name: str, query: str) -> None:
    actual = _table(built, query)
    path = GOLDEN / name
    if os.environ.get("CQKG_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run pytest {__file__} --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} changed: review, then refresh with --update-golden"
