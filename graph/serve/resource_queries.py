"""The fixed SPARQL texts of a resource page (``GET /id/{path}``) and what each leaves out.

Apart from the gathering (:mod:`graph.serve.resource_page`) so the queries can be read, and
tested, as one list. Each is a ``str.format`` template whose only holes are an IRI that passed
:func:`graph.serve.page_model.iri_term` (``{x}``, ``{values}``), a fixed pattern and a limit.
"""

from __future__ import annotations

from graph.namespaces import PREFIXES

CQO = PREFIXES["cqo"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
NIF = PREFIXES["nif"]
PROV = PREFIXES["prov"]

# Incoming edges shown elsewhere on the page (or structural and numerous): not listed as relations.
IN_HIDDEN = (
    "rdf:subject rdf:object rdf:predicate cqo:refersTo nif:sentence nif:referenceContext "
    "cqo:section prov:wasDerivedFrom cqo:about cqo:indicator qb:dataSet skos:inScheme "
    "org:heldBy"  # the inverse of org:holds, which carries the evidence
)
# Outgoing edges shown in the heading, figure or span view rather than as relations.
OUT_HIDDEN = {
    RDF + "type",
    CQO + "section",
    NIF + "sentence",
    NIF + "referenceContext",
    PROV + "wasDerivedFrom",
    SKOS + "inScheme",
    PREFIXES["qb"] + "dataSet",
}
# Literal properties already shown by the heading, the figure card or the span view.
LITERAL_HIDDEN = {
    "all": {RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel"},
    "observation": {CQO + p for p in ("statedValue", "value", "period", "rank", "tier")},
    "span": {NIF + "anchorOf", NIF + "beginIndex", NIF + "endIndex"}
    | {CQO + "rawBeginIndex", CQO + "rawEndIndex"},
}
FIGURE_PROPS = {
    CQO + p for p in ("indicator", "unit", "qualifier", "rankScope", "refArea", "about", "section")
}

Q_OUT = """SELECT ?p ?o ?postIn ?heldBy ?span WHERE {{
  {x} ?p ?o . FILTER(isIRI(?o))
  OPTIONAL {{ ?o org:postIn ?postIn }}
  OPTIONAL {{ ?o org:heldBy ?heldBy }}
  OPTIONAL {{ ?a rdf:subject {x} ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?span }}
}} ORDER BY ?p ?o ?span LIMIT {limit}"""

Q_IN = """SELECT ?s ?p ?postIn ?heldBy ?span WHERE {{
  ?s ?p {x} . FILTER(isIRI(?s))
  FILTER(?p NOT IN ({hidden}))
  OPTIONAL {{ ?s org:postIn ?postIn }}
  OPTIONAL {{ ?s org:heldBy ?heldBy }}
  OPTIONAL {{ ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object {x} ; prov:wasDerivedFrom ?span }}
}} ORDER BY ?p ?s ?span LIMIT {limit}"""

Q_LITERALS = """SELECT ?p ?o WHERE {{ {x} ?p ?o . FILTER(isLiteral(?o)) }} ORDER BY ?p ?o"""

Q_EXISTS = """ASK {{ {{ {x} ?p ?o }} UNION {{ ?s ?p {x} }} }}"""


def _optionals(subject: str, columns: dict[str, str]) -> str:
    """One ``OPTIONAL {{ subject property ?column }}`` line per column, in the template's brace
    escaping: the figure and span queries read many optional properties of one node the same
    way, so their text is written from the column tables below, not spelled out twice."""
    return "\n".join(f"  OPTIONAL {{{{ {subject} {p} ?{c} }}}}" for c, p in columns.items())


FIGURE_COLUMNS = {
    "stated": "cqo:statedValue",
    "value": "cqo:value",
    "unit": "cqo:unit",
    "qual": "cqo:qualifier",
    "rank": "cqo:rank",
    "scope": "cqo:rankScope",
    "tier": "cqo:tier",
    "period": "cqo:period",
    "area": "cqo:refArea",
    "about": "cqo:about",
    "span": "prov:wasDerivedFrom",
}
"""Variable -> property of the figure query (each optional, all of an observation's)."""

Q_FIGURES = (
    f"SELECT ?obs ?ind {' '.join('?' + c for c in FIGURE_COLUMNS)} WHERE {{{{\n"
    "  {pattern}\n"
    "  ?obs cqo:indicator ?ind .\n"
    f"{_optionals('?obs', FIGURE_COLUMNS)}\n"
    "}} ORDER BY ?ind ?obs ?span LIMIT {limit}"
)

FIGURE_PATTERNS = {
    "entity": "?obs cqo:about {x} .",
    "indicator": "?obs cqo:indicator {x} .",
    "theme": "?obs cqo:section {x} .",
    "observation": "VALUES ?obs {{ {x} }}",
}

Q_MENTIONS = """SELECT ?span WHERE {{ ?span cqo:refersTo {x} }} ORDER BY ?span LIMIT {limit}"""

SPAN_COLUMNS = {
    "quote": "nif:anchorOf",
    "b": "nif:beginIndex",
    "e": "nif:endIndex",
    "rb": "cqo:rawBeginIndex",
    "re": "cqo:rawEndIndex",
    "sec": "cqo:section",
    "ref": "cqo:refersTo",
}
"""Variable -> property of the span query (each optional)."""
SENTENCE_COLUMNS = {"stext": "nif:anchorOf", "sb": "nif:beginIndex", "ssec": "cqo:section"}
"""The same for the span's sentence."""

Q_SPANS = (
    "SELECT ?span "
    + " ".join("?" + c for c in (*SPAN_COLUMNS, "sent", *SENTENCE_COLUMNS, "type"))
    + " WHERE {{\n  VALUES ?span {{ {values} }}\n"
    + _optionals("?span", SPAN_COLUMNS)
    + "\n  OPTIONAL {{ ?span a ?type FILTER(?type = cqo:Sentence) }}\n"
    + "  OPTIONAL {{ ?span nif:sentence ?sent .\n"
    + _optionals("?sent", SENTENCE_COLUMNS).replace("  OPTIONAL", "    OPTIONAL")
    + " }}\n}}"
)

Q_DERIVED = """SELECT ?d ?a ?s ?p ?o WHERE {{
  ?d prov:wasDerivedFrom {x} .
  OPTIONAL {{ ?d a cqo:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o
             BIND(?d AS ?a) }}
}} ORDER BY ?d LIMIT {limit}"""

Q_INNER = """SELECT ?span WHERE {{ ?span nif:sentence {x} }} ORDER BY ?span LIMIT {limit}"""

Q_MEMBERS = (
    """SELECT ?m ?c WHERE {{ ?m cqo:mentionedIn {x} ; a ?c }} ORDER BY ?c ?m LIMIT {limit}"""
)

Q_LABELS = """SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?l }}"""

# ---------------------------------------------------------------- indicator series (issue 10)

Q_NOT_FIGURES = """SELECT DISTINCT ?obs WHERE {{
  ?obs cqo:indicator {x} ; a ?c .
  VALUES ?c {{ cqo:GrowthObservation cqo:RankObservation cqo:TierObservation }}
}} ORDER BY ?obs LIMIT {limit}"""

Q_CHECKS = """SELECT ?check ?growth ?status ?comment WHERE {{
  ?check a cqo:ConsistencyCheck ; cqo:checks ?growth ; cqo:status ?status ; rdfs:comment ?comment .
  ?growth cqo:indicator {x} .
}} ORDER BY ?growth ?check LIMIT {limit}"""


__all__ = [
    "FIGURE_COLUMNS",
    "FIGURE_PATTERNS",
    "FIGURE_PROPS",
    "IN_HIDDEN",
    "LITERAL_HIDDEN",
    "OUT_HIDDEN",
    "Q_CHECKS",
    "Q_DERIVED",
    "Q_EXISTS",
    "Q_FIGURES",
    "Q_IN",
    "Q_INNER",
    "Q_LABELS",
    "Q_LITERALS",
    "Q_MEMBERS",
    "Q_MENTIONS",
    "Q_NOT_FIGURES",
    "Q_OUT",
    "Q_SPANS",
    "SENTENCE_COLUMNS",
    "SPAN_COLUMNS",
]
