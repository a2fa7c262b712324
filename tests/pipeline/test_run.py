"""End to end: `cqkg build` publishes a validated, reproducible graph, or fails cleanly.

Bad inputs are exercised through the real command (a copy of the vendored sources, broken one
way per test) and must give one line naming the file, a non-zero exit, and leave the previous
build byte-for-byte intact.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from graph.pipeline.run import BuildResult

CQKG = [sys.executable, "-m", "graph.cli"]
SOURCE_ID = "hualong-2024-10-12-cq-internet-report-2023"


def cqkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CQKG, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_build_outputs_every_format(built: BuildResult) -> None:
    names = {p.name for p in built.out_dir.iterdir()}
    assert {
        "cqkg.ttl",
        "cqkg.nt",
        "cqkg.jsonld",
        "context.jsonld",
        "cqkg.graphml",
        "ontology.ttl",
        "stats.json",
        "report.md",
        "quarantine.jsonl",
        "cleaning.jsonl",
        "build-metadata.ttl",
        "MANIFEST.sha256",
    } <= names
    stats = json.loads((built.out_dir / "stats.json").read_text(encoding="utf-8"))
    assert stats["shacl_conforms"] is True
    assert stats["triples"] > 5000
    assert stats["cleaning_changes"]["pinyin-tag"] == 689


def test_every_input_unit_is_accounted_for(built: BuildResult) -> None:
    """docs/security.md #26: input units == emitted + dropped, for characters and numbers."""
    stats = json.loads((built.out_dir / "stats.json").read_text(encoding="utf-8"))
    rec = stats["reconciliation"][SOURCE_ID]
    chars, nums = rec["characters"], rec["numbers"]
    assert chars["raw"] - chars["removed"] + chars["inserted"] == chars["clean"]
    excluded = sum(nums["excluded"].values())
    assert nums["digit_runs"] == nums["in_figures"] + excluded + nums["warned"]
    log = (built.out_dir / "cleaning.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(log) == sum(stats["cleaning_changes"].values())  # every change is listed
    first = json.loads(log[0])
    assert (first["kind"], first["removed"]) == ("pinyin-tag", "(lián)")


def test_serializations_are_the_same_graph(built: BuildResult) -> None:
    from pyoxigraph import RdfFormat, parse, serialize

    nt = Graph().parse(built.out_dir / "cqkg.nt", format="nt")
    ttl = Graph().parse(built.out_dir / "cqkg.ttl", format="turtle")
    assert isomorphic(nt, ttl)
    doc = json.loads((built.out_dir / "cqkg.jsonld").read_text(encoding="utf-8"))
    doc["@context"] = json.loads((built.out_dir / "context.jsonld").read_text())["@context"]
    jl = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert isomorphic(nt, jl)
    # and pyoxigraph reads the same triples from both files (it lower-cases language tags,
    # which RDF 1.1 defines as case-insensitive, so compare with tags folded)
    ours = {_fold_lang(line) for line in (built.out_dir / "cqkg.nt").read_text().splitlines()}
    for name, fmt in (("cqkg.nt", RdfFormat.N_TRIPLES), ("cqkg.ttl", RdfFormat.TURTLE)):
        quads = list(parse(path=str(built.out_dir / name), format=fmt))
        text = serialize(quads, format=RdfFormat.N_TRIPLES).decode("utf-8")
        assert {_fold_lang(line) for line in text.splitlines() if line} == ours, name


def _fold_lang(line: str) -> str:
    import re

    return re.sub(r'"@([A-Za-z-]+) \.$', lambda m: f'"@{m.group(1).lower()} .', line)


def test_manifest_matches_files(built: BuildResult) -> None:
    from graph.pipeline.export import manifest

    assert (built.out_dir / "MANIFEST.sha256").read_text() == manifest(built.out_dir)


def test_build_metadata_is_kept_apart(built: BuildResult) -> None:
    data = (built.out_dir / "cqkg.nt").read_text(encoding="utf-8")
    assert "startedAtTime" not in data
    meta = (built.out_dir / "build-metadata.ttl").read_text(encoding="utf-8")
    assert "prov:startedAtTime" in meta and "rdflib" in meta


@pytest.mark.slow
def test_two_builds_are_byte_identical_across_hash_seed_tz_and_locale(tmp_path: Path) -> None:
    outs = []
    for i, (seed, tz, lang) in enumerate(
        [("1", "UTC", "C.UTF-8"), ("4242", "Asia/Chongqing", "C")]
    ):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": tz, "LANG": lang, "LC_ALL": lang}
        out = tmp_path / f"b{i}"
        res = cqkg("build", "--quiet", "--out", str(out), env=env)
        assert res.returncode == 0, res.stderr
        outs.append(snapshot(out))
    a, b = outs
    a.pop("build-metadata.ttl")
    b.pop("build-metadata.ttl")
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], f"{name} differs between builds"


def _copy_sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    shutil.copytree(Path(__file__).resolve().parents[2] / "graph" / "sources", root)
    return root


@pytest.fixture()
def good_build(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "build"
    res = cqkg("build", "--quiet", "--out", str(out))
    assert res.returncode == 0, res.stderr
    return out, snapshot(out)


def _set_sha(manifest: Path, raw: Path) -> None:
    import hashlib
    import re

    sha = hashlib.sha256(raw.read_bytes()).hexdigest()
    text = re.sub(r'^sha256 = ".*"$', f'sha256 = "{sha}"', manifest.read_text(), flags=re.M)
    manifest.write_text(text)


def _break(kind: str, src: Path) -> str:
    """Break the copied source one way; return a substring the error line must contain."""
    raw, manifest = src / "raw.txt", src / "source.toml"
    if kind == "empty":
        raw.write_bytes(b"")
        _set_sha(manifest, raw)
        return "empty"
    if kind == "binary":
        raw.write_bytes(b"\x00\x01\x02binary\x00" * 100)
        _set_sha(manifest, raw)
        return "binary"
    if kind == "gbk":
        raw.write_bytes(raw.read_bytes().decode("utf-8").encode("gb18030"))
        _set_sha(manifest, raw)
        return "not UTF-8"
    if kind == "missing":
        raw.unlink()
        return "raw.txt"
    if kind == "corrupt-manifest":
        manifest.write_text("id = [unclosed\n")
        return "source.toml"
    if kind == "sha-mismatch":
        raw.write_bytes(raw.read_bytes() + b"\n")
        return "sha256"
    if kind == "no-figures":
        # another document (its own id, so the reviewed corrections of the report do not apply)
        raw.write_text("《某報告》發布\n\n今日,某單位舉行活動,介紹相關情況。\n", encoding="utf-8")
        _set_sha(manifest, raw)
        manifest.write_text(manifest.read_text().replace(f'"{SOURCE_ID}"', '"another-article"'))
        src.rename(src.parent / "another-article")
        return "no figures"
    if kind == "english":
        raw.write_text("An English text with no Chinese at all.\n" * 20, encoding="utf-8")
        _set_sha(manifest, raw)
        return "Han"
    raise AssertionError(kind)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("empty", 2),
        ("binary", 2),
        ("gbk", 2),
        ("missing", 2),
        ("corrupt-manifest", 2),
        ("sha-mismatch", 2),
        ("english", 3),
        ("no-figures", 2),
    ],
)
def test_bad_input_fails_cleanly_and_keeps_previous_build(
    kind: str, code: int, tmp_path: Path, good_build: tuple[Path, dict[str, bytes]]
) -> None:
    out, before = good_build
    root = _copy_sources(tmp_path)
    expect = _break(kind, root / SOURCE_ID)
    res = cqkg("build", "--out", str(out), "--sources", str(root))
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr
    if code == 2 or code == 3:
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1, res.stderr
        assert expect in lines[0]
    assert snapshot(out) == before  # previous build untouched


@pytest.mark.slow
def test_bom_gives_identical_output(
    tmp_path: Path, good_build: tuple[Path, dict[str, bytes]]
) -> None:
    _, before = good_build
    root = _copy_sources(tmp_path)
    raw = root / SOURCE_ID / "raw.txt"
    raw.write_bytes(b"\xef\xbb\xbf" + raw.read_bytes())
    _set_sha(root / SOURCE_ID / "source.toml", raw)
    out = tmp_path / "bom-build"
    res = cqkg("build", "--quiet", "--out", str(out), "--sources", str(root))
    assert res.returncode == 0, res.stderr
    after = snapshot(out)
    for name in ("cqkg.nt", "cqkg.ttl", "cqkg.jsonld", "cqkg.graphml"):
        # the data graph differs only where the source's hash is recorded (metadata, not data)
        assert after[name] == before[name], name
    assert "\ufeff" not in after["cqkg.nt"].decode("utf-8")


@pytest.mark.slow
def test_a_shrunken_graph_fails_the_count_bounds(tmp_path: Path) -> None:
    """The manifest's [expected] minimums bite: ask for one figure more than the text has."""
    root = _copy_sources(tmp_path)
    manifest = root / SOURCE_ID / "source.toml"
    text = manifest.read_text(encoding="utf-8")
    assert "observations = 91" in text
    manifest.write_text(text.replace("observations = 91", "observations = 92"), encoding="utf-8")
    out = tmp_path / "build"
    res = cqkg("build", "--out", str(out), "--sources", str(root))
    assert res.returncode == 1
    assert "[count-bound] observations: 91 < expected minimum 92" in res.stderr
    assert not out.exists()  # nothing published
    assert (tmp_path / "build.failed.md").is_file()


@pytest.mark.slow
def test_a_second_source_merges_with_the_first(tmp_path: Path) -> None:
    """Sources are a list: a second article stating the same figures adds evidence to the same
    observations (one dataset, one node per figure, spans from both documents)."""
    import hashlib

    root = _copy_sources(tmp_path)
    second = root / "second-article"
    second.mkdir()
    raw = (
        "重慶發布《報告》\n\n據《報告》顯示,全市網民數量達2362萬人,“渝快辦”服務2637萬人。\n"
        # mojibake with no reviewed correction: a truncated form of the seed's first spot
        # (the full spot would now be repaired: corrections follow content, not the source id)
        "據介紹,??导压怆娙嵝技術領先。\n"
    )
    (second / "raw.txt").write_text(raw, encoding="utf-8")
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    (second / "source.toml").write_text(
        f'id = "second-article"\nfile = "raw.txt"\nsha256 = "{sha}"\n'
        'title = "重慶發布《報告》"\npublisher = "測試"\ndate = "2024-10-13"\n',
        encoding="utf-8",
    )
    out = tmp_path / "build"
    res = cqkg("build", "--quiet", "--out", str(out), "--sources", str(root))
    assert res.returncode == 0, res.stderr
    g = Graph().parse(out / "cqkg.nt", format="nt")
    rows = g.query(
        """SELECT ?obs (COUNT(DISTINCT ?ctx) AS ?docs) (COUNT(DISTINCT ?ds) AS ?sets) WHERE {
             ?obs <https://w3id.org/cqkg/ontology#statedValue> ?v ;
                  <http://purl.org/linked-data/cube#dataSet> ?ds ;
                  <http://www.w3.org/ns/prov#wasDerivedFrom>/
                  <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext>
                  ?ctx .
             FILTER(CONTAINS(?v, "2362") || CONTAINS(?v, "2637"))
           } GROUP BY ?obs"""
    )
    got = sorted((str(r[0]).rsplit("/", 2)[-2], int(r[1]), int(r[2])) for r in rows)
    assert got == [("wang-min-shu-liang", 2, 1), ("yu-kuai-ban-fu-wu", 2, 1)]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["sources"] == [SOURCE_ID, "second-article"]
    assert stats["counts"]["entities"] == 114  # shared entities are not counted twice
    # what the cleaner could not repair is quarantined with its raw offsets, not dropped
    [row] = [json.loads(x) for x in (out / "quarantine.jsonl").read_text().splitlines()]
    assert row["source"] == "second-article" and row["code"] == "unrepaired-mojibake"
    assert row["raw_text"] == raw[row["raw_begin"] : row["raw_end"]]
    assert "??导压怆娙嵝燥@示".startswith(row["raw_text"][:2])


def test_an_entity_mentioned_in_no_source_fails_the_build(tmp_path: Path) -> None:
    """Per source an unmentioned entity is INFO; across all sources it is an ERROR."""
    import shutil as sh

    from graph.pipeline.run import BuildError, run

    registry = tmp_path / "entities.yaml"
    sh.copy(Path(__file__).resolve().parents[2] / "graph" / "curation" / "entities.yaml", registry)
    with open(registry, "a", encoding="utf-8") as fh:
        fh.write("\n- id: project/zzz-nowhere\n  class: project\n  label: 不存在的項目\n")
    with pytest.raises(BuildError, match="project/zzz-nowhere: mentioned in no source"):
        run(out_dir=tmp_path / "build", registry_path=registry)
    assert not (tmp_path / "build").exists()


def _article(root: Path, sid: str, text: str, date: str) -> None:
    import hashlib

    d = root / sid
    d.mkdir(parents=True)
    raw = text.encode("utf-8")
    (d / "raw.txt").write_bytes(raw)
    (d / "source.toml").write_text(
        f'id = "{sid}"\nfile = "raw.txt"\nsha256 = "{hashlib.sha256(raw).hexdigest()}"\n'
        f'title = "報告發布"\npublisher = "測試"\ndate = "{date}"\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("to_script", ["hant", "hans"])
def test_one_rate_over_two_disagreeing_bases_is_two_growths(tmp_path: Path, to_script: str) -> None:
    """Two articles give the same growth over different base figures (one has the base wrong):
    the build keeps two growth observations, each growing its own base, and reports the bases'
    conflict - it does not make one growth of two bases (which no shape can accept)."""
    from graph.pipeline.run import run
    from graph.text import to_hans

    def text(base: str) -> str:
        t = (
            "報告發布\n\n《重慶市互聯網發展報告(2023)》顯示,"
            f"2023年,全市網民數量{base}萬人,同比增長5%。\n"
        )
        return to_hans(t) if to_script == "hans" else t

    root = tmp_path / "sources"
    _article(root, "outlet-a", text("2300"), "2024-10-12")
    _article(root, "outlet-b", text("2400"), "2024-10-13")
    result = run(out_dir=tmp_path / "build", sources_root=root)
    g = Graph().parse(tmp_path / "build" / "cqkg.nt", format="nt")
    cqo = "https://w3id.org/cqkg/ontology#"
    growths = sorted((str(s), str(o)) for s, o in g.subject_objects(URIRef(cqo + "growthOf")))
    assert len(growths) == 2 and len({s for s, _ in growths}) == 2
    assert len({o for _, o in growths}) == 2  # each grows its own base figure
    assert result.stats["counts"]["conflicts"] == 1


def test_an_area_the_text_never_names_is_still_a_place_node(tmp_path: Path) -> None:
    """A Sichuan article that only says 全省 covers place/sichuan (from its manifest): the
    place node is made though no span names it; a manifest area that is no place is refused."""
    from graph.model import InputError
    from graph.pipeline.run import run

    root = tmp_path / "sources"
    _article(
        root,
        "sc",
        "報告發布\n\n《互聯網發展報告(2023)》顯示,2023年,全省網民數量2300萬人。\n",
        "2024-10-12",
    )
    _article(
        root,
        "cq",
        "報告發布\n\n《互聯網發展報告(2023)》顯示,2023年,全市網民數量2300萬人。\n",
        "2024-10-12",
    )
    manifest = root / "sc" / "source.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + 'area = "place/sichuan"\n')
    run(out_dir=tmp_path / "build", sources_root=root)
    g = Graph().parse(tmp_path / "build" / "cqkg.nt", format="nt")
    cqo = "https://w3id.org/cqkg/ontology#"
    areas = set(g.objects(None, URIRef(cqo + "refArea")))
    sichuan = URIRef("https://w3id.org/cqkg/id/place/sichuan")
    assert sichuan in areas and (sichuan, None, URIRef(cqo + "Place")) in g
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("place/sichuan", "place/x"))
    with pytest.raises(InputError, match=r"sc/source.toml: area 'place/x' is not a place"):
        run(out_dir=tmp_path / "build2", sources_root=root)


@pytest.mark.parametrize(
    "text",
    [
        "報告發布\n\n《互聯網發展報告(2022)》顯示,2022年,全區網民數量86萬人。\n",
        "报告发布\n\n《互联网发展报告(2022)》显示,2022年,全区网民数量86万人。\n",
    ],
)
def test_a_district_of_chongqing_is_a_manifest_area_the_text_need_not_name(
    tmp_path: Path, text: str
) -> None:
    """A district media centre's post covers its district (place/yongchuan, from
    open_world.yaml's chongqing_districts, not the registry): the build takes the area and
    makes its place node, a candidate with the gazetteer's id and label, though no span names it."""
    from graph.pipeline.run import run

    root = tmp_path / "sources"
    _article(root, "yc", text, "2023-09-20")
    manifest = root / "yc" / "source.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + 'area = "place/yongchuan"\n')
    run(out_dir=tmp_path / "build", sources_root=root)
    g = Graph().parse(tmp_path / "build" / "cqkg.nt", format="nt")
    cqo = "https://w3id.org/cqkg/ontology#"
    yongchuan = URIRef("https://w3id.org/cqkg/id/place/yongchuan")
    assert set(g.objects(None, URIRef(cqo + "refArea"))) == {yongchuan}
    assert (yongchuan, None, URIRef(cqo + "Place")) in g
    assert (yongchuan, URIRef(cqo + "curationStatus"), URIRef(cqo + "Candidate")) in g
    assert {str(o) for o in g.objects(yongchuan, RDFS.label)} >= {"永川區", "永川区"}
