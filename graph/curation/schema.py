"""The checks every curated YAML file goes through, written once.

Why one module: each loader used to read YAML and check its word lists itself, with different
messages and different strictness. Here a file that cannot be read, is not YAML, or has a key
of the wrong shape is always one ``InputError`` line that starts with the file's name and says
what is wrong, so a reviewer who edits a list sees at once which file and which key to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from graph.model import InputError

__all__ = [
    "folded_words",
    "longest_first",
    "mapping",
    "positive_int",
    "read_yaml",
    "str_list",
    "word_list",
]


#: libyaml's safe loader when PyYAML was built with it (the PyPI wheels are): the same data for
#: every curated file (tested) in a tenth of the pure-Python loader's 0.17 s per build
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A curated YAML file's content; an unreadable or malformed file is one ``InputError``
    line naming it (every curation loader reads through here)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read ({exc.strerror})") from exc
    try:
        return yaml.load(raw, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise InputError(f"{path.name}: not valid YAML ({exc})".replace("\n", " ")) from exc


def mapping(path: Path, data: Any, what: str) -> dict[str, Any]:
    """``data`` when it is a mapping, else ``<file>: expected a mapping of <what>``."""
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: expected a mapping of {what}")
    return data


def str_list(path: Path, data: dict[str, Any], key: str) -> list[str]:
    """``data[key]`` when it is a non-empty list of strings (a curated word list)."""
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path.name}: {key} must be a non-empty list of strings")
    return value


def folded_words(path: Path, where: str, raw: list[Any], fold: Callable[[str], str]) -> list[str]:
    """Each entry of a curated word list folded with ``fold`` (the fold of the text it is
    matched on), refusing a non-word entry and a word that folds onto an earlier one: a list
    written once for both scripts must not name the same word in each."""
    out: list[str] = []
    for w in raw:
        if not isinstance(w, str) or not w:
            raise InputError(f"{path.name}: {where} has a non-word entry {w!r}")
        f = fold(w)
        if f in out:
            raise InputError(f"{path.name}: {where} lists {w!r} twice (folded: {f!r})")
        out.append(f)
    return out


def word_list(
    path: Path, data: Any, key: str, fold: Callable[[str], str], where: str = ""
) -> tuple[str, ...]:
    """``data[key]``, a curated word list, folded with ``fold`` and longest first: the one
    shape every extractor's list has (``checks.yaml``, ``relations.yaml``; grammar, labels
    and periods can adopt it).

    ``data`` may be anything (a missing section reads as a missing list); ``where`` names
    the list in messages (``share_from_counts.share``; default ``key``). Refused, as one
    ``InputError`` line starting with the file's name: a missing or empty list, a non-word
    entry, two words that fold to one (see :func:`folded_words`). ``fold`` is the matching
    stage's fold, passed in so this package never imports the pipeline.
    """
    where = where or key
    raw = data.get(key) if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{path.name}: {where} must be a non-empty list of words")
    return longest_first(folded_words(path, where, raw, fold))


def positive_int(path: Path, data: dict[str, Any], key: str) -> int:
    """``data[key]`` when it is an integer >= 1 (a length limit of a rule)."""
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"{path.name}: {key} must be a positive integer")
    return value


def longest_first(words: Iterable[str]) -> tuple[str, ...]:
    """Distinct words, longest first then in code-point order: the order alternations and
    prefix tests need (及以上 before 以上), the same on every run."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))
