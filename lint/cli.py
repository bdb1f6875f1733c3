"""The `hrlint` command line (click). Heavy modules are imported inside commands, so that
`hrlint --version` stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lint import __version__
from lint.report import FORMATS  # names only: a format's module is imported when it is used

FAIL_ON = ("error", "warning", "info")
FORMAT_NAMES = tuple(FORMATS)
UNCHECKED_RULES = {"file/unreadable", "file/encoding", "file/too-large"}  # the file was not checked


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _usage_error(message: str) -> NoReturn:  # noqa: F821
    click.echo(f"hrlint: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="hrlint")
def main() -> None:
    """hrlint: lint harm-reduction health articles (front matter, wording, links)."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="text",
    show_default=True,
    help="Output format (see the README).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these rule ids or families (comma-separated, repeatable)."
)
@click.option(
    "--ignore", multiple=True, metavar="RULES", help="Skip these rule ids or families (comma-separated, repeatable)."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: warning, or the config's].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching for one.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no source excerpt, no summary.")
@click.option("--statistics", is_flag=True, help="Also print the number of findings per rule.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the caches (corpus index, per-file results).")
@click.option(
    "--check-external",
    is_flag=True,
    help="Also request external http(s) links (off by default; never under pre-commit unless given).",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Check only files changed since the merge base of REF and HEAD, plus files linking to "
    "articles renamed or deleted since then.",
)
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Hide the findings recorded in this baseline file; report only new ones.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the current findings in this baseline file (exit 0).",
)
@click.option("--prune-baseline", is_flag=True, help="With --baseline: remove the entries that match nothing.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even with findings (never hides exit 2).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe (implies --fix unless --diff).")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff of what --fix would change and write nothing (exit 1 if any).",
)
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (on stderr).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes to check files on [default: the number of CPUs]. Output is the same for any N.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def check(
    paths,
    fmt,
    output,
    select,
    ignore,
    fail_on,
    config_path,
    quiet,
    statistics,
    no_cache,
    check_external,
    changed_since,
    baseline_path,
    write_baseline,
    prune_baseline,
    exit_zero,
    fix,
    unsafe_fixes,
    show_diff,
    show_fixes,
    jobs,
    debug,
):
    """Check PATHS (files or folders; default: the current folder)."""
    from lint.engine.runner import Linter
    from lint.model.findings import Severity
    from lint.workspace.config import ConfigError, load

    cwd = Path.cwd()
    if prune_baseline and baseline_path is None:
        _usage_error("--prune-baseline needs --baseline FILE")
    try:
        config = load(config_path, cwd)
        fix_mode = "diff" if show_diff else ("write" if fix or unsafe_fixes else None)
        linter = Linter(
            config,
            _split(select),
            _split(ignore),
            debug=debug,
            use_cache=not no_cache,
            check_external=check_external,
            fix=fix_mode,
            unsafe_fixes=unsafe_fixes,
            jobs=jobs,
        )
        roots = list(paths) or [Path(".")]
        known = None
        if baseline_path is not None and write_baseline is None:
            from lint.engine import baseline
            from lint.engine.emit import BaselineUse

            known = BaselineUse(baseline.read(baseline_path), baseline_path.as_posix(), _project_path(config, cwd))
        only, linking_to = _changed(changed_since, roots, config, cwd) if changed_since else (None, frozenset())
        report = linter.run(roots, cwd, only=only, linking_to=linking_to, baseline=known)
        if write_baseline is not None:
            from lint.engine import baseline

            count = baseline.write(write_baseline, report.findings, report.sources, _project_path(config, cwd))
            click.echo(
                f"hrlint: wrote {count} baseline entries for {len(report.findings)} findings to {write_baseline}",
                err=True,
            )
            sys.exit(0)
        if known is not None and prune_baseline:
            from lint.engine import baseline

            removed = baseline.prune(baseline_path, known.entries, report.stale)
            report.findings = [f for f in report.findings if f.rule != "baseline/stale"]
            click.echo(f"hrlint: removed {removed} stale entries from {baseline_path}", err=True)
    except ConfigError as exc:
        _usage_error(str(exc))
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, exit 2
        if debug:
            raise
        _usage_error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")

    for display, finding, why in report.refused:
        click.echo(
            f"hrlint: fix refused at {display}:{finding.line}:{finding.column} ({finding.rule}): {why}", err=True
        )
    if show_fixes or (fix_mode == "write" and report.fixed and not quiet):
        _report_fixes(report.fixed, verbose=show_fixes)
    if show_diff:
        _emit("".join(report.diffs), output)
        sys.exit(2 if report.internal_errors else (1 if report.diffs else 0))
    color = fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    kwargs = {
        "color": color,
        "quiet": quiet,
        "statistics": statistics,
        "sources": report.sources,
        "rules": linter.available,
        "cwd": cwd,
    }
    _emit(FORMATS[fmt](report, **kwargs), output)
    for message in report.internal_errors:
        click.echo(f"hrlint: {message}", err=True)
    unchecked = len({f.path for f in report.findings if f.rule in UNCHECKED_RULES})
    if unchecked:
        click.echo(f"hrlint: {unchecked} file{'s' if unchecked != 1 else ''} could not be checked", err=True)
    if report.internal_errors or unchecked:
        sys.exit(2)
    threshold = Severity.parse(fail_on) if fail_on else config.fail_on
    failed = any(f.severity >= threshold for f in report.findings)
    sys.exit(1 if failed and not exit_zero else 0)


def _emit(text: str, output: Path | None) -> None:
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _usage_error(f"cannot write {output}: {exc.strerror or exc}")
    else:
        click.echo(text, nl=False)


def _report_fixes(fixed: list, verbose: bool) -> None:
    files = len({display for display, _ in fixed})
    click.echo(
        f"hrlint: fixed {len(fixed)} problem{'s' if len(fixed) != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''}" + (":" if verbose else "."),
        err=True,
    )
    if verbose:
        for display, applied in sorted(fixed, key=lambda item: (item[0], item[1].finding.line, item[1].finding.column)):
            f = applied.finding
            click.echo(f"  {display}:{f.line}:{f.column} {f.rule}: `{applied.old}` -> `{f.fix.replacement}`", err=True)


def _changed(ref: str, roots: list[Path], config, cwd: Path) -> tuple[list[Path], set[str]]:
    """Changed files under the given paths that the config includes, and the urls of articles
    renamed or deleted since the merge base."""
    from lint.workspace.changed import changed_files, old_urls
    from lint.workspace.discovery import relative_to
    from lint.workspace.globs import matches

    top, files, gone = changed_files(ref, cwd)
    bases = [r.resolve() for r in roots]
    only = [
        f
        for f in files
        if any(f.resolve() == b or f.resolve().is_relative_to(b) for b in bases)
        and matches(relative_to(f, config.root), config.include)
        and not matches(relative_to(f, config.root), config.exclude)
    ]
    return only, old_urls(top, gone)


def _project_path(config, cwd: Path):
    """Display path -> POSIX path relative to the config folder (stable whatever the cwd)."""
    from lint.workspace.discovery import relative_to

    return lambda display: relative_to(cwd / display, config.root)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a self-contained HTML report (charts, sortable findings table) to FILE.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the summary as versioned JSON to FILE.",
)
@click.option(
    "--max-rows",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="Findings of one rule embedded in the HTML report at most.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching for one.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the corpus index cache.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def audit(path, html_path, json_path, max_rows, config_path, no_cache, debug):
    """Audit a content folder (default: the current folder): every rule, including the audit-only
    link metrics, summarised for the terminal, HTML and JSON. Exits 0 unless it cannot run."""
    from lint.engine.runner import Linter
    from lint.report import audit as audit_report
    from lint.workspace.config import ConfigError, load

    cwd = Path.cwd()
    root = path or Path(".")
    collector = audit_report.Collector()
    progress = _progress() if sys.stderr.isatty() else None
    try:
        linter = Linter(load(config_path, cwd), debug=debug, use_cache=not no_cache, audit=True)

        def observe(doc, ctx, findings, done, total):
            collector(doc, ctx, findings, done, total)
            if progress is not None:
                progress(done, total)

        report = linter.run([root], cwd, observe=observe)
        data = audit_report.build(report, collector, root.as_posix())
        if html_path is not None:
            html_path.write_text(audit_report.render_html(report, data, collector, max_rows), encoding="utf-8")
        if json_path is not None:
            json_path.write_text(audit_report.render_json(data), encoding="utf-8")
    except ConfigError as exc:
        _usage_error(str(exc))
    except OSError as exc:
        _usage_error(f"cannot write the report: {exc.strerror or exc} ({exc.filename})")
    except Exception as exc:  # noqa: BLE001
        if debug:
            raise
        _usage_error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
    if progress is not None:
        click.echo("", err=True)
    click.echo(audit_report.render_summary(data), nl=False)
    for message in report.internal_errors:
        click.echo(f"hrlint: {message}", err=True)
    sys.exit(2 if report.internal_errors else 0)


def _progress():
    """A one-line progress counter on stderr (only on a terminal)."""

    def show(done: int, total: int) -> None:
        if done == total or done % 50 == 0:
            width = 30
            filled = width * done // max(total, 1)
            click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", err=True, nl=False)

    return show


@main.command("rules")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Show the severities this config sets.",
)
def rules_command(config_path):
    """List every rule with its severity and summary."""
    from lint.engine.runner import Linter
    from lint.workspace.config import ConfigError, load

    try:
        linter = Linter(load(config_path))
    except ConfigError as exc:
        _usage_error(str(exc))
    enabled = {r.id: r for r in linter.rules}
    width = max(len(rid) for rid in linter.available)
    for rid, cls in sorted(linter.available.items()):
        rule = enabled.get(rid)
        severity = rule.severity_label if rule else "off"
        click.echo(f"{rid:{width}s}  {severity:8s} {cls.summary}")


@main.command()
@click.argument("rule")
def explain(rule):
    """Explain RULE (an id such as schema/required, or a family such as schema)."""
    from lint.engine.registry import RuleError, load_rules

    try:
        available = load_rules()
    except RuleError as exc:
        _usage_error(str(exc))
    chosen = [cls for rid, cls in available.items() if rule in (rid, rid.split("/", 1)[0])]
    if not chosen:
        _usage_error(f"unknown rule `{rule}` (see `hrlint rules`)")
    for i, cls in enumerate(chosen):
        if i:
            click.echo("")
        click.echo(f"{cls.id} ({cls.default_severity}{'' if cls.default_enabled else ', off by default'})")
        click.echo(f"  {cls.summary}")
        text = cls.describe()
        if text.strip():
            click.echo("")
            click.echo(_dedent(text))
        if cls.options_schema:
            click.echo("Options:")
            for name, spec in cls.options_schema.items():
                default = f" (default: {spec['default']!r})" if "default" in spec else ""
                click.echo(f"  {name}: {spec.get('description', '')}{default}")


@main.command("docs")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; list the stale, missing and extra pages and exit 1 if there are any.",
)
def docs_command(directory, check_only):
    """Write the rule pages generated from the rule registry into DIRECTORY [default: docs/rules]."""
    from lint.engine.registry import RuleError
    from lint.report import ruledocs

    directory = directory or ruledocs.DEFAULT_DIR
    try:
        changes = ruledocs.compare(directory) if check_only else ruledocs.write(directory)
    except RuleError as exc:
        _usage_error(str(exc))
    except OSError as exc:
        _usage_error(f"cannot write the rule pages: {exc.strerror or exc} ({exc.filename})")
    for status, path in changes:
        click.echo(f"{status}: {path}")
    if check_only and changes:
        click.echo(
            f"hrlint: {len(changes)} page(s) in {directory} differ from the rules; run `hrlint docs {directory}`",
            err=True,
        )
        sys.exit(1)


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")
