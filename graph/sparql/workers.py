"""The endpoint's sandboxed worker pool: each query runs in a killable, network-less process.

Why: neither engine can cancel a running query, so the endpoint runs each query in a pre-started
worker process (:class:`WorkerPool`) that is killed and respawned on timeout. Workers leave the
network first (:mod:`graph.sparql.sandbox`), then install an audit hook denying sockets and file
access outside the build and the Python installation (:func:`install_guard`). The engine itself
is opened through :mod:`graph.sparql.engines`, the same checked path as ``cqkg query``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.model import InputError
from graph.sparql.errors import EngineCrashed, QueryError, QueryTimeout
from graph.sparql.results import Result


def install_guard(build_dir: Path) -> None:
    """Audit hook for a worker: no sockets, no URL requests, no writes, and reads only under
    ``build_dir`` or the Python installation (lazy imports still need to read ``.py`` files).

    This is defence in depth for rdflib; pyoxigraph's Rust HTTP client bypasses Python, which is
    why :func:`precheck` rejects ``SERVICE`` and ``LOAD`` lexically.
    """
    roots = {
        os.path.realpath(str(p))
        for p in (
            build_dir,
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            *[p for p in sys.path if p and os.path.isdir(p)],
        )
    }
    roots_t = tuple(r.rstrip(os.sep) + os.sep for r in sorted(roots))
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request", "socket.bind"):
            raise PermissionError(f"cqkg query worker: {event} denied")
        if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn"):
            raise PermissionError(f"cqkg query worker: {event} denied")
        if event == "open":
            path, mode, flags = [*list(args), None, None, None][:3]
            if isinstance(path, int) or path is None:
                return
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags
            )
            real = os.path.realpath(os.fsdecode(path))
            if writing or not (real + os.sep).startswith(roots_t):
                raise PermissionError(f"cqkg query worker: open {real!r} denied")

    sys.addaudithook(hook)


def _limit_memory(max_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform dependent
        pass


def _worker_main(conn: Any, build_dir: str, engine_name: str, mem_limit: int) -> None:
    """Worker loop: leave the network, load once, guard, then answer jobs.

    Network isolation comes first, while the process is single-threaded and before any engine
    exists (a user namespace refuses multi-threaded callers; nothing may connect before it).
    Jobs are ``(query, max_rows, checked)``; replies ``("ok", Result)`` or ``("error", exc)``.
    """
    from graph.sparql import engines
    from graph.sparql.sandbox import isolate_network

    try:
        isolation = isolate_network()
        engine = engines.open_engine(engine_name, Path(build_dir))
        if engine_name == "rdflib":  # warm the lazy SPARQL machinery before the guard
            engine.execute("ASK { ?s ?p ?o }", max_rows=1)
            engine.execute("SELECT * { ?s ?p ?o } LIMIT 1", max_rows=1)
            engine.execute("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", max_rows=1)
        _limit_memory(mem_limit)
        install_guard(Path(build_dir))
    except BaseException as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", (os.getpid(), isolation.isolated, isolation.how)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        query, max_rows, checked = job
        try:
            if checked:
                engines.precheck(query, engine.graphs)
            conn.send(("ok", engine.execute(query, max_rows=max_rows)))
        except QueryError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(("error", QueryError("query ran out of memory")))
        except Exception as exc:
            conn.send(("error", QueryError(f"query failed: {type(exc).__name__}: {exc}")))


class NoWorkers(QueryError):
    """No worker process is alive or starting (e.g. the build was removed): fail fast."""

    status = 503
    code = "no-workers"


class QueryCancelled(QueryError):
    """The client went away; the job was dropped from the queue or its worker killed.

    The status is nginx's 499 (client closed request): nobody receives it, it only names
    the case in logs and tests.
    """

    status = 499
    code = "cancelled"


POLL_S = 0.05
"""How often a waiting ``submit`` looks at its deadline and its client (cancellation latency)."""
RESPAWN_BACKOFF_S = (0.2, 5.0)
"""First and longest pause between failed respawns (the build may come back)."""


@dataclass
class _Worker:
    process: Any
    conn: Any
    pid: int
    build: str  # the version directory this worker loaded
    isolated: bool = False
    isolation: str = ""


@dataclass(frozen=True, slots=True)
class PoolStatus:
    """What ``/health`` reports: real liveness, not the size the pool was asked for."""

    size: int
    alive: int
    spawning: int
    last_spawn_error: str | None
    network_isolated: bool
    isolation: str
    builds: tuple[str, ...]


class WorkerPool:
    """``size`` pre-started worker processes, each holding the store; thread-safe ``submit``.

    The 'forkserver' context keeps workers free of the parent's threads and sockets (the server
    runs uvicorn); each worker loads the build once, so a normal query costs one pipe round trip.

    ``build_dir`` is kept as given (usually the ``build`` symlink) and resolved each time a
    worker is spawned: a rebuild swaps the link and prunes old versions, so a replacement
    must load the build that is live *now*, never the directory seen at start-up. A failed
    spawn is retried in the background with backoff and its error kept for ``/health``.
    """

    def __init__(
        self,
        build_dir: Path,
        *,
        size: int = 2,
        engine: str = "oxigraph",
        mem_limit: int = 4 * 1024**3,
        start_timeout: float = 120.0,
    ) -> None:
        import multiprocessing as mp
        import queue

        from graph.sparql.disk_store import build_files  # lazily, like the other uses here

        build_files(Path(build_dir))  # fail fast with the one-line message
        self.build_link = Path(os.path.abspath(build_dir))
        self.engine = engine
        self.size = size
        self.mem_limit = mem_limit
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["graph.sparql.engines", "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: dict[int, _Worker] = {}
        self._spawning = 0
        self._healing = False
        self._closed = False
        self.last_spawn_error: str | None = None
        starters = [threading.Thread(target=self._spawn) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._idle.qsize() < size:
            self.close()
            reason = f": {self.last_spawn_error}" if self.last_spawn_error else ""
            raise InputError(f"{self.build_dir}: query workers failed to start{reason}")
        state = self.status()
        if not state.network_isolated:
            sys.stderr.write(
                "cqkg: WARNING: query workers are NOT network-isolated "
                f"({state.isolation}); only the query check and the audit hook stand "
                "between a query and the network. Set CQKG_REQUIRE_NETNS=1 to refuse to start.\n"
            )

    @property
    def build_dir(self) -> Path:
        """The build that is live now (the symlink resolved at this moment)."""
        return Path(os.path.realpath(self.build_link))

    def _spawn(self) -> bool:
        """Start one worker on the live build; True when it is ready and idle."""
        with self._lock:
            if self._closed:
                return False
            self._spawning += 1
        try:
            return self._spawn_one()
        finally:
            with self._lock:
                self._spawning -= 1

    def _spawn_one(self) -> bool:
        from graph.sparql.disk_store import build_files

        live = self.build_dir
        try:
            build_files(live)
        except InputError as exc:
            self.last_spawn_error = str(exc)
            return False
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, str(live), self.engine, self.mem_limit),
            daemon=True,
        )
        proc.start()
        child.close()
        if not parent.poll(self.start_timeout):
            proc.kill()
            self.last_spawn_error = f"worker did not start within {self.start_timeout:g} s"
            return False
        try:
            status, info = parent.recv()
        except (EOFError, OSError):
            self.last_spawn_error = "worker died while starting"
            return False
        if status != "ready":
            self.last_spawn_error = str(info)
            sys.stderr.write(f"cqkg: query worker failed to start: {info}\n")
            return False
        pid, isolated, how = info
        worker = _Worker(proc, parent, int(pid), str(live), bool(isolated), str(how))
        with self._lock:
            if self._closed:
                proc.kill()
                return False
            self._all[worker.pid] = worker
        self.last_spawn_error = None
        self._idle.put(worker)
        return True

    def _start_healing(self) -> None:
        """Bring the pool back to ``size`` in the background (one healer at a time)."""
        with self._lock:
            if self._healing or self._closed:
                return
            self._healing = True
        threading.Thread(target=self._heal, daemon=True).start()

    def _heal(self) -> None:
        pause, longest = RESPAWN_BACKOFF_S
        try:
            while True:
                with self._lock:
                    missing = self.size - len(self._all)
                    if self._closed or missing <= 0:
                        return
                if not self._spawn():
                    time.sleep(pause)
                    pause = min(pause * 2, longest)
        finally:
            with self._lock:
                self._healing = False

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(self._all)

    def status(self) -> PoolStatus:
        with self._lock:
            workers = list(self._all.values())
            spawning = self._spawning
        alive = [w for w in workers if w.process.is_alive()]
        isolated = bool(alive) and all(w.isolated for w in alive)
        hows = sorted({w.isolation for w in alive})
        return PoolStatus(
            size=self.size,
            alive=len(alive),
            spawning=spawning,
            last_spawn_error=self.last_spawn_error,
            network_isolated=isolated,
            isolation=", ".join(hows) if hows else "no workers",
            builds=tuple(sorted({w.build for w in alive})),
        )

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement (on the live build) in the background."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.pop(worker.pid, None)
            closed = self._closed
        if not closed:
            self._start_healing()

    def _acquire(self, deadline: float, limit: float, cancelled: Any) -> _Worker:
        """An idle live worker before ``deadline``, unless the client leaves first."""
        import queue

        while True:
            if cancelled is not None and cancelled():
                raise QueryCancelled("the client went away while the query was queued")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(limit)
            try:
                worker = self._idle.get(timeout=min(POLL_S, remaining))
            except queue.Empty:
                # Fail fast, not at the deadline, when nothing is alive, nothing is starting
                # and the last attempt failed (the build is gone): the healer keeps trying.
                with self._lock:
                    hopeless = not self._all and not self._spawning
                error = self.last_spawn_error
                if hopeless and error is not None:
                    raise NoWorkers(f"no query worker can serve ({error})") from None
                continue
            if worker.process.is_alive():
                return worker
            self._retire(worker)  # died while idle (OOM killer, kill -9): replace it

    def submit(
        self,
        query: str,
        *,
        timeout: float,
        max_rows: int,
        checked: bool = True,
        deadline: float | None = None,
        cancelled: Any = None,
    ) -> Result:
        """Run ``query`` in an idle worker; kill the worker at the deadline or on cancel.

        ``deadline`` (``time.monotonic()``) defaults to now + ``timeout``; the endpoint passes
        the request's arrival + limit, so time spent queued counts. ``cancelled`` is a
        callable polled every ``POLL_S``: true means the client left, and the job is dropped
        from the queue (:class:`QueryCancelled`) or its worker killed. ``checked=False`` skips
        the in-worker pre-check (tests use it to prove the audit hook and the isolation).
        """
        from graph.sparql import engines

        if checked:
            engines.precheck(query)
        if deadline is None:
            deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout, cancelled)
        try:
            worker.conn.send((query, max_rows, checked))
            while not worker.conn.poll(max(0.0, min(POLL_S, deadline - time.monotonic()))):
                if cancelled is not None and cancelled():
                    self._retire(worker)
                    raise QueryCancelled("the client went away; its query was killed")
                if time.monotonic() >= deadline:
                    self._retire(worker)
                    raise QueryTimeout(timeout, worker.pid)
            status, payload = worker.conn.recv()
        except QueryError:
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            raise EngineCrashed("the query engine crashed on this query") from None
        self._idle.put(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        raise payload

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all.values())
            self._all.clear()
        for w in workers:
            w.process.kill()
            w.process.join(5)
            w.conn.close()
