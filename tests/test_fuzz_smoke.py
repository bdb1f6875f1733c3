"""The atheris fuzz target: a short coverage-guided run in CI, and a replay of every saved input.

Long runs and how to save what they find: fuzz/README.md.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys

import pytest
from conftest import DATA, ROOT

FUZZ = ROOT / "fuzz"
REGRESSIONS = DATA / "fuzz-regressions"


def _target():
    spec = importlib.util.spec_from_file_location("fuzz_document", FUZZ / "fuzz_document.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _inputs() -> list:
    files = sorted(
        p for p in [*REGRESSIONS.glob("*"), *(FUZZ / "corpus").glob("*")] if p.is_file() and p.name != "README.md"
    )
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in files]


@pytest.mark.parametrize("path", _inputs())
def test_saved_inputs_replay(path):
    """Every seed and every input that once crashed the target passes its invariants."""
    _target().check(path.read_bytes())


def test_short_fuzz_run(tmp_path):
    """A bounded coverage-guided run (about 10 s) from the seed corpus, in a subprocess."""
    pytest.importorskip("atheris")
    work = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus", work)
    proc = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz_document.py"),
            str(work),
            "-max_total_time=10",
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=4096",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert proc.returncode == 0 and not crashes, (
        f"fuzzing found {crashes}; save them in tests/data/fuzz-regressions/\n{proc.stderr[-3000:]}"
    )
    assert "Done" in proc.stderr
