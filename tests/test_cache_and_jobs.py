"""The fast paths change nothing a user sees: `--jobs` and the per-file result cache give the same
findings, in the same order, as a plain run; edits, config changes and retitled targets are seen."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402

from lint.engine import runner  # noqa: E402
from lint.store.results import CACHE_VERSION, RESULTS_FILE  # noqa: E402

N = 160  # enough for two workers (lint.workspace.parallel.MIN_ITEMS_PER_JOB) and the result cache


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, N, seed=7)
    return folder


@pytest.fixture
def site(corpus, tmp_path):
    """A private copy of the generated corpus (tests edit it)."""
    folder = tmp_path / "site"
    shutil.copytree(corpus, folder)
    return folder


@pytest.fixture
def loads(monkeypatch):
    """Count the files the runner checks (read from disk, or from the spill of a run that built
    the index), as opposed to those whose findings come from the result cache."""
    from lint.engine.plan import RunPlan

    seen: list[str] = []
    original = RunPlan.check_file

    def counting(self, task):
        seen.append(task.display)
        return original(self, task)

    monkeypatch.setattr(RunPlan, "check_file", counting)
    return seen


@pytest.fixture(params=["batched-lookups", "one-scan"])
def lookups(request, monkeypatch):
    """Both ways the result cache finds rows: `IN (...)` batches, or one scan of the table when
    the run asks for most of it (more than BATCH files)."""
    from lint.store import results as result_cache

    if request.param == "one-scan":
        monkeypatch.setattr(result_cache, "BATCH", 50)
    assert (N > result_cache.BATCH) == (request.param == "one-scan")


def check(hrlint, site, *args):
    result = hrlint("check", "--format", "json", "-j", "1", *args, ".", cwd=site)
    assert result.exit_code == 1, result.stderr
    return result.stdout


def test_jobs_do_not_change_the_output(hrlint, site):
    one = hrlint("check", "--format", "json", "--no-cache", "-j", "1", ".", cwd=site)
    two = hrlint("check", "--format", "json", "--no-cache", "-j", "2", ".", cwd=site)
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert len(json.loads(one.stdout)["findings"]) > 20


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_jobs_value_is_a_usage_error(hrlint, value):
    result = hrlint("check", "--jobs", value, "seeds/")
    assert result.exit_code == 2
    assert "--jobs" in result.stderr and "Traceback" not in result.stderr


def test_index_lookups_are_the_same_with_a_tiny_memo(hrlint, site, monkeypatch):
    """Index lookups are memoised per process up to a bound; the bound is reached on large sites."""
    from lint.store import index as corpus

    expected = check(hrlint, site, "--no-cache")
    monkeypatch.setattr(corpus._Lookup, "MEMO_SIZE", 2)
    assert check(hrlint, site, "--no-cache") == expected
    assert '"links/unresolved"' in expected and '"links/title-mismatch"' in expected


def test_unchanged_files_come_from_the_cache(hrlint, site, loads, lookups):
    first = check(hrlint, site)
    assert len(loads) == N
    assert (site / ".hrlint_cache" / RESULTS_FILE).is_file()
    loads.clear()
    assert check(hrlint, site) == first
    assert loads == []  # nothing read again (JSON output needs no source lines)


def test_text_output_from_the_cache_still_shows_excerpts(hrlint, site):
    args = ("check", "--format", "text", "-j", "1", ".")
    first = hrlint(*args, cwd=site).stdout
    assert hrlint(*args, cwd=site).stdout == first
    assert "|" in first  # the source excerpt lines


def test_an_edited_file_is_checked_again(hrlint, site, loads, lookups):
    check(hrlint, site)
    article = sorted(site.rglob("*.md"))[3]
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("answer: >-\n  ", "answer: >-\n  Every addict deserves care. ", 1), encoding="utf-8"
    )
    loads.clear()
    findings = json.loads(check(hrlint, site))["findings"]
    assert loads == [article.relative_to(site).as_posix()]
    assert any(f["rule"] == "stigma/person-label" and f["path"] == loads[0] for f in findings)


def test_touched_but_unchanged_file_is_a_hit(hrlint, site, loads, lookups):
    first = check(hrlint, site)
    article = sorted(site.rglob("*.md"))[5]
    os.utime(article, ns=(1, 1))
    loads.clear()
    assert check(hrlint, site) == first
    assert loads == []


def test_other_rules_selected_means_a_full_check(hrlint, site, loads):
    check(hrlint, site)
    loads.clear()
    check(hrlint, site, "--select", "stigma,links")
    assert len(loads) == N


def test_retitled_target_reaches_the_articles_linking_to_it(hrlint, site):
    """A cached file's link findings depend on other files: a changed index invalidates them."""
    before = json.loads(check(hrlint, site))["findings"]
    data = {p: p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.md"))}
    target = next(
        p
        for p, text in data.items()
        if "\ntitle: >-\n" in text and any(f"/{p.stem}\n" in t for q, t in data.items() if q != p)
    )
    text = data[target]
    start = text.index("\ntitle: >-\n") + len("\ntitle: >-\n")
    target.write_text(text[:start] + "  Renamed " + text[start:].lstrip(), encoding="utf-8")
    after = json.loads(check(hrlint, site))["findings"]
    new = [f for f in after if f not in before]
    assert any(f["rule"] == "links/title-mismatch" and f["path"] != target.relative_to(site).as_posix() for f in new)


def result_rows(site) -> int:
    """Rows of the result cache; asserts the database is intact and of the current version."""
    db = sqlite3.connect(site / ".hrlint_cache" / RESULTS_FILE)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA user_version").fetchone() == (CACHE_VERSION,)
        return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    finally:
        db.close()


@pytest.mark.parametrize("damage", ["empty", "garbage", "json", "truncated", "pages", "version"])
def test_corrupt_result_cache_is_rebuilt(hrlint, site, loads, damage):
    first = check(hrlint, site)
    cache = site / ".hrlint_cache" / RESULTS_FILE
    raw = cache.read_bytes()
    if damage == "version":
        db = sqlite3.connect(cache)
        db.execute("PRAGMA user_version = 1")
        db.close()
    else:
        cache.write_bytes(
            {
                "empty": b"",
                "garbage": b"\x00\xff garbage",
                "json": b'{"version": 1, "files": {}}',
                "truncated": raw[: len(raw) // 2],
                "pages": raw[:4096] + b"\xff" * (len(raw) - 4096),
            }[damage]
        )
    loads.clear()
    assert check(hrlint, site) == first
    assert len(loads) == N  # nothing trusted from the damaged cache
    assert result_rows(site) == N


def test_results_of_another_configuration_are_not_used(hrlint, site, loads):
    first = check(hrlint, site)
    config = site / "hrlint.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "rules:\n  stigma:\n    severity: info\n", encoding="utf-8")
    loads.clear()
    assert check(hrlint, site) != first
    assert len(loads) == N
    config.write_text(original, encoding="utf-8")
    loads.clear()
    assert check(hrlint, site) == first
    assert len(loads) == N
    assert result_rows(site) == N


def test_results_of_removed_files_are_dropped(hrlint, site):
    check(hrlint, site)
    sorted(site.rglob("*.md"))[0].unlink()  # the index changes, and with it the fingerprint
    check(hrlint, site)
    assert result_rows(site) == N - 1


def test_unwritable_result_cache_is_not_used(hrlint, site, loads):
    first = check(hrlint, site)
    cache = site / ".hrlint_cache" / RESULTS_FILE
    cache.unlink()
    cache.mkdir()  # cannot be opened as a database
    loads.clear()
    assert check(hrlint, site) == first
    assert len(loads) == N


def test_no_cache_writes_nothing(hrlint, site):
    check(hrlint, site, "--no-cache")
    assert not (site / ".hrlint_cache").exists()


def test_checked_documents_are_freed_without_the_cycle_collector(corpus):
    """A document and what the rules keep in its memo form no reference cycle, so each is freed
    as soon as its check ends (the cycle collector once took a tenth of a cold run)."""
    import gc
    import weakref

    from lint.model.document import Document
    from lint.workspace.config import load

    linter = runner.Linter(load(None, corpus), use_cache=False)
    ctx = linter.context([corpus], corpus)
    files = sorted(corpus.rglob("*.md"))[:40]
    gc.collect()
    gc.disable()
    try:
        refs, found = [], 0
        for path in files:
            doc = Document.load(path, str(path))
            found += len(linter.check(doc, ctx))
            assert doc.memo  # the rules kept regions and analyses there
            refs.append(weakref.ref(doc))
            del doc
        assert found and [r for r in refs if r() is not None] == []
    finally:
        gc.enable()
