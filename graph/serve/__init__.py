"""The local HTTP endpoint. Takes a build directory (through a pool of query worker processes);
gives read-only HTTP on loopback: the SPARQL 1.1 protocol, resource pages, the comparison ledger
and the viewer pages.

- ``app``: assembles the Starlette app (routes, middleware, lifespan) and runs uvicorn.
- ``views``: one module-level handler per route, sharing a typed ``ServerState``.
- ``middleware``: the HTTP defences (Host allow-list, size caps, head deadline, security
  headers, admission control for queries and viewer renders).
- ``protocol``: SPARQL protocol parameters, content negotiation, the service description.
- ``resource_page`` gathers a page's data into the ``page_model``, asking the fixed queries of
  ``resource_queries`` and turning their rows into page parts with ``resource_parts``;
  ``series`` draws an indicator's chart from it; ``pages`` renders the templates with their CSP.
- ``views.view_query``: ``/view?query=``, a CONSTRUCT/DESCRIBE result drawn by ``graph.view``.
- ``config``: the options of ``cqkg serve``.
"""
