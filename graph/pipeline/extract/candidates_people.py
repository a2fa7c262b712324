"""The rules of ``extract.candidates`` that read people and their outlets: officials after an
agency and a post title (``title-person``), bylines (``byline-person``) and the outlet of a
source line (``outlet``). Functions of a ``Finder``, apart from the suffix rules because they
share the name reader (surname + 1-2 given characters) and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from graph.pipeline.extract.candidates_finder import Finder, Hit, is_name_char
from graph.text import is_han

__all__ = ["byline_hits", "person_hits"]


def person_hits(fd: Finder, agencies: Sequence[Hit], named: Iterable[int] = ()) -> list[Hit]:
    """Officials: a title of ``titles.yaml`` after an agency (found or curated), or after another
    end in ``named`` (a company, a defined short name or its parenthesis: 雲嶺數據)總經理X), or
    a title of ``standalone_titles`` (副市長) at a left boundary, then a name; or any title
    then a name that a ``speaker_verbs`` verb follows right away (…編寫組負責人廖某表示): the
    body of the title may be no agency, but title, name and verb of saying name a speaker."""
    n, r = fd.n, fd.r
    agency_ends = {h.end for h in agencies} | {e for e, cls in fd.ends.items() if cls == "agency"}
    agency_ends |= set(named)
    hits: list[Hit] = []
    for label, _tid in r.titles:
        alone = label in r.standalone_titles
        for m in re.finditer(re.escape(label), n):
            anchored = (
                _after_agency(fd, m.start(), agency_ends)
                or _after_nested_unit(fd, m.start(), agency_ends)
                or (alone and fd.left_ok(m.start()))
            )
            q = m.end()
            conc = re.match(r"[(（]兼[)）]", n[q:])
            if conc:
                q += conc.end()
            if n.startswith(" ", q):  # 新聞發言人　林曉舟: a space between title and name
                q += 1
            end = _name_end(fd, q)
            if end is not None and not anchored:
                end = end if _speaker(fd, q, end) else None
            if end is not None and fd.free(q, end):
                hits.append(fd.hit(q, end, "person", "title-person", priority=1))
    return hits


def _speaker(fd: Finder, q: int, e: int) -> bool:
    """The name ``[q, e)`` is followed right away by a verb of saying, and holds no role word
    or verb of saying itself (向 + 記者 before 介紹 reads as a surname and a given name but
    says who is told; 曾 + 表示 is an adverb and the verb)."""
    if not any(fd.n.startswith(v, e) for v in fd.r.speaker_verbs):
        return False
    return not any(w in fd.n[q:e] for w in (*fd.r.byline_roles, *fd.r.speaker_verbs))


def _after_agency(fd: Finder, tb: int, agency_ends: set[int]) -> bool:
    """An agency ends at ``tb``, possibly before a unit (…電子政務處) or further titles
    joined by 、."""
    if tb and tb not in agency_ends and fd.n[tb - 1] in fd.r.agency_units:
        for k in range(2, fd.r.agency_unit_max + 1):
            if tb - k in agency_ends and fd.clause_body(tb - k, tb):
                return all(is_han(c) for c in fd.n[tb - k : tb])
    while tb not in agency_ends:
        if tb == 0 or fd.n[tb - 1] != "、":
            return False
        prev = next(
            (lab for lab, _ in fd.r.titles if fd.n.startswith(lab, tb - 1 - len(lab))), None
        )
        if prev is None:
            return False
        tb = tb - 1 - len(prev)
    return True


def _after_nested_unit(fd: Finder, tb: int, agency_ends: set[int]) -> bool:
    """An agency ends before ``tb`` and a unit of its own named by an agency suffix stands
    between (…研究院 + 數字經濟研究所 + 所長, …局 + 信息中心 + 主任): a unit inside a body is
    written right after it with no boundary, so the unit is never found as an agency of its
    own, yet the title after it is a post of that body's. The unit is 2 to ``agency_unit_max``
    clean Han ending in an ``agency_suffixes`` word."""
    n, r = fd.n, fd.r
    if not any(n.endswith(s, 0, tb) for s in r.agency_suffixes):
        return False
    return any(
        tb - k in agency_ends
        and fd.clause_body(tb - k, tb)
        and all(is_han(c) for c in n[tb - k : tb])
        for k in range(2, r.agency_unit_max + 1)
    )


def _name_end(fd: Finder, q: int) -> int | None:
    n, r = fd.n, fd.r
    surname = next((s for s in r.surnames if n.startswith(s, q)), None)
    if surname is None:
        return None
    for given in (1, 2):
        e = q + len(surname) + given
        if e > len(n) or not all(is_han(c) for c in n[q:e]):
            return None
        if n[q:e] in r.person_not_names:  # 簡要 + 介紹: a word, not a surname and a name
            continue
        if e == len(n) or not is_han(n[e]) or fd.taken[e]:
            return e
        if any(n.startswith(w, e) for w in r.name_followers):
            return e
    return None


def byline_hits(fd: Finder) -> list[Hit]:
    """Bylines and outlets: <role>[:： ]<name> (記者 陳某); an outlet named before the role at
    the start of its line (海河觀察記者 韓某) or in parentheses after it (記者（渝江財經）：), and
    after 來源: (``outlet_markers``), or a line starting with a name and a date."""
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    for role in r.byline_roles:
        for m in re.finditer(re.escape(role) + r"[\s:：]*", n):
            hits += _outlet_around(fd, m.start(), role)
            q = m.end()
            if q == m.start() + len(role) and q < len(n) and is_han(n[q]):
                hits += _dateline_byline(fd, q)  # 記者彭某台北26日電: a wire dateline
                continue  # 記者招待會: the role word runs on into another word
            end = _name_end(fd, q)
            if end is not None:
                hits.append(fd.hit(q, end, "person", "byline-person", priority=1))
                hits += _co_authors(fd, end)
    hits += _credit_hits(fd)
    for marker in r.outlet_markers:
        for m in re.finditer(re.escape(marker) + r"\s*[:：]\s*", n):
            at_line = m.start() == 0 or n[m.start() - 1] in " \n"
            hits += _outlet(fd, m.end(), named=at_line)
    for m in re.finditer(r"(?m)^[ \t]*(?=\S)", n):
        line_end = n.find("\n", m.end())
        line = n[m.end() : line_end if line_end >= 0 else len(n)]
        if re.match(r"^\S{2,12}\s+\d{4}[-年]", line):
            hits += _outlet(fd, m.end(), named=_named_by_line(fd, line))
        hits += _wire_dateline(fd, m.end(), line)
        hits += _caption(fd, m.end(), line)
    for m in re.finditer(r"【([\u3400-\u9fff]{3,12})讯】", n):  # 【維港日報訊】, folded 訊
        if any(m.group(1).endswith(s) for s in r.outlet_suffixes):  # not 【本報訊】 (2 Han)
            hits.append(fd.hit(m.start(1), m.end(1), "company", "outlet", priority=1))
    return hits


def _named_by_line(fd: Finder, line: str) -> bool:
    """烏江晨訊　2024年11月8日　記者 冉某: a dated line that goes on to a byline role, a credit
    (文／某) or an account's post marker (…  20:05  發布於重慶, ``outlet_post_markers``) names
    its outlet first, whatever the name ends with (a paper called …晨訊, an account …掌訊)."""
    r = fd.r
    roles = "|".join(re.escape(w) for w in r.byline_roles)
    credits = "|".join(re.escape(w) for w in r.credit_roles)
    seps = "".join(re.escape(w) for w in r.credit_separators)
    posts = "|".join(re.escape(w) for w in r.outlet_post_markers)
    after = rf"(?:{roles})[\s:：]|(?:{credits})\s*[{seps}]|(?:{posts})"
    return re.search(rf"\s+\d{{4}}[-年][^\n]*?\s(?:{after})", line) is not None


def _credit_hits(fd: Finder) -> list[Hit]:
    """文／葉某, 圖 | 李某, 文/圖 李某: a credit role (``credit_roles``) at a boundary, a slash or
    a bar (``credit_separators``), then a name (and co-authors after it) is a byline. Why the
    separator is required: 文 and 圖 are words and 文 a surname, so a role glued to a name or
    followed by a space alone is no credit."""
    n, r = fd.n, fd.r
    credits = "|".join(re.escape(w) for w in r.credit_roles)
    seps = "".join(re.escape(w) for w in r.credit_separators)
    hits: list[Hit] = []
    joint = rf"(?:(?:{credits})[ \t]+)?"  # 文/圖 祝某: one person credited for both
    for m in re.finditer(rf"(?:{credits})[ \t]*[{seps}][ \t]*{joint}", n):
        if m.start() and is_name_char(n[m.start() - 1]):
            continue  # 中文/英文, 原文/譯文: the role is the tail of a word
        end = _name_end(fd, m.end())
        if end is not None:
            hits.append(fd.hit(m.end(), end, "person", "byline-person", priority=1))
            hits += _co_authors(fd, end)
    return hits


def _dateline_byline(fd: Finder, q: int) -> list[Hit]:
    """（兩岸觀察社記者彭某台北26日電）: a wire dateline writes the reporter's name right after
    the role, then the place filed from and the day with 電 or 訊; the name is the part before a
    place that such a day follows, and the place is the article's (a city written without 市)."""
    n, r = fd.n, fd.r
    surname = next((s for s in r.surnames if n.startswith(s, q)), None)
    if surname is None:
        return []
    for given in (1, 2):
        e = q + len(surname) + given
        if e > len(n) or not all(is_han(c) for c in n[q:e]):
            return []
        for pe in fd.places_at(e, regions=False):
            if re.match(r"\d{1,2}日[电讯]", n[pe:]):
                return [
                    fd.hit(q, e, "person", "byline-person", priority=1),
                    fd.hit(e, pe, "place", "place-name", priority=4),
                ]
    return []


def _caption(fd: Finder, b: int, line: str) -> list[Hit]:
    """同期聲：市民　李某: a TV transcript's caption line names its speaker last, after a space,
    and who they are (a title, 市民) before; the name must run to the line end."""
    marker = next((w for w in fd.r.caption_markers if line.startswith(w)), None)
    if marker is None or not re.match(r"\s*[:：]", line[len(marker) :]):
        return []
    last = re.search(r"\s(\S+)\s*$", line)
    if last is None:
        return []
    q = b + last.start(1)
    end = _name_end(fd, q)
    if end is None or end != b + last.end(1):
        return []
    return [fd.hit(q, end, "person", "caption-person", priority=1)]


def _co_authors(fd: Finder, e: int) -> list[Hit]:
    """记者 高若楠 聂思远: further names after a byline name, each after a space or 、 and
    ending at one, at a closing parenthesis or at the line end. So a word glued to 報道 is not
    one: it is the place filed from (記者 X 江北報道, where 江 is also a surname)."""
    n = fd.n
    out: list[Hit] = []
    while sep := re.match(r"[ 、]+", n[e:]):
        q = e + sep.end()
        end = _name_end(fd, q)
        if end is None or (end < len(n) and n[end] not in " 、\n)）"):
            break
        out.append(fd.hit(q, end, "person", "byline-person", priority=1))
        e = end
    return out


def _wire_dateline(fd: Finder, b: int, line: str) -> list[Hit]:
    """长江社重庆9月19日电: a wire story's dateline opens with its agency (a name ending in an
    outlet suffix), then the place filed from (a place by name, or none, or a place and an
    ``outlet_region_heads`` word: a regional edition, …网重庆频道) and the date with 电 or 讯;
    the outlet is the part before the place."""
    m = re.match(r"([\u3400-\u9fff]{3,16}?)\d{1,2}月\d{1,2}日(?:电|讯)", line)
    if not m:
        return []
    head = m.group(1)
    for k in range(3, len(head) + 1):
        if not any(head.endswith(s, 0, k) for s in fd.r.outlet_suffixes):
            continue
        if k == len(head) or any(
            head[pe - b :] in ("", *fd.r.outlet_region_heads) for pe in fd.places_at(b + k)
        ):  # 長江社 + 重慶, 神州網 + 重慶 + 頻道 (a regional edition)
            return [fd.hit(b, b + k, "company", "outlet", priority=1)]
    return []


def _outlet(fd: Finder, q: int, named: bool = False) -> list[Hit]:
    """The outlet at ``q``: a name ending in an outlet suffix (…日報, …網), or, when ``named``
    (來源: at the start of a dateline, where nothing but an outlet stands), any 3-12 Han
    characters up to a space or the line end (來源：渝中在線　2024-…)."""
    e = q
    while e < len(fd.n) and is_han(fd.n[e]) and e - q < 12:
        e += 1
    name = fd.n[q:e]
    if len(name) < 3:
        return []
    if not any(name.endswith(s) for s in fd.r.outlet_suffixes) and not (
        named and (e == len(fd.n) or fd.n[e] in " \n")
    ):
        return []
    channel = next((c for c in fd.r.outlet_channels if name.endswith(c)), "")
    if channel and len(name) - len(channel) >= 3:  # 渝江視聽 + 新聞頻道: the broadcaster
        e -= len(channel)
    return [fd.hit(q, e, "company", "outlet", priority=1)]


def _outlet_around(fd: Finder, b: int, role: str) -> list[Hit]:
    """海河觀察記者 / 記者（渝江財經）：: the outlet a byline role names. Before the role, the
    whole line start up to it (3-8 Han, not the head of a longer role: 責任 + 編輯); after it,
    3-8 Han in parentheses closed by a colon that do not read as a person's name."""
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    start = n.rfind("\n", 0, b) + 1
    while start < b and n[start] == " ":
        start += 1
    head = n[start:b]
    if 3 <= len(head) <= 8 and all(is_han(c) for c in head):
        longer = any(
            len(w) > len(role) and w.endswith(role) and n.endswith(w, 0, b + len(role))
            for w in r.byline_roles
        )
        rest = re.match(r"\s+", n[b + len(role) :])
        if not longer and rest and _name_end(fd, b + len(role) + rest.end()) is not None:
            hits.append(fd.hit(start, b, "company", "outlet", priority=1))
    q = b + len(role)
    par = re.match(r"[(（]([^()（）\s]{3,8})[)）]\s*[:：]", n[q:])
    if par and all(is_han(c) for c in par.group(1)) and _name_end(fd, q + 1) is None:
        hits.append(fd.hit(q + 1, q + 1 + len(par.group(1)), "company", "outlet", priority=1))
    return hits
