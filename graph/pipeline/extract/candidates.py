"""Open-world entities: names the curated registry does not know, found by rules.

Why rules and not a tagger: every candidate must say which rule found it and where, the
output must be byte-identical across builds, and a wrong entity costs more than a missed one
(it becomes a node with an IRI that users may start to rely on). The rules are data
(``graph/curation/open_world.yaml`` and the titles of ``titles.yaml``), written once in zh-Hant
and matched on a folded copy of the text (``graph.text.fold`` one character at a time, so each
folded character maps back to exactly one clean offset): a zh-Hans source gives the same
candidates at the same offsets as its zh-Hant original.

Rules (``Candidate.rule``), each anchored at a left boundary (start of a clause, punctuation, a
connector word of ``left_context`` or the end of a name already found):

``document-title``
    ``《<title>》``, its edition from a year in parentheses inside or right after it
    (《…報告(2022)》 -> edition 2022). ``(以下簡稱《Y》)`` after it makes 《Y》 a further
    mention of the same document.
``quoted-name``
    ``“<name>”`` classified by its head word (平臺/系統/APP/雲/網 -> platform, 工程/行動/
    計劃/項目/試點/示範 -> project, 專線/熱線 -> product) with at least ``quote_body_min``
    characters before it, or by a head word right after the quote (“X”行動), or as a company
    when 、 joins it to a company name (…有限公司、“山海數科”等). A short quoted phrase with
    no such head is an INFO finding, not an entity; so are the two ends of 從“X”到“Y”
    (``quote_from_words``/``quote_to_words``: a before and an after, not names) and a word
    shorter than ``quote_name_min`` that only a head after it would class (“淨網”專項行動).
    A quote opening with a numeral (``quote_slogan_first``: “一張網”) is a slogan, unless a
    platform noun of ``quote_numeral_heads`` follows it right away (“兩江智辦”平臺).
    A quoted facility (“…智算中心”, ``built_facility_heads``) is a project (``candidates_frames``).
``title-person``
    ``<agency><title>[(兼)]<name>``: a 2-3 character name starting with a known surname and
    ending at a boundary, a speech verb or 先生/女士, after a title of ``titles.yaml`` that
    follows an agency (curated, ``agency-suffix`` or ``institute-suffix``), a company, or a
    short name the text defines (雲嶺數據)總經理…); a title of ``standalone_titles`` (副市長)
    names its body by itself and needs only a left boundary; any title needs no body when a
    verb of saying (``speaker_verbs``) follows the name right away (…編寫組負責人X表示); a unit
    of the agency may stand before the title (…研究院 + 數字經濟研究所 + 所長). A word on a
    surname character (簡要, ``person_not_names``) is no name.
``byline-person`` / ``outlet``
    ``<role>[:： ]<name>`` and further names after it up to a parenthesis or the line end
    (記者 陳某 王某）), also a credit ``文／<name>`` (``credit_roles``, then a slash or a
    bar; 文/圖 X); a name glued to the role only in a wire dateline, before the place and
    day filed (記者彭某臺北26日電, the place a candidate too). The outlet after 來源: at the
    head of a dateline, before a role at the start of its line (海河觀察記者 韓某) or in
    parentheses after it (記者（渝江財經）：), at the head of a wire dateline before its place
    and date (長江社重慶9月19日電; also before a regional edition, …網重慶頻道,
    ``outlet_region_heads``), in 【…日報訊】, at the head of a dated line that goes on to
    a byline, a credit or an account's post marker (烏江晨訊　2024年…　記者 X; …掌訊
    2024-… 發布於重慶, ``outlet_post_markers``), before 訊 at the head of a dispatch
    (…訊（記者 X）), and elsewhere only with an outlet suffix (…日報, …週刊, …雜誌, …網); a
    broadcaster's channel word (…新聞頻道, ``outlet_channels``) is cut off. A place inside an
    outlet's name is its own.
``caption-person``
    ``同期聲：<who>　<name>``: a TV transcript's caption line names its speaker last, after a
    space (``caption_markers``).
``defined-alias``
    ``<name>(以下簡稱“<short>”)`` (or 下稱): every later <short> is a mention of that name's
    entity, a candidate or a curated one (``candidates_aliases``). An agency's everyday short
    name (市大數據局 after 重慶市大數據應用發展管理局: prefix, body head, last character) is the
    one full name of the text it fits, with no definition needed.
``agency-suffix``
    ``<place prefix><body><suffix>`` (市/國家/重慶市/四川省 … + … + 局/委員會/辦公室/廳 …);
    a short further name runs on to the longest suffix (…人民政府新聞 + 辦公室, not 辦). A
    name that ends in its parent body (中共重慶市委) runs on to the committee's full name
    (…網絡安全和信息化委員會辦公室, ``agency_run_on_suffixes``); the 局 of a title (局長) is
    never a second suffix. A name (or its body after the place) that begins with a quantifier
    (全市大部分…中心, ``name_quantifiers``) is none.
``facility-name``
    ``<place or region><body><facility head>`` (西部智算中心, …數據中心集群), or the same right
    after a curated name: a project, as the registry classes its own data-centre cluster;
    also what a build verb makes (投資建設的X智算中心, ``candidates_frames``).
``venue-name``
    An ``agency-suffix`` name ending in a venue head (…國際會議中心, ``venue_heads``) is a
    place: decided so because a venue hosts events and has no officials or documents of its
    own, so as an agency it would collect wrong ``org:`` relations.
``company-suffix``
    ``<name><suffix>`` (…股份有限公司/有限公司/集團/公司/科技, a data exchange …數據交易所/
    …數據交易中心); also after 以 where 為代表 follows (``frame_openers``, ``frame_closers``).
``institute-suffix``
    ``<name><研究院/研究所/研究中心/研究會>`` after a left boundary, no place needed (巴渝數字經濟
    研究院): an agency; a body opening with a kind (數字經濟研究院, 科研院所) is none.
``site-name``
    ``<locative word><name><site head>`` (在永川大數據產業園, 在仙桃數據谷): a named site is a
    place, found only where the text uses it as a location, so a park named as a statistic's
    subject alone (…產業園入駐企業1500家) or a kind of park (數字經濟產業園) is none; its other
    occurrences are mentions of it. So is one a build verb makes (打造的X產業園) and one that
    shares its stem with a facility or site found (X智算中心 … X產業園).
``zone-name``
    ``<stem><zone head>`` (涪陵高新區, 貴陽經開區): a development zone named after its place is
    a place; the stem a listed district without its suffix (anywhere) or a province or city
    of the lists (after a boundary). 高新區 alone is a kind of zone.
``alt-label``
    A curated mention that runs on into an alt_label of its own entity (中國 + 大陸 =
    中國大陸 of place/china) is one mention of that entity over the whole name.
``place-name``
    A province-level name (with or without 省/市/自治區), a provincial capital or
    sub-provincial city (``cities``, with or without 市: 在貴陽舉行),
    ``<2-3 Han><市/新區/自治縣>`` after a boundary, or a listed district or county of Chongqing
    (``chongqing_districts``, anywhere) with the fixed id ``place/<pinyin>`` given there
    (place/yongchuan), the same in both scripts. ``<X>區`` and ``<X>縣`` are places only when
    listed (偏遠山區, 老城區 are kinds of area). A province right before a place of its own is
    part of its name (天津濱海新區; a later 濱海新區 is a mention of it); one whose suffix
    character begins a word (澳門市場) is the province alone. A region (京津冀) is no
    candidate: regions are ranking scopes, curated (西部, 成渝) or left out.

A district's agency keeps its district (從渝北區大數據發展局: a place begins a name even after a
verb); a later 區大數據發展局 is a mention of it. 區…/縣… with no full form in the text is an
INFO finding (``agency-without-district``), except in a district article: when the manifest's
area is a listed district of the same kind (區 or 縣), the agency is that district's
(``district-agency``: 區委網信辦 in a 永川區 article is 永川區委網信辦, every occurrence one
mention of it). Generic nouns ending in a suffix character (格局, 布局) and prefix characters
that begin a word (區域, 市場) make no agency.

A curated entity always wins: a candidate that overlaps a curated mention is dropped, and one
whose folded label equals a curated label, alias or alt_label (for an agency also after the
party prefix 中共, ``agency_party_prefixes``) becomes a mention of that entity instead.
Further occurrences of a candidate's label (3 characters or more) in the same text are mentions
too, so a speaker named with a title once is found again when named alone. Nothing is read
after a 相關閱讀 or 往期推薦 line (``related_markers``) up to the article's own credits line
(（責任編輯：X）): those are other articles' headlines.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from graph.curation.registry import Entity, match_key
from graph.model import Candidate, CleanText, Finding, Level, Mention, Segmentation
from graph.pipeline.extract.candidates_aliases import (
    Alias,
    abbreviation_of,
    find_aliases,
    is_place_word,
    short_forms_of,
)
from graph.pipeline.extract.candidates_curated import (
    curated_keys,
    curated_owner,
    full_name_of,
    may_swallow,
)
from graph.pipeline.extract.candidates_finder import STAGE, Finder, Hit
from graph.pipeline.extract.candidates_frames import frame_hits, related_span
from graph.pipeline.extract.candidates_people import byline_hits, person_hits
from graph.pipeline.extract.candidates_rules import Folded, Rules, fold_word, load_rules, script_of
from graph.pipeline.extract.candidates_titled import balanced, document_hits, event_hits, quote_hits
from graph.pipeline.extract.entities import sentence_at
from graph.text import fold, slug, to_hant

__all__ = ["STAGE", "run"]


def _candidate_id(cls: str, label: str, curated: dict[str, Entity]) -> str:
    cid = f"{cls}/{slug(fold(label))}"
    if cid in curated:  # a homophone of a curated id: keep the curated one unambiguous
        cid = f"{cid}-x"
    return cid


def run(
    clean: CleanText,
    seg: Segmentation,
    registry: dict[str, Entity],
    curated: Sequence[Mention],
    rules: Rules | None = None,
    lang: str = "",
    area: str = "",
) -> tuple[list[Candidate], list[Mention], list[Finding]]:
    """Candidates and every mention of the text: ``curated`` plus the candidates' own.

    ``curated`` are the mentions ``extract.entities`` found. A candidate never overlaps one,
    except a longer name that contains it (see ``may_swallow``): then the candidate replaces
    it. A full name the registry knows as an alt_label becomes a mention of that entity.
    ``lang`` is the source's script; "" = detected from the text. ``area`` is the manifest's
    area (``SourceDocument.area``): when it is a listed district, a 區…/縣… agency with no
    district written before it is that district's (``district-agency``).
    """
    rules = rules or load_rules()
    lang = lang or script_of(clean.text)
    folded = Folded.of(clean.text)
    finder = Finder(folded, rules, curated, registry)
    docs, shorts = document_hits(finder)
    companies = finder.company_hits()
    quoted, infos = quote_hits(finder, companies)
    agencies = finder.agency_hits() + finder.institute_hits()
    hits = [*docs, *quoted, *agencies, *companies, *finder.place_hits(), *finder.facility_hits()]
    hits += finder.site_hits() + finder.zone_hits() + _alt_label_hits(finder, curated, registry)
    hits += byline_hits(finder) + event_hits(finder)
    aliases = find_aliases(finder)
    named = {a.end for a in aliases} | {e for a in aliases for _, e in a.occurrences}
    named |= {h.end for h in hits if h.cls == "company"}
    hits += person_hits(finder, agencies, named)
    hits += frame_hits(finder, hits)
    related = related_span(folded.norm, rules)
    hits = [h for h in hits if not related[0] <= h.begin < related[1]]
    keys = curated_keys(registry)
    sentences = tuple(sorted(seg.sentences, key=lambda s: s.begin))

    owner: list[int | None] = [None] * len(clean.text)  # curated mention covering a character
    for i, m in enumerate(curated):
        for k in range(m.begin, m.end):
            owner[k] = i

    def accept(hits: Sequence[Hit]) -> tuple[list[Hit], set[int], list[bool]]:
        """The hits kept, longest first within a priority, and the curated mentions they
        swallow; a ``defined-alias`` hit swallows any curated mention wholly inside it. Ties
        go by class, rule name, label, edition and id (every field of a ``Hit``), so that the order
        never depends on the set's, whatever ``PYTHONHASHSEED`` is."""
        taken = [False] * len(clean.text)  # characters of accepted candidates
        swallowed: set[int] = set()
        accepted: list[Hit] = []
        for h in sorted(
            set(hits),
            key=lambda h: (
                (h.priority, h.begin - h.end, h.begin, h.cls, h.rule, h.label, h.edition, h.cid)
            ),
        ):
            if any(taken[h.begin : h.end]) or not balanced(h.label):
                continue  # (a label with half a bracket pair ran across or into a bracket)
            inside = {owner[k] for k in range(h.begin, h.end)} - {None}
            inner = [curated[i] for i in inside if i is not None]
            if h.rule == "defined-alias":
                if any(m.begin < h.begin or m.end > h.end for m in inner):
                    continue
            elif inside and not (
                may_swallow(h, inner, registry, rules.agency_prefixes)
                or full_name_of(h, inner, keys, registry, rules.agency_party_prefixes)
            ):
                continue
            swallowed |= {i for i in inside if i is not None}
            taken[h.begin : h.end] = [True] * (h.end - h.begin)
            accepted.append(h)
        return accepted, swallowed, taken

    accepted, swallowed, taken = accept(hits)
    kept = [m for i, m in enumerate(curated) if i not in swallowed]
    targets = _alias_targets(aliases, accepted, kept)
    if targets:  # the defined short names, wherever no other name runs across them
        forced = [
            h
            for h in _alias_hits(finder, aliases, targets, accepted, registry)
            if not related[0] <= h.begin < related[1]
        ]
        accepted, swallowed, taken = accept([*forced, *hits])
    for i, m in enumerate(curated):
        if i not in swallowed:
            taken[m.begin : m.end] = [True] * (m.end - m.begin)

    candidates: dict[str, Candidate] = {}
    mentions: list[Mention] = []
    findings: list[Finding] = []

    def mention(eid: str, b: int, e: int, alias: str) -> None:
        sent = sentence_at(sentences, b)
        mentions.append(Mention(eid, b, e, clean.text[b:e], sent.id if sent else "", alias))

    by_label: dict[str, str] = {}  # folded label -> candidate id
    short_forms = short_forms_of(accepted, rules)
    fulls = {  # full agency names of the text: what an everyday short name may abbreviate
        **{match_key(h.label): ("hit", h.label) for h in accepted if h.cls == "agency"},
        **{
            match_key(m.surface): ("curated", m.entity_id)
            for m in kept
            if m.entity_id in registry and registry[m.entity_id].cls == "agency"
        },
    }
    for h in sorted(accepted, key=lambda h: (h.begin, h.end)):
        target = targets.get(match_key(h.label))
        if target is not None and target[0] == "curated":  # 市大數據局 defined for a curated name
            mention(target[1], h.begin, h.end, clean.text[h.begin : h.end])
            continue
        if target is not None:  # 雲嶺數據 defined for 重慶雲嶺數據科技有限公司: one company
            h = replace(h, label=target[1])
        elif match_key(h.label) in short_forms:  # 省委網信辦 after 四川省委網信辦: one agency
            h = replace(h, label=short_forms[match_key(h.label)])
        elif (
            h.cls == "agency"
            and curated_owner(h, keys, rules.agency_party_prefixes) is None
            and (
                abbr := abbreviation_of(
                    match_key(h.label),
                    {k: v for k, v in fulls.items() if k != match_key(h.label)},
                    rules.agency_prefixes,
                    lambda w: is_place_word(w, rules),
                )
            )
        ):  # a name the registry knows stays its own
            if abbr[0] == "curated":  # 市大數據局 after 重慶市大數據應用發展管理局
                mention(abbr[1], h.begin, h.end, clean.text[h.begin : h.end])
                continue
            h = replace(h, label=abbr[1])
        key = match_key(h.label)
        local = h.cls == "agency" and any(key.startswith(w) for w in rules.agency_local_prefixes)
        if local and (own := _area_district(area, key, folded, rules, lang)):
            h = replace(h, label=own + h.label[1:], rule="district-agency")  # 永川區 + 委網信辦
            key, local = match_key(h.label), False
        if local:
            findings.append(  # 區委網信辦 with no district named before it anywhere
                Finding(
                    Level.INFO,
                    STAGE,
                    "agency-without-district",
                    f"{h.label!r} names a district's agency without the district",
                    clean.source_id,
                    h.begin,
                    h.end,
                    *clean.raw_span(h.begin, h.end),
                )
            )
            continue
        known = curated_owner(h, keys, rules.agency_party_prefixes)
        if known is not None:  # a curated full name (alt_label) or a form the matcher missed
            eid, form = known
            mention(eid, h.begin, h.end, form)
            continue
        cid = by_label.get(key) or h.cid or _candidate_id(h.cls, h.label, registry)
        other = candidates.get(cid)
        if other is not None and match_key(other.label) != key:
            findings.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "candidate-id-collision",
                    f"{cid}: {h.label!r} and {other.label!r} have the same slug; kept apart",
                    clean.source_id,
                    h.begin,
                    h.end,
                    *clean.raw_span(h.begin, h.end),
                )
            )
            cid = f"{cid}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
        by_label[key] = cid
        if cid not in candidates:
            candidates[cid] = Candidate(cid, h.cls, h.label, lang, h.rule, h.edition)
        mention(cid, h.begin, h.end, clean.text[h.begin : h.end])

    for b, e, h in shorts:  # 《報告》 defined as the short name of a candidate document
        short_of = by_label.get(match_key(h.label))
        if short_of is not None and not any(taken[b:e]):
            taken[b:e] = [True] * (e - b)
            mention(short_of, b, e, clean.text[b:e])

    for key, cid in sorted(by_label.items()):  # later occurrences of the same name
        person = cid in candidates and candidates[cid].cls == "person"
        if cid not in candidates or len(key) < (2 if person else 3):
            continue
        for occ in re.finditer(re.escape(fold_word(key)), folded.norm):
            b, e = occ.start(), occ.end()
            if any(taken[b:e]) or not finder.left_ok(b):
                continue
            if person and not finder.right_ok(e):
                continue
            taken[b:e] = [True] * (e - b)
            mention(cid, b, e, clean.text[b:e])

    findings += [
        Finding(
            f.level,
            f.stage,
            f.code,
            f.message,
            clean.source_id,
            f.begin,
            f.end,
            *clean.raw_span(f.begin or 0, f.end or 0),
        )
        for f in infos
        if f.begin is not None and not any(taken[f.begin : f.end])
    ]
    mentions += [m for i, m in enumerate(curated) if i not in swallowed]
    mentions.sort(key=lambda m: (m.begin, -m.end, m.entity_id))
    return sorted(candidates.values(), key=lambda c: c.id), mentions, findings


def _area_district(area: str, key: str, folded: Folded, rules: Rules, lang: str) -> str:
    """The name of the manifest's district (永川區 for ``place/yongchuan``) when the folded
    agency ``key`` is a 區…/縣… body of a district of that kind, else "".

    Why the manifest and not the text: an article whose manifest area is a district (a district
    media centre's post) is about that district, so its 區委網信辦 is the district's own office;
    a city article that names a district (渝北區 against the city) may mean any district's, and
    stays an ``agency-without-district`` finding. The name is the text's own spelling of the
    district where it is written, else the list's name in the source's script."""
    name = next((d for d, pid in rules.districts if pid == area), "")
    if not name or name[-1] != key[0]:  # 區委… needs a 區, 縣委… a 縣 (自治縣 included)
        return ""
    at = folded.norm.find(name)
    if at >= 0:
        return folded.text[at : at + len(name)]
    return to_hant(name) if lang == "zh-Hant" else name


def _alt_label_hits(
    finder: Finder, curated: Sequence[Mention], registry: dict[str, Entity]
) -> list[Hit]:
    """中國 + 大陸: a curated mention that runs on into an alt_label of its own entity (中國大陸
    of place/china) is that longer name. Why not an alias: the curated matcher only matches the
    seed's forms, and an alt_label that no rule finds would otherwise be cut in two, its head
    the entity and its tail lost; the hit becomes a mention of the entity (``curated_owner``)."""
    out: list[Hit] = []
    for m in curated:
        ent = registry.get(m.entity_id)
        if ent is None:
            continue
        for alt in ent.alt_labels:
            form = fold_word(alt)
            if len(form) > m.end - m.begin and finder.n.startswith(form, m.begin):
                e = m.begin + len(form)
                out.append(finder.hit(m.begin, e, ent.cls, "alt-label", priority=4))
    return out


def _alias_targets(
    aliases: Sequence[Alias], accepted: Sequence[Hit], curated: Sequence[Mention]
) -> dict[str, tuple[str, str]]:
    """Folded short name -> ("hit", the full name's label) or ("curated", entity id): the name
    that ends right before its definition (以下簡稱…). Documents and people define no alias
    this way (《報告》 is ``candidates_titled``'s), and a short name defined twice for two
    different names is ambiguous, so it is left out."""
    out: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for a in aliases:
        key = match_key(a.short)
        hit = next((h for h in accepted if h.end == a.begin), None)
        target: tuple[str, str] | None = None
        if hit is not None and hit.cls not in ("document", "person"):
            if match_key(hit.label) != key:
                target = ("hit", hit.label)
        elif hit is None:
            m = next((m for m in curated if m.end == a.begin), None)
            if m is not None and not m.entity_id.startswith(("document/", "person/")):
                target = ("curated", m.entity_id)
        if target is None:
            continue
        if key in seen and out.get(key) != target:
            out.pop(key, None)
            continue
        seen.add(key)
        out[key] = target
    return out


def _alias_hits(
    finder: Finder,
    aliases: Sequence[Alias],
    targets: dict[str, tuple[str, str]],
    accepted: Sequence[Hit],
    registry: dict[str, Entity],
) -> list[Hit]:
    """Every occurrence of a defined short name as a hit that wins over the other rules, unless
    a name found by them runs across it (雲嶺數據 inside 重慶雲嶺數據科技有限公司 is no alias)."""
    out: list[Hit] = []
    for a in aliases:
        target = targets.get(match_key(a.short))
        if target is None:
            continue
        kind, value = target
        if kind == "curated":
            cls = registry[value].cls if value in registry else ""
        else:
            cls = next((h.cls for h in accepted if h.label == value), "")
        for b, e in a.occurrences:
            if any(h.begin < e and b < h.end and (h.begin < b or h.end > e) for h in accepted):
                continue
            out.append(finder.hit(b, e, cls, "defined-alias", priority=-1))
    return out
