"""Export: sorted, reproducible serializations and an atomic, crash-safe publish."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from graph.namespaces import CQR
from graph.pipeline import export, export_publish


def _graph() -> Graph:
    g = Graph()
    for i in range(50):
        g.add((CQR[f"thing/{i}"], RDFS.label, Literal(f"事物{i}", lang="zh-Hant")))
        g.add((CQR[f"thing/{i}"], RDFS.seeAlso, CQR[f"thing/{(i * 7) % 50}"]))
    return g


def test_ntriples_sorted_and_roundtrip() -> None:
    g = _graph()
    text = export.ntriples(g)
    lines = text.splitlines()
    assert lines == sorted(lines)
    assert isomorphic(Graph().parse(data=text, format="nt"), g)


def test_jsonld_canonical_and_roundtrip() -> None:
    g = _graph()
    a = export.jsonld(g)
    doc = json.loads(a)
    ids = [n["@id"] for n in doc["@graph"]]
    assert ids == sorted(ids)
    ctx = export.jsonld_context()
    doc["@context"] = ctx["@context"]
    back = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert isomorphic(back, g)


def _files(tag: str) -> dict[str, object]:
    return {"a.txt": lambda: f"A {tag}\n", "b.txt": lambda: f"B {tag}\n"}


def test_publish_swaps_atomically_and_keeps_previous(tmp_path: Path) -> None:
    out = tmp_path / "build"
    first = export.publish(out, _files("1"))  # type: ignore[arg-type]
    assert out.is_symlink() and (out / "a.txt").read_text() == "A 1\n"
    manifest = (out / "MANIFEST.sha256").read_text()
    assert "a.txt" in manifest and "b.txt" in manifest
    second = export.publish(out, _files("2"))  # type: ignore[arg-type]
    assert (out / "a.txt").read_text() == "A 2\n"
    assert first.exists() and second.exists()  # previous kept for rollback
    third = export.publish(out, _files("3"))  # type: ignore[arg-type]
    assert not first.exists() and second.exists() and third.exists()
    assert not list(out.parent.glob(".build.link-*"))


def test_publish_failure_leaves_previous_intact(tmp_path: Path) -> None:
    out = tmp_path / "build"
    export.publish(out, _files("ok"))  # type: ignore[arg-type]

    def boom() -> str:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export.publish(out, {"a.txt": lambda: "new\n", "b.txt": boom})  # type: ignore[dict-item]
    assert (out / "a.txt").read_text() == "A ok\n"
    assert not [p for p in (tmp_path / ".build.versions").iterdir() if p.name.startswith("tmp-")]


def test_existing_real_directory_is_kept_aside(tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "old.txt").write_text("hand-made")
    export.publish(out, _files("1"))  # type: ignore[arg-type]
    assert out.is_symlink()
    assert (tmp_path / ".build.versions" / "legacy-build" / "old.txt").read_text() == "hand-made"


@pytest.mark.slow
def test_sigkill_at_random_points_never_leaves_a_mixed_build(tmp_path: Path) -> None:
    """docs/security.md #25: kill the publisher at many points; build/ is old or new, whole."""
    out = tmp_path / "build"
    export.publish(out, _files("old"))  # type: ignore[arg-type]
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from graph.pipeline import export
        def slow(tag):
            def f():
                time.sleep(0.002)
                return tag * 20000 + "\\n"
            return f
        files = {{f"f{{i:02d}}.txt": slow(str(i)) for i in range(30)}}
        print("ready", flush=True)
        export.publish(Path({str(out)!r}), files)
        """
    )
    outcomes = set()
    for delay_ms in range(0, 100, 5):  # 20 kill points across the write (~60-100 ms long)
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        try:
            proc.wait(timeout=delay_ms / 1000)
            outcomes.add("finished")
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            outcomes.add("killed")
        proc.wait()
        proc.stdout.close()
        names = sorted(p.name for p in out.iterdir())
        listed = export.manifest(out)
        assert (out / "MANIFEST.sha256").read_text() == listed, names
        assert names in (
            ["MANIFEST.sha256", "a.txt", "b.txt"],
            sorted(["MANIFEST.sha256", *[f"f{i:02d}.txt" for i in range(30)]]),
        )
    assert "killed" in outcomes  # the harness really interrupted some writes
    # the next successful publish removes every leftover temporary directory
    export.publish(out, _files("final"))  # type: ignore[arg-type]
    leftovers = [p for p in (tmp_path / ".build.versions").iterdir() if p.name.startswith("tmp-")]
    assert leftovers == []
    assert not list(tmp_path.glob(".build.link-*"))


def test_graphml_has_entities_and_edges() -> None:
    from rdflib.namespace import RDF

    from graph.namespaces import PROV
    from graph.view import graphml
    from graph.vocab import CQO

    g = Graph()
    a, b, span = CQR["agency/a"], CQR["person/b"], CQR["span/s/0-1"]
    for node, cls in ((a, CQO.Agency), (b, CQO.Person)):
        g.add((span, CQO.refersTo, node))
        g.add((node, RDF.type, cls))  # the network's nodes are the styled classes' instances
        g.add((node, RDFS.label, Literal("甲", lang="zh-Hant")))
    g.add((b, CQO.speaker, a))  # the relation itself, which the assertion reifies
    assertion = URIRef(CQR["assertion/x"])
    g.add((assertion, RDF.type, CQO.Assertion))
    g.add((assertion, RDF.subject, b))
    g.add((assertion, RDF.predicate, CQO.speaker))
    g.add((assertion, RDF.object, a))
    g.add((assertion, PROV.wasDerivedFrom, span))
    net, _idx, _styles = graphml.from_ntriples(export.ntriples(g))
    assert sorted(net.nodes) == sorted([str(a), str(b)])
    assert net.number_of_edges() == 1
    assert "<graphml" in export.graphml(g)


def test_republishing_identical_content_never_touches_the_live_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the same bytes give the same version name; the old code deleted that
    directory (the live build) before renaming the new copy onto it, so a crash in between
    left build/ dangling. Simulate that crash: the live version must survive untouched."""
    out = tmp_path / "build"
    live = export.publish(out, _files("same"))  # type: ignore[arg-type]
    real_replace = os.replace

    def crash_on_live(src: object, dst: object) -> None:
        if Path(str(dst)) == live:
            raise OSError("simulated crash while replacing the live version")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(export_publish.os, "replace", crash_on_live)
    assert export.publish(out, _files("same")) == live  # type: ignore[arg-type]
    assert (out / "a.txt").read_text() == "A same\n"
    assert (out / "MANIFEST.sha256").read_text() == export.manifest(out)


def test_a_file_made_in_the_version_directory_reads_the_files_sorted_before_it(
    tmp_path: Path,
) -> None:
    seen: list[str] = []

    def count(d: Path) -> str:
        seen.append(d.name)
        return f"{len((d / 'a.txt').read_text())} characters\n"

    out = tmp_path / "build"
    made = export.InVersionDir(count, after=("a.txt",))
    version = export.publish(out, {**_files("x"), "c.txt": made})  # type: ignore[dict-item]
    assert (out / "c.txt").read_text() == "4 characters\n"
    assert seen[0].startswith("tmp-") and version.name != seen[0]  # written before the swap
    assert "c.txt" in (out / "MANIFEST.sha256").read_text()
    late = export.InVersionDir(count, after=("z.txt",))  # sorts after it: refused, not guessed
    with pytest.raises(RuntimeError, match=r"z\.txt"):
        export.publish(out, {**_files("y"), "c.txt": late})  # type: ignore[dict-item]
    assert (out / "a.txt").read_text() == "A x\n"  # the previous build is still published
