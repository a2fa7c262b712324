"""Everything that answers SPARQL: the safety check every query passes first, the engines
(pyoxigraph, rdflib) and their sandboxed workers, the shipped query catalogue, result formats,
edition comparison and the Graph Store push. Takes a built graph, gives query results."""
