"""HTML markup in a source: what the cleaner removes or replaces, with exact raw spans.

An article saved from an outlet's page (``cqkg add page.html``) is text, but its tags,
scripts and entities are not the article. The raw bytes stay verbatim (``raw.txt``); this
module says which raw spans are markup and what each becomes, and the cleaner's character
pass applies them as edits of kind ``markup``, so every figure still points at the raw bytes
of its characters.

What becomes what, as a browser would show the page: ``<head>``, ``<script>``, ``<style>``,
``<noscript>``, ``<template>``, a site's ``<nav>``, ``<footer>``, ``<aside>`` and forms,
comments and declarations vanish; a block element's tag
(``<p>``, ``<div>``, ``<br>``, ``<h1>``, ``<li>``, ``<tr>``…) is a line end, so paragraphs stay
lines; a table cell after the first of its row opens with ``｜``, the separator of the
flattened tables the extractor already reads; other tags vanish; a character reference
(``&nbsp;``, ``&#8203;``, ``&amp;``) is its character (the character pass then folds or drops
it like any other); whitespace that the source wraps between two Han characters vanishes
(a browser joins them), other source whitespace runs are one space.

Why a tokenizer here and not ``html.parser``: the standard parser reports where a construct
starts (``getpos``) but not where it ends, and the offset map needs both. The tokens are few
and regular (tags, comments, references); ``html.unescape`` decodes the references, so no
entity table is written by hand. A source is treated as HTML only when it plainly is one
(``looks_like_html``): a plain-text article with a stray ``<`` keeps it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from graph.text import is_han

_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_CLOSING = re.compile(r"</(?:p|div|br|span|td|li|a|h[1-6])\s*>", re.I)
#: elements whose whole content is not the article (a site's menus and footer included, so
#: the article's headline is the page's first line, as in a plain-text source)
_DROPPED = (
    *("head", "script", "style", "noscript", "template", "svg", "iframe", "nav", "footer"),
    *("aside", "form", "button", "select"),
)
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details"),
        *("dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "summary", "table", "tbody", "thead", "tfoot", "title", "tr", "ul"),
    }
)
_CELLS = frozenset({"td", "th"})
_TOKEN = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<dropped><(?P<dname>" + "|".join(_DROPPED) + r")\b[^>]*>.*?(?:</(?P=dname)\s*>|\Z))"
    r"|(?P<decl><![^>]*>|<\?[^>]*>)"
    r"|(?P<tag></?(?P<name>[a-zA-Z][a-zA-Z0-9:-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)"
    r"|(?P<ref>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?)"
    r"|(?P<space>[ \t\r\n\f]+)",
    re.S | re.I,
)


@dataclass(frozen=True, slots=True)
class Markup:
    """Raw ``[begin, end)`` is markup and reads as ``text`` (often ``""`` or ``"\\n"``)."""

    begin: int
    end: int
    text: str
    why: str


def looks_like_html(raw: str) -> bool:
    """An HTML document (a doctype or an ``<html>``/``<head>``/``<body>`` tag first), or text
    with at least three closing tags of the common elements. A plain article that mentions
    ``<5ms`` or quotes one tag is not HTML."""
    return bool(_START.match(raw)) or len(_CLOSING.findall(raw, 0, 1_000_000)) >= 3


def find_markup(raw: str) -> list[Markup]:
    """The markup spans of ``raw`` in order (empty when it is not HTML)."""
    if not looks_like_html(raw):
        return []
    out: list[Markup] = []
    in_row = False  # a cell of the current table row was seen
    for m in _TOKEN.finditer(raw):
        b, e = m.span()
        kind = m.lastgroup
        if kind == "space":
            out.extend(_whitespace(raw, b, e))
        elif kind == "ref":
            text = html.unescape(m.group())
            if text != m.group():
                out.append(Markup(b, e, text, "character reference"))
        elif kind == "tag":
            name = m.group("name").lower()
            closing = m.group().startswith("</")
            if name in _CELLS and not closing:
                out.append(Markup(b, e, "｜" if in_row else "", "table cell"))
                in_row = True
            elif name == "tr" or name == "table":
                in_row = False
                out.append(Markup(b, e, "\n", "block element"))
            elif name in _BLOCKS:
                out.append(Markup(b, e, "\n", "block element"))
            else:
                out.append(Markup(b, e, "", "tag"))
        else:
            out.append(
                Markup(
                    b,
                    e,
                    "",
                    {"comment": "comment", "decl": "declaration"}.get(
                        kind or "", "non-text element"
                    ),
                )
            )
    return out


def visible_text(raw: str) -> str:
    """``raw`` with its markup applied (no other cleaning): what the Han-share check of
    ``ingest.decode`` measures, so a page heavy with scripts is still a Chinese document."""
    out, at = [], 0
    for m in find_markup(raw):
        out.append(raw[at : m.begin])
        out.append(m.text)
        at = m.end
    out.append(raw[at:])
    return "".join(out)


def _whitespace(raw: str, b: int, e: int) -> list[Markup]:
    """Source whitespace: a run between two Han characters vanishes, a run of more than one
    space or with a line end is one space, a single space stays as it is."""
    before = raw[b - 1] if b > 0 else ""
    after = raw[e] if e < len(raw) else ""
    if before and after and is_han(before) and is_han(after):
        return [Markup(b, e, "", "source line wrap")]
    if raw[b:e] == " ":
        return []
    return [Markup(b, e, " ", "source whitespace")]


def html_title(raw: str) -> str:
    """The page's title for ``cqkg add``: ``og:title``, else the first ``<h1>``, else
    ``<title>``, with tags and references resolved; "" when there is none."""
    for pattern in (
        r"<meta\b[^>]*property=[\"']og:title[\"'][^>]*content=[\"']([^\"']*)[\"']",
        r"<h1\b[^>]*>(.*?)</h1\s*>",
        r"<title\b[^>]*>(.*?)</title\s*>",
    ):
        m = re.search(pattern, raw, re.I | re.S)
        if m:
            text = html.unescape(re.sub(r"<[^>]*>", "", m.group(1)))
            text = " ".join(text.split())
            if text:
                return text
    return ""
