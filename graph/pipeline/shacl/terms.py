"""What every module of the engine shares: the refusal and the shapes of a result.

Why apart: the shapes, the index, the components and the SPARQL part each raise
:class:`Unsupported` and speak of the same rows; one small module they all import keeps them
free of import cycles.
"""

from __future__ import annotations

from typing import Any


class Unsupported(Exception):
    """The shapes or the data use something this engine does not reproduce: run pySHACL."""


Term = Any  # an rdflib node: URIRef, BNode or Literal
Row = tuple[Term, Term, Term, str]  # (focus node, result path or None, source shape, message)
Owned = list[tuple[Term, Row]]  # (the focus node of the shape that owns the result, result)
