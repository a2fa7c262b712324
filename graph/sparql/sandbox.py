"""Kernel-level network isolation for processes that run SPARQL.

Why: both engines follow ``SERVICE`` (and rdflib follows ``FROM``/``LOAD``), and pyoxigraph
does it through a Rust HTTP client that no Python audit hook can see. A parse-based check
decides what a query *means*; this module makes sure that even a checker bug cannot reach a
socket: the calling process moves into a fresh, empty network namespace (no interfaces but a
down loopback), so every ``connect`` fails with ``ENETUNREACH`` whatever asked for it.

``unshare(CLONE_NEWNET)`` needs ``CAP_SYS_ADMIN``; without it we first try a user namespace
(``CLONE_NEWUSER | CLONE_NEWNET``, what ``unshare -rn`` does), which an unprivileged process
may create where the kernel allows it. Both must happen while the process has one thread
(a user namespace refuses multi-threaded callers), so call :func:`isolate_network` first
thing in a worker, or at the start of a CLI command before any engine is opened.

When neither works (a container without the capability, a kernel with user namespaces
disabled) the result says so; callers log it loudly and rely on the parse-based check and the
audit hook alone. ``CQKG_REQUIRE_NETNS=1`` turns that fallback into an error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import socket
import sys
from dataclasses import dataclass

__all__ = ["Isolation", "isolate_cli", "isolate_network", "network_reachable"]

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


@dataclass(frozen=True, slots=True)
class Isolation:
    """Outcome of :func:`isolate_network`: ``isolated`` and how (or why not)."""

    isolated: bool
    how: str  # "netns", "userns+netns", or the reason it failed

    def __str__(self) -> str:
        return self.how if self.isolated else f"network NOT isolated ({self.how})"


_STATE: Isolation | None = None


def _unshare(flags: int) -> int:
    libc_name = ctypes.util.find_library("c") or None
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) == 0:
        return 0
    return ctypes.get_errno() or errno.EPERM


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as fh:
        fh.write(text)


def isolate_network() -> Isolation:
    """Move this process into an empty network namespace (idempotent).

    Returns how it was done or why it could not be; never raises unless
    ``CQKG_REQUIRE_NETNS=1`` is set and isolation failed (``RuntimeError``).
    """
    global _STATE
    if _STATE is not None and _STATE.isolated:
        return _STATE
    if not sys.platform.startswith("linux"):
        result = Isolation(False, f"no network namespaces on {sys.platform}")
    else:
        err = _unshare(CLONE_NEWNET)
        if err == 0:
            result = Isolation(True, "netns")
        else:
            uid, gid = os.getuid(), os.getgid()
            err2 = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
            if err2 == 0:
                try:  # keep our uid/gid inside the user namespace (files stay readable)
                    _write("/proc/self/setgroups", "deny")
                    _write("/proc/self/uid_map", f"{uid} {uid} 1")
                    _write("/proc/self/gid_map", f"{gid} {gid} 1")
                except OSError:
                    pass
                result = Isolation(True, "userns+netns")
            else:
                result = Isolation(
                    False,
                    f"unshare failed: {os.strerror(err)} (netns), {os.strerror(err2)} (userns)",
                )
    _STATE = result
    if not result.isolated and os.environ.get("CQKG_REQUIRE_NETNS") == "1":
        raise RuntimeError(str(result))
    return result


def network_reachable(host: str = "127.0.0.1", port: int = 9) -> bool:
    """True when a TCP connect to ``host:port`` gets past the network layer.

    A refused connection still means the network is reachable; only ``ENETUNREACH`` (no
    route: the empty namespace) counts as isolated. Used by tests and ``/health``.
    """
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError as exc:
        return exc.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL)


def isolate_cli(command: str) -> None:
    """Isolate a CLI command that is about to open an engine; warn on stderr when it cannot.

    ``RuntimeError`` (``CQKG_REQUIRE_NETNS=1`` and no namespace) is left to the caller, which
    turns it into a one-line error.
    """
    result = isolate_network()
    if not result.isolated:
        sys.stderr.write(
            f"cqkg {command}: warning: {result}; only the query check stands between a query "
            "and the network\n"
        )
