"""``cqkg push``: upload the build to a triple store with the SPARQL 1.1 Graph Store Protocol.

One ``PUT`` of ``cqkg.nt`` (replacing the target graph, so pushing twice is idempotent),
then, optionally, a ``POST`` of ``ontology.ttl`` into the same graph. ``--graph IRI`` targets
``URL?graph=IRI``; without it the store's default graph (``URL?default``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.model import InputError


class PushError(Exception):
    """The store refused the upload or could not be reached (exit code 1)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class PushReport:
    endpoint: str
    graph: str | None
    files: tuple[str, ...]
    bytes_sent: int

    def summary(self) -> str:
        target = f"graph <{self.graph}>" if self.graph else "the default graph"
        return (
            f"pushed {', '.join(self.files)} ({self.bytes_sent} bytes) to {target} "
            f"at {self.endpoint}"
        )


def push(
    endpoint: str,
    build_dir: Path,
    *,
    graph: str | None = None,
    include_ontology: bool = True,
    timeout: float = 60.0,
) -> PushReport:
    """PUT the data graph (and POST the ontology) to ``endpoint``; ``PushError`` on failure."""
    import httpx

    data = Path(build_dir) / "cqkg.nt"
    if not data.is_file():
        raise InputError(f"{data}: not found; run `cqkg build` first")
    if not endpoint.startswith(("http://", "https://")):
        raise InputError(f"--endpoint {endpoint}: must be an http(s) URL")
    params = {"graph": graph} if graph else {"default": ""}
    uploads = [("PUT", data, "application/n-triples")]
    onto = Path(build_dir) / "ontology.ttl"
    if include_ontology and onto.is_file():
        uploads.append(("POST", onto, "text/turtle"))
    sent = 0
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        for method, path, ctype in uploads:
            body = path.read_bytes()
            try:
                resp = client.request(
                    method,
                    endpoint,
                    params=params,
                    content=body,
                    headers={"Content-Type": f"{ctype}; charset=utf-8"},
                )
            except httpx.HTTPError as exc:
                raise PushError(f"{endpoint}: {type(exc).__name__}: {exc}") from None
            if resp.status_code >= 300:
                raise PushError(
                    f"{endpoint}: {method} {path.name} -> HTTP {resp.status_code}: "
                    f"{resp.text[:200]}"
                )
            sent += len(body)
    return PushReport(endpoint, graph, tuple(p.name for _, p, _ in uploads), sent)
