"""``checks.yaml``: the trigger words of the consistency checks that read a sentence's text
(``graph.pipeline.checks_sentences``), typed and strict.

Why here and not in the check: every curated file has its loader next to it in this package,
read through :mod:`graph.curation.schema`, so a malformed file fails the same way everywhere
(one ``InputError`` line naming the file and the list). The check passes its fold in: the
words are stored folded the way the sentence text is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.schema import mapping, read_yaml, word_list

__all__ = ["CHECKS_FILE", "CheckWords", "load_check_words"]

CHECKS_FILE = CURATION_DIR / "checks.yaml"
SHARE, PARTS = "share_from_counts", "parts_vs_total"


@dataclass(frozen=True, slots=True)
class CheckWords:
    """The folded trigger words of ``checks.yaml`` (see the file for what each list means),
    each longest first."""

    share: tuple[str, ...]
    total_after: tuple[str, ...]
    fill: tuple[str, ...]
    of: tuple[str, ...]
    of_end: tuple[str, ...]
    parts: tuple[str, ...]
    exhaustive: tuple[str, ...]
    breaks: tuple[str, ...]


#: the section of ``checks.yaml`` each field is read from
SECTIONS = {
    "share": SHARE,
    "total_after": SHARE,
    "fill": SHARE,
    "of": SHARE,
    "of_end": SHARE,
    "parts": PARTS,
    "exhaustive": PARTS,
    "breaks": PARTS,
}


def load_check_words(fold: Callable[[str], str], path: Path = CHECKS_FILE) -> CheckWords:
    """Read and check ``checks.yaml``, each word folded with ``fold``."""
    data = mapping(path, read_yaml(path), "check word lists")
    return CheckWords(
        **{
            key: word_list(path, data.get(section), key, fold, f"{section}.{key}")
            for key, section in SECTIONS.items()
        }
    )
