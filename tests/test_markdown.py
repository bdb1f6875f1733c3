"""The one Markdown scan behind body links, anchors, prose regions and suppression comments."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_links import article

from lint.model.document import Document
from lint.text import markdown
from lint.text.markdown import scan, scan_text

CONFIG = "rules:\n  schema: off\n  consistency: off\n"


@pytest.fixture
def check(hrlint, write):
    """Check `content/a.md` (an article with `body`) next to `content/b.md`; (rule, line, column,
    message) of each finding of the selected rules."""

    def run(body: str, select: str = "links/body", other: str = "# Other\n", name: str = "a.md"):
        text = article(1, "A", body=body)
        root = write({"hrlint.yaml": CONFIG, f"content/{name}": text, "content/b.md": article(2, "B", body=other)})
        result = hrlint(
            "check", "--format", "json", "--select", select, "--fail-on", "info", f"content/{name}", cwd=root
        )
        assert result.exit_code in (0, 1), result.stderr
        return [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings]

    return run


BODY_LINE = 8  # the first body line of `article(...)`


def test_links_in_code_are_not_checked(check):
    body = (
        "Text\n\n"
        "    [indented](/gone/indented)\n\n"
        "```\n[fenced](/gone/fenced)\n```\n\n"
        '~~~ md\n<a href="/gone/tilde">x</a>\n~~~\n\n'
        "A `[span](/gone/span)` and ``<a href='/gone/double'>`` then [real](/gone/real).\n"
    )
    line = BODY_LINE + body.split("\n").index(next(x for x in body.split("\n") if "real" in x))
    assert check(body) == [
        (
            "links/body",
            line,
            body.split("\n")[line - BODY_LINE].index("/gone/real") + 1,
            "`/gone/real` matches no article url, declared page or file under the content root",
        )
    ]


def test_hash_line_in_fenced_code_is_no_heading(check):
    body = "```sh\n# x\n```\n\n# y\n\n[to x](#x) [to y](#y)\n"
    assert check(body) == [("links/body", BODY_LINE + 6, 8, "anchor `#x` matches no heading here")]


def test_heading_anchors_follow_github(check):
    body = (
        "## Naloxone (Narcan)?\n\nDosage\n------\n\n# a\n\n# a\n\n## `code` *and* _more_\n\n"
        "[1](#naloxone-narcan) [2](#dosage) [3](#a) [4](#a-1) [5](#code-and-more) [6](#a-2)\n"
    )
    line = body.split("\n")[-2]
    assert check(body) == [
        ("links/body", BODY_LINE + 11, line.index("#a-2") + 1, "anchor `#a-2` matches no heading here")
    ]


def test_anchors_of_another_article_come_from_the_index(check):
    other = "Intro\n\n```\n# hidden\n```\n\n## Naloxone (Narcan)?\n"
    body = "[a](b.md#naloxone-narcan) [b](b.md#hidden)\n"
    assert check(body, other=other) == [("links/body", BODY_LINE, 31, "anchor `#hidden` matches no heading of `b.md`")]


def test_reference_links_and_definitions(check):
    body = (
        "See [a][ref] and [b][].\n\n"
        '[ref]: /gone/ref "Title"\n'
        "[b]: <b.md#other>\n\n"
        "Text\n[not]: /gone/not-a-definition\n"
    )
    assert check(body) == [
        (
            "links/body",
            BODY_LINE + 2,
            8,
            "`/gone/ref` matches no article url, declared page or file under the content root",
        )
    ]


def test_html_blocks_and_inline_html(check):
    body = (
        '<div class="box">\n<a href="/gone/block">x</a> <!-- <a href="/gone/comment"> -->\n</div>\n\n'
        "Text <img src='/gone/inline'> and <a id=\"here\"></a> [back](#here).\n"
    )
    gone = "matches no article url, declared page or file under the content root"
    assert check(body) == [
        ("links/body", BODY_LINE + 1, 10, f"`/gone/block` {gone}"),
        ("links/body", BODY_LINE + 4, 16, f"`/gone/inline` {gone}"),
    ]


def test_suppression_comments_in_code_do_not_count(check):
    body = (
        "`<!-- hrlint-disable stigma -->`\n\n"
        "```\n<!-- hrlint-disable stigma -->\n```\n\n"
        "    <!-- hrlint-disable stigma -->\n\n"
        "The addict waited.\n\n"
        "<!-- hrlint-disable-next-line stigma -->\n"
        "Another addict waited.\n"
    )
    found = check(body, select="stigma,suppression")
    assert [(rule, line, column) for rule, line, column, _ in found] == [("stigma/person-label", BODY_LINE + 8, 5)]


def test_prose_rules_skip_code_destinations_and_comments(check):
    body = (
        "`addict`\n\n```\naddict\n```\n\n    addict\n\n<!-- addict -->\n\n"
        '[people](/learn/addict) <a title="addict">x</a> &nbsp;\n\n'
        "[the addict](b.md) wrote.\n"
    )
    found = check(body, select="stigma")
    assert [(rule, line, column) for rule, line, column, _ in found] == [("stigma/person-label", BODY_LINE + 12, 6)]


def test_indented_text_is_prose_in_a_text_file(check):
    body = "Intro\n\n    an addict here\n"
    found = check(body, select="stigma", name="a.txt")
    assert [(rule, line, column) for rule, line, column, _ in found] == [("stigma/person-label", BODY_LINE + 2, 8)]


# --- the scan itself -----------------------------------------------------------------------


def test_offsets_are_exact_and_memoised():
    text = (
        "---\nid: 1\n---\n> quote [q](/q)\n> lazy [r](<r s.md> 't')\n\n- item ![i](i.png)\n"
        "  more <https://example.org>\n\n[d]: /d\n"
    )
    doc = Document.from_text(text, "a.md")
    found = scan(doc)
    assert scan(doc) is found
    assert [(link.kind, link.destination) for link in found.links] == [
        ("link", "/q"),
        ("link", "r s.md"),
        ("image", "i.png"),
        ("autolink", "https://example.org"),
        ("definition", "/d"),
    ]
    assert all(text[link.start : link.end] == link.destination for link in found.links)


def test_crlf_offsets():
    text = "# T\r\n\r\nA `code`\r\nand [x](/y) &amp;\r\n"
    found = scan_text(text)
    (link,) = found.links
    assert text[link.start : link.end] == "/y"
    (code,) = found.code
    assert text[code.start : code.end] == "`code`"
    assert [text[a:b] for a, b in found.hidden] == ["`code`", "(/y)", "&amp;"]
    assert found.anchors == ["t"]


def test_unclosed_comment_suppresses_nothing():
    doc = Document.from_text("---\nid: 1\n---\n<!-- hrlint-disable stigma\n\naddict\n")
    from lint.engine.suppress import collect

    assert collect(doc) == []
    assert not scan(doc).comments[0].closed


_ALPHABET = st.sampled_from(
    [
        "a",
        " ",
        "\n",
        "&amp;",
        "&nbsp;",
        "&copy;",
        "&bogus;",
        "*",
        "_",
        ">",
        "1.",
        "+",
        "!",
        "]",
        "(",
        ")",
        ":",
        '"',
        "'",
        "\u00a0",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_plain_shortcut_agrees_with_the_parser(body):
    """Bodies the shortcut takes (no code, HTML, link or heading syntax) scan as the parser does."""
    assume(markdown._PLAIN.search(body) is None)
    fast = scan_text(body)
    plain = markdown._PLAIN
    try:
        markdown._PLAIN = re.compile(r"\A")  # matches every body: always parse
        slow = scan_text(body)
    finally:
        markdown._PLAIN = plain
    assert fast == slow
