"""CI gate options: --exit-zero, baselines and --changed-since."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

ARTICLE = "---\nid: {id}\ntitle: {title}\nquestion: {title}\n---\n{body}\n"
CONFIG = "rules:\n  schema: off\n  links: off\n"


@pytest.fixture
def corpus(write):
    return write(
        {
            "hrlint.yaml": CONFIG,
            "a.md": ARTICLE.format(id=1, title="A", body="The addicts were helped."),
            "b.md": ARTICLE.format(id=2, title="B", body="Clean text."),
        }
    )


def test_exit_zero_never_hides_usage_errors(hrlint, corpus):
    assert hrlint("check", ".", cwd=corpus).exit_code == 1
    assert hrlint("check", "--exit-zero", ".", cwd=corpus).exit_code == 0
    assert hrlint("check", "--exit-zero", "--select", "nope", ".", cwd=corpus).exit_code == 2


def test_baseline_hides_known_findings_and_reports_new_ones(hrlint, corpus):
    result = hrlint("check", "--write-baseline", "baseline.json", ".", cwd=corpus)
    assert result.exit_code == 0
    assert result.stderr == "hrlint: wrote 1 baseline entries for 1 findings to baseline.json\n"
    data = json.loads((corpus / "baseline.json").read_text())
    assert data == {
        "version": 1,
        "tool": "hrlint",
        "entries": [{"path": "a.md", "rule": "stigma/person-label", "field": None, "text": "addicts", "count": 1}],
    }
    assert hrlint("check", "--baseline", "baseline.json", ".", cwd=corpus).exit_code == 0
    # an edit elsewhere in the file moves the line: still hidden
    (corpus / "a.md").write_text(ARTICLE.format(id=1, title="A", body="Intro.\n\nThe addicts were helped."))
    assert hrlint("check", "--baseline", "baseline.json", ".", cwd=corpus).exit_code == 0
    # a second occurrence is new
    (corpus / "a.md").write_text(ARTICLE.format(id=1, title="A", body="The addicts, the addicts."))
    result = hrlint("check", "--format", "json", "--baseline", "baseline.json", ".", cwd=corpus)
    assert [(f["rule"], f["column"]) for f in result.findings] == [("stigma/person-label", 18)]


def test_stale_baseline_entries_and_prune(hrlint, corpus):
    hrlint("check", "--write-baseline", "baseline.json", ".", cwd=corpus)
    (corpus / "a.md").write_text(ARTICLE.format(id=1, title="A", body="People with a substance use disorder."))
    result = hrlint("check", "--format", "json", "--fail-on", "info", "--baseline", "baseline.json", ".", cwd=corpus)
    assert [(f["path"], f["rule"], f["severity"]) for f in result.findings] == [
        ("baseline.json", "baseline/stale", "info")
    ]
    assert result.findings[0]["message"] == (
        "baseline entry matches nothing now: stigma/person-label in a.md: `addicts`; remove it with --prune-baseline"
    )
    result = hrlint("check", "--baseline", "baseline.json", "--prune-baseline", ".", cwd=corpus)
    assert result.stderr == "hrlint: removed 1 stale entries from baseline.json\n"
    assert json.loads((corpus / "baseline.json").read_text())["entries"] == []


def test_stale_entries_only_for_files_checked(hrlint, corpus):
    hrlint("check", "--write-baseline", "baseline.json", ".", cwd=corpus)
    result = hrlint("check", "--format", "json", "--fail-on", "info", "--baseline", "baseline.json", "b.md", cwd=corpus)
    assert result.findings == []


def test_bad_baseline_is_a_usage_error(hrlint, corpus):
    (corpus / "baseline.json").write_text("[]")
    result = hrlint("check", "--baseline", "baseline.json", ".", cwd=corpus)
    assert result.exit_code == 2 and "not a readable hrlint baseline" in result.stderr
    assert hrlint("check", "--prune-baseline", ".", cwd=corpus).stderr == (
        "hrlint: error: --prune-baseline needs --baseline FILE\n"
    )


# --- --changed-since ----------------------------------------------------------------------------


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(write):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    related = "related_article1:\n    id: 2\n    title: B\n    subject: S\n    url: /learn/s/questions/b\n"
    root = write(
        {
            "hrlint.yaml": "rules:\n  schema: off\n  consistency: off\n",
            "a.md": "---\nid: 1\ntitle: A\nurl: /learn/s/questions/a\n" + related + "---\nThe addicts.\n",
            "b.md": "---\nid: 2\ntitle: B\nurl: /learn/s/questions/b\n---\nText.\n",
            "c.md": "---\nid: 3\ntitle: C\nurl: /learn/s/questions/c\n---\nText.\n",
        }
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    return root


def test_changed_since_checks_only_changed_files(hrlint, repo):
    (repo / "c.md").write_text("---\nid: 3\ntitle: C\nurl: /learn/s/questions/c\n---\nJunkies.\n")
    (repo / "d.md").write_text("---\nid: 4\ntitle: D\nurl: /learn/s/questions/d\n---\nText.\n")
    result = hrlint("check", "--format", "json", "--changed-since", "main", ".", cwd=repo)
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["summary"]["files_checked"] == 2  # c.md (modified) and d.md (new); a.md untouched
    assert [(f["path"], f["rule"]) for f in data["findings"]] == [("c.md", "stigma/slang")]


def test_changed_since_adds_files_linking_to_a_renamed_article(hrlint, repo):
    git(repo, "mv", "b.md", "b2.md")
    (repo / "b2.md").write_text("---\nid: 2\ntitle: B\nurl: /learn/s/questions/b-two\n---\nText.\n")
    result = hrlint(
        "check", "--format", "json", "--select", "links/unresolved", "--changed-since", "main", ".", cwd=repo
    )
    assert [(f["path"], f["rule"], f["line"]) for f in result.findings] == [("a.md", "links/unresolved", 9)]


def test_changed_since_outside_git(hrlint, write):
    root = write({"a.md": "x\n"})
    result = hrlint("check", "--changed-since", "main", ".", cwd=root)
    assert result.exit_code == 2
    assert result.stderr == "hrlint: error: --changed-since works only inside a git repository\n"
