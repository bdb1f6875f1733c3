"""The built wheel, installed in a fresh virtual environment, works like the source tree:
bundled data, the command line, and a third-party rule plugin (tests/plugin_pkg)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "tests" / "plugin_pkg"
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
ENV["NO_COLOR"] = "1"


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=ENV, capture_output=True, text=True)


def run_ok(*args, cwd=None) -> subprocess.CompletedProcess:
    result = run(*args, cwd=cwd)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment with the hrlint wheel and the example plugin installed."""
    dist = tmp_path_factory.mktemp("dist")
    run_ok(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO)
    (wheel,) = dist.glob("hrlint-*.whl")
    env_dir = tmp_path_factory.mktemp("venv")
    run_ok(sys.executable, "-m", "venv", env_dir)
    python = bin_path(env_dir, "python")
    run_ok(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    run_ok(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PLUGIN)
    return env_dir


def bin_path(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / name


def hrlint(venv: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    return run(bin_path(venv, "hrlint"), *args, cwd=cwd)


def test_wheel_ships_the_data(venv):
    code = (
        "import sysconfig; from lint.model.resources import data_dir; "
        "print(sysconfig.get_paths()['purelib']); print(data_dir('schemas')); print(data_dir('rules'))"
    )
    # cwd outside the repo: `python -c` puts the cwd first on sys.path.
    lines = run_ok(bin_path(venv, "python"), "-c", code, cwd=venv).stdout.splitlines()
    site, schemas, rules = (Path(line).resolve() for line in lines)
    assert site.is_relative_to(venv.resolve())
    assert schemas.is_relative_to(site) and rules.is_relative_to(site)
    assert (schemas / "default.schema.json").is_file()
    assert rules.is_dir()


def test_check_seeds_outside_the_repo(venv, tmp_path, hrlint_source):
    """The installed wheel reports exactly what the source tree reports (schemas and rule data ship)."""
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)

    text = hrlint(venv, "check", seeds, cwd=tmp_path)
    assert text.returncode == 1, text.stdout + text.stderr
    assert text.stdout.splitlines()[-1].endswith(" of 5 files.")

    report = hrlint(venv, "check", "--format", "json", seeds, cwd=tmp_path)
    data = json.loads(report.stdout)
    assert data["version"] == 1
    assert data["summary"]["files_checked"] == 5
    assert "stigma/abuse" in data["summary"]["by_rule"]
    assert data["findings"] == hrlint_source("check", "--format", "json", "seeds", cwd=tmp_path).findings


@pytest.fixture
def hrlint_source(hrlint):
    return hrlint


def test_plugin_rule_is_listed_and_explained(venv, tmp_path):
    rules = hrlint(venv, "rules", cwd=tmp_path)
    assert rules.returncode == 0, rules.stderr
    (line,) = [ln for ln in rules.stdout.splitlines() if ln.startswith("example/no-todo ")]
    assert line.split()[1] == "warning"

    explain = hrlint(venv, "explain", "example/no-todo", cwd=tmp_path)
    assert explain.returncode == 0, explain.stderr
    assert "Placeholder words such as TODO must not be left in the text." in explain.stdout
    assert "word: The placeholder word to report. (default: 'TODO')" in explain.stdout


def test_plugin_rule_reports_the_word(venv, tmp_path):
    (tmp_path / "a.md").write_text("Intro\nSome TODO here\n", encoding="utf-8")
    result = hrlint(venv, "check", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "a.md:2:6: warning example/no-todo `TODO` left in the text" in result.stdout


def test_plugin_rule_takes_its_options_from_the_config(venv, tmp_path):
    (tmp_path / "hrlint.yaml").write_text(
        "rules:\n  example/no-todo:\n    severity: error\n    word: FIXME\n", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text("A TODO stays.\nFirst line\n  FIXME: dose\n", encoding="utf-8")
    result = hrlint(venv, "check", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = [ln for ln in result.stdout.splitlines() if "example/no-todo" in ln]
    assert findings == ["b.md:3:3: error example/no-todo `FIXME` left in the text"]


def test_invalid_plugin_option_is_a_usage_error(venv, tmp_path):
    (tmp_path / "hrlint.yaml").write_text("rules:\n  example/no-todo:\n    word: 5\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("Nothing to see\n", encoding="utf-8")
    result = hrlint(venv, "check", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert "`word`" in line
