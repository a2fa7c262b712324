"""The rules of ``extract.candidates`` that read a name from the words framing it rather than
from a left boundary: 以<company>為代表 (``frame_openers``/``frame_closers``), what a build verb
makes (投資建設的<name><facility or site head>), a quoted facility (“<name>智算中心”), a park
that shares its stem with a facility found before (嘉嶺雲谷智算中心 … 嘉嶺雲谷產業園), and the
outlet of an <outlet>訊（記者 …） opener; plus where a list of other articles' headlines
(相關閱讀) starts and where the article's own credits resume after it. Functions of a
``Finder``, like ``candidates_people`` and ``candidates_titled``.

Why frames: a left boundary is what keeps the suffix rules precise (a verb before a name never
joins it), but some names stand right after a word that is no boundary (以, 的 after a verb) or
say nothing by their own suffix (a park named only as a statistic's subject); the frame around
them says they are names, and so keeps the rule as strict as the boundary did.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.pipeline.extract.candidates_finder import Finder, Hit
from graph.pipeline.extract.candidates_rules import Rules
from graph.text import is_han

__all__ = ["frame_hits", "related_span"]

_BULLETS = "▼▽▶►■□●○◆◇★☆·•-—=#【】[] "  # may lead a 往期推薦 line
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))  # ‘’ nest inside “”


def frame_hits(fd: Finder, found: Sequence[Hit]) -> list[Hit]:
    """Every hit of this module's rules; ``found`` are the other rules' hits (their facilities
    and sites give the stems of ``_stem_hits``)."""
    built = _built_hits(fd) + _quoted_facility_hits(fd)
    hits = _framed_company_hits(fd) + built + _dispatch_outlet_hits(fd)
    return hits + _stem_hits(fd, [*found, *built])


#: brackets a heading may stand in: 【相關閱讀】, [相关新闻], 〔延伸閱讀〕
_BRACKETS = "【】[]〔〕〖〗《》<>"


def related_span(norm: str, rules: Rules) -> tuple[int, int]:
    """Where a 相關閱讀 list starts (a line opening with a ``related_markers`` word; a leading
    bullet, ▼往期推薦, and the brackets of 【相關閱讀】 are no part of the marker) and where it
    ends: at the first later line of the article's own credits (（責任編輯：X）, a
    ``byline_roles`` word and a colon), else at the end of the text. A marker over a line of
    prose (a sentence with 。: 【延伸閱讀】 going on with the article's own paragraphs) opens no
    list. What lies between are other articles' headlines: their names are that coverage's,
    not this article's, so no candidate comes from there; the editor credited after the list
    is this article's."""
    roles = "|".join(re.escape(r) for r in rules.byline_roles)
    start = len(norm)
    pending = -1  # a marker seen; is the next line a headline or the article's own prose?
    for m in re.finditer(r"(?m)^.*$", norm):
        line = m.group().strip()
        if start == len(norm):
            if pending >= 0 and line:
                # 【延伸閱讀】 over paragraphs of prose is the article's own text, not a list
                start, pending = (len(norm), -1) if "。" in line else (pending, -1)
            elif line.strip(_BULLETS).strip(_BRACKETS + ":： \t") in rules.related_markers:
                pending = m.start()
        elif re.match(rf"[(（]?\s*(?:{roles})\s*[:：]", line):
            return start, m.start()
    return (pending if pending >= 0 else start), len(norm)


def _framed_company_hits(fd: Finder) -> list[Hit]:
    """以重慶星衡軟件有限公司為代表: a company name by suffix that starts right after a frame
    opener at a left boundary and ends right before a frame closer (a place at its head is its
    own, as anywhere a company name starts). Priority over the plain suffix rule, which would
    read the opener as the name's first character."""
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    for opener in r.frame_openers:
        for m in re.finditer(re.escape(opener), n):
            p = m.end()
            if not fd.left_ok(m.start()):
                continue  # 可以, 所以: the opener ends a word
            end = fd.company_end(p)
            if end is not None and any(n.startswith(c, end) for c in r.frame_closers):
                hits.append(fd.hit(p, end, "company", "company-suffix", priority=2))
    return hits


def _built_hits(fd: Finder) -> list[Hit]:
    """<build verb>的<name><head>: a project for a ``built_facility_heads`` head (投資建設的
    嘉嶺雲谷智算中心), a place for a ``site_heads`` head (打造的照母山數智產業園), the name 2 to
    ``site_body_max`` clean Han that read as no kind (``_generic_body``)."""
    n, r = fd.n, fd.r
    heads = [(h, "project", "facility-name") for h in r.built_facility_heads]
    heads += [(h, "place", "site-name") for h in r.site_heads]
    heads.sort(key=lambda h: -len(h[0]))
    hits: list[Hit] = []
    for verb in r.build_verbs:
        for m in re.finditer(re.escape(verb) + "的", n):
            p = m.end()
            if _generic_body(fd, p) or not is_han(n[p]):
                continue  # a quoted name after 的 is the quote rules' (“…智算中心二期”)
            for size in range(2, r.site_body_max + 1):
                s = p + size
                if s > len(n) or not is_han(n[s - 1]) or not fd.clause_body(p, s):
                    break
                head = next((h for h in heads if n.startswith(h[0], s)), None)
                if head is not None and any(n.endswith(w, 0, s) for w in r.left_context):
                    break  # 建設的算力和數據中心: a connector joins two kinds
                if head is not None:
                    hits.append(fd.hit(p, s + len(head[0]), head[1], head[2], priority=2))
                    break
    return hits


def _generic_body(fd: Finder, p: int) -> bool:
    """A name starting at ``p`` reads as a kind: its first character is a ``place_stop_first``
    one (大數據產業園, 新建…), or it starts with a ``company_not_bodies`` or ``built_not_first``
    word (數字經濟產業園, 綠色數據中心)."""
    n, r = fd.n, fd.r
    if p >= len(n) or n[p] in r.place_stop_first:
        return True
    return any(n.startswith(w, p) for w in (*r.company_not_bodies, *r.built_not_first))


def _phase(r: Rules) -> str:
    """The pattern of a phase written after a facility's head (二期, 三期工程: open_world.yaml
    ``phase_numerals`` and ``phase_words``), at the end of a name: part of the project's name."""
    numerals = "|".join(map(re.escape, r.phase_numerals))
    return f"(?:{numerals})(?:{'|'.join(map(re.escape, r.phase_words))})$"


def _quoted_facility_hits(fd: Finder) -> list[Hit]:
    """“明月山智算中心”: a quoted name ending in a ``built_facility_heads`` head, with at least
    ``quote_body_min`` characters before it, is a project, as a facility after a build verb."""
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    phase = re.compile(_phase(r))
    for open_q, close_q in _QUOTES:
        for m in re.finditer(re.escape(open_q) + f"([^{open_q}{close_q}\n]+)" + close_q, n):
            b, e = m.start(1), m.end(1)
            inner = n[b:e]
            if len(inner) > r.quote_max_chars or not all(is_han(c) for c in inner):
                continue
            if _generic_body(fd, b) or (inner[0] in r.quote_slogan_first and len(inner) < 5):
                continue  # 兩江… of five characters or more is a name, not a slogan (一張網)
            inner = phase.sub("", inner)  # “兩江雲谷智算中心二期”: a phase of the facility
            if any(
                inner.endswith(h)
                and len(inner) - len(h) >= r.quote_body_min
                and not any(inner.endswith(w, 0, len(inner) - len(h)) for w in r.left_context)
                for h in r.built_facility_heads
            ):  # “算力與數據中心” joins two kinds: a chapter's topic, not a name
                hits.append(fd.hit(b, e, "project", "quoted-name", priority=1))
    return hits


def _stem_hits(fd: Finder, found: Sequence[Hit]) -> list[Hit]:
    """嘉嶺雲谷產業園 after 嘉嶺雲谷智算中心: the stem of a facility or site found in the text (its
    name without the head, 3 Han or more and no place by itself) is a proper name, so the
    same stem before another facility or site head, at a left boundary, names one more such
    thing, even where the text uses it only as a statistic's subject (…產業園入駐企業420家)."""
    n, r = fd.n, fd.r
    heads = [(h, "project", "facility-name") for h in (*r.built_facility_heads, *r.facility_heads)]
    heads += [(h, "place", "site-name") for h in r.site_heads]
    heads.sort(key=lambda h: -len(h[0]))
    stems: set[str] = set()
    for h in found:
        if h.rule not in ("facility-name", "site-name", "quoted-name"):
            continue
        name = n[h.begin : h.end]
        word = next((x for x, _, _ in heads if name.endswith(x)), "")
        stem = name[: -len(word)] if word else ""
        if len(stem) < 3 or not all(is_han(c) for c in stem) or _generic_body(fd, h.begin):
            continue
        if h.begin + len(stem) not in fd.places_at(h.begin):  # 西部 + 智算中心: a region
            stems.add(stem)
    hits: list[Hit] = []
    for stem in sorted(stems):
        for m in re.finditer(re.escape(stem), n):
            if not fd.left_ok(m.start()):
                continue
            head = next((x for x in heads if n.startswith(x[0], m.end())), None)
            if head is not None:
                hits.append(fd.hit(m.start(), m.end() + len(head[0]), head[1], head[2], priority=4))
    return hits


def _dispatch_outlet_hits(fd: Finder) -> list[Hit]:
    """財訊重慶訊（記者 溫某）: a line that opens with <name>訊 and a parenthesis holding a
    byline role names its outlet, whatever the name ends with: 3 Han at least (本報訊 is "this
    paper's", as in 【…訊】) and not the outlet speaking of itself (``dispatch_self_words``:
    本報北京訊); a wire outlet before the place filed from (長江社 + 重慶) is the outlet alone."""
    roles = "|".join(re.escape(r) for r in fd.r.byline_roles)
    pattern = rf"(?m)^[ \t]*([\u3400-\u9fff]{{3,12}}?)讯[(（]\s*(?:{roles})"  # folded 訊
    hits: list[Hit] = []
    for m in re.finditer(pattern, fd.n):
        b, e = m.start(1), m.end(1)
        if any(fd.n.startswith(w, b) for w in fd.r.dispatch_self_words):
            continue  # 本報北京訊: this paper's own dispatch
        for k in range(b + 3, e):  # 長江社 + 重慶訊: a wire outlet and the place filed from
            if any(fd.n.endswith(s, 0, k) for s in fd.r.outlet_suffixes) and e in fd.places_at(k):
                e = k
                break
        hits.append(fd.hit(b, e, "company", "outlet", priority=1))
    return hits
