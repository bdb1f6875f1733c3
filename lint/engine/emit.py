"""The one path every finding takes to the report, rule findings and engine findings alike.

A finding reaches the report only if its rule is enabled in this run (config, `--select`,
`--ignore`), no `per-file-ignores` entry names it for its file, no inline suppression covers it and
no baseline entry hides it. The engine's own findings (`suppression/unused`,
`file/too-many-findings`, `baseline/stale`) are made by the configured rule instance, so they carry
the configured severity, and then pass the same filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lint.engine import baseline
from lint.engine.registry import Rule
from lint.engine.suppress import apply as apply_suppressions
from lint.engine.suppress import selector_matches
from lint.model.document import Document
from lint.model.findings import Finding
from lint.workspace.globs import matches

MAX_FINDINGS_PER_FILE = 1000  # more are summed up in one file/too-many-findings note


@dataclass
class BaselineUse:
    """A `--baseline` for this run: its entries, its path as findings show it, and how finding
    paths become the project-relative paths it records."""

    entries: Counter[baseline.Key]
    display: str
    path_of: Callable[[str], str]


class Emitter:
    """Filters the findings of one run (see the module docstring)."""

    def __init__(self, rules: Iterable[Rule], per_file_ignores: dict[str, list[str]]) -> None:
        self.rules = {r.id: r for r in rules}
        self.per_file_ignores = per_file_ignores

    def ignored_selectors(self, relative: str) -> list[str]:
        """The `per-file-ignores` selectors that apply to a file (path relative to the config)."""
        return [s for globs, sel in self.per_file_ignores.items() if matches(relative, [globs]) for s in sel]

    def _kept(self, finding: Finding, ignored: list[str]) -> bool:
        return finding.rule in self.rules and not any(selector_matches(s, finding.rule) for s in ignored)

    def document(self, doc: Document, findings: list[Finding], relative: str) -> list[Finding]:
        """The findings of one document as the report shows them."""
        ignored = self.ignored_selectors(relative) if self.per_file_ignores else []
        findings = [f for f in findings if self._kept(f, ignored)]
        if not doc.readable:
            return findings
        findings, unused = apply_suppressions(doc, findings)
        unused_rule = self.rules.get("suppression/unused")
        if unused_rule is not None:
            for s in unused:
                if s.rules and not all(any(selector_matches(sel, rid) for rid in self.rules) for sel in s.rules):
                    continue  # it names a rule that is off in this run
                what = ", ".join(s.rules) if s.rules else "all rules"
                note = unused_rule.report(
                    doc, s.start, s.end, f"suppression of {what} matches no finding; remove it", field=s.field
                )
                if self._kept(note, ignored):
                    findings.append(note)
        if len(findings) > MAX_FINDINGS_PER_FILE:
            findings = self._clip(doc, findings, ignored)
        return findings

    def _clip(self, doc: Document, findings: list[Finding], ignored: list[str]) -> list[Finding]:
        """The first MAX_FINDINGS_PER_FILE findings in file order, then one note for the rest."""
        findings = sorted(findings, key=Finding.sort_key)
        kept, rest = findings[:MAX_FINDINGS_PER_FILE], findings[MAX_FINDINGS_PER_FILE:]
        rule = self.rules.get("file/too-many-findings")
        if rule is not None:
            note = rule.report(
                doc,
                rest[0].start,
                rest[0].end,
                f"at least {len(rest):,} more findings in this file are not reported "
                f"(at most {MAX_FINDINGS_PER_FILE:,} per file); fix the ones above first",
            )
            if self._kept(note, ignored):
                kept.append(note)
        return kept

    def run(self, findings: Iterable[Finding], relative: Callable[[str], str]) -> list[Finding]:
        """Findings made for the whole run (a rule's `finish`, the baseline): `relative` turns a
        finding's display path into the path per-file ignores match."""
        return [
            f
            for f in findings
            if self._kept(f, self.ignored_selectors(relative(f.path)) if self.per_file_ignores else [])
        ]

    def baseline(
        self, findings: list[Finding], sources: dict, use: BaselineUse, checked: set[str]
    ) -> tuple[list[Finding], list[Finding], Counter[baseline.Key]]:
        """(findings the baseline does not hide, `baseline/stale` notes, stale entries)."""
        new, stale = baseline.apply(findings, sources, use.entries, checked, use.path_of)
        rule = self.rules.get("baseline/stale")
        notes = (
            [rule.report_file(use.display, message) for message in baseline.stale_messages(stale)]
            if rule is not None
            else []
        )
        return new, notes, stale
