"""Rule-based extraction of the report's figures into ``Observation`` objects.

``run(clean, seg, mentions) -> (observations, findings)``. Rules, not a table of expected
numbers, written once for both scripts: the number grammar lives in
:mod:`graph.pipeline.extract.numbers` (units, multipliers and qualifier markers from
``graph/curation/units.yaml`` and ``qualifiers.yaml``), the rank/tier/growth/non-figure rules
in :mod:`graph.pipeline.extract.values` (words from ``graph/curation/grammar.yaml``), all matched on
``fold_aligned(text)`` (same length as the text, so every offset is a source offset);
indicator English labels come from ``graph/curation/indicators.yaml``.

What counts as a figure (see :mod:`graph.pipeline.extract.values` for each rule)
    Every Arabic-digit number not excluded below becomes an observation: a quantity
    (``2362萬人`` / ``2362万人``, ``10省市`` - a number directly before a counted noun counts
    even with no measure word -, ranges ``10-20個`` with ``value_max``, fractions ``約1/3``,
    ``1,234.5萬元``, ``500 TB``, ``2.5億G``, and compound Chinese-numeral counts
    ``三十一個``), a growth (a growth word of grammar.yaml before the number: 增長, 同比增長,
    增速, 提升, ... ; 下降/減少 give a negative value; ``個百分點`` and ``倍`` are units;
    ``翻一番`` = 2 倍; a comparison base 較2021年底 is grammar, not the indicator; a gap in
    ``個百分點`` after 高於/低於 is a growth in points that grows no figure, of a growth rate,
    增速高於全國, or of a level, 普及率高於全市; a cell of a flattened table's column headed
    by a growth word, ``項目｜數值｜按年增長``, grows its row's value cell), a rank
    (``第N`` / ``第N位``, Arabic or Chinese numeral, after a scope word or a rank verb or a
    ranked population: 在全國31個省(區、市)中排名第9位 -> rank 9, ``rank_of`` 31, scope
    place/china; ``榜首``/``首位`` = rank 1, its scope the first scope word in the list's name,
    國家 = national; ``前十`` after a scope or verb = rank 10, qualifier at-most) or a tier
    (``第N梯隊``; value None, ``tier`` = N). ``累計`` before an unqualified number makes it
    ``cumulative``. A position with no number (前列, 第一方陣) is an INFO finding.

Values and units
    ``value`` is a Decimal with the multiplier applied (2296.6億元 -> 229660000000, unit 元);
    percentages stay percent numbers. ``unit`` is the curated measure word (``個`` for 个),
    without the multiplier; a figure written with no measure word keeps unit "" rather than
    a guessed one (43萬 users, 266.3億 resolutions, 農產品網絡零售額突破208億 - yuan is
    implied, not written). ``stated_value`` is the literal from the first non-exact qualifier
    marker to the unit or suffix marker (超 5000款, 3000余萬張, 90%以上); 達 is grammar and
    stays outside it.

What does not count (each a named exclusion, counted in the accounting, never a silent drop)
    * dates and times: ``2023年``, ``(12)日``, ``2024-10-12 18:08:15``, and a bare 4-digit
      year 1900-2099 with no unit or multiplier (``2023中國國際智能產業博覽會``);
    * names: digits inside 《…》 titles (``(2023)``, ``100問``), digits joined to Latin letters
      (5G, IPv6, GPT-4, V2V, 5G-A, 10G-PON), a quotation that is only digits (“33618”) and a
      service number (12345熱線); ids and phone numbers (023-12345678, 7+ bare digits);
    * event ordinals (``第3屆``, 第六屆) and the population of a rank (the 31 above);
    * headline lines (the title line, 原標題:…, ``segment.non_statements``): a number the
      body restates is excluded, any other one is a WARNING;
    * enumeration counts: a count that equals the number of 、-joined items written right
      before it (``適應力、勝任力、創造力3種能力``, ``4大應用場景``): the items are the facts;
    * ``連續N年`` is not a figure of its own: it becomes ``duration_years`` of the rank it
      qualifies;
    * a single Chinese digit before a measure word (一個, 兩項) and Chinese numerals outside
      ranks, tiers, counts and ``N項指標`` are parts of names or prose (一網兩線, 天目一號,
      二十大, 兩級管理, 三級貫通, 五級).
    Any digit run left over after observations and exclusions is a ``Finding`` WARNING with
    its span.

Clauses and indicator labels
    A sentence (split on 。；;!?！？ and newlines) is cut into clauses at ,，、;；
    outside “…”, 《…》 and (…); quoted speech (a quote with a clause comma inside, or not
    closed in the sentence) is cut like any text, a quoted name (“一表申請、一網通辦”) is not.
    The indicator label is the measured noun phrase: the part of the clause before the value
    (the subject) and, when the number is followed by a counted noun
    (``10個國家級“千兆城市”``), the noun after it, joined, each trimmed by the word lists
    of ``graph/curation/labels.yaml`` (written once, matched on the aligned
    folded text, cut from the source so the label keeps the source's script; see
    :mod:`graph.pipeline.extract.indicators`). Trimmed at the start: everything up to ``對``
    (``重慶市民對X滿意度`` -> X滿意度), area words (listed with their areas in
    ``periods.yaml``; not the 重慶 of 重慶市民), time and "as of" context (截至2022年底,
    2023年, 去年), 據…顯示, discourse and aggregation words (其中, 累計, 已, 共), comparison
    bases (較2021年底), an actor with a light verb that only states creation or gathering
    (高校建成X, “城市大腦”歸集X, 全市受理X), a platform before 累計 (“X”平台累計註冊用戶),
    a plan's light words (計劃, 力爭); an opening verb (新建, 歸集) stays when only an area or
    a period stands before it (全年新建光纜線路 is a flow), and so does 新增 (a count of new
    items is its own statistic, docs/decisions/0012). Trimmed at the end (first, so a leading
    rule never sees the verb before the value): linking and standing verbs (達, 為, 保持在,
    提升至, 力爭), 均, 中, a from-to frame (由上年的…回落至), a comparison the value belongs
    to (天津的普及率高於重慶的78.1%), and for ranks everything from the rank verb on. The
    counted noun loses a magnitude the grammar missed, a leading 的 or currency (億元人民幣),
    whatever follows 納入/入選
    or a level verb (回落至), and is dropped when it is a single measure word (9.6萬路). Verbs that
    name the measured activity stay (約談網站 and 關停網站 are two indicators); names stay in
    the label (“渝快辦”服務) so a label never depends on the entity registry, and so does
    a platform or exchange before its statistic (政務服務平台註冊用戶, 黔中數據交易中心交易額:
    the gold of fixtures a, d, f, h2 and h4; h11's blind gold drops it, an open question
    recorded in its BELOW_TARGET entry). Only 累計 after a platform's class noun or its quoted
    name drops the platform (that 累計 qualifies what the platform counts). Quotation marks
    around the value itself are dropped (成渝“5毫秒”城市圈 -> 成渝城市圈). Headline, 原標題,
    dateline and credit lines (``segment.non_statements``) hold no statements.

Shared statements
    * ``A、B,兩項指標排名全國第1``: one observation per named indicator (the N value-less
      clauses before it), all with the same value span.
    * ``A、B均達 100%``: the same for the value-less 、-joined clauses before ``均``.
    * ``A和B分別達到144個、958個``: one name per value, in order (:mod:`values_parallel`).
    * ``排名前三位的依次是A、B和C``: one rank row per listed place, its position the rank and
      its name the stated value (:mod:`values_sequence`); 分別 values after it are the places'.
    * A clause with no subject (``位居第一梯隊``, ``西部第 1``, ``增長194.4%``) or one that
      only points back (這一數字, 規模, 數量, 平均水平) takes the indicator of the previous
      observation of the sentence (a dimension word, 規模, the nearest statistic ending in
      it); a comparison opening the clause (高於全市平均水平（21.8個）, 低於全國75.4%的平均水平)
      is no subject either: the value is the compared place's figure of that statistic;
      a share or rate of it (``占比``, ``增速``, ``占…的比重``)
      is prefixed with it (``IPv6用戶連接總數占比``, ``標識解析量增速``; a share with no base
      noun keeps its area, ``占全國比重``; a share's base is the last figure that is no growth,
      so a rate gap between them is skipped); a growth noun before 個百分點 is the change of the
      rate itself (``增速高於全國2.3個百分點`` -> 數字經濟規模增速).
    * The first figure of a sentence with no subject takes the statistic an earlier value-less
      clause names (``對全市38個區縣的數字化發展水平進行了評估,渝北區排名第2位``,
      ``5G基站總量上,重慶為10.2萬個``, and a growth with no figure before it,
      ``X的增速有所放緩,按年增長13.2%``; frames in labels.yaml ``named_statistic``).
    * ``2個千億元級、6個百億元級數字產業集群``: a count whose noun is a bare modifier (…級)
      before a 、 takes the head noun of the 、-joined count after it.
    * ``X和Y`` inside one clause: Y shares X's subject (``賦能300余家金融機構和1.9億用戶``).

Growth, repetitions, refinements, about
    * A growth clause without its own subject grows the nearest preceding quantity of the
      sentence: ``growth_of`` = its index and the indicator is the same; with its own subject
      (``軟件著作權量增長超26%``) ``growth_of`` is None.
    * The same figure stated twice (網民數量 2362萬人) gives two observations with their own
      spans; ``assemble`` merges them (same indicator, kind, value, unit, qualifier, rank,
      scope).
    * A later exact figure of the same indicator, kind and unit that is consistent with an
      earlier bounded one (超74% then 74.01%) gets ``refines`` = the earlier one's index.
    * ``about`` = the platform/project/company/product mention nearest before the value in
      its clause, else the first one in the counted noun after it, else (when only a 、
      separates it from the previous figure of the sentence) the previous figure's ``about``:
      a 、-list continues with the same subject (渝快辦 … 2637萬人、辦件量達2.7億件).

Where the rules live: the clause reader and the label cuts in
:mod:`graph.pipeline.extract.metrics_clauses`, the drafts of a sentence's figures in
:mod:`graph.pipeline.extract.metrics_drafts`, the shared statements in
:mod:`graph.pipeline.extract.metrics_shared`, what is reported instead of dropped in
:mod:`graph.pipeline.extract.metrics_findings`, the sorted observations and their ``about`` in
:mod:`graph.pipeline.extract.metrics_finish`; this module runs them over the text.

Output is sorted by (begin, value_begin, indicator); ``growth_of``/``refines`` are indexes
into that sorted list. ``begin``/``end`` span the statement (indicator .. value).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from graph.model import CleanText, Finding, Level, Mention, Observation, Segmentation
from graph.model import InputError as InputError  # re-exported: load_indicators raises it
from graph.pipeline import segment
from graph.pipeline.extract import (
    indicators,
    numbers,
    values,
    values_carried,
    values_exclusions,
    values_parallel,
    values_sequence,
)
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import CLAUSE_SEPS, DIGIT_RUN, SPACES, _Draft
from graph.pipeline.extract.metrics_drafts import unit_drafts
from graph.pipeline.extract.metrics_findings import (
    _consistent,
    _exclude_non_statements,
    _indicator_findings,
    _leftover_findings,
)
from graph.pipeline.extract.metrics_finish import finish

STAGE = "extract.metrics"
INDICATORS_FILE = indicators.INDICATORS_FILE
load_indicators = indicators.load_indicators


# ---------------------------------------------------------------- exclusions


def exclusions(text: str, g: numbers.Grammar, folded: str | None = None) -> dict[int, str]:
    """Digit-run start -> reason, for every number that is documented as not a figure."""
    return values_exclusions.exclusions(text, g, folded, CLAUSE_SEPS, SPACES)


# ---------------------------------------------------------------- run


@dataclass(frozen=True, slots=True)
class Accounting:
    """Where every number of the text went: ``digit_runs == in_figures + excluded + warned``.

    The build prints this reconciliation so "nothing silently dropped" is a checked sum, not
    a promise (docs/security.md #26: input units == emitted + quarantined).
    """

    digit_runs: int
    in_figures: int
    excluded: dict[str, int]  # reason -> count
    warned: int

    @property
    def balanced(self) -> bool:
        return self.digit_runs == self.in_figures + sum(self.excluded.values()) + self.warned


def run(
    clean: CleanText, seg: Segmentation, mentions: list[Mention]
) -> tuple[list[Observation], list[Finding]]:
    """Extract every figure of ``clean.text`` (see the module docstring for the rules)."""
    observations, findings, _ = run_with_accounting(clean, seg, mentions)
    return observations, findings


def run_with_accounting(
    clean: CleanText, seg: Segmentation, mentions: list[Mention]
) -> tuple[list[Observation], list[Finding], Accounting]:
    """``run`` plus the reconciliation of every digit run in the text."""
    text = clean.text
    g = numbers.grammar()
    folded = fold_aligned(text)
    excluded = exclusions(text, g, folded)
    skip = segment.non_statements(text)
    _exclude_non_statements(text, skip, excluded)
    findings: list[Finding] = []
    drafts: list[_Draft] = []
    units = segment.sentence_spans(
        text, marks=segment.SENTENCE_MARKS | {"\n"}, nested=False, with_mark=False, trim=False
    )
    for ub, ue in units:
        if any(b <= ub and ue <= e for b, e, _ in skip):
            continue  # headline, 原標題, dateline, credits: not statements
        # the paragraph's last figure so far: a sentence opening with 同一指標, may point back
        carried = drafts[-1] if drafts and "\n" not in text[drafts[-1].end : ub] else None
        drafts.extend(unit_drafts(text, ub, ue, g, excluded, findings, folded, carried))
    for vb, ve in values.vague_ranks(folded):
        rb, re_ = clean.raw_span(vb, ve)
        findings.append(
            Finding(
                Level.INFO,
                STAGE,
                "rank-without-number",
                f"{text[vb:ve]!r} states a position with no number: not a figure",
                clean.source_id,
                vb,
                ve,
                rb,
                re_,
            )
        )

    # refinements: a later exact figure consistent with an earlier bounded one
    for j, d in enumerate(drafts):
        if d.kind != "quantity" or d.val.qualifier != "exact":
            continue
        for i in range(j - 1, -1, -1):
            e = drafts[i]
            if (
                e.indicator == d.indicator
                and e.kind == d.kind
                and e.val.unit == d.val.unit
                and e.val.qualifier != "exact"
                and e.val.value != d.val.value
                and _consistent(e.val, d.val)
            ):
                d.refines = e
                break

    observations = finish(clean, seg, mentions, drafts)
    # 依次是A、B和C: ranks stated by a list of places (before 分别 pairs values with them)
    spans = [(b, e) for b, e, _ in skip]
    observations = values_sequence.ranks(text, folded, observations, mentions, spans, seg)
    observations, paired = values_parallel.apply(text, folded, observations)  # 分别, sentence-wide
    observations = values_carried.parallel_ranks(observations, seg)  # …；四川排名第6位
    findings.extend(paired)
    findings = [f if f.source_id else replace(f, source_id=clean.source_id) for f in findings]
    leftovers = _leftover_findings(clean, drafts, excluded)
    findings.extend(leftovers)
    findings.extend(_indicator_findings(clean.source_id, observations))
    used = {b for d in drafts for b, _ in (*d.val.digits, *d.extra_digits)}
    runs = [m.start() for m in DIGIT_RUN.finditer(text)]
    reasons: dict[str, int] = {}
    for b in runs:
        if b not in used and b in excluded:
            reasons[excluded[b]] = reasons.get(excluded[b], 0) + 1
    accounting = Accounting(
        digit_runs=len(runs),
        in_figures=sum(1 for b in runs if b in used),
        excluded=dict(sorted(reasons.items())),
        warned=len(leftovers),
    )
    return observations, findings, accounting
