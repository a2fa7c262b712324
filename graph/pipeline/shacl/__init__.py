"""SHACL evaluated set by set: pySHACL's answer at a fraction of its cost (issue 11).

Why: pySHACL validates every property shape once per focus node (a fresh ``Shape.validate``
call, constraint objects rebuilt each time, every nested ``sh:or`` and qualified shape once per
value node) and runs each SPARQL constraint once per focus node with rdflib's SPARQL engine.
That made SHACL cost in proportion to the corpus at a high constant (50k triples, 30
articles: about 6 s CPU; 1,000 articles would take minutes). Here the shapes graph is read once
into a small program; the data graph (with the ontology mixed in, as pySHACL sees it) is read
once into dictionaries; each constraint then runs over all its focus nodes at once; SPARQL
targets and constraints run once per shape in pyoxigraph, the focus nodes of a constraint
bound by one ``VALUES`` block.

What it must give is pySHACL's answer, not SHACL's as we read the spec: the same multiset of
violations, each with the same focus node, message, result path and source shape (so the same
``validate.Problem`` list), and the same ``conforms``. So each component (``components.py``,
``engine.py``) follows pySHACL 0.40's own code (``pyshacl/constraints/core``): one result per
focus node and failing value, duplicates where pySHACL validates a shared shape twice (a
property shape that two node shapes reference), the nested results of a failed ``sh:node``
kept (pySHACL adds them to the report as results of their own), those of ``sh:or`` and
``sh:qualifiedValueShape`` dropped.
Literal-level answers (datatype well-formedness, string form, ordering) call pySHACL's own
helpers on the same rdflib terms.

Anything outside the subset ``ontology/shapes.ttl`` uses raises ``terms.Unsupported`` - while the
shapes are read (a constraint parameter not implemented, a severity other than violation,
``sh:deactivated``, a path other than a predicate or its inverse, a shape that reports without
exactly one ``sh:message``, SPARQL the one-query rewriting cannot keep exact), or while the data
is (a blank node where pySHACL would raise) - and the caller runs pySHACL instead. The results
are compared with pySHACL as shipped on the seed, the fixtures corpus, every valid and invalid
example and graphs broken on purpose (``tests/pipeline/test_validate_engine.py``).

The modules: :mod:`.terms` (the refusal and the result rows every part shares), :mod:`.shapes`
(reading the shapes graph into a program, where most refusals happen), :mod:`.index` (the data
graph as dictionaries), :mod:`.components` (the leaf constraint components), :mod:`.sparql`
(SPARQL targets and constraints in pyoxigraph) and :mod:`.engine` (a run over all focus nodes
at once, the nesting components, and :func:`~graph.pipeline.shacl.engine.validate`, the entry
point ``graph.pipeline.validate`` calls).
"""
