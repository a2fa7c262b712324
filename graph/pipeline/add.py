"""``cqkg add``: put one article into a sources folder the build can read.

The folder written is ``<sources>/<id>/`` with the input's bytes verbatim as ``raw.txt``
and a ``source.toml`` manifest in the schema ``graph.pipeline.sources`` reads (sha256 included),
so ``cqkg build --sources <sources>`` builds it like the vendored seed.

* The id is derived from content, never chosen: ``<publisher slug>-<date>-<sha256[:8]>``
  (``hua-long-wang-2024-10-12-8cfe5794``). The same bytes, publisher and date always give
  the same id; two different articles of one outlet on one day never collide.
* Refused, with one line naming the input and exit code 2, before anything is written:
  input missing, too large, not text (binary, or not decodable in the given encoding),
  empty or whitespace only, not Chinese (too few Han characters), an unknown encoding, a
  missing or malformed ``--date``, and the same bytes already in the folder (the existing
  id is named). The checks reuse ``graph.pipeline.ingest.decode``, so whatever ``add`` accepts
  the build decodes the same way.
* Atomic: the folder is assembled in a hidden temporary directory inside ``<sources>``
  (``load_sources`` skips names starting with ``.``), every file and the directory are
  fsynced, the manifest is loaded back through ``graph.pipeline.sources.load_source``, and only
  then is it renamed into place. A failure at any point removes the temporary directory.
* Defaults: ``--title`` is, for a saved web page, its ``og:title``, ``<h1>`` or ``<title>``
  (``graph.pipeline.markup.html_title``), else the first non-empty line of the *cleaned* text
  (pinyin tags, injected commas and markup removed, as the graph will show it);
  ``--language`` is detected by comparing OpenCC conversions (``language_by_opencc``) and
  the basis is recorded as a comment in the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import opencc

from graph.atomic import fsync_dir
from graph.model import InputError
from graph.pipeline.markup import html_title, looks_like_html
from graph.pipeline.sources import DEFAULT_MAX_INPUT_BYTES, MANIFEST, codec_name, load_source
from graph.text import is_han, slug

#: where ``cqkg add`` writes when no ``--sources`` is given: the user's own corpus in the
#: working directory, never the vendored seed inside the package.
DEFAULT_ADD_DIR = Path("sources")
RAW_NAME = "raw.txt"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_AREA = re.compile(r"[a-z0-9]+(/[a-z0-9-]+)+")
_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")


@dataclass(frozen=True, slots=True)
class Added:
    """What ``add`` wrote: the folder, its id and the decisions it took."""

    path: Path
    id: str
    sha256: str
    title: str
    language: str
    language_basis: str
    encoding: str
    size: int


def read_input(file: str, stdin: BinaryIO | None = None) -> tuple[bytes, str]:
    """The input's bytes and the name to use in messages (``-`` is standard input).

    A file's size is checked with ``stat`` before reading; standard input is read up to
    one byte past the limit, so an endless pipe is refused rather than buffered.
    """
    limit = DEFAULT_MAX_INPUT_BYTES
    if file == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"<stdin>: more than {limit} bytes exceeds the input limit; not read")
        return data, "<stdin>"
    path = Path(file)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from None
    if not path.is_file():
        raise InputError(f"{file}: not a regular file")
    if size > limit:
        raise InputError(f"{file}: {size} bytes exceeds the input limit of {limit} bytes")
    try:
        return path.read_bytes(), file
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from None


def language_by_opencc(text: str) -> tuple[str, str]:
    """``("zh-Hant" | "zh-Hans", basis)``: which OpenCC conversion changes more characters.

    A Traditional text changes under t2s and hardly under s2t; a Simplified one the other
    way round. Counted over Han characters only; a tie (no script-specific character at
    all) goes to zh-Hans, the more common script, and the basis says so.
    """
    han = "".join(ch for ch in text if is_han(ch))
    t2s = sum(a != b for a, b in zip(han, _T2S.convert(han), strict=False))
    s2t = sum(a != b for a, b in zip(han, _S2T.convert(han), strict=False))
    lang = "zh-Hant" if t2s > s2t else "zh-Hans"
    basis = (
        f"detected {lang}: of {len(han)} Han characters, OpenCC t2s changes {t2s}, "
        f"s2t changes {s2t}"
    )
    if t2s == s2t:
        basis += "; a tie, zh-Hans assumed"
    return lang, basis


def source_id(publisher: str, date: str, sha256: str) -> str:
    """Content-derived id: publisher slug + date + the first 8 hex digits of the sha256."""
    return f"{slug(publisher, max_words=6)}-{date}-{sha256[:8]}"


def add(
    data: bytes,
    name: str,
    *,
    publisher: str,
    date: str | None,
    sources_dir: Path = DEFAULT_ADD_DIR,
    title: str | None = None,
    url: str = "",
    language: str | None = None,
    edition: str = "",
    area: str = "",
    encoding: str = "utf-8",
) -> Added:
    """Check the input, then write ``<sources_dir>/<id>/`` atomically; see the module doc."""
    from graph.pipeline import ingest

    _check_options(name, publisher, date, language, edition, area, url)
    assert date is not None  # _check_options refuses a missing date
    codec = codec_name(encoding)
    if codec is None:
        raise InputError(f"{name}: unknown or unusable encoding {encoding!r}")
    try:
        text, used = ingest.decode(data, name, codec)
    except InputError as exc:
        raise InputError(str(exc), exit_code=2) from None  # not Chinese is a refusal here too
    sha = hashlib.sha256(data).hexdigest()
    sources_dir = Path(sources_dir)
    existing = _existing_with_sha(sources_dir, sha)
    if existing:
        raise InputError(f"{name}: the same bytes are already in {sources_dir} as {existing}")
    if (title is None or not title.strip()) and looks_like_html(text):
        title = html_title(text)
    if title is None or not title.strip():
        title = _first_line(text)
        if not title:
            raise InputError(f"{name}: no title given and no non-empty first line to use")
    if language:
        basis = "given with --language"
    else:
        language, basis = language_by_opencc(text)
    sid = source_id(publisher, date, sha)
    fields = {
        "id": sid,
        "file": RAW_NAME,
        "sha256": sha,
        "encoding": used,
        "title": title.strip(),
        "publisher": publisher.strip(),
        "date": date,
        "language": language,
        "url": url,
    }
    if edition:
        fields["edition"] = edition
    if area:
        fields["area"] = area
    manifest = _manifest_text(fields, basis)
    path = _publish(sources_dir, sid, data, manifest, name)
    return Added(path, sid, sha, fields["title"], language, basis, used, len(data))


def _check_options(
    name: str,
    publisher: str,
    date: str | None,
    language: str | None,
    edition: str,
    area: str,
    url: str,
) -> None:
    """Refuse bad option values with one line naming the input."""
    if not publisher or not publisher.strip():
        raise InputError(f"{name}: --publisher is required")
    if not date:
        raise InputError(f"{name}: --date is required (YYYY-MM-DD, the article's date)")
    if not _DATE.fullmatch(date):
        raise InputError(f"{name}: --date {date!r} is not a date in the form YYYY-MM-DD")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"{name}: --date {date!r} is not a valid calendar date") from None
    if language and not _LANGUAGE.fullmatch(language):
        raise InputError(f"{name}: --language {language!r} is not a language tag (zh-Hans)")
    if edition and not re.fullmatch(r"\d{4}", edition):
        raise InputError(f"{name}: --edition {edition!r} is not a year (2023)")
    if area and not _AREA.fullmatch(area):
        raise InputError(f"{name}: --area {area!r} is not a registry id (place/chongqing)")
    if area:
        from graph.curation.periods import chongqing_districts
        from graph.curation.registry import load_registry

        known = load_registry()
        curated = area in known and known[area].cls == "place"
        if not curated and area not in set(chongqing_districts().values()):
            raise InputError(
                f"{name}: --area {area!r} is not a place of graph/curation/entities.yaml or a "
                "district of open_world.yaml (e.g. place/chongqing, place/sichuan, place/yubei)"
            )
    if any(ord(c) < 0x20 for c in (publisher + url)):
        raise InputError(f"{name}: --publisher/--url contain a control character")


def _first_line(text: str) -> str:
    """First non-empty line of the cleaned text (what the graph will show)."""
    from graph.curation.corrections import DEFAULT_CORRECTIONS, load_corrections
    from graph.pipeline.ingest_rules import clean

    cleaned, _, _ = clean(text.lstrip("\ufeff"), load_corrections(DEFAULT_CORRECTIONS), False)
    for line in cleaned.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _existing_with_sha(sources_dir: Path, sha: str) -> str:
    """The id of a source in ``sources_dir`` whose raw bytes have this sha256, or ""."""
    if not sources_dir.is_dir():
        return ""
    for d in sorted(p for p in sources_dir.iterdir() if p.is_dir()):
        if d.name.startswith((".", "_")):
            continue
        try:
            with open(d / MANIFEST, "rb") as fh:
                recorded = str(tomllib.load(fh).get("sha256", "")).strip().lower()
        except (OSError, tomllib.TOMLDecodeError):
            recorded = ""
        if recorded == sha:
            return d.name
        raw = d / RAW_NAME
        if not recorded and raw.is_file() and hashlib.sha256(raw.read_bytes()).hexdigest() == sha:
            return d.name
    return ""


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON string escapes are a subset TOML accepts)."""
    return json.dumps(value, ensure_ascii=False)


def _manifest_text(fields: dict[str, str], basis: str) -> str:
    lines = [
        "# Manifest written by `cqkg add`. The raw file next to it is the input byte for byte;",
        "# the build refuses it if its sha256 differs.",
        f"# language: {basis}",
    ]
    lines += [f"{k} = {_toml_string(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _publish(sources_dir: Path, sid: str, data: bytes, manifest: str, name: str) -> Path:
    """Write into a hidden temp dir inside ``sources_dir``, verify, fsync, rename."""
    try:
        sources_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{sources_dir}: cannot create the sources folder: {exc.strerror}"
        ) from None
    final = sources_dir / sid
    if final.exists():
        raise InputError(f"{name}: {final} already exists")
    tmp = Path(tempfile.mkdtemp(prefix=f".add-{sid}-", dir=sources_dir))
    try:
        staged = tmp / sid
        staged.mkdir()
        _fsync_write(staged / RAW_NAME, data)
        _fsync_write(staged / MANIFEST, manifest.encode("utf-8"))
        fsync_dir(staged)
        load_source(staged)  # the build must accept exactly what was written
        os.rename(staged, final)
        fsync_dir(sources_dir)
    except OSError as exc:
        raise InputError(f"{name}: cannot write {final}: {exc.strerror}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final
