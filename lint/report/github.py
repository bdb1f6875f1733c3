"""`--format github`: GitHub Actions workflow commands (one annotation per finding), plus a
Markdown report appended to `$GITHUB_STEP_SUMMARY` when that variable names a file (GitHub shows
at most 10 annotations of each level per step, so the summary is where the full list lives)."""

from __future__ import annotations

import os

import click

from lint.report.common import level
from lint.report.text import summary_line

SUMMARY_ROWS = 200  # table rows written to the step summary


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f) -> str:
    props = {"file": f.path, "line": f.line, "endLine": f.end_line}
    if f.line == f.end_line:  # GitHub rejects col/endColumn on a multi-line annotation
        props.update(col=f.column, endColumn=f.end_column)
    props["title"] = f"hrlint ({f.rule})"
    joined = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
    return f"::{level('github', f.severity)} {joined}::{escape_data(f.message)}"


def _cell(value) -> str:
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def step_summary(report) -> str:
    out = ["## hrlint", "", summary_line(report), ""]
    if report.findings:
        out += ["| file | line | rule | severity | message |", "| --- | ---: | --- | --- | --- |"]
        out += [
            f"| {_cell(f.path)} | {f.line} | {_cell(f.rule)} | {f.severity} | {_cell(f.message)} |"
            for f in report.findings[:SUMMARY_ROWS]
        ]
        if len(report.findings) > SUMMARY_ROWS:
            out += [
                "",
                f"Only the first {SUMMARY_ROWS} of {len(report.findings)} findings are listed; "
                "run `hrlint check` locally for the rest.",
            ]
        out.append("")
    return "\n".join(out) + "\n"


def render_github(report, **_) -> str:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(step_summary(report))
        except OSError as exc:
            click.echo(f"hrlint: cannot write the step summary {path}: {exc.strerror or exc}", err=True)
    return "".join(annotation(f) + "\n" for f in report.findings)
