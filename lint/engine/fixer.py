"""`--fix`, `--unsafe-fixes`, `--diff`: apply fixes on the original text by exact source span.

Nothing is re-serialised: each replacement is encoded for the scalar it lands in (escaped in a
double-quoted scalar, `'` doubled in a single-quoted one, refused in a plain scalar where it would
need quoting), applied, and checked by parsing the front matter again: every other value must be
unchanged and the edited one must read exactly as intended, or the fix is refused. Fixes are
applied in passes until nothing changes; files are written atomically, keeping their permissions,
and never over a file that changed on disk since it was read.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lint.model.document import Document
from lint.model.findings import Finding, Fix
from lint.model.scalars import map_scalar

MAX_PASSES = 10
_PLAIN_UNSAFE = re.compile(r": |\s#|[\r\n]|^[-?:,\[\]{}#&*!|>'\"%@`]|\s$|^\s")


@dataclass
class Applied:
    finding: Finding
    old: str


@dataclass
class FixResult:
    text: str  # the fixed text (BOM excluded)
    applied: list[Applied] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, why)


def _scalar_at(doc: Document, start: int, end: int):
    """(path, entry) of the front-matter scalar containing [start, end), or None for the body."""
    fm = doc.front_matter
    if fm is None or start >= fm.end:
        return None
    best = None
    for path, entry in fm.entries.items():
        if (
            entry.scalar is not None
            and entry.value_span
            and entry.value_span[0] <= start
            and end <= entry.value_span[1]
        ):
            best = (path, entry)
    return best or ((), None)


def encode(doc: Document, fix: Fix) -> tuple[str | None, str]:
    """The replacement as it must be written at the fix's place, or (None, why not)."""
    where = _scalar_at(doc, fix.start, fix.end)
    if where is None:
        return fix.replacement, ""
    _, entry = where
    if entry is None:
        return None, "the fix does not land inside a single value"
    new = fix.replacement
    if entry.style == '"':
        return new.replace("\\", "\\\\").replace('"', '\\"'), ""
    if entry.style == "'":
        return new.replace("'", "''"), ""
    if "\n" in new or "\r" in new:
        return None, "a line break cannot be inserted here"
    if entry.style in ("|", ">"):
        return new, ""
    if _PLAIN_UNSAFE.search(new) or (
        fix.start == doc.entry(where[0]).value_span[0] and new[:1] in "-?:,[]{}#&*!|>'\"%@`"
    ):
        return None, "the replacement would need quoting in this plain value"
    return new, ""


def _value_indices(doc: Document, path: tuple, start: int, end: int) -> tuple[int, int] | None:
    entry = doc.entry(path)
    mapped = map_scalar(doc.text, entry.value_span[0], entry.value_span[1], entry.style, entry.scalar)
    if mapped is None:
        return None
    starts, ends = mapped
    inside = [i for i in range(len(starts)) if starts[i] >= start and ends[i] <= end]
    if not inside:
        return None
    return inside[0], inside[-1] + 1


def _lookup(data, path: tuple):
    for part in path:
        data = data[part]
    return data


def apply_one(doc: Document, fix: Fix) -> tuple[str | None, str]:
    """The document text with one fix applied and verified, or (None, why it was refused)."""
    encoded, why = encode(doc, fix)
    if encoded is None:
        return None, why
    text = doc.text[: fix.start] + encoded + doc.text[fix.end :]
    where = _scalar_at(doc, fix.start, fix.end)
    if where is None:
        return text, ""  # the body: nothing to parse
    path, _ = where
    indices = _value_indices(doc, path, fix.start, fix.end)
    if indices is None:
        return None, "the value's layout could not be mapped exactly"
    old_value = _lookup(doc.data, path)
    expected = old_value[: indices[0]] + fix.replacement + old_value[indices[1] :]
    after = Document.from_text(text, doc.display)
    if (
        after.front_matter is None
        or after.data is None
        or [p.rule for p in after.problems] != [p.rule for p in doc.problems]
    ):
        return None, "the front matter would no longer parse the same way"
    try:
        if _lookup(after.data, path) != expected:
            return None, "the value would not read as intended"
    except (KeyError, IndexError, TypeError):
        return None, "the value would move"
    if _without(after.data, path) != _without(doc.data, path):
        return None, "other values would change"
    return text, ""


def _without(data, path: tuple):
    """`data` with the value at `path` blanked (to compare everything else)."""
    import copy

    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = None
    return data


def fix_document(doc: Document, lint, unsafe: bool) -> FixResult:
    """Apply fixes in passes; `lint(doc)` returns the findings of a document."""
    result = FixResult(doc.text)
    current = doc
    refused_keys = set()
    for _ in range(MAX_PASSES):
        candidates = sorted(
            (
                f
                for f in lint(current)
                if f.fix is not None
                and (f.fix.safe or unsafe)
                and (f.rule, f.fix.start, f.fix.replacement) not in refused_keys
            ),
            key=lambda f: (f.fix.start, f.fix.end),
        )
        chosen, last_end = [], -1
        for f in candidates:
            if f.fix.start >= last_end:
                chosen.append(f)
                last_end = max(f.fix.end, f.fix.start + 1)
        changed = False
        for f in reversed(chosen):  # from the end, so earlier offsets stay valid
            old = current.text[f.fix.start : f.fix.end]
            text, why = apply_one(current, f.fix)
            if text is None:
                refused_keys.add((f.rule, f.fix.start, f.fix.replacement))
                result.refused.append((f, why))
                continue
            current = Document.from_text(text, doc.display)
            current.path = doc.path
            result.applied.append(Applied(f, old))
            changed = True
        if not changed:
            break
    result.text = current.text
    return result


def unified_diff(display: str, old: str, new: str) -> str:
    """A diff `patch -p0` applies (including "\\ No newline at end of file" markers)."""
    out = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=display, tofile=display
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_atomically(path: Path, data: bytes, expected: bytes) -> str | None:
    """Replace `path` with `data` unless it no longer holds `expected`; None on success, else why."""
    try:
        if path.read_bytes() != expected:
            return "the file changed on disk while it was being checked; it was not written"
        mode = path.stat().st_mode
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".hrlint", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode & 0o7777)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return f"cannot write the fixed file: {exc.strerror or exc}"
    return None
