"""Parameterised shipped queries: ``#+ param:`` headers, ``VALUES`` defaults and ``--bind``.

The answers for non-default subjects were written by reading ``tests/golden/cleaned.txt``:
渝快政 "日活用戶43萬"; 渝快辦 "辦件量達2.7億件"; the section 互聯網賦能高品質生活 (lines 23-28);
西部數據交易中心 "數據產品超 5000款、交易金額突破5億元". The default answers are pinned,
unchanged, by ``tests/test_competency.py`` and ``tests/test_competency_report.py``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netns_support import stub_isolation  # noqa: F401 - autouse fixture
from query_support import CLEANED
from typer.testing import CliRunner

from graph.cli import app
from graph.model import InputError
from graph.pipeline.run import BuildResult
from graph.sparql.catalogue import (
    ParameterError,
    bind_args,
    bind_query,
    list_queries,
    load_query,
    query_params,
    sparql_literal,
)
from graph.sparql.engines import open_engine, run_query
from graph.sparql.results import Result, Term

runner = CliRunner()
TEXT = CLEANED.read_text(encoding="utf-8")
DECLARED = {
    "figure-source": ("stated",),
    "yukuaiban": ("platform",),
    "section-figures": ("section",),
    "section-entities": ("section",),
    "neighbourhood": ("label",),
    "indicator-series": ("indicator",),
}
LIFE = "互聯網賦能高品質生活"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {"integer", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger"}
HOSTILE = [
    'a"b',
    "a\\b",
    "line\nbreak\r\n",
    "}",
    "{ } ( ) [ ]",
    '"} } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #',
    '" . } INSERT DATA { <urn:x> <urn:y> <urn:z> } #',
    "'''\"\"\"",
    "tab\there\bbs\fff",
    "# not a comment",
    '\\"',
    "@en",
    "",
]


@pytest.fixture(scope="module")
def engine(built: BuildResult):  # type: ignore[no-untyped-def]
    return open_engine("oxigraph", built.out_dir)


@pytest.fixture(scope="module")
def rdflib_engine(built: BuildResult):  # type: ignore[no-untyped-def]
    return open_engine("rdflib", built.out_dir)


def ask(engine, name: str, **bindings: str | list[str]) -> Result:  # type: ignore[no-untyped-def]
    values = {k: [v] if isinstance(v, str) else v for k, v in bindings.items()}
    return run_query(engine, bind_query(load_query(name), values, name))


def rows(engine, name: str, **bindings: str | list[str]) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    res = ask(engine, name, **bindings)
    return [tuple("" if t is None else t.value for t in row) for row in res.rows]


def answer(res: Result) -> tuple[object, ...]:
    """A result without its timing, graph triples in a stable order."""
    return (res.kind, res.variables, res.rows, res.boolean, sorted(res.triples, key=str))


def cell(t: Term | None) -> tuple[object, ...]:
    """A term as the engines agree on it: language tags case-folded, numbers by value (rdflib
    keeps ``xsd:nonNegativeInteger`` where pyoxigraph reports ``xsd:integer``)."""
    if t is None:
        return ()
    if t.datatype and t.datatype.startswith(XSD) and t.datatype[len(XSD) :] in NUMERIC:
        return ("num", float(t.value))
    return (t.kind, t.value, (t.lang or "").lower())


def agreed(res: Result) -> object:
    if res.kind == "graph":
        return sorted(tuple(cell(t) for t in tr) for tr in res.triples)
    return (res.variables, [tuple(cell(t) for t in row) for row in res.rows])


def section_text(heading: str) -> str:
    """The paragraphs under ``heading`` up to the next one-line heading (no sentence end)."""
    lines = TEXT.splitlines()
    start = lines.index(heading) + 1
    end = start
    while end < len(lines) and lines[end].endswith("。"):
        end += 1
    return "\n".join(lines[start:end])


# ---------------------------------------------------------------- declarations


def test_declared_parameters() -> None:
    got = {q.name: tuple(p.name for p in q.params) for q in list_queries() if q.params}
    assert got == DECLARED


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_default_is_the_values_row_and_described(name: str) -> None:
    [q] = [q for q in list_queries() if q.name == name]
    for p in q.params:
        assert p.description
        assert f"VALUES ?{p.name} {{ {sparql_literal(p.default, p.suffix)} }}" in q.text
        assert p.default in q.description  # the header says what the default subject is


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_binding_the_default_changes_nothing(engine, name: str) -> None:  # type: ignore[no-untyped-def]
    text = load_query(name)
    bound = bind_query(text, {p.name: [p.default] for p in query_params(text)})
    assert answer(run_query(engine, bound)) == answer(run_query(engine, text))
    assert len(run_query(engine, text)) > 0


def test_bind_changes_only_the_values_block() -> None:
    text = load_query("section-figures")
    bound = bind_query(text, {"section": [LIFE]})
    changed = [(a, b) for a, b in zip(text.splitlines(), bound.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            '  VALUES ?section { "互聯網賦能高質量發展"@zh-Hant }',
            '  VALUES ?section { "互聯網賦能高品質生活"@zh-Hant }',
        )
    ]


# ---------------------------------------------------------------- answers on the real build


def test_figure_source_other_figure(engine) -> None:  # type: ignore[no-untyped-def]
    [(quote, begin, end, sentence)] = rows(engine, "figure-source", stated="2.7億件")
    assert quote == "辦件量達2.7億件"
    assert TEXT[int(begin) : int(end)] == quote
    assert sentence == (
        "“渝快辦”服務2637萬人、辦件量達2.7億件,“一件事一次辦”覆蓋90%以上高頻事項,"
        "入選國務院辦公廳推廣典型案例。"
    )
    assert sentence in TEXT


def test_figure_source_unknown_figure_is_empty(engine) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "figure-source", stated="2.7億") == []  # as written, not a prefix


def test_yukuaiban_other_platform(engine) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "yukuaiban", platform="渝快政") == [
        ("“渝快政”日活用戶", "43萬", "430000", "“渝快政”日活用戶43萬")
    ]
    assert "“渝快政”日活用戶43萬" in TEXT


def test_section_figures_other_section(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "section-figures", section=LIFE)
    stated = [r[1] for r in got]
    expected = [
        "100%", "100%", "11個", "550所", "67家", "97家", "85%", "3000余萬張", "60%",
        "超3億元", "超100萬人次", "20個", "突破208億",
    ]  # fmt: skip
    assert sorted(stated) == sorted(expected)
    body = section_text(LIFE).replace(" ", "")
    assert all(s in body for s in stated)
    assert stated[0] == "突破208億"  # largest value first
    values = [float(r[2]) for r in got]
    assert values == sorted(values, reverse=True)


def test_section_figures_several_sections(engine) -> None:  # type: ignore[no-untyped-def]
    default = load_query("section-figures")
    both = rows(engine, "section-figures", section=["互聯網賦能高質量發展", LIFE])
    one = run_query(engine, default)
    assert len(both) == len(one) + 13


def test_section_entities_other_section(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "section-entities", section=LIFE)
    platforms = {name for name, cls in got if cls.endswith("#Platform")}
    assert platforms == {
        "國家公共文化云",
        "巴渝文物",
        "渝悅·根治欠薪",
        "渝悅·養老",
        "重慶云上博物館",
    }
    body = section_text(LIFE)
    assert all(p in body for p in platforms)
    assert ("渝北區", "https://w3id.org/cqkg/ontology#Place") in got
    assert not any("渝快辦" in name for name, _ in got)  # that is the governance section


def test_neighbourhood_other_entity(engine) -> None:  # type: ignore[no-untyped-def]
    res = ask(engine, "neighbourhood", label="西部數據交易中心")
    entity = "https://w3id.org/cqkg/id/platform/western-data-exchange"
    assert any(s.value == entity for s, _, _ in res.triples)
    stated = {
        o.value
        for _, p, o in res.triples
        if p.value == "https://w3id.org/cqkg/ontology#statedValue"
    }
    assert stated == {"超 5000款", "突破5億元"}
    assert "西部數據交易中心數據產品超 5000款、交易金額突破5億元" in TEXT
    assert not any("yukuaiban" in t.value for tr in res.triples for t in tr)


@pytest.mark.parametrize(
    ("name", "bindings"),
    [
        ("figure-source", {"stated": "2.7億件"}),
        ("yukuaiban", {"platform": "渝快政"}),
        ("section-figures", {"section": LIFE}),
        ("section-entities", {"section": LIFE}),
        ("neighbourhood", {"label": "西部數據交易中心"}),
    ],
)
def test_engines_agree_on_bound_queries(engine, rdflib_engine, name: str, bindings) -> None:  # type: ignore[no-untyped-def]
    ox_res = ask(engine, name, **bindings)
    assert len(ox_res) > 0
    assert agreed(ox_res) == agreed(ask(rdflib_engine, name, **bindings))


# ---------------------------------------------------------------- escaping

ECHO = '#+ param: x - any text\nSELECT ?x WHERE { VALUES ?x { "default"@en } }'


def echo(engine, value: str) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    res = run_query(engine, bind_query(ECHO, {"x": [value]}))
    return [(t.value, t.lang) for row in res.rows for t in row if t is not None]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_data(engine, rdflib_engine, value: str) -> None:  # type: ignore[no-untyped-def]
    assert echo(engine, value) == [(value, "en")]
    assert echo(rdflib_engine, value) == [(value, "en")]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_in_a_shipped_query(engine, value: str) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "figure-source", stated=value) == []
    assert rows(engine, "yukuaiban", platform=value) == []


def test_codepoint_escape_text_stays_text(engine, rdflib_engine) -> None:  # type: ignore[no-untyped-def]
    """SPARQL 1.1 decodes ``\\uXXXX`` before parsing (rdflib does; pyoxigraph only inside
    strings): a doubled backslash keeps the value one literal on both, exact on pyoxigraph."""
    value = "\\u0022 } SERVICE <http://127.0.0.1:9/> { } \\U00000022"
    assert echo(engine, value) == [(value, "en")]
    assert len(echo(rdflib_engine, value)) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\x00")))
def test_any_text_round_trips(value: str) -> None:
    store = ox.Store()
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_literal(value, '@zh-Hant')} }} }}"
    [sol] = list(store.query(query))  # type: ignore[arg-type]
    assert sol["x"] == ox.Literal(value, language="zh-Hant")


@pytest.mark.parametrize(("value", "why"), [("a\x00b", "NUL"), ("\udcff", "not valid Unicode")])
def test_unrepresentable_values_refused(value: str, why: str) -> None:
    with pytest.raises(ParameterError, match=why):
        bind_query(ECHO, {"x": [value]})


# ---------------------------------------------------------------- declaration errors


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#+ param: x\nSELECT * { VALUES ?x { 1 } }", "malformed line"),
        ("#+ param: x - a\n#+ param: x - b\nSELECT * { VALUES ?x { 'a' } }", "declared twice"),
        ("#+ param: x - a\nSELECT * { ?s ?p ?x }", r"exactly one 'VALUES \?x"),
        ("#+ param: x - a\nSELECT * { VALUES ?x { 'a' } VALUES ?x { 'b' } }", "found 2"),
        ("#+ param: x - a\nSELECT * { VALUES ?x { 'a' 'b' } }", "exactly one string"),
        ("#+ param: x - a\nSELECT * { VALUES ?x { <urn:a> } }", "exactly one string"),
        ("#+ param: x - a\nSELECT * { VALUES (?x) { ('a') } }", "found 0"),
    ],
)
def test_bad_declarations(text: str, message: str) -> None:
    with pytest.raises(InputError, match=f"^my.rq: .*{message}"):
        query_params(text, "my.rq")


def test_values_in_comments_and_strings_are_ignored() -> None:
    text = (
        "#+ param: x - a\n# VALUES ?x { 'comment' }\n"
        "SELECT * { BIND('VALUES ?x { 1 }' AS ?y) VALUES ?x { '}'@en } }"
    )
    [p] = query_params(text)
    assert (p.default, p.suffix) == ("}", "@en")
    assert bind_query(text, {"x": ["v"]}).endswith("""VALUES ?x { "v"@en } }""")


def test_bind_args_splits_at_the_first_equals() -> None:
    assert '{ "a=b" }' in bind_args(load_query("figure-source"), ["stated=a=b"], "figure-source")


# ---------------------------------------------------------------- the CLI


def cli(built: BuildResult, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["query", *args, "--build-dir", str(built.out_dir)])


def test_cli_bind(built: BuildResult) -> None:
    res = cli(built, "figure-source", "--bind", "stated=2.7億件", "-f", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1].startswith("辦件量達2.7億件,")
    res = cli(built, "yukuaiban", "-b", "platform=渝快政", "-f", "tsv")
    assert res.exit_code == 0 and '"43萬"' in res.stdout


def test_cli_hostile_value(built: BuildResult) -> None:
    res = cli(built, "yukuaiban", "--bind", 'platform=x"} } SERVICE <http://127.0.0.1:9/> {} #\\')
    assert res.exit_code == 0, res.output
    assert res.stdout.rstrip().endswith("(0 rows)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["yukuaiban", "--bind", "label=渝快政"],
            "cqkg: --bind label: yukuaiban has no parameter 'label' (parameters: platform)",
        ),
        (
            ["organizers", "--bind", "x=1"],
            "cqkg: --bind x: organizers declares no parameters",
        ),
        (
            ["SELECT * { ?s ?p ?o } LIMIT 1", "--bind", "x=1"],
            "cqkg: --bind x: the inline query declares no parameters",
        ),
        (
            ["section-figures", "--bind", "section"],
            "cqkg: --bind 'section': expected NAME=VALUE (section-figures: parameters: section)",
        ),
        (
            ["figure-source", "--bind", "stated=a\x00b"],
            "cqkg: --bind stated: the value contains a NUL character",
        ),
    ],
)
def test_cli_bind_errors(built: BuildResult, args: list[str], message: str) -> None:
    res = cli(built, *args)
    assert res.exit_code == 2
    assert res.stderr == message + "\n"
    assert res.stdout == ""


def test_cli_bind_on_a_file(built: BuildResult, tmp_path: Path) -> None:
    rq = tmp_path / "platform.rq"
    rq.write_text(
        "#+ param: name - a zh-Hant label\n"
        'SELECT ?e WHERE { VALUES ?name { "渝快辦"@zh-Hant } ?e rdfs:label ?name }',
        encoding="utf-8",
    )
    res = cli(built, str(rq), "--bind", "name=渝快政", "-f", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == ["e", "https://w3id.org/cqkg/id/platform/yukuaizheng"]
    res = cli(built, str(rq), "--bind", "nam=渝快政")
    assert res.exit_code == 2 and f"{rq} has no parameter 'nam' (parameters: name)" in res.stderr


def test_list_shows_parameters() -> None:
    res = runner.invoke(app, ["query", "--list"])
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    for q in list_queries():
        [i] = [i for i, line in enumerate(lines) if line.startswith(q.name + " ")]
        shown = [line.strip() for line in lines[i + 1 : i + 1 + len(q.params)]]
        assert shown == [
            f"--bind {p.name}=VALUE  {p.description} (default: {p.default})" for p in q.params
        ]
    assert "--bind platform=VALUE" in res.stdout and "(default: 渝快辦)" in res.stdout
