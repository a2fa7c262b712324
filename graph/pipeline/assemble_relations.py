"""Assemble, part 2: candidates the text named, mentions, posts and relations.

A candidate that a curated entry also names becomes that entry (curated wins); listed districts
keep their place id; everything else stays a ``cqo:Candidate`` with its rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.curation.periods import chongqing_districts
from graph.curation.registry import match_key
from graph.model import (
    Candidate,
    Finding,
    Level,
    Observation,
    Post,
    Relation,
)
from graph.namespaces import CQR, ORG
from graph.pipeline.assemble_iris import (
    CLASS_IRI,
    EDITION_RULE,
    STAGE,
    YEAR,
    both_scripts,
    edition_id,
    edition_year,
    entity_iri,
    script_of,
)
from graph.pipeline.assemble_nodes import Bundle, NodeBuilder
from graph.text import fold, slug, to_hans
from graph.vocab import CQO

_BRACKETS = re.compile(r"[《》〈〉\s]")
_REPORT = fold("報告")
DISTRICT_RULE = "manifest-district"
"""cqo:rule of a district place made for a manifest's area the text does not name."""
_KEY_YEAR = re.compile(r"\(((?:19|20)\d\d)年?(?:版|度)?\)")


def _report_key(name: str) -> str:
    """A report's name folded for comparison: one script, ASCII brackets, no 《》 or spaces."""
    return _BRACKETS.sub("", fold(name)).replace("（", "(").replace("）", ")")


class RelationBuilder(NodeBuilder):
    """Adds candidates, posts and relations to the nodes of :class:`NodeBuilder`."""

    def candidate_ids(self, b: Bundle) -> dict[str, tuple[str, str, Candidate | None]]:
        """Candidate id -> (resolved id, class, the candidate if it stays one) for one source.

        A curated entry with the same id or folded name wins, then the report edition a
        candidate document names; anything else stays a candidate. Pure: writes no node.
        """
        out: dict[str, tuple[str, str, Candidate | None]] = {}
        for cand in sorted(b.extraction.candidates, key=lambda c: (c.id, c.rule, c.label)):
            if cand.cls not in CLASS_IRI or cand.id in out:
                continue
            curated = self.registry.get(cand.id) or self.registry.get(
                self.registry_keys.get((cand.cls, match_key(cand.label)), "")
            )
            if curated is not None:
                out[cand.id] = (curated.id, curated.cls, None)
                continue
            edition = self._candidate_edition(cand)
            if edition is not None:
                out[cand.id] = (edition_id(edition), "document", None)
                continue
            out[cand.id] = (cand.id, cand.cls, cand)
        return out

    def resolve_candidates(self, b: Bundle) -> dict[str, URIRef]:
        """Candidate id -> node for one source: a curated entry or the edition wins, else the
        candidate becomes its own node (typed, both scripts, ``cqo:rule``, ``cqo:Candidate``)."""
        for cand in b.extraction.candidates:
            if cand.cls not in CLASS_IRI:
                self.findings.append(
                    Finding(
                        Level.WARNING,
                        STAGE,
                        "candidate-unknown-class",
                        f"candidate {cand.id!r} ({cand.label}) has unknown class {cand.cls!r}",
                        b.doc.id,
                    )
                )
        out: dict[str, URIRef] = {}
        for cid, (target, _cls, kept) in self.candidate_ids(b).items():
            if kept is not None:
                out[cid] = self.candidate(kept)
            elif edition_year(target) is not None and target not in self.registry:
                out[cid] = self.edition(edition_year(target) or "")
            else:
                out[cid] = self.entity(self.registry[target])
        for cand in b.extraction.candidates:  # every rule that found a kept candidate
            if out.get(cand.id) == entity_iri(cand.id) and cand.cls in CLASS_IRI:
                self.add((out[cand.id], CQO.rule, Literal(cand.rule)))
        return out

    def _place_id(
        self, entity_id: str, ids: Mapping[str, tuple[str, str, Candidate | None]]
    ) -> str:
        """The place an area or rank scope id names after candidate resolution, or ""."""
        if entity_id in ids:
            target, cls, _ = ids[entity_id]
            return target if cls == "place" else ""
        entity = self.registry.get(entity_id)
        return entity_id if entity is not None and entity.cls == "place" else ""

    def _resolve_places(
        self, b: Bundle, obs: Observation, ids: Mapping[str, tuple[str, str, Candidate | None]]
    ) -> Observation:
        """Area, scope and subject of a figure through this source's candidates; an area or
        scope that is no known place is reported and dropped (area: the source's default)."""
        area = self._place_id(obs.area, ids) if obs.area else b.doc.area
        if not area:
            self.finding(
                Level.WARNING,
                "area-unknown",
                f"area {obs.area!r} of {obs.stated_value!r} is no known place: "
                f"the source's area {b.doc.area!r} is used",
                b,
                obs,
            )
            area = b.doc.area
        scope = obs.rank_scope
        if scope:
            scope = self._place_id(scope, ids) or None
            if scope is None:
                self.finding(
                    Level.WARNING,
                    "scope-unknown",
                    f"rank scope {obs.rank_scope!r} of {obs.indicator!r} is no known place: "
                    "the observation has no scope",
                    b,
                    obs,
                )
        about = ids[obs.about][0] if obs.about and obs.about in ids else obs.about
        return replace(obs, area=area, rank_scope=scope, about=about)

    def _candidate_edition(self, cand: Candidate) -> str | None:
        """The edition year when a candidate document is an edition of the report itself."""
        template = self.edition_template
        if cand.cls != "document" or not cand.edition or template is None:
            return None
        old = edition_year(template.id) or ""
        wanted = _BRACKETS.sub("", fold(template.label.replace(old, cand.edition)))
        return cand.edition if _BRACKETS.sub("", fold(cand.label)) == wanted else None

    def candidate(self, cand: Candidate) -> URIRef:
        node = entity_iri(cand.id)
        if node in self.entities:
            return node
        self.entities.add(node)
        self.add((node, RDF.type, CLASS_IRI[cand.cls]))
        self.add((node, CQO.curationStatus, CQO.Candidate))
        self.labels(node, cand.label, lang=script_of(cand.lang))
        if cand.cls == "document" and cand.edition and YEAR.fullmatch(cand.edition):
            self.add((node, CQO.edition, Literal(cand.edition, datatype=XSD.gYear)))
        self.counts[f"entities.{cand.cls}"] += 1
        self.counts["entities"] += 1
        self.counts["candidates"] += 1
        return node

    def mention_target(
        self, b: Bundle, entity_id: str, surface: str, candidates: Mapping[str, URIRef]
    ) -> URIRef | None:
        if entity_id in self.registry:
            if edition_year(entity_id) is not None and not YEAR.search(surface):
                # the short name 《報告》 means the report this article covers: another
                # edition (the 2022 report must not become the 2023 report's mention) or
                # another series (a Tianjin article's 《报告》 is the Tianjin report)
                return self.covered if self.covered is not None else self.edition(b.edition)
            return self.entity(self.registry[entity_id])
        return candidates.get(entity_id)

    def area_place(self, b: Bundle) -> None:
        """The node of a manifest area that is a Chongqing district (``open_world.yaml``), not a
        registry place: a candidate place with the gazetteer's fixed id, so the figures' area
        is a typed, labelled node even when the text never names the district."""
        area = b.doc.area
        if area in self.registry or entity_iri(area) in self.entities:
            return
        names = {pid: name for name, pid in chongqing_districts().items()}
        if area not in names:
            return
        node = self.candidate(Candidate(area, "place", names[area], "zh-Hans", DISTRICT_RULE))
        self.add((node, CQO.rule, Literal(DISTRICT_RULE)))

    # -- the report an article covers ---------------------------------------------------
    def covered_report(self, b: Bundle, candidates: Mapping[str, URIRef]) -> URIRef:
        """The report edition the source is ``cqo:about``.

        The manifest's ``report`` names it when given (matched to an edition of the curated
        series, or to a report the text names, else a candidate document of its own). Without
        it: an edition of the curated series the text names, else another report edition
        the title names, else one the body names with the article's edition year, else the
        curated series' edition of that year (the product's default: the Chongqing report).
        Why not always the Chongqing report: a Sichuan or national report's coverage is not
        about it, and its 《报告》 must not become a mention of it.
        """
        named = self._named_reports(b)
        if b.doc.report:
            key = _report_key(b.doc.report)
            year = self._series_year(key)
            if year is not None:
                return self.edition(year)
            for k, cid in named:
                if k == key:
                    return candidates[cid]
            return self._manifest_report(b)
        if any(k == "" for k, _ in named):
            return self.edition(b.edition)
        title = _report_key(b.doc.title)
        for k, cid in named:
            if k and k in title:
                return candidates[cid]
        for k, cid in named:
            if k.endswith(f"({b.edition})"):
                return candidates[cid]
        return self.edition(b.edition)

    def _named_reports(self, b: Bundle) -> list[tuple[str, str]]:
        """(key, candidate id) of the report editions the text names, in text order; key ""
        for an edition of the curated series (registry or candidate resolved to it)."""
        ids = self.candidate_ids(b)
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for m in sorted(b.extraction.mentions, key=lambda m: (m.begin, m.end)):
            eid = m.entity_id
            if eid in seen:
                continue
            if eid in self.registry:
                if edition_year(eid) is not None and YEAR.search(m.surface):
                    seen.add(eid)
                    out.append(("", eid))
                continue
            target, cls, kept = ids.get(eid, ("", "", None))
            if edition_year(target) is not None:
                seen.add(eid)
                out.append(("", eid))
            elif kept is not None and cls == "document" and kept.edition:
                key = _report_key(kept.label)
                if _REPORT in key:
                    seen.add(eid)
                    out.append((key, eid))
        return out

    def _series_year(self, key: str) -> str | None:
        """The year when ``key`` names an edition of the curated series, else None."""
        template = self.edition_template
        m = _KEY_YEAR.search(key)
        if template is None or m is None:
            return None
        old = edition_year(template.id) or ""
        year = m.group(1)
        return year if _report_key(template.label.replace(old, year)) == key else None

    def _manifest_report(self, b: Bundle) -> URIRef:
        """A candidate document for a manifest ``report`` the text does not name."""
        label = _BRACKETS.sub("", b.doc.report)
        m = _KEY_YEAR.search(_report_key(label))
        # a name without its year (a serial report: 第56次…統計報告) is that year's edition of it:
        # the article's edition year (manifest, title or body), in the id as in cqo:edition
        year = m.group(1) if m else b.edition
        cid = f"document/{slug(fold(label))}" + ("" if m else f"-{year}")
        cand = Candidate(
            id=cid,
            cls="document",
            label=label,
            lang=script_of(b.doc.language),
            rule=EDITION_RULE,
            edition=year,
        )
        node = self.candidate(cand)
        self.add((node, CQO.rule, Literal(EDITION_RULE)))
        return node

    def predicate(self, curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        if prefix == "cqo":
            return URIRef(getattr(CQO, local))
        if prefix == "org":
            return URIRef(getattr(ORG, local))
        raise ValueError(f"unknown relation predicate {curie!r}")

    def ref(self, entity_id: str, candidates: Mapping[str, URIRef]) -> URIRef:
        """The node of a registry id, a candidate id of this source (possibly resolved to a
        curated entry or an edition), or any other resource id such as a post."""
        return candidates.get(entity_id) or entity_iri(entity_id)

    def _agency_name(self, b: Bundle, agency_id: str) -> tuple[str, str]:
        """(name in the source's script, English name or "") of a registry or candidate agency."""
        lang = script_of(b.doc.language)
        agency = self.registry.get(agency_id)
        if agency is not None:
            return (agency.label if lang == "zh-Hant" else to_hans(agency.label)), agency.en
        for cand in b.extraction.candidates:
            if cand.id == agency_id:
                hant, hans = both_scripts(cand.label, script_of(cand.lang))
                return (hant if lang == "zh-Hant" else hans), ""
        return "", ""

    def post(
        self,
        b: Bundle,
        post: Post,
        sentences: Mapping[str, URIRef],
        candidates: Mapping[str, URIRef],
    ) -> None:
        lang = script_of(b.doc.language)
        node = CQR[post.id]
        agency_label, agency_en = self._agency_name(b, post.agency)
        title_en = self.cur.title_en(post.title)
        self.add((node, RDF.type, ORG.Post))
        self.labels(
            node,
            f"{agency_label}{post.title}",
            f"{title_en}, {agency_en}" if agency_en and title_en else None,
            lang=lang,
        )
        role = CQR[f"role/{slug(post.title)}"]
        self.add((role, RDF.type, ORG.Role))
        self.labels(role, post.title, title_en or None, lang=lang)
        self.add((node, ORG.role, role))
        evidence = self.span(b, post.begin, post.end, sentences.get(post.sentence_id))
        agency = self.ref(post.agency, candidates)
        holder = self.ref(post.holder, candidates)
        self.assertion(node, ORG.postIn, agency, evidence, "post")
        self.assertion(holder, ORG.holds, node, evidence, "post")
        self.add((node, ORG.heldBy, holder))
        self.counts["posts"] += 1

    def relation(
        self,
        b: Bundle,
        rel: Relation,
        sentences: Mapping[str, URIRef],
        candidates: Mapping[str, URIRef],
    ) -> None:
        evidence = self.span(b, rel.begin, rel.end, sentences.get(rel.sentence_id))
        self.assertion(
            self.ref(rel.subject, candidates),
            self.predicate(rel.predicate),
            self.ref(rel.object, candidates),
            evidence,
            rel.rule,
        )
