"""The documentation cannot drift from the code: every rule's examples are run through the real
rule, the generated rule pages match the registry, the README stays short, and every relative link
in README.md and docs/ resolves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ROOT

from lint.engine.registry import FIX_SAFETY, Example, Rule
from lint.report import ruledocs

RULES = ruledocs.builtin_rules()
EXAMPLES = [
    pytest.param(cls, kind, example, id=f"{rule_id}:{kind}")
    for rule_id, cls in RULES.items()
    for kind, example in (("flagged", cls.example_flagged), ("passing", cls.example_passing))
]
README_LIMIT = 15 * 1024


def run_example(hrlint, tmp_path: Path, cls: type[Rule], example: Example) -> list[dict]:
    """The findings of `cls` on the example's file, checked with every rule in a fresh content tree."""
    root = tmp_path / "tree"
    files = {"hrlint.yaml": example.config or "# the example's content tree\n", **example.files}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / example.path).parent.mkdir(parents=True, exist_ok=True)
    (root / example.path).write_bytes(example.text.encode(example.encoding))
    select = () if cls.default_enabled else ("--select", cls.id)
    result = hrlint("check", "--format", "json", "--no-cache", "-j", "1", *select, *example.args, ".", cwd=root)
    assert result.exit_code in (0, 1, 2), result.stderr
    return [f for f in result.findings if f["rule"] == cls.id and f["path"] == example.path]


def test_every_rule_has_documentation():
    for rule_id, cls in RULES.items():
        assert cls.why.strip(), f"{rule_id}: no `why`"
        assert cls.example_flagged is not None and cls.example_passing is not None, f"{rule_id}: examples"
        assert cls.fix_safety in FIX_SAFETY
        for name in cls.options_schema:
            assert cls.options_schema[name].get("description"), f"{rule_id}: option {name} has no description"


@pytest.mark.parametrize("cls, kind, example", EXAMPLES)
def test_example(hrlint, tmp_path, cls, kind, example):
    if example.illustrative:
        pytest.skip(f"illustrative: {example.illustrative}")
    findings = run_example(hrlint, tmp_path, cls, example)
    if kind == "passing":
        assert findings == [], f"{cls.id} reports its passing example"
        return
    assert findings, f"{cls.id} does not report its flagged example"
    if not cls.severity_note:
        assert {f["severity"] for f in findings} == {str(cls.default_severity)}
    offered = {f["fix"]["applicability"] for f in findings if f["fix"]}
    allowed = {"safe": {"safe"}, "unsafe": {"unsafe"}, "mixed": {"safe", "unsafe"}, "none": set()}[cls.fix_safety]
    assert offered <= allowed, f"{cls.id} offers {offered} fixes but documents `{cls.fix_safety}`"
    if allowed:
        assert offered, f"{cls.id}: the flagged example should show the fix the rule documents"


def test_illustrative_examples_are_the_ones_that_need_the_outside_world():
    illustrative = {(cls.id, kind) for cls, kind, example in (p.values for p in EXAMPLES) if example.illustrative}
    assert illustrative == {
        ("file/unreadable", "flagged"),
        ("file/too-many-findings", "flagged"),
        ("links/external", "flagged"),
        ("links/external", "passing"),
    }


def test_stigma_fix_safety_follows_the_catalog():
    """A stigma rule's fixes come from its catalog entries; a safe one is unsafe in a related
    article's title, so a rule with safe fixes offers both kinds."""
    from lint.checks.stigma import build_catalog

    kinds: dict[str, set[bool]] = {}
    for entry in build_catalog({}).entries:
        if entry.fix:
            kinds.setdefault(entry.rule, set()).add(bool(entry.fix.get("safe")))
    for rule_id, cls in RULES.items():
        if rule_id.startswith("stigma/"):
            found = kinds.get(rule_id, set())
            expected = "mixed" if True in found else ("unsafe" if found else "none")
            assert cls.fix_safety == expected, rule_id


def test_explain_is_built_from_the_same_fields(hrlint):
    text = hrlint("explain", "consistency/url-slug").stdout
    cls = RULES["consistency/url-slug"]
    assert " ".join(cls.why.split()) in " ".join(text.split())
    for line in cls.example_flagged.text.splitlines():
        assert line in text


# --- generated pages ------------------------------------------------------------------------


def test_rule_pages_are_current():
    problems = ruledocs.compare(ROOT / "docs" / "rules")
    assert not problems, "run `hrlint docs` to regenerate docs/rules:\n" + "\n".join(
        f"  {status}: {path}" for status, path in problems
    )


def test_docs_check_command(hrlint, tmp_path):
    target = tmp_path / "rules"
    assert hrlint("docs", "--check", str(target)).exit_code == 1
    assert not target.exists(), "--check writes nothing"
    result = hrlint("docs", str(target))
    assert result.exit_code == 0, result.stderr
    assert hrlint("docs", "--check", str(target)).exit_code == 0
    page = target / "schema" / "required.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    (target / "schema" / "gone.md").write_text(ruledocs.MARKER + "\n", encoding="utf-8")
    (target / "links" / "body.md").unlink()
    result = hrlint("docs", "--check", str(target))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "missing: links/body.md",
        "extra: schema/gone.md",
        "stale: schema/required.md",
    ]
    assert hrlint("docs", str(target)).exit_code == 0
    assert not (target / "schema" / "gone.md").exists()
    assert hrlint("docs", "--check", str(target)).exit_code == 0


def test_rule_pages_show_each_rules_summary():
    index = (ROOT / "docs" / "rules" / "README.md").read_text(encoding="utf-8")
    for rule_id, cls in RULES.items():
        page = (ROOT / "docs" / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")
        assert page.startswith(ruledocs.MARKER + "\n\n# " + rule_id + "\n\n" + cls.summary + "\n")
        assert f"| [`{rule_id}`]({rule_id}.md) |" in index


# --- README and links -----------------------------------------------------------------------


def test_readme_is_short():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail into docs/ (limit {README_LIMIT})"


def test_readme_keeps_the_ci_test_command():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    at = lines.index("<!-- test-command: .ci/run runs the next line verbatim -->")
    assert lines[at + 1 : at + 3] == ["```sh", "pip install '.[test]' && python -m pytest -q"]


_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]\n]*\]\(([^)\s]+)\)")
_CODE = re.compile(r"^(```+|~~~+).*?^\1\s*$|`[^`\n]+`", re.M | re.S)


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors of a Markdown file."""
    out: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _CODE.sub("", markdown), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", "")).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path):
    text = path.read_text(encoding="utf-8")
    for match in _LINK.finditer(_CODE.sub("", text)):
        target = match.group(1) or match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        file = (path.parent / unquote(file_part)).resolve() if file_part else path
        assert file.exists(), f"{path.relative_to(ROOT)}: broken link `{target}`"
        assert file.is_relative_to(ROOT), f"{path.relative_to(ROOT)}: `{target}` leaves the repository"
        if anchor and file.suffix == ".md":
            assert anchor in _anchors(file.read_text(encoding="utf-8")), (
                f"{path.relative_to(ROOT)}: `{target}`: no heading `#{anchor}`"
            )


def test_docs_are_linked_from_the_readme_or_another_page():
    linked: set[Path] = set()
    for path in _markdown_files():
        for match in _LINK.finditer(_CODE.sub("", path.read_text(encoding="utf-8"))):
            target = (match.group(1) or match.group(2)).partition("#")[0]
            if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                linked.add((path.parent / unquote(target)).resolve())
    orphans = [p.relative_to(ROOT).as_posix() for p in _markdown_files()[1:] if p.resolve() not in linked]
    assert not orphans, f"pages nothing links to: {orphans}"


def test_help_links_point_at_the_rule_pages():
    from lint.report.common import _BUILTIN_FAMILIES, rule_url

    assert _BUILTIN_FAMILIES == {rule_id.split("/", 1)[0] for rule_id in RULES}
    for rule_id in RULES:
        assert rule_url(rule_id).endswith(f"/blob/main/docs/rules/{rule_id}.md")
        assert (ROOT / "docs" / "rules" / f"{rule_id}.md").is_file()
