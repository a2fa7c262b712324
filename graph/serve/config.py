"""The options of ``cqkg serve``, apart from the app so the defences and the views can both
read them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Options of ``cqkg serve`` (defaults are the safe ones from docs/security.md section 6)."""

    build_dir: Path = Path("build")
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue: int = 8
    cors: bool = False
    engine: str = "oxigraph"
    extra_hosts: tuple[str, ...] = ()


__all__ = ["ServerConfig"]
