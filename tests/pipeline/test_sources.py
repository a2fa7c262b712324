"""Source manifests: the vendored raw copy is refused unless it checks out."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from graph.model import InputError
from graph.pipeline.sources import DEFAULT_ROOT, load_source, load_sources

SOURCE_ID = "hualong-2024-10-12-cq-internet-report-2023"


def _make(tmp_path: Path, raw: bytes = "重慶".encode(), **overrides: str) -> Path:
    d = tmp_path / "src-1"
    d.mkdir(parents=True, exist_ok=True)
    (d / "raw.txt").write_bytes(raw)
    fields = {
        "id": "src-1",
        "file": "raw.txt",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "title": "標題",
        "publisher": "華龍網",
        "date": "2024-10-12",
    }
    fields.update(overrides)
    body = "\n".join(f'{k} = "{v}"' for k, v in fields.items() if v is not None)
    (d / "source.toml").write_text(body + "\n", encoding="utf-8")
    return d


def test_load_sources_reads_the_vendored_report() -> None:
    docs = load_sources()
    assert [d.id for d in docs] == [SOURCE_ID]
    doc = docs[0]
    assert doc.sha256 == hashlib.sha256(doc.raw_bytes).hexdigest()
    assert doc.publisher == "華龍網" and doc.date == "2024-10-12"
    assert doc.authors == ("吳禮霜", "李文科")
    assert doc.path.endswith("raw.txt")


def test_sources_sorted_by_id(tmp_path: Path) -> None:
    for name in ("b-src", "a-src"):
        d = tmp_path / name
        d.mkdir()
        raw = name.encode()
        (d / "raw.txt").write_bytes(raw)
        (d / "source.toml").write_text(
            f'id = "{name}"\nfile = "raw.txt"\nsha256 = "{hashlib.sha256(raw).hexdigest()}"\n'
            'title = "t"\npublisher = "p"\ndate = "2024-01-01"\n',
            encoding="utf-8",
        )
    assert [d.id for d in load_sources(tmp_path)] == ["a-src", "b-src"]


def test_missing_raw_file(tmp_path: Path) -> None:
    d = _make(tmp_path)
    (d / "raw.txt").unlink()
    with pytest.raises(InputError, match=r"raw\.txt: raw file missing"):
        load_source(d)


def test_missing_manifest(tmp_path: Path) -> None:
    d = _make(tmp_path)
    (d / "source.toml").unlink()
    with pytest.raises(InputError, match=r"source\.toml: manifest missing"):
        load_source(d)


def test_corrupted_manifest(tmp_path: Path) -> None:
    d = _make(tmp_path)
    (d / "source.toml").write_text('id = "src-1\nfile = [', encoding="utf-8")
    with pytest.raises(InputError, match=r"source\.toml: cannot parse manifest"):
        load_source(d)


@pytest.mark.parametrize("key", ["id", "file", "sha256", "title", "publisher", "date"])
def test_missing_required_key(tmp_path: Path, key: str) -> None:
    d = _make(tmp_path, **{key: None})  # type: ignore[arg-type]
    with pytest.raises(InputError, match=rf"source\.toml: missing required key\(s\): {key}"):
        load_source(d)


def test_sha_mismatch(tmp_path: Path) -> None:
    d = _make(tmp_path)
    (d / "raw.txt").write_bytes("重慶市".encode())
    with pytest.raises(InputError) as exc:
        load_source(d)
    msg = str(exc.value)
    assert "raw.txt: sha256 mismatch: manifest says" in msg
    assert "the raw copy must not be edited" in msg


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    d = _make(tmp_path)
    with open(d / "raw.txt", "r+b") as fh:  # sparse: no disk blocks written
        fh.truncate(1 << 30)
    with pytest.raises(InputError, match=r"raw\.txt: 1073741824 bytes exceeds the input limit"):
        load_source(d, max_input_bytes=1 << 20)


def test_copy_of_real_source_loads(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_ROOT / SOURCE_ID, tmp_path / SOURCE_ID)
    assert load_sources(tmp_path)[0].raw_bytes == load_sources()[0].raw_bytes


def test_unknown_encoding_in_manifest_is_refused(tmp_path: Path) -> None:
    d = _make(tmp_path, encoding="no-such-codec")
    with pytest.raises(InputError) as exc:
        load_source(d)
    msg = str(exc.value)
    assert msg.startswith(str(d / "source.toml")) and "'no-such-codec'" in msg
    assert exc.value.exit_code == 2 and "\n" not in msg


def test_known_encoding_alias_loads(tmp_path: Path) -> None:
    assert load_source(_make(tmp_path, encoding="GBK")).encoding == "GBK"


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("date", "2025-1-5", "date"),
        ("date", "2025-02-30", "date"),
        ("title", "  ", "title"),
        ("url", "not a url", "url"),
        ("url", "https://x.example/a b", "url"),
        ("edition", "24", "edition"),
        ("area", "Chongqing", "area"),
    ],
)
def test_manifest_values_the_graph_cannot_carry_are_refused(
    tmp_path: Path, key: str, value: str, says: str
) -> None:
    """A hand-written manifest is held to what ``cqkg add`` writes: one line naming the file,
    not a traceback from rdflib or a SHACL failure of the whole build."""
    d = _make(tmp_path, **{key: value})
    with pytest.raises(InputError) as exc:
        load_source(d)
    msg = str(exc.value)
    assert msg.startswith(str(d / "source.toml")) and says in msg and "\n" not in msg


@pytest.mark.parametrize("key", ["area", "edition"])
def test_empty_optional_area_or_edition_means_the_default(tmp_path: Path, key: str) -> None:
    doc = load_source(_make(tmp_path, **{key: ""}))
    assert doc.area == "place/chongqing" and doc.edition == load_source(_make(tmp_path)).edition


def test_url_with_chinese_query_loads(tmp_path: Path) -> None:
    assert load_source(_make(tmp_path, url="https://x.example/a?b=1&c=重慶")).url.startswith(
        "https"
    )
