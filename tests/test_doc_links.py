"""Every relative link in the README and docs/ resolves in a clone (no link leaves the repo's
own files, so a reader of a fresh clone can follow each one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (doc.parent / target.split("#", 1)[0]).resolve()
        if not path.exists() or (ROOT not in path.parents and path != ROOT):
            broken.append(target)
    assert broken == []


def test_no_doc_points_outside_the_repository() -> None:
    for doc in DOCS:
        assert "../shared" not in doc.read_text(encoding="utf-8"), doc
