"""Baselines: adopt hrlint on an existing corpus by hiding the findings it already has.

A baseline entry is keyed on rule, path, field and the source text of the finding's span, with an
occurrence count, never on line numbers, so edits elsewhere in a file do not invalidate it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from lint.model.findings import Finding
from lint.workspace.config import ConfigError

BASELINE_VERSION = 1
Key = tuple[str, str, str, str]  # path, rule, field, text


def finding_key(finding: Finding, sources: dict, path_of: Callable[[str], str]) -> Key:
    """`path_of` turns a display path into the project-relative POSIX path stored in the file."""
    lines = sources.get(finding.path)
    text = lines.text[finding.start : finding.end] if lines is not None else ""
    return path_of(finding.path), finding.rule, finding.field or "", " ".join(text.split())


def write(path: Path, findings: list[Finding], sources: dict, path_of: Callable[[str], str]) -> int:
    counts = Counter(finding_key(f, sources, path_of) for f in findings)
    entries = [
        {"path": p, "rule": r, "field": fld or None, "text": t, "count": n}
        for (p, r, fld, t), n in sorted(counts.items())
    ]
    try:
        path.write_text(
            json.dumps(
                {"version": BASELINE_VERSION, "tool": "hrlint", "entries": entries}, indent=2, ensure_ascii=False
            )
            + "\n",
            encoding="utf-8",
        )
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    return len(entries)


def read(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["entries"] if data.get("version") == BASELINE_VERSION else None
        return Counter({(e["path"], e["rule"], e["field"] or "", e["text"]): int(e["count"]) for e in entries})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{path}: not a readable hrlint baseline ({exc}); write one with --write-baseline") from None


def apply(
    findings: list[Finding], sources: dict, baseline: Counter, checked: set[str], path_of: Callable[[str], str]
) -> tuple[list[Finding], Counter]:
    """Hide the findings the baseline knows; return the new findings and the unmatched (stale) entries
    of the files this run checked (`checked`: project-relative paths)."""
    remaining = Counter(baseline)
    new = []
    for f in findings:
        key = finding_key(f, sources, path_of)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(f)
    stale = Counter({k: n for k, n in remaining.items() if n > 0 and k[0] in checked})
    return new, stale


def stale_messages(stale: Counter) -> list[str]:
    """One `baseline/stale` message per stale entry (they name the path, rule and text)."""
    return [
        f"baseline entry matches nothing now: {rule} in {path}"
        + (f" ({field})" if field else "")
        + (f": `{text}`" if text else "")
        + (f" x{n}" if n > 1 else "")
        + "; remove it with --prune-baseline"
        for (path, rule, field, text), n in sorted(stale.items())
    ]


def prune(path: Path, baseline: Counter, stale: Counter) -> int:
    """Rewrite the baseline without its stale entries; returns how many entries were removed."""
    kept = baseline - stale
    entries = [
        {"path": p, "rule": r, "field": fld or None, "text": t, "count": n}
        for (p, r, fld, t), n in sorted(kept.items())
    ]
    path.write_text(
        json.dumps({"version": BASELINE_VERSION, "tool": "hrlint", "entries": entries}, indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    return sum(1 for k in baseline if k not in kept)
