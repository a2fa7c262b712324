"""The team's fixture articles: well-formed gold, a scorer that is itself tested, and the
acceptance numbers of the open-world issue measured against them.

The acceptance tests (precision and recall >= 0.95 on kind, value, unit, qualifier, period and
indicator, no wrong magnitude; the simplified seed; a build of the seed plus every fixture)
are hard assertions. One article falls short and is a strict ``xfail`` naming what is
missing, so the day it passes the marker must go (see ``BELOW_TARGET``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from fixture_support import (
    ACCEPTANCE_FIELDS,
    ARTICLES,
    ENTITY_CLASSES,
    FIELDS,
    KINDS,
    QUALIFIERS,
    SEED_SOURCES,
    Fixture,
    GoldRow,
    aligner,
    compare_seed,
    copy_sources,
    extract_figures,
    fixture_ids,
    gold_span,
    is_fraction,
    is_wrong_magnitude,
    load_fixture,
    read_gold,
    score,
    score_entities,
    score_fixture,
    simplified_seed,
)

from graph.model import Mention, Observation
from graph.pipeline import ingest
from graph.text import fold, han_count

IDS = fixture_ids()
#: fixtures below the acceptance bar, with the reason (strict: passing fails the suite)
BELOW_TARGET: dict[str, str] = {}
#: damaged fixtures whose clean text the cleaner does not give back yet, with the reason
#: (strict: the day the cleaner gives it back the test fails until the entry goes)
CLEAN_BELOW_TARGET: dict[str, str] = {}
#: fixtures the build refuses outright, with the reason: they stay out of the build of the seed
#: plus every fixture and are each a strict xfail until their text yields figures
BUILD_REFUSED: dict[str, str] = {}
LICENCE = "Fixture written by the cqkg team for tests; invented figures."


@pytest.fixture(scope="module", params=IDS)
def fixture(request: pytest.FixtureRequest) -> Fixture:
    return load_fixture(request.param)


def observation_from(row: GoldRow, span: tuple[int, int]) -> Observation:
    """The observation a perfect extractor would emit for a gold row (scorer self-test)."""
    fraction = is_fraction(row.stated_value)
    value = Decimal(row.value) if row.value else None
    return Observation(
        indicator=row.indicator,
        stated_value=row.stated_value,
        # a fraction's exact value differs from its 4-place gold in the 5th decimal
        value=value + Decimal("0.00004") if fraction and value is not None else value,
        unit=row.unit,
        qualifier=row.qualifier,
        kind=row.kind,
        begin=span[0],
        end=span[1],
        value_begin=span[0],
        value_end=span[1],
        sentence_id="s",
        period=row.period,
        area=row.area,
        rank=int(row.rank) if row.rank else None,
        rank_scope=row.rank_scope or None,
        rank_of=int(row.rank_of) if row.rank_of else None,
        value_max=Decimal(row.value_max) if row.value_max else None,
        tier=row.tier or None,
    )


# ---------------------------------------------------------------- the set itself


def test_the_set_covers_both_scripts_both_editions_and_damage() -> None:
    fixtures = [load_fixture(i) for i in IDS]
    assert len(fixtures) >= 6
    langs = {f.doc.language for f in fixtures}
    assert langs == {"zh-Hans", "zh-Hant"}
    editions = {f.doc.report for f in fixtures}
    assert {"重庆市互联网发展报告(2022)", "重慶市互聯網發展報告(2022)"} & editions
    assert any("2023" in e for e in editions)
    assert any("重庆" not in fold(f.doc.report) for f in fixtures), "one fixture from elsewhere"
    damaged = [f for f in fixtures if f.damaged]
    assert {f.doc.language for f in damaged} == {"zh-Hans", "zh-Hant"}


def test_manifest_matches_the_folder(fixture: Fixture) -> None:
    doc = fixture.doc  # load_source already refused a wrong sha256 or id
    assert doc.id == fixture.directory.name
    assert doc.language in ("zh-Hans", "zh-Hant")
    assert doc.licence == LICENCE
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", doc.date)
    assert re.search(r"报告\((19|20)\d\d\)$", fold(doc.report)), doc.report
    assert doc.publisher and doc.title


#: fixtures shorter than the 1,500-character floor, with (characters, Han characters) as
#: written: a short news item is coverage too (exact: an edit that changes the size fails)
SHORT_ITEMS: dict[str, tuple[int, int]] = {
    "fx-h27-renmin-2023-cq2022-hans": (1342, 996),
    "fx-h28-yuzhou-2024-cq2023-hant": (1396, 1073),
}


def test_article_size_and_figure_count(fixture: Fixture) -> None:
    """A fixture is article-sized: 1,500-4,000 characters, 15-35 figures, more than 1,000 Han
    characters; only the short items listed, at exactly their size."""
    size = (len(fixture.gold_text), han_count(fixture.gold_text))
    if fixture.id in SHORT_ITEMS:
        assert size == SHORT_ITEMS[fixture.id], size
    else:
        assert 1500 <= size[0] <= 4000, size
        assert size[1] > 1000, size
    assert 15 <= len(fixture.gold) <= 35, len(fixture.gold)


def test_gold_is_well_formed(fixture: Fixture) -> None:
    ids = [r.id for r in fixture.gold]
    assert len(ids) == len(set(ids)), "duplicate gold ids"
    by_id = {r.id: r for r in fixture.gold}
    spans = set()
    for r in fixture.gold:
        where = f"{fixture.id} {r.id}"
        span = gold_span(fixture.gold_text, r)
        assert span is not None, f"{where}: {r.stated_value!r} has no occurrence {r.occ}"
        assert span not in spans, f"{where}: two rows on one span"
        spans.add(span)
        assert r.qualifier in QUALIFIERS, where
        assert r.kind in KINDS, where
        assert re.fullmatch(r"(19|20)\d\d", r.period), where
        assert r.area.startswith("place/"), where
        assert r.indicator and r.indicator == r.indicator.strip(), where
        if r.kind == "tier":
            assert r.value == "" and r.tier.isdigit() and not r.rank, where
        else:
            # a decline is a growth with a negative value (下降1.6% -> -1.6); nothing else is signed
            assert r.tier == "", where
            assert Decimal(r.value) >= 0 or r.kind == "growth", f"{where}: negative non-growth"
        if r.kind == "rank":
            assert r.rank == r.value and r.rank_scope.startswith("place/"), where
            assert r.unit == "", where
        else:
            assert r.rank == r.rank_scope == r.rank_of == "", where
        if r.value_max:
            assert Decimal(r.value_max) > Decimal(r.value), where
        if is_fraction(r.stated_value):
            assert re.fullmatch(r"\d\.\d{4}", r.value), f"{where}: fraction to 4 places"
        if r.growth_of:
            assert r.kind == "growth", where
            assert by_id[r.growth_of].kind == "quantity", where
            assert fold(by_id[r.growth_of].indicator) == fold(r.indicator), where


def test_entities_are_well_formed(fixture: Fixture) -> None:
    labels = [label for label, _ in fixture.entities]
    assert len(labels) == len(set(labels))
    for label, cls in fixture.entities:
        assert cls in ENTITY_CLASSES, (label, cls)
        assert label in fixture.gold_text, f"{fixture.id}: {label!r} not in the text"


def test_damaged_article_cleans_to_its_expected_text(fixture: Fixture) -> None:
    if not fixture.damaged:
        # an undamaged fixture is its own clean text (up to NFKC of the page's punctuation)
        clean = ingest.run(fixture.doc)
        assert clean.report.counts.get("pinyin-tag", 0) == 0
        assert clean.report.counts.get("injected-punctuation", 0) == 0
        return
    assert fixture.raw_text != fixture.gold_text
    assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", fixture.raw_text)
    clean = ingest.run(fixture.doc)
    # up to NFKC, as for undamaged fixtures: the cleaner normalises the page's full-width
    # punctuation by design (ingest's nfkc rule), so ：（） in the hand-written text are :();
    # it keeps spaces as they are (U+3000 too), so both sides are compared after NFKC
    expected = unicodedata.normalize("NFKC", fixture.gold_text)
    got = unicodedata.normalize("NFKC", clean.text)
    if fixture.id in CLEAN_BELOW_TARGET:
        assert got != expected, "cleans now: remove it from CLEAN_BELOW_TARGET"
        pytest.xfail(CLEAN_BELOW_TARGET[fixture.id])
    assert got == expected


# ---------------------------------------------------------------- the scorer


def test_perfect_observations_score_one_on_every_field(fixture: Fixture) -> None:
    obs = [observation_from(r, gold_span(fixture.gold_text, r) or (0, 0)) for r in fixture.gold]
    s = score(fixture.gold, obs, fixture.gold_text, default_area=fixture.doc.area)
    assert s.matched == s.n_gold == s.n_obs
    for name in FIELDS:
        assert s.precision(name) == s.recall(name) == 1.0, name
    assert s.exact == s.n_gold and not s.wrong_magnitude


def test_scorer_counts_each_kind_of_mistake() -> None:
    fx = load_fixture(IDS[0])
    rows = [r for r in fx.gold if r.unit in ("人", "元") and r.kind == "quantity"][:2]
    assert len(rows) == 2
    good = [observation_from(r, gold_span(fx.gold_text, r) or (0, 0)) for r in rows]
    lost_wan = replace(good[0], value=(good[0].value or Decimal(0)) / 10000)
    moved = replace(good[1], value_begin=0, value_end=1)
    s = score(rows, [lost_wan, moved], fx.gold_text)
    assert s.matched == 1 and len(s.unmatched_obs) == 1
    assert s.pairs[0].wrong == ("value",)
    assert len(s.wrong_magnitude) == 1
    assert s.recall("value") == 0.0 and s.recall("unit") == 0.5
    assert s.precision() == 0.5


def test_wrong_magnitude_is_a_power_of_ten_only() -> None:
    assert is_wrong_magnitude(Decimal(23620000), Decimal(2362))
    assert is_wrong_magnitude(Decimal("0.74"), Decimal(74))
    assert not is_wrong_magnitude(Decimal(2362), Decimal(2362))
    assert not is_wrong_magnitude(Decimal(2362), Decimal(4724))
    assert not is_wrong_magnitude(None, Decimal(1))


def test_aligner_carries_offsets_across_script_and_damage() -> None:
    gold = "全市網民數量2362萬人、互聯網普及率超74%。"
    damaged = "全市網(wǎng)民數(shù)量2362萬人,、互聯(lián)網普及率超74%。"
    to_damaged = aligner(gold, damaged)
    b = gold.index("2362")
    assert damaged[to_damaged(b) or 0 :].startswith("2362萬人")
    to_hans = aligner(gold, "全市网民数量2362万人、互联网普及率超74%。")
    assert to_hans(gold.index("超74%")) == gold.index("超74%")


def test_read_gold_refuses_a_bad_header(tmp_path: Path) -> None:
    bad = tmp_path / "gold.tsv"
    bad.write_text("# c\nid\tstated\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_gold(bad)


# ---------------------------------------------------------------- acceptance (issue 7)


@pytest.mark.parametrize(
    "fixture_id",
    [
        pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=BELOW_TARGET[i]))
        if i in BELOW_TARGET
        else i
        for i in IDS
    ],
)
def test_extractor_meets_the_gold(fixture_id: str) -> None:
    s, _ = score_fixture(load_fixture(fixture_id))
    table = {n: (round(s.precision(n), 3), round(s.recall(n), 3)) for n in ACCEPTANCE_FIELDS}
    print(f"\n{fixture_id}: {table}, wrong magnitudes {len(s.wrong_magnitude)}")
    assert not s.wrong_magnitude, [p.gold.id for p in s.wrong_magnitude]
    for name in ACCEPTANCE_FIELDS:
        assert s.precision(name) >= 0.95 and s.recall(name) >= 0.95, (name, table[name])


def test_simplified_seed_gives_the_seeds_figures(tmp_path: Path) -> None:
    seed = extract_figures(SEED_SOURCES / "hualong-2024-10-12-cq-internet-report-2023")
    hans = extract_figures(simplified_seed(tmp_path))
    c = compare_seed(seed, hans)
    print(f"\nsimplified seed: {c.identical}/{c.n_seed} identical ({c.share:.1%}), "
          f"{len(c.wrong_magnitude)} wrong magnitudes, {c.n_hans} observations")  # fmt: skip
    assert not c.wrong_magnitude
    assert c.share >= 0.95


def test_a_refused_fixture_is_also_below_target() -> None:
    assert set(BUILD_REFUSED) <= set(BELOW_TARGET)


@pytest.mark.parametrize(
    "fixture_id",
    [
        pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=BUILD_REFUSED[i]))
        if i in BUILD_REFUSED
        else i
        for i in IDS
    ],
)
def test_every_fixture_yields_figures(fixture_id: str) -> None:
    """No article is refused as figureless; a refused one (strict xfail) must go back into the
    build of every fixture the day the build takes it."""
    assert extract_figures(ARTICLES / fixture_id).observations


@pytest.mark.slow
def test_seed_and_every_fixture_build_together(tmp_path: Path) -> None:
    ids = [i for i in IDS if i not in BUILD_REFUSED]
    corpus = copy_sources(tmp_path / "sources", [ARTICLES / i for i in ids])
    out = tmp_path / "build"
    res = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", "--sources", str(corpus), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert (out / "cqkg.ttl").is_file()


# ---------------------------------------------------------------- series (issue 10)


def _series_rows() -> list[dict[str, str]]:
    text = (ARTICLES / "series.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]


def _row(ref: str) -> GoldRow:
    letter, gid = ref.split("/")
    [fid] = [i for i in IDS if i.startswith(f"fx-{letter}-")]
    [row] = [r for r in load_fixture(fid).gold if r.id == gid]
    return row


def _tolerance(row: GoldRow) -> Decimal:
    """Half a unit of the last digit written: 24.7% -> 0.05, 77万人 -> 5000."""
    m = re.search(r"\d+(?:\.(\d+))?", row.stated_value)
    assert m, row
    written = Decimal(m.group())
    places = len(m.group(1) or "")
    return Decimal("0.5") * Decimal(10) ** -places * (Decimal(row.value) / written)


def test_series_checks_are_what_the_gold_figures_give() -> None:
    """The hand-computed checks of series.tsv agree with the gold values they name."""
    rows = _series_rows()
    statuses = {r["status"] for r in rows if r["relation"] == "growth-check"}
    assert {"consistent", "inconsistent", "uncheckable"} <= statuses
    for r in rows:
        subject, obj = _row(r["subject"]), _row(r["object"])
        if r["relation"] == "same-figure":
            for name in ("kind", "value", "qualifier", "period", "area", "rank", "tier"):
                assert getattr(subject, name) == getattr(obj, name), (r, name)
            assert fold(subject.unit) == fold(obj.unit) and fold(subject.indicator) == fold(
                obj.indicator
            ), r
            continue
        if r["relation"] == "conflict":
            assert fold(subject.indicator) == fold(obj.indicator), r
            assert (subject.period, subject.area) == (obj.period, obj.area), r
            assert subject.value != obj.value, r
            continue
        assert r["relation"] == "growth-check", r
        base = _row(r["base"])
        assert subject.kind == "growth" and subject.growth_of == obj.id, r
        assert fold(base.indicator) == fold(obj.indicator) and int(base.period) < int(obj.period)
        if {obj.qualifier, base.qualifier} - {"exact", "cumulative"}:
            assert r["computed"] == "" and r["status"] == "uncheckable", r
            continue
        cur, prev, stated = Decimal(obj.value), Decimal(base.value), Decimal(subject.value)
        computed = (cur / prev - 1) * 100 if subject.unit == "%" else cur - prev
        assert abs(computed - Decimal(r["computed"])) < Decimal("0.01"), (r, computed)
        if subject.qualifier == "more-than":
            ok = computed > stated
        else:
            assert subject.qualifier == "exact", r
            ok = abs(computed - stated) <= _tolerance(subject)
        assert r["status"] == ("consistent" if ok else "inconsistent"), (r, computed)


# ---------------------------------------------------------------- entities and the script


def test_entity_score_needs_a_covering_mention_and_reads_the_class() -> None:
    text = "市委网信办副主任周立衡介绍,“山城通办”平台用户突破2000万。"
    gold = [("市委网信办", "agency"), ("周立衡", "person"), ("山城通办", "platform")]
    b = text.index("周立衡")
    mentions = [
        Mention("agency/cq-cac", 0, 5, "市委网信办", "s", "市委网信办"),
        Mention("company/zhou", b, b + 3, "周立衡", "s", "周立衡"),
        Mention("platform/x", text.index("山城"), text.index("山城") + 2, "山城", "s", "山城"),
    ]
    es = score_entities(gold, mentions, text)
    assert es.found == gold[:2] and es.missing == gold[2:]
    assert es.right_class == gold[:1]
    assert es.recall == 2 / 3 and es.class_recall == 1 / 3


def test_score_script_prints_its_tables() -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "score_fixtures.py"
    res = subprocess.run(
        [sys.executable, str(script), "--simplified-seed", IDS[0]],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert f"| {IDS[0]} | {len(load_fixture(IDS[0]).gold)} |" in res.stdout
    assert "| **all** |" in res.stdout and "| indicator |" in res.stdout
    assert "| article | gold entities |" in res.stdout
    assert re.search(r"simplified seed: \d+/\d+ of the seed's figures identical", res.stdout)
