"""Assemble shares one object per distinct RDF term (``NodeBuilder.add``): a memory saving
that must change no triple. Two invented articles, one per script, state one figure each; the
graph holds exactly the triples the builder made before it shared terms, and every distinct
term is one object (without the sharing, the same IRI is many objects)."""

from __future__ import annotations

import pytest
from assemble_support import CURATION, REGISTRY
from assemble_support import bundle as _bundle
from assemble_support import obs as _obs
from rdflib import Graph

from graph.pipeline import assemble

TEXTS = {
    "zh-Hant": "測試縣網絡報告\n截至2022年底，全縣網民普及率為61.5%。\n",
    "zh-Hans": "测试县网络报告\n截至2022年底，全县网民普及率为62.5%。\n",
}


@pytest.mark.parametrize("first", ["zh-Hant", "zh-Hans"])
def test_equal_terms_are_one_object_and_no_triple_changes(
    first: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    second = "zh-Hans" if first == "zh-Hant" else "zh-Hant"
    bundles = []
    for n, lang in enumerate((first, second)):
        text = TEXTS[lang]
        value = "61.5" if lang == "zh-Hant" else "62.5"
        figure = _obs(text, f"{value}%", "網民普及率", f"{value}%", value)
        bundles.append(_bundle(f"terms-{n}", text, lang, "2022", observations=[figure]))
    g = assemble.run(bundles, REGISTRY, CURATION).data
    objects: dict[object, int] = {}
    for triple in g:
        for term in triple:
            objects.setdefault(term, id(term))
            assert objects[term] == id(term), f"{term!r} is two objects"

    plain = _assemble_without_sharing(bundles, monkeypatch)
    assert set(plain) == set(g) and len(g) > 50
    ids: dict[object, set[int]] = {}
    for triple in plain:
        for term in triple:
            ids.setdefault(term, set()).add(id(term))
    assert any(len(v) > 1 for v in ids.values())  # what the sharing removed
    assert any(str(o) == "61.5" for o in g.objects()) and any(str(o) == "62.5" for o in g.objects())


def _assemble_without_sharing(bundles: list, monkeypatch: pytest.MonkeyPatch) -> Graph:  # type: ignore[type-arg]
    """The same assembly with every triple added as made (the builder before sharing)."""
    from graph.pipeline.assemble_nodes import NodeBuilder

    def add(self: NodeBuilder, triple: tuple) -> None:  # type: ignore[type-arg]
        self.g.add(triple)

    with monkeypatch.context() as m:
        m.setattr(NodeBuilder, "add", add)
        return assemble.run(bundles, REGISTRY, CURATION).data
