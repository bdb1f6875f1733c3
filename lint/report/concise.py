"""`--format concise`: one `path:line:col: severity rule message` line per finding, nothing else."""

from __future__ import annotations


def render_concise(report, **_) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}\n" for f in report.findings)
