"""Source management: load vendored raw documents and check them against their manifests.

Each source lives in ``graph/sources/<id>/`` as the raw file exactly as scraped plus a
``source.toml`` manifest (title, publisher, date, sha256, ...). The raw copy is evidence:
every span in the graph points back into it, so a raw file whose sha256 differs from the
manifest is refused rather than silently re-hashed.

An ``encoding`` the manifest declares must be a text codec Python knows (and
ASCII-compatible); an unknown label is refused here, never read as UTF-8.

Errors are ``InputError`` one-liners that start with the offending file's path.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

from graph.model import InputError, SourceDocument

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "sources"
DEFAULT_MAX_INPUT_BYTES = 256 * 2**20
MANIFEST = "source.toml"
REQUIRED_KEYS = ("id", "file", "sha256", "title", "publisher", "date")
_STRING_KEYS = (
    "language",
    "url",
    "title_en",
    "publisher_en",
    "publisher_url",
    "published",
    "editor",
    "licence",
    "report",
    "encoding",
    "area",
    "edition",
)
_LIST_KEYS = ("authors", "author_roles")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_AREA = re.compile(r"[a-z0-9]+(/[a-z0-9-]+)+")
# an IRI the graph can serialise: http(s), no whitespace, control or IRI-forbidden character
_URL = re.compile(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")
_URL_KEYS = ("url", "publisher_url")


def load_sources(
    root: Path | None = None, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> list[SourceDocument]:
    """Every ``<root>/<id>/source.toml`` (sorted by directory name) with its raw bytes."""
    base = DEFAULT_ROOT if root is None else Path(root)
    if not base.is_dir():
        raise InputError(f"{base}: sources directory not found")
    dirs = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    docs = [load_source(d, max_input_bytes=max_input_bytes) for d in dirs]
    if not docs:
        raise InputError(f"{base}: no sources (expected <id>/{MANIFEST})")
    return docs


def load_source(directory: Path, max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> SourceDocument:
    """One source directory -> ``SourceDocument``; refuses anything that does not check out."""
    directory = Path(directory)
    manifest = _read_manifest(directory / MANIFEST)
    mpath = directory / MANIFEST
    if manifest["id"] != directory.name:
        raise InputError(
            f"{mpath}: id {manifest['id']!r} differs from its directory name {directory.name!r}"
        )
    file_name = manifest["file"]
    if Path(file_name).name != file_name:
        raise InputError(f"{mpath}: file must be a plain file name next to the manifest")
    raw_path = directory / file_name
    raw_bytes = _read_capped(raw_path, max_input_bytes)
    actual = hashlib.sha256(raw_bytes).hexdigest()
    expected = manifest["sha256"].strip().lower()
    if actual != expected:
        raise InputError(
            f"{raw_path}: sha256 mismatch: manifest says {expected}, file is {actual}; "
            "the raw copy must not be edited"
        )
    extra: dict[str, Any] = {k: manifest[k] for k in _STRING_KEYS if k in manifest}
    extra.update({k: tuple(manifest[k]) for k in _LIST_KEYS if k in manifest})
    return SourceDocument(
        id=manifest["id"],
        path=str(raw_path),
        raw_bytes=raw_bytes,
        sha256=actual,
        title=manifest["title"],
        publisher=manifest["publisher"],
        date=str(manifest["date"]),
        **extra,
    )


def _read_manifest(path: Path) -> dict[str, Any]:
    """Parse and type-check a manifest; every problem names the manifest file."""
    if not path.is_file():
        raise InputError(f"{path}: manifest missing")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot parse manifest: {exc}") from None
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise InputError(f"{path}: missing required key(s): {', '.join(missing)}")
    for key in (*REQUIRED_KEYS, *_STRING_KEYS):
        if key in data and not isinstance(data[key], str):
            raise InputError(f"{path}: key {key!r} must be a string")
    if "encoding" in data and codec_name(data["encoding"]) is None:
        raise InputError(
            f"{path}: unknown or unusable encoding {data['encoding']!r} "
            '(use an ASCII-compatible text codec such as "utf-8", "gb18030" or "big5")'
        )
    _check_values(path, data)
    for key in _LIST_KEYS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{path}: key {key!r} must be a list of strings")
    return data


def _check_values(path: Path, data: dict[str, Any]) -> None:
    """Refuse values the graph cannot carry, rather than failing SHACL or serialisation later.

    An empty optional ``area``/``edition`` means "not given" (the default applies), so it
    is removed here; a hand-written manifest is held to what ``cqkg add`` would write.
    """
    for key in ("area", "edition"):
        if key in data and not data[key].strip():
            del data[key]
    if not data["title"].strip():
        raise InputError(f"{path}: title is empty (give the article's headline)")
    date = data["date"].strip()
    try:
        ok = bool(_DATE.fullmatch(date)) and bool(dt.date.fromisoformat(date))
    except ValueError:
        ok = False
    if not ok:
        raise InputError(f"{path}: date {data['date']!r} is not a calendar date YYYY-MM-DD")
    data["date"] = date
    if "edition" in data and not _YEAR.fullmatch(data["edition"].strip()):
        raise InputError(f"{path}: edition {data['edition']!r} is not a year (2023)")
    if "area" in data and not _AREA.fullmatch(data["area"].strip()):
        raise InputError(f"{path}: area {data['area']!r} is not a registry id (place/chongqing)")
    for key in _URL_KEYS:
        if data.get(key) and not _URL.fullmatch(data[key]):
            raise InputError(f"{path}: {key} {data[key]!r} is not an http(s) URL")


def codec_name(label: str) -> str | None:
    """Python's canonical name for an encoding label, or None if it cannot decode a source.

    Usable means: a text codec Python knows that is ASCII-compatible (the binary check
    and the cleaner read bytes below 0x80 as ASCII), so ``base64`` or ``utf-16`` are not.
    ``utf-8-sig`` is UTF-8 (the BOM is handled by the decoder).
    """
    try:
        info = codecs.lookup(label.strip())
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    try:
        if "a\n0".encode(info.name) != b"a\n0" or b"a\n0".decode(info.name) != "a\n0":
            return None
    except (UnicodeError, LookupError):
        return None
    return "utf-8" if info.name == "utf-8-sig" else info.name


def _read_capped(path: Path, max_input_bytes: int) -> bytes:
    """Read a raw file, checking its size with ``stat`` first so a huge file is never loaded."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: raw file missing") from None
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if size > max_input_bytes:
        raise InputError(
            f"{path}: {size} bytes exceeds the input limit of {max_input_bytes} bytes; not read"
        )
    return path.read_bytes()
