"""Documents parsed by the index build and read back by the check pass (lint.store.spill)."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from corpus import make_corpus  # noqa: E402

from lint.engine import runner  # noqa: E402
from lint.model.document import Document  # noqa: E402
from lint.store import spill as spill_module  # noqa: E402
from lint.store.spill import Spill, restore, snapshot  # noqa: E402

DOCUMENTS = {
    "seed article": (ROOT / "seeds" / "000_63fb4468c37ad0d7.txt").read_bytes(),
    "seed principles": (ROOT / "seeds" / "004_38e9ecda3d403766.txt").read_bytes(),
    "block scalars and duplicate key": b"---\ntitle: a\ntitle: |\n  two\n  lines\nlist:\n  - 'x'\n  - {a: 1}\n---\nbody\n",
    "broken yaml": b"---\ntitle: [unclosed\n---\n",
    "toml": b'+++\ntitle = "T"\n+++\nbody\n',
    "json": b'{\n  "title": "T"\n}\nbody\n',
    "bom and crlf": b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n",
    "utf-16": "\ufeff---\ntitle: x\n---\n".encode("utf-16-le"),
    "not utf-8": b"caf\xe9\n",
    "no front matter": b"# Just a body\n",
}


@pytest.mark.parametrize("raw", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_snapshot_restores_the_same_document(raw):
    doc = Document.from_bytes(raw, Path("a.md"), "a.md")
    doc.signature = (len(raw), 1, "sha")
    assert restore(snapshot(doc)) == doc


def test_snapshot_covers_every_field():
    """A field added to Document must be added to snapshot() too (memo and the line index are
    rebuilt on use)."""
    doc = Document.from_bytes(DOCUMENTS["seed article"], Path("a.md"), "a.md")
    assert len(snapshot(doc)) == len(dataclasses.fields(Document)) - 2


@pytest.fixture
def spill(tmp_path, monkeypatch):
    monkeypatch.setattr(spill_module.tempfile, "tempdir", str(tmp_path))
    made = Spill.create(frozenset())
    yield made
    made.close()
    assert list(tmp_path.iterdir()) == []  # the folder is gone


def test_spilled_documents_come_back_across_processes(spill):
    docs = [Document.from_bytes(raw, Path(f"{n}.md"), f"{n}.md") for n, raw in enumerate(DOCUMENTS.values())]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # a worker of the index build
        os.close(read)
        os.write(write, repr([spill.put(d) for d in docs]).encode())
        os._exit(0)
    os.close(write)
    locations = eval(os.read(read, 1 << 16))  # noqa: S307 - our own child's list of ints
    os.waitpid(child, 0)
    assert [spill.get(at) for at in locations] == docs


@pytest.mark.parametrize("damage", ["truncated", "garbage", "removed"])
def test_a_damaged_record_reads_as_none(spill, damage):
    at = spill.put(Document.from_bytes(DOCUMENTS["seed article"], Path("a.md"), "a.md"))
    (name,) = Path(spill.folder).iterdir()
    if damage == "truncated":
        os.truncate(name, 100)
    elif damage == "garbage":
        name.write_bytes(os.urandom(name.stat().st_size))
    else:
        name.unlink()
    assert spill.get(at) is None


def test_a_full_disk_spills_nothing(spill, monkeypatch):
    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spill_module.os, "write", full)
    assert spill.put(Document.from_bytes(DOCUMENTS["seed article"], Path("a.md"), "a.md")) is None


def test_a_spent_budget_spills_nothing_more(tmp_path):
    doc = Document.from_bytes(DOCUMENTS["seed article"], Path("a.md"), "a.md")
    size = len(pickle.dumps(snapshot(doc), pickle.HIGHEST_PROTOCOL))
    small = Spill(str(tmp_path), budget=2 * size)
    first, second = small.put(doc), small.put(doc)
    assert (small.put(doc), small.get(first), small.get(second)) == (None, doc, doc)
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) == 2 * size


def test_no_spill_where_the_temporary_folder_cannot_be_written(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setattr(spill_module.tempfile, "tempdir", str(tmp_path / "file"))
    assert Spill.create(frozenset(["a.md"]), 2) is None


@pytest.mark.parametrize(
    ("free", "jobs", "budget"),
    [
        (100 * 2**30, 1, spill_module.MAX_BYTES),
        (100 * 2**30, 4, spill_module.MAX_BYTES // 4),
        (400 * 2**20, 1, 100 * 2**20),  # a quarter of the free space
        (400 * 2**20, 2, 50 * 2**20),
    ],
)
def test_the_budget_is_shared_by_the_processes(tmp_path, monkeypatch, free, jobs, budget):
    monkeypatch.setattr(spill_module.tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(spill_module.shutil, "disk_usage", lambda folder: shutil._ntuple_diskusage(0, 0, free))
    made = Spill.create(frozenset(["a.md"]), jobs)
    made.close()
    assert (made.budget, made.writer().budget, made.writer().wanted) == (budget, budget, frozenset())


# --- in a run ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 160, seed=11)
    return folder


@pytest.fixture
def site(corpus, tmp_path, monkeypatch):
    folder = tmp_path / "site"
    shutil.copytree(corpus, folder)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(spill_module.tempfile, "tempdir", str(temp))
    return folder


def run(hrlint, site, *args) -> str:
    result = hrlint("check", "--format", "json", *args, ".", cwd=site)
    assert result.exit_code == 1, result.stderr
    return result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cold_run_parses_each_file_once(hrlint, site, monkeypatch, jobs):
    loads, parses = [], []
    load = Document.load
    monkeypatch.setattr(runner.Document, "load", staticmethod(lambda *a, **k: loads.append(a) or load(*a, **k)))
    original = Document._parse
    monkeypatch.setattr(Document, "_parse", lambda self: parses.append(self.path) or original(self))
    spilled = run(hrlint, site, "-j", jobs)
    if jobs == "1":  # (forked workers' calls are not seen here)
        assert loads == []  # every checked file came from the spill
        assert len(parses) == len(list(site.rglob("*.md")))
    assert list((site.parent / "temp").iterdir()) == []  # the spill is removed after the run
    shutil.rmtree(site / ".hrlint_cache")
    monkeypatch.setattr(spill_module.Spill, "create", classmethod(lambda cls, wanted, jobs: None))
    assert run(hrlint, site, "-j", jobs) == spilled  # the same findings without a spill


def test_a_run_past_the_budget_parses_the_rest(hrlint, site, monkeypatch):
    expected = run(hrlint, site, "-j", "1")
    shutil.rmtree(site / ".hrlint_cache")
    monkeypatch.setattr(spill_module, "MAX_BYTES", 100_000)  # about a dozen articles
    loads = []
    load = Document.load
    monkeypatch.setattr(runner.Document, "load", staticmethod(lambda *a, **k: loads.append(a) or load(*a, **k)))
    assert run(hrlint, site, "-j", "1") == expected
    assert 0 < len(list(site.rglob("*.md"))) - len(loads) < 20  # spilled until the budget was spent


def test_files_the_run_does_not_check_are_not_spilled(hrlint, site, monkeypatch):
    spilled = []
    original = Spill.put
    monkeypatch.setattr(Spill, "put", lambda self, doc: spilled.append(doc.display) or original(self, doc))
    folders, files = [], 0
    for folder in sorted(p.name for p in site.iterdir() if p.is_dir()):
        if files < runner.FEW_FILES:  # enough files for a spill, not all of them
            folders.append(folder)
            files += len(list((site / folder).glob("*.md")))
    assert files < len(list(site.rglob("*.md")))
    result = hrlint("check", "--format", "json", "-j", "1", *folders, cwd=site)
    assert result.exit_code in (0, 1), result.stderr
    assert sorted(spilled) == sorted(str(p.relative_to(site)) for f in folders for p in (site / f).glob("*.md"))
