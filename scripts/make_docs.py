"""Render HTML documentation of the cqkg ontology with pyLODE: docs/_build/ontology.html.

Why a script and not a build stage: the HTML is for people, optional, and pyLODE is a docs
extra (``pip install -e '.[docs]'``), so the graph build never depends on it. The output is
written atomically (temp file, then rename) so a failed run leaves no half-written page.

Usage: ``.venv/bin/python scripts/make_docs.py [--out docs/_build/ontology.html]``
Exit codes: 0 written, 1 pyLODE failed on the ontology, 2 pyLODE not installed.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "_build" / "ontology.html"
INSTALL_HINT = "pip install 'pylode>=3.3.3,<3.4'  (or: pip install -e '.[docs]')"


def docs_graph(ontology: Path) -> Graph:
    """The ontology as pyLODE should see it, so that the page is the same on every run.

    Two sources of run-to-run change are removed: blank-node ids (rdflib mints random ones;
    pyLODE sorts triples by them) are relabelled canonically, and ``owl:unionOf`` ranges and
    domains are left out, because pyLODE 3.3 collects union members in a ``set`` of HTML
    elements (random order). Nothing is lost on the page: every union in cqkg.ttl has the same
    members as the term's ``schema:rangeIncludes`` / ``schema:domainIncludes`` (a test in
    tests/test_ontology.py checks this), which pyLODE shows.
    """
    parsed = Graph().parse(ontology, format="turtle")
    unions = {s for s in parsed.subjects(OWL.unionOf, None) if isinstance(s, BNode)}
    for union in unions:
        for member_list in parsed.objects(union, OWL.unionOf):
            for node in list(parsed.transitive_objects(member_list, RDF.rest)):
                parsed.remove((node, None, None))
        parsed.remove((union, None, None))
        parsed.remove((None, None, union))
    out = Graph(bind_namespaces="core")
    for prefix, namespace in parsed.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in to_canonical_graph(parsed):
        out.add(triple)
    return out


def render(ontology: Path) -> str:
    """HTML for ``ontology``; raises ImportError if pyLODE is missing."""
    from pylode import OntPub  # imported here so the error names the missing extra

    return str(OntPub(ontology=docs_graph(ontology), sort_subjects=True).make_html())


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a docs page is for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ontology", type=Path, default=ROOT / "ontology" / "cqkg.ttl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        html = render(args.ontology)
    except ImportError:
        print(f"make_docs: pyLODE is not installed; {INSTALL_HINT}", file=sys.stderr)
        return 2
    except Exception as exc:  # pyLODE raises PylodeError and plain errors alike
        print(f"{args.ontology}: pyLODE could not document it: {exc}", file=sys.stderr)
        return 1
    write_atomically(args.out, html)
    print(f"wrote {args.out} ({len(html.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
