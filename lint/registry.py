"""The rule interface and the registry that loads rules from the `hrlint.rules` entry points.

A rule is a small class: an id `family/name`, a one-line summary, an explanation (why, example),
a default severity, a JSON Schema for its options, and `check(doc, ctx)`. Corpus-wide rules use
the same interface: they read `ctx.corpus` and may report more in `finish(ctx)`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from lint.findings import Finding, Fix, Severity

if TYPE_CHECKING:
    from lint.context import Context
    from lint.document import Document, Region

ENTRY_POINT_GROUP = "hrlint.rules"
RULE_ID = re.compile(r"^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$")
_BUILTIN_MODULES = ("lint.checks.core", "lint.checks.schema", "lint.checks.consistency", "lint.checks.stigma",
                    "lint.checks.principles", "lint.checks.links")


class RuleError(Exception):
    """A rule or its configuration is invalid (reported as a usage error, exit 2)."""


class Rule:
    id: ClassVar[str]
    summary: ClassVar[str]
    explanation: ClassVar[str] = ""
    default_severity: ClassVar[Severity] = Severity.WARNING
    options_schema: ClassVar[dict[str, Any]] = {}  # JSON Schema "properties" of the options
    default_enabled: ClassVar[bool] = True
    uses_corpus: ClassVar[bool] = False  # reads ctx.corpus: cached results depend on the whole index

    def __init__(self, options: dict[str, Any] | None = None, severity: Severity | None = None):
        self.options = self.validate_options(options or {})
        self.configured_severity = severity  # None unless the config set one
        self.severity = severity or self.default_severity

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        defaults = {k: v["default"] for k, v in cls.options_schema.items() if "default" in v}
        if not options:
            return defaults  # nothing to validate: no need to load jsonschema
        import jsonschema

        schema = {"type": "object", "properties": cls.options_schema, "additionalProperties": False}
        error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(options))
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path) or "options"
            raise RuleError(f"rule {cls.id}: invalid option `{where}`: {error.message}")
        return {**defaults, **options}

    @property
    def severity_label(self) -> str:
        """How `hrlint rules` shows the severity (data-driven rules may say where it comes from)."""
        return str(self.severity)

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]

    @classmethod
    def describe(cls) -> str:
        """The text `hrlint explain` prints (rules built on data may add to the explanation)."""
        return cls.explanation

    def prepare(self, ctx: "Context") -> None:
        """Called once before any document; load data here (raise RuleError on bad data)."""

    def check(self, doc: "Document", ctx: "Context") -> Iterable[Finding]:
        return ()

    def finish(self, ctx: "Context") -> Iterable[Finding]:
        """Called once after every document was checked (corpus-wide findings)."""
        return ()

    # --- helpers for rule authors ---------------------------------------------------------

    def report(self, doc: "Document", start: int, end: int, message: str, *, field: str | None = None,
               suggestions: Iterable[str] = (), fix: Fix | None = None,
               severity: Severity | None = None) -> Finding:
        """A finding at source offsets [start, end) of `doc`."""
        line, column = doc.lines.position(start)
        end_line, end_column = doc.lines.position(max(end, start))
        if fix is not None:
            fix = replace(fix, line=doc.lines.position(fix.start)[0], column=doc.lines.position(fix.start)[1],
                          end_line=doc.lines.position(fix.end)[0], end_column=doc.lines.position(fix.end)[1])
        return Finding(doc.display, line, column, end_line, end_column, self.id,
                       severity or self.severity, message, field, list(suggestions), fix, start, end)

    def report_region(self, doc: "Document", region: "Region", a: int, b: int, message: str,
                      **kwargs: Any) -> Finding:
        """A finding at characters [a, b) of a prose region."""
        start, end = region.source_span(a, b)
        return self.report(doc, start, end, message, field=region.field, **kwargs)


def _as_rules(obj: Any, origin: str) -> list[type[Rule]]:
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    out = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Rule)):
            raise RuleError(f"entry point {origin} does not provide Rule classes")
        if not RULE_ID.match(getattr(item, "id", "")):
            raise RuleError(f"entry point {origin}: rule id {getattr(item, 'id', None)!r} "
                            "is not of the form family/name")
        out.append(item)
    return out


def load_rules() -> dict[str, type[Rule]]:
    """All registered rule classes by id, built-ins first, in registration order."""
    found: dict[str, type[Rule]] = {}
    eps = list(entry_points(group=ENTRY_POINT_GROUP))
    sources: list[tuple[str, Any]] = []
    if not any(ep.value.startswith("lint.checks.") for ep in eps):
        # Running from a source tree that is not installed: load the built-ins directly.
        import importlib
        sources += [(m, importlib.import_module(m).RULES) for m in _BUILTIN_MODULES]
    for ep in sorted(eps, key=lambda e: (not e.value.startswith("lint."), e.name)):
        try:
            sources.append((f"{ep.name} = {ep.value}", ep.load()))
        except Exception as exc:  # a broken plugin must not take the run down silently
            raise RuleError(f"cannot load rule plugin {ep.name} ({ep.value}): {exc}") from exc
    for origin, obj in sources:
        for rule in _as_rules(obj, origin):
            if rule.id in found and found[rule.id] is not rule:
                raise RuleError(f"rule id {rule.id} is registered twice ({origin})")
            found[rule.id] = rule
    return found
