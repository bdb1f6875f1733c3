"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

`tool.driver.rules` lists only the rules that have findings in this run (sorted by id), so the
file stays small; `ruleIndex` points into that list. Paths are relative to `%SRCROOT%`, the
folder hrlint ran in. `partialFingerprints["hrlint/v1"]` hashes the rule, path, field, the text
of the span and its occurrence number, never the line, so an alert survives lines moving.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from lint import __version__
from lint.model.findings import Severity
from lint.report.common import DOCS_URL, level, rule_docs, rule_url, span_text

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "hrlint/v1"


def descriptor(rule_id: str, cls) -> dict:
    docs = rule_docs(rule_id, cls)
    url = rule_url(rule_id)
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": docs["summary"]},
        "fullDescription": {"text": docs["description"]},
        "help": {"text": docs["help"], "markdown": docs["markdown"]},
        "helpUri": url,
        "defaultConfiguration": {"level": level("sarif", getattr(cls, "default_severity", Severity.WARNING))},
        "properties": {"tags": [rule_id.split("/", 1)[0]]},
    }


def artifact(path: str) -> dict:
    if Path(path).is_absolute():  # outside the folder hrlint ran in
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": SRCROOT}


def region(line: int, column: int, end_line: int, end_column: int, widen: bool = True) -> dict:
    """A SARIF region; `widen` turns an empty span into one character so viewers can show it."""
    if widen and (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def fingerprints(findings, sources) -> list[str]:
    """One hash per finding: rule, path, field, span text (the message when the text is
    unavailable) and the occurrence number among findings with the same key."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        text = span_text(f, sources)
        key = (f.rule, f.path, f.field or "", f.message if text is None else text)
        seen[key] += 1
        data = json.dumps([*key, seen[key]], ensure_ascii=False).encode("utf-8")
        out.append(hashlib.sha256(data).hexdigest())
    return out


def sarif_fix(f) -> dict:
    fix = f.fix
    what = f"Replace with `{fix.replacement}`" if fix.replacement else "Delete"
    return {
        "description": {"text": what + ("" if fix.safe else " (unsafe fix: check the meaning)")},
        "artifactChanges": [
            {
                "artifactLocation": artifact(f.path),
                "replacements": [
                    {
                        "deletedRegion": region(fix.line, fix.column, fix.end_line, fix.end_column, widen=False),
                        "insertedContent": {"text": fix.replacement},
                    }
                ],
            }
        ],
    }


def result(f, rule_index: int, fingerprint: str) -> dict:
    out = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level("sarif", f.severity),
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact(f.path),
                    "region": region(f.line, f.column, f.end_line, f.end_column),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if f.field:
        out["properties"] = {"field": f.field}
    if f.fix is not None and f.fix.line > 0:
        out["fixes"] = [sarif_fix(f)]
    return out


def render_sarif(report, rules=None, cwd=None, sources=None, **_) -> str:
    rules = rules or {}
    used = sorted({f.rule for f in report.findings})
    index = {rid: i for i, rid in enumerate(used)}
    root = (cwd or Path.cwd()).resolve().as_uri().rstrip("/") + "/"
    invocation = {"executionSuccessful": not report.internal_errors, "workingDirectory": {"uri": root}}
    if report.internal_errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": m}} for m in report.internal_errors
        ]
    run = {
        "tool": {
            "driver": {
                "name": "hrlint",
                "version": __version__,
                "informationUri": DOCS_URL,
                "rules": [descriptor(rid, rules.get(rid)) for rid in used],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root}},
        "columnKind": "unicodeCodePoints",
        "results": [
            result(f, index[f.rule], fp)
            for f, fp in zip(report.findings, fingerprints(report.findings, sources or report.sources))
        ],
    }
    log = {"$schema": SCHEMA_URL, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
