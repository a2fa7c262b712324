"""The local HTTP endpoint: a Starlette app with the SPARQL protocol, resource pages,
comparison and viewer pages, their templates and static files. Takes a build directory, gives
read-only HTTP on loopback."""
