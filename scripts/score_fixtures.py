"""Score the extractor against the team's fixture articles (tests/fixtures/articles/).

Usage: ``python scripts/score_fixtures.py [--details] [--simplified-seed] [IDS...]``.
Prints one row per article (gold rows, observations, pairs, figures right on every field,
overall precision/recall, P/R on each acceptance field of issue 7, wrong magnitudes), then
precision/recall per field over all articles, then how many of each article's gold entities
a mention covers. ``--details`` lists every gold row the extractor missed or got wrong, every
observation no gold row accounts for and every gold entity not found;
``--simplified-seed`` adds the seed-in-simplified-script property (share of the seed's
figures that come out identical, wrong magnitudes). The numbers come from
``tests/fixture_support.py``, the same code the tests assert with.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixture_support import (
    ACCEPTANCE_FIELDS,
    FIELDS,
    SEED_ID,
    SEED_SOURCES,
    Score,
    compare_seed,
    empty_score,
    extract_figures,
    fixture_ids,
    load_fixture,
    score_entities,
    score_fixture,
    simplified_seed,
)

SHORT = {"qualifier": "qual", "indicator": "ind", "value_max": "vmax", "rank_scope": "scope"}


def _pr(s: Score, name: str | None = None) -> str:
    return f"{s.precision(name):.2f}/{s.recall(name):.2f}"


def _details(s: Score) -> list[str]:
    out = []
    for p in s.pairs:
        g = p.gold
        if p.obs is None:
            out.append(f"  - {g.id} {g.stated_value!r} ({g.indicator}): not extracted")
        elif p.wrong:
            diffs = ", ".join(
                f"{n} {getattr(g, n)!r} != {getattr(p.obs, n)!r}" for n in p.wrong if n != "area"
            )
            if "area" in p.wrong:
                diffs += f", area {g.area!r} != {p.obs.area!r}"
            out.append(f"  ~ {g.id} {g.stated_value!r}: {diffs}")
    for o in s.unmatched_obs:
        out.append(f"  + {o.stated_value!r} ({o.indicator}) at {o.value_begin}: no gold row")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ids", nargs="*", help="fixture ids (default: all)")
    ap.add_argument("--details", action="store_true", help="list every miss and extra")
    ap.add_argument("--simplified-seed", action="store_true", help="also score the t2s seed")
    args = ap.parse_args(argv)
    ids = args.ids or fixture_ids()
    total = empty_score()
    head = " | ".join(f"{SHORT.get(n, n)} P/R" for n in ACCEPTANCE_FIELDS)
    print(f"| article | gold | obs | paired | all fields | P/R | {head} | wrong mag. |")
    print("|---" * (7 + len(ACCEPTANCE_FIELDS)) + "|")
    notes: list[str] = []
    entity_rows: list[str] = []
    for fid in ids:
        try:
            fixture = load_fixture(fid)
            s, figures = score_fixture(fixture)
        except Exception as exc:  # report a crash of one article and go on with the rest
            print(f"| {fid} | pipeline failed: {type(exc).__name__}: {exc} |")
            continue
        total = total.merged(s)
        es = score_entities(fixture.entities, figures.mentions, figures.text, fixture.gold_text)
        entity_rows.append(
            f"| {fid} | {es.n_gold} | {len(es.found)} ({es.recall:.2f}) "
            f"| {len(es.right_class)} ({es.class_recall:.2f}) |"
        )
        if args.details and es.missing:
            notes.append(f"{fid} entities not found: " + ", ".join(lb for lb, _ in es.missing))
        cells = " | ".join(_pr(s, n) for n in ACCEPTANCE_FIELDS)
        print(
            f"| {fid} | {s.n_gold} | {s.n_obs} | {s.matched} | {s.exact} | {_pr(s)} | {cells} "
            f"| {len(s.wrong_magnitude)} |"
        )
        if args.details:
            notes += [f"{fid}:", *_details(s)]
    cells = " | ".join(_pr(total, n) for n in ACCEPTANCE_FIELDS)
    print(
        f"| **all** | {total.n_gold} | {total.n_obs} | {total.matched} | {total.exact} "
        f"| {_pr(total)} | {cells} | {len(total.wrong_magnitude)} |"
    )
    print()
    print("| field | precision | recall |")
    print("|---|---|---|")
    for name in FIELDS:
        print(f"| {name} | {total.precision(name):.3f} | {total.recall(name):.3f} |")
    print()
    print("| article | gold entities | found by a mention (recall) | with the right class |")
    print("|---|---|---|---|")
    print("\n".join(entity_rows))
    if notes:
        print()
        print("\n".join(notes))
    if args.simplified_seed:
        seed = extract_figures(SEED_SOURCES / SEED_ID)
        with tempfile.TemporaryDirectory() as tmp:
            hans = extract_figures(simplified_seed(Path(tmp)))
        c = compare_seed(seed, hans)
        print()
        print(
            f"simplified seed: {c.identical}/{c.n_seed} of the seed's figures identical "
            f"({c.share:.1%}), {len(c.wrong_magnitude)} wrong magnitude(s), "
            f"{c.n_hans} observations from the simplified text"
        )
        if args.details:
            for o, h in c.differing:
                got = f"{h.stated_value!r} {h.indicator} {h.value}" if h else "nothing"
                print(f"  ~ {o.stated_value!r} {o.indicator} {o.value} -> {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
