"""Tests for lint.model.scalars.map_scalar (value character -> source span)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint.model.scalars import map_scalar

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_63fb4468c37ad0d7.txt"
BREAKS = "\r\n\x85\u2028\u2029"


def compose_scalars(text):
    """Yield every ScalarNode of ``yaml.compose(text)`` in document order."""
    stack = [yaml.compose(text, Loader=yaml.CSafeLoader)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            yield node
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(reversed([n for pair in node.value for n in pair]))


def map_node(text, node):
    return map_scalar(text, node.start_mark.index, node.end_mark.index, node.style, node.value)


def target(text):
    """The scalar under test: the value of key ``k``/``key``, else the first scalar."""
    nodes = list(compose_scalars(text))
    for key, value in zip(nodes, nodes[1:]):
        if key.value in ("k", "key"):
            return value
    return nodes[0]


def check_spans(text, node, result):
    """Invariants every mapping must satisfy; returns the source pieces."""
    assert result is not None, (text, node.value)
    starts, ends = result
    value = node.value
    assert len(starts) == len(ends) == len(value)
    prev = node.start_mark.index
    pieces = []
    for i, (s, e) in enumerate(zip(starts, ends)):
        assert prev <= s < e <= node.end_mark.index, (i, s, e)
        prev = e
        piece = text[s:e]
        pieces.append(piece)
        if len(piece) == 1 and piece not in BREAKS:
            assert piece == value[i], (i, piece, value[i])
        elif len(piece) == 1:  # a lone line break: kept or folded
            assert value[i] in "\n \u2028\u2029"
        else:  # escape, '' or folded/CRLF line break
            assert piece[0] == "\\" or piece == "''" or any(b in piece for b in BREAKS), piece
    return pieces


# (yaml text, expected value, expected source piece of every value character)
CASES = [
    # plain
    ("k: hello wörld", "hello wörld", list("hello wörld")),
    ("k: a\tb  c", "a\tb  c", list("a\tb  c")),
    ("k: é—“quoted”", "é—“quoted”", list("é—“quoted”")),
    ("k: a  b\n  c\n\n  d\n", "a  b c\nd", ["a", " ", " ", "b", "\n  ", "c", "\n", "d"]),
    ("k: a \t\n   b", "a b", ["a", " \t\n   ", "b"]),
    ("k: a\r\n  b\r\n\r\n  c\r\n", "a b\nc", ["a", "\r\n  ", "b", "\r\n", "c"]),
    ("k: a\r  b\r\r  c", "a b\nc", ["a", "\r  ", "b", "\r", "c"]),
    ("k: x\u2028  y\x85  z", "x\u2028y z", ["x", "\u2028", "y", "\x85  ", "z"]),
    ("[a b, c]", "a b", ["a", " ", "b"]),
    ("k: &anchor !!str tagged", "tagged", list("tagged")),
    ("k: !!str # comment\n  after", "after", list("after")),
    # single-quoted
    ("k: 'it''s'", "it's", ["i", "t", "''", "s"]),
    ("k: ''''", "'", ["''"]),
    ("k: '  a # b  '", "  a # b  ", list("  a # b  ")),
    ("k: 'a\n  b'", "a b", ["a", "\n  ", "b"]),
    ("k: 'a\n\n  b  \n  c'", "a\nb c", ["a", "\n", "b", "  \n  ", "c"]),
    ("k: 'a\r\n\r\n  b\r\n  c'", "a\nb c", ["a", "\r\n", "b", "\r\n  ", "c"]),
    ("k: 'é\t“x”'", "é\t“x”", list("é\t“x”")),
    # double-quoted
    ('k: "a\\tb"', "a\tb", ["a", "\\t", "b"]),
    ('k: "\\"q\\" \\\\ \\/"', '"q" \\ /', ['\\"', "q", '\\"', " ", "\\\\", " ", "\\/"]),
    ('k: "\\x41\\u00e9\\U0001F600"', "Aé\U0001f600", ["\\x41", "\\u00e9", "\\U0001F600"]),
    (
        'k: "\\0\\a\\b\\e\\f\\r\\v\\n"',
        "\0\x07\x08\x1b\x0c\r\x0b\n",
        ["\\0", "\\a", "\\b", "\\e", "\\f", "\\r", "\\v", "\\n"],
    ),
    ('k: "\\N\\_\\L\\P\\ \\\t."', "\x85\xa0\u2028\u2029 \t.", ["\\N", "\\_", "\\L", "\\P", "\\ ", "\\\t", "."]),
    ('k: "  a\t "', "  a\t ", list("  a\t ")),
    ('k: "a\n  b"', "a b", ["a", "\n  ", "b"]),
    ('k: "a  \n\n   b"', "a\nb", ["a", "\n", "b"]),
    ('k: "ab\\\n   cd"', "abcd", list("abcd")),
    ('k: "a \\\n   \\ b"', "a  b", ["a", " ", "\\ ", "b"]),
    ('k: "a\\\r\n  \r\n  y  \r\n z"', "a\ny z", ["a", "\r\n", "y", "  \r\n ", "z"]),
    ('k: "é—\\u201c“"', "é—““", ["é", "—", "\\u201c", "“"]),
    # literal
    ("k: |\n  a\n  b\n", "a\nb\n", ["a", "\n", "b", "\n"]),
    ("k: |-\n  a\n  b\n\n", "a\nb", ["a", "\n", "b"]),
    ("k: |+\n  a\n\n\n", "a\n\n\n", ["a", "\n", "\n", "\n"]),
    ("k: |\n\n\n  a\n\n", "\n\na\n", ["\n", "\n", "a", "\n"]),
    ("k: |\n  a\n   \n  b", "a\n \nb", ["a", "\n", " ", "\n", "b"]),
    ("k: |\n  a\tb\n  \tc\n", "a\tb\n\tc\n", ["a", "\t", "b", "\n", "\t", "c", "\n"]),
    ("k: |2\n    foo\n", "  foo\n", [" ", " ", "f", "o", "o", "\n"]),
    ("x:\n  k: |2\n      foo\n  y: 1\n", "  foo\n", [" ", " ", "f", "o", "o", "\n"]),
    ("- |+1\n  a\n\n", " a\n\n", [" ", "a", "\n", "\n"]),
    ("k: |2-\n\n    a\n", "\n  a", ["\n", " ", " ", "a"]),
    ("k: |  # comment\n  a\n", "a\n", ["a", "\n"]),
    ("k: |\r\n  a\r\n\r\n  b\r\n", "a\n\nb\n", ["a", "\r\n", "\r\n", "b", "\r\n"]),
    ("k: |\n  é—“”\n", "é—“”\n", ["é", "—", "“", "”", "\n"]),
    ("k: |\n  a\u2028  b\x85\n", "a\u2028b\n", ["a", "\u2028", "b", "\x85"]),
    ("k: !!str |\n  a\n", "a\n", ["a", "\n"]),
    ("--- |\n foo\n", "foo\n", ["f", "o", "o", "\n"]),
    ("k: |\n", "", []),
    ("k: |+\n\n", "\n", ["\n"]),
    # folded
    ("k: >\n  a\n  b\n", "a b\n", ["a", "\n  ", "b", "\n"]),
    ("k: >-\n  a\n  b\n\n  c\n", "a b\nc", ["a", "\n  ", "b", "\n", "c"]),
    (
        "k: >\n  a\n  b\n\n  c\n    d\n  e\n",
        "a b\nc\n  d\ne\n",
        ["a", "\n  ", "b", "\n", "c", "\n", " ", " ", "d", "\n", "e", "\n"],
    ),
    ("k: >-  # a comment\n  a\n  b\n", "a b", ["a", "\n  ", "b"]),
    ("k: >+\n  a\n\n", "a\n\n", ["a", "\n", "\n"]),
    ("- >-2\n     a\n    b\n", "   a\n  b", [" ", " ", " ", "a", "\n", " ", " ", "b"]),
    ("k: >2-\n    a\n  b\n", "  a\nb", [" ", " ", "a", "\n", "b"]),
    ("k: >\n\n\n  a\n", "\n\na\n", ["\n", "\n", "a", "\n"]),
    ("k: >\n  a\tb\n  \tc\n  d\n", "a\tb\n\tc\nd\n", ["a", "\t", "b", "\n", "\t", "c", "\n", "d", "\n"]),
    ("k: >\r\n  a\r\n  b\r\n\r\n  c\r\n", "a b\nc\n", ["a", "\r\n  ", "b", "\r\n", "c", "\r\n"]),
    ("k: >\n  é—\n  “”\n", "é— “”\n", ["é", "—", "\n  ", "“", "”", "\n"]),
    ("k: >\n  a \n  b\n", "a  b\n", ["a", " ", "\n  ", "b", "\n"]),
]


@pytest.mark.parametrize("text,value,pieces", CASES, ids=[repr(c[0])[:40] for c in CASES])
def test_exact_cases(text, value, pieces):
    node = target(text)
    assert node.value == value
    assert check_spans(text, node, map_node(text, node)) == pieces


def test_tab_escape_span_offsets():
    text = 'key: "a\\tb"'
    node = target(text)
    starts, ends = map_node(text, node)
    assert (starts[1], ends[1]) == (7, 9)
    assert text[starts[0] : ends[0]] == "a" and text[starts[2] : ends[2]] == "b"


def test_folded_space_covers_line_break():
    text = "key: >\n  one\n  two\n"
    node = target(text)
    starts, ends = map_node(text, node)
    i = node.value.index(" ")
    assert "\n" in text[starts[i] : ends[i]]
    assert ends[i - 1] <= starts[i] and ends[i] <= starts[i + 1]


DOCUMENTS = [
    "a: b\nc: [d, 'e', \"f\"]\n",
    "- x\n- {y: z}\n- \n- ''\n- \"\"\n",
    "k:\n",
    "a:\n  b: |\n  c: 1\n",  # indentation below the collection: empty
    "a:\n  b: |+\n\n  c: 1\n",
    "- - |2\n      x\n  - >1-\n     y\n",  # indicators relative to nested sequences
    "k: |2+\n\n\n",  # explicit indentation, no content
    "? |\n  key\n: >\n  val\n",
    "[ plain\n  multi , x ]\n",
    'k: !<tag:yaml.org,2002:str> v\nj: !local &a1 "q"\nl: *a1\n',
    "k: >\n\n  \n  a\n    \n  b\n\n",
    "--- >\n  a\n  b\n...\n",
    '--- "a\n  b"\n',
    'k: "\\\n  a"\nl: "a\\\n\n  b"\nm: "\\\n"\n',
    "k: 1\r\nl: |\r\n   x\r\n  \r\n   y\r\n",
    "k:\t\tv  \t# comment\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_every_scalar_of_a_document(text):
    for node in compose_scalars(text):
        check_spans(text, node, map_node(text, node))


def test_misaligned_marks_never_give_wrong_offsets():
    # libyaml does not count a leading BOM in its marks
    text = "\ufeffk: value\nl: 'x'\n"
    for node in compose_scalars(text):
        result = map_node(text, node)
        if result is not None:
            check_spans(text, node, result)
    assert map_scalar(" k: abc", 3, 6, None, "abc") is None


@pytest.mark.parametrize(
    "args",
    [
        ("k: abc", 3, 6, None, "abd"),  # value mismatch
        ("k: abc", 3, 6, "?", "abc"),  # unknown style
        ("k: abc", 3, 60, None, "abc"),  # span out of range
        ("k: 'abc", 3, 7, "'", "abc"),  # missing closing quote
        ('k: "\\q"', 3, 7, '"', "q"),  # unknown escape
        ('k: "\\x4"', 3, 8, '"', "x"),  # short hex escape
        ("k: |0\n  a\n", 3, 10, "|", "a\n"),  # invalid indentation indicator
        ("k: | x\n", 3, 7, "|", ""),  # junk after the header
        ("k: abc", 3, 6, "|", "abc"),  # style does not match the source
        (None, 0, 0, None, ""),  # not even a string
    ],
)
def test_unmappable_returns_none(args):
    assert map_scalar(*args) is None


def test_seed_file():
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)
    second = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == "---"][1]
    text = "".join(lines[:second])
    nodes = list(compose_scalars(text))
    assert len(nodes) > 40
    for node in nodes:
        starts, ends = map_node(text, node)
        check_spans(text, node, (starts, ends))
        for i, ch in enumerate(node.value):
            piece = text[starts[i] : ends[i]]
            if not ch.isspace() and not (node.style == '"' and piece.startswith("\\")):
                assert piece == ch


@pytest.mark.parametrize(
    "style,text",
    [
        (None, "k: " + "plain words " * 90000 + "end"),
        ("'", "k: '" + "it''s é " * 130000 + "'"),
        ('"', 'k: "' + "ab\\tc é " * 120000 + '"'),
        ("|", "k: |\n" + "  line of text é\n" * 65000),
        (">", "k: >\n" + ("  " + "word " * 100 + "\n") * 2000),
    ],
)
def test_one_megabyte_scalar_maps(style, text):
    """Large scalars map completely (speed is measured in bench/, not asserted here)."""
    node = target(text)
    assert len(text) > 900_000 and (node.style or None) == style
    result = map_node(text, node)
    assert result is not None and len(result[0]) == len(node.value)


# --------------------------------------------------------------------------
# property test: whatever PyYAML emits maps back exactly

ALPHABET = st.sampled_from(
    list("abcxyzABC019")
    + [
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\n\n",
        "'",
        '"',
        "\\",
        "#",
        ":",
        "-",
        ",",
        "[",
        "]",
        "{",
        "}",
        "&",
        "!",
        "*",
        "|",
        ">",
        "?",
        "%",
        "@",
        "é",
        "—",
        "“",
        "”",
        "\u2028",
        "\x85",
    ]
)
TEXTS = st.lists(ALPHABET, max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    s=TEXTS,
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.integers(min_value=2, max_value=30),
    crlf=st.booleans(),
    nested=st.booleans(),
)
def test_pyyaml_output_maps_back(s, style, width, crlf, nested):
    data = {"k": s, "list": [s, {"deep": s}]} if nested else {"k": s}
    text = yaml.dump(data, default_style=style, allow_unicode=True, width=width)
    if crlf:
        text = text.replace("\n", "\r\n")
    for node in compose_scalars(text):
        result = map_node(text, node)
        # every scalar PyYAML round-trips must map; any other result must be valid
        if result is not None or node.value in (s, "k", "list", "deep"):
            check_spans(text, node, result)
