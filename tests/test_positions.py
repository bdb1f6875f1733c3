"""Exact source positions of prose inside every kind of front-matter scalar and the body."""

from __future__ import annotations

import pytest

from lint.model.document import Document
from lint.text.regions import prose_regions

FIELDS = ["title", "answer", "seo.page_description", "items[*]"]


def locate(text: str, field: str | None, needle: str, occurrence: int = 0):
    """(line, column, end_line, end_column) of `needle` in the prose region of `field`."""
    doc = Document.from_text(text)
    (region,) = [r for r in prose_regions(doc, FIELDS) if r.field == field]
    a = -1
    for _ in range(occurrence + 1):
        a = region.text.index(needle, a + 1)
    start, end = region.source_span(a, a + len(needle))
    return (*doc.lines.position(start), *doc.lines.position(end))


@pytest.mark.parametrize(
    "text, field, needle, expected",
    [
        # plain, single line and multi-line (folded into spaces)
        ("---\ntitle: Clean needles save lives\n---\n", "title", "needles", (2, 14, 2, 21)),
        ("---\ntitle: first line\n  second addict line\n---\n", "title", "addict", (3, 10, 3, 16)),
        # single-quoted with '' escapes
        ("---\ntitle: 'It''s an addict''s word'\n---\n", "title", "addict", (2, 18, 2, 24)),
        # double-quoted with escapes before the word
        ('---\ntitle: "say \\"no\\" to \\u00e9 addict"\n---\n', "title", "addict", (2, 30, 2, 36)),
        # literal block, with chomping and an indentation indicator
        ("---\nanswer: |\n  one\n  two addict\n---\n", "answer", "addict", (4, 7, 4, 13)),
        ("---\nanswer: |-\n  one\n\n  addict\n---\n", "answer", "addict", (5, 3, 5, 9)),
        ("---\nanswer: |+2\n    indented addict\n\n---\n", "answer", "addict", (3, 14, 3, 20)),
        # folded block with a comment on the header line and keep chomping
        ("---\nanswer: >+  # note\n    alpha\n    beta addict\n\n---\n", "answer", "addict", (4, 10, 4, 16)),
        # nested mapping value
        (
            "---\nseo:\n  page_description: >-\n    A page about addicts.\n---\n",
            "seo.page_description",
            "addicts",
            (4, 18, 4, 25),
        ),
        # non-ASCII: columns count characters, not bytes
        ("---\ntitle: Café—“addict” naïve\n---\n", "title", "addict", (2, 14, 2, 20)),
        # list items
        ("---\nitems:\n  - first\n  - the addict\n---\n", "items[1]", "addict", (4, 9, 4, 15)),
    ],
)
def test_scalar_styles(text, field, needle, expected):
    assert locate(text, field, needle) == expected


def test_crlf_file():
    text = "---\r\ntitle: >-\r\n  one\r\n  two addict\r\n---\r\nbody addict\r\n"
    assert locate(text, "title", "addict") == (4, 7, 4, 13)
    assert locate(text, None, "addict") == (6, 6, 6, 12)


def test_bom_is_not_a_column():
    doc = Document.from_text("\ufeff---\ntitle: an addict\n---\n")
    assert doc.bom
    (region,) = prose_regions(doc, FIELDS)
    a = region.text.index("addict")
    assert doc.lines.position(region.source_span(a, a + 6)[0]) == (2, 11)


def test_bom_file_on_disk(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("\ufeff---\ntitle: an addict\n---\n".encode("utf-8"))
    doc = Document.load(path, "a.md")
    assert doc.bom and doc.data == {"title": "an addict"}
    assert doc.lines.position(doc.value_span(("title",))[0]) == (2, 8)


def test_literal_backslash_n_is_a_line_break():
    text = "---\nanswer: >-\n    Intro:\\n\\n1. **Acceptance**: addict\\n2. Next\n---\n"
    doc = Document.from_text(text)
    (region,) = prose_regions(doc, FIELDS)
    assert region.text == "Intro:\n\n1. **Acceptance**: addict\n2. Next"
    assert "n1" not in region.text.replace("\n", " ").split()
    a = region.text.index("\n")
    start, end = region.source_span(a, a + 1)
    assert text[start:end] == "\\n"
    assert locate(text, "answer", "addict") == (3, 34, 3, 40)
    assert locate(text, "answer", "1.") == (3, 15, 3, 17)


def test_literal_newlines_can_be_turned_off():
    doc = Document.from_text("---\nanswer: a\\nb\n---\n")
    (region,) = prose_regions(doc, FIELDS, literal_newlines=False)
    assert region.text == "a\\nb"


def test_body_after_front_matter():
    text = "---\ntitle: x\n---\n\nThe addict walked.\n"
    assert locate(text, None, "addict") == (5, 5, 5, 11)


@pytest.mark.parametrize(
    "body, hidden",
    [
        ("Use `addict` here", "addict"),
        ("```\naddict\n```\n", "addict"),
        ("Text\n\n    addict in code\n", "addict"),
        ("See [the page](/learn/addict-help) now", "addict"),
        ('An <span class="addict">x</span>', "addict"),
        ("<!-- addict -->", "addict"),
        ("[ref]: /learn/addict-help", "addict"),
    ],
)
def test_body_skips_code_html_and_link_destinations(body, hidden):
    doc = Document(path=__import__("pathlib").Path("a.md"), display="a.md", text=body)
    (region,) = prose_regions(doc, FIELDS)
    assert hidden not in region.text
    assert len(region.text) == len(body)


def test_link_text_stays_prose():
    doc = Document.from_text("See [addict stories](/x) here")
    (region,) = prose_regions(doc, FIELDS)
    assert "addict stories" in region.text and "/x" not in region.text


def test_seed_answer_positions():
    """A word inside the seed's one-line folded `answer` maps to its exact line and column."""
    from conftest import SEEDS

    path = next(SEEDS.glob("000_*"))
    doc = Document.load(path, path.name)
    (region,) = [r for r in prose_regions(doc, ["answer"]) if r.field == "answer"]
    a = region.text.index("drug users")
    line, column = doc.lines.position(region.source_span(a, a + 10)[0])
    assert line == 21
    assert doc.lines.line_text(21)[column - 1 : column - 1 + 10] == "drug users"
    assert region.text.count("\n") == doc.lines.line_text(21).count("\\n")


def test_toml_front_matter():
    text = '+++\ntitle = "An addict"\n[seo]\ntitle = "QuickTakes | A"\n+++\nBody\n'
    doc = Document.from_text(text)
    assert doc.front_matter.format == "toml"
    assert doc.data == {"title": "An addict", "seo": {"title": "QuickTakes | A"}}
    assert doc.lines.position(doc.value_span(("seo", "title"))[0]) == (4, 9)
    assert locate(text, "title", "addict") == (2, 13, 2, 19)


def test_json_front_matter():
    text = '{\n  "title": "An addict",\n  "id": 3\n}\nBody\n'
    doc = Document.from_text(text)
    assert doc.front_matter.format == "json"
    assert doc.data == {"title": "An addict", "id": 3}
    assert doc.lines.position(doc.value_span(("id",))[0]) == (3, 9)
    assert locate(text, "title", "addict") == (2, 16, 2, 22)
    assert locate(text, None, "Body") == (5, 1, 5, 5)


def test_directory_named_like_a_file_is_unreadable(tmp_path):
    (tmp_path / "x.md").mkdir()
    doc = Document.load(tmp_path / "x.md", "x.md")
    assert not doc.readable
    assert [p.rule for p in doc.problems] == ["file/unreadable"]
