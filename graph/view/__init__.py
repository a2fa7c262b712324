"""The network viewer: the entity network, its layout, aggregation above a node budget,
GraphML analysis and the offline HTML page. Takes a built graph, gives ``build/viewer.html``."""
