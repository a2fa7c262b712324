"""The curation queue (graph.pipeline.curation_queue, build/curation-queue.yaml) and promotion.

Promotion is the workflow the queue exists for: paste a queued row into the registry, add an
English name, rebuild. The end-to-end test checks that the node keeps its IRI, becomes
cqo:Curated, and that nothing else in the graph changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fixture_support import write_source
from rdflib import Graph, URIRef

from graph.curation.registry import ENTITIES_FILE, load_registry
from graph.model import Candidate, Extraction, Mention, Observation
from graph.pipeline import curation_queue
from graph.pipeline.extract import candidates, entities
from graph.pipeline.run import run
from graph.text import to_hans
from graph.vocab import CQO
from pipeline.extract.conftest import stand_in

SEED = Path(__file__).resolve().parents[2] / "graph" / "sources"

# Written for this test (an invented official and outlet); one figure the seed also states.
ARTICLE = (
    "重慶召開數字經濟座談會\n"
    "2024-10-20 10:00:00 來源: 測試觀察網\n\n"
    "市委網信辦副主任張明遠介紹,2023年全市網民數量2362萬人。張明遠表示,將持續推進數字重慶建設。\n"
)


def _extraction(text: str, source_id: str = "t") -> tuple[Extraction, str]:
    registry = load_registry()
    clean, seg = stand_in(text, source_id)
    curated, _ = entities.run(clean, seg, registry)
    ex = Extraction(source_id=source_id)
    ex.candidates, ex.mentions, _ = candidates.run(clean, seg, registry, curated)
    return ex, clean.text


def _obs(label: str, begin: int, end: int) -> Observation:
    return Observation(label, "1個", None, "個", "exact", "quantity", begin, end, begin, end, "")


def test_rows_are_registry_rows_and_sorted() -> None:
    ex, text = _extraction(ARTICLE)
    hans, hans_text = _extraction(to_hans(ARTICLE), "t-hans")
    out = curation_queue.render([ex, hans], {"t": text, "t-hans": hans_text})
    data = yaml.safe_load(out)
    rows = data["entities"]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert {r["id"] for r in rows} == {"person/zhang-ming-yuan", "company/ce-shi-guan-cha-wang"}
    for r in rows:
        assert set(r) <= {"id", "class", "label", "aliases", "en", "note"}
        assert r["en"] == "" and r["id"].startswith(r["class"] + "/")
        assert "(" in r["note"] and " in t" in r["note"]  # the rule and the source
    person = next(r for r in rows if r["class"] == "person")
    assert person["label"] == "張明遠"  # zh-Hant, also when a zh-Hans source found it first
    assert "aliases" not in person  # 张明远 folds to the same key: not a second form
    assert "張明遠介紹" in person["note"]  # a quote of the place it was found
    assert data["indicators"] == []


def test_indicator_rows_only_for_unknown_labels() -> None:
    ex, text = _extraction(ARTICLE)
    ex.observations = [_obs("網民數量", 0, 4), _obs("座談會數量", 5, 9)]
    out = curation_queue.render([ex], {"t": text}, lambda label: label == "網民數量")
    rows = yaml.safe_load(out)["indicators"]
    assert rows == [{"zh": "座談會數量", "en": ""}]
    assert "# t: “" in out  # the quote above the row


def test_deterministic_and_empty_lists() -> None:
    ex, text = _extraction(ARTICLE)
    assert curation_queue.render([ex], {"t": text}) == curation_queue.render([ex], {"t": text})
    empty = yaml.safe_load(curation_queue.render([], {}))
    assert empty == {"entities": [], "indicators": []}


def test_a_queued_row_with_an_english_name_loads_as_a_registry_row(tmp_path: Path) -> None:
    ex, text = _extraction(ARTICLE)
    row = next(
        r
        for r in yaml.safe_load(curation_queue.render([ex], {"t": text}))["entities"]
        if r["class"] == "person"
    )
    registry = _promote(tmp_path, row, "Zhang Mingyuan")
    ent = load_registry(registry)[row["id"]]
    assert (ent.label, ent.en, ent.cls) == ("張明遠", "Zhang Mingyuan", "person")


def _promote(tmp_path: Path, row: dict, en: str) -> Path:
    rows = yaml.safe_load(ENTITIES_FILE.read_text(encoding="utf-8"))
    rows.append({**row, "en": en})
    rows.sort(key=lambda r: r["id"])
    path = tmp_path / "entities.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _triples(out: Path) -> set[tuple]:
    g = Graph()
    g.parse(out / "cqkg.nt", format="nt")
    return set(g)


@pytest.mark.slow
def test_promotion_changes_only_the_promoted_node(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SEED, sources)
    write_source(
        sources,
        ARTICLE.encode("utf-8"),
        {
            "title": "重慶召開數字經濟座談會",
            "publisher": "測試觀察網",
            "date": "2024-10-20",
            "language": "zh-Hant",
        },
        "test-2024-10-20-open-world",
    )
    first = run(out_dir=tmp_path / "a" / "build", sources_root=sources)
    queue = yaml.safe_load((first.out_dir / "curation-queue.yaml").read_text(encoding="utf-8"))
    row = next(r for r in queue["entities"] if r["id"] == "person/zhang-ming-yuan")
    node = URIRef(f"https://w3id.org/cqkg/id/{row['id']}")
    before = _triples(first.out_dir)
    assert (node, CQO.curationStatus, CQO.Candidate) in before

    registry = _promote(tmp_path, row, "Zhang Mingyuan")
    second = run(out_dir=tmp_path / "b" / "build", sources_root=sources, registry_path=registry)
    after = _triples(second.out_dir)
    assert (node, CQO.curationStatus, CQO.Curated) in after
    changed = before ^ after
    assert changed, "promotion changed nothing"
    assert {t[0] for t in changed} == {node}, sorted({str(t[0]) for t in changed})
    queue2 = yaml.safe_load((second.out_dir / "curation-queue.yaml").read_text(encoding="utf-8"))
    assert row["id"] not in {r["id"] for r in queue2["entities"]}


@pytest.mark.parametrize(
    ("label", "lang"),
    [("《重慶市互聯網發展報告(2022)》", "zh-Hant"), ("《重庆市互联网发展报告(2022)》", "zh-Hans")],
)
def test_a_row_has_the_id_the_graph_gives_and_a_curated_winner_is_not_queued(
    label: str, lang: str
) -> None:
    """A candidate that assemble resolved (``Assembled.resolved``) is queued under the id its
    node has, so promoting it cannot mint a second node; one a curated entry won is not queued."""

    text = f"標題\n\n{label}發布,測試數據科技公司參與。\n"
    edition = Candidate(
        "document/chong-qing-2022", "document", label, lang, "document-title", "2022"
    )
    company = Candidate("company/ce-shi", "company", "測試數據科技公司", lang, "company-suffix")
    begin = text.index(label)
    ex = Extraction(
        source_id="t",
        candidates=[edition, company],
        mentions=[Mention(edition.id, begin, begin + len(label), label, "t/s000.00", label)],
    )
    out = curation_queue.render(
        [ex],
        {"t": text},
        resolved={edition.id: "document/cq-internet-report-2022", company.id: "company/known"},
        curated=lambda entity_id: entity_id == "company/known",
    )
    rows = yaml.safe_load(out)["entities"]
    assert [r["id"] for r in rows] == ["document/cq-internet-report-2022"]
    assert "發布" in rows[0]["note"] or "发布" in rows[0]["note"]
