"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit framework.

pre-commit builds a virtual environment and pip-installs hrlint from a snapshot of this checkout
(the tracked and untracked, not ignored files of the working tree, committed into a temporary
repository, so uncommitted work is tested too; `pre-commit try-repo` would leave out untracked
files such as new modules). The content repositories use that snapshot in their
`.pre-commit-config.yaml`, and `PRE_COMMIT_HOME` is a module-wide temporary folder, so the hook
environment is built once per module (about 10-60 s, needs the package index) and the user's
pre-commit cache is never touched. `pre-commit try-repo` (which builds a fresh environment on
every call) is exercised once.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
IGNORED_WHEN_COPYING = shutil.ignore_patterns(
    ".git",
    ".hrlint_cache",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".benchmarks",
    "build",
    "dist",
    "*.egg-info",
    ".venv",
    "venv",
    ".tox",
)


# --- helpers ------------------------------------------------------------------------------------


def _pre_commit_command() -> list[str]:
    try:
        importable = importlib.util.find_spec("pre_commit") is not None
    except (ImportError, ValueError):
        importable = False
    if importable:
        command = [sys.executable, "-m", "pre_commit"]
    elif shutil.which("pre-commit"):
        command = [shutil.which("pre-commit")]
    else:
        pytest.skip("pre-commit is not installed (pip install pre-commit, or pip install '.[test]')")
    try:
        probe = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"pre-commit cannot be run: {exc}")
    if probe.returncode != 0:
        pytest.skip(f"pre-commit cannot be run: {probe.stderr.strip() or probe.stdout.strip()}")
    return command


def _git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def _init_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _git("init", "-q", cwd=path, env=env)
    _git("config", "user.name", "hrlint tests", cwd=path, env=env)
    _git("config", "user.email", "hrlint-tests@example.invalid", cwd=path, env=env)
    _git("config", "commit.gpgsign", "false", cwd=path, env=env)


def _commit_all(path: Path, env: dict[str, str], message: str) -> None:
    _git("add", "-A", cwd=path, env=env)
    _git("commit", "-q", "--no-verify", "-m", message, cwd=path, env=env)


def _checkout_files(root: Path) -> list[str] | None:
    """Tracked and untracked (not ignored) files of the checkout, or None outside git."""
    if not (root / ".git").exists() or shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.split("\0") if name and (root / name).is_file()]


def _slug(text: str) -> str:
    """The consistency rules' slug: lowercase, keep letters, digits and spaces, join with `-`."""
    return "-".join(re.sub(r"[^a-z0-9 ]", "", text.lower()).split())


def article(
    id: int | str,
    title: str,
    answer: str = "Naloxone reverses an opioid overdose within minutes.",
    subject: str = "Health Studies",
    related=(),
) -> str:
    """A small article that is valid against the default schema and the consistency rules.
    `related` holds (id, title, subject, url) tuples."""
    slug = _slug(title)
    lines = [
        "---",
        f"id: {id}",
        "date: 2024-12-01",
        f"title: {title}",
        f"article_title: {title}",
        "seo:",
        f"  title: QuickTakes | {subject}",
        "  page_description: >-",
        "    A short, plain-language answer about overdose prevention and safer use, for the test suite.",
        "author: QuickTakes",
        f"question: {title}",
        f"answer: >-\n    {answer}",
        f"subject: {subject}",
        f"file_name: {slug}.md",
        f"url: {url(title, subject)}",
    ]
    for n, (rid, rtitle, rsubject, rurl) in enumerate(related, 1):
        lines += [
            f"related_article{n}:",
            f"    id: {rid}",
            f"    title: {rtitle}",
            f"    subject: {rsubject}",
            f"    url: {rurl}",
        ]
    return "\n".join(lines + ["---", ""])


def url(title: str, subject: str = "Health Studies") -> str:
    return f"/learn/{_slug(subject)}/questions/{_slug(title)}"


NALOXONE = (10, "What is naloxone", "Health Studies", url("What is naloxone"))
TESTING = (11, "How does drug checking work", "Health Studies", url("How does drug checking work"))
SHARING = (12, "Why use sterile equipment", "Health Studies", url("Why use sterile equipment"))


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """Environment of every git and pre-commit call: a private PRE_COMMIT_HOME shared by the
    module's tests, no user or system git configuration, no inherited git or pre-commit state."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text("", encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    base.update(
        PRE_COMMIT_HOME=str(home / "cache"),
        NO_COLOR="1",
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_COLOR="never",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return base


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> Path:
    """A git repository holding the current state of this checkout, committed (pre-commit
    installs hooks from commits; try-repo would skip untracked files such as new modules)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _pre_commit_command()
    repo = tmp_path_factory.mktemp("hook-repo") / "hrlint"
    names = _checkout_files(ROOT)
    if names is None:
        shutil.copytree(ROOT, repo, ignore=IGNORED_WHEN_COPYING)
    else:
        for name in names:
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    _init_repo(repo, env)
    _commit_all(repo, env, "snapshot of the hrlint checkout")
    return repo


@pytest.fixture
def site(tmp_path, env, hook_repo) -> Path:
    """A content repository with two valid articles that link to each other and a
    `.pre-commit-config.yaml` using both hooks of the snapshot (all committed)."""
    import yaml

    root = tmp_path / "site"
    _init_repo(root, env)
    rev = _git("rev-parse", "HEAD", cwd=hook_repo, env=env).strip()
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "hrlint"}, {"id": "hrlint-all"}]}]}
    files = {
        ".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False),
        "hrlint.yaml": "content-root: .\n",
        "content/what-is-naloxone.md": article(*NALOXONE[:2], related=[TESTING]),
        "content/how-does-drug-checking-work.md": article(
            *TESTING[:2], answer="Test strips detect fentanyl.", related=[NALOXONE]
        ),
    }
    write(root, files)
    _commit_all(root, env, "two articles")
    return root


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _checked(result: subprocess.CompletedProcess) -> tuple[int, str]:
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), f"pre-commit failed to run (exit {result.returncode}):\n{output}"
    return result.returncode, output


@pytest.fixture
def pre_commit(site, env):
    """`pre-commit run HOOK --verbose [ARGS]` in the content repository -> (exit code, output).
    Without --files/--all-files pre-commit passes the staged files, as on `git commit`."""
    command = _pre_commit_command()

    def run(hook: str = "hrlint", *args: str) -> tuple[int, str]:
        return _checked(
            subprocess.run(
                [*command, "run", hook, "--verbose", *args],
                cwd=site,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
        )

    return run


def stage(root: Path, env: dict[str, str], files: dict[str, str]) -> None:
    write(root, files)
    _git("add", "--", *files, cwd=root, env=env)


# --- the manifest -------------------------------------------------------------------------------


def test_manifest_is_valid(env):
    command = _pre_commit_command()
    result = subprocess.run(
        [*command, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_manifest_declares_both_hooks():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"hrlint", "hrlint-all"}
    staged = hooks["hrlint"]
    assert staged["entry"] == "hrlint check" and staged["language"] == "python"
    assert set(staged["types_or"]) == {"markdown", "mdx", "plain-text"}
    assert staged["require_serial"] is True and staged.get("pass_filenames", True) is True
    whole = hooks["hrlint-all"]
    assert whole["entry"] == "hrlint check" and whole["pass_filenames"] is False
    assert whole["always_run"] is True and whole["stages"] == ["manual"]


# --- the hook on staged files ---------------------------------------------------------------------


def test_clean_staged_change_passes(site, env, pre_commit):
    stage(
        site,
        env,
        {
            "content/what-is-naloxone.md": article(
                *NALOXONE[:2], related=[TESTING], answer="Naloxone is safe and easy to carry."
            )
        },
    )
    code, output = pre_commit()
    assert code == 0, output
    assert re.search(r"^hrlint\.+Passed$", output, re.M), output
    assert "No problems found in 1 file." in output  # only the staged file was passed
    # The index of the whole tree is cached at the content root and ignores itself.
    assert (site / ".hrlint_cache" / "index-v4.sqlite").is_file()
    assert ".hrlint_cache" not in _git("status", "--porcelain", "--untracked-files=all", cwd=site, env=env)


def test_stigmatizing_answer_fails(site, env, pre_commit):
    stage(
        site,
        env,
        {
            "content/what-is-naloxone.md": article(
                *NALOXONE[:2], related=[TESTING], answer="Naloxone saves the lives of addicts."
            )
        },
    )
    code, output = pre_commit()
    assert code == 1, output
    assert re.search(r"^hrlint\.+Failed$", output, re.M), output
    assert "stigma/person-label" in output
    assert "content/what-is-naloxone.md:" in output


def test_schema_breaking_change_fails(site, env, pre_commit):
    stage(site, env, {"content/what-is-naloxone.md": article("abc", NALOXONE[1], related=[TESTING])})
    code, output = pre_commit()
    assert code == 1, output
    assert "schema/type" in output


def test_link_to_an_unstaged_article_resolves(site, env, pre_commit):
    # The target (committed, not staged, not passed) is found through the index of the whole tree.
    stage(site, env, {"content/why-use-sterile-equipment.md": article(*SHARING[:2], related=[NALOXONE, TESTING])})
    code, output = pre_commit()
    assert code == 0, output
    assert "links/unresolved" not in output
    assert "No problems found in 1 file." in output


def test_related_url_that_points_nowhere_fails(site, env, pre_commit):
    nowhere = (13, "What is a naloxone kit", "Health Studies", url("What is a naloxone kit"))
    stage(site, env, {"content/why-use-sterile-equipment.md": article(*SHARING[:2], related=[NALOXONE, nowhere])})
    code, output = pre_commit()
    assert code == 1, output
    assert "links/unresolved" in output
    assert "content/why-use-sterile-equipment.md:" in output


def test_plain_text_articles_are_checked_other_text_files_are_not(site, env, pre_commit):
    stage(
        site,
        env,
        {
            "notes/old-essay.txt": "Outreach workers once called them addicts.\n",
            "tools/export.py": "# exports articles written for addicts\n",
            "data/terms.yaml": "old: addicts\n",
        },
    )
    code, output = pre_commit()
    assert code == 1, output
    assert "notes/old-essay.txt:" in output
    assert "tools/export.py" not in output and "data/terms.yaml" not in output


def test_unstaged_changes_are_not_checked(site, env, pre_commit):
    # pre-commit stashes what is not staged: only the staged content is seen.
    stage(
        site,
        env,
        {
            "content/what-is-naloxone.md": article(
                *NALOXONE[:2], related=[TESTING], answer="Naloxone is safe and easy to carry."
            )
        },
    )
    write(
        site,
        {
            "content/what-is-naloxone.md": article(
                *NALOXONE[:2], related=[TESTING], answer="Naloxone saves the lives of addicts."
            )
        },
    )
    code, output = pre_commit()
    assert code == 0, output
    assert "addicts" in (site / "content/what-is-naloxone.md").read_text(encoding="utf-8")  # restored


# --- the whole-tree hook --------------------------------------------------------------------------


def test_whole_tree_hook_runs_in_manual_stage_on_unstaged_files(site, env, pre_commit):
    write(
        site,
        {
            "content/how-does-drug-checking-work.md": article(
                *TESTING[:2], related=[NALOXONE], answer="Test strips protect addicts."
            )
        },
    )
    _commit_all(site, env, "committed, nothing staged")
    code, output = pre_commit("hrlint-all", "--hook-stage", "manual")
    assert code == 1, output
    assert "stigma/person-label" in output
    assert "content/how-does-drug-checking-work.md:" in output


# --- pre-commit try-repo (how a hook repository is tried before it is tagged) ---------------------


def test_try_repo_with_explicit_files(site, env, hook_repo):
    stage(
        site,
        env,
        {
            "content/what-is-naloxone.md": article(
                *NALOXONE[:2], related=[TESTING], answer="Naloxone saves the lives of addicts."
            )
        },
    )
    code, output = _checked(
        subprocess.run(
            [
                *_pre_commit_command(),
                "try-repo",
                str(hook_repo),
                "hrlint",
                "--verbose",
                "--files",
                "content/what-is-naloxone.md",
                "content/how-does-drug-checking-work.md",
                "hrlint.yaml",
            ],
            cwd=site,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    )
    assert code == 1, output
    assert "stigma/person-label" in output
    assert "in 1 of 2 files." in output  # hrlint.yaml is not a Markdown or text article
