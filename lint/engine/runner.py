"""A lint run: choose rules, read each file once, run every rule on it, apply suppressions."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from lint.workspace.config import Config, ConfigError
from lint.engine.context import Context
from lint.workspace.discovery import discover
from lint.model.document import Document
from lint.model.findings import Finding, Severity
from lint.workspace.globs import matches
from lint.engine.registry import Rule, RuleError, load_rules
from lint.engine.suppress import apply, selector_matches


MAX_FINDINGS_PER_FILE = 1000  # more are summed up in one file/too-many-findings note
CACHE_MIN_FILES = 64  # fewer files (a pre-commit run): no result cache, and the index may skip its walk


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # display paths of every file checked
    internal_errors: list[str] = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # display path -> LineIndex, for files with findings
    fixed: list = field(default_factory=list)  # (display path, lint.engine.fixer.Applied)
    refused: list = field(default_factory=list)  # (display path, finding, why)
    diffs: list[str] = field(default_factory=list)  # unified diffs (--diff)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def _check_selectors(selectors: list[str], known: dict[str, type[Rule]], where: str) -> None:
    families = {rid.split("/", 1)[0] for rid in known}
    for s in selectors:
        if s != "all" and s not in known and s not in families:
            raise ConfigError(f"{where}: unknown rule or family `{s}` (see `hrlint rules`)")


class Linter:
    """Rules instantiated once per run, with the configuration's severities and options."""

    def __init__(self, config: Config, select: list[str] | None = None, ignore: list[str] | None = None,
                 debug: bool = False, use_cache: bool = True, check_external: bool = False, audit: bool = False,
                 fix: str | None = None, unsafe_fixes: bool = False, jobs: int | None = None):
        """`fix`: None (report), "write" (--fix) or "diff" (--diff); `jobs`: processes (default: CPUs)."""
        from lint.workspace.parallel import default_jobs

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
                enabled = rid in select or (enabled and any(selector_matches(s, rid) for s in select))
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

    def _settings(self, rid: str) -> dict:
        """Family-level settings, then the rule's own (the more specific wins)."""
        family = rid.split("/", 1)[0]
        merged: dict = {}
        for key in ("all", family, rid):
            settings = dict(self.config.rules.get(key, {}))
            if key != rid:  # options belong to one rule; families carry only enabled/severity
                settings = {k: v for k, v in settings.items() if k in ("enabled", "severity")}
            merged.update(settings)
        return merged

    def run(self, paths: list[Path], cwd: Path, only: list[Path] | None = None,
            linking_to: set[str] = frozenset(), observe=None) -> Report:
        """Check `paths` (or just the files `only`, the content root still coming from `paths`), plus
        the articles whose related links point at one of the urls `linking_to`. `observe(doc, ctx,
        findings, done, total)` is called after each file (audits collect their metrics there)."""
        ctx = self.context(paths, cwd, prepare=False)
        wanted = list(only) if only is not None else list(paths)
        if linking_to:
            from lint.text.urls import normalise_url

            wanted += [ctx.root / a.path for a in ctx.corpus.articles
                       if any(normalise_url(u) in linking_to for u in a.links)]
        files = discover(wanted, self.config, cwd, ctx.walk) if wanted else []
        if len(files) < CACHE_MIN_FILES and not linking_to and observe is None and "corpus" not in ctx.shared:
            ctx.targets = [path for path, _ in files]  # a pre-commit run: the index may skip its walk
        report = Report()
        if self.fix or observe is not None:
            self._run_in_process(files, ctx, report, observe)
        else:
            self._run_cached(files, ctx, report)
        if any(type(r).finish is not Rule.finish for r in self.rules):
            self.prepare(ctx)
        for rule in self.rules:
            report.findings.extend(self._guard(rule, lambda: list(rule.finish(ctx)), "the corpus", report))
        report.findings.sort(key=Finding.sort_key)
        return report

    def _run_in_process(self, files, ctx: Context, report: Report, observe) -> None:
        """One file after another, keeping each document (fixes and audits need it)."""
        self.prepare(ctx)
        for done, (name, display) in enumerate(files, 1):
            path = Path(name)
            doc = Document.load(path, display, self.config.max_file_size)
            report.files.append(display)
            found = self.check(doc, ctx, report)
            if self.fix and any(f.fix is not None and (f.fix.safe or self.unsafe_fixes) for f in found):
                doc, found = self._fix(doc, ctx, report, path, display)
            if found:
                report.findings.extend(found)
                report.sources[display] = doc.lines
            if observe is not None:
                observe(doc, ctx, found, done, len(files))

    def _run_cached(self, files, ctx: Context, report: Report) -> None:
        """Unchanged files from the result cache, the others checked on `jobs` processes. When
        this run builds the corpus index, the documents it parses are spilled for the checks."""
        spill = None
        if "corpus" not in ctx.shared and len(files) >= CACHE_MIN_FILES and any(r.uses_corpus for r in self.rules):
            from lint.store.spill import Spill

            spill = ctx.spill = Spill.create(frozenset(path for path, _ in files), self.jobs)
        try:
            self._run_files(files, ctx, report)
        finally:
            if spill is not None:
                spill.close()
                ctx.spill = None

    def _run_files(self, files, ctx: Context, report: Report) -> None:
        from lint.workspace.parallel import ordered_map

        stateful = any(type(r).finish is not Rule.finish for r in self.rules)  # gathers across files
        jobs = 1 if stateful else self.jobs
        cache = None
        if self.use_cache and not self.check_external and not stateful and len(files) >= CACHE_MIN_FILES:
            from lint.store.results import ResultCache, fingerprint

            digest = ctx.corpus.digest if any(r.uses_corpus for r in self.rules) else None
            cache = ResultCache(ctx.root, fingerprint(self, ctx, digest))
        elif any(r.uses_corpus for r in self.rules) and files:
            ctx.corpus  # noqa: B018 - built once, before the workers fork, so they share it
        stats, spilled = None, {}  # what the index build left for this run: dropped before the workers fork
        if "corpus" in ctx.shared:
            index = ctx.shared["corpus"]
            stats, spilled, index.stats, index.spilled = index.stats, index.spilled, {}, {}
        cached = cache.lookup(files, stats) if cache else [None] * len(files)
        del stats
        todo = [(path, display, spilled.get(path)) for (path, display), findings in zip(files, cached)
                if findings is None]
        del spilled
        if todo:
            self.prepare(ctx)  # before the workers fork, so they share the loaded data
        checked = ordered_map(lambda item: self._check_file(ctx, *item), todo, jobs)
        report.sources = _Sources({}, self.config.max_file_size)
        for i, (path, display) in enumerate(files):
            report.files.append(display)
            findings = cached[i]
            if findings is None:
                findings, errors, signature = next(checked)
                report.internal_errors += errors
                if cache is not None and signature is not None and not errors:
                    cache.put(path, *signature, findings)
            if findings:
                report.sources.paths[display] = path
            report.findings.extend(findings)
        if cache is not None:
            cache.save()

    def _check_file(self, ctx: Context, path: str, display: str, spilled: int | None = None):
        """(findings, internal errors, signature) of one file, read from the spill when the index
        build parsed it already. The text stays in the worker: an output format that shows source
        lines reads the few files with findings again."""
        report = Report()
        doc = ctx.spill.get(spilled) if spilled is not None else None
        if doc is not None:
            doc.path, doc.display = Path(path), display
        else:
            doc = Document.load(Path(path), display, self.config.max_file_size)
        found = self.check(doc, ctx, report)
        return found, report.internal_errors, doc.signature if doc.readable else None

    def _fix(self, doc: Document, ctx: Context, report: Report, path: Path, display: str):
        """Apply the document's fixes; write them (--fix) or record a diff (--diff)."""
        from lint.engine.fixer import fix_document, unified_diff, write_atomically

        result = fix_document(doc, lambda d: self.check(d, ctx, report), self.unsafe_fixes)
        report.refused += [(display, f, why) for f, why in result.refused]
        if not result.applied:
            return doc, self.check(doc, ctx, report)
        bom = "\ufeff" if doc.bom else ""
        if self.fix == "diff":
            report.diffs.append(unified_diff(display, bom + doc.text, bom + result.text))
        else:
            error = write_atomically(path, (bom + result.text).encode(doc.encoding),
                                     (bom + doc.text).encode(doc.encoding))
            if error:
                report.refused += [(display, a.finding, error) for a in result.applied]
                return doc, self.check(doc, ctx, report)
        report.fixed += [(display, a) for a in result.applied]
        fixed = Document.from_text(bom + result.text, display)
        fixed.path = path
        return fixed, self.check(fixed, ctx, report)

    def context(self, paths: list[Path] | None = None, cwd: Path | None = None, prepare: bool = True) -> Context:
        """A run context, with every enabled rule's data loaded unless `prepare` is false."""
        ctx = Context(self.config, paths=list(paths or []), cwd=cwd or Path.cwd(), use_cache=self.use_cache,
                      check_external=self.check_external, jobs=self.jobs)
        if prepare:
            self.prepare(ctx)
        return ctx

    def prepare(self, ctx: Context) -> None:
        """Load every enabled rule's data, once (bad rule data: ConfigError). A run whose files all
        come from the result cache never needs it: the cache's fingerprint covers that data."""
        if ctx.shared.get("prepared"):
            return
        for rule in self.rules:
            try:
                rule.prepare(ctx)
            except RuleError as exc:
                raise ConfigError(str(exc)) from None
        ctx.shared["prepared"] = True

    def check(self, doc: Document, ctx: Context, report: Report | None = None) -> list[Finding]:
        """Findings of one document after per-file ignores and inline suppressions."""
        report = report or Report()
        ignored = []
        if self.config.per_file_ignores:
            rel = ctx.relative(doc)
            ignored = [s for globs, sel in self.config.per_file_ignores.items() if matches(rel, [globs]) for s in sel]
        findings: list[Finding] = []
        for rule in self.rules:  # `_guard` inlined: this loop runs for every rule on every file
            if ignored and any(selector_matches(s, rule.id) for s in ignored):
                continue
            try:
                findings += list(rule.check(doc, ctx))
            except ConfigError:
                raise
            except Exception as exc:  # noqa: BLE001 - see _guard
                self._internal_error(rule, doc.display, report, exc)
        if not doc.readable:
            return findings
        findings, unused = apply(doc, findings)
        if len(findings) > MAX_FINDINGS_PER_FILE:
            findings = self._clip(doc, findings)
        if "suppression/unused" in self.enabled_ids:
            unused_rule = next(r for r in self.rules if r.id == "suppression/unused")
            for s in unused:
                if s.rules and not all(any(selector_matches(sel, rid) for rid in self.enabled_ids)
                                       for sel in s.rules):
                    continue  # it names a rule that is off in this run
                what = ", ".join(s.rules) if s.rules else "all rules"
                findings.append(unused_rule.report(doc, s.start, s.end,
                                                   f"suppression of {what} matches no finding; remove it",
                                                   field=s.field))
        return findings

    def _clip(self, doc: Document, findings: list[Finding]) -> list[Finding]:
        """The first MAX_FINDINGS_PER_FILE findings in file order, then one note for the rest."""
        findings = sorted(findings, key=Finding.sort_key)
        kept, rest = findings[:MAX_FINDINGS_PER_FILE], findings[MAX_FINDINGS_PER_FILE:]
        note = next((r for r in self.rules if r.id == "file/too-many-findings"), None)
        note = note or self.available["file/too-many-findings"]()  # shown even when not selected
        kept.append(note.report(doc, rest[0].start, rest[0].end,
                                f"at least {len(rest):,} more findings in this file are not reported "
                                f"(at most {MAX_FINDINGS_PER_FILE:,} per file); fix the ones above first"))
        return kept

    def _guard(self, rule: Rule, call, where: str, report: Report) -> list[Finding]:
        """Run a rule; a crash becomes an internal error for that file, not a dead run."""
        try:
            return call()
        except ConfigError:
            raise  # invalid configuration found late (a schema loaded on first use): one line, exit 2
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the other files
            self._internal_error(rule, where, report, exc)
            return []

    def _internal_error(self, rule: Rule, where: str, report: Report, exc: Exception) -> None:
        detail = traceback.format_exc() if self.debug else f"{type(exc).__name__}: {exc}"
        report.internal_errors.append(f"internal error in rule {rule.id} on {where}: {detail}")


class _Sources(dict):
    """Display path -> LineIndex of files with findings, read (not parsed) only if an output
    format asks for its lines."""

    def __init__(self, paths: dict[str, str], max_bytes: int):
        super().__init__()
        self.paths = paths  # display path -> path of each file with findings
        self.max_bytes = max_bytes

    def __missing__(self, display: str):
        if display not in self.paths:
            raise KeyError(display)
        self[display] = Document.load(Path(self.paths[display]), display, self.max_bytes, parse=False).lines
        return self[display]

    def get(self, display: str, default=None):
        try:
            return self[display]
        except KeyError:
            return default

    def __contains__(self, display) -> bool:
        return dict.__contains__(self, display) or display in self.paths

    def __bool__(self) -> bool:
        return bool(self.paths) or dict.__len__(self) > 0
