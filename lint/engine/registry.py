"""The rule interface and the registry that loads rules from the `hrlint.rules` entry points.

A rule is a small class: an id `family/name`, a one-line summary, an explanation (why, example),
a default severity, a JSON Schema for its options, and `check(doc, ctx)`. Corpus-wide rules use
the same interface: they declare `analyses = (CORPUS_INDEX,)`, read `ctx.get(CORPUS_INDEX)` and may
report more in `finish(ctx)`.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import replace
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from lint.model.findings import Finding, Fix, Severity

if TYPE_CHECKING:
    from lint.engine.analysis import Analysis
    from lint.engine.context import Context
    from lint.model.document import Document, Region

ENTRY_POINT_GROUP = "hrlint.rules"
RULE_ID = re.compile(r"^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$")
_BUILTIN_MODULES = ("lint.checks.core", "lint.checks.schema", "lint.checks.consistency", "lint.checks.stigma",
                    "lint.checks.principles", "lint.checks.links.rules")


class RuleError(Exception):
    """A rule or its configuration is invalid (reported as a usage error, exit 2)."""


class Rule:
    id: ClassVar[str]
    summary: ClassVar[str]
    explanation: ClassVar[str] = ""
    default_severity: ClassVar[Severity] = Severity.WARNING
    options_schema: ClassVar[dict[str, Any]] = {}  # JSON Schema "properties" of the options
    default_enabled: ClassVar[bool] = True
    # The run-wide analyses the rule reads with ctx.get (lint.engine.analysis); built once per run,
    # before workers fork. A rule that reads the corpus index names CORPUS_INDEX here: its cached
    # results then depend on the whole index.
    analyses: ClassVar[tuple[Analysis[Any], ...]] = ()
    kept_by_select: ClassVar[bool] = False  # still reported when --select names other rules

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

    def report_file(self, display: str, message: str) -> Finding:
        """A finding about a whole file that is not a checked document (a baseline file), at 1:1."""
        return Finding(display, 1, 1, 1, 1, self.id, self.severity, message)


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


_ENTRY_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(?::\s*(?P<attr>[\w.]+)\s*)?(?:\[.*\]\s*)?$")


def entry_points(group: str) -> list[tuple[str, str]]:
    """(name, value) of the entry points of `group` declared by the distributions on sys.path,
    the first distribution of a name winning: what `importlib.metadata.entry_points(group=group)`
    finds, without importing importlib.metadata (about 50 ms, a sixth of a one-file run)."""
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue  # a zip file, or gone
        for name in names:
            low = name.lower()
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            project = re.sub(r"[-_.]+", "_", low.rpartition(".")[0].partition("-")[0])
            if project in seen:
                continue
            seen.add(project)
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"), encoding="utf-8") as file:
                    text = file.read()
            except (OSError, UnicodeDecodeError):
                continue
            found += _section(text, group)
    return found


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """The `name = value` lines of one `[group]` of an entry_points.txt (INI) file."""
    out, current = [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            name, value = line.split("=", 1)
            out.append((name.strip(), value.strip()))
    return out


def _load(value: str) -> Any:
    """The object an entry point names: `module` or `module:attribute.path`."""
    m = _ENTRY_VALUE.match(value)
    if not m:
        raise ValueError(f"not an entry point reference: {value!r}")
    obj = import_module(m["module"])
    for part in (m["attr"] or "").split(".") if m["attr"] else ():
        obj = getattr(obj, part)
    return obj


def load_rules() -> dict[str, type[Rule]]:
    """All registered rule classes by id, built-ins first, in registration order."""
    found: dict[str, type[Rule]] = {}
    eps = entry_points(ENTRY_POINT_GROUP)
    sources: list[tuple[str, Any]] = []
    if not any(value.startswith("lint.checks.") for _, value in eps):
        # Running from a source tree that is not installed: load the built-ins directly.
        sources += [(m, import_module(m).RULES) for m in _BUILTIN_MODULES]
    for name, value in sorted(eps, key=lambda e: (not e[1].startswith("lint."), e[0])):
        try:
            sources.append((f"{name} = {value}", _load(value)))
        except Exception as exc:  # a broken plugin must not take the run down silently
            raise RuleError(f"cannot load rule plugin {name} ({value}): {exc}") from exc
    for origin, obj in sources:
        for rule in _as_rules(obj, origin):
            if rule.id in found and found[rule.id] is not rule:
                raise RuleError(f"rule id {rule.id} is registered twice ({origin})")
            found[rule.id] = rule
    return found
