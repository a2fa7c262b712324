"""Entities of the fixture articles against their hand-read ``entities.tsv``.

A gold row (label, class) is *found* when a mention of an entity of that class has the label
as its surface (script-folded), or the entity's own label or an alias equals it. Precision of
the open-world candidates: a candidate is *right* when its label (or a surface of one of its
mentions) equals a gold label of the same class. A gold row the registry's surfaces do not know
is *open*; it is *found by candidates* when a mention that the open-world stage made finds it:
a candidate's, or a mention of a curated entity that only that stage found (the full name
中共重慶市委…辦公室 that is the registry's alt_label, a short name the text defines for it).
Kept free of pytest assertions so that ``python -m tests.pipeline.extract.entity_scoring``
prints the table.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from graph.curation.registry import Entity, load_registry, match_key
from graph.model import Candidate, Mention
from graph.pipeline import ingest, segment, sources
from graph.pipeline.extract import candidates, entities

ROOT = Path(__file__).resolve().parents[3]
ARTICLES = ROOT / "tests" / "fixtures" / "articles"


@dataclass(frozen=True, slots=True)
class EntityScore:
    fixture: str
    gold: int
    found: int  # gold rows found by curated or candidate mentions
    gold_open: int  # gold rows the registry does not know
    found_open: int  # of those, found by a candidate
    candidates: int
    right: int  # candidates equal to a gold row
    wrong: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def candidate_precision(self) -> float:
        return self.right / self.candidates if self.candidates else 1.0

    @property
    def open_recall(self) -> float:
        return self.found_open / self.gold_open if self.gold_open else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


def read_entities(path: Path) -> list[tuple[str, str]]:
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rows = [r for r in rows if not r[0].startswith("#")]
    assert rows[0] == ["label", "class"], path
    return [(r[0], r[1]) for r in rows[1:]]


def extract(
    directory: Path, registry: dict[str, Entity]
) -> tuple[list[Candidate], list[Mention], list[Mention]]:
    """Candidates, every mention, and the curated matcher's own mentions."""
    doc = sources.load_source(directory)
    clean = ingest.run(doc)
    seg = segment.run(clean)
    curated, _ = entities.run(clean, seg, registry)
    cands, mentions, _ = candidates.run(clean, seg, registry, curated, area=doc.area)
    return cands, mentions, curated


def score_dir(directory: Path, registry: dict[str, Entity] | None = None) -> EntityScore:
    registry = registry if registry is not None else load_registry()
    gold = read_entities(directory / "entities.tsv")
    cands, mentions, curated = extract(directory, registry)
    by_id = {c.id: c for c in cands}
    forms: dict[tuple[str, str], set[str]] = {}  # (key, class) -> entity ids
    opened: set[tuple[str, str]] = set()  # (key, class) found by the open-world stage
    matched = set(curated)
    for m in mentions:
        ent = registry.get(m.entity_id)
        cand = by_id.get(m.entity_id)
        cls = ent.cls if ent else cand.cls if cand else ""
        keys = {match_key(m.surface).strip("“”「」《》")}
        if ent:
            keys |= {match_key(s) for s in ent.surfaces}
        if cand:
            keys.add(match_key(cand.label))
        for k in keys:
            forms.setdefault((k, cls), set()).add(m.entity_id)
            if cand or m not in matched:
                opened.add((k, cls))
    curated_keys = {(match_key(s), e.cls) for e in registry.values() for s in e.surfaces}
    gold_keys = {(match_key(label), cls) for label, cls in gold}
    found = [g for g in gold if (match_key(g[0]), g[1]) in forms]
    open_rows = [g for g in gold if (match_key(g[0]), g[1]) not in curated_keys]
    found_open = [g for g in open_rows if (match_key(g[0]), g[1]) in opened]
    right, wrong = 0, []
    for c in cands:
        surfaces = {match_key(c.label)} | {
            match_key(m.surface).strip("“”「」《》") for m in mentions if m.entity_id == c.id
        }
        if any((s, c.cls) in gold_keys for s in surfaces):
            right += 1
        else:
            wrong.append(f"{c.label} ({c.cls}, {c.rule})")
    missed = tuple(f"{label} ({cls})" for label, cls in gold if (label, cls) not in found)
    return EntityScore(
        directory.name,
        len(gold),
        len(found),
        len(open_rows),
        len(found_open),
        len(cands),
        right,
        tuple(wrong),
        missed,
    )


def fixture_dirs() -> list[Path]:
    return sorted(p for p in ARTICLES.iterdir() if (p / "entities.tsv").is_file())


def main() -> None:
    registry = load_registry()
    total = [0] * 6
    for d in fixture_dirs():
        s = score_dir(d, registry)
        print(
            f"{s.fixture}: gold {s.gold}, found {s.found} (recall {s.recall:.2f}); "
            f"open {s.gold_open}, found by candidates {s.found_open} "
            f"(recall {s.open_recall:.2f}); candidates {s.candidates}, right {s.right} "
            f"(precision {s.candidate_precision:.2f})"
        )
        if "-v" in sys.argv:
            print("   wrong:", ", ".join(s.wrong) or "-")
            print("   missed:", ", ".join(s.missed) or "-")
        for i, v in enumerate((s.gold, s.found, s.gold_open, s.found_open, s.candidates, s.right)):
            total[i] += v
    g, f, go, fo, c, r = total
    print(
        f"all: recall {f / g:.3f} ({f}/{g}); open-world recall {fo / go:.3f} ({fo}/{go}); "
        f"candidate precision {r / c if c else 1:.3f} ({r}/{c})"
    )


if __name__ == "__main__":
    main()
