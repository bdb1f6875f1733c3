"""--fix, --unsafe-fixes and --diff: exact edits that never damage a file."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest
from conftest import DATA, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint.engine.fixer import apply_one, encode, unified_diff, write_atomically
from lint.model.document import Document
from lint.model.findings import Fix

CONFIG = "content-root: .\n"


@pytest.fixture
def seed_copy(tmp_path):
    def make(prefix: str):
        for path in SEEDS.glob(prefix + "*"):
            shutil.copy(path, tmp_path / path.name)
        (tmp_path / "hrlint.yaml").write_text(CONFIG)
        return tmp_path

    return make


@pytest.mark.parametrize(
    "prefix, args, golden",
    [
        ("002_", [], "fix-002.diff"),
        ("000_", ["--unsafe-fixes"], "fix-000-unsafe.diff"),
    ],
)
def test_golden_diffs(hrlint, seed_copy, prefix, args, golden):
    root = seed_copy(prefix)
    result = hrlint("check", "--diff", *args, ".", cwd=root)
    assert result.exit_code == 1
    assert result.stdout == (DATA / "golden" / golden).read_text(encoding="utf-8")


def test_seed_000_has_no_safe_fix(hrlint, seed_copy):
    """Its only safe-looking fix is in a related article's title, which must mirror the target."""
    result = hrlint("check", "--diff", ".", cwd=seed_copy("000_"))
    assert (result.exit_code, result.stdout) == (0, "")


def test_diff_applies_with_patch_and_equals_fix(hrlint, seed_copy, tmp_path_factory):
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    root = seed_copy("002_")
    other = tmp_path_factory.mktemp("other")
    shutil.copytree(root, other, dirs_exist_ok=True)
    diff = hrlint("check", "--diff", ".", cwd=root).stdout
    subprocess.run(["patch", "-p0", "--quiet"], input=diff, text=True, cwd=other, check=True)
    result = hrlint("check", "--fix", "--show-fixes", ".", cwd=root)
    assert result.exit_code == 1  # warnings without a safe fix remain
    assert result.stderr.startswith(
        "hrlint: fixed 9 problems in 1 file:\n  002_e9f537c49a0405fd.txt:15:67 "
        "principles/attribution: `Harm Reduction Coalition (HRC)` -> "
    )
    name = next(SEEDS.glob("002_*")).name
    assert (root / name).read_bytes() == (other / name).read_bytes()
    # idempotent: a second --fix changes nothing, --diff is empty
    before = (root / name).read_bytes()
    assert hrlint("check", "--diff", ".", cwd=root).stdout == ""
    hrlint("check", "--fix", ".", cwd=root)
    assert (root / name).read_bytes() == before


def test_a_run_that_fixes_everything_exits_0(hrlint, write):
    root = write({"a.md": "---\ntitle: x\n---\nThey need clean needles and help with substance abuse.\n"})
    result = hrlint("check", "--fix", "--select", "stigma", "a.md", cwd=root)
    assert result.exit_code == 0, result.stdout
    assert (root / "a.md").read_text() == "---\ntitle: x\n---\nThey need sterile needles and help with substance use.\n"


def test_bytes_outside_the_edits_are_kept(hrlint, write):
    original = (
        "\ufeff---\r\n# a comment\r\nanswer: 'Substance abuse ''hurts''.'   \r\nn: 1  # trailing\r\n"
        "---\r\nBody: clean syringes, then more.\t "
    ).encode("utf-8")
    root = write({"a.md": original})
    hrlint("check", "--fix", "--select", "stigma", "a.md", cwd=root)
    assert (root / "a.md").read_bytes() == original.replace(b"Substance abuse", b"Substance use").replace(
        b"clean syringes", b"sterile syringes"
    )


def test_permissions_are_kept(hrlint, write):
    root = write({"a.md": "Clean needles.\n"})
    os.chmod(root / "a.md", 0o640)
    hrlint("check", "--fix", "--select", "stigma", "a.md", cwd=root)
    assert (root / "a.md").read_text() == "Sterile needles.\n"
    assert stat.S_IMODE(os.stat(root / "a.md").st_mode) == 0o640


def test_file_changed_on_disk_is_not_overwritten(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("new content\n")
    why = write_atomically(path, b"fixed\n", b"old content\n")
    assert why == "the file changed on disk while it was being checked; it was not written"
    assert path.read_text() == "new content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left behind


@pytest.mark.parametrize(
    "source, replacement, written, value",
    [
        ('---\nk: "a X b"\n---\n', 'say "hi" \\ ok', 'say \\"hi\\" \\\\ ok', 'a say "hi" \\ ok b'),
        ("---\nk: 'a X b'\n---\n", "it's", "it''s", "a it's b"),
        ("---\nk: a X b\n---\n", "one, two", "one, two", "a one, two b"),
        ("---\nk: >-\n  a X b\n---\n", "#1: ok", "#1: ok", "a #1: ok b"),
        ("---\nk: |\n  a X b\n---\n", "it's", "it's", "a it's b\n"),
    ],
)
def test_replacements_are_encoded_for_their_scalar(source, replacement, written, value):
    doc = Document.from_text(source)
    start = source.index("X")
    fix = Fix(start, start + 1, replacement)
    assert encode(doc, fix) == (written, "")
    text, why = apply_one(doc, fix)
    assert why == "" and Document.from_text(text).data == {"k": value}


@pytest.mark.parametrize(
    "replacement, why",
    [
        ("a: b", "the replacement would need quoting in this plain value"),
        ("a #b", "the replacement would need quoting in this plain value"),
        ("two\nlines", "a line break cannot be inserted here"),
    ],
)
def test_plain_scalar_refuses_what_would_need_quoting(replacement, why):
    source = "---\nk: a X b\n---\n"
    doc = Document.from_text(source)
    fix = Fix(source.index("X"), source.index("X") + 1, replacement)
    assert apply_one(doc, fix) == (None, why)


def test_refused_fix_is_reported(hrlint, write, monkeypatch):
    from lint.checks import stigma

    real = stigma._fix

    def colon_fix(doc, region, a, b, entry):
        fix = real(doc, region, a, b, entry)
        return fix and Fix(fix.start, fix.end, "x: y", True)

    monkeypatch.setattr(stigma, "_fix", colon_fix)
    root = write({"a.md": "---\ntitle: clean needles here\n---\n"})
    result = hrlint("check", "--fix", "--select", "stigma/equipment", "a.md", cwd=root)
    assert result.stderr.splitlines()[0] == (
        "hrlint: fix refused at a.md:2:8 (stigma/equipment): the replacement would need quoting in this plain value"
    )
    assert (root / "a.md").read_text() == "---\ntitle: clean needles here\n---\n"


def test_unified_diff_marks_a_missing_final_newline():
    assert unified_diff("a.md", "one\ntwo", "one\nthree") == (
        "--- a.md\n+++ a.md\n@@ -1,2 +1,2 @@\n one\n-two\n\\ No newline at end of file\n+three\n"
        "\\ No newline at end of file\n"
    )


# --- property: generated articles in every scalar style -----------------------------------------

TERMS = ["substance abuse", "Substance abuse", "clean needles", "drug abuse", "severe abuse"]
FILLER = st.text(alphabet=st.sampled_from(list("abcdefghij klmnop,.;()")), min_size=0, max_size=20)


def scalar(style: str, text: str) -> str:
    if style == "plain":
        return ("x " + text).strip()
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if style == "literal":
        return "|-\n    " + ("x " + text).strip()
    return ">-\n    " + ("x " + text).strip()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(["plain", "single", "double", "folded", "literal"]), FILLER, st.sampled_from(TERMS), FILLER
        ),
        min_size=1,
        max_size=4,
    ),
    body=st.tuples(FILLER, st.sampled_from(TERMS)),
)
def test_fix_property(tmp_path_factory, parts, body):
    from lint.engine.runner import Linter
    from lint.workspace.config import Config

    fields = {f"f{i}": f"{pre} {term} {post}" for i, (_, pre, term, post) in enumerate(parts)}
    lines = ["---"] + [f"f{i}: {scalar(style, fields[f'f{i}'])}" for i, (style, *_) in enumerate(parts)]
    text = "\n".join(lines + ["other: keep me", "---", f"{body[0]} {body[1]}\n"])
    root = tmp_path_factory.mktemp("prop")
    (root / "a.md").write_text(text)
    config = Config(root=root, prose_fields=["f*"])
    linter = Linter(config, select=["stigma"], fix="write")
    linter.run([root / "a.md"], root)
    fixed = (root / "a.md").read_text()
    doc = Document.from_text(fixed)
    assert doc.problems == [] and isinstance(doc.data, dict)  # it still parses
    assert doc.data["other"] == "keep me" and set(doc.data) == set(fields) | {"other"}
    check = Linter(config, select=["stigma"])
    remaining = check.run([root / "a.md"], root).findings
    assert not [f for f in remaining if f.fix is not None and f.fix.safe]  # nothing safe left to fix
    linter.run([root / "a.md"], root)
    assert (root / "a.md").read_text() == fixed  # a second --fix changes nothing
    for i, (_, pre, _, post) in enumerate(parts):  # the rest of each sentence is kept
        assert pre.strip() in doc.data[f"f{i}"] and post.strip() in doc.data[f"f{i}"]
