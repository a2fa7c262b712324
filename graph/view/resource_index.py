"""The viewer's index of a build's triples, and the short readable id of a resource.

Why one index: the page, ``cqkg analyze`` and the GraphML export read the same resources,
labels and links (``graph.view.network`` builds the network from it), so how a triple is kept
(objects as ``(value, is_iri, language)``, so literals and IRIs never mix up) and which
predicates are never drawn as edges is decided here once. A big build's store answers the same
lookups on demand (``graph.view.store_index``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.curation.styles import ClassStyle, Labels, Styles
from graph.namespaces import CQO_IRI, CQR, NIF, RDF, RDFS, SKOS
from graph.text import to_hans, to_hant

__all__ = [
    "HIDDEN_PREDICATES",
    "NIF_REFERENCE",
    "ResourceIndex",
    "index_quads",
    "index_triples",
    "local_name",
]

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_PREF = str(SKOS.prefLabel)
_CQO = CQO_IRI
HIDDEN_PREDICATES = frozenset({_TYPE, _LABEL, _ALT, _PREF})
"""Predicates never drawn as edges (types and names are what a node shows, not links)."""
NIF_REFERENCE = str(NIF.referenceContext)


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


def index_quads(idx: ResourceIndex, quads: Iterable[Any]) -> None:
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
    index_quads(idx, triples)
    return idx


_RANKS: dict[int, tuple[tuple[ClassStyle, ...], dict[str, tuple[int, ClassStyle]]]] = {}


def _class_rank(classes: tuple[ClassStyle, ...]) -> dict[str, tuple[int, ClassStyle]]:
    """Class IRI -> (position in styles, style), memoised by identity (hashing the styles
    tuple on every lookup cost more than the lookup)."""
    hit = _RANKS.get(id(classes))
    if hit is None or hit[0] is not classes:
        hit = (classes, {c.iri: (i, c) for i, c in enumerate(classes)})
        _RANKS[id(classes)] = hit
    return hit[1]
