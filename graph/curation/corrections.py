"""The reviewed mojibake corrections (``corrections.tsv``, next to this loader): typed rows and
their strict loader. Kept with the data, like every curated table, so the cleaner only applies
rows and never parses them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.model import InputError

DEFAULT_CORRECTIONS = CURATION_DIR / "corrections.tsv"


CORRECTION_COLUMNS = ("id", "before", "raw_text", "after", "replacement", "reason")


@dataclass(frozen=True, slots=True)
class Correction:
    """One reviewed row of ``corrections.tsv``: exact raw snippet -> replacement.

    A row is keyed by *content*, not by a source id: it applies to every document whose
    normalised text contains ``before + raw_text + after`` (the context columns are empty
    when the damaged snippet is unique on its own), so a copy or a re-scrape of the same
    text under any id is repaired too. Only ``raw_text`` is replaced; the context stays.
    """

    id: str
    raw_text: str
    replacement: str
    reason: str
    before: str = ""  # unchanged context that must precede raw_text (for uniqueness)
    after: str = ""  # ... and follow it

    @property
    def key(self) -> str:
        """What is searched for in a document's normalised text."""
        return self.before + self.raw_text + self.after


def load_corrections(path: Path) -> list[Correction]:
    """Read the reviewed corrections TSV, strictly: every problem names the file and row.

    Refused: a header other than ``CORRECTION_COLUMNS`` (the old per-source ``source``
    column included: a row keyed by directory name stops applying when a source is
    renamed), a row with missing fields or no reason, duplicate or unsorted ids, two rows
    with the same key, and a key that contains another row's key (which one applies
    would depend on the order).
    """
    name = Path(path).name
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except FileNotFoundError:
        raise InputError(f"{path}: corrections file missing") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8") from None
    if not rows or tuple(rows[0]) != CORRECTION_COLUMNS:
        raise InputError(f"{name}: header must be {' / '.join(CORRECTION_COLUMNS)}")
    out: list[Correction] = []
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(CORRECTION_COLUMNS) or not (row[0] and row[2] and row[5]):
            raise InputError(
                f"{name}: line {n}: expected {len(CORRECTION_COLUMNS)} tab-separated fields "
                "(id, before, raw_text, after, replacement, reason), id/raw_text/reason set"
            )
        rid, before, raw_text, after, replacement, reason = row
        out.append(Correction(rid, raw_text, replacement, reason, before, after))
    seen: dict[str, str] = {}
    for corr in out:
        if corr.id in seen.values():
            raise InputError(f"{name}: row {corr.id}: duplicate id")
        if corr.key in seen:
            raise InputError(f"{name}: row {corr.id}: same key as row {seen[corr.key]}")
        seen[corr.key] = corr.id
    for corr in out:
        for other in out:
            if other is not corr and corr.key in other.key:
                raise InputError(
                    f"{name}: row {other.id}: its key contains the key of row {corr.id}; "
                    "ambiguous, add context to one of them"
                )
    ids = [c.id for c in out]
    if ids != sorted(ids):
        raise InputError(f"{name}: rows must be sorted by id")
    return out
