"""`hrlint audit`: the summary figures, the JSON summary and the self-contained HTML report."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import SEEDS


@pytest.fixture
def seeds_copy(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "hrlint.yaml").write_text("content-root: seeds\n")
    return tmp_path


def test_summary_figures_on_the_seeds(hrlint, seeds_copy):
    result = hrlint("audit", "seeds", "--json", "audit.json", "--html", "audit.html", cwd=seeds_copy)
    assert result.exit_code == 0, result.stderr
    data = json.loads((seeds_copy / "audit.json").read_text())
    assert data["version"] == 1
    assert (data["files_checked"], data["files_with_findings"]) == (5, 4)
    assert data["by_severity"] == {"error": 10, "warning": 21, "info": 8}
    assert data["links"]["broken"] == 6 and data["links"]["orphans"] == 2
    assert data["by_rule"]["principles/legacy-wording"] == 9
    assert data["top_terms"][:3] == [
        {"term": "drug users", "count": 6},
        {"term": "users", "count": 4},
        {"term": "clean needle", "count": 2},
    ]
    # 002, 003 and 004 each quote all eight principles (002 partly in the old wording)
    assert data["principles"] == {
        "articles_quoting": {str(n): 3 for n in range(1, 9)},
        "articles_with_legacy_wording": 1,
        "articles_with_misquotes": 0,
    }
    assert data["worst_articles"][0] == {
        "path": "seeds/002_e9f537c49a0405fd.txt",
        "score": 49,
        "error": 3,
        "warning": 19,
        "info": 2,
    }
    assert [w["subject"] for w in data["worst_subjects"]] == ["(no subject)", "Health Studies"]
    assert {"path": "seeds/000_63fb4468c37ad0d7.txt", "in": 0, "out": 3} in data["links"]["degrees"]
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "hrlint audit of seeds",
        "  files checked:        5",
        "  files with findings:  4",
        "  findings:             10 error, 21 warning, 8 info",
    ]
    assert "       6  drug users" in lines


def test_no_progress_bar_when_not_a_terminal(hrlint, seeds_copy):
    assert hrlint("audit", "seeds", cwd=seeds_copy).stderr == ""


HOSTILE = """---
id: 1
title: <script>alert(1)</script>
question: What?
subject: <b>Evil</b>
url: /learn/evil/questions/x
answer: >-
    The addicts <img src=x onerror=alert(2)> were "helped".
---
Body <iframe src="https://example.org"></iframe> text about junkies.
"""


def test_html_escapes_all_article_text(hrlint, write):
    root = write({"hostile/a.md": HOSTILE, "hrlint.yaml": "content-root: hostile\n"})
    assert hrlint("audit", "hostile", "--html", "report.html", cwd=root).exit_code == 0
    page = (root / "report.html").read_text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<b>Evil</b>" not in page and "&lt;b&gt;Evil&lt;/b&gt;" in page
    assert "<iframe" not in page
    assert page.count("<script>") == 1  # only the report's own inline script


def test_html_is_self_contained(hrlint, seeds_copy):
    hrlint("audit", "seeds", "--html", "audit.html", cwd=seeds_copy)
    page = (seeds_copy / "audit.html").read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert page.count("<svg") == 4  # rules, severities, subjects, terms
    assert 'id="findings"' in page.replace("id=findings", 'id="findings"')
    assert "<mark>addicts</mark>" in page  # the source line with the span highlighted


def test_html_caps_rows_per_rule(hrlint, write):
    body = "\n\n".join(f"Paragraph {i} about addicts." for i in range(30))
    root = write({"c/a.md": body, "hrlint.yaml": "content-root: c\n"})
    hrlint("audit", "c", "--html", "r.html", "--max-rows", "10", cwd=root)
    page = (root / "r.html").read_text()
    assert page.count('data-rule="stigma/person-label"') == 10
    assert "20 more findings of stigma/person-label not shown (limit 10 per rule;" in page


def test_audit_usage_error(hrlint, tmp_path):
    result = hrlint("audit", "nowhere", cwd=tmp_path)
    assert result.exit_code == 2 and result.stderr == "hrlint: error: nowhere: no such file or folder\n"
