"""Assemble in the open world: candidates, labels in the source's script, identity across
scripts and sources, conflicts, editions, refused periods, rank populations and ranges.

Each test builds bundles from a tiny hand-written text (ingest and segment run for real; the
extraction is written by hand so the test pins what *assemble* does with it, not what the
extractors find) and checks the graph, then validates it with the real SHACL shapes.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
import rdflib.namespace as rns  # XSD via the module: pytest probes globals (warns)
from assemble_support import CURATION, REGISTRY
from assemble_support import bundle as _bundle
from assemble_support import mention as _mention
from assemble_support import obs as _obs
from assemble_support import validate as _validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.model import Candidate, Level
from graph.namespaces import CQR, NIF, PROV
from graph.pipeline import assemble
from graph.pipeline.assemble import Bundle
from graph.pipeline.assemble_iris import INDICATOR_RULE, indicator_iri
from graph.pipeline.assemble_observations import compatible
from graph.text import to_hans, to_hant
from graph.vocab import CQO

HANS = "重庆发布报告\n\n重庆互联网普及率72.5%,网上办事指数第9,重庆数谷科技公司发布。\n"
HANT = "重慶發布報告\n\n重慶互聯網普及率73.2%,網上辦事指數第9。\n"
HANT2 = "重慶再發布報告\n\n重慶互聯網普及率73.2%。\n"


def _hans_bundle(**over: object) -> Bundle:
    company = "重庆数谷科技公司"
    extraction: dict[str, object] = {
        "mentions": [
            _mention(HANS, "重庆", "place/chongqing", "hans"),
            _mention(HANS, company, "company/zhong-qing-shu-gu-ke-ji-gong-si", "hans"),
        ],
        "candidates": [
            Candidate(
                "company/zhong-qing-shu-gu-ke-ji-gong-si", "company", company, "zh-Hans", "suffix"
            )
        ],
        "observations": [
            _obs(HANS, "互联网普及率72.5%", "互联网普及率", "72.5%", "72.5"),
            _obs(
                HANS,
                "网上办事指数第9",
                "网上办事指数",
                "第9",
                "9",
                unit="",
                kind="rank",
                rank=9,
                rank_of=31,
            ),
        ],
    }
    extraction.update(over)
    return _bundle("hans", HANS, "zh-Hans", "2022", **extraction)


def _hant_bundle(sid: str = "hant", text: str = HANT) -> Bundle:
    obs = [_obs(text, "互聯網普及率73.2%", "互聯網普及率", "73.2%", "73.2")]
    if "網上辦事" in text:
        obs.append(
            _obs(text, "網上辦事指數第9", "網上辦事指數", "第9", "9", unit="", kind="rank", rank=9)
        )
    return _bundle(
        sid,
        text,
        "zh-Hant",
        "2022",
        mentions=[_mention(text, "重慶", "place/chongqing", sid)],
        observations=obs,
    )


def _labels(g: Graph, node: URIRef) -> dict[str, str]:
    return {
        str(lbl.language): str(lbl)
        for lbl in g.objects(node, RDFS.label)
        if isinstance(lbl, Literal)
    }


def test_candidate_entity_is_typed_labelled_in_both_scripts_with_its_rule() -> None:
    out = assemble.run([_hans_bundle()], REGISTRY, CURATION)
    g = out.data
    node = CQR["company/zhong-qing-shu-gu-ke-ji-gong-si"]
    assert (node, RDF.type, CQO.Company) in g
    assert (node, CQO.curationStatus, CQO.Candidate) in g
    assert g.value(node, CQO.rule) == Literal("suffix")
    # the zh-Hans source's label is @zh-Hans as written; zh-Hant comes from OpenCC
    assert _labels(g, node) == {
        "zh-Hans": "重庆数谷科技公司",
        "zh-Hant": to_hant("重庆数谷科技公司"),
    }
    assert len(list(g.subjects(CQO.refersTo, node))) == 1
    assert (CQR["place/chongqing"], CQO.curationStatus, CQO.Curated) in g
    assert out.counts["candidates"] == 2  # the company and the 2022 edition
    assert _validate(g) == []


def test_a_curated_entry_wins_over_a_candidate_with_the_same_folded_name() -> None:
    cand = Candidate("place/zhong-qing", "place", "重庆", "zh-Hans", "place-suffix")
    b = _hans_bundle(
        candidates=[cand], mentions=[_mention(HANS, "重庆", "place/zhong-qing", "hans")]
    )
    g = assemble.run([b], REGISTRY, CURATION).data
    assert (CQR["place/zhong-qing"], None, None) not in g
    span = next(g.subjects(CQO.refersTo, CQR["place/chongqing"]))
    assert str(g.value(span, NIF.anchorOf)) == "重庆"


def test_a_mention_of_an_unknown_id_is_an_error_finding_not_a_crash() -> None:
    b = _hans_bundle(mentions=[_mention(HANS, "重庆", "company/nobody", "hans")], candidates=[])
    out = assemble.run([b], REGISTRY, CURATION)
    [f] = [f for f in out.findings if f.code == "mention-unknown-entity"]
    assert f.level == Level.ERROR and (f.begin, f.end) == (
        HANS.index("重庆"),
        HANS.index("重庆") + 2,
    )


def test_one_indicator_across_scripts_curated_keeps_its_seed_iri_and_english() -> None:
    out = assemble.run([_hans_bundle(), _hant_bundle()], REGISTRY, CURATION)
    g = out.data
    node = CQR["indicator/hu-lian-wang-pu-ji-lv"]
    assert node == indicator_iri("互聯網普及率", "互聯網普及率") == indicator_iri("互联网普及率")
    assert set(g.subjects(RDF.type, CQO.Indicator)) == {
        node,
        CQR["indicator/wang-shang-ban-shi-zhi-shu"],
    }
    assert (node, CQO.curationStatus, CQO.Curated) in g
    assert _labels(g, node) == {
        "zh-Hant": "互聯網普及率",
        "zh-Hans": "互联网普及率",
        "en": "Internet penetration rate",
    }
    cand = CQR["indicator/wang-shang-ban-shi-zhi-shu"]
    assert (cand, CQO.curationStatus, CQO.Candidate) in g
    assert g.value(cand, CQO.rule) == Literal(INDICATOR_RULE)
    # a zh-Hant statement exists, so its label as written is the zh-Hant label
    assert _labels(g, cand) == {"zh-Hant": "網上辦事指數", "zh-Hans": "网上办事指数"}
    assert _validate(g) == []


def test_a_candidate_indicator_from_a_simplified_source_only() -> None:
    g = assemble.run([_hans_bundle()], REGISTRY, CURATION).data
    cand = CQR["indicator/wang-shang-ban-shi-zhi-shu"]
    assert _labels(g, cand) == {"zh-Hans": "网上办事指数", "zh-Hant": to_hant("网上办事指数")}
    obs = next(g.subjects(CQO.indicator, cand))
    assert _labels(g, obs)["zh-Hans"] == "网上办事指数 第9"


def test_the_same_figure_in_two_sources_is_one_observation_with_a_span_in_each() -> None:
    out = assemble.run([_hant_bundle(), _hant_bundle("hant2", HANT2)], REGISTRY, CURATION)
    g = out.data
    [obs] = [o for o in g.subjects(CQO.indicator, CQR["indicator/hu-lian-wang-pu-ji-lv"])]
    contexts = {str(g.value(s, NIF.referenceContext)) for s in g.objects(obs, PROV.wasDerivedFrom)}
    assert contexts == {str(CQR["source/hant"]), str(CQR["source/hant2"])}
    assert out.conflicts == [] and (obs, CQO.conflictsWith, None) not in g


def test_two_sources_that_disagree_keep_both_figures_linked_both_ways() -> None:
    out = assemble.run([_hans_bundle(), _hant_bundle()], REGISTRY, CURATION)
    g = out.data
    a = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-72.5"]
    b = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-73.2"]
    assert (a, CQO.conflictsWith, b) in g and (b, CQO.conflictsWith, a) in g
    [c] = out.conflicts
    assert (c.first, c.second, c.period, c.area) == (str(a), str(b), "2022", "place/chongqing")
    assert [s.quote for s in c.first_statements] == ["互联网普及率72.5%"]
    assert [(s.source_id, s.quote) for s in c.second_statements] == [("hant", "互聯網普及率73.2%")]
    # the rank 第9 is stated in both and agrees: one node, no conflict
    ranks = set(g.subjects(RDF.type, CQO.RankObservation))
    assert len(ranks) == 1
    assert _validate(g) == []


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        (("74", "more-than"), ("74.01", "exact"), True),
        (("74", "exact"), ("74.01", "exact"), False),
        (("300", "more-than-approximately"), ("250", "exact"), False),
        (("30", "nearly"), ("29.5", "exact"), True),
        (("30", "nearly"), ("31", "exact"), False),
        (("100", "approximately"), ("105", "exact"), True),
    ],
)
def test_compatible_honours_qualifiers(a: tuple[str, str], b: tuple[str, str], ok: bool) -> None:
    base = _obs(HANT, "互聯網普及率73.2%", "互聯網普及率", "73.2%", "73.2")
    x = replace(base, value=Decimal(a[0]), qualifier=a[1])
    y = replace(base, value=Decimal(b[0]), qualifier=b[1])
    assert compatible(x, y) is ok and compatible(y, x) is ok


def test_one_article_giving_two_values_is_a_warning_not_a_conflict() -> None:
    text = "重慶發布報告\n\n重慶互聯網普及率73.2%,另一口徑互聯網普及率75.1%。\n"
    b = _bundle(
        "one",
        text,
        "zh-Hant",
        "2022",
        mentions=[_mention(text, "重慶", "place/chongqing", "one")],
        observations=[
            _obs(text, "互聯網普及率73.2%", "互聯網普及率", "73.2%", "73.2"),
            _obs(text, "互聯網普及率75.1%", "互聯網普及率", "75.1%", "75.1"),
        ],
    )
    out = assemble.run([b], REGISTRY, CURATION)
    assert out.conflicts == []
    assert [f.code for f in out.findings] == ["indicator-two-values"]


def test_a_figure_without_a_period_is_refused_with_an_error() -> None:
    b = _hant_bundle()
    bad = replace(b.extraction.observations[0], period="")
    b.extraction.observations[0] = bad
    out = assemble.run([b], REGISTRY, CURATION)
    [f] = [f for f in out.findings if f.code == "observation-without-period"]
    assert f.level == Level.ERROR and f.source_id == "hant" and f.begin == bad.begin
    assert out.observation_iris[0][0] is None
    assert (None, CQO.indicator, CQR["indicator/hu-lian-wang-pu-ji-lv"]) not in out.data


def test_area_defaults_to_the_source_and_rank_population_and_ranges() -> None:
    b = _hans_bundle()
    rng = _obs(HANS, "互联网普及率72.5%", "互联网普及率", "72.5%", "70", value_max=Decimal("75"))
    b.extraction.observations.append(rng)
    out = assemble.run([b], REGISTRY, CURATION)
    g = out.data
    rank = next(iter(g.subjects(RDF.type, CQO.RankObservation)))
    assert g.value(rank, CQO.rankOf) == Literal(31, datatype=rns.XSD.integer)
    assert g.value(rank, CQO.rankScope) is None  # the text names no scope: none is invented
    assert g.value(rank, CQO.refArea) == CQR["place/chongqing"]  # SourceDocument.area
    [warn] = [f for f in out.findings if f.code == "rank-without-scope"]
    assert warn.level == Level.WARNING
    ranged = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-70-75"]
    assert g.value(ranged, CQO.valueMax) == Literal("75.0", datatype=rns.XSD.decimal)
    assert _validate(g) == []


def test_editions_are_documents_linked_in_order_and_articles_are_about_one() -> None:
    older = _hant_bundle()
    newer = replace(_hant_bundle("hant2023", HANT2), edition="2023")
    g = assemble.run([older, newer], REGISTRY, CURATION).data
    e22, e23 = CQR["document/cq-internet-report-2022"], CQR["document/cq-internet-report-2023"]
    assert (CQR["source/hant"], CQO.about, e22) in g
    assert (CQR["source/hant2023"], CQO.about, e23) in g
    assert (e23, CQO.previousEdition, e22) in g and (e22, CQO.previousEdition, None) not in g
    assert (e23, CQO.curationStatus, CQO.Curated) in g  # the registry's node
    assert (e22, CQO.curationStatus, CQO.Candidate) in g
    assert g.value(e22, CQO.edition) == Literal("2022", datatype=rns.XSD.gYear)
    assert _labels(g, e22)["zh-Hant"] == "重慶市互聯網發展報告(2022)"
    assert _labels(g, e22)["zh-Hans"] == to_hans("重慶市互聯網發展報告(2022)")
    assert _validate(g) == []


def test_the_short_title_in_an_article_on_another_edition_means_that_edition() -> None:
    text = "重慶發布報告\n\n《報告》顯示,重慶互聯網普及率73.2%。\n"
    b = _bundle(
        "short",
        text,
        "zh-Hant",
        "2022",
        mentions=[
            _mention(text, "重慶", "place/chongqing", "short"),
            _mention(text, "《報告》", "document/cq-internet-report-2023", "short"),
        ],
        observations=[_obs(text, "互聯網普及率73.2%", "互聯網普及率", "73.2%", "73.2")],
    )
    g = assemble.run([b], REGISTRY, CURATION).data
    [span] = g.subjects(CQO.refersTo, CQR["document/cq-internet-report-2022"])
    assert (CQR["document/cq-internet-report-2023"], None, None) not in g
    assert span == CQR[f"span/short/{text.index('《報告》')}-{text.index('《報告》') + 4}"]


def test_a_candidate_document_that_is_an_edition_of_the_report_becomes_that_edition() -> None:
    text = "重庆发布报告\n\n《重庆市互联网发展报告(2022)》显示,重庆互联网普及率72.5%。\n"
    title = "《重庆市互联网发展报告(2022)》"
    cand = Candidate("document/report-2022", "document", title, "zh-Hans", "book-title", "2022")
    b = _bundle(
        "ed",
        text,
        "zh-Hans",
        "2022",
        candidates=[cand],
        mentions=[
            _mention(text, "重庆", "place/chongqing", "ed"),
            _mention(text, title, "document/report-2022", "ed"),
        ],
        observations=[_obs(text, "互联网普及率72.5%", "互联网普及率", "72.5%", "72.5")],
    )
    g = assemble.run([b], REGISTRY, CURATION).data
    assert (CQR["document/report-2022"], None, None) not in g
    assert (None, CQO.refersTo, CQR["document/cq-internet-report-2022"]) in g


def test_a_unit_the_curation_does_not_know_is_minted_and_reported_not_a_crash() -> None:
    b = _hant_bundle()
    b.extraction.observations[0] = replace(
        b.extraction.observations[0], unit="咕嚕"
    )  # no such unit
    out = assemble.run([b], REGISTRY, CURATION)
    [f] = [f for f in out.findings if f.code == "unit-uncurated"]
    assert f.level == Level.WARNING and "咕嚕" in f.message
    unit = CQR["unit/gu-lu"]
    assert (None, CQO.unit, unit) in out.data and (unit, RDF.type, CQO.CountUnit) in out.data
    assert _validate(out.data) == []


def test_a_simplified_unit_finds_its_curated_row() -> None:
    assert CURATION.has_unit("小时") and not CURATION.has_unit("咕嚕")
    assert CURATION.unit("小时").iri == CURATION.unit("小時").iri


def test_relations_and_posts_may_name_candidates() -> None:
    from graph.model import Post, Relation

    text = "重庆发布报告\n\n重庆数谷科技公司总经理王五介绍,重庆互联网普及率72.5%。\n"
    company, person = "company/shu-gu", "person/wang-wu"
    mentions = [
        _mention(text, "重庆", "place/chongqing", "rel"),
        _mention(text, "重庆数谷科技公司", company, "rel"),
        _mention(text, "王五", person, "rel"),
    ]
    begin, end = text.index("重庆数谷"), text.index("王五") + 2
    b = _bundle(
        "rel",
        text,
        "zh-Hans",
        "2022",
        mentions=mentions,
        candidates=[
            Candidate(company, "company", "重庆数谷科技公司", "zh-Hans", "company-suffix"),
            Candidate(person, "person", "王五", "zh-Hans", "title-person"),
        ],
        posts=[Post("post/shu-gu/zong-jing-li", "总经理", company, person, begin, end, "")],
        relations=[Relation(company, "cqo:locatedIn", "place/chongqing", begin, end, "", "r")],
        observations=[_obs(text, "互联网普及率72.5%", "互联网普及率", "72.5%", "72.5")],
    )
    g = assemble.run([b], REGISTRY, CURATION).data
    post = CQR["post/shu-gu/zong-jing-li"]
    assert _labels(g, post) == {
        "zh-Hans": "重庆数谷科技公司总经理",
        "zh-Hant": "重慶數谷科技公司總經理",
    }
    assert (CQR[person], URIRef("http://www.w3.org/ns/org#holds"), post) in g
    assert (CQR[company], CQO.locatedIn, CQR["place/chongqing"]) in g


def test_an_area_or_scope_naming_a_candidate_follows_it_or_is_dropped_with_a_warning() -> None:
    text = "重庆发布报告\n\n西部重庆互联网普及率72.5%,网上办事指数第9。\n"
    b = _bundle(
        "area",
        text,
        "zh-Hans",
        "2022",
        mentions=[
            _mention(text, "重庆", "place/chongqing", "area"),
            _mention(text, "西部", "place/xi-bu", "area"),
        ],
        # the rule's 西部 is the registry's western China (same folded name): it follows it
        candidates=[Candidate("place/xi-bu", "place", "西部", "zh-Hans", "place-word")],
        observations=[
            _obs(text, "互联网普及率72.5%", "互联网普及率", "72.5%", "72.5", area="place/xi-bu"),
            _obs(
                text,
                "网上办事指数第9",
                "网上办事指数",
                "第9",
                "9",
                unit="",
                kind="rank",
                rank=9,
                rank_scope="agency/cq-cac",  # not a place
            ),
        ],
    )
    out = assemble.run([b], REGISTRY, CURATION)
    g = out.data
    quantity = next(g.subjects(CQO.indicator, CQR["indicator/hu-lian-wang-pu-ji-lv"]))
    assert g.value(quantity, CQO.refArea) == CQR["place/western-china"]
    rank = next(g.subjects(RDF.type, CQO.RankObservation))
    assert g.value(rank, CQO.rankScope) is None
    assert {f.code for f in out.findings} == {"scope-unknown", "rank-without-scope"}
    assert _validate(g) == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("報告發布\n\n互聯網普及率73.2%。\n", "zh-Hant"),
        ("报告发布\n\n互联网普及率73.2%。\n", "zh-Hans"),
    ],
)
def test_manifest_area_not_named_in_the_text_is_still_a_place(text: str, lang: str) -> None:
    """A source whose manifest says area place/hubei but whose text never names 湖北: the
    figures' cqo:refArea is the curated place node (it was an undeclared IRI, failing SHACL)."""
    quote = "普及率73.2%"
    obs = _obs(text, quote, text[text.index(quote) - 3 : text.index(quote) + 3], "73.2%", "73.2")
    b = _bundle("area", text, lang, "2022", observations=[obs])
    b = replace(b, doc=replace(b.doc, area="place/hubei"))
    g = assemble.run([b], REGISTRY, CURATION).data
    hubei = URIRef("https://w3id.org/cqkg/id/place/hubei")
    assert (None, CQO.refArea, hubei) in g
    assert (hubei, RDF.type, CQO.Place) in g
    assert _validate(g) == []
