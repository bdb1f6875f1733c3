"""Findings, severities and fixes: what every rule reports."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import IntEnum


class Severity(IntEnum):
    """Finding severity; higher is worse, so `--fail-on` compares with >=."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[str(name).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Fix:
    """Replace source characters [start, end) with `replacement` (character offsets)."""

    start: int
    end: int
    replacement: str
    safe: bool = True
    # 1-based, end-exclusive source positions of [start, end); filled in by Rule.report.
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0


@dataclass
class Finding:
    """One problem at a 1-based, end-exclusive source range (columns count characters)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: Severity
    message: str
    field: str | None = None
    suggestions: list[str] = dc_field(default_factory=list)
    fix: Fix | None = None
    # Character offsets into the decoded text; used for suppression and fixes, not printed.
    start: int = 0
    end: int = 0

    def sort_key(self) -> tuple[str, int, int, str, int, int, str]:
        return (self.path, self.line, self.column, self.rule, self.end_line, self.end_column, self.message)
