"""The rules of ``extract.candidates`` that read a name from its frame rather than its suffix:
titles in 《》 (``document-title``) and the 《short》 names defined for them, quoted names
classified by a head word (``quoted-name``) and ordinal events (``event-ordinal``, 第N屆…).
Functions of a ``Finder``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.curation.registry import match_key
from graph.model import Finding, Level
from graph.pipeline.extract.candidates_finder import STAGE, Finder, Hit, is_name_char
from graph.text import is_han

__all__ = ["balanced", "document_hits", "event_hits", "quote_hits"]

_YEAR = re.compile(r"[(（]\s*((?:19|20)\d\d)\s*年?\s*(?:版|年度)?\s*[)）]")
_BOOK = re.compile(r"《([^《》\n]{1,80})》")
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"), ("‘", "’"))  # ‘’ nest inside “”
_OPENING, _CLOSING = ("(", "（"), (")", "）")
_SENTENCE_PUNCT = set("，,。；;！!？?：:、\n")
_ABBREVIATION = re.compile(r"^\s*[(（]\s*以下简称\s*《([^《》]{1,20})》\s*[)）]")  # folded


_PAIRS = {")": "(", "）": "（", "”": "“", "」": "「", "』": "『", "》": "《", "】": "【"}


def balanced(label: str) -> bool:
    """True when every bracket or quotation mark of ``label`` has its pair inside it, in order.

    An open-world label is a name a reader can read alone: ``第二十届)中国互联网大会`` (a rule
    that started inside ``2021(第二十届)中国互联网大会``) is none, whatever rule found it.
    """
    stack: list[str] = []
    for ch in label:
        if ch in _PAIRS.values():
            stack.append(ch)
        elif ch in _PAIRS:
            if not stack or stack[-1] != _PAIRS[ch]:
                return False
            stack.pop()
    return not stack


def event_hits(fd: Finder) -> list[Hit]:
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    for m in re.finditer(r"第[一二三四五六七八九十百\d]+届", n):
        # 2021(第二十届)中国互联网大会: a bracketed ordinal is an aside, the name follows the
        # bracket (a label never keeps half of a bracket pair)
        aside = n.startswith(_CLOSING, m.end()) and n.endswith(_OPENING, 0, m.start())
        start = m.end() + 1 if aside else m.start()
        for e in range(m.end() + 2, min(len(n), m.end() + r.event_max_chars) + 1):
            ch = n[e - 1]
            if not (is_name_char(ch) or ch in "“”「」·+"):
                break
            if e - start >= 2 and any(n.endswith(h, 0, e) for h in r.event_heads):
                hits.append(fd.hit(start, e, "event", "event-ordinal", priority=0))
                break
    return hits


def document_hits(fd: Finder) -> tuple[list[Hit], list[tuple[int, int, Hit]]]:
    """Titles in 《》 and the 《short》 names defined for them (以下簡稱)."""
    hits: list[Hit] = []
    short: list[tuple[int, int, Hit]] = []
    text = fd.n
    for m in _BOOK.finditer(text):
        inner = m.group(1)
        b, e = m.start(1), m.end(1)
        if len(match_key(inner)) < fd.r.document_min_chars:
            continue
        years = _YEAR.findall(inner)
        after = _YEAR.match(text, m.end())
        edition = years[-1] if years else (after.group(1) if after else "")
        written = fd.f.text[b:e]
        label = written if years or not edition else f"{written}({edition})"
        hit = Hit(b, e, "document", "document-title", label, edition, priority=0)
        hits.append(hit)
        rest = text[(after.end() if after else m.end()) :]
        if ab := _ABBREVIATION.match(rest):
            short.append((0, 0, hit))
            key = ab.group(1)
            for sm in re.finditer("《" + re.escape(key) + "》", text):
                short.append((sm.start(), sm.end(), hit))
    short += _tail_names(fd, hits)
    return hits, [s for s in short if s[1]]


def _tail_names(fd: Finder, hits: Sequence[Hit]) -> list[tuple[int, int, Hit]]:
    """A yearless 《報告》 that is the tail of exactly one edition title named in the text.

    Coverage names the edition in full once (《重慶市互聯網發展報告(2022)》) and then writes
    《報告》 with or without a 以下簡稱 clause; the short form means that edition, never the
    registry's other edition (which ``extract.entities`` no longer matches here).
    """
    titled: dict[str, Hit] = {}
    for h in hits:
        if h.edition:
            stem = match_key(_YEAR.sub("", fd.n[h.begin : h.end]))
            titled.setdefault(stem, h)
    out: list[tuple[int, int, Hit]] = []
    for m in _BOOK.finditer(fd.n):
        inner = match_key(m.group(1))
        if _YEAR.search(m.group(1)) or not inner:
            continue
        owners = [h for stem, h in titled.items() if stem.endswith(inner) and stem != inner]
        if len(owners) == 1:
            out.append((m.start(), m.end(), owners[0]))
    return out


def quote_hits(fd: Finder, companies: Sequence[Hit] = ()) -> tuple[list[Hit], list[Finding]]:
    """Quoted names: classified by a head word at their end or right after the quote, or, with
    no head, as a company when 、 joins the quote to a company name (重慶星橋智聯科技有限公司、
    “山海數科”等一批企業: items of one list are of one kind). Other short quoted phrases are
    INFO findings, and so are the two ends of 從“X”到“Y”, and a word shorter than
    ``quote_name_min`` that only a head after the quote would class (“淨網”專項行動: a
    slogan)."""
    ends = {h.end for h in companies}
    begins = {h.begin for h in companies}
    hits: list[Hit] = []
    infos: list[tuple[int, int, str]] = []
    text, n = fd.f.text, fd.n
    for open_q, close_q in _QUOTES:
        for m in re.finditer(re.escape(open_q) + f"([^{open_q}{close_q}\n]+)" + close_q, text):
            b, e = m.start(1), m.end(1)
            inner = n[b:e].strip()
            if not inner or len(inner) > fd.r.quote_max_chars:
                continue
            if any(c in _SENTENCE_PUNCT for c in inner) or not any(is_han(c) for c in inner):
                continue
            if (numeral := _numeral_name(fd, inner, m.start(), m.end())) is not None:
                hits.append(fd.hit(b, e, numeral, "quoted-name", priority=1))  # “兩江智辦”平臺
                continue
            if inner[0] in fd.r.quote_slogan_first or _contrast(fd, m.start(), m.end()):
                head = None
            else:
                head = next(
                    (
                        c
                        for h, c in fd.r.quote_heads
                        if inner.endswith(h) and len(inner) - len(h) >= fd.r.quote_body_min
                    ),
                    None,
                )  # 「建平台」 is a verb and its object: a name needs a name before its head
            if head is not None:
                hits.append(fd.hit(b, e, head, "quoted-name", priority=1))
                continue
            after = (
                _head_after(fd, m.end())
                if inner[0] not in fd.r.quote_slogan_first
                and len(inner) >= fd.r.quote_name_min
                and not _contrast(fd, m.start(), m.end())
                else None
            )
            if after is not None:  # “山城通辦”平臺: the quoted part is the name
                hits.append(fd.hit(b, e, after, "quoted-name", priority=1))
                continue
            if inner[0] not in fd.r.quote_slogan_first and (
                (m.start() >= 1 and n[m.start() - 1] == "、" and m.start() - 1 in ends)
                or (n.startswith("、", m.end()) and m.end() + 1 in begins)
            ):
                hits.append(fd.hit(b, e, "company", "quoted-name", priority=1))
                continue
            if fd.free(b, e):
                infos.append((b, e, text[b:e]))
    return hits, [_info(fd, b, e, s) for b, e, s in sorted(set(infos))]


#: a numeral-initial quote this long that ends in a quote head is a name, not a slogan
_NUMERAL_NAME_MIN = 5


def _numeral_name(fd: Finder, inner: str, b: int, e: int) -> str | None:
    """The class of a quote ``b``-``e`` (marks included) that opens with a numeral character
    but is a platform's name: a ``quote_numeral_heads`` noun right after the closing quote
    (“兩江智辦”平臺, 兩江 a place), at least ``quote_name_min`` characters, and no end of
    從“X”到“Y”. Why only then: a numeral-initial quote is mostly a slogan (“一張網”, “雙千兆”)
    that a word such as 建設 or 網絡 follows; a platform noun right after it says the quoted
    word is that platform's name."""
    if inner[0] not in fd.r.quote_slogan_first or len(inner) < fd.r.quote_name_min:
        return None
    if len(inner) >= _NUMERAL_NAME_MIN and not _contrast(fd, b, e):
        # “九龍智造雲”: five characters or more that end in a head are a name; the slogans
        # are three or four (一張網, 雙千兆, 一網通辦, 全程網辦)
        own = next((c for h, c in fd.r.quote_heads if inner.endswith(h)), None)
        if own is not None:
            return own
    head = next((h for h in fd.r.quote_numeral_heads if fd.n.startswith(h, e)), None)
    if head is None or _contrast(fd, b, e):
        return None
    return next(c for h, c in fd.r.quote_heads if h == head)


def _contrast(fd: Finder, b: int, e: int) -> bool:
    """The quote ``b``-``e`` (marks included) is one end of 從“X”到“Y” (由…向…): a before and an
    after of a change, named by what people do (能上網, 上好網), not by a name."""
    n = fd.n
    froms, tos = fd.r.quote_from_words, fd.r.quote_to_words
    closing = {c: o for o, c in _QUOTES}
    if (
        any(n.endswith(w, 0, b) for w in froms)
        and any(  # X of 從“X”到“
            n.startswith(t, e) and n[e + len(t) : e + len(t) + 1] in closing.values() for t in tos
        )
    ):
        return True
    for t in tos:  # Y of 從“X”到“Y”
        q = b - len(t)
        if q >= 1 and n.startswith(t, q) and n[q - 1] in closing:
            start = n.rfind(closing[n[q - 1]], 0, q - 1)
            if start >= 0 and any(n.endswith(w, 0, start) for w in froms):
                return True
    return False


def _head_after(fd: Finder, q: int) -> str | None:
    """The class given by a head word within ``quote_head_gap`` characters after a quote."""
    for size in range(0, fd.r.quote_head_gap + 1):
        s = q + size
        if not all(is_han(c) for c in fd.n[q:s]):
            return None
        for h, cls in fd.r.quote_heads:
            if fd.n.startswith(h, s):
                end = s + len(h)
                # a one-character head must end a word (網 in 網站 does not)
                if len(h) > 1 or end >= len(fd.n) or not is_han(fd.n[end]):
                    return cls
    return None


def _info(fd: Finder, b: int, e: int, surface: str) -> Finding:
    return Finding(
        Level.INFO,
        STAGE,
        "quoted-name-unclassified",
        f"“{surface}” is quoted like a name but has no head word of a platform or project",
        "",
        b,
        e,
    )
