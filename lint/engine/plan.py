"""A run plan: the files to check and the one function that checks a file.

Every executor (lint.engine.executors) runs the same plan; they differ only in where and when
`check_file` is called, so a run's findings never depend on which executor ran it.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lint.engine.emit import Emitter
from lint.engine.registry import Rule
from lint.engine.suppress import selector_matches
from lint.model.document import Document
from lint.model.findings import Finding
from lint.model.positions import LineIndex
from lint.workspace.config import ConfigError

if TYPE_CHECKING:
    from lint.engine.context import Context
    from lint.engine.fixer import Applied

FixMode = str | None  # None (report), "write" (--fix) or "diff" (--diff)


@dataclass
class FileTask:
    """One file to check: its path, its display path, and where the spill keeps it (if it does)."""

    path: str
    display: str
    spilled: int | None = None


@dataclass
class FileResult:
    """What checking one file gave."""

    display: str
    findings: list[Finding]
    errors: list[str] = field(default_factory=list)  # internal errors of rules on this file
    signature: tuple[int, int, str] | None = None  # (size, mtime_ns, sha256) of the bytes checked
    lines: LineIndex | None = None  # the text's lines, when the plan keeps documents
    document: Document | None = None  # the document checked, when the plan keeps documents
    fixed: list[Applied] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    diff: str | None = None


@dataclass
class RunPlan:
    """The rules of a run, the files to check, and how a file is checked."""

    ctx: Context
    rules: list[Rule]
    emitter: Emitter
    tasks: list[FileTask]
    max_file_size: int
    keep_documents: bool = False  # fixes and audits need each document after its check
    fix: FixMode = None
    unsafe_fixes: bool = False
    debug: bool = False

    def check_file(self, task: FileTask) -> FileResult:
        """Read (or take from the spill), check and, with `fix`, fix one file. Never raises but
        ConfigError: a rule's crash is an internal error of that rule on that file."""
        doc = self.ctx.spill.get(task.spilled) if task.spilled is not None and self.ctx.spill else None
        if doc is not None:
            doc.path, doc.display = Path(task.path), task.display
        else:
            doc = Document.load(Path(task.path), task.display, self.max_file_size)
        result = FileResult(task.display, [])
        result.signature = doc.signature if doc.readable else None
        found = self.check(doc, result.errors)
        if self.fix and any(f.fix is not None and (f.fix.safe or self.unsafe_fixes) for f in found):
            doc, found = self._fix(doc, found, result)
        result.findings = found
        if self.keep_documents:
            result.document, result.lines = doc, doc.lines
        return result

    def check(self, doc: Document, errors: list[str] | None = None) -> list[Finding]:
        """The findings of one document, through the emit path."""
        errors = [] if errors is None else errors
        ignored = self.emitter.ignored_selectors(self.ctx.relative(doc)) if self.emitter.per_file_ignores else []
        findings: list[Finding] = []
        for rule in self.rules:  # this loop runs for every rule on every file: kept lean
            if ignored and any(selector_matches(s, rule.id) for s in ignored):
                continue  # skipped for speed; the emitter drops such findings anyway
            try:
                findings += list(rule.check(doc, self.ctx))  # a rule failing midway keeps none
            except ConfigError:
                raise  # invalid configuration found late (a schema loaded on first use): exit 2
            except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the other files
                errors.append(internal_error(rule, doc.display, exc, self.debug))
        return self.emitter.document(doc, findings, self.ctx.relative(doc))

    def _fix(self, doc: Document, found: list[Finding], result: FileResult) -> tuple[Document, list[Finding]]:
        """Apply the document's fixes; write them (--fix) or record a diff (--diff)."""
        from lint.engine.fixer import fix_document, unified_diff, write_atomically

        fixed = fix_document(doc, lambda d: self.check(d, result.errors), self.unsafe_fixes)
        result.refused += fixed.refused
        if not fixed.applied:
            return doc, found
        bom = "\ufeff" if doc.bom else ""
        if self.fix == "diff":
            result.diff = unified_diff(doc.display, bom + doc.text, bom + fixed.text)
        else:
            error = write_atomically(
                doc.path, (bom + fixed.text).encode(doc.encoding), (bom + doc.text).encode(doc.encoding)
            )
            if error:
                result.refused += [(a.finding, error) for a in fixed.applied]
                return doc, found
        result.fixed += fixed.applied
        new = Document.from_text(bom + fixed.text, doc.display)
        new.path = doc.path
        return new, self.check(new, result.errors)


def internal_error(rule: Rule, where: str, exc: Exception, debug: bool = False) -> str:
    """The one-line report of a rule's crash (its traceback with --debug)."""
    detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
    return f"internal error in rule {rule.id} on {where}: {detail}"
