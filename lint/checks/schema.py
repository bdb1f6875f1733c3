"""Front matter validated against its JSON Schema; one rule id per kind of violation.

Validation runs once per document (shared by every schema rule); each error is reported at the
offending value, or for a missing field at the key of the mapping that lacks it.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from lint.engine.analysis import DocumentAnalysis
from lint.engine.registry import Example, Rule
from lint.model.findings import Severity
from lint.model.frontmatter_tree import field_name
from lint.store.schemas import MESSAGE_KEYWORD
from lint.workspace.globs import matches

# jsonschema keyword -> rule id
_KEYWORD_RULE = {
    "required": "schema/required",
    "type": "schema/type",
    "format": "schema/format",
    "pattern": "schema/pattern",
    "enum": "schema/enum",
    "const": "schema/enum",
    "additionalProperties": "schema/unknown-key",
    "unevaluatedProperties": "schema/unknown-key",
}
_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "object": "a mapping of fields",
    "array": "a list",
    "null": "empty",
}


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = str(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    kind = "text" if isinstance(value, str) else "the number"
    return f"{kind} `{text}`"


def _custom(error, keyword: str) -> str | None:
    custom = error.schema.get(MESSAGE_KEYWORD) if isinstance(error.schema, dict) else None
    if isinstance(custom, str):
        return custom
    if isinstance(custom, dict):
        return custom.get(keyword)
    return None


def _message(error, name: str) -> str:
    """An author-facing sentence for one jsonschema error."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    subject = f"`{name}`" if name else "the front matter"
    custom = _custom(error, keyword)
    found = f", found {_describe(value)}"
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        want = custom or "must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        return f"{subject} {want}{found}"
    if custom:
        return f"{subject} {custom}{found}"
    if keyword == "format":
        return f"{subject} must be a valid {expected}{found}"
    if keyword == "pattern":
        return f"{subject} must match the pattern `{expected}`{found}"
    if keyword == "enum":
        return f"{subject} must be one of: {', '.join(map(str, expected))}{found}"
    if keyword == "const":
        return f"{subject} must be `{expected}`{found}"
    if keyword in ("minLength", "maxLength"):
        size = len(value) if isinstance(value, str) else 0
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{subject} is {size} characters long; it must be {bound} {expected}"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        return f"{subject} must be {words[keyword]} {expected}{found}"
    if keyword in ("minItems", "maxItems"):
        bound = "at least" if keyword == "minItems" else "at most"
        return f"{subject} must have {bound} {expected} item(s)"
    detail = error.message
    if error.context:
        from jsonschema.exceptions import best_match

        detail = best_match(error.context).message
    return f"{subject}: {detail}"


def _extra_keys(error) -> list[str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = set(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in error.instance if k not in known and not any(p.search(k) for p in patterns)]


def _missing_key(error) -> str:
    for name in error.validator_value:
        if error.message.startswith(repr(name)):
            return name
    return str(error.validator_value[0])


def validate(doc, ctx) -> list[tuple[str, int, int, str, str | None, list[str]]]:
    """All schema findings of a document as (rule, start, end, message, field, suggestions)."""
    data = doc.data
    # Keys that are lists or mappings were dropped while reading: reported as type errors.
    out: list[tuple[str, int, int, str, str | None, list[str]]] = [
        (p.rule, p.start, p.end, p.message, p.field, []) for p in doc.problems if p.rule == "schema/type"
    ]
    if doc.front_matter is None or data is None:
        return out
    if not isinstance(data, dict):
        start, end = doc.key_span(())
        out.append(
            ("schema/type", start, end, f"front matter must be a mapping of fields, found {_describe(data)}", None, [])
        )
        return out
    schema = ctx.schema(doc)
    if schema is None:
        name = ctx.schema_name(doc)
        start, end = doc.value_span(("_schema",)) if "_schema" in data else doc.key_span(())
        known = ctx.schemas.names()
        out.append(
            (
                "schema/unknown-schema",
                start,
                end,
                f"unknown schema `{name}`; known schemas: {', '.join(known) or 'none'}",
                "_schema" if "_schema" in data else None,
                difflib.get_close_matches(name, known, n=3),
            )
        )
        return out
    declared = schema.schema.get("properties", {})
    content = {k: v for k, v in data.items() if not (k.startswith("_") and k not in declared)}
    if schema.is_valid is not None and schema.is_valid(content):
        return out  # the fast path: most documents are valid
    for error in schema.validator.iter_errors(content):
        path = tuple(error.absolute_path)
        keyword = error.validator
        rule = _KEYWORD_RULE.get(keyword, "schema/constraint")
        if keyword == "required":
            missing = _missing_key(error)
            start, end = doc.key_span(path)
            name = field_name(path + (missing,))
            out.append((rule, start, end, f"missing required field `{name}`", field_name(path), []))
        elif rule == "schema/unknown-key":
            known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
            for key in _extra_keys(error):
                start, end = doc.key_span(path + (key,))
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                out.append(
                    (
                        rule,
                        start,
                        end,
                        f"unknown field `{field_name(path + (key,))}`{hint}",
                        field_name(path + (key,)),
                        close,
                    )
                )
        else:
            start, end = doc.value_span(path)
            out.append((rule, start, end, _message(error, field_name(path) or ""), field_name(path), []))
    return out


# Every schema finding of a document, shared by the schema rules
VALIDATION: DocumentAnalysis[list[tuple[str, int, int, str, str | None, list[str]]]] = DocumentAnalysis(
    "schema validation", validate
)


# A complete article of the bundled `default` schema, and a schema of a site's own (examples).
_ARTICLE = """\
---
id: 72023
date: 2024-12-11
title: What is naloxone?
article_title: What is naloxone?
seo:
  title: QuickTakes | Health Studies
  page_description: How naloxone reverses an opioid overdose, and where to get it.
author: QuickTakes
question: What is naloxone?
answer: Naloxone is a medicine that reverses an opioid overdose within minutes.
subject: Health Studies
file_name: what-is-naloxone.md
url: /learn/health-studies/questions/what-is-naloxone
---
"""
_PAGE_SCHEMA = """\
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {"layout": {"enum": ["default", "compact"]}}
}
"""


class SchemaRule(Rule):
    """Reports the shared validation results that carry this rule's id."""

    default_severity = Severity.ERROR

    def check(self, doc, ctx):
        for rule, start, end, message, field, suggestions in ctx.of(doc, VALIDATION):
            if rule == self.id:
                yield self.report(doc, start, end, message, field=field, suggestions=suggestions)


class Required(SchemaRule):
    id = "schema/required"
    summary = "A field the schema requires is missing."
    why = """
        A missing title, url or answer breaks the page or its listing. The finding points at the
        key of the mapping that lacks the field (the opening `---` for top-level fields).
    """
    example_flagged = Example(
        _ARTICLE.replace("subject: Health Studies\n", ""),
        caption="An article without `subject:` (the default schema requires it).",
    )
    example_passing = Example(_ARTICLE, caption="The complete article.")


class Type(SchemaRule):
    id = "schema/type"
    summary = "A value has the wrong type (text where a number is expected, a list for a mapping...)."
    why = """
        The CMS and templates expect each field's type; `id: "119122"` (text) or `seo:` written as
        a list render wrongly or not at all.
    """
    example_flagged = Example(
        """
        ---
        id: abc
        ---
    """,
        caption="`id` must be a whole number.",
    )
    example_passing = Example("""
        ---
        id: 72023
        ---
    """)


class Format(SchemaRule):
    id = "schema/format"
    summary = "A value is not in the required format (e.g. `date` must be YYYY-MM-DD)."
    why = """
        Dates are validated as the text the author wrote, so `2024-13-01` or `11/12/2024` is caught
        before it reaches the page.
    """
    example_flagged = Example(
        """
        ---
        date: 2024-13-01
        ---
    """,
        caption="There is no thirteenth month.",
    )
    example_passing = Example("""
        ---
        date: 2024-12-01
        ---
    """)


class Pattern(SchemaRule):
    id = "schema/pattern"
    summary = "A value does not match the pattern the schema sets (url, file_name, seo.title)."
    why = """
        Urls and file names follow site conventions; a url outside `/learn/<subject>/questions/`
        is a broken page.
    """
    example_flagged = Example(
        """
        ---
        url: /questions/what-is-naloxone
        ---
    """,
        caption="The url lacks `/learn/<subject>`.",
    )
    example_passing = Example("""
        ---
        url: /learn/health-studies/questions/what-is-naloxone
        ---
    """)


class Enum(SchemaRule):
    id = "schema/enum"
    summary = "A value is not one of the values the schema allows."
    why = """
        Fields such as a category or a layout accept a fixed set of values; anything else falls
        back to a default silently. (`const` in a schema is reported by this rule too.)
    """
    example_flagged = Example(
        """
        ---
        _schema: page
        layout: wide
        ---
    """,
        files={"schemas/page.schema.json": _PAGE_SCHEMA},
        config="schema-dirs: [schemas]",
        caption="A schema of the site's own, `page`, allows the layouts `default` and `compact`.",
    )
    example_passing = Example(
        """
        ---
        _schema: page
        layout: compact
        ---
    """,
        files={"schemas/page.schema.json": _PAGE_SCHEMA},
        config="schema-dirs: [schemas]",
    )


class UnknownKey(SchemaRule):
    id = "schema/unknown-key"
    summary = "A field the schema does not define (often a typo); `_`-prefixed CMS keys are allowed."
    why = """
        A misspelt field (`titel:`) is silently ignored by the CMS, so the real field keeps its old
        value. A close known field is suggested.
    """
    example_flagged = Example(
        """
        ---
        seo:
          title: QuickTakes | Health Studies
          page_descripton: How naloxone reverses an opioid overdose, and where to get it.
        ---
    """,
        caption="`page_description` is misspelt.",
    )
    example_passing = Example(
        """
        ---
        _cms_layout: wide
        seo:
          title: QuickTakes | Health Studies
          page_description: How naloxone reverses an opioid overdose, and where to get it.
        ---
    """,
        caption="Spelt right; `_cms_layout` is a CMS setting, allowed because it starts with `_`.",
    )


class Constraint(SchemaRule):
    id = "schema/constraint"
    summary = "A value breaks another schema constraint (length, range, item count, combination)."
    why = """
        Limits such as the length of `seo.page_description` keep pages within what search engines
        and templates display.
    """
    example_flagged = Example(
        """
        ---
        seo:
          title: QuickTakes | Health Studies
          page_description: About naloxone.
        ---
    """,
        caption="The default schema wants a `seo.page_description` of 50 to 320 characters.",
    )
    example_passing = Example("""
        ---
        seo:
          title: QuickTakes | Health Studies
          page_description: How naloxone reverses an opioid overdose, and where to get it.
        ---
    """)


class UnknownSchema(SchemaRule):
    id = "schema/unknown-schema"
    summary = "`_schema` names a schema that exists in no schema folder."
    why = """
        The `_schema` key chooses which JSON Schema checks the file; an unknown name means nothing
        is checked. Schemas are looked up as NAME.schema.json in `schema-dirs`, then in the bundled
        `schemas/`. Close names are suggested.
    """
    example_flagged = Example("""
        ---
        _schema: defualt
        ---
    """)
    example_passing = Example("""
        ---
        _schema: default
        ---
    """)


class MissingFrontMatter(Rule):
    id = "schema/missing-front-matter"
    summary = "A file matched by `require-front-matter` has no front matter."
    default_severity = Severity.ERROR
    why = """
        Files without front matter are checked by the prose rules only; in folders where every
        file is an article (set by `require-front-matter` globs in the config), a missing block is
        an error.
    """
    example_flagged = Example(
        "Naloxone reverses an opioid overdose.\n",
        path="articles/naloxone.md",
        config='require-front-matter: ["articles/**"]',
        caption="`articles/naloxone.md` starts without `---`.",
    )
    example_passing = Example(
        """
        ---
        title: What is naloxone?
        ---
        Naloxone reverses an opioid overdose.
    """,
        path="articles/naloxone.md",
        config='require-front-matter: ["articles/**"]',
    )

    def check(self, doc, ctx):
        if doc.front_matter is None and doc.readable and ctx.config.require_front_matter:
            if matches(ctx.relative(doc), ctx.config.require_front_matter):
                yield self.report(doc, 0, 0, "this file must start with a front-matter block (`---`)")


RULES = [Required, Type, Format, Pattern, Enum, UnknownKey, Constraint, UnknownSchema, MissingFrontMatter]
