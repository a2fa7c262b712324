"""Turtle and JSON-LD of a big build, written by Oxigraph's serializers from ``cqkg.nt``.

Why: the rdflib-layout writers (``export_writers``, ``export_blocks``) cost 25-35 µs a triple
when a block is not cached (a cold build, or any build after a code change): ~18 s for the
Turtle and ~23 s for the JSON-LD of a 200-article corpus (660,000 triples), about a minute
of CPU at 1,000 articles. Oxigraph's serializers (Rust, the library that already is the
build's query store) write the same triples in 0.3 s and 0.5 s there. A build is *big* when its
``cqkg.nt`` reaches ``disk_store.PERSISTENT_STORE_MIN_BYTES`` (64 MiB, ``export.big``): the
threshold at which it also gets an on-disk query store. Below it the files keep their
hand-tuned layout (the seed's Turtle reads like rdflib's ``longturtle``; its JSON-LD is
compacted with ``context.jsonld``).

What a big build's files are, and why they are still right:

* ``cqkg.ttl``: Turtle with the project's prefixes (``graph.namespaces.PREFIXES``), the
  triples in the order of ``cqkg.nt`` (sorted), so each subject's triples are one block.
* ``cqkg.jsonld``: expanded JSON-LD (full IRIs, no ``@context``; a JSON-LD processor
  compacts it with ``context.jsonld`` if wanted), one node object per subject.
* Language tags come out in lower case (``zh-hans``): Oxigraph normalises them, RDF 1.1 says
  a tag's value is its lower-case form, and the query store already answers with it; the
  literals are the same RDF terms as those of ``cqkg.nt``.

The bytes are a function of ``cqkg.nt`` alone (sorted, deterministic), so a warm, an
incremental and a cold build write the same files (``tests/pipeline/test_export_bulk.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from graph.namespaces import PREFIXES

__all__ = ["jsonld", "turtle"]


def _triples(nt: bytes) -> Iterator[ox.Triple]:
    """The triples of ``nt`` as the serializers take them: streamed, one at a time (a list of
    1.6 million Oxigraph triples held ~0.7 GB more for 5 % less time)."""
    return iter(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def _serialize(
    triples: Iterator[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    out = ox.serialize(triples, format=fmt, prefixes=prefixes)
    assert out is not None  # no output given: the bytes are returned
    return out if out.endswith(b"\n") else out + b"\n"


def turtle(nt: bytes) -> bytes:
    """The Turtle of the sorted N-Triples ``nt``."""
    return _serialize(_triples(nt), ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))


def jsonld(nt: bytes) -> bytes:
    """Expanded JSON-LD of the sorted N-Triples ``nt``, ending in a line break."""
    return _serialize(_triples(nt), ox.RdfFormat.JSON_LD)
