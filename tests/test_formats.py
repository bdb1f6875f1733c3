"""Output formats: golden files on the seeds, GitHub escaping and step summary, SARIF validity and
fingerprints, rdjson byte columns, JUnit escaping, exit codes and `--output`.

Golden files live in tests/data/golden/seeds.<format>. After an intended change to the output,
regenerate them with

    HRLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_formats.py

and review the diff before committing. In the SARIF golden file the absolute `%SRCROOT%` uri and
the hrlint version are replaced by placeholders.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from conftest import DATA, ROOT

from lint.cli import FORMAT_NAMES
from lint.engine.runner import Report
from lint.model.findings import Finding, Severity
from lint.report.github import SUMMARY_ROWS, annotation, render_github
from lint.report.junit import render_junit
from lint.report.sarif import region

GOLDEN = DATA / "golden"
UPDATE = os.environ.get("HRLINT_UPDATE_GOLDEN") == "1"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
ROOT_PLACEHOLDER = "file:///SRCROOT/"
VERSION_PLACEHOLDER = "<VERSION>"
CAFE = "Café — addicts gather here.\n"  # stigma/person-label flags `addicts` (character column 8)


@pytest.fixture(autouse=True)
def no_step_summary(monkeypatch):
    """Never write to a real step summary when the tests themselves run on GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def sarif(text: str) -> dict:
    """Parse a SARIF log and check it against the SARIF 2.1.0 schema."""
    log = json.loads(text)
    errors = sorted(SARIF_VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return log


def normalise_sarif(text: str) -> str:
    log = sarif(text)
    run = log["runs"][0]
    root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == ROOT.as_uri() + "/"
    run["tool"]["driver"]["version"] = VERSION_PLACEHOLDER
    text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    return text.replace(json.dumps(root), json.dumps(ROOT_PLACEHOLDER))


def finding(
    message: str = "msg",
    path: str = "a.md",
    line: int = 3,
    column: int = 5,
    end_line: int = 3,
    end_column: int = 9,
    rule: str = "stigma/abuse",
    severity: Severity = Severity.ERROR,
    **kwargs,
) -> Finding:
    return Finding(path, line, column, end_line, end_column, rule, severity, message, **kwargs)


def report_of(*findings: Finding) -> Report:
    return Report(findings=list(findings), files=sorted({f.path for f in findings}))


# --- golden files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_golden_seeds(hrlint, fmt):
    result = hrlint("check", "--format", fmt, "seeds/")
    assert result.exit_code == 1, result.stderr
    output = normalise_sarif(result.stdout) if fmt == "sarif" else result.stdout
    golden = GOLDEN / f"seeds.{fmt}"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(output.encode("utf-8"))
    assert output == golden.read_bytes().decode("utf-8"), (
        f"{fmt} output changed; if intended, rerun with HRLINT_UPDATE_GOLDEN=1 and review the diff"
    )


# --- exit codes and --output ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_exit_codes_and_output_file(hrlint, write, fmt, tmp_path):
    clean = write({"clean/ok.md": "Naloxone reverses opioid overdoses.\n"}) / "clean"
    result = hrlint("check", "--format", fmt, "ok.md", cwd=clean)
    assert result.exit_code == 0, result.stdout + result.stderr
    to_stdout = hrlint("check", "--format", fmt, "seeds/")
    out = tmp_path / f"report.{fmt}"
    to_file = hrlint("check", "--format", fmt, "--output", out, "seeds/")
    assert to_stdout.exit_code == to_file.exit_code == 1 and to_file.stdout == ""
    assert out.read_bytes() == to_stdout.stdout.encode("utf-8")


def test_concise_prints_nothing_without_findings(hrlint, write):
    cwd = write({"ok.md": "Naloxone reverses opioid overdoses.\n"})
    assert hrlint("check", "--format", "concise", "ok.md", cwd=cwd).stdout == ""


# --- github ---------------------------------------------------------------------------------------


def test_github_escapes_data_and_properties():
    f = finding("100% sure: a, b\r\nnext", path="dir,1/a:b.md", rule="stigma/abuse", severity=Severity.WARNING)
    assert annotation(f) == (
        "::warning file=dir%2C1/a%3Ab.md,line=3,endLine=3,col=5,endColumn=9,"
        "title=hrlint (stigma/abuse)::100%25 sure: a, b%0D%0Anext"
    )


def test_github_levels_and_multiline_span():
    multi = finding("spans lines", line=3, end_line=5, end_column=2, severity=Severity.INFO)
    assert annotation(multi) == "::notice file=a.md,line=3,endLine=5,title=hrlint (stigma/abuse)::spans lines"
    assert annotation(finding()).startswith("::error file=a.md,line=3,endLine=3,col=5,endColumn=9,")


def test_github_step_summary_is_appended(monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = report_of(finding("a | b <tag>", path="x|y.md"), finding("w", path="z.md", severity=Severity.WARNING))
    out = render_github(report)
    assert out.count("\n") == 2 and out.startswith("::error file=x|y.md,")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## hrlint\n")
    assert "Found 2 problems (1 error, 1 warning) in 2 of 2 files." in text
    assert "| file | line | rule | severity | message |" in text
    assert "| x\\|y.md | 3 | stigma/abuse | error | a \\| b &lt;tag> |" in text
    render_github(report)
    assert summary.read_text(encoding="utf-8").count("## hrlint") == 2  # appended, not replaced


def test_github_step_summary_is_capped(monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render_github(report_of(*[finding(f"m{i}", line=i, end_line=i) for i in range(1, SUMMARY_ROWS + 6)]))
    rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| a.md |")]
    assert len(rows) == SUMMARY_ROWS
    assert f"Only the first {SUMMARY_ROWS} of {SUMMARY_ROWS + 5} findings are listed" in summary.read_text()


@pytest.mark.parametrize("value", [None, ""])
def test_github_without_step_summary_writes_nothing(monkeypatch, tmp_path, value):
    if value is not None:
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", value)
    monkeypatch.chdir(tmp_path)
    assert render_github(report_of(finding())).startswith("::error ")
    assert list(tmp_path.iterdir()) == []


def test_github_step_summary_through_the_cli(hrlint, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = hrlint("check", "--format", "github", "seeds/")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## hrlint\n") and "in 4 of 5 files." in text
    rows = [line for line in text.splitlines() if line.startswith("| seeds/")]
    assert len(rows) == len(result.stdout.splitlines()) > 0


# --- sarif ----------------------------------------------------------------------------------------


def test_sarif_rules_results_and_fixes(hrlint):
    log = sarif(hrlint("check", "--format", "sarif", "seeds/").stdout)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted({r["ruleId"] for r in run["results"]})  # only the rules with findings
    for r in rules:
        assert len(r["fullDescription"]["text"]) <= 1024 and r["help"]["text"]
        assert r["helpUri"] == f"https://github.com/hrlint/hrlint/blob/main/docs/rules/{r['id']}.md"
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    fixed = [res for res in run["results"] if "fixes" in res]
    assert fixed and all(
        res["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] for res in fixed
    )
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_fingerprints_survive_line_moves(hrlint, write):
    text = CAFE + "Some addicts and drug abuse.\nMore addicts.\n"
    cwd = write({"a.md": text})

    def locations() -> dict[str, tuple[str, int]]:
        run = sarif(hrlint("check", "--format", "sarif", "a.md", cwd=cwd).stdout)["runs"][0]
        return {
            r["partialFingerprints"]["hrlint/v1"]: (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in run["results"]
        }

    before = locations()
    assert len(before) == 4  # three `addicts` (distinct occurrence numbers) and one `drug abuse`
    (cwd / "a.md").write_text("\n\n\n" + text, encoding="utf-8")
    after = locations()
    assert after.keys() == before.keys()
    assert all(after[fp] == (rule, line + 3) for fp, (rule, line) in before.items())


def test_sarif_empty_span_is_widened():
    assert region(2, 7, 2, 7) == {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 8}
    assert region(2, 7, 2, 7, widen=False)["endColumn"] == 7  # an insertion point in a fix


def test_sarif_clean_run_is_valid(hrlint, write):
    cwd = write({"ok.md": "Naloxone reverses opioid overdoses.\n"})
    run = sarif(hrlint("check", "--format", "sarif", "ok.md", cwd=cwd).stdout)["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == cwd.resolve().as_uri() + "/"


# --- rdjson ---------------------------------------------------------------------------------------


def test_rdjson_columns_are_utf8_bytes(hrlint, write):
    cwd = write({"a.md": CAFE})
    assert hrlint("check", "--format", "json", "a.md", cwd=cwd).triples() == [("stigma/person-label", 1, 8)]
    result = hrlint("check", "--format", "rdjson", "a.md", cwd=cwd)
    assert result.exit_code == 1
    [diag] = json.loads(result.stdout)["diagnostics"]
    # "Café — " is 7 characters but 10 bytes (é is 2 bytes, — is 3), so `addicts` starts at byte 11.
    span = {"start": {"line": 1, "column": 11}, "end": {"line": 1, "column": 18}}
    assert diag["location"] == {"path": "a.md", "range": span}
    assert diag["severity"] == "ERROR" and diag["code"]["value"] == "stigma/person-label"
    assert diag["suggestions"][0]["range"] == span
    assert CAFE.encode("utf-8")[10:17] == b"addicts"


# --- junit ----------------------------------------------------------------------------------------


def test_junit_escapes_markup_and_control_characters():
    report = report_of(finding('<b> & "q" \x01', path="a&b.md"))
    report.files.append("clean.md")
    root = ET.fromstring(render_junit(report))
    suite = root.find("testsuite")
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failed, passed = suite.findall("testcase")
    assert failed.get("name") == "a&b.md" and passed.get("name") == "clean.md" and len(passed) == 0
    failure = failed.find("failure")
    assert failure.get("message") == "1 problem" and failure.get("type") == "error"
    assert failure.text == '3:5 error stigma/abuse <b> & "q" \ufffd'


def test_junit_counts_on_the_seeds(hrlint):
    root = ET.fromstring(hrlint("check", "--format", "junit", "seeds/").stdout)
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == 5
    assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None) == 4


@pytest.mark.parametrize("message", ["plain", 'é ’ “quoted” \u2028 \x00 \x1f \x7f \\ " /', "😀 \ud7ff", ""])
def test_json_text_is_what_the_standard_library_writes(message):
    from lint.report.json_format import render_json

    report = report_of(finding(message=message, suggestions=[], fix=None))
    data = json.loads(render_json(report))
    assert render_json(report) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
