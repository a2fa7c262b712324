"""Period, area and edition of each figure, read from the text (issue 7, item 7).

``edition(doc, text)`` is the report edition the article covers: the manifest's
``edition``, else the year written in 《…報告(2023)》 in the manifest's ``report``, the title
or the body, else the year before the article's date (an annual report released in year Y
covers year Y-1: the 2023 edition came out on 2024-10-12).

``apply(observations, doc, text)`` fills every observation's ``period`` and ``area`` so no
figure leaves extraction with either undetermined (assemble refuses "").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from graph.model import Observation
from graph.text import fold

_EDITION_YEAR = re.compile(r"报告[(（]((?:19|20)\d\d)[)）]")


def edition(doc: Any, text: str) -> str:
    """The report edition year the article covers (see the module docstring)."""
    if doc.edition:
        return str(doc.edition)
    for where in (doc.report or "", doc.title, text):
        m = _EDITION_YEAR.search(fold(where))
        if m:
            return m.group(1)
    return str(int(doc.date[:4]) - 1)


def apply(observations: list[Observation], doc: Any, text: str) -> list[Observation]:
    """Fill what the text did not say: area from the manifest, period from the edition."""
    year = edition(doc, text)
    return [replace(o, period=o.period or year, area=o.area or doc.area) for o in observations]
