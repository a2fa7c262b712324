"""The fixture articles and the scorer every extractor change is measured against.

``tests/fixtures/articles/<id>/`` holds articles the team wrote in the genre's style (invented
figures), each with a hand-read ``gold.tsv`` (see ``tests/fixtures/articles/README.md``).
This module loads them, runs the real pipeline on one source folder (``extract_figures``) and
compares the observations with the gold rows field by field (``score``).

Matching is by span, never by value: a gold row's span is the ``occ``-th occurrence of its
``stated_value`` in the clean text, and it pairs with the observation whose value span
overlaps it most. A right number read from the wrong place is therefore a miss, and a figure
with a wrong value still pairs (so the per-field table says *which* field is wrong).

Kept free of pytest so ``scripts/score_fixtures.py`` can print the same numbers.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import shutil
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from graph.curation.registry import load_registry
from graph.model import Finding, Mention, Observation, SourceDocument
from graph.pipeline import sources
from graph.pipeline.run import extract_bundle
from graph.text import fold, to_hans

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "tests" / "fixtures" / "articles"
SEED_SOURCES = REPO / "graph" / "sources"
SEED_ID = "hualong-2024-10-12-cq-internet-report-2023"

GOLD_COLUMNS = (
    "id",
    "stated_value",
    "occ",
    "indicator",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "kind",
    "rank",
    "rank_scope",
    "rank_of",
    "tier",
    "period",
    "area",
    "growth_of",
)
# The qualifier ids a gold row may use (graph/curation/qualifiers.yaml plus the two the
# open-world round adds: at-most 以下/以內/不超過 and cumulative 累計 with no other marker).
QUALIFIERS = frozenset(
    {
        "exact",
        "more-than",
        "at-least",
        "approximately",
        "more-than-approximately",
        "nearly",
        "at-most",
        "cumulative",
    }
)
KINDS = frozenset({"quantity", "growth", "rank", "tier"})
ENTITY_CLASSES = frozenset(
    {"agency", "company", "person", "platform", "project", "product", "place", "document", "event"}
)
# Fields compared per matched pair, in table order. The acceptance fields of issue 7 are
# ACCEPTANCE_FIELDS; the others are reported too.
FIELDS = (
    "kind",
    "value",
    "value_max",
    "unit",
    "qualifier",
    "period",
    "area",
    "rank",
    "rank_scope",
    "rank_of",
    "tier",
    "indicator",
)
ACCEPTANCE_FIELDS = ("kind", "value", "unit", "qualifier", "period", "indicator")
FRACTION_TOLERANCE = Decimal("0.0001")


# ---------------------------------------------------------------- gold files


@dataclass(frozen=True, slots=True)
class GoldRow:
    """One hand-read figure; every cell kept as written (``""`` = empty)."""

    id: str
    stated_value: str
    occ: int
    indicator: str
    value: str
    value_max: str
    unit: str
    qualifier: str
    kind: str
    rank: str
    rank_scope: str
    rank_of: str
    tier: str
    period: str
    area: str
    growth_of: str


@dataclass(frozen=True, slots=True)
class Fixture:
    """One fixture folder: manifest, raw and gold texts, gold figures and entities."""

    id: str
    directory: Path
    doc: SourceDocument
    raw_text: str
    #: the text the gold offsets refer to: ``expected_clean.txt`` when the raw is damaged,
    #: else the raw text itself
    gold_text: str
    damaged: bool
    gold: tuple[GoldRow, ...]
    entities: tuple[tuple[str, str], ...]


def fixture_ids(root: Path = ARTICLES) -> list[str]:
    """Every fixture folder (sorted): a directory holding a ``source.toml``."""
    return sorted(p.name for p in root.iterdir() if (p / "source.toml").is_file())


def _data_lines(path: Path) -> list[str]:
    """The TSV lines after the leading ``#`` comment block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return lines


def read_gold(path: Path) -> list[GoldRow]:
    """Parse a ``gold.tsv``; a wrong header or a short row raises ``ValueError`` naming it."""
    lines = _data_lines(path)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(header) != GOLD_COLUMNS:
        raise ValueError(f"{path}: header must be {GOLD_COLUMNS}, got {header}")
    rows = []
    for n, cells in enumerate(reader, start=2):
        if len(cells) != len(GOLD_COLUMNS):
            raise ValueError(f"{path}: data line {n} has {len(cells)} cells, not 16")
        data = dict(zip(GOLD_COLUMNS, cells, strict=True))
        rows.append(GoldRow(**{**data, "occ": int(data["occ"])}))  # type: ignore[arg-type]
    return rows


def read_entities(path: Path) -> list[tuple[str, str]]:
    lines = _data_lines(path)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != ["label", "class"]:
        raise ValueError(f"{path}: header must be label<TAB>class, got {header}")
    return [(cells[0], cells[1]) for cells in reader]


def load_fixture(fixture_id: str, root: Path = ARTICLES) -> Fixture:
    directory = root / fixture_id
    doc = sources.load_source(directory)
    raw_text = doc.raw_bytes.decode("utf-8")
    expected = directory / "expected_clean.txt"
    damaged = expected.is_file()
    gold_text = expected.read_text(encoding="utf-8") if damaged else raw_text
    return Fixture(
        id=fixture_id,
        directory=directory,
        doc=doc,
        raw_text=raw_text,
        gold_text=gold_text,
        damaged=damaged,
        gold=tuple(read_gold(directory / "gold.tsv")),
        entities=tuple(read_entities(directory / "entities.tsv")),
    )


def gold_span(text: str, row: GoldRow) -> tuple[int, int] | None:
    """``[begin, end)`` of the ``occ``-th occurrence (overlaps counted) of the stated value."""
    pos = -1
    for _ in range(row.occ):
        pos = text.find(row.stated_value, pos + 1)
        if pos < 0:
            return None
    return pos, pos + len(row.stated_value)


# ---------------------------------------------------------------- the pipeline


@dataclass(slots=True)
class Figures:
    """What the pipeline extracted from one source folder (clean-text offsets)."""

    doc: SourceDocument
    text: str
    observations: list[Observation]
    findings: list[Finding] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


_LOADED: dict[str, Any] = {}


def _registry() -> Any:
    if not _LOADED:
        _LOADED["registry"] = load_registry()
    return _LOADED["registry"]


def extract_figures(source_dir: Path) -> Figures:
    """Run the build's per-document stages on one source folder.

    sources -> ingest -> segment -> entities -> metrics (-> relations), through
    ``graph.pipeline.run.extract_bundle``, the very function the build calls, so the context step
    (area from the manifest, period from the text or edition) is included and what is scored
    is what the build would publish, whatever the stages' own signatures become.
    """
    doc = sources.load_source(Path(source_dir))
    bundle = extract_bundle(doc, _registry())
    x = bundle.extraction
    return Figures(
        doc=doc,
        text=bundle.clean.text,
        observations=list(x.observations),
        findings=list(x.findings),
        mentions=list(x.mentions),
    )


# ---------------------------------------------------------------- alignment


def _char_fold(text: str) -> str:
    """One character per character: script- and width-folded, so offsets stay put."""
    return "".join((fold(ch) or ch)[0] for ch in text)


def aligner(src: str, dst: str) -> Callable[[int], int | None]:
    """Map an offset in ``src`` to the same character in ``dst`` (None if it has none).

    The identity when the texts are equal; otherwise a ``difflib`` alignment of the two
    texts folded character by character (so a traditional text aligns with its simplified
    conversion, and a gold text with a cleaner output that differs in a few places).
    """
    if src == dst:
        return lambda i: i
    table: dict[int, int] = {}
    sm = difflib.SequenceMatcher(None, _char_fold(src), _char_fold(dst), autojunk=False)
    for a, b, size in sm.get_matching_blocks():
        for k in range(size):
            table[a + k] = b + k
    return table.get


# ---------------------------------------------------------------- scoring


def _dec(cell: str) -> Decimal | None:
    if cell == "":
        return None
    try:
        return Decimal(cell)
    except InvalidOperation:
        raise ValueError(f"not a decimal: {cell!r}") from None


def _int(cell: str) -> int | None:
    return int(cell) if cell else None


def is_fraction(stated_value: str) -> bool:
    """A stated fraction (约1/3, 超过三分之一): its value is compared with a tolerance.

    百分之十二 and 千分之三 are a percentage and a per-mille written in words (value 12, unit %),
    not fractions: they line up with 12% from another outlet, as 一成 does (fixture h11)."""
    return "/" in stated_value or (
        "分之" in stated_value and not any(w in stated_value for w in ("百分之", "千分之"))
    )


def _same_number(gold: Decimal | None, got: Decimal | None, fraction: bool) -> bool:
    if gold is None or got is None:
        return gold is None and got is None
    if fraction:
        return abs(gold - got) <= FRACTION_TOLERANCE
    return gold == got


def is_wrong_magnitude(gold: Decimal | None, got: Decimal | None) -> bool:
    """True when ``got`` is ``gold`` times a power of ten other than 1 (2362 for 2362萬)."""
    if gold is None or got is None or gold == 0 or got == 0 or gold == got:
        return False
    ratio = (got / gold).normalize()
    sign, digits, _ = ratio.as_tuple()
    return sign == 0 and digits == (1,)


def _got(o: Observation, name: str, default_area: str) -> Any:
    if name == "area":
        return o.area or default_area
    value = getattr(o, name)
    return "" if value is None else value


def field_matches(row: GoldRow, o: Observation, name: str, default_area: str = "") -> bool:
    """Does observation ``o`` agree with gold ``row`` on field ``name``?"""
    fraction = is_fraction(row.stated_value)
    got = _got(o, name, default_area)
    if name == "value":
        return _same_number(_dec(row.value), o.value, fraction)
    if name == "value_max":
        return _same_number(_dec(row.value_max), o.value_max, fraction)
    if name in ("rank", "rank_of"):
        return _int(getattr(row, name)) == (got if got != "" else None)
    if name in ("unit", "indicator"):
        return fold(getattr(row, name)) == fold(str(got))
    return str(getattr(row, name)) == str(got)


@dataclass(slots=True)
class Pair:
    gold: GoldRow
    span: tuple[int, int] | None  # in the observations' text; None = not found there
    obs: Observation | None
    wrong: tuple[str, ...] = ()  # fields that disagree


@dataclass(slots=True)
class Score:
    """Per-field precision/recall: a figure counts for a field when paired and equal there."""

    n_gold: int
    n_obs: int
    pairs: list[Pair]
    unmatched_obs: list[Observation]
    correct: dict[str, int]
    wrong_magnitude: list[Pair]

    @property
    def matched(self) -> int:
        return sum(1 for p in self.pairs if p.obs is not None)

    def precision(self, name: str | None = None) -> float:
        hits = self.matched if name is None else self.correct[name]
        return hits / self.n_obs if self.n_obs else 0.0

    def recall(self, name: str | None = None) -> float:
        hits = self.matched if name is None else self.correct[name]
        return hits / self.n_gold if self.n_gold else 0.0

    @property
    def exact(self) -> int:
        """Pairs right on every field."""
        return sum(1 for p in self.pairs if p.obs is not None and not p.wrong)

    def merged(self, other: Score) -> Score:
        return Score(
            n_gold=self.n_gold + other.n_gold,
            n_obs=self.n_obs + other.n_obs,
            pairs=[*self.pairs, *other.pairs],
            unmatched_obs=[*self.unmatched_obs, *other.unmatched_obs],
            correct={k: self.correct[k] + other.correct[k] for k in FIELDS},
            wrong_magnitude=[*self.wrong_magnitude, *other.wrong_magnitude],
        )


def empty_score() -> Score:
    return Score(0, 0, [], [], dict.fromkeys(FIELDS, 0), [])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(
    gold_rows: Sequence[GoldRow],
    observations: Sequence[Observation],
    text: str,
    gold_text: str | None = None,
    default_area: str = "place/chongqing",
) -> Score:
    """Pair gold rows with observations by span and compare them field by field.

    ``text`` is the text the observations' offsets refer to (the cleaner's output);
    ``gold_text`` the one the gold ``occ`` refers to, when different (``expected_clean.txt``
    of a damaged article): gold spans are carried over by ``aligner``. Pairing is one to one,
    largest overlap first (ties: same kind first, then text order).
    """
    to_obs = aligner(gold_text, text) if gold_text is not None else (lambda i: i)
    source = gold_text if gold_text is not None else text
    spans: list[tuple[int, int] | None] = []
    for row in gold_rows:
        s = gold_span(source, row)
        if s is None:
            spans.append(None)
            continue
        b, e = to_obs(s[0]), to_obs(s[1] - 1)
        spans.append(None if b is None or e is None else (b, e + 1))
    candidates = []
    for gi, (row, s) in enumerate(zip(gold_rows, spans, strict=True)):
        if s is None:
            continue
        for oi, o in enumerate(observations):
            ov = _overlap(s, (o.value_begin, o.value_end))
            if ov:
                candidates.append((-ov, o.kind != row.kind, gi, oi))
    candidates.sort()
    paired: dict[int, int] = {}
    used: set[int] = set()
    for _, _, gi, oi in candidates:
        if gi not in paired and oi not in used:
            paired[gi] = oi
            used.add(oi)
    pairs: list[Pair] = []
    correct = dict.fromkeys(FIELDS, 0)
    wrong_magnitude: list[Pair] = []
    for gi, row in enumerate(gold_rows):
        if gi not in paired:
            pairs.append(Pair(row, spans[gi], None))
            continue
        got = observations[paired[gi]]
        wrong = tuple(n for n in FIELDS if not field_matches(row, got, n, default_area))
        for n in FIELDS:
            if n not in wrong:
                correct[n] += 1
        pair = Pair(row, spans[gi], got, wrong)
        pairs.append(pair)
        if is_wrong_magnitude(_dec(row.value), got.value):
            wrong_magnitude.append(pair)
    unmatched = [o for oi, o in enumerate(observations) if oi not in used]
    return Score(len(gold_rows), len(observations), pairs, unmatched, correct, wrong_magnitude)


def score_fixture(fixture: Fixture) -> tuple[Score, Figures]:
    """Run the pipeline on a fixture folder and score it against its gold."""
    figures = extract_figures(fixture.directory)
    result = score(
        fixture.gold,
        figures.observations,
        figures.text,
        gold_text=fixture.gold_text,
        default_area=fixture.doc.area,
    )
    return result, figures


# ---------------------------------------------------------------- entities


@dataclass(slots=True)
class EntityScore:
    """Gold entities found as mentions: by span, and with the right class."""

    n_gold: int
    found: list[tuple[str, str]]  # (label, class) covered by a mention
    right_class: list[tuple[str, str]]
    missing: list[tuple[str, str]]

    @property
    def recall(self) -> float:
        return len(self.found) / self.n_gold if self.n_gold else 0.0

    @property
    def class_recall(self) -> float:
        return len(self.right_class) / self.n_gold if self.n_gold else 0.0


def score_entities(
    gold: Sequence[tuple[str, str]],
    mentions: Sequence[Mention],
    text: str,
    gold_text: str | None = None,
) -> EntityScore:
    """A gold entity is found when some mention covers one of its occurrences in the text.

    Its class is right when that mention's entity id starts with the class (registry and
    candidate ids are ``<class>/<slug>``).
    """
    source = gold_text if gold_text is not None else text
    to_text = aligner(source, text) if gold_text is not None else (lambda i: i)
    found: list[tuple[str, str]] = []
    right: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    for label, cls in gold:
        covering: list[Mention] = []
        pos = source.find(label)
        while pos >= 0:
            b, e = to_text(pos), to_text(pos + len(label) - 1)
            if b is not None and e is not None:
                covering += [m for m in mentions if m.begin <= b and e < m.end]
            pos = source.find(label, pos + 1)
        if not covering:
            missing.append((label, cls))
            continue
        found.append((label, cls))
        if any(m.entity_id.split("/", 1)[0] == cls for m in covering):
            right.append((label, cls))
    return EntityScore(len(gold), found, right, missing)


# ---------------------------------------------------------------- the simplified seed


def write_source(
    directory: Path, raw: bytes, manifest: dict[str, str | list[str]], source_id: str
) -> Path:
    """Write ``<directory>/<source_id>/`` (raw.txt + source.toml with the right sha256)."""
    folder = directory / source_id
    folder.mkdir(parents=True, exist_ok=False)
    (folder / "raw.txt").write_bytes(raw)
    data: dict[str, str | list[str]] = {
        **manifest,
        "id": source_id,
        "file": "raw.txt",
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    lines = []
    for key, value in data.items():
        if isinstance(value, list):
            items = ", ".join(_toml_str(v) for v in value)
            lines.append(f"{key} = [{items}]")
        else:
            lines.append(f"{key} = {_toml_str(value)}")
    (folder / "source.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def simplified_seed(directory: Path) -> Path:
    """The seed's raw text converted with OpenCC t2s, as a new source (a simplified repost)."""
    seed_dir = SEED_SOURCES / SEED_ID
    with open(seed_dir / "source.toml", "rb") as fh:
        manifest = tomllib.load(fh)
    manifest.pop("expected", None)
    raw = to_hans((seed_dir / manifest["file"]).read_text(encoding="utf-8"))
    kept = {
        k: (to_hans(v) if isinstance(v, str) else [to_hans(x) for x in v])
        for k, v in manifest.items()
        if k not in ("id", "file", "sha256") and isinstance(v, str | list)
    }
    kept["language"] = "zh-Hans"
    return write_source(directory, raw.encode("utf-8"), kept, f"{SEED_ID}-hans")


@dataclass(slots=True)
class SeedComparison:
    """The seed's observations against those of its simplified conversion."""

    n_seed: int
    n_hans: int
    identical: int
    wrong_magnitude: list[tuple[Observation, Observation]]
    differing: list[tuple[Observation, Observation | None]]

    @property
    def share(self) -> float:
        return self.identical / self.n_seed if self.n_seed else 0.0


def same_figure(a: Observation, b: Observation) -> bool:
    """Equal up to script: kind, value, value_max, qualifier, unit and indicator (folded)."""
    return (
        a.kind == b.kind
        and a.value == b.value
        and a.value_max == b.value_max
        and a.qualifier == b.qualifier
        and fold(a.unit) == fold(b.unit)
        and fold(a.indicator) == fold(b.indicator)
        and a.rank == b.rank
        and a.tier == b.tier
    )


def compare_seed(seed: Figures, hans: Figures) -> SeedComparison:
    """Pair each seed observation with the simplified one at the same (aligned) value span."""
    to_hans_offset = aligner(seed.text, hans.text)
    by_span: dict[tuple[int, int], list[Observation]] = {}
    for o in hans.observations:
        by_span.setdefault((o.value_begin, o.value_end), []).append(o)
    identical = 0
    wrong_magnitude: list[tuple[Observation, Observation]] = []
    differing: list[tuple[Observation, Observation | None]] = []
    for o in seed.observations:
        b, e = to_hans_offset(o.value_begin), to_hans_offset(o.value_end - 1)
        found = by_span.get((b, e + 1), []) if b is not None and e is not None else []
        if not found and b is not None and e is not None:
            found = [
                h for h in hans.observations if _overlap((b, e + 1), (h.value_begin, h.value_end))
            ]
        match = next((h for h in found if same_figure(o, h)), None)
        if match is not None:
            identical += 1
            continue
        other = found[0] if found else None
        differing.append((o, other))
        if other is not None and is_wrong_magnitude(o.value, other.value):
            wrong_magnitude.append((o, other))
    return SeedComparison(
        n_seed=len(seed.observations),
        n_hans=len(hans.observations),
        identical=identical,
        wrong_magnitude=wrong_magnitude,
        differing=differing,
    )


def copy_sources(directory: Path, fixture_dirs: Iterable[Path]) -> Path:
    """A sources folder holding the vendored seed plus the given fixture folders."""
    directory.mkdir(parents=True, exist_ok=True)
    for src in [*sorted(p for p in SEED_SOURCES.iterdir() if p.is_dir()), *fixture_dirs]:
        if src.name.startswith((".", "_")):
            continue
        dst = directory / src.name
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("gold.tsv", "entities.tsv"))
    return directory
