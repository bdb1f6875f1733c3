"""`--format text`: `path:line:col: severity rule message`, the source line, a caret, a summary."""

from __future__ import annotations

from collections import Counter

import click

from lint.model.findings import Severity

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
WINDOW = 100  # characters of a long source line shown around the span


def _snippet(line_text: str, column: int, end_column: int) -> tuple[str, str]:
    """The source line clipped around [column, end_column) and the caret line under it."""
    start, end = column - 1, max(end_column - 1, column)
    prefix = ""
    if len(line_text) > WINDOW:
        lo = max(0, min(start - 30, len(line_text) - WINDOW))
        hi = lo + WINDOW
        prefix = "…" if lo > 0 else ""
        shown = prefix + line_text[lo:hi] + ("…" if hi < len(line_text) else "")
        start, end = start - lo + len(prefix), min(end, hi) - lo + len(prefix)
    else:
        shown = line_text
    shown = shown.replace("\t", " ")
    carets = " " * start + "^" * max(1, min(end, len(shown)) - start)
    return shown, carets


def render_text(report, color: bool = False, quiet: bool = False, statistics: bool = False, sources=None, **_) -> str:
    """`sources` maps a display path to its LineIndex, for the source excerpt."""
    out: list[str] = []

    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    for f in report.findings:
        sev = style(str(f.severity), fg=_COLORS[f.severity], bold=True)
        out.append(f"{style(f.path, bold=True)}:{f.line}:{f.column}: {sev} {style(f.rule, dim=True)} {f.message}")
        lines = (sources or {}).get(f.path)
        if quiet or lines is None or f.line > len(lines.starts):
            continue
        end_column = f.end_column if f.end_line == f.line else len(lines.line_text(f.line)) + 1
        shown, carets = _snippet(lines.line_text(f.line), f.column, end_column)
        gutter = " " * len(str(f.line))
        out.append(f"  {f.line} | {shown}")
        out.append(f"  {gutter} | {style(carets, fg=_COLORS[f.severity])}")
        if f.suggestions:
            out.append(f"  {gutter} = suggestion: {' / '.join(f.suggestions[:3])}")
    if statistics and report.findings:
        out.append("")
        counts = Counter((f.rule, f.severity) for f in report.findings)
        for (rule, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0])):
            out.append(f"{n:6d}  {rule:32s} {sev}")
    if not quiet:
        out.append(summary_line(report))
    return "\n".join(out) + "\n"


def summary_line(report) -> str:
    n_files = len(report.files)
    files = f"{n_files} file{'s' if n_files != 1 else ''}"
    if not report.findings:
        return f"No problems found in {files}."
    parts = [
        f"{report.count(s)} {s}{'s' if report.count(s) != 1 and s != Severity.INFO else ''}"
        for s in sorted(Severity, reverse=True)
        if report.count(s)
    ]
    n = len(report.findings)
    affected = len({f.path for f in report.findings})
    return f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)}) in {affected} of {files}."
