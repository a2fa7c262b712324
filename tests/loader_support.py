"""One check for every curation loader's error path: the file is written, the loader refuses it
with one ``InputError`` line that starts with the file name and says what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph.model import InputError


def refuses(loader: Callable[[Path], Any], path: Path, body: str, message: str) -> None:
    """``loader(path)`` on ``body`` raises one line matching ``message`` (a regex)."""
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        loader(path)
    assert "\n" not in str(exc.value)
