"""Every file a build publishes opens anywhere: rdflib and pyoxigraph read each RDF file of a
real seed build with no network and get the same graph (issue 12, item 3).

Why both: users load ``build/`` into whichever store they have; a file that only one parser
reads (``cqkg.jsonld`` pointed to a relative remote ``@context`` that pyoxigraph cannot fetch)
is a file that does not open. Why offline: a parser that fetches a context at load time fails
on a machine without network and leaks what is being read; sockets are refused here.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from graph.pipeline.run import BuildResult

# extension -> (rdflib format, pyoxigraph format name); every other published file is not RDF
RDF_FORMATS = {
    ".ttl": ("turtle", "TURTLE"),
    ".nt": ("nt", "N_TRIPLES"),
    ".nq": ("nquads", "N_QUADS"),
    ".jsonld": ("json-ld", "JSON_LD"),
}
NOT_RDF = {
    "MANIFEST.sha256",
    "cleaning.jsonl",
    "cqkg.graphml",
    "curation-queue.yaml",
    "quarantine.jsonl",
    "report.html",
    "report.md",
    "stats.json",
}


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outgoing connection made from Python while a test runs."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("network access attempted while parsing a published file")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _fold_lang(line: str) -> str:
    """pyoxigraph lower-cases language tags (RDF 1.1: they are case-insensitive)."""
    return re.sub(r'"@([A-Za-z0-9-]+)( <[^>]*>)? \.$', lambda m: m.group(0).lower(), line)


def _rdflib(path: Path, fmt: str) -> Graph:
    if fmt == "nquads":
        ds = Dataset()
        ds.parse(path, format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return Graph().parse(path, format=fmt)


def _pyoxigraph(path: Path, fmt: str) -> tuple[int, Graph]:
    """Quad count and the triples (graph names dropped) as an rdflib graph to compare."""
    from pyoxigraph import RdfFormat, parse, serialize

    quads = list(parse(path=str(path), format=getattr(RdfFormat, fmt)))
    triples = [q.triple for q in quads]
    raw = serialize(triples, format=RdfFormat.N_TRIPLES) if triples else b""
    text = (raw or b"").decode("utf-8")
    return len(quads), Graph().parse(data=text, format="nt")


def _folded(g: Graph) -> Graph:
    text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = "\n".join(_fold_lang(line) for line in text.splitlines() if line.strip())
    return Graph().parse(data=lines + "\n", format="nt")


def test_every_published_file_is_known(built: BuildResult) -> None:
    """A new published file must be added here: as RDF (then it is parsed) or as not RDF."""
    for path in built.out_dir.iterdir():
        assert path.suffix in RDF_FORMATS or path.name in NOT_RDF, path.name


def test_every_rdf_file_parses_offline_in_both_engines(built: BuildResult, offline: None) -> None:
    paths = sorted(p for p in built.out_dir.iterdir() if p.suffix in RDF_FORMATS)
    names = {p.name for p in paths}
    assert {
        "cqkg.ttl",
        "cqkg.nt",
        "cqkg.nq",
        "cqkg.jsonld",
        "context.jsonld",
        "ontology.ttl",
        "shapes.ttl",
        "build-metadata.ttl",
    } <= names
    counts: dict[str, int] = {}
    for path in paths:
        lib_fmt, ox_fmt = RDF_FORMATS[path.suffix]
        ours = _rdflib(path, lib_fmt)
        n_quads, theirs = _pyoxigraph(path, ox_fmt)
        assert len(ours) == n_quads == len(theirs), path.name
        assert isomorphic(_folded(ours), _folded(theirs)), path.name
        counts[path.name] = n_quads
    # the data files are one graph in four syntaxes; the context alone states no triple
    data = {counts[n] for n in ("cqkg.ttl", "cqkg.nt", "cqkg.nq", "cqkg.jsonld")}
    assert len(data) == 1 and data.pop() > 5000, counts
    assert counts["context.jsonld"] == 0
    assert min(counts[n] for n in ("ontology.ttl", "shapes.ttl", "build-metadata.ttl")) > 0


def test_jsonld_embeds_the_published_context(built: BuildResult) -> None:
    """The context is inside cqkg.jsonld (no loader needed) and equals context.jsonld's."""
    import json

    doc = json.loads((built.out_dir / "cqkg.jsonld").read_text(encoding="utf-8"))
    ctx = json.loads((built.out_dir / "context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict)
    assert doc["@context"] == ctx["@context"]
