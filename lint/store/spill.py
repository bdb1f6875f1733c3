"""Parsed documents handed from the index pass to the check pass of one run.

A run that builds the corpus index reads every new or changed file before it checks any: links
can only be checked once every article is known. Without a spill the check pass then reads and
parses the same files again. With one, each process of the index pass appends the documents it
parsed to a file of its own in a temporary folder, and the check pass reads each back, about 3x
cheaper than parsing it. A location is one int (see `_pack`); anything that goes wrong (disk
full, a damaged record, the run's budget of MAX_BYTES used up) only means that file is parsed again.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

from lint.model.document import Document
from lint.model.frontmatter_tree import Entry, FieldPath, FrontMatter, Problem

MAX_RECORD = 2**24 - 1  # bytes; a larger document is parsed again instead
MAX_BYTES = 2**30  # a run's spill files together (about 9 KB an article: 100,000 articles take 0.9 GB)
FREE_SHARE = 4  # and at most a quarter of the free space where they are written
_writer: dict[tuple[str, int], tuple[int, int]] = {}  # (folder, pid) -> fd and size of this process's file
_readers: dict[tuple[str, int], int] = {}  # (folder, pid) -> fd

# A document as `snapshot` gives it: plain tuples (the fields of Document, Problem, FrontMatter and Entry, in order).
_EntryState = tuple[FieldPath, tuple[int, int] | None, tuple[int, int] | None, str | None, str | None]
_FrontState = tuple[str, int, int, int, int, Any, list[_EntryState], list[tuple[int, str]]]
_ProblemState = tuple[str, int, int, str, str | None]
DocumentState = tuple[
    str, str, str, bool, str, bool, tuple[int, int, str] | None, list[_ProblemState], _FrontState | None
]


class Spill:
    """A temporary folder of spilled documents; `close()` removes it."""

    def __init__(self, folder: str, wanted: frozenset[str] = frozenset(), budget: int = MAX_BYTES):
        self.folder = folder
        self.wanted = wanted  # the paths worth spilling: those the run checks
        self.budget = budget  # bytes each process may write

    @classmethod
    def create(cls, wanted: frozenset[str], jobs: int = 1) -> Spill | None:
        """A new folder in the system's temporary folder (TMPDIR); MAX_BYTES, or a quarter of the
        free space there if less, shared by `jobs` processes. None if it cannot be made."""
        try:
            folder = tempfile.mkdtemp(prefix="hrlint-spill-")
            budget = min(MAX_BYTES, shutil.disk_usage(folder).free // FREE_SHARE)
        except OSError:
            return None
        return cls(folder, wanted, budget // max(1, jobs))

    def writer(self) -> Spill:
        """This spill without `wanted`: what the index build sends with each file to a worker."""
        return Spill(self.folder, budget=self.budget)

    def put(self, doc: Document) -> int | None:
        """Append `doc`; its location, or None if it could not be written."""
        key = self.folder, os.getpid()
        try:
            record = pickle.dumps(snapshot(doc), pickle.HIGHEST_PROTOCOL)
            if len(record) > MAX_RECORD:
                return None
            if key not in _writer:
                _writer[key] = (
                    os.open(
                        os.path.join(self.folder, f"{key[1]}.spill"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
                    ),
                    0,
                )
            fd, offset = _writer[key]
            if offset + len(record) > self.budget:
                return None
            written = os.write(fd, record)
            _writer[key] = (fd, offset + written)
            return _pack(key[1], offset, len(record)) if written == len(record) else None
        except (OSError, pickle.PicklingError, RecursionError):
            return None

    def get(self, location: int) -> Document | None:
        """The document spilled at `location`, or None if it cannot be read back."""
        pid, offset, length = _unpack(location)
        try:
            if (self.folder, pid) not in _readers:
                _readers[self.folder, pid] = os.open(os.path.join(self.folder, f"{pid}.spill"), os.O_RDONLY)
            record = os.pread(_readers[self.folder, pid], length, offset)
            return restore(pickle.loads(record)) if len(record) == length else None
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError):
            return None

    def close(self) -> None:
        """Close this process's files and remove the folder."""
        for key in [k for k in _writer if k[0] == self.folder]:
            _close(_writer.pop(key)[0])
        for key in [k for k in _readers if k[0] == self.folder]:
            _close(_readers.pop(key))
        shutil.rmtree(self.folder, ignore_errors=True)


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _pack(pid: int, offset: int, length: int) -> int:
    """One int for (pid, offset, length): a run's parent keeps one per spilled file."""
    return (pid << 64) | (offset << 24) | length


def _unpack(location: int) -> tuple[int, int, int]:
    return location >> 64, (location >> 24) & (2**40 - 1), location & MAX_RECORD


def snapshot(doc: Document) -> DocumentState:
    """A parsed document as plain tuples, which pickle about 3x faster than the dataclasses.
    Covers every field of Document but `memo` and the line index (both rebuilt on use)."""
    fm = doc.front_matter
    front = (
        None
        if fm is None
        else (
            fm.format,
            fm.start,
            fm.content_start,
            fm.content_end,
            fm.end,
            fm.data,
            [(path, e.key_span, e.value_span, e.scalar, e.style) for path, e in fm.entries.items()],
            fm.comments,
        )
    )
    return (
        str(doc.path),
        doc.display,
        doc.text,
        doc.bom,
        doc.encoding,
        doc.readable,
        doc.signature,
        [(p.rule, p.start, p.end, p.message, p.field) for p in doc.problems],
        front,
    )


def restore(state: DocumentState) -> Document:
    path, display, text, bom, encoding, readable, signature, problems, front = state
    fm = None
    if front is not None:
        fmt, start, content_start, content_end, end, data, entries, comments = front
        fm = FrontMatter(
            fmt,
            start,
            content_start,
            content_end,
            end,
            data,
            {p: Entry(key, value, scalar, style) for p, key, value, scalar, style in entries},
            comments,
        )
    return Document(
        Path(path), display, text, bom, encoding, fm, [Problem(*p) for p in problems], readable, signature=signature
    )
