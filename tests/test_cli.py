"""The command line: seeds, exit codes, selection, formats, configuration, suppression."""

from __future__ import annotations

import json
import os

import pytest
from conftest import SEEDS

ARTICLE = """---
id: {id}
title: {title}
question: {question}
---
Body text.
"""


def article(title="What is naloxone?", question="What is naloxone?", id=1) -> str:
    return ARTICLE.format(title=title, question=question, id=id)


# --- the seeds --------------------------------------------------------------------------------


def test_seeds_are_clean(hrlint):
    """The two seed articles pass the schema and consistency rules; the plain texts have none."""
    result = hrlint("check", "--select", "file,schema,consistency", "seeds/")
    assert result.exit_code == 0
    assert result.stdout == "No problems found in 5 files.\n"


def test_seeds_json(hrlint):
    result = hrlint("check", "--format", "json", "--select", "file,schema,consistency", "seeds")
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["findings"] == []
    assert data["summary"] == {
        "files_checked": 5,
        "files_with_findings": 0,
        "findings": 0,
        "by_severity": {"error": 0, "warning": 0, "info": 0},
        "by_rule": {},
    }


def test_seed_files_are_byte_for_byte_copies():
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for original in shared.iterdir():
        assert (SEEDS / original.name).read_bytes() == original.read_bytes()


# --- findings, exit codes, formats ------------------------------------------------------------


@pytest.fixture
def tree(write):
    return write(
        {
            "hrlint.yaml": "default-schema: mini\nschema-dirs: [schemas]\n",
            "schemas/mini.schema.json": json.dumps(
                {
                    "type": "object",
                    "x-hrlint-prose-fields": ["title"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "question": {"type": "string"},
                    },
                    "required": ["id", "title"],
                    "additionalProperties": False,
                }
            ),
            "good.md": article(),
            "bad.md": article(question="What is Narcan?", id=2),
        }
    )


def test_text_output(hrlint, tree):
    result = hrlint("check", ".", cwd=tree)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'bad.md:4:11: error consistency/title-match `question` differs from `title` ("What is naloxone?")',
        "  4 | question: What is Narcan?",
        "    |           ^^^^^^^^^^^^^^^",
        "    = suggestion: What is naloxone?",
        "Found 1 problem (1 error) in 1 of 2 files.",
    ]


def test_json_finding_fields(hrlint, tree):
    (finding,) = hrlint("check", "--format", "json", ".", cwd=tree).findings
    assert finding == {
        "path": "bad.md",
        "line": 4,
        "column": 11,
        "end_line": 4,
        "end_column": 26,
        "rule": "consistency/title-match",
        "severity": "error",
        "message": '`question` differs from `title` ("What is naloxone?")',
        "field": "question",
        "suggestions": ["What is naloxone?"],
        "fix": None,
    }


def test_quiet_and_statistics(hrlint, tree):
    assert hrlint("check", "-q", ".", cwd=tree).stdout == (
        'bad.md:4:11: error consistency/title-match `question` differs from `title` ("What is naloxone?")\n'
    )
    stats = hrlint("check", "--statistics", ".", cwd=tree).stdout.splitlines()
    assert "     1  consistency/title-match          error" in stats


def test_output_file(hrlint, tree):
    result = hrlint("check", "--format", "json", "--output", "report.json", ".", cwd=tree)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads((tree / "report.json").read_text())["summary"]["findings"] == 1


@pytest.mark.parametrize(
    "args, code",
    [
        ([], 1),
        (["--ignore", "consistency"], 0),
        (["--ignore", "consistency/title-match"], 0),
        (["--select", "schema"], 0),
        (["--select", "schema,consistency/title-match"], 1),
        (["--select", "schema", "--select", "consistency"], 1),
    ],
)
def test_select_and_ignore(hrlint, tree, args, code):
    assert hrlint("check", *args, ".", cwd=tree).exit_code == code


def test_fail_on(hrlint, write):
    root = write(
        {"hrlint.yaml": "rules:\n  consistency/title-match: {severity: info}\n", "a.md": article(question="Other?")}
    )
    assert hrlint("check", "a.md", "--select", "consistency", cwd=root).exit_code == 0
    assert hrlint("check", "a.md", "--select", "consistency", "--fail-on", "info", cwd=root).exit_code == 1
    (finding,) = hrlint("check", "--format", "json", "a.md", "--select", "consistency", cwd=root).findings
    assert finding["severity"] == "info"


def test_colour_only_on_a_terminal(hrlint, tree):
    assert "\x1b[" not in hrlint("check", ".", cwd=tree).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "missing-folder"], "hrlint: error: missing-folder: no such file or folder"),
        (
            ["check", "--select", "nope", "."],
            "hrlint: error: --select: unknown rule or family `nope` (see `hrlint rules`)",
        ),
        (["explain", "nope/rule"], "hrlint: error: unknown rule `nope/rule` (see `hrlint rules`)"),
    ],
)
def test_usage_errors_are_one_line(hrlint, tmp_path, args, message):
    result = hrlint(*args, cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


def test_rules_and_explain(hrlint):
    listing = hrlint("rules").stdout
    assert "schema/required" in listing and "suppression/unused" in listing
    text = hrlint("explain", "schema/required").stdout
    assert text.startswith("schema/required (error)\n  A field the schema requires is missing.\n")
    assert "Why:" in text and "Example:" in text
    family = hrlint("explain", "consistency").stdout
    assert family.count("Why:") == 4
    assert "seo-title-prefix:" in family


def test_rules_index_lists_every_rule(hrlint):
    """The generated docs/rules/README.md has a row per rule `hrlint rules` lists, with its summary."""
    from conftest import ROOT

    index = (ROOT / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    for line in hrlint("rules").stdout.splitlines():
        rule_id, _, summary = line.split(maxsplit=2)
        row = next((r for r in index.splitlines() if r.startswith(f"| [`{rule_id}`]({rule_id}.md) |")), None)
        assert row is not None, f"{rule_id} is missing from docs/rules/README.md (run `hrlint docs`)"
        assert row.endswith(f"| {summary.replace('|', chr(92) + '|')} |"), row


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config_name, content",
    [
        ("hrlint.yaml", "rules:\n  consistency: {severity: warning}\n"),
        (".hrlint.yaml", "rules:\n  consistency: {severity: warning}\n"),
        ("pyproject.toml", '[tool.hrlint.rules.consistency]\nseverity = "warning"\n'),
    ],
)
def test_config_discovered_upwards(hrlint, write, config_name, content):
    root = write({config_name: content, "sub/dir/a.md": article(question="Other?")})
    (finding,) = hrlint("check", "--format", "json", "--select", "consistency", ".", cwd=root / "sub" / "dir").findings
    assert finding["severity"] == "warning"


def test_explicit_config(hrlint, write):
    root = write({"custom.yaml": "rules:\n  consistency/title-match: off\n", "a.md": article(question="x?")})
    assert hrlint("check", "--select", "consistency", "--config", "custom.yaml", "a.md", cwd=root).exit_code == 0
    # naming the exact id on the command line turns it back on
    assert (
        hrlint("check", "--select", "consistency/title-match", "--config", "custom.yaml", "a.md", cwd=root).exit_code
        == 1
    )
    assert hrlint("check", "--config", "nothere.yaml", "a.md", cwd=root).stderr == (
        "hrlint: error: nothere.yaml: configuration file not found\n"
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("colour: red\n", "unknown key `colour`"),
        ("fail-on: fatal\n", "`fail-on`: unknown severity 'fatal' (use error, warning or info)"),
        ("include: 3\n", "`include` must be a list of strings"),
        ("rules:\n  stigmaa: off\n", "rules: unknown rule or family `stigmaa`"),
        (
            "rules:\n  consistency/subject: {seo-title-prefix: 3}\n",
            "rule consistency/subject: invalid option `seo-title-prefix`: 3 is not of type 'string'",
        ),
        ("rules:\n  consistency/subject: {colour: red}\n", "rule consistency/subject: invalid option `options`"),
        ("per-file-ignores:\n  'a/**': [nope]\n", "per-file-ignores.a/**: unknown rule or family `nope`"),
        ("include: [\n", "invalid configuration syntax"),
        ("links:\n  colour: red\n", "unknown key `links.colour`"),
        ("links:\n  external-deny: ['(']\n", "`links.external-deny`: invalid regular expression '('"),
        ("links: [1]\n", "`links` must be a mapping"),
    ],
)
def test_bad_config_stops_the_run(hrlint, write, content, message):
    root = write({"hrlint.yaml": content, "a.md": article()})
    result = hrlint("check", ".", cwd=root)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "hrlint.yaml" in result.stderr and message in result.stderr


def test_per_file_ignores(hrlint, write):
    root = write(
        {
            "hrlint.yaml": "per-file-ignores:\n  'legacy/**': [consistency]\n",
            "legacy/a.md": article(question="x?"),
            "new/a.md": article(question="x?"),
        }
    )
    result = hrlint("check", "--format", "json", "--select", "consistency", ".", cwd=root)
    assert [f["path"] for f in result.findings] == ["new/a.md"]


def test_require_front_matter(hrlint, write):
    root = write(
        {
            "hrlint.yaml": "require-front-matter: ['articles/**']\n",
            "articles/a.md": "No front matter here.\n",
            "notes/b.md": "Nor here.\n",
        }
    )
    result = hrlint("check", "--format", "json", ".", cwd=root)
    assert result.triples() == [("schema/missing-front-matter", 1, 1)]
    assert result.findings[0]["path"] == "articles/a.md"


# --- file discovery ---------------------------------------------------------------------------


def test_walk_skips_hidden_node_modules_and_other_extensions(hrlint, write):
    root = write(
        {
            "a.md": "x",
            "b.markdown": "x",
            "c.mdx": "x",
            "d.txt": "x",
            "e.html": "x",
            ".hidden/f.md": "x",
            "node_modules/g.md": "x",
            "sub/h.md": "x",
        }
    )
    assert hrlint("check", ".", cwd=root).stdout == "No problems found in 5 files.\n"


def test_include_exclude(hrlint, write):
    root = write(
        {"hrlint.yaml": "include: ['*.md']\nexclude: ['drafts/**']\n", "a.md": "x", "b.txt": "x", "drafts/c.md": "x"}
    )
    assert hrlint("check", ".", cwd=root).stdout == "No problems found in 1 file.\n"


def test_git_ignored_files_are_skipped(hrlint, write):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = write({".gitignore": "build/\n", "a.md": "x", "build/b.md": "x"})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert hrlint("check", ".", cwd=root).stdout == "No problems found in 1 file.\n"
    assert hrlint("check", "build/b.md", cwd=root).stdout == "No problems found in 1 file.\n"


def test_git_ignored_files_are_what_git_check_ignore_says(write):
    import shutil
    import subprocess

    from lint.workspace.discovery import _git_ignored

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = write(
        {
            ".gitignore": "build/\n*.log.md\n!keep.log.md\ndrafts/*.md\n!drafts/ok.md\nvendor/\ncafé*\n",
            "a.md": "x",
            "build/b.md": "x",
            "build/deep/c.md": "x",
            "x.log.md": "x",
            "keep.log.md": "x",
            "tracked.log.md": "x",
            "drafts/d.md": "x",
            "drafts/ok.md": "x",
            "sub/.gitignore": "local.md\n",
            "sub/local.md": "x",
            "sub/other.md": "x",
            "vendor/t.md": "x",
            "vendor/u.md": "x",
            "café notes.md": "x",
            "secret.md": "x",
            "plain name.md": "x",
        }
    )
    git = ["git", "-C", str(root), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".git" / "info" / "exclude").write_text("secret.md\n", encoding="utf-8")
    subprocess.run([*git, "add", "-f", "tracked.log.md", "vendor/t.md"], check=True)
    files = sorted(str(p) for p in root.rglob("*.md") if ".git" not in p.parts)
    said = subprocess.run(
        [*git, "check-ignore", "--stdin", "-z"], input="\0".join(files) + "\0", capture_output=True, text=True
    ).stdout
    expected = {p for p in said.split("\0") if p}
    assert _git_ignored(files) == expected
    assert {os.path.relpath(p, root) for p in expected} == {
        "build/b.md",
        "build/deep/c.md",
        "x.log.md",
        "drafts/d.md",
        "sub/local.md",
        "vendor/u.md",
        "café notes.md",
        "secret.md",
    }


def test_broken_file_does_not_stop_the_others(hrlint, write):
    root = write({"a.md": b"PK\x03\x04\x00\x00binary", "b.md": b"caf\xe9\n", "c.md": article(question="x?")})
    result = hrlint("check", "--format", "json", "--select", "file,consistency", ".", cwd=root)
    assert [(f["path"], f["rule"]) for f in result.findings] == [
        ("a.md", "file/encoding"),
        ("b.md", "file/encoding"),
        ("c.md", "consistency/title-match"),
    ]
    assert result.findings[1]["message"] == (
        "file is not valid UTF-8 (byte 0xe9 at line 1, column 4); save it as UTF-8"
    )


def test_internal_error_is_one_line_and_exit_2(hrlint, write, monkeypatch):
    from lint.checks.consistency import TitleMatch

    def boom(self, doc, ctx):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(TitleMatch, "check", boom)
    root = write({"a.md": article(question="x?"), "b.md": "plain text\n"})
    result = hrlint("check", "--select", "consistency,file", ".", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "hrlint: internal error in rule consistency/title-match on a.md: RuntimeError: kaboom",
        "hrlint: internal error in rule consistency/title-match on b.md: RuntimeError: kaboom",
    ]
    assert result.stdout == "No problems found in 2 files.\n"


def test_rule_failing_midway_keeps_none_of_its_findings(hrlint, write, monkeypatch):
    from lint.checks.consistency import TitleMatch

    def half(self, doc, ctx):
        yield self.report(doc, 0, 3, "first")
        raise RuntimeError("kaboom")

    monkeypatch.setattr(TitleMatch, "check", half)
    root = write({"a.md": article(question="x?")})
    result = hrlint("check", "--format", "json", "--select", "consistency", ".", cwd=root)
    assert result.exit_code == 2 and result.findings == []
    assert result.stderr == "hrlint: internal error in rule consistency/title-match on a.md: RuntimeError: kaboom\n"
