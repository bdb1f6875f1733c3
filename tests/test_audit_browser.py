"""The HTML audit report in a real browser (headless Chromium from the system, driven by Playwright):
hostile article text must not run, the page must make no request, and it must render.

Needs Debian's `chromium` (installed by .ci/run when missing) and the `playwright` Python package
(test extras); no browser is downloaded. The screenshot is a test artifact: it is written to
$HRLINT_ARTIFACTS (default: the test's tmp folder) and, with HRLINT_UPDATE_SCREENSHOT=1, to
docs/audit-report.png for the README.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from test_audit import HOSTILE

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def report(hrlint, tmp_path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "content")
    (tmp_path / "content" / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "hrlint.yaml").write_text("content-root: content\n")
    assert hrlint("audit", "content", "--html", "report.html", cwd=tmp_path).exit_code == 0
    return tmp_path / "report.html"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_report_renders_without_running_article_text(report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    dialogs, requests, errors = [], [], []
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 1600},
        )
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        # the report's own script works: filtering by rule hides the other rows
        total = page.locator("#findings tbody tr").count()
        page.select_option("#f-rule", "links/unresolved")
        visible = page.locator("#findings tbody tr:not([hidden])").count()
        page.select_option("#f-rule", "")
        hostile_title = page.get_by_text("<script>alert(1)</script>", exact=False).count()
        shot = Path(os.environ.get("HRLINT_ARTIFACTS", tmp_path)) / "audit-report.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=False)
        context.close()
    assert dialogs == [] and errors == []  # no alert(), no onerror handler, no script error
    assert requests == [report.as_uri()]  # nothing but the report itself was requested
    assert 0 < visible < total
    assert hostile_title >= 1  # the hostile title is shown as text
    assert shot.stat().st_size > 10_000
    if os.environ.get("HRLINT_UPDATE_SCREENSHOT"):
        shutil.copy(shot, ROOT / "docs" / "audit-report.png")
