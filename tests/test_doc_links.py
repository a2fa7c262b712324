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


def _layout_block() -> str:
    """The code block of the README's ``## Layout`` section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 2)[1]


def _listed() -> tuple[set[str], set[str]]:
    """Modules and folders the layout block names: a line starting ``graph/...`` opens a
    folder; each ``*.py`` after it (until the next folder) is a module of that folder, each
    ``name/`` or ``name/*.ext`` a sub-folder."""
    modules: set[str] = set()
    folders: set[str] = set()
    folder = ""
    for line in _layout_block().splitlines():
        tokens = line.replace(",", " ").split()
        if tokens and tokens[0].startswith("graph/"):
            folder = tokens[0].split("<", 1)[0].rstrip("/")
            folders.add(folder)
            tokens = tokens[1:]
        for tok in tokens:
            if tok.endswith(".py"):
                modules.add(f"{folder}/{tok}")
            elif "/" in tok and not tok.startswith("graph/"):
                folders.add(f"{folder}/{tok.split('/', 1)[0]}")
    return modules, folders


def test_readme_layout_lists_every_module_and_folder_of_the_package() -> None:
    """The layout section matches the tree both ways: no module missing, none that is gone."""
    modules, folders = _listed()
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "graph").rglob("*.py")}
    assert sorted(tree - modules) == [], "modules missing from the README layout"
    assert sorted(modules - tree) == [], "the README layout names modules that are gone"
    dirs = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "graph").rglob("*")
        if p.is_dir()
        and not p.is_symlink()
        and "__pycache__" not in p.parts
        and p.parent != ROOT / "graph" / "sources"
        and (ROOT / "graph" / "sources") not in p.parents
    }
    assert sorted((dirs | {"graph"}) ^ folders) == [], "folders missing or gone"


def test_no_doc_points_outside_the_repository() -> None:
    """The project carries its own docs: no link or mention of a guide kept elsewhere."""
    outside = re.compile(r"\.\./shared|shared/guide|/work/|\b(ARCHITECTURE|SECURITY|STYLE)\.md\b")
    for doc in DOCS:
        assert outside.findall(doc.read_text(encoding="utf-8")) == [], doc
