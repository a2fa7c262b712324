"""The network viewer. Takes a built graph (``build/``: data, ontology) and
``graph/curation/styles.yaml``; gives ``build/viewer.html`` (one offline page), the ``cqkg analyze``
report and the entity network as GraphML/GEXF (the build's ``cqkg.graphml`` is the same file).

``network`` indexes the build and builds the one entity network; ``aggregate`` folds it above
the node budget; ``layout`` positions the nodes; ``evidence`` gathers the figures and quotes of
the details panel; ``render`` writes the page; ``analyze`` measures the network with networkx."""
