"""``disk_store.load_into`` loads a big build's N-Triples in parts of whole lines.

Why a test: a part cut inside a line (or inside a multi-byte character) would lose or break a
triple, and the bulk loader would not always say so. A tiny part size makes every line a cut.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.sparql import disk_store


def _lines(n: int) -> bytes:
    return b"".join(
        f'<https://e.org/s{i}> <https://e.org/p> "重慶 {i} ☃ 🙂"@zh-Hant .\n'.encode()
        for i in range(n)
    )


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
@pytest.mark.parametrize("tail", [b"", b'<https://e.org/last> <https://e.org/p> "x" .'])
def test_parts_load_every_triple(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, tail: bytes
) -> None:
    data = tmp_path / "cqkg.nt"
    data.write_bytes(_lines(200) + tail)
    monkeypatch.setattr(disk_store, "LOAD_CHUNK", chunk)
    store = ox.Store()
    disk_store.load_into(store, data, None)
    want = {str(q.triple) for q in ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES)}
    got = {str(q.triple) for q in store}
    assert got == want and len(got) == 200 + bool(tail)
