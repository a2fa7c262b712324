"""Real triple stores for the push tests, each a private process on a loopback port.

* Oxigraph: ``oxigraph serve`` from the ``oxigraph`` PyPI package (a test dependency).
* Virtuoso Open Source 7: ``virtuoso-t`` from Debian's ``virtuoso-opensource-7-bin``
  (``make store-deps`` installs it). Never the system service: a fresh database with its own
  ini in a temporary directory, SQL and HTTP ports on 127.0.0.1, killed when the test ends.
  A new database's ``dba`` password is ``dba``; that account writes through the Graph Store
  endpoint ``/sparql-graph-crud-auth`` with HTTP digest auth.

Both are queried with the SPARQL 1.1 Protocol and ``default-graph-uri`` naming our graphs, so
Virtuoso's own system graphs and push's digest/catalog graphs stay out of the answers.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import httpx
from query_support import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
VIRTUOSO_PACKAGE = "virtuoso-opensource-7-bin"
VIRTUOSO_USER = ("dba", "dba")  # the default of a database virtuoso-t creates


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@dataclass(frozen=True, slots=True)
class Store:
    """A running store: where to push (Graph Store Protocol) and where to query."""

    name: str
    gsp: str
    sparql: str
    auth: httpx.Auth | None = None


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float, log: Path | None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"store at {url} did not start (exit {proc.poll()}): {tail}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextlib.contextmanager
def oxigraph(location: Path, union_default_graph: bool = False) -> Iterator[Store]:
    port = free_port()
    args = [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(
        [*args, "--union-default-graph"] if union_default_graph else args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/query", proc, 20, None)
        yield Store("oxigraph", f"{url}/store", f"{url}/query")
    finally:
        _stop(proc)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ServerThreads = 4
CheckpointInterval = 0
DirsAllowed = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@contextlib.contextmanager
def virtuoso(directory: Path, binary: str) -> Iterator[Store]:
    """A fresh Virtuoso database in ``directory`` (ini written there), loopback only."""
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port),
        encoding="utf-8",
    )
    log = directory / "virtuoso.log"
    proc = subprocess.Popen(
        [binary, "-c", str(ini), "+foreground"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait(f"{url}/sparql", proc, 60, log)
        yield Store(
            "virtuoso",
            f"{url}/sparql-graph-crud-auth",
            f"{url}/sparql",
            httpx.DigestAuth(*VIRTUOSO_USER),
        )
    finally:
        _stop(proc)


def prologue() -> str:
    """``PREFIX`` lines for every prefix of the project, sorted: a plain SPARQL client (not the
    engines, which predeclare them) can then run the shipped queries."""
    from graph.namespaces import PREFIXES

    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(PREFIXES.items()))


def select(store: Store, query: str, graphs: Sequence[str]) -> list[tuple[str, ...]]:
    """Rows of a SELECT (values only), the default graph being the merge of ``graphs``."""
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(store.sparql)
    client.setMethod(POST)  # long prologues + default-graph-uri lists outgrow a GET line
    client.setQuery(prologue() + query)
    for g in graphs:
        client.addDefaultGraph(g)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    variables = data["head"]["vars"]  # type: ignore[index, call-overload]
    return [
        tuple(b[v]["value"] if v in b else "" for v in variables)
        for b in data["results"]["bindings"]  # type: ignore[index, call-overload]
    ]


def normalize(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Compare answers across stores by value, not by the store's lexical form.

    The only normalization: a cell that is a decimal number is compared by its value, so
    Oxigraph's ``26370000.0`` / ``1.50`` and Virtuoso's ``26370000`` / ``1.5`` (it stores
    xsd:decimal canonicalised) are equal. Cells are values only (no datatype or language tag):
    Virtuoso lower-cases language tags (``zh-Hant`` -> ``zh-hant``), which the shipped queries
    never see because they filter with ``langMatches`` (case-insensitive). Rows are sorted, and
    the parts of a ``GROUP_CONCAT(...; separator=" / ")`` cell are sorted too: SPARQL 1.1 leaves
    their order to the engine (one Oxigraph gives 第1 / 第一 from a file, 第一 / 第1 from a store).
    """

    def cell(text: str) -> str:
        if " / " in text:
            return " / ".join(sorted(cell(part) for part in text.split(" / ")))
        if text[:1].isdigit() or text[:1] == "-":
            try:
                value = Decimal(text)
            except InvalidOperation:
                return text
            return format(value.normalize(), "f") if value.is_finite() else text
        return text

    return sorted(tuple(cell(c) for c in row) for row in rows)
