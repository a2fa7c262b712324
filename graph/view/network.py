"""The entity network of a build: one index of its triples, one builder of the network.

Why one module: the page (``graph.view.render``), ``cqkg analyze`` and its GraphML/GEXF export
all draw the same network, so what counts as a node (a resource of a class in
``graph/curation/styles.yaml``) and as an edge (an IRI-valued triple between two nodes, plus the
figure edges that stand for observations) is decided here once. The build is read through
``graph.sparql.engines`` (the engine every query of every entry point uses), so the viewer's
``--query`` goes through the same checked path as ``cqkg query`` and the endpoint.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import pyoxigraph as ox

from graph.curation.styles import FALLBACK_STYLE, LANG_TAGS, ClassStyle, Labels, Styles, load_styles
from graph.model import InputError
from graph.namespaces import CQO_IRI, CQR, NIF, RDF, RDFS, SKOS
from graph.sparql.engines import OxigraphEngine, open_engine, run_query, wants_store
from graph.sparql.errors import QueryError
from graph.sparql.results import Result
from graph.text import fold, to_hans, to_hant

__all__ = [
    "FIGURE_EDGE",
    "ResourceIndex",
    "StoreIndex",
    "build_network",
    "class_of",
    "focus_nodes",
    "from_ntriples",
    "graphml",
    "hubs",
    "load_build",
    "load_engine",
    "local_name",
    "network_parts",
    "observations_of",
    "plain_graph",
    "query_network",
    "resolve_node",
    "result_network",
    "section_nodes",
    "term_labels",
    "walk_graph",
]

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_PREF = str(SKOS.prefLabel)
_CQO = CQO_IRI
HIDDEN_PREDICATES = frozenset({_TYPE, _LABEL, _ALT, _PREF})
"""Predicates never drawn as edges (types and names are what a node shows, not links)."""
NIF_REFERENCE = str(NIF.referenceContext)
FIGURE_EDGE = "figure"
"""The derived edge from what an observation is about to its indicator."""


# --------------------------------------------------------------------------- the index


@dataclass(slots=True)
class ResourceIndex:
    """Every triple of the build, indexed the way the viewer reads it.

    Objects are kept as ``(value, is_iri, language)`` so literals and IRIs never mix up.
    :class:`StoreIndex` answers the same lookups from a big build's store on demand; code that
    needs every resource of some classes asks :meth:`instances` rather than iterating ``types``.
    """

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    out: dict[str, list[tuple[str, str, bool, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    inc: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    memo: dict[Any, Any] = field(default_factory=dict)
    """Answers derived from the whole index (instances, style classes), cleared by every add."""

    def add(self, s: str, p: str, o: str, is_iri: bool, lang: str) -> None:
        """One triple; ``rdf:type`` goes to ``types`` and ``out``, never to ``inc``."""
        self.memo.clear()
        if p == _TYPE and is_iri:
            self.types[s].add(o)
        self.out[s].append((p, o, is_iri, lang))
        if is_iri and p != _TYPE:
            self.inc[o].append((p, s))

    def instances(self, classes: Iterable[str]) -> frozenset[str]:
        """Every resource with a type among ``classes`` (memoised)."""
        key = ("instances", frozenset(classes))
        hit = self.memo.get(key)
        if hit is None:
            hit = self._instances(key[1])
            self.memo[key] = hit
        return hit  # type: ignore[no-any-return]

    def _instances(self, classes: frozenset[str]) -> frozenset[str]:
        return frozenset(s for s, t in self.types.items() if not t.isdisjoint(classes))

    def style_classes(self, styles: Styles) -> dict[str, ClassStyle]:
        """Resource -> its first class of ``styles`` (subclasses are listed first), for every
        resource that has one (memoised: ``class_of`` is asked for every neighbour drawn)."""
        classes = styles.classes
        key = ("styles", id(classes))
        hit = self.memo.get(key)
        if hit is None or hit[0] is not classes:
            rank = _class_rank(classes)
            hit = (classes, self._style_classes(rank))
            self.memo[key] = hit
        return hit[1]  # type: ignore[no-any-return]

    def _style_classes(self, rank: dict[str, tuple[int, ClassStyle]]) -> dict[str, ClassStyle]:
        out: dict[str, ClassStyle] = {}
        for s, ts in self.types.items():
            best = min((rank[t] for t in ts if t in rank), default=None)
            if best is not None:
                out[s] = best[1]
        return out

    def links(self, nodes: dict[str, ClassStyle]) -> list[tuple[str, str, str]]:
        """``(subject, object, predicate)`` of every IRI link from a node to another node
        (``HIDDEN_PREDICATES`` and self-loops left out), subjects in ``nodes`` order, then by
        predicate and object."""
        edges: list[tuple[str, str, str]] = []
        for s in nodes:
            for p, o, is_iri, _ in sorted(self.out.get(s, ())):
                if is_iri and o in nodes and p not in HIDDEN_PREDICATES and o != s:
                    edges.append((s, o, p))
        return edges

    def figure_links(
        self, classes: frozenset[str]
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The ``(about, indicator)`` and ``(indicator, section)`` pairs of every instance of
        the observation ``classes`` (the derived figure and mentioned-in edges of the
        network), observations in IRI order."""
        about: list[tuple[str, str]] = []
        section: list[tuple[str, str]] = []
        for obs in sorted(self.instances(classes)):
            inds = self.values(obs, _CQO + "indicator")
            about.extend((a, i) for a in self.values(obs, _CQO + "about") for i in inds)
            section.extend((i, sec) for sec in self.values(obs, _CQO + "section") for i in inds)
        return about, section

    def subjects(self, p: str, o: str) -> list[str]:
        """Subjects of ``p`` with object ``o`` (one predicate's part of ``inc``)."""
        return [s for pp, s in self.inc.get(o, ()) if pp == p]

    def entity_inc(self, nodes: Iterable[str], styles: Styles) -> dict[str, list[tuple[str, str]]]:
        """Node -> its incoming ``(predicate, subject)`` links from resources whose class in
        ``styles`` is not an observation class (spans, figures and untyped ones left out)."""
        classes = self.style_classes(styles)

        def entity(s: str) -> bool:
            c = classes.get(s)
            return c is not None and not c.observation

        return {n: [(p, s) for p, s in self.inc.get(n, ()) if entity(s)] for n in nodes}

    def assertions_touching(self, nodes: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """``(assertion, subject, predicate, object)`` of every ``cqo:Assertion`` whose subject
        or object is one of ``nodes``, in assertion order (the first value of each part)."""
        ends = (str(RDF.subject), str(RDF.object))
        found = {
            a
            for n in set(nodes)
            for p, a in self.inc.get(n, ())
            if p in ends and _CQO + "Assertion" in self.types.get(a, ())
        }
        return [
            (
                a,
                self.first(a, str(RDF.subject)),
                self.first(a, str(RDF.predicate)),
                self.first(a, str(RDF.object)),
            )
            for a in sorted(found)
        ]

    def editions(self) -> frozenset[str]:
        """Every report edition the graph names (``cqo:edition`` values), memoised."""
        hit = self.memo.get("editions")
        if hit is None:
            hit = self._editions()
            self.memo["editions"] = hit
        return hit  # type: ignore[no-any-return]

    def _editions(self) -> frozenset[str]:
        key = _CQO + "edition"
        return frozenset(o for outs in self.out.values() for p, o, _, _ in outs if p == key)

    def mention_editions(self, nodes: Iterable[str]) -> dict[str, set[str]]:
        """Node -> the report editions of the articles with a span referring to it.

        A node's spans are read until it has every edition of the graph (a corpus names one
        or two editions, and a shared entity has thousands of spans), so the answer is exact
        without reading every span of every node."""
        every = self.editions()
        by_source: dict[str, set[str]] = {}
        out: dict[str, set[str]] = {}
        for n in nodes:
            eds: set[str] = set()
            for span in self.subjects(_CQO + "refersTo", n) if every else ():
                source = self.first(span, NIF_REFERENCE)
                hit = by_source.get(source)
                if hit is None:
                    hit = {
                        y
                        for d in self.values(source, _CQO + "about")
                        if (y := self.first(d, _CQO + "edition"))
                    }
                    by_source[source] = hit
                eds |= hit
                if eds >= every:
                    break
            out[n] = eds
        return out

    def values(self, s: str, p: str) -> list[str]:
        return sorted(o for pp, o, _, _ in self.out.get(s, ()) if pp == p)

    def first(self, s: str, p: str) -> str:
        vals = self.values(s, p)
        return vals[0] if vals else ""

    def labels(self, s: str) -> Labels:
        """(zh-Hant, zh-Hans, en), each falling back to the other scripts, then the IRI."""
        by_lang: dict[str, list[str]] = defaultdict(list)
        for p, o, is_iri, lang in self.out.get(s, ()):
            if p in (_LABEL, _PREF) and not is_iri:
                by_lang[lang.lower()].append(o)
        pick = {k: sorted(v)[0] for k, v in by_lang.items()}
        hant = pick.get("zh-hant") or pick.get("zh-tw") or pick.get("zh-hk") or ""
        hans = pick.get("zh-hans") or pick.get("zh-cn") or pick.get("zh") or ""
        en = pick.get("en") or ""
        plain = pick.get("") or ""
        hant = hant or (to_hant(hans) if hans else plain)
        hans = hans or (to_hans(hant) if hant else plain)
        local = local_name(s)
        return (hant or en or local, hans or en or local, en or hant or local)

    def alt_labels(self, s: str) -> tuple[str, ...]:
        return tuple(
            sorted({o for p, o, is_iri, _ in self.out.get(s, ()) if p == _ALT and not is_iri})
        )


def local_name(iri: str) -> str:
    """Short readable id: ``platform/yukuaiban`` for ``cqr:``, else the part after # or /."""
    if iri.startswith(str(CQR)):
        return iri[len(str(CQR)) :]
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def _data_file(build_dir: Path) -> Path:
    for name in ("cqkg.nt", "cqkg.ttl"):
        if (build_dir / name).is_file():
            return build_dir / name
    raise InputError(f"{build_dir}: no cqkg.nt or cqkg.ttl (run `cqkg build` first)")


def _load_engine(build_dir: Path) -> OxigraphEngine:
    """The build in ``graph.sparql.engines``'s engine, the one every query of every entry point uses
    (data and ontology in their named graphs, the default graph their union)."""
    _data_file(build_dir)  # the viewer's own one-line message for a missing build
    engine = open_engine("oxigraph", build_dir)
    assert isinstance(engine, OxigraphEngine)
    return engine


def _index_quads(idx: ResourceIndex, quads: Iterable[Any]) -> None:
    """Add quads (or triples) to ``idx`` (``ResourceIndex.add`` inlined: a 1,000-source corpus
    has millions of them and the call overhead was a third of the time)."""
    idx.memo.clear()
    types, out, inc = idx.types, idx.out, idx.inc
    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        if isinstance(s, named):
            s_id = s.value
        elif isinstance(s, blank):
            s_id = f"_:{s.value}"
        else:  # RDF-star triple terms are not drawn
            continue
        if isinstance(o, named):
            o_id = o.value
        elif isinstance(o, literal):
            out[s_id].append((p, o.value, False, o.language or ""))
            continue
        elif isinstance(o, blank):
            o_id = f"_:{o.value}"
        else:
            continue
        out[s_id].append((p, o_id, True, ""))
        if p == _TYPE:  # not in ``inc``: nobody asks a class for its instances that way, and
            types[s_id].add(o_id)  # a corpus has hundreds of thousands of spans of one class
        else:
            inc[o_id].append((p, s_id))


def index_triples(triples: Iterable[Any]) -> ResourceIndex:
    """An index of pyoxigraph triples or quads (a parsed file, a store's contents)."""
    idx = ResourceIndex()
    _index_quads(idx, triples)
    return idx


def _index(store: ox.Store) -> ResourceIndex:
    idx = ResourceIndex()
    _index_quads(idx, store.quads_for_pattern(None, None, None, None))
    return idx


_V = TypeVar("_V")


class _Lazy(dict[str, _V]):
    """A dict filled on first lookup by ``fetch`` (a store lookup), each answer memoised.

    ``get`` and ``in`` fetch too. Iterating it yields only what was looked up, which is why the
    code that needs every resource of a class asks :meth:`ResourceIndex.instances` instead.
    """

    __slots__ = ("_fetch",)

    def __init__(self, fetch: Callable[[str], _V]) -> None:
        super().__init__()
        self._fetch = fetch

    def __missing__(self, key: str) -> _V:
        value = self._fetch(key)
        self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self[key])


class StoreIndex(ResourceIndex):
    """The index of a big build, answered from its (on-disk) store when a resource is asked for.

    Why: copying every quad of a 1,000-article corpus (millions) into Python dicts took longer
    than the whole page may (issue 11: HTML < 3 s); the overview reads a few thousand
    resources. Lookups give exactly what :class:`ResourceIndex` would hold for the same store
    (the same quads, canonicalised by the store); the whole-graph questions (instances of
    classes, the links between entities, the figure links, mention editions) are asked of the
    store in one pattern or SPARQL query each instead of a Python loop over every resource.
    """

    def __init__(self, store: ox.Store) -> None:
        ResourceIndex.__init__(
            self, types=_Lazy(self._types), out=_Lazy(self._out), inc=_Lazy(self._inc)
        )
        self.store = store

    @staticmethod
    def _node(iri: str) -> ox.NamedNode | ox.BlankNode | None:
        try:
            return ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)
        except ValueError:  # not a term of the store (a literal's text, an empty string)
            return None

    def _types(self, s: str) -> set[str]:
        node = self._node(s)
        if node is None:
            return set()
        quads = self.store.quads_for_pattern(node, ox.NamedNode(_TYPE), None, None)
        return {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}

    def _out(self, s: str) -> list[tuple[str, str, bool, str]]:
        node = self._node(s)
        if node is None:
            return []
        out: list[tuple[str, str, bool, str]] = []
        named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
        for q in self.store.quads_for_pattern(node, None, None, None):
            o = q.object
            if isinstance(o, named):
                out.append((q.predicate.value, o.value, True, ""))
            elif isinstance(o, literal):
                out.append((q.predicate.value, o.value, False, o.language or ""))
            elif isinstance(o, blank):
                out.append((q.predicate.value, f"_:{o.value}", True, ""))
        return out

    def _inc(self, o: str) -> list[tuple[str, str]]:
        node = self._node(o)
        if node is None:
            return []
        out: list[tuple[str, str]] = []
        for q in self.store.quads_for_pattern(None, None, node, None):
            p, s = q.predicate.value, q.subject
            if p == _TYPE:
                continue
            if isinstance(s, ox.NamedNode):
                out.append((p, s.value))
            elif isinstance(s, ox.BlankNode):
                out.append((p, f"_:{s.value}"))
        return out

    def _subjects(self, cls: str) -> list[str]:
        """Instances of one class, memoised (the style classes and the observations ask)."""
        key = ("subjects", cls)
        hit = self.memo.get(key)
        if hit is None:
            hit = []
            for q in self.store.quads_for_pattern(
                None, ox.NamedNode(_TYPE), ox.NamedNode(cls), None
            ):
                if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
                    hit.append(_term_id(q.subject))
            self.memo[key] = hit
        return hit  # type: ignore[no-any-return]

    def _instances(self, classes: frozenset[str]) -> frozenset[str]:
        return frozenset(s for c in classes for s in self._subjects(c))

    def _style_classes(self, rank: dict[str, tuple[int, ClassStyle]]) -> dict[str, ClassStyle]:
        out: dict[str, ClassStyle] = {}
        for iri, (_i, cls) in sorted(rank.items(), key=lambda kv: kv[1][0]):
            for s in self._subjects(iri):
                out.setdefault(s, cls)  # the best-ranked class comes first
        return out

    def _objects(self, s: str, p: str) -> Iterator[str]:
        node = self._node(s)
        if node is None:
            return
        for q in self.store.quads_for_pattern(node, ox.NamedNode(p), None, None):
            o = q.object
            if isinstance(o, ox.BlankNode):
                yield f"_:{o.value}"
            elif isinstance(o, (ox.NamedNode, ox.Literal)):
                yield o.value

    def values(self, s: str, p: str) -> list[str]:
        """As :meth:`ResourceIndex.values`; one pattern lookup unless ``s`` was read whole."""
        if dict.__contains__(self.out, s):
            return ResourceIndex.values(self, s, p)
        return sorted(self._objects(s, p))

    def subjects(self, p: str, o: str) -> list[str]:
        node = self._node(o)
        if node is None:
            return []
        out: list[str] = []
        for q in self.store.quads_for_pattern(None, ox.NamedNode(p), node, None):
            s = q.subject
            if isinstance(s, ox.NamedNode):
                out.append(s.value)
            elif isinstance(s, ox.BlankNode):
                out.append(f"_:{s.value}")
        return out

    def _editions(self) -> frozenset[str]:
        edition = ox.NamedNode(_CQO + "edition")
        quads = self.store.quads_for_pattern(None, edition, None, None)
        return frozenset(q.object.value for q in quads if not isinstance(q.object, ox.Triple))

    def links(self, nodes: dict[str, ClassStyle]) -> list[tuple[str, str, str]]:
        """As :meth:`ResourceIndex.links`, memoised (the network and the panels both ask)."""
        key = ("links", frozenset(nodes))
        hit = self.memo.get(key)
        if hit is None:
            hit = ResourceIndex.links(self, nodes)
            self.memo[key] = hit
        return hit  # type: ignore[no-any-return]

    def figure_links(
        self, classes: frozenset[str]
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """As :meth:`ResourceIndex.figure_links` as sets of pairs (sorted), read predicate by
        predicate: every observation's indicator, then every ``cqo:about``, then each
        observation's sections."""
        every = self.instances(classes)
        inds: dict[str, list[str]] = defaultdict(list)
        for obs, ind in self._select(f"SELECT ?obs ?i WHERE {{ ?obs <{_CQO}indicator> ?i }}"):
            if obs in every:
                inds[obs].append(ind)
        about: set[tuple[str, str]] = set()
        for obs, x in self._select(f"SELECT ?obs ?x WHERE {{ ?obs <{_CQO}about> ?x }}"):
            for i in inds.get(obs, ()):
                about.add((x, i))
        section: set[tuple[str, str]] = set()
        query = f"SELECT ?obs ?sec WHERE {{ ?obs <{_CQO}indicator> ?i ; <{_CQO}section> ?sec }}"
        for obs, sec in self._select(query):  # one query, not one lookup per observation
            for i in inds.get(obs, ()):
                section.add((i, sec))
        return sorted(about), sorted(section)

    def entity_inc(self, nodes: Iterable[str], styles: Styles) -> dict[str, list[tuple[str, str]]]:
        """As :meth:`ResourceIndex.entity_inc`: the links among entities read in reverse (a
        hub's own incoming quads are mostly spans and figures, hundreds of thousands)."""
        classes = self.style_classes(styles)
        entities = {s: c for s, c in classes.items() if not c.observation}
        rev: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, o, p in self.links(entities):
            rev[o].append((p, s))
        return {
            n: rev.get(n, []) if n in entities else ResourceIndex.entity_inc(self, [n], styles)[n]
            for n in nodes
        }

    def _select(self, query: str) -> Iterator[tuple[str, ...]]:
        """Rows of an internal SELECT over the union of the build's graphs, as the index names
        terms (IRIs, ``_:`` blank nodes, literal values; an unbound one as "")."""
        res = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(res, ox.QuerySolutions)
        for sol in res:
            yield tuple("" if t is None else _term_id(t) for t in sol)

    def assertions_touching(self, nodes: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """As :meth:`ResourceIndex.assertions_touching`: the assertions found by pattern from
        each node, then each read in one lookup (a corpus has one assertion per relation
        stated per article; a SPARQL join of the same was ten times slower here)."""
        rdf_s, rdf_p, rdf_o = str(RDF.subject), str(RDF.predicate), str(RDF.object)
        found: set[str] = set()
        for n in set(nodes):
            found.update(self.subjects(rdf_s, n))
            found.update(self.subjects(rdf_o, n))
        out = []
        for a in sorted(found):
            quads = self._out(a)  # not kept: each assertion is read once
            if (_TYPE, _CQO + "Assertion", True, "") not in quads:
                continue
            parts = [
                min((o for pp, o, _, _ in quads if pp == p), default="")
                for p in (rdf_s, rdf_p, rdf_o)
            ]
            out.append((a, parts[0], parts[1], parts[2]))
        return out


def _term_id(term: Any) -> str:
    """A quad term as the index names it (IRI, ``_:`` blank node, literal value)."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _stamp(build_dir: Path) -> tuple[str, int, int]:
    data = _data_file(build_dir)
    st = data.stat()
    return (str(data.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _cached_build(stamp: tuple[str, int, int]) -> tuple[OxigraphEngine, ResourceIndex]:
    # the index is read from the engine's store, not straight from the parser: the store
    # canonicalises literals (150000000.0 -> 150000000), and the page shows them as it does
    build_dir = Path(stamp[0]).parent
    engine = _load_engine(build_dir)
    if wants_store(build_dir):  # a big build: read resources from its store when asked
        return engine, StoreIndex(engine.store)
    return engine, _index(engine.store)


def load_build(build_dir: Path) -> tuple[ox.Store, ResourceIndex]:
    """Load ``build/`` (data graph plus ontology) once per file version (cached by mtime)."""
    engine, idx = _cached_build(_stamp(Path(build_dir)))
    return engine.store, idx


def load_engine(build_dir: Path) -> tuple[OxigraphEngine, ResourceIndex]:
    """The cached build as the checked query engine (for ``--query``) and its index."""
    return _cached_build(_stamp(Path(build_dir)))


# --------------------------------------------------------------------------- the network


_RANKS: dict[int, tuple[tuple[ClassStyle, ...], dict[str, tuple[int, ClassStyle]]]] = {}


def _class_rank(classes: tuple[ClassStyle, ...]) -> dict[str, tuple[int, ClassStyle]]:
    """Class IRI -> (position in styles, style), memoised by identity (hashing the styles
    tuple on every lookup cost more than the lookup)."""
    hit = _RANKS.get(id(classes))
    if hit is None or hit[0] is not classes:
        hit = (classes, {c.iri: (i, c) for i, c in enumerate(classes)})
        _RANKS[id(classes)] = hit
    return hit[1]


def class_of(idx: ResourceIndex, styles: Styles, iri: str) -> ClassStyle | None:
    """The first class of ``styles`` the resource has (subclasses are listed first)."""
    return idx.style_classes(styles).get(iri)


def _entities(idx: ResourceIndex, styles: Styles, observations: bool) -> dict[str, ClassStyle]:
    out: dict[str, ClassStyle] = {}
    classes = idx.style_classes(styles)
    for iri in sorted(classes):
        c = classes[iri]
        if observations or not c.observation:
            out[iri] = c
    return out


def observations_of(idx: ResourceIndex, styles: Styles) -> list[str]:
    """Every resource of an observation class (figures), sorted."""
    return sorted(idx.instances(_observation_classes(styles)))


def _observation_classes(styles: Styles) -> frozenset[str]:
    return frozenset(c.iri for c in styles.classes if c.observation)


Edges = dict[tuple[str, str, str], None]
"""``(subject, object, predicate)`` in first-seen order, each once (an insertion-ordered set)."""


def network_parts(
    idx: ResourceIndex, styles: Styles, *, observations: bool = False
) -> tuple[dict[str, ClassStyle], Edges]:
    """The nodes and edges of :func:`build_network` as plain data (for aggregating a network
    too big to be worth building as a networkx graph first)."""
    nodes = _entities(idx, styles, observations)
    edges: Edges = dict.fromkeys(idx.links(nodes))
    if not observations:
        mentioned = _CQO + "mentionedIn"
        abouts, sections = idx.figure_links(_observation_classes(styles))
        for about, ind in abouts:
            if about in nodes and ind in nodes and about != ind:
                edges[(about, ind, FIGURE_EDGE)] = None
        # an indicator is mentioned in the sections where its figures are stated
        for ind, sec in sections:
            if ind in nodes and sec in nodes:
                edges[(ind, sec, mentioned)] = None
    return nodes, edges


def network_from_parts(
    nodes: dict[str, ClassStyle], edges: Iterable[tuple[str, str, str]]
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from((iri, {"cls": cls}) for iri, cls in nodes.items())
    g.add_edges_from((s, o, p, {"predicate": p}) for s, o, p in edges)
    return g


def build_network(
    idx: ResourceIndex, styles: Styles, *, observations: bool = False
) -> nx.MultiDiGraph:
    """Entities as nodes (attribute ``cls``), relations between them as keyed edges.

    Without ``observations``, an observation's ``cqo:about`` entity gets a derived ``figure``
    edge to its indicator, and the indicator a ``cqo:mentionedIn`` edge to the observation's
    section, so figures still tie the picture together.
    """
    return network_from_parts(*network_parts(idx, styles, observations=observations))


def hubs(g: nx.MultiDiGraph) -> set[str]:
    return {n for n, c in g.nodes(data="cls") if c.hub}


def walk_graph(g: nx.MultiDiGraph, keep: Iterable[str] = ()) -> nx.Graph:
    """Undirected simple view without hub nodes (themes), except those in ``keep``."""
    drop = hubs(g) - set(keep)
    return nx.Graph(g.subgraph(n for n in g if n not in drop))


def resolve_node(idx: ResourceIndex, candidates: Iterable[str], text: str, what: str) -> str:
    """Find one node by IRI, ``class/slug`` id, slug, or label in any script or language."""
    cands = sorted(candidates)
    text = text.strip()
    if not text:
        raise InputError(f"{what}: empty")
    cset = set(cands)
    for guess in (text, str(CQR) + text):
        if guess in cset:
            return guess
    by_slug = [c for c in cands if c.endswith("/" + text)]
    if len(by_slug) == 1:
        return by_slug[0]
    key = fold(text)

    def names(c: str) -> set[str]:
        return {fold(x) for x in (*idx.labels(c), *idx.alt_labels(c))}

    exact = [c for c in cands if key in names(c)]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        exact = [c for c in cands if any(key in n for n in names(c))]
        if len(exact) == 1:
            return exact[0]
    if not exact:
        raise InputError(f"{what} {text!r}: no matching node")
    shown = ", ".join(local_name(c) for c in exact[:5])
    raise InputError(f"{what} {text!r}: ambiguous ({len(exact)} matches: {shown}); give an id")


def focus_nodes(g: nx.MultiDiGraph, focus: str, hops: int) -> set[str]:
    """Ego network of ``focus``: ``hops`` steps without passing through themes, plus its themes."""
    if hops < 0:
        raise InputError(f"--hops {hops}: must be 0 or more")
    w = walk_graph(g, keep=[focus])
    keep = set(nx.single_source_shortest_path_length(w, focus, cutoff=hops))
    keep |= {n for n in nx.all_neighbors(g, focus) if g.nodes[n]["cls"].hub}
    return keep


def section_nodes(idx: ResourceIndex, g: nx.MultiDiGraph, section: str) -> tuple[str, set[str]]:
    """The theme and every node mentioned in it (``cqo:mentionedIn`` or a mention span)."""
    themes = [n for n in g if g.nodes[n]["cls"].hub]
    theme = resolve_node(idx, themes, section, "--section")
    keep = {theme}
    for p, s in idx.inc.get(theme, ()):
        if s in g and p in (_CQO + "mentionedIn", _CQO + "section"):
            keep.add(s)
        if p == _CQO + "section":  # a span or observation in this section
            keep.update(o for o in idx.values(s, _CQO + "refersTo") if o in g)
            keep.update(o for o in idx.values(s, _CQO + "about") if o in g)
    return theme, keep


VIEW_MAX_TRIPLES = 1_000_000  # far above any drawable graph; a cap, never a truncation


def query_network(
    engine: OxigraphEngine, idx: ResourceIndex, styles: Styles, query: str, name: str = "query"
) -> nx.MultiDiGraph:
    """Draw a CONSTRUCT result: its IRIs are nodes (styled from the full graph), its links edges.

    The query goes through :func:`graph.sparql.engines.run_query`, the checked path of ``cqkg
    query`` and the endpoint (size, depth, parsed SERVICE/Update/FROM check, then the engine).
    The server runs its ``/view?query=`` through its worker pool instead and hands the
    :class:`Result` to :func:`result_network`, the one step both share.
    """
    try:
        result = run_query(engine, query, max_rows=VIEW_MAX_TRIPLES)
    except QueryError as exc:
        raise InputError(f"{name}: {exc}") from None
    return result_network(idx, styles, result, name)


def result_network(
    idx: ResourceIndex, styles: Styles, result: Result, name: str = "query"
) -> nx.MultiDiGraph:
    """The network of a graph result: IRI subjects and objects are nodes, styled by their class
    in the full graph ``idx`` (``FALLBACK_STYLE`` when it has none); links between them are
    edges, except types and names (``HIDDEN_PREDICATES``), which a node shows, and self-loops.
    Literals and blank nodes are not drawn (a node's panel shows the build's own data).

    A SELECT or ASK result is an :class:`InputError`: it has no triples to draw.
    """
    if result.kind != "graph":
        raise InputError(f"{name}: must be a CONSTRUCT (or DESCRIBE) query")
    triples = sorted(
        (s.value, p.value, o.value)
        for s, p, o in result.triples
        if s.kind == "uri" and o.kind == "uri"
    )
    g = nx.MultiDiGraph()
    for s, p, o in triples:
        if p == _TYPE:
            g.add_node(s)
            continue
        if p in HIDDEN_PREDICATES:
            continue
        g.add_node(s)
        g.add_node(o)
        if s != o:
            g.add_edge(s, o, key=p, predicate=p)
    for n in g:
        g.nodes[n]["cls"] = class_of(idx, styles, n) or FALLBACK_STYLE
    return g


def term_labels(idx: ResourceIndex, styles: Styles, iri: str) -> Labels:
    if iri in styles.relations and not any(p in (_LABEL, _PREF) for p, *_ in idx.out.get(iri, ())):
        return styles.relations[iri]
    if iri in idx.out:
        hant, hans, en = idx.labels(iri)
        local = local_name(iri)
        if hant == local and iri in styles.relations:
            return styles.relations[iri]
        return (hant, hans, en)
    if iri in styles.relations:
        return styles.relations[iri]
    name = local_name(iri)
    return (name, name, name)


# --------------------------------------------------------------------------- GraphML


def from_ntriples(
    nt: str, ontology: Path | None = None, styles: Styles | None = None
) -> tuple[nx.MultiDiGraph, ResourceIndex, Styles]:
    """The network of a graph given as N-Triples (``cqkg build`` has no store of its own).

    ``ontology`` (Turtle) is indexed with the data, as ``load_build`` does with a build's
    ``ontology.ttl``, so relation names come out the same as in ``cqkg analyze``.
    """
    styles = styles or load_styles()
    idx = index_triples(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    if ontology is not None:
        _index_quads(idx, ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
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
