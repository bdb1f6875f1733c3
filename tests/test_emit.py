"""The one emit path: findings the engine makes itself (baseline, suppressions, files it could
not check, the per-file cap) and a corpus rule's findings honour the configured severity,
`--ignore`, `per-file-ignores` and `--select` like any rule's."""

from __future__ import annotations

import pytest

ARTICLE = "---\nid: {id}\ntitle: {title}\nquestion: {title}\n---\n{body}\n"
BASE = "rules:\n  schema: off\n  links: off\n  consistency: off\n"


def run(hrlint, root, *args):
    result = hrlint("check", "--format", "json", "--fail-on", "info", "--no-cache", *args, cwd=root)
    assert result.exit_code in (0, 1, 2), result.stderr
    return [(f["path"], f["rule"], f["severity"], f["line"], f["column"]) for f in result.findings]


def stale_site(hrlint, write, config=""):
    root = write({"hrlint.yaml": BASE + config, "a.md": ARTICLE.format(id=1, title="A", body="The addicts.")})
    assert hrlint("check", "--write-baseline", "baseline.json", ".", cwd=root).exit_code == 0
    (root / "a.md").write_text(ARTICLE.format(id=1, title="A", body="People who use drugs."))
    return root


def test_baseline_stale_takes_the_configured_severity(hrlint, write):
    root = stale_site(hrlint, write, "  baseline/stale: warning\n")
    assert run(hrlint, root, "--baseline", "baseline.json", ".") == [
        ("baseline.json", "baseline/stale", "warning", 1, 1)
    ]


@pytest.mark.parametrize("how", [("--ignore", "baseline/stale"), ("--ignore", "baseline"), ("--select", "stigma")])
def test_baseline_stale_honours_ignore_and_select(hrlint, write, how):
    root = stale_site(hrlint, write)
    assert run(hrlint, root, "--baseline", "baseline.json", *how, ".") == []


def test_baseline_stale_turned_off_in_config(hrlint, write):
    root = stale_site(hrlint, write, "  baseline/stale: off\n")
    assert run(hrlint, root, "--baseline", "baseline.json", ".") == []


def test_baseline_stale_honours_per_file_ignores(hrlint, write):
    root = stale_site(hrlint, write, "per-file-ignores:\n  baseline.json: [baseline]\n")
    assert run(hrlint, root, "--baseline", "baseline.json", ".") == []


UNUSED = ARTICLE.format(id=1, title="A", body="<!-- hrlint-disable-next-line stigma -->\nPeople who use drugs.")


def test_unused_suppression_takes_the_configured_severity(hrlint, write):
    root = write({"hrlint.yaml": BASE + "  suppression/unused: error\n", "a.md": UNUSED})
    assert run(hrlint, root, ".") == [("a.md", "suppression/unused", "error", 6, 1)]


@pytest.mark.parametrize("how", [("--ignore", "suppression"), ("--select", "stigma")])
def test_unused_suppression_honours_ignore_and_select(hrlint, write, how):
    root = write({"hrlint.yaml": BASE, "a.md": UNUSED})
    assert run(hrlint, root, *how, ".") == []


def test_unused_suppression_honours_per_file_ignores(hrlint, write):
    root = write(
        {
            "hrlint.yaml": BASE + "per-file-ignores:\n  'drafts/*.md': [suppression/unused]\n",
            "drafts/a.md": UNUSED,
            "b.md": UNUSED,
        }
    )
    assert run(hrlint, root, ".") == [("b.md", "suppression/unused", "info", 6, 1)]


PROBLEMS = {"bad.md": b"---\ntitle: caf\xe9\n---\n", "big.md": b"---\ntitle: x\n---\n" + b"a" * 2000}
PROBLEM_CONFIG = "max-file-size: 1000\n" + BASE


def test_file_rules_take_the_configured_severity(hrlint, write):
    root = write({"hrlint.yaml": PROBLEM_CONFIG + "  file: warning\n", **PROBLEMS})
    assert run(hrlint, root, ".") == [
        ("bad.md", "file/encoding", "warning", 1, 1),
        ("big.md", "file/too-large", "warning", 1, 1),
    ]


@pytest.mark.parametrize("ignored, kept", [("file/encoding", "file/too-large"), ("file/too-large", "file/encoding")])
def test_file_rules_honour_ignore(hrlint, write, ignored, kept):
    root = write({"hrlint.yaml": PROBLEM_CONFIG, **PROBLEMS})
    assert [rule for _, rule, *_ in run(hrlint, root, "--ignore", ignored, ".")] == [kept]


def test_file_rules_honour_per_file_ignores(hrlint, write):
    root = write({"hrlint.yaml": PROBLEM_CONFIG + "per-file-ignores:\n  bad.md: [file]\n", **PROBLEMS})
    assert [rule for _, rule, *_ in run(hrlint, root, ".")] == ["file/too-large"]


CAPPED = "---\ntitle: x\n---\n" + "The addict met a junkie. " * 600 + "\n"


def test_too_many_findings_takes_the_configured_severity_and_stays_under_select(hrlint, write):
    root = write({"hrlint.yaml": BASE + "  file/too-many-findings: warning\n", "a.md": CAPPED})
    found = run(hrlint, root, "--select", "stigma", ".")
    assert len(found) == 1001
    assert found[-1] == ("a.md", "file/too-many-findings", "warning", 4, 12505)


@pytest.mark.parametrize("how", [("--ignore", "file/too-many-findings"), ("--ignore", "file")])
def test_too_many_findings_honours_ignore(hrlint, write, how):
    root = write({"hrlint.yaml": BASE, "a.md": CAPPED})
    found = run(hrlint, root, *how, ".")
    assert len(found) == 1000 and all(rule.startswith("stigma/") for _, rule, *_ in found)


DUPLICATES = {"a.md": ARTICLE.format(id=7, title="A", body=""), "b.md": ARTICLE.format(id=7, title="B", body="")}
LINKS_ON = "rules:\n  schema: off\n  consistency: off\n"


def test_duplicate_article_takes_the_configured_severity(hrlint, write):
    root = write({"hrlint.yaml": LINKS_ON + "  links/duplicate-article: warning\n", **DUPLICATES})
    assert run(hrlint, root, ".") == [
        ("a.md", "links/duplicate-article", "warning", 2, 5),
        ("b.md", "links/duplicate-article", "warning", 2, 5),
    ]


def test_duplicate_article_honours_ignore_and_per_file_ignores(hrlint, write):
    root = write({"hrlint.yaml": LINKS_ON, **DUPLICATES})
    assert run(hrlint, root, "--ignore", "links/duplicate-article", ".") == []
    (root / "hrlint.yaml").write_text(LINKS_ON + "per-file-ignores:\n  b.md: [links/duplicate-article]\n")
    assert run(hrlint, root, ".") == [("a.md", "links/duplicate-article", "error", 2, 5)]


def test_findings_are_the_same_on_every_executor(hrlint, write):
    """Serial, process-parallel and cached runs execute one plan: the same findings."""
    files = {
        "hrlint.yaml": BASE,
        **{f"d/{i:03d}.md": ARTICLE.format(id=i, title=f"T{i}", body="The addicts.") for i in range(150)},
    }
    root = write(files)
    serial = hrlint("check", "--format", "json", "--no-cache", "-j", "1", ".", cwd=root).stdout
    assert hrlint("check", "--format", "json", "--no-cache", "-j", "2", ".", cwd=root).stdout == serial
    assert hrlint("check", "--format", "json", "-j", "2", ".", cwd=root).stdout == serial  # writes the cache
    assert hrlint("check", "--format", "json", "-j", "2", ".", cwd=root).stdout == serial  # reads it
    assert serial.count('"stigma/person-label"') == 150 + 1  # one per file, plus the summary
