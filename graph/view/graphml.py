"""The entity network as GraphML (``build/cqkg.graphml``, ``cqkg analyze --export-dir``).

Why one writer: ``cqkg build`` (from its N-Triples, having no store of its own) and ``cqkg
analyze`` (from the build) write the same text for the same build, the network of
``graph.view.network`` with plain string attributes only.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from graph.curation.styles import LANG_TAGS, Styles, load_styles
from graph.view.network import build_network, term_labels
from graph.view.resource_index import ResourceIndex, index_quads, index_triples

__all__ = ["from_ntriples", "graphml", "plain_graph"]


def from_ntriples(
    nt: str | bytes, ontology: Path | None = None, styles: Styles | None = None
) -> tuple[nx.MultiDiGraph, ResourceIndex, Styles]:
    """The network of a graph given as N-Triples (``cqkg build`` has no store of its own).

    ``ontology`` (Turtle) is indexed with the data, as ``load_build`` does with a build's
    ``ontology.ttl``, so relation names come out the same as in ``cqkg analyze``.
    """
    styles = styles or load_styles()
    data = nt if isinstance(nt, bytes) else nt.encode("utf-8")  # a build passes UTF-8
    idx = index_triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    if ontology is not None:
        index_quads(idx, ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
    return build_network(idx, styles), idx, styles


def plain_graph(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles) -> nx.MultiDiGraph:
    """A copy with plain string attributes only (GraphML/GEXF cannot hold Python objects):
    ``label``, ``label_zh_Hant``/``_zh_Hans``/``_en`` and ``cls`` per node, ``predicate`` and
    its English ``label`` per edge, nodes and edges in sorted order (reproducible files)."""
    out = nx.MultiDiGraph()
    for n in sorted(g):
        labels = idx.labels(n)
        attrs = {
            f"label_{t.replace('-', '_')}": lab for t, lab in zip(LANG_TAGS, labels, strict=True)
        }
        out.add_node(n, label=labels[0], cls=g.nodes[n]["cls"].key, **attrs)
    for s, o, p in sorted(g.edges(data="predicate")):
        out.add_edge(s, o, key=p, predicate=p, label=term_labels(idx, styles, p)[2])
    return out


def graphml(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles) -> str:
    """The network as GraphML text: ``build/cqkg.graphml`` and ``cqkg analyze --export-dir``
    write this same text for the same build."""
    return "\n".join(nx.generate_graphml(plain_graph(g, idx, styles), prettyprint=True)) + "\n"
