"""The assembler's view of the curated files: every lookup it needs resolves, and
themes.yaml (English names of the section headings) is sorted, unique and fully used."""

from __future__ import annotations

from pathlib import Path

import yaml

from graph.curation.vocabularies import CURATION_DIR, load_curation
from graph.pipeline import ingest, segment
from graph.pipeline.sources import load_sources

THEMES = CURATION_DIR / "themes.yaml"


def _headings() -> list[str]:
    headings = []
    for doc in load_sources():
        headings += [s.heading for s in segment.run(ingest.run(doc)).sections if s.heading]
    return headings


def test_themes_sorted_unique_and_every_row_used() -> None:
    rows = yaml.safe_load(THEMES.read_text(encoding="utf-8"))
    keys = [r["heading"] for r in rows]
    assert keys == sorted(keys), f"sort {THEMES.name} by heading"
    assert len(set(keys)) == len(keys)
    assert all(r.get("en") for r in rows)
    headings = _headings()
    assert set(keys) == set(headings), "every heading has an English name and every row is used"


def test_every_theme_gets_an_english_label(built) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph
    from rdflib.namespace import RDF, RDFS

    from graph.vocab import CQO

    g = Graph().parse(Path(built.out_dir) / "cqkg.nt", format="nt")
    themes = set(g.subjects(RDF.type, CQO.Theme))
    assert len(themes) == 15
    for t in themes:
        assert any(getattr(lbl, "language", None) == "en" for lbl in g.objects(t, RDFS.label)), t


def test_lookups_resolve() -> None:
    cur = load_curation()
    assert cur.theme_en("互聯網賦能高效能治理") == "The internet empowering effective governance"
    assert cur.theme_en("沒有這個標題") is None
    assert cur.unit("%").iri.endswith("PERCENT")
    assert cur.qualifier("more-than").label_en
