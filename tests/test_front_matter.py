"""Front-matter values: the safe loader's types, with timestamps kept as written."""

from __future__ import annotations

import pytest
import yaml

from lint.model.document import Document
from lint.model.frontmatter_tree import _Loader

SCALARS = [
    "123",
    "-7",
    "0",
    "012",
    "0x1F",
    "1_000",
    "1:20",
    "+5",
    "1.5",
    "1e3",
    ".inf",
    "-.Inf",
    ".nan",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "",
    "2021-03-04",
    "2021-03-04T05:06:07Z",
    "=",
    "<<",
    "abc",
    "'123'",
    '"yes"',
    "!!str 12",
    "!!int '12'",
    "! 12",
    "[1, yes]",
    "{a: ~}",
    "é",
    "12 monkeys",
]


def tags(node) -> list:
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value)]
    if isinstance(node, yaml.SequenceNode):
        return [node.tag] + [t for item in node.value for t in tags(item)]
    return [node.tag] + [t for k, v in node.value for t in tags(k) + tags(v)]


@pytest.mark.parametrize("scalar", SCALARS)
def test_tags_are_the_safe_loaders(scalar):
    source = f"key: {scalar}\nlist:\n  - {scalar}\n"
    assert tags(yaml.compose(source, Loader=_Loader)) == tags(yaml.compose(source, Loader=yaml.SafeLoader))


@pytest.mark.parametrize(
    "scalar, value",
    [
        ("123", 123),
        ("012", 10),
        ("0x1F", 31),
        ("1_000", 1000),
        ("1:20", 80),
        ("1.5", 1.5),
        ("yes", True),
        ("off", False),
        ("~", None),
        ("", None),
        ("2021-03-04", "2021-03-04"),
        ("'123'", "123"),
        ("!!str 12", "12"),
        ("12 monkeys", "12 monkeys"),
    ],
)
def test_values(scalar, value):
    doc = Document.from_text(f"---\nid: {scalar}\n---\n")
    assert doc.data == {"id": value} and type(doc.data["id"]) is type(value)
