"""Inline suppression comments, in the Markdown body and in YAML front matter.

Body:   <!-- hrlint-disable RULE ... -->  ...  <!-- hrlint-enable RULE ... -->
        <!-- hrlint-disable-next-line RULE ... -->
Front matter: a YAML comment on a key's line (`answer: >-  # hrlint-disable stigma`) or on the
line above it (`# hrlint-disable-next-line stigma`) suppresses findings in that field.
RULE is an id (`stigma/person-label`) or a family (`stigma`); none means every rule. Text after
` -- ` is a reason and is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lint.model.document import Document
from lint.model.findings import Finding
from lint.model.frontmatter_tree import field_name
from lint.text.markdown import scan

_BODY = re.compile(r"\s*hrlint-(disable-next-line|disable|enable)\b(.*)", re.DOTALL)  # inside an HTML comment
_YAML = re.compile(r"^\s*hrlint-(disable-next-line|disable)\b(.*)$")


def selector_matches(selector: str, rule: str) -> bool:
    return selector in ("all", rule, rule.split("/", 1)[0])


def _selectors(text: str) -> list[str]:
    text = text.split(" -- ", 1)[0].strip()
    if text.endswith("--"):
        text = text[:-2]
    return [s for s in re.split(r"[\s,]+", text) if s]


@dataclass
class Suppression:
    start: int  # comment span, for the unused-suppression finding
    end: int
    rules: list[str]  # empty: every rule
    first_line: int = 0  # body: lines covered (inclusive)
    last_line: int = 0
    field: str | None = None  # front matter: the field covered (and everything below it)
    used: bool = False

    def covers(self, finding: Finding) -> bool:
        if self.rules and not any(selector_matches(s, finding.rule) for s in self.rules):
            return False
        if self.field is not None:
            f = finding.field or ""
            return f == self.field or f.startswith(self.field + ".") or f.startswith(self.field + "[")
        return finding.field is None and self.first_line <= finding.line <= self.last_line


def collect(doc: Document) -> list[Suppression]:
    return _body(doc) + _front_matter(doc)


def _body(doc: Document) -> list[Suppression]:
    out: list[Suppression] = []
    open_ranges: list[Suppression] = []
    if doc.text.find("hrlint-", doc.body_start) < 0:
        return out
    for comment in scan(doc).comments:  # HTML comments outside code
        m = _BODY.match(comment.text) if comment.closed else None
        if m is None:
            continue
        kind, rules = m.group(1), _selectors(m.group(2))
        line, _ = doc.lines.position(comment.start)
        end_line, _ = doc.lines.position(comment.end)
        if kind == "disable-next-line":
            out.append(Suppression(comment.start, comment.end, rules, end_line + 1, end_line + 1))
        elif kind == "disable":
            s = Suppression(comment.start, comment.end, rules, line, len(doc.lines.starts))
            open_ranges.append(s)
            out.append(s)
        else:  # enable: close the matching open ranges
            for s in list(open_ranges):
                if not rules or not s.rules or set(rules) & set(s.rules):
                    s.last_line = line
                    open_ranges.remove(s)
    return out


def _front_matter(doc: Document) -> list[Suppression]:
    fm = doc.front_matter
    if fm is None or not any(_YAML.match(text) for _, text in fm.comments):
        return []
    scalars = [e.value_span for e in fm.entries.values() if e.scalar is not None and e.value_span]
    keys = sorted(
        (doc.lines.position(e.key_span[0])[0], e.key_span[0], path) for path, e in fm.entries.items() if e.key_span
    )
    out = []
    for offset, text in fm.comments:
        m = _YAML.match(text)
        if not m or any(s <= offset < e for s, e in scalars):
            continue
        line, _ = doc.lines.position(offset)
        end = offset + 1 + len(text.rstrip())
        same_line = [k for k in keys if k[0] == line and k[1] < offset]
        target = same_line[-1] if same_line else next((k for k in keys if k[0] > line), None)
        if target is not None:
            out.append(Suppression(offset, end, _selectors(m.group(2)), field=field_name(target[2])))
    return out


def apply(doc: Document, findings: list[Finding]) -> tuple[list[Finding], list[Suppression]]:
    """Drop suppressed findings; return the kept ones and the suppressions that matched nothing."""
    suppressions = collect(doc)
    if not suppressions:
        return findings, []
    kept = []
    for finding in findings:
        hit = [s for s in suppressions if s.covers(finding)]
        for s in hit:
            s.used = True
        if not hit:
            kept.append(finding)
    return kept, [s for s in suppressions if not s.used]
