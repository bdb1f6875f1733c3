"""The Markdown structure of a document body, from one CommonMark parse shared by every rule.

`scan(doc)` parses the body once with markdown-it-py (memoised on the document) and returns where
its code, HTML, comments, headings and links are, as character offsets into `doc.text`, plus the
ranges prose rules must not read. Block positions come from the parser's line maps; inline ones
(code spans, links, raw HTML, entities) are recorded by thin wrappers around the parser's own
inline rules, so links, anchors, prose masking and suppression comments cannot disagree.

Files that are not Markdown by name (`.txt`) are read with indented code blocks turned off: a
four-space indent there is prose.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.entities import entities as _ENTITIES
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.common.utils import MD_TRIM_CHARS

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx"}
_MEMO = "lint.text.markdown"  # key of the scan in Document.memo
_ENV = "hrlint"  # key of the collector in the parser's env


@dataclass(frozen=True, slots=True)
class Code:
    kind: str  # "fence", "indented" or "span"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Html:
    kind: str  # "block" or "inline"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment outside code; `text` is what lies between `<!--` and `-->` (or the end of
    its HTML block when it is not closed)."""

    start: int
    end: int
    text: str
    closed: bool


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str  # as rendered (markup removed)
    anchor: str  # GitHub's, unique in the document
    setext: bool
    start: int  # the heading's lines
    end: int


@dataclass(frozen=True, slots=True)
class Link:
    kind: str  # "link", "image", "definition", "autolink", "email" or "html" (href/src)
    destination: str  # as written (without angle brackets)
    start: int  # span of the destination
    end: int


@dataclass(frozen=True, slots=True)
class MarkdownScan:
    start: int  # the body
    end: int
    code: tuple[Code, ...]
    html: tuple[Html, ...]
    comments: tuple[Comment, ...]
    headings: tuple[Heading, ...]
    html_anchors: tuple[str, ...]  # id and name attributes of HTML tags
    links: tuple[Link, ...]
    hidden: tuple[tuple[int, int], ...]  # not prose: code, HTML, link destinations, entities (sorted, disjoint)

    @property
    def anchors(self) -> list[str]:
        """Every anchor a link may name: headings first, then HTML ids."""
        return [h.anchor for h in self.headings] + list(self.html_anchors)


def scan(doc: Any) -> MarkdownScan:
    """The scan of a Document's body (computed once per document)."""
    found = doc.memo.get(_MEMO)
    if found is None:
        indented = doc.path.suffix.lower() in MARKDOWN_SUFFIXES
        found = doc.memo[_MEMO] = scan_text(doc.text, doc.body_start, indented)
    return found


# --- parsing --------------------------------------------------------------------------------


class _Collector:
    """What the wrapped rules record during one parse (inline offsets are into the block's content)."""

    __slots__ = ("block", "definitions", "inline")

    def __init__(self) -> None:
        self.block: Any = None  # the inline token being parsed
        self.inline: list[tuple] = []  # (block token, kind, start, end, extra)
        self.definitions: list[tuple] = []  # (first line, end line, (destination, start, end) or None)


def _record(kind: str, fn: Callable) -> Callable:
    def rule(state, silent: bool) -> bool:
        if silent:
            return fn(state, True)
        start = state.pos
        count = len(state.tokens)
        if not fn(state, False):
            return False
        collector = state.env[_ENV]
        if kind == "span" and (len(state.tokens) == count or state.tokens[-1].type != "code_inline"):
            return True  # a backtick run without a closer: text
        extra = None
        if kind in ("link", "image"):
            extra = _link_parts(state, start, kind == "image")
        collector.inline.append((collector.block, kind, start, state.pos, extra))
        return True

    return rule


def _link_parts(state, start: int, image: bool) -> tuple[int, int, int] | None:
    """(label end, destination start, destination end) of the link the rule just read, in the
    block's content; the destination is (-1, -1) for a reference link."""
    end, limit = state.pos, state.posMax
    label_end = state.md.helpers.parseLinkLabel(state, start + 1 if image else start, not image)
    state.pos = end
    src = state.src
    if label_end < 0:
        return None
    pos = label_end + 1
    if pos < limit and src[pos] == "(" and src[end - 1] == ")":
        pos += 1
        while pos < limit and src[pos] in " \t\n":
            pos += 1
        res = state.md.helpers.parseLinkDestination(src, pos, limit)
        if res.ok and res.pos > pos:
            if src[pos] == "<":
                return label_end, pos + 1, res.pos - 1
            return label_end, pos, res.pos
    return label_end, -1, -1


def _reference(fn: Callable) -> Callable:
    """The reference-definition block rule, recording each definition's lines and destination."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not fn(state, start_line, end_line, silent):
            return False
        if not silent:
            # the rule reads each line from its first non-blank character: do the same
            pieces = [(state.bMarks[n] + state.tShift[n], state.eMarks[n] + 1) for n in range(start_line, state.line)]
            text = "".join(state.src[a:b] for a, b in pieces)
            pos = _label_end(text) + 2
            while pos < len(text) and text[pos] in " \t\n":
                pos += 1
            res = state.md.helpers.parseLinkDestination(text, pos, len(text))
            dest = None
            if res.ok:
                a, b = (pos + 1, res.pos - 1) if text[pos] == "<" else (pos, res.pos)
                for first, last in pieces:  # a destination never spans lines
                    if a < last - first:
                        dest = (text[a:b], first + a, first + b)
                        break
                    a, b = a - (last - first), b - (last - first)
            state.env[_ENV].definitions.append((start_line, state.line, dest))
        return True

    return rule


def _label_end(text: str) -> int:
    pos = 1
    while text[pos] != "]":
        pos += 2 if text[pos] == "\\" else 1
    return pos


def _inline_core(state) -> None:
    """markdown-it's core `inline` rule, telling the collector which block is being parsed."""
    collector = state.env[_ENV]
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            collector.block = token
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _parser(indented_code: bool) -> MarkdownIt:
    """CommonMark with the recording rules. Emphasis is off (it changes no position: links, code
    and HTML take precedence over it; headings that use it are rendered again by `_emphasis`) and
    link destinations are not percent-encoded (only their source is used)."""
    md = MarkdownIt("commonmark")
    md.core.ruler.at("inline", _inline_core)
    md.disable(["text_join", "emphasis", "balance_pairs", "fragments_join"])
    md.normalizeLink = md.normalizeLinkText = _same  # type: ignore[method-assign]
    if not indented_code:
        md.disable("code")
    for name, kind in (
        ("backticks", "span"),
        ("link", "link"),
        ("image", "image"),
        ("autolink", "autolink"),
        ("html_inline", "html"),
        ("entity", "entity"),
    ):
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)]
        md.inline.ruler.at(name, _record(kind, rule.fn), {"alt": rule.alt})
    rule = md.block.ruler.__rules__[md.block.ruler.__find__("reference")]
    md.block.ruler.at("reference", _reference(rule.fn), {"alt": rule.alt})
    return md


def _same(url: str) -> str:
    return url


_PARSERS: dict[bool, MarkdownIt] = {}
_FULL: list[MarkdownIt] = []


def _emphasis(content: str, env: dict) -> list:
    """The inline tokens of a heading's text, emphasis included."""
    if not _FULL:
        _FULL.append(MarkdownIt("commonmark"))
    return _FULL[0].parseInline(content, env)[0].children or []


# --- the scan -------------------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n?")
_ATTRIBUTE = re.compile(r"""\s([A-Za-z_:][A-Za-z0-9:._-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_RAW_TEXT = {"script", "style"}  # elements whose content is never shown
_ENTITY = re.compile(r"&(?:#(?:[xX][0-9a-fA-F]{1,6}|[0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));")


def scan_text(text: str, start: int = 0, indented_code: bool = True) -> MarkdownScan:
    """Scan `text[start:]` as a Markdown body; every offset is into `text`."""
    body = text[start:]
    if "\r" in body or "\0" in body:  # the parser's own normalisation, done here to map it back
        norm = _NEWLINE.sub("\n", body).replace("\0", "\ufffd")
        to_source = _Unnormalise(body, norm, start)
    else:
        norm, to_source = body, _Shift(start)
    if _PLAIN.search(norm) is None:  # nothing but paragraphs: only entities to find
        hidden = tuple((to_source(a), to_source(b)) for a, b in _merged(_entities(norm, 0, len(norm))))
        return MarkdownScan(start, len(text), (), (), (), (), (), (), hidden)
    md = _PARSERS.get(indented_code) or _PARSERS.setdefault(indented_code, _parser(indented_code))
    collector = _Collector()
    env = {_ENV: collector}
    tokens = md.parse(norm, env)
    return _Builder(norm, collector, to_source).build(tokens, env, start, len(text))


# Where none of these occurs, a body has no code, HTML, link, heading or escape: its blocks are
# paragraphs (lists, quotes, rules) whose only construct that matters here is an entity.
_PLAIN = re.compile(r"[`~<\[\\#=\-\t]| {4}")


def _entities(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the entities markdown-it decodes (numeric, or a known name) in text[a:b]."""
    return [m.span() for m in _ENTITY.finditer(text, a, b) if m.group(1) is None or m.group(1) in _ENTITIES]


class _Shift:
    __slots__ = ("start",)

    def __init__(self, start: int) -> None:
        self.start = start

    def __call__(self, offset: int) -> int:
        return self.start + offset


class _Unnormalise:
    """Offsets in the normalised body (one \\n per line break) back to offsets in the text."""

    def __init__(self, body: str, norm: str, start: int) -> None:
        self.norm_starts = _line_starts(norm)
        self.starts = [start] + [start + m.end() for m in re.finditer(r"\r\n?|\n", body)]

    def __call__(self, offset: int) -> int:
        line = bisect_right(self.norm_starts, offset) - 1
        return self.starts[line] + offset - self.norm_starts[line]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


class _Builder:
    """Turns the tokens and the collector's records into a MarkdownScan (offsets first in the
    normalised body, then in the text)."""

    def __init__(self, norm: str, collector: _Collector, to_source: Callable[[int], int]) -> None:
        self.norm, self.collector, self.to_source = norm, collector, to_source
        self.starts = _line_starts(norm)
        self.code: list[tuple[str, int, int]] = []
        self.html: list[tuple[str, int, int]] = []
        self.comments: list[tuple[int, int, str, bool]] = []  # span, text inside, closed
        self.links: list[tuple[str, int, int]] = []
        self.anchors: list[str] = []
        self.hidden: list[tuple[int, int]] = []
        self.atx: set[int] = set()  # ids of the inline tokens of ATX headings

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """Lines [first, last): from the first one's start to the end of the last one."""
        starts = self.starts
        end = starts[last] - 1 if last < len(starts) else len(self.norm)
        return starts[first], max(end, starts[first])

    def build(self, tokens: list, env: dict, start: int, end: int) -> MarkdownScan:
        headings = []
        counts: dict[str, int] = {}
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "fence" or kind == "code_block":
                a, b = self.line_span(*token.map)
                self.code.append(("fence" if kind == "fence" else "indented", a, b))
                self.hidden.append((a, b))
            elif kind == "html_block":
                a, b = self.line_span(*token.map)
                self.html.append(("block", a, b))
                self.html_block(a, b)
            elif kind == "heading_open":
                inline = tokens[i + 1]
                setext = token.markup in ("=", "-")
                if not setext:
                    self.atx.add(id(inline))
                words = _rendered(
                    _emphasis(inline.content, env)
                    if "*" in inline.content or "_" in inline.content
                    else inline.children or []
                )
                slug = _slug(words)
                n = counts.get(slug, 0)
                counts[slug] = n + 1
                headings.append(
                    (int(token.tag[1]), words, f"{slug}-{n}" if n else slug, setext, *self.line_span(*token.map))
                )
        self.inline()
        for first, last, dest in self.collector.definitions:
            self.hidden.append(self.line_span(first, last))
            if dest is not None and dest[0]:
                self.links.append(("definition", dest[1], dest[2]))
        src, norm = self.to_source, self.norm
        return MarkdownScan(
            start,
            end,
            tuple(Code(k, src(a), src(b)) for k, a, b in sorted(self.code, key=_second)),
            tuple(Html(k, src(a), src(b)) for k, a, b in sorted(self.html, key=_second)),
            tuple(Comment(src(a), src(b), inner, closed) for a, b, inner, closed in sorted(self.comments)),
            tuple(
                Heading(level, words, anchor, setext, src(a), src(b)) for level, words, anchor, setext, a, b in headings
            ),
            tuple(self.anchors),
            tuple(Link(k, norm[a:b], src(a), src(b)) for k, a, b in sorted(self.links, key=_second)),
            tuple((src(a), src(b)) for a, b in _merged(self.hidden)),
        )

    # --- inline constructs ------------------------------------------------------------------

    def inline(self) -> None:
        mappers: dict[int, Callable[[int], int]] = {}
        for block, kind, s, e, extra in self.collector.inline:
            mapper = mappers.get(id(block))
            if mapper is None:
                mapper = mappers[id(block)] = self.mapper(block)
            content = block.content
            a, b = mapper(s), mapper(e - 1) + 1
            if kind == "entity":
                self.hidden.append((a, b))
            elif kind == "span":
                self.code.append(("span", a, b))
                self.hidden.append((a, b))
            elif kind == "html":
                self.html.append(("inline", a, b))
                self.hidden.append((a, b))
                tag = content[s:e]
                if tag.startswith("<!--"):  # closed: the parser reads no other
                    self.comments.append((a, b, tag[4:-3] if len(tag) >= 7 else "", True))
                else:
                    self.attributes(tag, lambda offset, s=s, to_body=mapper: to_body(s + offset))
            elif kind == "autolink":
                self.hidden.append((a, b))
                self.links.append(("autolink" if ":" in content[s:e] else "email", a + 1, b - 1))
            elif extra is not None:  # link or image
                label_end, ds, de = extra
                if e > label_end + 1:
                    self.hidden.append((mapper(label_end + 1), b))
                if ds >= 0:
                    self.links.append((kind, mapper(ds), mapper(ds) + de - ds))

    def mapper(self, block) -> Callable[[int], int]:
        """Offsets in an inline token's content to offsets in the body. Each content line is the
        end of its source line (the first one trimmed of leading blanks, the last of trailing
        ones); an ATX heading's text lies between its hashes and closing sequence."""
        norm, content = self.norm, block.content
        first_line, last_line = block.map
        lines = content.split("\n")
        if id(block) in self.atx:
            a, b = self.line_span(first_line, first_line + 1)
            hashes = norm.find("#", a, b)
            while hashes < b and norm[hashes] == "#":
                hashes += 1
            at = norm.find(content, hashes, b)
            at = at if at >= 0 else a
            return lambda offset: at + offset
        bases: list[tuple[int, int, int]] = []  # (content offset, body offset, virtual spaces) per line
        offset, line, last = 0, first_line, len(lines) - 1
        for j, text in enumerate(lines):
            while True:
                a, b = self.line_span(line, line + 1)
                end = b if j < last else a + len(norm[a:b].rstrip(MD_TRIM_CHARS))
                at, virtual = end - len(text), 0
                if norm.startswith(text, at) and at >= a:
                    break
                stripped = text.lstrip(" ")  # a tab partly taken as indentation became spaces
                at, virtual = end - len(stripped), len(text) - len(stripped)
                if norm.startswith(stripped, at) and at >= a:
                    break
                if j == 0 and line + 1 < last_line - last:  # a leading line trimmed away entirely
                    line += 1
                    continue
                at, virtual = a, 0  # unexpected layout: the line's start
                break
            bases.append((offset, at, virtual))
            offset += len(text) + 1
            line += 1
        if len(bases) == 1:
            _, at, virtual = bases[0]
            return lambda offset: at + max(0, offset - virtual)
        keys = [c for c, _, _ in bases]

        def to_body(offset: int) -> int:
            c, at, virtual = bases[bisect_right(keys, offset) - 1]
            return at + max(0, offset - c - virtual)

        return to_body

    # --- HTML -----------------------------------------------------------------------------

    def attributes(self, tag: str, to_body: Callable[[int], int]) -> None:
        """Links (href, src) and anchors (id, name) of an opening tag."""
        if tag.startswith("</") or "=" not in tag:
            return
        for m in _ATTRIBUTE.finditer(tag):
            name = m.group(1).lower()
            if name not in ("href", "src", "id", "name"):
                continue
            group = next((g for g in (2, 3, 4) if m.group(g) is not None), None)
            if group is None or not m.group(group):
                continue
            if name in ("id", "name"):
                self.anchors.append(m.group(group))
            else:
                a = to_body(m.start(group))
                self.links.append(("html", a, a + m.end(group) - m.start(group)))

    def html_block(self, a: int, b: int) -> None:
        """Comments, tags (and their links and anchors), hidden element content and entities of
        an HTML block; the text between tags stays prose."""
        norm = self.norm
        last_gt = norm.rfind(">", a, b)
        last_pi = norm.rfind("?>", a, b)
        last_cdata = norm.rfind("]]>", a, b)
        pos = a
        while (i := norm.find("<", pos, b)) >= 0:
            if norm.startswith("<!--", i):
                if norm.startswith("<!-->", i) or norm.startswith("<!--->", i):
                    end = norm.index(">", i) + 1
                    self.comments.append((i, end, "", True))
                else:
                    close = norm.find("-->", i + 4, b)
                    end = close + 3 if close >= 0 else b
                    self.comments.append((i, end, norm[i + 4 : close if close >= 0 else b], close >= 0))
                self.hidden.append((i, end))
                pos = end
                continue
            pos = i + 1
            if (
                i > last_gt
                or (norm.startswith("<?", i) and i > last_pi)
                or (norm.startswith("<![CDATA[", i) and i > last_cdata)
            ):
                continue  # cannot close: no regex run to the end of the block
            m = HTML_TAG_RE.match(norm, i, b)
            if m is None:
                continue
            pos = m.end()
            self.hidden.append((i, pos))
            self.attributes(m.group(), lambda offset, i=i: i + offset)
            name = _TAG_NAME.match(m.group())
            if name and not m.group().startswith("</") and name.group(1).lower() in _RAW_TEXT:
                close = re.compile(rf"</{name.group(1)}\s*>", re.IGNORECASE).search(norm, pos, b)
                inside_end = close.start() if close else b
                self.hidden.append((pos, inside_end))
                pos = inside_end
        self.hidden += _entities(norm, a, b)


def _second(item: tuple) -> int:
    return item[1]


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _rendered(children: list) -> str:
    """A heading's text as a browser shows it: markup, tags and images left out."""
    out = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline", "text_special"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


_ASCII_PUNCTUATION = re.compile(r"[^a-z0-9_\- ]")


def _slug(text: str) -> str:
    """GitHub's anchor of a heading: lower case, without punctuation or symbols, spaces as hyphens."""
    text = text.lower()
    if text.isascii():
        return _ASCII_PUNCTUATION.sub("", text).replace(" ", "-")
    return "".join(
        c for c in text if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc"
    ).replace(" ", "-")
