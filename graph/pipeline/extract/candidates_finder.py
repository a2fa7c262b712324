"""The matching rules of ``extract.candidates``: ``Finder`` holds one folded text with its
boundaries and applies the name-by-suffix rules (places, agencies, companies) of the
``candidates`` module docstring, proposing ``Hit`` spans. The rules that read people
(``candidates_people``) and titled or quoted names (``candidates_titled``) are functions of a
``Finder``, split off by what they read; choosing between overlapping hits, and turning them
into candidates and mentions, is ``candidates.run``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from graph.curation.registry import Entity
from graph.model import Mention
from graph.pipeline.extract.candidates_rules import Folded, Rules
from graph.text import is_han

__all__ = ["STAGE", "Finder", "Hit", "is_name_char"]

STAGE = "extract.candidates"


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's proposal: the mention span and the label span (quotes may differ)."""

    begin: int
    end: int
    cls: str
    rule: str
    label: str  # as written, quotes that split a name dropped
    edition: str = ""
    priority: int = 0  # lower wins a tie on length
    cid: str = ""  # a fixed candidate id (a listed district), else derived from the label


def is_name_char(ch: str) -> bool:
    return is_han(ch) or (ch.isascii() and ch.isalnum())


class Finder:
    """The rules applied to one folded text; ``taken`` marks curated mention characters."""

    def __init__(
        self,
        folded: Folded,
        rules: Rules,
        curated: Sequence[Mention],
        registry: dict[str, Entity],
    ) -> None:
        self.f = folded
        self.n = folded.norm
        self.r = rules
        self.registry: dict[str, Entity] = registry
        self.taken = [False] * len(self.n)
        self.ends: dict[int, str] = {}  # end offset -> class of a curated mention ending there
        self.place_ends: set[int] = set()
        self.begins: dict[int, list[tuple[int, str]]] = {}  # begin -> [(end, class)]
        for m in curated:
            self.taken[m.begin : m.end] = [True] * (m.end - m.begin)
            cls = registry[m.entity_id].cls if m.entity_id in registry else ""
            self.ends[m.end] = cls
            if cls == "place":
                self.place_ends.add(m.end)
            self.begins.setdefault(m.begin, []).append((m.end, cls))

        n = self.n
        after_word = [False] * (len(n) + 1)  # a connector word ends here
        word_at = [False] * (len(n) + 1)  # a connector word starts here
        for w in rules.left_context:
            for occ in re.finditer(re.escape(w), n):
                after_word[occ.end()] = True
                word_at[occ.start()] = True
        self._left = [
            p == 0 or not is_name_char(n[p - 1]) or p in self.place_ends or after_word[p]
            for p in range(len(n) + 1)
        ]
        self._starts = [self._left[p] and not word_at[p] for p in range(len(n) + 1)]
        self._after_word = after_word
        # clause_body in O(1): stop characters counted by prefix sums; for every end offset the
        # latest start of a stop word that ends at or before it
        self._stops = [0]
        kept = [False] * len(n)  # inside a word that holds a stop character (數據要素)
        for occ in re.finditer("|".join(map(re.escape, rules.body_stop_exceptions)) or "(?!)", n):
            kept[occ.start() : occ.end()] = [True] * len(occ.group())
        for i, ch in enumerate(n):
            self._stops.append(self._stops[-1] + (ch in rules.body_stop_chars and not kept[i]))
        latest = [-1] * (len(n) + 1)
        for w in rules.body_stop_words:
            for occ in re.finditer(re.escape(w), n):
                latest[occ.end()] = max(latest[occ.end()], occ.start())
        for e in range(1, len(n) + 1):
            latest[e] = max(latest[e], latest[e - 1])
        self._word_before = latest
        self._places: dict[tuple[int, bool], list[int]] = {}
        # listed districts (萬州區 …): begin -> (end, place id), leftmost-longest, no overlap
        self.districts: dict[int, tuple[int, str]] = {}
        if rules.districts:
            alt = "|".join(re.escape(d) for d, _ in rules.districts)
            ids = dict(rules.districts)
            for occ in re.finditer(alt, n):
                self.districts[occ.start()] = (occ.end(), ids[occ.group()])
        # a proper place name may begin an agency even after a verb (從渝北區大數據發展局)
        self._name_starts = set(self.districts) | {
            b
            for b, ends in self.begins.items()
            for _e, cls in ends
            if cls == "place" and n[b] not in rules.place_stop_first  # not 全市新建…中心
        }
        self._by_first: dict[str, list[str]] = {}  # first character -> provinces and regions
        for word in (*rules.provinces, *rules.regions, *rules.cities):
            self._by_first.setdefault(word[0], []).append(word)

    # boundaries
    def left_ok(self, p: int) -> bool:
        """True when a name may start at ``p``."""
        return self._left[p]

    def starts(self, p: int) -> bool:
        """A name by suffix may start at ``p``: a boundary, and not a connector word itself
        (由成都市人民政府 is 由 + the agency)."""
        return self._starts[p]

    def right_ok(self, e: int) -> bool:
        if e >= len(self.n) or not is_name_char(self.n[e]) or self.taken[e]:
            return True
        return any(self.n.startswith(w, e) for w in (*self.r.name_followers, *self.r.left_context))

    def free(self, b: int, e: int) -> bool:
        return not any(self.taken[b:e])

    def clause_body(self, b: int, e: int) -> bool:
        """A stretch that may be the inside of a name (no stop characters or words)."""
        if self._stops[e] - self._stops[b]:
            return False
        return self._word_before[e] < b

    # places
    def places_at(self, p: int, regions: bool = True) -> list[int]:
        """Ends of place names starting at ``p`` (provinces, regions, <X><suffix>).

        Without ``regions``: only administrative places (a region such as 西部 does not
        start an agency's name: 西部智算中心 is a facility)."""
        key = (p, regions)
        if key not in self._places:
            self._places[key] = self._places_at(p, regions)
        return self._places[key]

    def _places_at(self, p: int, regions: bool) -> list[int]:
        n, r = self.n, self.r
        ends: list[int] = []
        if p >= len(n) or not is_han(n[p]):
            return ends
        for prov in self._by_first.get(n[p], ()):
            if prov in r.provinces and n.startswith(prov, p):
                q = p + len(prov)
                suf = next((s for s in r.province_suffixes if n.startswith(s, q)), "")
                ends.append(q + len(suf))
        for city in self._by_first.get(n[p], ()):
            if city in r.cities and n.startswith(city, p):  # 貴陽, 貴陽市
                q = p + len(city)
                ends.append(q + (1 if n.startswith("市", q) else 0))
        for reg in self._by_first.get(n[p], ()) if regions else ():
            if reg in r.regions and n.startswith(reg, p):
                ends.append(p + len(reg))
        if p in self.districts:
            ends.append(self.districts[p][0])
        if p < len(n) and n[p] not in r.place_stop_first:
            for size in (2, 3):
                x = n[p : p + size]
                if (
                    len(x) < size
                    or not all(is_han(c) and c not in r.place_stop_first for c in x[1:])
                    or not is_han(x[0])
                    or not self.clause_body(p, p + size)
                ):
                    continue
                for suf in r.place_suffixes:
                    if n.startswith(suf, p + size):
                        name = x + suf
                        if suf in r.place_listed_suffixes:
                            break  # <X>區 / <X>縣: only listed names (偏遠山區 is none)
                        if name not in r.place_not_names and not any(
                            name.endswith(g) for g in r.place_generic_endings
                        ):
                            ends.append(p + size + len(suf))
                        break
        return sorted(set(ends), reverse=True)

    def place_hits(self) -> list[Hit]:
        """Places by name. A region (京津冀, 長三角) is no candidate: it is a ranking scope the
        registry curates (西部, 成渝) or none, not a named place of the article (the fixtures'
        readers never list one). A province right before a place of its own (天津 + 濱海新區)
        is part of that place's name."""
        hits: list[Hit] = []
        provinces = set(self.r.provinces)
        for p in range(len(self.n)):
            if not self.starts(p) and p not in self.districts:
                continue
            for e in self._with_bare_provinces(p, self.places_at(p, regions=False)):
                if self.n[p:e] in provinces and p not in self.districts:
                    e = next(iter(self._own_place(e)), e)
                if not any(self.n.startswith(g, e) for g in self.r.place_right_guards):
                    hit = self.hit(p, e, "place", "place-name", priority=4)
                    if p in self.districts and self.districts[p][0] == e:
                        hit = replace(hit, cid=self.districts[p][1])
                    hits.append(hit)
                    break
        return hits

    def zone_hits(self) -> list[Hit]:
        """Development zones named after their place (涪陵高新區, 成都經開區): a listed
        district without its suffix (anywhere: the list is closed) or a province or city of
        the lists (after a left boundary), then a ``zone_heads`` word. A zone is a place: it has
        a territory and a committee, and articles locate firms in it."""
        n, r = self.n, self.r
        stems = [  # 涪陵 of 涪陵區; a one-character stem (忠 of 忠縣) or an 自治縣 is too loose
            d[:-1]
            for d, _ in r.districts
            if d[-1] in r.place_listed_suffixes and len(d) >= 3 and not d[:-1].endswith("自治")
        ]
        by_first: dict[str, list[str]] = {}  # the stems by their first character, in order
        for stem in stems:
            by_first.setdefault(stem[0], []).append(stem)
        hits: list[Hit] = []
        for p in range(len(n)):
            ends = [p + len(s) for s in by_first.get(n[p], ()) if n.startswith(s, p)]
            if self.starts(p):
                ends += [p + len(w) for w in (*r.provinces, *r.cities) if n.startswith(w, p)]
                ends += [e for e in self.places_at(p, regions=False) if n[e - 1] == "市"]
            for e in sorted(set(ends), reverse=True):
                head = next((h for h in r.zone_heads if n.startswith(h, e)), None)
                if head is not None:
                    hits.append(self.hit(p, e + len(head), "place", "zone-name", priority=4))
                    break
        return hits

    def _with_bare_provinces(self, p: int, ends: list[int]) -> list[int]:
        """``ends`` with, right after a province with its suffix (澳門市), the province alone
        (澳門): when a word runs on from the suffix character (澳門市場, 四川省內 are the
        province's market and interior, not a city 澳門市), the guard drops the suffixed form and
        the province itself is still the place the text names."""
        out: list[int] = []
        for e in ends:
            out.append(e)
            name = self.n[p:e]
            for prov in self.r.provinces:
                if (
                    name != prov
                    and name.startswith(prov)
                    and name[len(prov) :] in self.r.province_suffixes
                ):
                    out.append(p + len(prov))
        return out

    def _own_place(self, q: int) -> list[int]:
        """The end of <X><suffix> right at ``q`` (濱海新區 after 天津), not a listed district (a
        district of Chongqing has its own id, 重慶渝北區 stays two names) nor a province."""
        if q in self.districts or any(self.n.startswith(w, q) for w in self.r.provinces):
            return []
        return self.places_at(q, regions=False)[:1]

    # agencies
    def agency_hits(self) -> list[Hit]:
        n, r = self.n, self.r
        hits: list[Hit] = []
        for p in range(len(n)):
            if not self.starts(p) and p not in self._name_starts:
                continue
            if any(n.startswith(g, p) for g in r.agency_prefix_guards):
                prefixes: set[int] = set()  # 區域格局: 區 begins a word here, not a name
            else:
                prefixes = {p + len(w) for w in r.agency_prefixes if n.startswith(w, p)}
            specific = set(self.places_at(p, regions=False)) | {
                e for e, cls in self.begins.get(p, []) if cls == "place" and n[p:e] not in r.regions
            }
            for q in sorted(prefixes | specific):
                end = self._agency_end(q, bare=q in specific)
                if end is None or n[p:end] in r.agency_not_names or self._quantified(p, q):
                    continue
                if any(n.endswith(v, 0, end) for v in r.venue_heads):  # …國際會議中心
                    hits.append(self.hit(p, end, "place", "venue-name", priority=2))
                else:
                    hits.append(self.hit(p, end, "agency", "agency-suffix", priority=2))
        return hits

    def _quantified(self, p: int, q: int) -> bool:
        """The name at ``p`` (its body at ``q``, after the prefix or place) begins with a
        quantifier (``name_quantifiers``): 全市 + 大部分數據中心 says how many of a kind the
        city has, so what follows is a generic noun, not the body of an agency."""
        return any(
            self.n.startswith(w, p) or self.n.startswith(w, q) for w in self.r.name_quantifiers
        )

    def _agency_end(self, q: int, bare: bool) -> int | None:
        n, r = self.n, self.r
        for size in range(0, r.agency_body_max + 1):
            s = q + size
            if size and (not is_han(n[s - 1]) or not self.clause_body(q, s)):
                return None
            if s >= len(n):
                return None
            for suf in r.agency_suffixes if size else r.agency_bare_suffixes:
                if not n.startswith(suf, s) or (not size and not bare):
                    continue
                if any(n.startswith(g, s) for g in r.agency_suffix_guards):
                    continue
                if self._ends_a_verb(q, s, s + len(suf)):
                    continue  # 兩江新區舉辦: 辦 completes the verb 舉辦, it is no suffix
                if n[q : s + len(suf)] in r.agency_not_names:
                    continue
                if any(n.endswith(x, 0, s + len(suf)) for x in r.agency_not_endings):
                    continue  # 區域格局, 產業布局: a generic noun, not a name
                return self._run_on(self._chunk(self._extend(s + len(suf), r.agency_suffixes)))
        return None

    def _run_on(self, e: int) -> int:
        """中共重慶市委 + 網絡安全和信息化 + 委員會辦公室: a committee's own body is named after
        its parent (市委, 市人民政府), so a name that ends there may run on to a longer one ending
        in ``agency_run_on_suffixes``, through a clean body of Han characters and unless a title
        (局長) or a connector (和, 聯合) starts the stretch: 重慶市委 cut out of the full name would
        be a different (and wrong) agency."""
        n, r = self.n, self.r
        if any(n.startswith(t, e) for t, _ in r.titles) or any(
            n.startswith(w, e) for w in r.left_context
        ):
            return e
        for size in range(1, r.agency_body_max + 1):
            s = e + size
            if s >= len(n) or not is_han(n[s - 1]) or not self.clause_body(e, s):
                return e
            for suf in r.agency_run_on_suffixes:
                if n.startswith(suf, s) and not self._ends_a_verb(e, s, s + len(suf)):
                    return self._extend(s + len(suf), r.agency_suffixes)
        return e

    def _ends_a_verb(self, q: int, s: int, e: int) -> bool:
        """A stop word or connector (舉辦, 主辦) that starts inside the body ``[q, s)`` and
        ends at ``e`` makes the suffix at ``s`` the end of a verb."""
        n, r = self.n, self.r
        return any(
            len(v) > e - s and q <= e - len(v) < s and n.endswith(v, 0, e)
            for v in (*r.body_stop_words, *r.left_context)
        )

    def _chunk(self, e: int) -> int:
        """四川省委 + 網信辦: a short further name (2-4 characters ending in a suffix) goes on,
        unless a title (局長) or a connector (和) starts there."""
        n, r = self.n, self.r
        if any(n.startswith(t, e) for t, _ in r.titles) or any(
            n.startswith(w, e) for w in r.left_context
        ):
            return e
        for size in range(2, 5):
            s = e + size
            if s > len(n) or not all(is_han(c) for c in n[e:s]) or not self.clause_body(e, s):
                return e
            suf = next((x for x in r.agency_suffixes if n.endswith(x, 0, s)), None)
            if suf is not None and not any(n.startswith(g, s - 2) for g in r.agency_suffix_guards):
                return self._longer_suffix(s - len(suf), s)
        return e

    def _longer_suffix(self, b: int, e: int) -> int:
        """新聞 + 辦 + 公室: the suffix that ends a short further name at ``e`` may be the head
        of a longer one starting at ``b`` (辦公室, 委員會); the name ends with the longest,
        else a …辦公室 name is cut after 辦 and the whole office is missed."""
        longer = [s for s in self.r.agency_suffixes if b + len(s) > e and self.n.startswith(s, b)]
        return b + max(map(len, longer)) if longer else e

    def _extend(self, e: int, suffixes: Iterable[str]) -> int:
        """Longer official names go on: …委員會辦公室, …科技有限公司; not into a title that
        starts with a suffix character (市大數據局 + 局長: the 局 of 局長 is read once)."""
        while True:
            nxt = next((s for s in suffixes if self.n.startswith(s, e)), None)
            if nxt is None or any(self.n.startswith(g, e) for g in self.r.agency_suffix_guards):
                return e
            if any(self.n.startswith(t, e) for t, _ in self.r.titles):
                return e
            e += len(nxt)

    # facilities
    def facility_hits(self) -> list[Hit]:
        """``<place or region><body><facility head>`` (西部智算中心), or the same right after a
        curated name (成渝國家樞紐節點 + 天府數據中心集群): a built facility is a project, as the
        registry classes 重慶數據中心集群. The name must start with a place word (a bare 新建
        智算中心 is a description) or follow a curated name, and the body be a clean 0-6 Han."""
        n, r = self.n, self.r
        hits: list[Hit] = []
        for head in r.facility_heads:
            for m in re.finditer(re.escape(head), n):
                s = m.start()
                for p in range(max(0, s - r.facility_body_max - 4), s - 1):
                    if not all(is_han(c) for c in n[p:s]) or not self.clause_body(p, s):
                        continue
                    placed = self.left_ok(p) and any(e <= s for e in self.places_at(p))
                    if placed or (p in self.ends and self.ends[p] != "place"):
                        hits.append(self.hit(p, m.end(), "project", "facility-name", priority=2))
                        break
        return hits

    # named sites
    def site_hits(self) -> list[Hit]:
        """``<locative word><name><site head>`` (在永川大數據產業園): a named site is a place,
        found where the text uses it as a location; its other occurrences (…產業園入駐企業) are
        mentions of it. The name starts right after the locative word and is a clean body of
        Han characters that does not read as a kind of park (數字經濟產業園: a generic first
        word of ``company_not_bodies``, or a first character of ``place_stop_first``)."""
        n, r = self.n, self.r
        hits: list[Hit] = []
        for word in r.site_locatives:
            for m in re.finditer(re.escape(word), n):
                p = m.end()
                if p >= len(n) or n[p] in r.place_stop_first:
                    continue
                if any(n.startswith(g, p) for g in r.company_not_bodies):
                    continue
                for size in range(2, r.site_body_max + 1):
                    s = p + size
                    if s > len(n) or not is_han(n[s - 1]) or not self.clause_body(p, s):
                        break
                    head = next((h for h in r.site_heads if n.startswith(h, s)), None)
                    if head is not None:
                        hits.append(self.hit(p, s + len(head), "place", "site-name", priority=4))
                        break
        return hits

    # companies
    def company_hits(self) -> list[Hit]:
        hits: list[Hit] = []
        for p in range(len(self.n)):
            if self.starts(p) and (end := self.company_end(p)) is not None:
                hits.append(self.hit(p, end, "company", "company-suffix", priority=3))
        return hits

    # research institutes
    def institute_hits(self) -> list[Hit]:
        """``<name><institute suffix>`` (巴渝數字經濟研究院) after a left boundary: an agency,
        the fixtures' class for a research body, with no place prefix (a name such as 巴渝 is no
        place of the lists, so ``agency_hits`` cannot start it). Why a suffix this specific and
        not 院 or 中心 alone: 研究院 names a body, a bare 院/中心 ends many words. The body is a
        clean run of name characters with no connector inside, opening with a name of its own: a
        body that starts with a kind (``institute_not_bodies`` or ``company_not_bodies``: 數字經濟
        研究院, 科研院) or a suffix that runs on (研究院所) makes none. A name never starts right
        after a curated place: the place is its head (重慶西部數智研究院, not 西部數智研究院), and
        places inside it are part of it (``may_swallow``). A fallback for names no place starts:
        an ``agency-suffix`` name over the same characters wins (priority 3)."""
        n, r = self.n, self.r
        kinds = r.institute_not_bodies | r.company_not_bodies
        hits: list[Hit] = []
        for p in range(len(n)):
            if not self.starts(p) or not is_name_char(n[p]) or p in self.place_ends:
                continue  # after a curated place the name starts with it (重慶 + 西部數智研究院)
            for size in range(2, r.institute_body_max + 1):
                s = p + size
                if s > len(n) or not is_name_char(n[s - 1]) or not self.clause_body(p, s):
                    break
                if self._after_word[s - 1] and s - 1 > p:
                    break  # 與巴渝…: a connector inside; the name starts after it
                suf = next((x for x in r.institute_suffixes if n.startswith(x, s)), None)
                if suf is None:
                    continue
                end = s + len(suf)
                body = n[p:s]
                guarded = any(
                    n.startswith(g, k) for k in range(s, end) for g in r.agency_suffix_guards
                )  # 研究院所, 研究院士: the suffix runs on into another word
                if not guarded and not any(
                    body.startswith(w) or (body.endswith(w) and len(body) - len(w) < 2)
                    for w in kinds
                ):
                    hits.append(self.hit(p, end, "agency", "institute-suffix", priority=3))
                break
        return hits

    def company_end(self, p: int) -> int | None:
        """The end of a company name by suffix starting at ``p``, or None."""
        n, r = self.n, self.r
        if p >= len(n) or not is_name_char(n[p]):
            return None
        for size in range(r.company_body_min, r.company_body_max + 1):
            s = p + size
            if s > len(n) or not is_name_char(n[s - 1]) or not self.clause_body(p, s):
                return None
            if self._after_word[s - 1] and s - 1 > p:
                return None  # 活動由華為…: a connector inside; the name starts after it
            suf = next((x for x in r.company_suffixes if n.startswith(x, s)), None)
            if suf is None:
                continue
            body = n[p:s]
            if body in r.company_not_bodies or any(
                body.endswith(w) and len(body) - len(w) < 2 for w in r.company_not_bodies
            ):
                return None
            end = self._extend(s + len(suf), r.company_suffixes)
            if n[end - len(suf) : end] not in r.company_weak_suffixes or self.right_ok(end):
                return end
            return None
        return None

    def hit(self, b: int, e: int, cls: str, rule: str, priority: int) -> Hit:
        return Hit(b, e, cls, rule, self.f.text[b:e], priority=priority)
