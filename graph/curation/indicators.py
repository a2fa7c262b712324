"""``indicators.yaml``: the curated indicators (zh-Hant label, English label, definition),
read once, strictly.

The metrics extractor asks whether a label it found is curated, and the assembler asks for
the English label; both key the rows by the same script-neutral fold, so 网民数量 finds the
row of 網民數量, and two rows that fold alike are refused instead of one silently winning.
"""

from __future__ import annotations

from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.schema import read_yaml
from graph.model import InputError
from graph.text import fold

__all__ = ["INDICATORS_FILE", "load_indicators"]

INDICATORS_FILE = CURATION_DIR / "indicators.yaml"


def load_indicators(path: Path = INDICATORS_FILE) -> dict[str, dict[str, str]]:
    """Curated indicator rows keyed by ``fold(zh)`` (both scripts find them), in file order."""
    data = read_yaml(path)
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of indicator rows")
    out: dict[str, dict[str, str]] = {}
    for row in data:
        if not isinstance(row, dict) or "zh" not in row or "en" not in row:
            raise InputError(f"{path.name}: row {row!r} needs 'zh' and 'en'")
        key = fold(str(row["zh"]))
        if key in out:
            raise InputError(f"{path.name}: {row['zh']!r} repeats the row of {out[key]['zh']!r}")
        out[key] = {k: str(v) for k, v in row.items()}
    return out
