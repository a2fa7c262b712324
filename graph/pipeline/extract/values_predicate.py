"""A predicate clause names the subject of the clause after it.

Real coverage often states a subject and how it went in one clause, then its figures in the
next one with no subject of their own: ``全市网民规模和互联网普及率持续增长，分别达到2410万人和
75.3%`` / ``IPv6流量占比稳步提升，超过四成`` / ``全市数字经济持续壮大，规模达到1.2万亿元``.
Read clause by clause, those figures had no indicator (or the respectively word or the bare head
noun as one). The first clause ends in a predicate (labels.yaml ``predicate_adverbs``, optional,
then ``predicate_verbs``, then an optional aspect particle 了) and has no figure; what stands
before the predicate, trimmed as a subject, is the statistic the next clause measures.

A bare generic head noun (labels.yaml ``generic_heads``: 规模, 总数 ...) as a whole subject
names a dimension of that subject (数字经济 + 规模); after a count of new items with no
predicate clause (今年新增移动通信基站1.1万个，总数达到9.6万个), a total (``total_heads``)
is of the items, not of the new ones: the flow word goes (移动通信基站总数; decision 0012
keeps 新增 on the flow itself). 规模 / 数量 there still point back to the new items.
"""

from __future__ import annotations

import re

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import indicators
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import SPACES, _clean_left, _strip

#: what ends a clause (a predicate clause is the one right before the figure's clause)
CLAUSE_END = "。！？!?\n,，;；:："
# a digit run not joined to a Latin letter (IPv6, 5G and F5G are names, not numbers)
_FIGURE_DIGITS = re.compile(r"(?<![a-z\d.])\d+(?![a-z\d])")


def predicate_subject(ft: str, b: int, e: int) -> tuple[int, int] | None:
    """The trimmed subject of the clause ``ft[b:e]`` when it ends in a predicate, else None."""
    rules = indicators.label_rules()
    b, e = _strip(ft, b, e)
    particle = next((p for p in gw.words().growth_particles if ft.endswith(p, b, e)), "")
    e -= len(particle)  # 持续增长了: the aspect particle (grammar.yaml growth.particles)
    degree = next((c for c in rules.predicate_complements if ft.endswith(c, b, e)), "")
    e -= len(degree)  # 增长最快: a complement of degree after the verb
    verb = next((v for v in rules.predicate_verbs if ft.endswith(v, b, e)), "")
    if not verb:
        return None
    e -= len(verb)
    adverb = next((a for a in rules.predicate_adverbs if ft.endswith(a, b, e)), "")
    e -= len(adverb)
    if _FIGURE_DIGITS.search(ft, b, e):
        return None  # a clause with a number of its own (not IPv6, 5G) is no predicate clause
    sb, se = _clean_left(ft, b, e)
    return (sb, se) if se - sb >= 2 else None


def subject_before(ft: str, clause_b: int) -> tuple[int, int] | None:
    """The subject of the predicate clause right before the clause opening at ``clause_b``
    (same sentence: the separator before ``clause_b`` is a comma), or None."""
    found = clause_before(ft, clause_b)
    return found[1] if found is not None else None


def clause_before(ft: str, clause_b: int) -> tuple[int, tuple[int, int]] | None:
    """(where the predicate clause before ``clause_b`` starts, its trimmed subject), or None:
    the start lets a figure's statement run over that clause, so the place opening it (贵州千兆
    宽带用户增长最快，同比增长近六成) is the figure's area."""
    sep = clause_b - 1
    while sep >= 0 and ft[sep] in SPACES:
        sep -= 1
    if sep < 0 or ft[sep] not in ",，":
        return None
    b = max(ft.rfind(ch, 0, sep) for ch in CLAUSE_END) + 1
    subject = predicate_subject(ft, b, sep)
    return (b, subject) if subject is not None else None


def is_generic_head(label: str) -> bool:
    """True when ``label`` is only a generic head noun (规模, 总数)."""
    return fold_aligned(label.strip(SPACES)) in indicators.label_rules().generic_heads


def without_flow_word(label: str) -> str | None:
    """``新增移动通信基站`` -> ``移动通信基站`` (in the label's script), or None without one."""
    folded = fold_aligned(label)
    word = next((w for w in indicators.label_rules().flow_words if folded.startswith(w)), "")
    rest = label[len(word) :].strip(SPACES) if word else ""
    return rest if len(rest) >= 2 else None


def subject_label(
    text: str, ft: str, label: str, clause_begin: int, prev_indicator: str | None
) -> str | None:
    """The indicator of a figure whose subject is empty or only a generic head, or None.

    With no figure before it in the sentence (``prev_indicator`` None) the subject is the
    predicate clause's before its clause (稳步提升，超过四成; 持续壮大，规模达到…: subject +
    head); after a count of new items, a total head (labels.yaml ``total_heads``) is the total
    of the items (总数 after 新增移动通信基站 -> 移动通信基站总数).
    """
    head = label.strip(SPACES)
    if head and not is_generic_head(head):
        return None
    if prev_indicator is None:
        span = subject_before(ft, clause_begin)
        return text[span[0] : span[1]] + head if span is not None else None
    total = fold_aligned(head) in indicators.label_rules().total_heads
    stock = without_flow_word(prev_indicator) if total else None
    return stock + head if stock is not None else None
