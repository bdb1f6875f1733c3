"""Front matter: split it off with python-frontmatter's handlers, compose it with positions.

The YAML is composed (never constructed), so every key and value keeps its source span and no
tag is ever executed. Values are then built from the node tree: timestamps stay as their source
text, so JSON Schema `format: date` checks what the author wrote.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from frontmatter.default_handlers import JSONHandler, YAMLHandler

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

try:  # the C loader is much faster; the pure-Python one gives the same nodes
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_NODES = 200_000  # bound for alias expansion ("billion laughs")

_BREAK = re.compile(r"\r\n|\r|\n")
_TOML_BOUNDARY = re.compile(r"^\+{3}\s*$")
# A closing fence: a line break, then a whole line that is the format's boundary (one pattern per
# break character: a literal first character lets the regex engine skip ahead quickly).
_CLOSING = {
    fmt: [re.compile(r"%s%s[^\S\r\n]*(?=[\r\n]|\Z)" % (brk, fence)) for brk in (r"\n", r"\r")]
    for fmt, fence in (("yaml", "-{3,}"), ("toml", r"\+{3}"), ("json", r"\}"))
}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:merge",
    "tag:yaml.org,2002:value",
}
_STR = "tag:yaml.org,2002:str"
_constructor = yaml.constructor.SafeConstructor()

# A front-matter path: keys of mappings and indexes of lists, ('related_article2', 'url') or ('tags', 0).
FieldPath = tuple[str | int, ...]


_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]  # (tag, regexp) pairs
_WILDCARD: _Resolvers = tuple(_BaseLoader.yaml_implicit_resolvers.get(None, []))
_BY_FIRST: dict[str, _Resolvers] = {
    first: tuple(resolvers) + _WILDCARD
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class _Loader(_BaseLoader):
    """The safe loader, with the tags of untagged nodes resolved in fewer Python steps.

    libyaml calls `resolve` and the two path-resolver hooks back in Python for every node, which
    was about a sixth of composing a front matter. The answers are those of the safe loader's own
    implicit resolvers (YAML 1.1 bools, ints, floats, nulls, timestamps...); this loader has no path
    resolvers, so the hooks do nothing.
    """

    yaml_path_resolvers: dict[Any, Any] = {}

    # libyaml's callback: `value` is the scalar's text (None for a collection), `implicit` the
    # scalar's (plain, quoted) pair (a bool for a collection).
    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # plain: the first character picks the resolvers to try
                for tag, regexp in _BY_FIRST.get(value[:1], _WILDCARD):
                    if regexp.match(value):
                        return tag
            return _STR
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


@dataclass
class Problem:
    """A parse-level problem found while reading a file (reported by the core rules)."""

    rule: str
    start: int
    end: int
    message: str
    field: str | None = None


@dataclass(slots=True)
class Entry:
    """Where one front-matter value sits in the source (character offsets); for a YAML scalar,
    also its text as written in YAML terms (before typing) and its style, from which positions
    inside it are computed. No parser nodes are kept: a document holds only plain data."""

    key_span: tuple[int, int] | None = None  # None for the root and list items
    value_span: tuple[int, int] | None = None
    scalar: str | None = None  # the scalar's value, None for mappings, lists and TOML values
    style: str | None = None  # None (plain), "'", '"', "|" or ">"


@dataclass
class FrontMatter:
    format: str  # "yaml", "toml" or "json"
    start: int  # offset of the opening fence
    content_start: int  # offset of the first character after the opening fence line
    content_end: int  # offset of the closing fence line
    end: int  # offset after the closing fence line (where the body starts)
    data: Any = None
    entries: dict[FieldPath, Entry] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (offset, text after '#')


@lru_cache(maxsize=8192)  # the same few paths recur in every document
def field_name(path: FieldPath) -> str | None:
    """Dotted name of a front-matter path: ('related_article2', 'url') -> 'related_article2.url'."""
    if not path:
        return None
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _lines(text: str, start: int) -> Iterator[tuple[int, int, int]]:
    """Yield (line_start, line_end_without_break, next_line_start) from `start`."""
    pos = start
    n = len(text)
    while pos < n:
        m = _BREAK.search(text, pos)
        if m is None:
            yield pos, n, n
            return
        yield pos, m.start(), m.end()
        pos = m.end()


def split(text: str, problems: list[Problem]) -> FrontMatter | None:
    """Find the front-matter block; None if the text has none."""
    first = _BREAK.split(text, 1)[0]
    fmt: str | None = None
    if YAMLHandler.FM_BOUNDARY.fullmatch(first):
        fmt = "yaml"
    elif _TOML_BOUNDARY.fullmatch(first):  # python-frontmatter's TOML handler needs `toml`; same fence
        fmt = "toml"
    elif JSONHandler().detect(text):
        fmt = "json"
    if fmt is None:
        return None
    _, first_end, content_start = next(_lines(text, 0))
    found = [m for m in (p.search(text, content_start - 1) for p in _CLOSING[fmt]) if m]  # from the first break
    if found:
        closing = min(found, key=lambda m: m.start())
        line_start, line_end, next_start = next(_lines(text, closing.start() + 1))
        if fmt == "json":  # the braces belong to the JSON document
            return FrontMatter(fmt, 0, 0, line_end, next_start)
        return FrontMatter(fmt, 0, content_start, line_start, next_start)
    problems.append(
        Problem(
            "schema/syntax",
            0,
            first_end,
            f"front matter opened with `{text[:first_end]}` is never closed; add a closing fence line",
        )
    )
    return None


def parse(text: str, fm: FrontMatter, problems: list[Problem]) -> None:
    """Fill fm.data and fm.entries; problems go to `problems`, never raise."""
    source = text[fm.content_start : fm.content_end]
    try:
        if fm.format == "yaml":
            _parse_yaml(source, fm, problems)
        elif fm.format == "json":
            fm.data = json.loads(source)
            _locate_json(source, fm)
        else:
            fm.data = tomllib.loads(source)
            _locate_toml(source, fm)
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        fm.data = None
        if "nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own bound (PyYAML >= 6.0.4)
            problems.append(_too_deep(fm))
            return
        start, message = _error_location(exc, fm, source)
        problems.append(Problem("schema/syntax", start, start + 1, message))
    except RecursionError:
        fm.data = None
        problems.append(_too_deep(fm))


def _too_deep(fm: FrontMatter) -> Problem:
    """Nesting deeper than the parser (or Python's stack) allows: one finding on the opening fence,
    whichever limit was hit first."""
    return Problem("schema/syntax", fm.start, fm.content_start, "front matter is nested too deeply to read")


def _error_location(exc: Exception, fm: FrontMatter, source: str) -> tuple[int, str]:
    base = fm.content_start
    if isinstance(exc, yaml.MarkedYAMLError):
        # The context mark is where the broken construct began (an unclosed quote), usually the
        # real mistake; when both marks share a line, the problem mark is more precise.
        mark = exc.problem_mark
        if exc.context_mark is not None and (mark is None or exc.context_mark.line != mark.line):
            mark = exc.context_mark
        context = f" ({exc.context})" if exc.context else ""
        offset = mark.index if mark is not None else 0
        return base + min(offset, len(source)), f"invalid YAML front matter: {exc.problem or 'invalid YAML'}{context}"
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not accept (not a MarkedYAMLError)
        what = (
            f"unacceptable character #x{exc.character:04x}: {exc.reason}"
            if isinstance(exc.character, int)
            else str(exc.reason)
        )
        offset = max(exc.position, 0)
        if exc.encoding != "unicode":  # libyaml (the C loader) counts UTF-8 bytes, not characters
            offset = len(source.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        return base + min(offset, len(source)), f"invalid YAML front matter: {what}"
    if isinstance(exc, json.JSONDecodeError):
        return base + exc.pos, f"invalid JSON front matter: {exc.msg}"
    msg = str(exc)
    m = re.search(r"at line (\d+), column (\d+)", msg)
    offset = 0
    if m:
        line_starts = [0] + [x.end() for x in re.finditer(r"\r\n|\r|\n", source)]
        li = min(int(m.group(1)), len(line_starts)) - 1
        offset = line_starts[li] + int(m.group(2)) - 1
    return base + min(offset, len(source)), f"invalid TOML front matter: {msg}"


# --- YAML -------------------------------------------------------------------------------------


def _parse_yaml(source: str, fm: FrontMatter, problems: list[Problem]) -> None:
    root = yaml.compose(source, Loader=_Loader)
    base = fm.content_start
    fm.comments = _comments(source, base)
    if root is None:
        fm.data = {}
        return
    builder = _Builder(base, fm.entries, problems)
    fm.data = builder.build(root, ())


def _comments(source: str, base: int) -> list[tuple[int, str]]:
    """Candidate `# ...` comments (offset of '#', text after it); scalars are filtered later.

    A comment starts at a '#' at the start of a line or after a blank and runs to the line end.
    """
    out: list[tuple[int, str]] = []
    i = source.find("#")
    while i >= 0:
        end = _BREAK.search(source, i)
        line_end = end.start() if end else len(source)
        if i == 0 or source[i - 1] in " \t\r\n":
            out.append((base + i, source[i + 1 : line_end]))
            i = source.find("#", line_end)
        else:
            i = source.find("#", i + 1)
    return out


class _Builder:
    """Builds JSON-like values from composed nodes, recording each path's source spans."""

    def __init__(self, base: int, entries: dict[FieldPath, Entry], problems: list[Problem]) -> None:
        self.base = base
        self.entries = entries
        self.problems = problems
        self.count = 0
        self.too_big = False

    def span(self, node: yaml.Node) -> tuple[int, int]:
        return self.base + node.start_mark.index, self.base + node.end_mark.index

    def entry(self, key: yaml.Node | None, node: yaml.Node) -> Entry:
        if type(node) is yaml.ScalarNode:
            return Entry(self.span(key) if key is not None else None, self.span(node), node.value, node.style)
        return Entry(self.span(key) if key is not None else None, self.span(node))

    def build(self, node: yaml.Node, path: FieldPath, key: yaml.Node | None = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if not self.too_big:
                self.too_big = True
                start, end = self.span(node)
                self.problems.append(
                    Problem(
                        "schema/syntax",
                        start,
                        start + 1,
                        f"front matter expands to more than {MAX_NODES} values (aliases?); it is not read further",
                        field_name(path),
                    )
                )
            return None
        if path not in self.entries:
            self.entries[path] = self.entry(key, node)
        tag = node.tag
        if tag not in _STANDARD_TAGS and tag != "!":
            start, end = self.span(node)
            self.problems.append(
                Problem(
                    "schema/yaml-tag",
                    start,
                    start + 1,
                    f"YAML tag `{tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed in front matter; the value is read as plain data",
                    field_name(path),
                )
            )
        if type(node) is yaml.ScalarNode:
            return node.value if tag == _STR else _scalar(node)
        if type(node) is yaml.MappingNode:
            return self._mapping(node, path)
        return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                start, end = self.span(key_node)
                self.problems.append(
                    Problem(
                        "schema/type",
                        start,
                        start + 1,
                        "a front-matter key must be a plain name, not a list or mapping",
                        field_name(path),
                    )
                )
                continue
            key = key_node.value if key_node.tag == _STR else _scalar(key_node)
            if not isinstance(key, str):
                key = _key_text(key_node, key)
            child = path + (key,)
            if key in out:
                start, end = self.span(key_node)
                self.problems.append(
                    Problem(
                        "schema/duplicate-key",
                        start,
                        end,
                        f"duplicate key `{field_name(child)}`: YAML keeps only the last value, "
                        "so the earlier one is silently lost",
                        field_name(child),
                    )
                )
                self.entries[child] = self.entry(key_node, value_node)
            out[key] = self.build(value_node, child, key_node)
        return out


def _key_text(node: yaml.ScalarNode, value: object) -> str:
    return node.value if isinstance(node.value, str) else str(value)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    try:
        if tag == "tag:yaml.org,2002:int":
            return _constructor.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            return _constructor.construct_yaml_float(node)
        if tag == "tag:yaml.org,2002:bool":
            return _constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:null":
            return None
    except (ValueError, yaml.YAMLError):
        pass
    return node.value  # strings, timestamps (as written), unknown tags


# --- JSON and TOML: values from their own parsers, positions where they can be found -----------


def _locate_json(source: str, fm: FrontMatter) -> None:
    """JSON is YAML flow syntax, so composing it gives the node spans."""
    try:
        root = yaml.compose(source, Loader=_Loader)
    except yaml.YAMLError:
        return
    if root is not None:
        _Builder(fm.content_start, fm.entries, []).build(root, ())


_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=\s*(.*?)\s*$")


def _locate_toml(source: str, fm: FrontMatter) -> None:
    """Record key and value spans of `key = value` lines (single-line values)."""
    table: tuple[str, ...] = ()
    base = fm.content_start
    for line_start, line_end, _ in _lines(source, 0):
        line = source[line_start:line_end]
        m = _TOML_TABLE.match(line)
        if m:
            table = tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
            continue
        m = _TOML_KEY.match(line)
        if not m:
            continue
        path = table + tuple(p.strip().strip("\"'") for p in m.group(1).split("."))
        value = m.group(2)
        if "#" in value and not value.startswith(('"', "'")):
            value = value.split("#", 1)[0].rstrip()
        k0 = base + line_start + m.start(1)
        v0 = base + line_start + m.start(2)
        fm.entries.setdefault(path, Entry((k0, base + line_start + m.end(1)), (v0, v0 + len(value))))
