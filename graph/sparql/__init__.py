"""Everything that answers SPARQL. Takes a built graph (``cqkg.nt`` + ``ontology.ttl``), gives
query results in the registered formats.

``safety`` (the check every query passes first), ``engines`` (the one checked path: pyoxigraph
or rdflib, used by ``cqkg query``, the endpoint, ``cqkg view`` and ``compare``), ``disk_store``
(a big build's on-disk store), ``kept_answers`` (the shipped queries' answers kept with it),
``results`` (the engine-neutral answer), ``formats`` (the one format registry: CLI,
negotiation, service description), ``catalogue`` (the shipped ``queries/*.rq`` and their
parameters), ``workers`` and ``sandbox`` (the endpoint's killable, network-less worker
processes), ``compare`` (edition ledgers) and ``push`` (Graph Store upload)."""
