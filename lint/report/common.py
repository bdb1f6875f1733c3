"""Helpers shared by the machine-readable formats: severity names, rule documentation text and
links, and the source text a finding points at."""

from __future__ import annotations

import re
import textwrap

from lint.model.findings import Finding, Severity

DOCS_URL = "https://github.com/hrlint/hrlint"  # the one place the documentation address lives
# README sections that document a rule family in depth; every other family is in the rules table.
_FAMILY_ANCHORS = {"stigma": "stigmatizing-language", "principles": "principle-wording",
                   "links": "related-article-links"}

# Each consumer's name for our severities.
_LEVELS = {
    "github": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"},
    "sarif": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"},
    "rdjson": {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"},
}

# An indented example right under a line of text: Markdown needs a blank line to make it code.
_INDENTED_AFTER_TEXT = re.compile(r"(?m)^(\S.*)\n( {4})")
HELP_LIMIT = 4000  # characters of `describe()` kept in a rule's help text
DESCRIPTION_LIMIT = 1024  # GitHub's limit for shortDescription / fullDescription


def level(fmt: str, severity: Severity) -> str:
    """The name `fmt` ("github", "sarif" or "rdjson") uses for `severity`."""
    return _LEVELS[fmt][Severity(severity)]


def rule_url(rule_id: str) -> str:
    return f"{DOCS_URL}#{_FAMILY_ANCHORS.get(rule_id.split('/', 1)[0], 'rules')}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def rule_docs(rule_id: str, cls) -> dict[str, str]:
    """`summary`, `description` (first paragraph of the help), `help` (the dedented, clipped
    `describe()` text) and `markdown` (the same with a title and a link) of a rule class; `cls`
    may be None for a rule this run does not know."""
    summary = (getattr(cls, "summary", "") or rule_id).strip()
    help_text = textwrap.dedent(cls.describe() if cls is not None else "").strip("\n") or summary
    help_text = _clip(help_text, HELP_LIMIT)
    first = help_text.split("\n\n", 1)[0]
    body = _INDENTED_AFTER_TEXT.sub(r"\1\n\n\2", help_text)
    return {"summary": _clip(summary, DESCRIPTION_LIMIT),
            "description": _clip(" ".join(first.split()), DESCRIPTION_LIMIT),
            "help": help_text,
            "markdown": f"**{summary}**\n\n{body}\n\n[Documentation]({rule_url(rule_id)})"}


def span_text(f: Finding, sources: dict | None) -> str | None:
    """The source text of the finding's span (whitespace runs collapsed), or None when the file's
    text is not available."""
    lines = (sources or {}).get(f.path)
    if lines is None or not 1 <= f.line <= f.end_line <= len(lines.starts):
        return None
    start = lines.offset(f.line, f.column)
    end = lines.offset(f.end_line, f.end_column)
    return " ".join(lines.text[start:max(start, end)].split())


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
