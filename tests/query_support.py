"""Shared helpers for the query/serve/push tests: a build dir from the fixture graph, a loopback
canary that counts connections, free ports and a uvicorn server in a thread."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "fixture_graph.ttl"
CLEANED = ROOT / "tests" / "golden" / "cleaned.txt"


def make_build_dir(out: Path) -> Path:
    """``out`` with ``cqkg.nt`` (sorted N-Triples of the fixture) and ``ontology.ttl``."""
    out.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)
    data = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    lines = sorted({line for line in data.splitlines() if line})
    (out / "cqkg.nt").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    onto = ROOT / "ontology" / "cqkg.ttl"
    if onto.is_file():
        shutil.copyfile(onto, out / "ontology.ttl")
    else:
        (out / "ontology.ttl").write_text("", encoding="utf-8")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Canary:
    """Loopback TCP listener that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with contextlib.suppress(OSError):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@contextlib.contextmanager
def canary() -> Iterator[Canary]:
    c = Canary()
    try:
        yield c
    finally:
        c.close()


class ThreadServer:
    """uvicorn serving ``app`` on a free loopback port in a daemon thread."""

    def __init__(self, app: object, host: str = "127.0.0.1") -> None:
        import uvicorn

        from graph.serve.app import uvicorn_config

        self.port = free_port()
        self.host = host
        config = uvicorn_config(app, host, self.port, log_level="error")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        self.url = f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
