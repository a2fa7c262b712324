"""``build/cqkg.nq``: the data graph split into one named graph per source plus a shared one
(``graph.pipeline.export.nquads``), and how ``cqkg push`` reads it back
(``graph.sparql.push.scan_parts``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.model import InputError
from graph.namespaces import CQR, NIF, PROV
from graph.pipeline.export import GRAPHS, nquads, ntriples
from graph.pipeline.run import BuildResult
from graph.sparql.push import scan_parts
from graph.vocab import CQO


def _graph_of(nq: str) -> dict[str, str]:
    """N-Triples line -> graph IRI."""
    out = {}
    for line in nq.splitlines():
        head, g, _ = line.rsplit(" ", 2)
        out[f"{head} ."] = g[1:-1]
    return out


def test_the_real_build_splits_into_its_source_and_a_shared_graph(built: BuildResult) -> None:
    nt = (built.out_dir / "cqkg.nt").read_text(encoding="utf-8")
    nq = (built.out_dir / "cqkg.nq").read_text(encoding="utf-8")
    where = _graph_of(nq)
    assert sorted(where) == nt.splitlines()  # the union is cqkg.nt, line for line
    assert nq.splitlines() == sorted(nq.splitlines(), key=lambda s: (s.rsplit(" ", 2)[1], s))
    sources = sorted({g for g in where.values() if g.startswith(f"{GRAPHS}source/")})
    assert sources == [f"{GRAPHS}source/hualong-2024-10-12-cq-internet-report-2023"]
    for line, g in where.items():
        if line.startswith(f"<{CQR}span/"):
            assert g == sources[0], line  # every span (and its quote) is the source's own
        if line.startswith(f"<{CQR}indicator/") or line.startswith(f"<{CQR}place/"):
            assert g == f"{GRAPHS}shared", line  # entities and indicators are shared
    assert "cqkg.nq" in (built.out_dir / "MANIFEST.sha256").read_text()


def _two_source_graph() -> Graph:
    g = Graph()
    for sid in ("alpha", "beta"):
        doc, span = CQR[f"source/{sid}"], CQR[f"span/{sid}/0-4"]
        g.add((doc, RDF.type, CQO.Document))
        g.add((span, NIF.referenceContext, doc))
        g.add((span, NIF.anchorOf, Literal("重慶市")))
        g.add((span, CQO.refersTo, CQR["place/chongqing"]))
    g.add((CQR["place/chongqing"], RDFS.label, Literal("重慶", lang="zh-Hant")))
    g.add((CQR["obs/only-alpha"], PROV.wasDerivedFrom, CQR["span/alpha/0-4"]))
    g.add((CQR["obs/only-alpha"], CQO.value, Literal(1)))
    g.add((CQR["obs/both"], PROV.wasDerivedFrom, CQR["span/alpha/0-4"]))
    g.add((CQR["obs/both"], PROV.wasDerivedFrom, CQR["span/beta/0-4"]))
    g.add((CQR["obs/dangling"], PROV.wasDerivedFrom, URIRef("https://example.org/elsewhere")))
    return g


def test_a_triple_is_a_sources_own_only_when_its_subject_is() -> None:
    g = _two_source_graph()
    nq = nquads(g)
    assert nq == nquads(_two_source_graph())  # deterministic
    where = {line.split(" ", 1)[0]: gr for line, gr in _graph_of(nq).items()}
    alpha, beta, shared = (f"{GRAPHS}source/alpha", f"{GRAPHS}source/beta", f"{GRAPHS}shared")
    assert where[f"<{CQR}source/alpha>"] == alpha
    assert where[f"<{CQR}span/beta/0-4>"] == beta
    assert where[f"<{CQR}obs/only-alpha>"] == alpha
    assert where[f"<{CQR}obs/both>"] == shared  # stated by two sources
    assert where[f"<{CQR}obs/dangling>"] == shared  # evidence from no known source
    assert where[f"<{CQR}place/chongqing>"] == shared
    assert sorted(_graph_of(nq)) == ntriples(g).splitlines()


def test_scan_parts_digests_each_graph_and_refuses_what_is_not_grouped(tmp_path: Path) -> None:
    g = _two_source_graph()
    path = tmp_path / "cqkg.nq"
    path.write_text(nquads(g), encoding="utf-8")
    parts = scan_parts(path)
    assert [p.name for p in parts] == sorted(p.name for p in parts)
    raw = path.read_bytes()
    for part in parts:
        body = raw[part.start : part.end]
        assert {line.rsplit(b" ", 2)[1] for line in body.splitlines()} == {
            f"<{part.name}>".encode()
        }
        assert len(body.splitlines()) == part.triples
        assert part.digest == hashlib.sha256(body).hexdigest()

    lines = raw.decode("utf-8").splitlines(keepends=True)
    path.write_text(lines[-1] + "".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(InputError, match="is not contiguous"):
        scan_parts(path)
    path.write_text('<a> <b> "c" .\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"cqkg\.nq:1: not an N-Quads line with a named graph"):
        scan_parts(path)


def _parts(nq: Path) -> dict[str, bytes]:
    raw = nq.read_bytes()
    return {p.name: raw[p.start : p.end] for p in scan_parts(nq)}


@pytest.mark.slow
def test_changing_one_article_leaves_the_other_articles_graph_byte_identical(
    tmp_path: Path,
) -> None:
    import re
    import shutil

    from graph.pipeline.run import run

    editions = Path(__file__).resolve().parents[1] / "data" / "editions"
    hans, hant = "fixture-2023-09-15-report-2022-hans", "fixture-2023-09-16-report-2022-hant"
    before = tmp_path / "before"
    for sid in (hans, hant):
        shutil.copytree(editions / sid, before / sid)
    after = tmp_path / "after"
    shutil.copytree(before, after)
    raw = after / hant / "raw.txt"
    text = raw.read_text(encoding="utf-8") + "全市新建5G基站1.2萬個。\n"  # a figure only it states
    raw.write_text(text, encoding="utf-8")
    manifest = after / hant / "source.toml"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    manifest.write_text(
        re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{sha}"', manifest.read_text("utf-8")),
        encoding="utf-8",
    )
    one = _parts(run(out_dir=tmp_path / "b1" / "build", sources_root=before).out_dir / "cqkg.nq")
    two = _parts(run(out_dir=tmp_path / "b2" / "build", sources_root=after).out_dir / "cqkg.nq")
    g_hans, g_hant = f"{GRAPHS}source/{hans}", f"{GRAPHS}source/{hant}"
    assert sorted(one) == sorted(two) == sorted([f"{GRAPHS}shared", g_hans, g_hant])
    assert one[g_hans] == two[g_hans]  # the untouched article: nothing to re-send
    assert one[g_hant] != two[g_hant]
    assert b"1.2" in two[g_hant] and b"1.2" not in one[g_hant]


def test_graphs_sort_by_their_term_and_a_given_nt_gives_the_same_file() -> None:
    g = _two_source_graph()
    for sid in ("alpha-2", "alph"):  # prefixes of one another: the order must still be by term
        doc, span = CQR[f"source/{sid}"], CQR[f"span/{sid}/0-1"]
        g.add((span, NIF.referenceContext, doc))
    nq = nquads(g)
    assert nq == nquads(g, ntriples(g))
    terms = [line.rsplit(" ", 2)[1] for line in nq.splitlines()]
    order = list(dict.fromkeys(terms))
    assert order == sorted(order)  # the <graph> terms, brackets included
    assert nq.splitlines() == sorted(nq.splitlines(), key=lambda s: (s.rsplit(" ", 2)[1], s))
