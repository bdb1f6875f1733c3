"""`--format rdjson`: one reviewdog Diagnostic Format object. reviewdog counts columns in UTF-8
bytes (1-based, end exclusive), so character columns are converted with the source line; when
the line is not available the character column is kept."""

from __future__ import annotations

import json

from lint.report.common import DOCS_URL, level, rule_url


def byte_column(lines, line: int, column: int) -> int:
    """The 1-based UTF-8 byte column of a 1-based character column."""
    if lines is None or not 1 <= line <= len(lines.starts):
        return column
    prefix = lines.line_text(line)[: column - 1]
    past_end = max(0, column - 1 - len(prefix))
    return len(prefix.encode("utf-8", "surrogatepass")) + past_end + 1


def rd_range(lines, line: int, column: int, end_line: int, end_column: int) -> dict:
    return {
        "start": {"line": line, "column": byte_column(lines, line, column)},
        "end": {"line": end_line, "column": byte_column(lines, end_line, end_column)},
    }


def diagnostic(f, lines) -> dict:
    out = {
        "message": f.message,
        "location": {"path": f.path, "range": rd_range(lines, f.line, f.column, f.end_line, f.end_column)},
        "severity": level("rdjson", f.severity),
        "code": {"value": f.rule, "url": rule_url(f.rule)},
    }
    if f.fix is not None and f.fix.line > 0:
        fix = f.fix
        out["suggestions"] = [
            {"range": rd_range(lines, fix.line, fix.column, fix.end_line, fix.end_column), "text": fix.replacement}
        ]
    return out


def render_rdjson(report, sources=None, **_) -> str:
    sources = sources or report.sources
    return (
        json.dumps(
            {
                "source": {"name": "hrlint", "url": DOCS_URL},
                "severity": "WARNING",  # default for diagnostics without one; every diagnostic has its own
                "diagnostics": [diagnostic(f, sources.get(f.path)) for f in report.findings],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
