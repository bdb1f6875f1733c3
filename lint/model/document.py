"""The document model every rule shares: one read and one parse per file.

A Document holds the decoded text, the front matter (values plus the source span of every key
and value) and, on demand, the prose regions rules read. Reading never raises: problems with the
file itself become `Problem`s that the core rules report.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint.model.frontmatter_tree import Entry, FieldPath, FrontMatter, Problem, field_name, parse, split
from lint.model.positions import LineIndex

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
Spans = tuple[Sequence[int], Sequence[int]]  # (starts, ends) of a region's characters


class Region:
    """A run of prose as rules see it, with the source span of every character.

    `text[i]` was produced by source characters `[starts[i], ends[i])` of the document text, so a
    match `[a, b)` in `text` covers source `[starts[a], ends[b - 1])`. The spans may be given
    as a `mapper` that computes them on first use: most regions never need a position.
    """

    __slots__ = ("field", "text", "_starts", "_ends", "_mapper", "_lower")

    def __init__(
        self,
        field: str | None,
        text: str,
        starts: Sequence[int] | None = None,
        ends: Sequence[int] | None = None,
        mapper: Callable[[], Spans] | None = None,
    ) -> None:
        self.field = field  # dotted front-matter path, None for the body
        self.text = text
        self._starts, self._ends, self._mapper = starts, ends, mapper
        self._lower: str | None = None

    @property
    def lower(self) -> str:
        """The text lower-cased (computed once; every prose rule searches it)."""
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def _spans(self) -> Spans:
        if self._starts is None:
            assert self._mapper is not None  # a region is made with its spans or with a mapper
            self._starts, self._ends = self._mapper()
        assert self._ends is not None
        return self._starts, self._ends

    @property
    def starts(self) -> Sequence[int]:
        return self._spans()[0]

    @property
    def ends(self) -> Sequence[int]:
        return self._spans()[1]

    def source_span(self, a: int, b: int) -> tuple[int, int]:
        starts, ends = self._spans()
        if b <= a:
            return starts[a], starts[a]
        return starts[a], ends[b - 1]

    def __repr__(self) -> str:
        return f"Region({self.field!r}, {self.text[:40]!r})"


@dataclass
class Document:
    path: Path
    display: str  # the path as printed in findings
    text: str = ""
    bom: bool = False
    encoding: str = "utf-8"
    front_matter: FrontMatter | None = None
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True
    memo: dict[str, Any] = field(default_factory=dict)  # per-document caches shared by rules
    signature: tuple[int, int, str] | None = None  # (size, mtime_ns, SHA-256) of the bytes read
    _lines: LineIndex | None = None

    # --- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES, parse: bool = True) -> Document:
        """Read and decode a file, then parse its front matter (unless `parse` is false: an output
        format that shows source lines needs only the text)."""
        doc = cls(path, display)
        try:
            st = path.stat()
            raw = b""
            if st.st_size <= max_bytes:
                with open(path, "rb") as file:
                    raw = file.read(max_bytes + 1)  # a file that grew meanwhile is still bounded
        except OSError as exc:
            doc._unreadable("file/unreadable", f"cannot read file: {exc.strerror or exc}")
            return doc
        size = max(st.st_size, len(raw))
        if size > max_bytes:
            doc._unreadable(
                "file/too-large",
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                "(`max-file-size` in the config); it was not checked",
            )
            return doc
        doc.signature = (st.st_size, st.st_mtime_ns, hashlib.sha256(raw).hexdigest())
        if not parse:
            doc._decode(raw)
            return doc
        return cls.from_bytes(raw, path, display, doc)

    @classmethod
    def from_bytes(cls, raw: bytes, path: Path, display: str, doc: Document | None = None) -> Document:
        """Decode and parse file content that was already read."""
        doc = doc or cls(path, display)
        doc._decode(raw)
        if doc.readable:
            doc._parse()
        return doc

    @classmethod
    def from_text(cls, text: str, display: str = "<text>") -> Document:
        doc = cls(Path(display), display, text=text)
        if text.startswith("\ufeff"):
            doc.text, doc.bom = text[1:], True
        doc._parse()
        return doc

    def _unreadable(self, rule: str, message: str) -> None:
        self.readable = False
        self.problems.append(Problem(rule, 0, 0, message))

    def _decode(self, raw: bytes) -> None:
        if raw.startswith(codecs.BOM_UTF8):
            raw, self.bom = raw[3:], True
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding, self.bom = "utf-16", True
            try:
                self.text = raw.decode("utf-16")
                if self.text.startswith("\ufeff"):
                    self.text = self.text[1:]
            except UnicodeDecodeError:
                self._unreadable("file/encoding", "file starts with a UTF-16 byte-order mark but is not valid UTF-16")
            return
        if b"\x00" in raw[:8192]:
            self._unreadable("file/encoding", "file contains NUL bytes (binary content); it was not checked")
            return
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = raw[: exc.start].decode("utf-8")
            line, column = LineIndex(prefix).position(len(prefix))
            self._unreadable(
                "file/encoding",
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at line {line}, "
                f"column {column}); "
                "save it as UTF-8",
            )

    def _parse(self) -> None:
        fm = split(self.text, self.problems)
        if fm is not None:
            parse(self.text, fm, self.problems)
            self.front_matter = fm

    # --- positions ------------------------------------------------------------------------

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    @property
    def data(self) -> Any:
        """Front-matter values (None when there is no parsable front matter)."""
        return self.front_matter.data if self.front_matter else None

    @property
    def body_start(self) -> int:
        return self.front_matter.end if self.front_matter else 0

    def entry(self, path: FieldPath) -> Entry | None:
        return self.front_matter.entries.get(tuple(path)) if self.front_matter else None

    def value_span(self, path: FieldPath) -> tuple[int, int]:
        """Source span of a front-matter value, trimmed of trailing blank lines; fence if unknown."""
        entry = self.entry(path)
        if entry is None or entry.value_span is None:
            return self.key_span(path)
        start, end = entry.value_span
        while end > start and self.text[end - 1] in " \t\r\n":
            end -= 1
        return start, max(end, start + 1)

    def key_span(self, path: FieldPath) -> tuple[int, int]:
        """Source span of the key holding `path`; the opening fence for the root or unknown keys."""
        path = tuple(path)
        while path:
            entry = self.entry(path)
            if entry is not None and entry.key_span is not None:
                return entry.key_span
            if entry is not None and entry.value_span is not None:
                return self.value_span(path)
            path = path[:-1]
        if self.front_matter is None:
            return 0, 0
        line_end = self.text.find("\n")
        end = len(self.text) if line_end < 0 else line_end
        return 0, len(self.text[:end].rstrip("\r"))

    def field_of(self, path: FieldPath) -> str | None:
        return field_name(tuple(path))
