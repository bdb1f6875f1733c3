"""A run on a few files (pre-commit) walks only the folders of the content tree changed since the
last walk, and still sees what a full walk would: the files it checks and the articles it looks up
are read again when they changed in place; a folder where a file was added, removed or renamed is
walked again, and so is a folder changed too recently; other walk settings mean a full walk."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

import pytest
from conftest import ROOT, index_rows

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402

from lint.workspace import discovery  # noqa: E402

HOUR_AGO = time.time_ns() - 3600 * 10**9


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 80, seed=11)
    return folder


def settle(folder):
    """Folder mtimes an hour old: not changed too recently to be trusted (lint.store.index.RACY_NS)."""
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir() and ".hrlint_cache" not in p.parts)]:
        os.utime(path, ns=(HOUR_AGO, HOUR_AGO))


@pytest.fixture
def site(corpus, tmp_path, hrlint):
    """A private copy of the corpus, settled, with an index left by a full run."""
    folder = tmp_path / "site"
    shutil.copytree(corpus, folder)
    (folder / ".hrlint_cache").mkdir()  # made by the first run, it would change the root's mtime
    settle(folder)
    hrlint("check", "--format", "json", ".", cwd=folder)
    return folder


@pytest.fixture
def walks(monkeypatch):
    """Count the walks of the content tree."""
    seen: list[str] = []
    original = discovery._walk

    def counting(folder, *args, **kwargs):
        seen.append(str(folder))
        return original(folder, *args, **kwargs)

    monkeypatch.setattr(discovery, "_walk", counting)
    return seen


def check(hrlint, site, *paths, cache=True):
    result = hrlint("check", "--format", "json", *([] if cache else ["--no-cache"]), *paths, cwd=site)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def linked_pair(site):
    """(article, an article it links to) as paths relative to the site."""
    rows = {path: fields for path, fields in index_rows(site).items() if fields}
    by_url = {fields[2]: path for path, fields in rows.items()}
    return next(
        (path, by_url[url])
        for path, fields in sorted(rows.items())
        for url in fields[7]
        if by_url.get(url) not in (None, path)
    )


def test_unchanged_tree_is_not_walked(hrlint, site, walks):
    article, _ = linked_pair(site)
    found = check(hrlint, site, article)
    assert walks == []
    assert found == check(hrlint, site, article, cache=False)


def test_retitled_link_target_is_read_again(hrlint, site, walks):
    article, target = linked_pair(site)
    path = site / target
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: >-\n  ", "\ntitle: >-\n  Renamed ", 1), encoding="utf-8")  # in place
    found = check(hrlint, site, article)
    assert walks == []
    assert [f for f in found if f["rule"] == "links/title-mismatch"]
    assert found == check(hrlint, site, article, cache=False)


def test_checked_file_edited_in_place_is_read_again(hrlint, site, walks):
    """The article takes another article's id: a duplicate the stale index alone would miss."""
    article, target = linked_pair(site)
    rows = index_rows(site)
    path = site / article
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"id: {rows[article][1]}\n", f"id: {rows[target][1]}\n", 1), encoding="utf-8")
    found = check(hrlint, site, article)
    assert walks == []
    assert [f["message"] for f in found if f["rule"] == "links/duplicate-article"] == [
        f"`id` {rows[target][1]!r} is also used by {target}"
    ]
    assert found == check(hrlint, site, article, cache=False)


def test_added_file_means_its_folder_is_walked_again(hrlint, site, walks):
    article, target = linked_pair(site)
    copy = (site / target).with_name("copy-of-" + (site / target).name)
    shutil.copyfile(site / target, copy)  # same id, url and file name as the target
    found = check(hrlint, site, target)
    assert walks == [str(copy.parent)]
    assert [f["rule"] for f in found if f["rule"] == "links/duplicate-article"] == ["links/duplicate-article"] * 3
    assert found == check(hrlint, site, target, cache=False)
    walks.clear()
    settle(site)
    check(hrlint, site, article)  # the folder's mtime was too recent to be trusted: walked again
    assert walks == [str(copy.parent)]
    walks.clear()
    check(hrlint, site, article)
    assert walks == []


def replace_by_rename(path):
    """What editors that save atomically do: write a new file, rename it over the old one."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        path.read_text(encoding="utf-8").replace("\ntitle: >-\n  ", "\ntitle: >-\n  Renamed ", 1), encoding="utf-8"
    )
    os.replace(temporary, path)


@pytest.mark.parametrize("change, rule", [(replace_by_rename, "links/title-mismatch"), (os.unlink, "links/unresolved")])
def test_link_target_changed_in_its_folder_is_seen(hrlint, site, walks, change, rule):
    article, target = linked_pair(site)
    change(site / target)
    found = check(hrlint, site, article)
    assert walks == [str((site / target).parent)]
    assert [f for f in found if f["rule"] == rule]
    assert found == check(hrlint, site, article, cache=False)


def test_new_folder_at_the_root_means_a_full_walk(hrlint, site, walks):
    article, target = linked_pair(site)
    (site / "new-topic").mkdir()
    shutil.copyfile(site / target, site / "new-topic" / "copy.md")
    found = check(hrlint, site, article)
    assert walks == [str(site)]
    assert found == check(hrlint, site, article, cache=False)


def test_recently_changed_folders_are_walked(hrlint, corpus, tmp_path, walks):
    folder = tmp_path / "fresh"
    shutil.copytree(corpus, folder)
    (folder / ".hrlint_cache").mkdir()
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        os.utime(path)  # changed just now
    article = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))[0]
    check(hrlint, folder, ".")
    walks.clear()
    check(hrlint, folder, article)
    assert walks


def test_other_walk_settings_mean_a_full_walk(hrlint, site, walks):
    article, _ = linked_pair(site)
    config = site / "hrlint.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "exclude: ['sociology/**']\n", encoding="utf-8")
    check(hrlint, site, article)
    assert walks
