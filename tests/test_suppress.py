"""Inline suppression comments in the body and in front matter, and unused suppressions."""

from __future__ import annotations

import pytest

CONFIG = """default-schema: mini
schema-dirs: [schemas]
"""
SCHEMA = '{"type": "object", "properties": {"id": {"type": "integer"}, "n": {"type": "integer"}}}'


@pytest.fixture
def run(hrlint, write):
    """Check one file `a.md` with a tiny schema where `id` and `n` must be integers."""

    def _run(text: str, *args: str):
        root = write({"hrlint.yaml": CONFIG, "schemas/mini.schema.json": SCHEMA, "a.md": text})
        return hrlint("check", "--format", "json", "--fail-on", "info", *args, "a.md", cwd=root)

    return _run


def test_yaml_comment_on_the_key_line(run):
    result = run("---\nid: x  # hrlint-disable schema/type -- legacy id\nn: y\n---\n")
    assert result.triples() == [("schema/type", 3, 4)]


def test_yaml_comment_on_the_line_above(run):
    result = run("---\n# hrlint-disable-next-line schema\nid: x\nn: y\n---\n")
    assert result.triples() == [("schema/type", 4, 4)]


def test_yaml_comment_covers_nested_fields(run, hrlint, write):
    root = write({"a.md": "---\nseo:  # hrlint-disable schema/type\n  title: 3\n---\n"})
    result = hrlint("check", "--format", "json", "--select", "schema/type,suppression", "a.md", cwd=root)
    assert result.findings == []


def test_hash_inside_a_value_is_not_a_comment(run):
    result = run('---\nid: "x # hrlint-disable schema"\n---\n')
    assert result.triples() == [("schema/type", 2, 5)]


def test_unused_suppression_is_reported(run):
    result = run("---\nid: 1  # hrlint-disable schema/type\n---\n")
    assert result.triples() == [("suppression/unused", 2, 8)]
    assert result.findings[0]["message"] == "suppression of schema/type matches no finding; remove it"
    assert result.findings[0]["severity"] == "info"


def test_unused_suppression_of_a_disabled_rule_is_not_reported(run):
    result = run("---\nid: 1  # hrlint-disable schema/type\n---\n", "--ignore", "schema/type")
    assert result.findings == []


def test_body_comments_are_parsed():
    from lint.engine.suppress import collect
    from lint.model.document import Document

    doc = Document.from_text(
        "---\nid: 1\n---\n<!-- hrlint-disable-next-line stigma -- quoted -->\n"
        "text\n<!-- hrlint-disable principles/misquote -->\nmore\n"
        "<!-- hrlint-enable principles/misquote -->\nend\n<!-- hrlint-disable -->\n"
    )
    found = [(s.rules, s.first_line, s.last_line, s.field) for s in collect(doc)]
    assert found == [(["stigma"], 5, 5, None), (["principles/misquote"], 6, 8, None), ([], 10, 11, None)]


def test_body_suppression_hides_a_body_finding():
    """Disable-next-line, disable/enable ranges and an unused comment, with an in-test body rule."""
    from lint.engine.context import Context
    from lint.engine.registry import Rule
    from lint.engine.runner import Linter
    from lint.model.document import Document
    from lint.model.findings import Severity
    from lint.workspace.config import Config

    class Word(Rule):
        id = "test/word"
        summary = "flags the word 'bad'"
        default_severity = Severity.WARNING

        def check(self, doc, ctx):
            for region in ctx.regions(doc):
                i = region.text.find("bad")
                while i >= 0:
                    yield self.report_region(doc, region, i, i + 3, "bad word")
                    i = region.text.find("bad", i + 1)

    linter = Linter(Config(), select=["suppression"])
    linter.rules = [Word(), *linter.rules]
    linter.enabled_ids |= {"test/word"}
    text = (
        "<!-- hrlint-disable-next-line test -->\nbad one\nbad two\n"
        "<!-- hrlint-disable test/word -->\nbad three\n<!-- hrlint-enable test/word -->\nbad four\n"
        "<!-- hrlint-disable-next-line test/word -->\nclean\n"
    )
    doc = Document.from_text(text, "a.md")
    findings = linter.check(doc, Context(Config()))
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("test/word", 3, 1),
        ("test/word", 7, 1),
        ("suppression/unused", 8, 1),
    ]
