"""The network viewer. Takes a built graph (``build/``: data, ontology) and
``graph/curation/styles.yaml``; gives ``build/viewer.html`` (one offline page), the ``cqkg analyze``
report and the entity network as GraphML/GEXF (the build's ``cqkg.graphml`` is the same file).

``resource_index`` indexes the build (``store_index`` answers from a big build's store,
``load`` loads either once per file version); ``network`` builds the one entity network and
``graphml`` writes it; ``aggregate`` folds it above the node budget; ``layout`` positions the
nodes; ``evidence`` gathers the figures and quotes of the details panel; ``page_data`` makes
the page's data and ``render`` writes the page; ``analyze`` measures the network with
networkx."""
