"""scripts/make_docs.py: pyLODE renders the ontology, deterministically, or says it cannot."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from graph.vocab import CQO_TERMS

SCRIPT = Path(__file__).parents[1] / "scripts" / "make_docs.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_renders_every_term_and_is_deterministic(tmp_path: Path) -> None:
    pytest.importorskip("pylode")
    make_docs = _load()
    first, second = tmp_path / "a" / "ontology.html", tmp_path / "b" / "ontology.html"
    assert make_docs.main(["--out", str(first)]) == 0
    assert make_docs.main(["--out", str(second)]) == 0
    html = first.read_text(encoding="utf-8")
    individuals = {
        "dsd",
        "Curated",
        "Candidate",
        "consistent",
        "inconsistent",
        "uncheckable",
    }  # pyLODE documents classes and properties
    for name in CQO_TERMS - individuals:
        assert f"https://w3id.org/cqkg/ontology#{name}<" in html, name
    assert "重庆市互联网发展报告知识图谱本体" in html
    assert first.read_bytes() == second.read_bytes()


def test_missing_pylode_is_one_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_docs = _load()
    monkeypatch.setitem(sys.modules, "pylode", None)  # makes `import pylode` fail
    out = tmp_path / "ontology.html"
    assert make_docs.main(["--out", str(out)]) == 2
    assert "pyLODE is not installed" in capsys.readouterr().err
    assert not out.exists()
