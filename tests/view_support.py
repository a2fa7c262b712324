"""A small invented graph for the viewer's overview tests (page data and browser)."""

from __future__ import annotations

from pathlib import Path

R = "https://w3id.org/cqkg/id/"
IND = R + "indicator/ce-shi"


def indicator_graph(tmp: Path, figures: int) -> Path:
    """One platform and one indicator with ``figures`` observations, labels in both scripts
    (invented names), plus unlinked companies to go over a small budget (folded first: the
    indicator and the platform are the best connected)."""
    lines = [
        "@prefix cqo: <https://w3id.org/cqkg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f'<{IND}> a cqo:Indicator ; rdfs:label "測試指標"@zh-Hant, "测试指标"@zh-Hans .',
        f'<{R}platform/yun-tai> a cqo:Platform ; rdfs:label "雲台"@zh-Hant, "云台"@zh-Hans .',
    ]
    for i in range(figures):
        lines.append(
            f"<{R}obs/ce-shi/q{i:02d}> a cqo:Observation ; cqo:indicator <{IND}> ;"
            f' cqo:about <{R}platform/yun-tai> ; cqo:statedValue "{i}萬個" ; cqo:value {i} .'
        )
    for i in range(20):
        lines.append(
            f'<{R}company/gong-si-{i}> a cqo:Company ; rdfs:label "公司{i}號"@zh-Hant,'
            f' "公司{i}号"@zh-Hans .'
        )
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "cqkg.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp
