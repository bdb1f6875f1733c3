"""The rule interface and the registry that loads rules from the `hrlint.rules` entry points.

A rule is a small class: an id `family/name`, a one-line summary, why it exists, an example it
reports and one it does not, the fixes it offers, a default severity, a JSON Schema for its
options, and `check(doc, ctx)`. The `hrlint explain` text and the pages under docs/rules are both
built from these fields (lint.report.ruledocs), and the tests run every example through its rule.
Corpus-wide rules use the same interface: they declare `analyses = (CORPUS_INDEX,)`, read
`ctx.get(CORPUS_INDEX)` and may report more in `finish(ctx)`.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from lint.model.findings import Finding, Fix, Severity

if TYPE_CHECKING:
    from lint.engine.analysis import Analysis
    from lint.engine.context import Context
    from lint.engine.sections import Section
    from lint.model.document import Document, Region

ENTRY_POINT_GROUP = "hrlint.rules"
RULE_ID = re.compile(r"^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$")
_BUILTIN_MODULES = (
    "lint.checks.core",
    "lint.checks.schema",
    "lint.checks.consistency",
    "lint.checks.stigma",
    "lint.checks.principles",
    "lint.checks.links.rules",
)


class RuleError(Exception):
    """A rule or its configuration is invalid (reported as a usage error, exit 2)."""


def _block(text: str) -> str:
    """A triple-quoted block as written in a class body: dedented, without its first newline."""
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Example:
    """A small content tree that shows what a rule reports (or does not).

    `text` is the file the example is about (`path`, written with `encoding`); `files` are other
    files of the same content tree (articles a link points at, a schema), `config` the tree's
    hrlint.yaml. The tests check every example with the real rule; one that cannot be built from
    files (it needs the network or permissions) says why in `illustrative` and is only shown.
    `args` are extra `hrlint check` arguments; `caption` is one sentence shown with it.
    """

    text: str = ""
    caption: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    config: str = ""
    path: str = "example.md"
    encoding: str = "utf-8"
    args: tuple[str, ...] = ()
    illustrative: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _block(self.text))
        object.__setattr__(self, "files", {name: _block(body) for name, body in self.files.items()})
        object.__setattr__(self, "config", _block(self.config))
        object.__setattr__(self, "caption", " ".join(self.caption.split()))


# The fixes a rule may offer: `--fix` applies safe ones, `--unsafe-fixes` the others too.
FIX_SAFETY = {
    "safe": "safe (applied by `--fix`)",
    "unsafe": "unsafe (applied only with `--unsafe-fixes`)",
    "mixed": "safe or unsafe, depending on the finding (`--fix` applies the safe ones)",
    "none": "no fix (the finding may carry suggestions)",
}


class Rule:
    id: ClassVar[str]
    summary: ClassVar[str]
    # Documentation, shown by `hrlint explain` and on the rule's page under docs/rules. A rule that
    # sets `why` gets its `explanation` built from these fields; one may still set `explanation`.
    why: ClassVar[str] = ""  # why the rule exists: what goes wrong for readers or the site
    example_flagged: ClassVar[Example | None] = None  # reported by this rule
    example_passing: ClassVar[Example | None] = None  # the same done right: not reported
    fix_safety: ClassVar[str] = "none"  # a key of FIX_SAFETY: the fixes `check` may attach
    fix_note: ClassVar[str] = ""  # what a fix changes, and when it is offered
    severity_note: ClassVar[str] = ""  # when a finding's severity is not the default one
    explanation: ClassVar[str] = ""
    default_severity: ClassVar[Severity] = Severity.WARNING
    options_schema: ClassVar[dict[str, Any]] = {}  # JSON Schema "properties" of the options
    default_enabled: ClassVar[bool] = True
    # The run-wide analyses the rule reads with ctx.get (lint.engine.analysis); built once per run,
    # before workers fork. A rule that reads the corpus index names CORPUS_INDEX here: its cached
    # results then depend on the whole index.
    analyses: ClassVar[tuple[Analysis[Any], ...]] = ()
    kept_by_select: ClassVar[bool] = False  # still reported when --select names other rules
    section: ClassVar[Section | None] = None  # the family-wide config section it reads (ctx.section)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.fix_safety not in FIX_SAFETY:
            raise RuleError(
                f"rule {getattr(cls, 'id', cls.__name__)}: fix_safety must be one of "
                f"{', '.join(FIX_SAFETY)}, not {cls.fix_safety!r}"
            )
        if cls.why and "explanation" not in vars(cls):
            cls.explanation = cls.compose_explanation()

    @classmethod
    def compose_explanation(cls) -> str:
        """The plain-text explanation built from `why`, the examples and the fix fields."""
        paragraphs = _block(cls.why).strip().split("\n\n")
        parts = [_fill("Why: " + paragraphs[0]), *map(_fill, paragraphs[1:])]
        for label, example in (("Example", cls.example_flagged), ("Passes", cls.example_passing)):
            if example is not None:
                parts.append(_example_text(label, example))
        if cls.severity_note:
            parts.append(_fill("Severity: " + cls.severity_note))
        if cls.fix_safety != "none" or cls.fix_note:
            note = " ".join(cls.fix_note.split())
            parts.append(_fill(f"Fix: {FIX_SAFETY[cls.fix_safety]}" + (f". {note}" if note else ".")))
        return "\n" + "\n\n".join(parts) + "\n"

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

    def prepare(self, ctx: Context) -> None:
        """Called once before any document; load data here (raise RuleError on bad data)."""

    def check(self, doc: Document, ctx: Context) -> Iterable[Finding]:
        return ()

    def finish(self, ctx: Context) -> Iterable[Finding]:
        """Called once after every document was checked (corpus-wide findings)."""
        return ()

    # --- helpers for rule authors ---------------------------------------------------------

    def report(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        *,
        field: str | None = None,
        suggestions: Iterable[str] = (),
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding at source offsets [start, end) of `doc`."""
        line, column = doc.lines.position(start)
        end_line, end_column = doc.lines.position(max(end, start))
        if fix is not None:
            fix = replace(
                fix,
                line=doc.lines.position(fix.start)[0],
                column=doc.lines.position(fix.start)[1],
                end_line=doc.lines.position(fix.end)[0],
                end_column=doc.lines.position(fix.end)[1],
            )
        return Finding(
            doc.display,
            line,
            column,
            end_line,
            end_column,
            self.id,
            severity or self.severity,
            message,
            field,
            list(suggestions),
            fix,
            start,
            end,
        )

    def report_region(self, doc: Document, region: Region, a: int, b: int, message: str, **kwargs: Any) -> Finding:
        """A finding at characters [a, b) of a prose region."""
        start, end = region.source_span(a, b)
        return self.report(doc, start, end, message, field=region.field, **kwargs)

    def report_file(self, display: str, message: str) -> Finding:
        """A finding about a whole file that is not a checked document (a baseline file), at 1:1."""
        return Finding(display, 1, 1, 1, 1, self.id, self.severity, message)


def _fill(text: str) -> str:
    """One paragraph, reflowed to the width of the terminal text."""
    return textwrap.fill(" ".join(text.split()), 96, break_long_words=False, break_on_hyphens=False)


def _example_text(label: str, example: Example) -> str:
    """One example as `hrlint explain` prints it: the caption, then each file indented."""
    lines = [_fill(f"{label}: {example.caption}")]
    if example.args:
        lines.append(f"  hrlint check {' '.join(example.args)}")
    shown = [(example.path, example.text)] if example.text else []
    shown += [(name, body) for name, body in example.files.items()]
    if example.config:
        shown.append(("hrlint.yaml", example.config))
    for n, (name, body) in enumerate(shown):
        if len(shown) > 1 or n:
            lines.append(f"  {name}:")
        lines.append(textwrap.indent(body.rstrip("\n"), "    "))
    return "\n".join(lines)


def _as_rules(obj: Any, origin: str) -> list[type[Rule]]:
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    out = []
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Rule)):
            raise RuleError(f"entry point {origin} does not provide Rule classes")
        if not RULE_ID.match(getattr(item, "id", "")):
            raise RuleError(
                f"entry point {origin}: rule id {getattr(item, 'id', None)!r} is not of the form family/name"
            )
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
