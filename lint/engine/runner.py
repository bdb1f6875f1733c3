"""A lint run: choose the rules, plan the files, execute the plan, gather the report.

`Linter` holds the rules of a run (configured once). `Linter.run` builds a `RunPlan`, picks an
executor for speed alone (in this process, on worker processes, through the result cache; see
lint.engine.executors), and sends every finding through the one emit path (lint.engine.emit).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint.engine.context import CORPUS_INDEX, Context
from lint.engine.emit import BaselineUse, Emitter
from lint.engine.executors import Cached, Executor, processes, serial
from lint.engine.plan import FileResult, FileTask, FixMode, RunPlan, internal_error
from lint.engine.registry import Rule, RuleError, load_rules
from lint.engine.sections import data_files, validate_sections
from lint.engine.suppress import selector_matches
from lint.model.document import Document
from lint.model.findings import Finding, Severity
from lint.model.positions import LineIndex
from lint.text.urls import normalise_url
from lint.workspace.config import Config, ConfigError
from lint.workspace.discovery import discover, relative_to
from lint.workspace.parallel import default_jobs

# Speed only, never results: below this many files a run reads no result cache (opening it costs
# more than it saves) and lets the corpus index trust the folders unchanged since its last walk.
FEW_FILES = 64

Observer = Callable[[Document, Context, list[Finding], int, int], None]


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # display paths of every file checked
    internal_errors: list[str] = field(default_factory=list)
    sources: dict[str, LineIndex] = field(default_factory=dict)  # display path -> lines, files with findings
    fixed: list[tuple[str, Any]] = field(default_factory=list)  # (display path, lint.engine.fixer.Applied)
    refused: list[tuple[str, Finding, str]] = field(default_factory=list)  # (display path, finding, why)
    diffs: list[str] = field(default_factory=list)  # unified diffs (--diff)
    stale: Counter[Any] = field(default_factory=Counter)  # baseline entries that matched nothing

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def add(self, task: FileTask, result: FileResult) -> None:
        self.files.append(result.display)
        self.internal_errors += result.errors
        self.findings += result.findings
        self.fixed += [(result.display, a) for a in result.fixed]
        self.refused += [(result.display, f, why) for f, why in result.refused]
        if result.diff:
            self.diffs.append(result.diff)
        if result.findings:
            if result.lines is not None:
                self.sources[result.display] = result.lines
            elif isinstance(self.sources, _Sources):
                self.sources.paths[result.display] = task.path


def _check_selectors(selectors: list[str], known: dict[str, type[Rule]], where: str) -> None:
    families = {rid.split("/", 1)[0] for rid in known}
    for s in selectors:
        if s != "all" and s not in known and s not in families:
            raise ConfigError(f"{where}: unknown rule or family `{s}` (see `hrlint rules`)")


class Linter:
    """Rules instantiated once per run, with the configuration's severities and options."""

    def __init__(
        self,
        config: Config,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        debug: bool = False,
        use_cache: bool = True,
        check_external: bool = False,
        audit: bool = False,
        fix: FixMode = None,
        unsafe_fixes: bool = False,
        jobs: int | None = None,
    ):
        """`fix`: None (report), "write" (--fix) or "diff" (--diff); `jobs`: processes (default: CPUs)."""
        self.config = config
        self.jobs = jobs or default_jobs()
        self.fix = fix
        self.unsafe_fixes = unsafe_fixes
        self.debug = debug
        self.use_cache = use_cache
        self.check_external = check_external
        try:
            self.available = load_rules()
        except RuleError as exc:
            raise ConfigError(str(exc)) from None
        _check_selectors(list(config.rules), self.available, f"{config.name}: rules")
        _check_selectors(select or [], self.available, "--select")
        _check_selectors(ignore or [], self.available, "--ignore")
        for globs, selectors in config.per_file_ignores.items():
            _check_selectors(selectors, self.available, f"{config.name}: per-file-ignores.{globs}")
        self.rules: list[Rule] = []
        for rid, cls in self.available.items():
            settings = self._settings(rid)
            enabled = settings.pop("enabled", cls.default_enabled or audit)  # audits run audit-only rules
            if select:  # a family narrows the configured set; an exact id turns a rule on
                enabled = rid in select or (
                    enabled and (cls.kept_by_select or any(selector_matches(s, rid) for s in select))
                )
            if ignore and any(selector_matches(s, rid) for s in ignore):
                enabled = False
            severity = Severity.parse(settings.pop("severity")) if "severity" in settings else None
            try:
                rule = cls(settings, severity)
            except RuleError as exc:
                raise ConfigError(f"{config.name}: {exc}") from None
            if enabled:
                self.rules.append(rule)
        self.enabled_ids = {r.id for r in self.rules}
        self.sections = validate_sections(config, {cls.section for cls in self.available.values() if cls.section})
        self.data_files = data_files(self.sections)  # files the config names: cached results depend on them
        self._prepared: set[int] = set()  # ids of the contexts prepared

    def _settings(self, rid: str) -> dict[str, Any]:
        """Family-level settings, then the rule's own (the more specific wins)."""
        family = rid.split("/", 1)[0]
        merged: dict[str, Any] = {}
        for key in ("all", family, rid):
            settings = dict(self.config.rules.get(key, {}))
            if key != rid:  # options belong to one rule; families carry only enabled/severity
                settings = {k: v for k, v in settings.items() if k in ("enabled", "severity")}
            merged.update(settings)
        return merged

    @property
    def uses_corpus(self) -> bool:
        return any(CORPUS_INDEX in r.analyses for r in self.rules)

    @property
    def stateful(self) -> bool:
        """Some rule gathers across files (`finish`): one process, no result cache."""
        return any(type(r).finish is not Rule.finish for r in self.rules)

    # --- a run ----------------------------------------------------------------------------------

    def run(
        self,
        paths: list[Path],
        cwd: Path,
        only: list[Path] | None = None,
        linking_to: set[str] | frozenset[str] = frozenset(),
        observe: Observer | None = None,
        baseline: BaselineUse | None = None,
    ) -> Report:
        """Check `paths` (or just the files `only`, the content root still coming from `paths`), plus
        the articles whose related links point at one of the urls `linking_to`. `observe(doc, ctx,
        findings, done, total)` is called after each file (audits collect their metrics there).
        With `baseline`, the findings it records are hidden and its stale entries reported."""
        ctx = self.context(paths, cwd, prepare=False)
        wanted = list(only) if only is not None else list(paths)
        if linking_to:
            wanted += [
                ctx.root / a.path
                for a in ctx.get(CORPUS_INDEX).articles
                if any(normalise_url(u) in linking_to for u in a.links)
            ]
        files = discover(wanted, self.config, cwd, ctx.walk) if wanted else []
        few = len(files) < FEW_FILES
        keep = bool(self.fix) or observe is not None
        if few and not linking_to and not keep and not ctx.has(CORPUS_INDEX):
            ctx.targets = [path for path, _ in files]  # a pre-commit run: the index may skip its walk
        report = Report(sources={} if keep else _Sources({}, self.config.max_file_size))
        emitter = self.emitter()
        plan = RunPlan(
            ctx,
            self.rules,
            emitter,
            [FileTask(p, d) for p, d in files],
            self.config.max_file_size,
            keep_documents=keep,
            fix=self.fix,
            unsafe_fixes=self.unsafe_fixes,
            debug=self.debug,
        )
        spill = self._spill(ctx, plan, few)
        try:
            executor = self._executor(ctx, plan, few)
            total = len(plan.tasks)
            for done, (task, result) in enumerate(zip(plan.tasks, executor(plan, plan.tasks)), 1):
                report.add(task, result)
                if observe is not None and result.document is not None:
                    observe(result.document, ctx, result.findings, done, total)
        finally:
            if spill:
                spill.close()
                ctx.spill = None

        def relative(display: str) -> str:
            return relative_to(cwd / display, self.config.root)

        if self.stateful:
            self.prepare(ctx)
            for rule in self.rules:
                report.findings += emitter.run(self._finish(rule, ctx, report), relative)
        if baseline is not None:
            checked = {baseline.path_of(f) for f in report.files}
            report.findings, notes, report.stale = emitter.baseline(report.findings, report.sources, baseline, checked)
            report.findings += emitter.run(notes, relative)
        report.findings.sort(key=Finding.sort_key)
        return report

    def _spill(self, ctx: Context, plan: RunPlan, few: bool):  # noqa: ANN202 - Spill | None
        """When this run builds the corpus index over many files, the documents it parses are kept
        for the checks (each file parsed once); the plan's tasks learn where."""
        if ctx.has(CORPUS_INDEX) or few or not self.uses_corpus:
            return None
        from lint.store.spill import Spill

        ctx.spill = Spill.create(frozenset(t.path for t in plan.tasks), self.jobs)
        return ctx.spill

    def _executor(self, ctx: Context, plan: RunPlan, few: bool) -> Executor:
        """The executor for this plan, chosen for speed: results are the same with any."""
        jobs = 1 if self.stateful or plan.keep_documents else self.jobs
        inner = processes(jobs) if jobs > 1 else serial
        cacheable = self.use_cache and not self.check_external and not self.stateful and not plan.keep_documents
        stats: dict[str, tuple[int, int]] | None = None
        if plan.tasks and self.uses_corpus:
            index = ctx.get(CORPUS_INDEX)  # before the workers fork, so they share it
            stats, spilled, index.stats, index.spilled = index.stats, index.spilled, {}, {}
            for task in plan.tasks:
                task.spilled = spilled.get(task.path)
        if cacheable and not few:
            from lint.store.results import ResultCache, fingerprint

            digest = ctx.get(CORPUS_INDEX).digest if self.uses_corpus else None
            cache = ResultCache(ctx.root, fingerprint(self, ctx, digest))
            return Cached(inner, cache, stats, before=lambda: self.prepare(ctx))
        if plan.tasks:
            self.prepare(ctx)  # before the workers fork, so they share the loaded data
        return inner

    def _finish(self, rule: Rule, ctx: Context, report: Report) -> list[Finding]:
        """A rule's corpus-wide findings; a crash becomes an internal error, not a dead run."""
        try:
            return list(rule.finish(ctx))
        except ConfigError:
            raise
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the run
            report.internal_errors.append(internal_error(rule, "the corpus", exc, self.debug))
            return []

    # --- pieces for tests, benchmarks and editors -----------------------------------------------

    def emitter(self) -> Emitter:
        """The emit path of a run with the rules enabled now."""
        return Emitter(self.rules, self.config.per_file_ignores)

    def context(self, paths: list[Path] | None = None, cwd: Path | None = None, prepare: bool = True) -> Context:
        """A run context, with every enabled rule's data loaded unless `prepare` is false."""
        ctx = Context(
            self.config,
            paths=list(paths or []),
            cwd=cwd or Path.cwd(),
            use_cache=self.use_cache,
            check_external=self.check_external,
            jobs=self.jobs,
            sections=self.sections,
        )
        if prepare:
            self.prepare(ctx)
        return ctx

    def prepare(self, ctx: Context) -> None:
        """Build the analyses the enabled rules declare and let each rule load its data, once per
        context (bad rule data: ConfigError). A run whose files all come from the result cache never
        needs it: the cache's fingerprint covers that data."""
        if id(ctx) in self._prepared:
            return
        try:
            for rule in self.rules:
                for analysis in rule.analyses:
                    ctx.get(analysis)
                rule.prepare(ctx)
        except RuleError as exc:
            raise ConfigError(str(exc)) from None
        self._prepared.add(id(ctx))

    def check(self, doc: Document, ctx: Context) -> list[Finding]:
        """Findings of one document after per-file ignores and inline suppressions."""
        plan = RunPlan(ctx, self.rules, self.emitter(), [], self.config.max_file_size, debug=self.debug)
        return plan.check(doc)


class _Sources(dict):  # type: ignore[type-arg]
    """Display path -> LineIndex of files with findings, read (not parsed) only if an output
    format asks for its lines."""

    def __init__(self, paths: dict[str, str], max_bytes: int):
        super().__init__()
        self.paths = paths  # display path -> path of each file with findings
        self.max_bytes = max_bytes

    def __missing__(self, display: str) -> LineIndex:
        if display not in self.paths:
            raise KeyError(display)
        self[display] = Document.load(Path(self.paths[display]), display, self.max_bytes, parse=False).lines
        return self[display]  # type: ignore[no-any-return]

    def get(self, display: str, default: Any = None) -> Any:
        try:
            return self[display]
        except KeyError:
            return default

    def __contains__(self, display: object) -> bool:
        return dict.__contains__(self, display) or display in self.paths

    def __bool__(self) -> bool:
        return bool(self.paths) or dict.__len__(self) > 0
