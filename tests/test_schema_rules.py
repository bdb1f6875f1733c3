"""Schema and consistency rules on broken copies of the seed articles (tests/data/)."""

from __future__ import annotations

import pytest
from conftest import DATA


def check(hrlint, name: str, *extra: str):
    """Schema and consistency findings (the related links of these copies point outside the tree)."""
    return hrlint("check", "--format", "json", "--ignore", "links", *extra, DATA / "schema" / name, cwd=DATA / "schema")


def test_valid_copy_is_clean(hrlint):
    result = check(hrlint, "valid.md")
    assert result.exit_code == 0
    assert result.findings == []


def test_every_default_schema_keyword(hrlint):
    result = check(hrlint, "keywords.md", "--select", "schema")
    assert result.exit_code == 1
    assert result.triples() == [
        ("schema/required", 1, 1),  # `author` missing: at the opening fence
        ("schema/type", 4, 5),  # id: "72015"
        ("schema/format", 5, 7),  # date: 2024-13-01
        ("schema/pattern", 11, 10),  # seo.title
        ("schema/constraint", 12, 21),  # seo.page_description too short
        ("schema/unknown-key", 13, 3),  # seo.page_descripton
        ("schema/pattern", 18, 12),  # file_name
        ("schema/type", 20, 8),  # score: high
        ("schema/required", 21, 1),  # related_article1 lacks subject: at its key
        ("schema/pattern", 24, 10),  # related_article1.url
    ]


@pytest.mark.parametrize(
    "line, rule, message, field",
    [
        (1, "schema/required", "missing required field `author`", None),
        (4, "schema/type", "`id` must be a whole number (the article's numeric id), found text `72015`", "id"),
        (5, "schema/format", "`date` must be a date written YYYY-MM-DD, found text `2024-13-01`", "date"),
        (
            11,
            "schema/pattern",
            "`seo.title` must read `QuickTakes | <subject>`, found text `Health Studies`",
            "seo.title",
        ),
        (
            12,
            "schema/constraint",
            "`seo.page_description` is 10 characters long; it must be at least 50",
            "seo.page_description",
        ),
        (
            13,
            "schema/unknown-key",
            "unknown field `seo.page_descripton`; did you mean `page_description`?",
            "seo.page_descripton",
        ),
        (21, "schema/required", "missing required field `related_article1.subject`", "related_article1"),
        (
            24,
            "schema/pattern",
            "`related_article1.url` must start with /learn/<subject>/questions/ followed by "
            "the article's slug (lowercase letters, digits and hyphens), found text "
            "`/health-studies/what-are-the-potential-risks`",
            "related_article1.url",
        ),
    ],
)
def test_messages_name_the_field(hrlint, line, rule, message, field):
    findings = [f for f in check(hrlint, "keywords.md", "--select", "schema").findings if f["line"] == line]
    assert [(f["rule"], f["message"], f["field"]) for f in findings] == [(rule, message, field)]


def test_value_span_is_exact(hrlint):
    (finding,) = [f for f in check(hrlint, "keywords.md", "--select", "schema/type").findings if f["line"] == 4]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (4, 5, 4, 12)


def test_unknown_key_suggests_close_field(hrlint):
    (finding,) = check(hrlint, "keywords.md", "--select", "schema/unknown-key").findings
    assert finding["suggestions"] == ["page_description"]
    assert (finding["end_line"], finding["end_column"]) == (13, 18)


def test_underscore_keys_are_cms_settings(hrlint):
    """`_inputs` in keywords.md is not reported; neither is `_schema` in a schema without it."""
    result = check(hrlint, "keywords.md", "--select", "schema/unknown-key")
    assert [f["field"] for f in result.findings] == ["seo.page_descripton"]


def test_custom_schema_enum_const_ranges(hrlint):
    result = hrlint("check", "--format", "json", ".", cwd=DATA / "event")
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings] == [
        ("schema/constraint", 3, 8, "`title` is 28 characters long; it must be at most 20"),
        ("schema/enum", 4, 7, "`kind` must be one of: workshop, webinar, found text `seminar`"),
        ("schema/enum", 5, 10, "`version` must be `2`, found the number `3`"),
        ("schema/constraint", 6, 8, "`seats` must be at least 1, found the number `0`"),
        ("schema/constraint", 7, 7, "`tags` must have at least 1 item(s)"),
        ("schema/required", 8, 1, "missing required field `venue.city`"),
    ]


def test_unknown_schema_name(hrlint):
    (finding,) = check(hrlint, "unknown-schema.md").findings
    assert (finding["rule"], finding["line"], finding["column"]) == ("schema/unknown-schema", 2, 10)
    assert finding["message"] == "unknown schema `defualt`; known schemas: default"
    assert finding["suggestions"] == ["default"]


def test_consistency_rules(hrlint):
    result = check(hrlint, "consistency.md")
    assert [(f["rule"], f["line"], f["column"], f["field"]) for f in result.findings] == [
        ("consistency/title-match", 7, 16, "article_title"),
        ("consistency/subject", 10, 10, "seo.title"),
        ("consistency/title-match", 14, 11, "question"),
        ("consistency/file-name", 17, 12, "file_name"),
        ("consistency/subject", 18, 6, "url"),
        ("consistency/url-slug", 18, 6, "url"),
        ("consistency/subject", 23, 10, "related_article1.url"),
    ]
    by_rule = {(f["rule"], f["line"]): f for f in result.findings}
    assert by_rule[("consistency/file-name", 17)]["suggestions"] == [
        "what-are-the-characteristics-of-alcoholrelated-disorders.md"
    ]
    assert by_rule[("consistency/url-slug", 18)]["suggestions"] == [
        "/learn/sociology/questions/what-are-the-characteristics-of-alcoholrelated-disorders"
    ]
    assert by_rule[("consistency/subject", 18)]["message"] == (
        "the url's subject segment `sociology` does not match subject `Health Studies` (expected `health-studies`)"
    )


@pytest.mark.parametrize(
    "title, slug",
    [
        (
            "What are the characteristics of alcohol-related disorders?",
            "what-are-the-characteristics-of-alcoholrelated-disorders",
        ),
        (
            "What are harm reduction strategies, and how do they differ?",
            "what-are-harm-reduction-strategies-and-how-do-they-differ",
        ),
        ("Café  naïve — résumé", "cafe-naive-resume"),
    ],
)
def test_slug_rule_from_the_seeds(title, slug):
    from lint.text.urls import slugify

    assert slugify(title) == slug


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "parse-errors.md",
            [
                (
                    "schema/syntax",
                    2,
                    8,
                    "invalid YAML front matter: found unexpected end of stream (while scanning a quoted scalar)",
                )
            ],
        ),
        (
            "unclosed.md",
            [("schema/syntax", 1, 1, "front matter opened with `---` is never closed; add a closing fence line")],
        ),
        ("list.md", [("schema/type", 1, 1, "front matter must be a mapping of fields, found a list")]),
    ],
)
def test_unparsable_front_matter(hrlint, name, expected):
    result = check(hrlint, name)
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings] == expected


def test_duplicate_keys_reported_at_the_second_key(hrlint):
    result = check(hrlint, "duplicate.md", "--select", "schema/duplicate-key")
    assert [(f["line"], f["column"], f["end_column"], f["field"]) for f in result.findings] == [
        (6, 3, 8, "seo.title"),
        (7, 1, 6, "title"),
    ]
    assert result.findings[1]["message"] == (
        "duplicate key `title`: YAML keeps only the last value, so the earlier one is silently lost"
    )


def test_yaml_tags_are_never_constructed(hrlint):
    result = check(hrlint, "tag.md", "--select", "schema/yaml-tag")
    (finding,) = result.findings
    assert (finding["line"], finding["column"]) == (2, 8)
    assert "`!!python/object/apply:os.system`" in finding["message"]


# --- the compiled fast path agrees with jsonschema --------------------------------------------


def _front_matters():
    from lint.model.document import Document

    for path in sorted([*DATA.rglob("*.md"), *(DATA.parent.parent / "seeds").glob("*.md")]):
        doc = Document.load(path, path.name)
        if isinstance(doc.data, dict):
            yield path.name, doc.data


def _variants(data: dict):
    """The document and single-field damage of it: wrong types, bad formats, extra and missing keys."""
    yield data
    for key, value in data.items():
        yield {k: v for k, v in data.items() if k != key}
        for bad in (None, 7, 1.5, True, "", "x" * 400, "not a date", [value], {"k": value}):
            yield {**data, key: bad}
    yield {**data, "unexpected": 1}


def test_fast_validator_agrees_with_jsonschema():
    from lint.store.schemas import SchemaStore

    schema = SchemaStore([]).get("default")
    assert schema.is_valid is not None
    checked = 0
    for name, data in _front_matters():
        for variant in _variants(data):
            expected = not any(True for _ in schema.validator.iter_errors(variant))
            assert schema.is_valid(variant) == expected, (name, variant)
            checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "dependentRequired": {"a": ["b"]}},  # 2019-09 keyword
        {"type": "object", "properties": {"a": {"$ref": "#/$defs/x", "minLength": 2}}, "$defs": {"x": {}}},
        {"type": "array", "items": [{"type": "string"}]},
        {"properties": {"a": {"$ref": "https://example.com/remote.json"}}},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "string"}}},
        {"unevaluatedProperties": False},
    ],
)
def test_fast_validator_declines_keywords_whose_meaning_changed(schema):
    import jsonschema

    from lint.store.schemas import fast_validator

    assert fast_validator(schema, jsonschema.Draft202012Validator.FORMAT_CHECKER) is None
