"""Prose regions: front-matter strings and the Markdown body, mapped back to source offsets."""

from __future__ import annotations

import re
from functools import lru_cache

from lint.model.document import Document, Region
from lint.model.frontmatter_tree import field_name
from lint.model.scalars import map_scalar
from lint.text.markdown import scan

_LITERAL_NEWLINE = re.compile(r"\\n")


@lru_cache(maxsize=256)
def _field_pattern(glob: str) -> re.Pattern:
    """`seo.*`, `related_article*.title`, `faq[*].answer`: `*` stays within one name, `[*]` is any index."""
    out = re.escape(glob).replace(r"\[\*\]", r"\[\d+\]").replace(r"\*", r"[^.\[]*")
    return re.compile(out + "$")


def field_matches(name: str, globs: list[str]) -> bool:
    return _matches(name, tuple(globs))


@lru_cache(maxsize=4096)
def _matches(name: str, globs: tuple[str, ...]) -> bool:
    return any(_field_pattern(g).match(name) for g in globs)


_NOT_BREAK = re.compile(r"[^\r\n]")


def body_region(doc: Document) -> Region | None:
    """The body as prose rules read it: what `scan(doc).hidden` covers (code, HTML, link
    destinations, entities) is replaced by spaces, line breaks kept, so offsets stay 1:1."""
    start = doc.body_start
    text = doc.text
    if not text[start:].strip():
        return None
    pieces, pos = [], start
    for a, b in scan(doc).hidden:
        pieces.append(text[pos:a])
        pieces.append(_NOT_BREAK.sub(" ", text[a:b]))
        pos = b
    pieces.append(text[pos:])
    masked = "".join(pieces)
    return Region(None, masked, range(start, len(text)), range(start + 1, len(text) + 1))


def scalar_region(doc: Document, path: tuple, literal_newlines: bool) -> Region | None:
    """The region of one string value, or None if it is not a string."""
    entry = doc.entry(path)
    if entry is None or entry.scalar is None or not entry.scalar.strip():
        return None
    value, style = entry.scalar, entry.style
    start, end = entry.value_span
    text = doc.text  # not `doc`: a region kept in doc.memo must not make a reference cycle

    def spans() -> tuple[list[int], list[int]]:
        mapped = map_scalar(text, start, end, style, value)
        if mapped is None:  # unusual layout: every character points at the whole value
            return [start] * len(value), [end] * len(value)
        return mapped

    if literal_newlines and "\\n" in value:
        return Region(field_name(path), value.replace("\\n", "\n"), mapper=lambda: _literal_newlines(value, *spans()))
    return Region(field_name(path), value, mapper=spans)


def _literal_newlines(value: str, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """Spans of `value` read with each literal backslash-n as one line break (which starts at the
    backslash and ends after the n), so source spans stay exact."""
    new_starts, new_ends = [], []
    pos = 0
    for m in _LITERAL_NEWLINE.finditer(value):
        i = m.start()
        new_starts += starts[pos : i + 1]
        new_ends += ends[pos:i]
        new_ends.append(ends[i + 1])
        pos = i + 2
    new_starts += starts[pos:]
    new_ends += ends[pos:]
    return new_starts, new_ends


def prose_regions(doc: Document, prose_fields: list[str], literal_newlines: bool = True) -> list[Region]:
    """Every prose region of a document: matching front-matter strings, then the body."""
    regions = []
    fm = doc.front_matter
    if fm is not None and fm.format in ("yaml", "json"):
        for path in fm.entries:
            name = field_name(path)
            if name and field_matches(name, prose_fields):
                region = scalar_region(doc, path, literal_newlines)
                if region is not None:
                    regions.append(region)
    elif fm is not None and isinstance(fm.data, dict):
        regions.extend(_coarse_regions(doc, prose_fields))
    body = body_region(doc)
    if body is not None:
        regions.append(body)
    return regions


def _coarse_regions(doc: Document, prose_fields: list[str]) -> list[Region]:
    """TOML/JSON strings: exact when the source spells the value verbatim, else the value span."""
    out = []
    for path, entry in doc.front_matter.entries.items():
        name = field_name(path)
        if not name or not field_matches(name, prose_fields) or entry.value_span is None:
            continue
        value = _lookup(doc.data, path)
        if not isinstance(value, str) or not value.strip():
            continue
        start, end = entry.value_span
        inner = doc.text.find(value, start, end + 1)
        if inner >= 0:
            out.append(Region(name, value, range(inner, inner + len(value)), range(inner + 1, inner + len(value) + 1)))
        else:
            out.append(Region(name, value, [start] * len(value), [end] * len(value)))
    return out


def _lookup(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
