"""The report an article covers (``cqo:about``) and what its short name 《报告》 means.

An article about another province's or the nation's report is about that report, never an
edition of the Chongqing report; the manifest's ``report`` names it when given, else the text
does. Tiny hand-written texts in both scripts (none from the seed); the extraction is written by
hand so the tests pin what assemble does with it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from assemble_support import CURATION, REGISTRY
from assemble_support import bundle as _bundle
from assemble_support import mention as _mention
from assemble_support import obs as _obs
from assemble_support import validate as _validate

from graph.model import Candidate
from graph.namespaces import CQR
from graph.pipeline import assemble
from graph.vocab import CQO

TEXTS = {
    "zh-Hans": (
        "《天津市互联网发展报告(2023)》发布\n\n"
        "《天津市互联网发展报告(2023)》(以下简称《报告》)显示,天津互联网普及率86.1%。\n"
    ),
    "zh-Hant": (
        "《天津市互聯網發展報告(2023)》發布\n\n"
        "《天津市互聯網發展報告(2023)》(以下簡稱《報告》)顯示,天津互聯網普及率86.1%。\n"
    ),
}
TIANJIN = "document/tian-jin-shi-hu-lian-wang-fa-zhan-bao-gao-2023"


def _tianjin(lang: str, report: str = "", title: str | None = None):  # type: ignore[no-untyped-def]
    text = TEXTS[lang]
    name = text.split("\n", 1)[0]
    short = "《报告》" if lang == "zh-Hans" else "《報告》"
    full = name[: name.index("》") + 1]
    sid = f"tj-{lang.lower()}"
    cand = Candidate(TIANJIN, "document", full, lang, "document-title", "2023")
    body = text.index("\n\n")
    b = _bundle(
        sid,
        text,
        lang,
        "2023",
        candidates=[cand],
        mentions=[
            _mention(text[body:], full, TIANJIN, sid),
            _mention(text[body:], short, "document/cq-internet-report-2023", sid),
        ],
        observations=[
            _obs(text, text[text.index("天津互") :].split("。")[0], "互联网普及率", "86.1%", "86.1")
        ],
    )
    # mentions were placed in the body: shift them by its offset
    ms = [replace(m, begin=m.begin + body, end=m.end + body) for m in b.extraction.mentions]
    b.extraction.mentions[:] = ms
    doc = replace(b.doc, report=report, title=title if title is not None else b.doc.title)
    return replace(b, doc=doc)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize(
    ("report", "title"),
    [
        ("天津市互联网发展报告(2023)", None),  # the manifest names it
        ("", None),  # the title names it
        ("", "天津发布互联网发展报告"),  # only the body names it, with the edition's year
    ],
)
def test_an_article_on_another_report_is_about_that_report(
    lang: str, report: str, title: str | None
) -> None:
    b = _tianjin(lang, report, title)
    g = assemble.run([b], REGISTRY, CURATION).data
    source = CQR[f"source/{b.doc.id}"]
    assert set(g.objects(source, CQO.about)) == {CQR[TIANJIN]}
    # its short name is the Tianjin report too, and no Chongqing edition enters the graph
    short = b.extraction.mentions[1]
    span = CQR[f"span/{b.doc.id}/{short.begin}-{short.end}"]
    assert set(g.objects(span, CQO.refersTo)) == {CQR[TIANJIN]}
    assert (CQR["document/cq-internet-report-2023"], None, None) not in g
    assert _validate(g) == []


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_manifest_report_the_text_does_not_name_becomes_a_candidate_document(lang: str) -> None:
    b = _tianjin(lang, report="陕西省互联网发展报告(2023)")
    g = assemble.run([b], REGISTRY, CURATION).data
    [about] = g.objects(CQR[f"source/{b.doc.id}"], CQO.about)
    assert about == CQR["document/shan-xi-sheng-hu-lian-wang-fa-zhan-bao-gao-2023"]
    assert (about, CQO.curationStatus, CQO.Candidate) in g
    assert str(g.value(about, CQO.edition)) == "2023"
    assert _validate(g) == []


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_manifest_report_of_the_curated_series_is_its_edition(lang: str) -> None:
    report = "重庆市互联网发展报告(2022)" if lang == "zh-Hans" else "重慶市互聯網發展報告（2022）"
    b = _tianjin(lang, report=report)
    g = assemble.run([b], REGISTRY, CURATION).data
    about = set(g.objects(CQR[f"source/{b.doc.id}"], CQO.about))
    assert about == {CQR["document/cq-internet-report-2022"]}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_manifest_report_without_its_year_is_that_years_edition(lang: str) -> None:
    """A serial report named without a year (第56次…統計報告) is the article's edition of it:
    the shapes need every report an article is about to carry its year."""
    report = "中国互联网络发展状况统计报告" if lang == "zh-Hans" else "中國互聯網絡發展狀況統計報告"
    b = _tianjin(lang, report=report)
    g = assemble.run([b], REGISTRY, CURATION).data
    [about] = g.objects(CQR[f"source/{b.doc.id}"], CQO.about)
    assert str(about).endswith("-2023")
    assert str(g.value(about, CQO.edition)) == "2023"
    assert _validate(g) == []
