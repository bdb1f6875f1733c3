"""Property-based tests (hypothesis) over generated front matter, bodies and raw bytes.

- reading any bytes never raises, and every span lies inside the decoded text;
- a whole lint run on generated articles raises nothing, every finding's position is inside the
  file, and the JSON and SARIF reports stay valid;
- the findings are the same whatever `--jobs` is.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, ROOT, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint.model.document import Document
from lint.model.positions import LineIndex
from lint.workspace.config import Config

_spec = importlib.util.spec_from_file_location("fuzz_document", ROOT / "fuzz" / "fuzz_document.py")
fuzz_document = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_document)

SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
SARIF_VALIDATOR = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
GOOD = next(SEEDS.glob("000_*")).read_text(encoding="utf-8")

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# --- raw bytes ------------------------------------------------------------------------------------

FRAGMENTS = [
    b"---\n",
    b"---\r\n",
    b"---\r",
    b"+++\n",
    b"{\n",
    b"}\n",
    b"title: ",
    b"answer: >-\n  ",
    b"|+2\n",
    b"- ",
    b"&a ",
    b"*a",
    b"!!python/object ",
    b"'",
    b'"',
    b"\\n",
    b"\t",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x00",
    b"\xe9",
    b"\xc3\xa9",
    b"addicts ",
    b"clean needles ",
    b"<!-- hrlint-disable -->",
    b"# hrlint-disable-next-line\n",
    b"```\n",
    b"    code\n",
    b"[x](y)",
    b"\xe2\x80\xa8",
    b"\x85",
    b"#",
]
RAW = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=8), max_size=40).map(b"".join),
)


@FAST
@given(data=RAW)
def test_any_bytes_read_without_exception_and_spans_inside(data):
    fuzz_document.check(data)


# --- generated articles ---------------------------------------------------------------------------

WORDS = [
    "addicts",
    "substance abuse",
    "clean needles",
    "drug users",
    "naloxone",
    "harm reduction",
    "people",
    "Café",
    "日本語",
    "é",
    "<script>",
    "&amp;",
    "::error::",
    "%0A",
    "]]>",
    "\u2028",
    "emoji 🙂",
    "tab\tx",
]
TEXT = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), min_size=0, max_size=6).map(" ".join)
KEYS = st.sampled_from(
    [
        "title",
        "question",
        "answer",
        "article_title",
        "id",
        "url",
        "file_name",
        "subject",
        "_schema",
        "seo",
        "related_article1",
        "x",
        "1",
        "true",
        "title",
    ]
)


def scalar(style: str, text: str) -> str:
    if style == "plain":
        return text.replace("\n", " ").replace("\t", " ") or "x"
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return json.dumps(text)
    if style == "literal":
        return "|-\n  " + text.replace("\n", "\n  ")
    return ">-\n  " + text.replace("\n", "\n  ")


ENTRY = st.tuples(KEYS, st.sampled_from(["plain", "single", "double", "literal", "folded", "nested"]), TEXT)
NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def articles(draw) -> bytes:
    entries = draw(st.lists(ENTRY, max_size=8))
    lines = ["---"]
    for key, style, text in entries:
        if style == "nested":
            lines.append(f"{key}:\n  title: {scalar('double', text)}\n  url: /learn/x/questions/y")
        else:
            lines.append(f"{key}: {scalar(style, text)}")
    lines.append("---")
    body = draw(st.lists(TEXT, max_size=4))
    text = "\n".join(lines + body) + draw(st.sampled_from(["", "\n"]))
    text = text.replace("\n", draw(NEWLINE))
    data = text.encode("utf-8", "surrogatepass")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"garbage", b"\n"]))
    return prefix + data if prefix != b"garbage" else data[: draw(st.integers(0, max(len(data), 0)))]


_LINTERS: dict = {}


def _lint(root: Path, fmt_list=("json", "sarif")):
    """Lint one folder with a Linter built once (rule data loads once per test session)."""
    from lint.engine.runner import Linter
    from lint.report import FORMATS

    if "linter" not in _LINTERS:
        _LINTERS["linter"] = Linter(Config(root=root.parent), use_cache=False)
    linter = _LINTERS["linter"]
    report = linter.run([root], root)
    out = {
        fmt: FORMATS[fmt](
            report, color=False, quiet=False, statistics=False, sources=report.sources, rules=linter.available, cwd=root
        )
        for fmt in fmt_list
    }
    return report, out


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(docs=st.lists(articles(), min_size=1, max_size=3))
def test_generated_articles_positions_and_reports(tmp_path_factory, docs):
    root = tmp_path_factory.mktemp("prop")
    (root / "good.md").write_text(GOOD, encoding="utf-8")
    for i, data in enumerate(docs):
        (root / f"a{i}.md").write_bytes(data)
    report, out = _lint(root)
    assert report.internal_errors == []
    assert {"good.md"} | {f"a{i}.md" for i in range(len(docs))} == set(report.files)
    texts = {}
    for f in report.findings:
        if f.path not in texts:
            doc = Document.load(root / f.path, f.path)
            texts[f.path] = LineIndex(doc.text)
        lines = texts[f.path]
        n = len(lines.starts)
        assert 1 <= f.line <= n and 1 <= f.end_line <= n, f
        assert (f.line, f.column) <= (f.end_line, f.end_column), f
        assert 1 <= f.column <= len(lines.line_text(f.line)) + 1, f
        assert 1 <= f.end_column <= len(lines.line_text(f.end_line)) + 1, f
        assert "\n" not in f.message.rstrip("\n"), f
    data = json.loads(out["json"])
    assert len(data["findings"]) == len(report.findings)
    errors = list(SARIF_VALIDATOR.iter_errors(json.loads(out["sarif"])))
    assert not errors, errors[0].message


# --- --jobs ---------------------------------------------------------------------------------------


def _has_jobs(hrlint) -> bool:
    return "--jobs" in hrlint("check", "--help").stdout


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(docs=st.lists(articles(), min_size=2, max_size=6))
def test_findings_do_not_depend_on_jobs(hrlint, tmp_path_factory, docs):
    if not _has_jobs(hrlint):
        pytest.skip("`hrlint check --jobs` is not implemented yet")
    root = tmp_path_factory.mktemp("jobs")
    (root / "good.md").write_text(GOOD, encoding="utf-8")
    for i, data in enumerate(docs):
        (root / f"a{i}.md").write_bytes(data)
    one = hrlint("check", "--format", "json", "--no-cache", "--jobs", "1", ".", cwd=root)
    two = hrlint("check", "--format", "json", "--no-cache", "--jobs", "2", ".", cwd=root)
    assert one.exit_code == two.exit_code
    assert json.loads(one.stdout) == json.loads(two.stdout)
