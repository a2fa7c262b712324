"""Durable file-system steps shared by every writer that publishes atomically.

``cqkg build`` (graph/pipeline/export.py) and ``cqkg add`` (graph/pipeline/add.py) both stage into
a temporary
directory, fsync it, rename it into place and fsync the parent, so a crash leaves either the
old or the new state. Kept apart from ``export`` so ``cqkg add`` does not import rdflib.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """fsync a directory, so a rename into it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
