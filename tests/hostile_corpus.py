"""Generate hostile SPARQL from a grammar of tricks (data for ``tests/test_hostile.py``).

A variant is ``payload`` x ``spelling`` x ``hider`` x ``separator``:

* **payload**: what must never run: SERVICE (IRI, prefixed IRI, ``SILENT``, variable),
  FROM / FROM NAMED to ``http://`` (the canary) and ``file://``, every Update operation
  (LOAD, INSERT, DELETE, CLEAR, DROP, CREATE, COPY, MOVE, ADD, WITH), nesting bombs;
* **spelling** of the payload's keyword: as is, lower case, mixed case, ``\\u0053ERVICE``,
  ``\\U00000053ERVICE``, an escape in the middle, every letter escaped;
* **hider** before it: a token a naive lexer misreads as the start of a comment or a string
  (``cqr:x\\#y``, ``cqr:x\\'y``), the four string forms, a comment, an IRI with ``#``, an
  escaped bracket that hides depth;
* **separator** between the hider and the payload: space, newline, tab, CRLF, a comment,
  nothing, an escaped space.

Variants are deterministic (sorted product, then every n-th), so a failure names a variant
that can be replayed. ``{url}`` in a variant is the canary's base URL.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent / "hostile"


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    query: str
    construct: bool  # a CONSTRUCT, so the viewer can take it too


def _spell(word: str, how: str) -> str:
    if how == "plain":
        return word
    if how == "lower":
        return word.lower()
    if how == "mixed":
        return "".join(c.lower() if i % 2 else c for i, c in enumerate(word))
    if how == "u4-first":
        return f"\\u{ord(word[0]):04X}{word[1:]}"
    if how == "U8-first":
        return f"\\U{ord(word[0]):08X}{word[1:]}"
    if how == "u4-middle":
        mid = len(word) // 2
        return f"{word[:mid]}\\u{ord(word[mid]):04x}{word[mid + 1 :]}"
    if how == "u4-all":
        return "".join(f"\\u{ord(c):04X}" for c in word)
    raise ValueError(how)


SPELLINGS = ("plain", "lower", "mixed", "u4-first", "U8-first", "u4-middle", "u4-all")

# hiders are whole group-graph-pattern elements, valid SPARQL on their own
HIDERS = {
    "pn-hash": "BIND(cqr:x\\#y AS ?h0)",
    "pn-quote": "BIND(cqr:x\\'y AS ?h0)",
    "pn-dquote": 'BIND(cqr:x\\"y AS ?h0)',
    "pn-paren": "BIND(cqr:x\\(y AS ?h0)",
    "pn-many": "BIND(cqr:a\\#b\\'c\\)d AS ?h0)",
    "str1-hash": "BIND('a#b' AS ?h0)",
    "str2-quote": 'BIND("it\'s" AS ?h0)',
    "long1": "BIND('''x'y''z''' AS ?h0)",
    "long2": 'BIND("""x"y""z""" AS ?h0)',
    "echar": 'BIND("q\\"#" AS ?h0)',
    "comment": "# SERVICE in a comment '\"\n",
    "iri-hash": "BIND(<http://e/x#y> AS ?h0)",
    "u-quote": "BIND(cqr:x\\u0027 AS ?h0)",
    "none": "",
}
SEPARATORS = {
    "space": " ",
    "newline": "\n",
    "tab": "\t",
    "crlf": "\r\n",
    "comment": " # c\n",
    "nothing": "",
    "u-space": "\\u0020",
}


def _patterns() -> dict[str, tuple[str, str, str]]:
    """Payloads inside a WHERE group: (keyword, text with {kw}, prologue)."""
    return {
        "service": ("SERVICE", "{kw} <{url}/s> { ?x ?y ?z }", ""),
        "service-silent": ("SERVICE", "{kw} SILENT <{url}/s> { ?x ?y ?z }", ""),
        "service-var": ("SERVICE", "BIND(<{url}/s> AS ?svc) {kw} ?svc { ?x ?y ?z }", ""),
        "service-pname": ("SERVICE", "{kw} canary:s { ?x ?y ?z }", "PREFIX canary: <{url}/>\n"),
        "service-u-iri": ("SERVICE", "{kw} <http\\u003A//{host}/s> { ?x ?y ?z }", ""),
    }


UPDATES = {
    "load": ("LOAD", "{kw} <{url}/l>"),
    "load-silent": ("LOAD", "{kw} SILENT <{url}/l> INTO GRAPH <urn:g>"),
    "insert-data": ("INSERT", "{kw} DATA { <urn:a> <urn:b> <urn:c> }"),
    "insert-where": ("INSERT", "{kw} { ?s ?p ?o } WHERE { SERVICE <{url}/i> { ?s ?p ?o } }"),
    "delete-data": ("DELETE", "{kw} DATA { <urn:a> <urn:b> <urn:c> }"),
    "delete-where": ("DELETE", "{kw} WHERE { ?s ?p ?o }"),
    "clear": ("CLEAR", "{kw} ALL"),
    "drop": ("DROP", "{kw} GRAPH <https://w3id.org/cqkg/id/graph/data>"),
    "create": ("CREATE", "{kw} GRAPH <urn:new>"),
    "copy": ("COPY", "{kw} DEFAULT TO <urn:g>"),
    "move": ("MOVE", "{kw} DEFAULT TO <urn:g>"),
    "add": ("ADD", "{kw} DEFAULT TO <urn:g>"),
    "with": ("WITH", "{kw} <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"),
}

FROMS = {
    "from-http": "FROM <{url}/g>",
    "from-named-http": "FROM NAMED <{url}/g>",
    "from-file": "FROM <file:///etc/passwd>",
    "from-named-file": "FROM NAMED <file:///etc/hostname>",
    "from-pname": "FROM canary:g",
    "from-u-iri": "FROM <http\\u003A//{host}/g>",
    "from-escaped-pn": "FROM cqr:graph\\/data FROM <{url}/g>",
}


def _fill(text: str, url: str) -> str:
    host = url.removeprefix("http://")
    return text.replace("{url}", url).replace("{host}", host)


def service_variants(url: str) -> list[Variant]:
    """Every payload x spelling x hider; separators cycle; CONSTRUCT forms for two spellings."""
    out = []
    seps = sorted(SEPARATORS)
    combos = itertools.product(sorted(_patterns().items()), SPELLINGS, sorted(HIDERS.items()))
    for i, ((pname, (kw, body, prologue)), spelling, (hname, hider)) in enumerate(combos):
        sep = seps[i % len(seps)]
        pattern = body.replace("{kw}", _spell(kw, spelling))
        where = f"{hider}{SEPARATORS[sep]}{pattern}" if hider else pattern
        name = f"{pname}/{spelling}/{hname}/{sep}"
        select = f"{prologue}SELECT * WHERE {{ {where} }}"
        out.append(Variant(f"select:{name}", _fill(select, url), False))
        if spelling in ("plain", "u4-first"):
            construct = f"{prologue}CONSTRUCT {{ ?x ?y ?z }} WHERE {{ {where} }}"
            out.append(Variant(f"construct:{name}", _fill(construct, url), True))
    return out


# updates: alone, as the second operation, and after data full of prefixed-name escapes
UPDATE_FORMS = {
    "alone": "{op}",
    "second": "CLEAR SILENT GRAPH <urn:none> ;\n{op}",
    "after-escapes": "INSERT DATA { cqr:a\\#b cqr:c\\'d \"e#'\" } ;\n{op}",
}


def update_variants(url: str) -> list[Variant]:
    out = []
    for (uname, (kw, body)), spelling, (fname, form) in itertools.product(
        sorted(UPDATES.items()), SPELLINGS, sorted(UPDATE_FORMS.items())
    ):
        op = body.replace("{kw}", _spell(kw, spelling))
        out.append(
            Variant(
                f"update:{uname}/{spelling}/{fname}", _fill(form.replace("{op}", op), url), False
            )
        )
    return out


FROM_HIDERS = ("none", "pn-hash", "long2", "comment")


def from_variants(url: str) -> list[Variant]:
    out = []
    for (fname, clause), spelling, hname in itertools.product(
        sorted(FROMS.items()), SPELLINGS, FROM_HIDERS
    ):
        clause = clause.replace("FROM", _spell("FROM", spelling))
        hider = HIDERS[hname]
        # the hider sits in the SELECT clause, before FROM: (expr AS ?h) or a comment
        head = {
            "none": "*",
            "comment": "* " + hider,
            "pn-hash": "(cqr:x\\#y AS ?h0)",
            "pn-quote": "(cqr:x\\'y AS ?h0)",
            "long2": '("""x"y""" AS ?h0)',
        }[hname]
        q = f"PREFIX canary: <{{url}}/>\nSELECT {head} {clause} WHERE {{ ?x ?y ?z }}"
        out.append(Variant(f"select:{fname}/{spelling}/{hname}", _fill(q, url), False))
        if hname == "none":
            c = f"PREFIX canary: <{{url}}/>\nCONSTRUCT {{ ?x ?y ?z }} {clause} WHERE {{ ?x ?y ?z }}"
            out.append(Variant(f"construct:{fname}/{spelling}", _fill(c, url), True))
    return out


def nesting_variants() -> list[Variant]:
    out = []
    for depth in (65, 5000):
        for kind, (o, c) in {
            "paren": ("(", ")"),
            "brace": ("{", "}"),
            "bracket": ("[", "]"),
        }.items():
            if kind == "paren":
                inner = "FILTER(" + o * depth + "1" + c * depth + ")"
            elif kind == "brace":
                inner = o * depth + c * depth
            else:
                inner = "?s ?p " + "[ ?p " * depth + "1" + " ]" * depth
            for hname in ("none", "pn-hash", "pn-quote", "long2"):
                hider = HIDERS[hname]
                for enc in ("raw", "u4"):
                    body = inner if enc == "raw" else inner.replace(o, f"\\u{ord(o):04X}")
                    q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {hider} {body} }}"
                    out.append(Variant(f"nesting:{kind}/{depth}/{hname}/{enc}", q, True))
    return out


def corpus(url: str) -> list[Variant]:
    """Every hostile variant, with ``url`` (``http://127.0.0.1:PORT``) as the canary."""
    variants = (
        service_variants(url) + update_variants(url) + from_variants(url) + nesting_variants()
    )
    names = [v.name for v in variants]
    assert len(names) == len(set(names)), "variant names must be unique"
    return variants


def benign() -> list[str]:
    """Queries that must still be accepted (``tests/hostile/benign.rq``)."""
    text = (HERE / "benign.rq").read_text(encoding="utf-8")
    return [block.strip("\n") for block in text.split("\n#---\n") if block.strip()]


def sample(variants: list[Variant], n: int) -> list[Variant]:
    """Every k-th variant so the sample spans every payload kind (deterministic)."""
    step = max(1, len(variants) // n)
    return variants[::step][:n]
