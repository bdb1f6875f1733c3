"""`--format json`: a versioned object, findings sorted by path, line, column, rule."""

from __future__ import annotations

from collections import Counter

from lint.model.findings import Finding, Severity
from lint.model.jsonio import dumps_pretty

JSON_VERSION = 1


def finding_dict(f: Finding) -> dict:
    fix = None
    if f.fix is not None:
        fix = {
            "line": f.fix.line,
            "column": f.fix.column,
            "end_line": f.fix.end_line,
            "end_column": f.fix.end_column,
            "replacement": f.fix.replacement,
            "applicability": "safe" if f.fix.safe else "unsafe",
        }
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "rule": f.rule,
        "severity": str(f.severity),
        "message": f.message,
        "field": f.field,
        "suggestions": list(f.suggestions),
        "fix": fix,
    }


def summary(report) -> dict:
    return {
        "files_checked": len(report.files),
        "files_with_findings": len({f.path for f in report.findings}),
        "findings": len(report.findings),
        "by_severity": {str(s): report.count(s) for s in sorted(Severity, reverse=True)},
        "by_rule": dict(sorted(Counter(f.rule for f in report.findings).items())),
    }


def render_json(report, **_) -> str:
    return (
        dumps_pretty(
            {
                "version": JSON_VERSION,
                "findings": [finding_dict(f) for f in report.findings],
                "summary": summary(report),
            }
        )
        + "\n"
    )
