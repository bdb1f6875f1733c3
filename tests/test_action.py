"""The composite GitHub Action (`action.yml`): its metadata, and its bash steps run locally.

The steps that run hrlint are executed the way the runner executes `shell: bash` steps
(`bash --noprofile --norc -eo pipefail FILE`), with the step's `env:` mapping evaluated for
`${{ inputs.NAME }}` (the value given, else the input's default), fake `GITHUB_*` variables, and
the `hrlint` on PATH. setup-python and the pip install are not run (the install step is run once
with a stub `python` to check which requirement it installs).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
INPUTS = {"paths", "args", "baseline", "changed-since", "sarif", "python-version", "version"}
INPUT_EXPRESSION = re.compile(r"^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$")
ANNOTATION = re.compile(r"^::(error|warning|notice) ")


@functools.cache
def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    return action()["runs"]["steps"]


def run_steps() -> list[dict]:
    return [step for step in steps() if "run" in step]


def hrlint_steps() -> list[dict]:
    """The steps that run `hrlint check` (not setup-python, not the install)."""
    return [step for step in run_steps() if "hrlint check" in step["run"]]


def install_step() -> dict:
    [step] = [step for step in run_steps() if "pip install" in step["run"]]
    return step


@functools.cache
def hrlint_help() -> str:
    result = subprocess.run([hrlint_executable(), "check", "--help"], capture_output=True, text=True, timeout=120)
    return result.stdout


@functools.cache
def hrlint_executable() -> str:
    found = shutil.which("hrlint")
    if found is None:
        pytest.skip("hrlint is not on PATH (pip install .)")
    return found


@functools.cache
def format_works(name: str) -> bool:
    """The format is offered by `hrlint check --help` and a run with it does not fail with exit 2
    (a format listed before its formatter exists would)."""
    if not re.search(rf"\b{name}\b", hrlint_help().split("--format", 1)[-1].split("\n  -", 1)[0]):
        return False
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "hrlint.yaml").write_text("content-root: .\n", encoding="utf-8")
        (Path(tmp) / "a.md").write_text("The addicts were helped.\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        result = subprocess.run(
            [hrlint_executable(), "check", "--no-cache", "--format", name, "a.md"],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    return result.returncode in (0, 1)


def option_exists(option: str) -> bool:
    return re.search(rf"(^|\s){re.escape(option)}\b", hrlint_help()) is not None


def step_env(step: dict, inputs: dict[str, str]) -> dict[str, str]:
    """Evaluate the step's `env:` the way the runner does for `${{ inputs.NAME }}` values."""
    declared = action()["inputs"]
    values = {}
    for name, value in (step.get("env") or {}).items():
        match = INPUT_EXPRESSION.match(str(value))
        if match:
            key = match.group(1)
            assert key in declared, f"env {name} uses the undeclared input {key}"
            values[name] = inputs.get(key, str(declared[key].get("default", "")))
        else:
            assert "${{" not in str(value), f"env {name}: only `${{{{ inputs.NAME }}}}` is evaluated here"
            values[name] = str(value)
    return values


class Run:
    def __init__(self, code: int, stdout: str, stderr: str, outputs: dict[str, str], summary: str):
        self.code, self.stdout, self.stderr, self.outputs, self.summary = code, stdout, stderr, outputs, summary

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A checkout with a copy of the seeds and `content-root: seeds`."""
    work = tmp_path / "workspace"
    shutil.copytree(ROOT / "seeds", work / "seeds")
    (work / "hrlint.yaml").write_text("content-root: seeds\n", encoding="utf-8")
    return work


@pytest.fixture
def run_action(workspace, tmp_path):
    """Run the action's hrlint steps in the workspace with the given inputs -> Run."""
    hrlint_executable()

    def run(step_list: list[dict] | None = None, extra_path: Path | None = None, **inputs: str) -> Run:
        inputs = {key.replace("_", "-"): value for key, value in inputs.items()}
        summary = tmp_path / "step-summary.md"
        output = tmp_path / "github-output"
        summary.write_text("", encoding="utf-8")
        output.write_text("", encoding="utf-8")
        base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))}
        base.update(
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_ACTION_PATH=str(ROOT),
            GITHUB_STEP_SUMMARY=str(summary),
            GITHUB_OUTPUT=str(output),
            RUNNER_TEMP=str(tmp_path),
        )
        if extra_path is not None:
            base["PATH"] = f"{extra_path}{os.pathsep}{base.get('PATH', '')}"
        code, stdout, stderr = 0, "", ""
        for n, step in enumerate(step_list if step_list is not None else hrlint_steps()):
            script = tmp_path / f"step-{n}.sh"
            script.write_text(step["run"], encoding="utf-8")
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=workspace,
                env={**base, **step_env(step, inputs)},
                capture_output=True,
                text=True,
                timeout=600,
            )
            code, stdout, stderr = result.returncode, stdout + result.stdout, stderr + result.stderr
            if code != 0:
                break
        outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
        return Run(code, stdout, stderr, outputs, summary.read_text(encoding="utf-8"))

    return run


def require_github_format():
    if not format_works("github"):
        pytest.xfail("github format not yet implemented")


# --- metadata -----------------------------------------------------------------------------------


def test_action_metadata():
    data = action()
    assert data["name"] and data["description"]
    assert set(data["inputs"]) == INPUTS
    defaults = {name: spec.get("default") for name, spec in data["inputs"].items()}
    assert defaults["paths"] == "." and defaults["python-version"] == "3.11"
    assert defaults["args"] == defaults["baseline"] == defaults["changed-since"] == defaults["sarif"] == ""
    assert defaults["version"] == ""  # empty: install the action's own folder
    assert all(spec.get("required", False) is False and spec.get("description") for spec in data["inputs"].values())
    assert data["runs"]["using"] == "composite"


def test_steps_use_bash_and_never_interpolate_inputs_into_scripts():
    assert run_steps()
    for step in run_steps():
        assert step.get("shell") == "bash", step.get("name")
        assert "${{" not in step["run"], f"{step.get('name')}: expressions belong in env:, not in the script"
    for step in steps():  # inputs reach the scripts only through env:
        for value in (step.get("env") or {}).values():
            assert INPUT_EXPRESSION.match(str(value)) or "${{" not in str(value)
    assert len(hrlint_steps()) == 1


def test_setup_python_and_install():
    [setup] = [step for step in steps() if str(step.get("uses", "")).startswith("actions/setup-python@")]
    assert setup["uses"] == "actions/setup-python@v5"
    assert INPUT_EXPRESSION.match(setup["with"]["python-version"]).group(1) == "python-version"
    assert steps().index(setup) < steps().index(install_step()) < steps().index(hrlint_steps()[0])
    assert "GITHUB_ACTION_PATH" in install_step()["run"]


@pytest.mark.parametrize(
    "version, requirement", [("", str(ROOT)), ("0.1.0", "hrlint==0.1.0"), ("hrlint>=0.1,<1", "hrlint>=0.1,<1")]
)
def test_install_step_requirement(run_action, tmp_path, version, requirement):
    stub = tmp_path / "stub-bin"
    stub.mkdir()
    log = tmp_path / "pip-args"
    (stub / "python").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}'\n", encoding="utf-8")
    (stub / "python").chmod(0o755)
    result = run_action([install_step()], extra_path=stub, version=version)
    assert result.code == 0, result
    args = log.read_text(encoding="utf-8").splitlines()
    assert args[:3] == ["-m", "pip", "install"] and args[-1] == requirement


# --- the hrlint step, run locally -----------------------------------------------------------------


def test_annotations_and_exit_code_on_the_seeds(run_action):
    result = run_action()
    assert result.code == 1, result  # the seeds have findings
    assert result.outputs.get("exit-code") == "1"
    require_github_format()
    assert result.lines, result
    bad = [line for line in result.lines if not ANNOTATION.match(line)]
    assert not bad, result
    assert any(line.startswith("::error ") for line in result.lines)
    assert "file=seeds/" in result.stdout
    assert result.summary.strip(), "the github format writes a step summary"


def test_sarif_input_writes_a_sarif_file_and_keeps_the_exit_code(run_action, workspace):
    if not format_works("sarif"):
        pytest.skip("sarif format not available in this hrlint")
    (workspace / "reports").mkdir()
    result = run_action(sarif="reports/hrlint.sarif")
    assert result.code == 1, result  # the first run's code, not the --exit-zero SARIF run's
    sarif = json.loads((workspace / "reports/hrlint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["tool"]["driver"]["name"] == "hrlint"
    assert sarif["runs"][0]["results"]
    assert result.outputs.get("sarif") == "reports/hrlint.sarif"
    if format_works("github"):
        assert all(ANNOTATION.match(line) for line in result.lines), result  # SARIF went to the file only


def test_sarif_failure_is_not_hidden_by_a_clean_run(run_action, workspace):
    if not format_works("sarif"):
        pytest.skip("sarif format not available in this hrlint")
    clean = sorted((workspace / "seeds").glob("004_*"))[0].relative_to(workspace).as_posix()
    assert run_action(paths=clean).code == 0
    result = run_action(paths=clean, sarif="no-such-folder/hrlint.sarif")
    assert result.code == 2, result
    assert "::error title=hrlint::writing the SARIF report" in result.stdout


def test_paths_and_args_are_passed_as_words(run_action, workspace):
    require_github_format()
    first, second = sorted(p.relative_to(workspace).as_posix() for p in (workspace / "seeds").glob("00[12]_*"))
    result = run_action(paths=f"{first}\n  {second} ", args="--select stigma --fail-on error")
    assert result.code in (0, 1), result
    files = {re.search(r"file=([^,]+),", line).group(1) for line in result.lines}
    assert files <= {first, second} and files, result
    assert all("(stigma/" in line for line in result.lines), result


def test_inputs_cannot_inject_shell_code(run_action, workspace):
    marker = workspace / "pwned"
    result = run_action(
        paths=f"$(touch {marker}) `touch {marker}`", args=f"; touch {marker}", baseline=f"$(touch {marker})"
    )
    assert not marker.exists()
    assert result.code == 2, result  # hrlint refuses the odd words; nothing is evaluated
    result = run_action(sarif="out.sarif\n::warning::forged")
    assert result.code == 2 and "forged" not in result.stdout and not (workspace / "out.sarif").exists(), result


def test_baseline_input(run_action, workspace):
    if not option_exists("--baseline") or not option_exists("--write-baseline"):
        pytest.skip("--baseline / --write-baseline not available in this hrlint")
    written = subprocess.run(
        [hrlint_executable(), "check", "--write-baseline", "hrlint-baseline.json", "."],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert written.returncode == 0, written.stderr
    result = run_action(baseline="hrlint-baseline.json")
    assert result.code == 0, result  # every finding is recorded in the baseline
    assert result.outputs.get("exit-code") == "0"
    if format_works("github"):
        assert not [line for line in result.lines if line.startswith(("::error ", "::warning "))], result


def test_changed_since_input(run_action, workspace):
    if not option_exists("--changed-since"):
        pytest.skip("--changed-since not available in this hrlint")
    require_github_format()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t",
        GIT_COMMITTER_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "seeds"]):
        subprocess.run(["git", *args], cwd=workspace, env=env, check=True, capture_output=True, timeout=60)
    [changed] = sorted((workspace / "seeds").glob("001_*"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nThe addicts were helped.\n", encoding="utf-8")
    result = run_action(changed_since="HEAD")
    assert result.code == 1, result
    files = {re.search(r"file=([^,]+),", line).group(1) for line in result.lines}
    assert files == {changed.relative_to(workspace).as_posix()}, result
