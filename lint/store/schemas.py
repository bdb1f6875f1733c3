"""JSON Schemas for front matter, chosen by the `_schema` key and compiled once per run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lint.model.resources import data_dir
from lint.store.verified import UNKEPT, Verified
from lint.workspace.config import ConfigError

if TYPE_CHECKING:  # jsonschema itself is imported only when needed (it takes 0.15 s)
    from jsonschema import FormatChecker, ValidationError, Validator

PROSE_KEYWORD = "x-hrlint-prose-fields"
MESSAGE_KEYWORD = "x-hrlint-message"


class FormatCheck(Protocol):
    """What checks the `format` of a value: jsonschema's FormatChecker, or the ones below."""

    def conforms(self, instance: Any, format: str) -> bool: ...


@dataclass
class Schema:
    name: str
    path: Path
    schema: dict[str, Any]
    is_valid: Callable[[Any], bool] | None = None  # fast yes/no check; details come from `validator`
    _validator: Validator | None = field(default=None, repr=False)

    @property
    def prose_fields(self) -> list[str]:
        return list(self.schema.get(PROSE_KEYWORD, []))

    @property
    def validator(self) -> Validator:
        """The jsonschema validator (made on first use: most documents pass `is_valid`)."""
        if self._validator is None:
            cls = _validator_class(self.schema)
            self._validator = cls(self.schema, format_checker=cls.FORMAT_CHECKER)
        return self._validator


def _validator_class(schema: dict[str, Any]) -> type[Validator]:
    import jsonschema

    return jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)


class SchemaStore:
    """Looks schemas up by name in the configured folders, then in the bundled `schemas/`."""

    def __init__(self, dirs: list[Path], verified: Verified = UNKEPT):
        """`verified`: the schemas checked in an earlier run (not checked again)."""
        self.dirs = [*dirs, data_dir("schemas")]
        self.verified = verified
        self._cache: dict[str, Schema | None] = {}

    def get(self, name: str) -> Schema | None:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def names(self) -> list[str]:
        found = {p.name[: -len(".schema.json")] for d in self.dirs if d.is_dir() for p in d.glob("*.schema.json")}
        return sorted(found)

    def _load(self, name: str) -> Schema | None:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        for folder in self.dirs:
            path = folder / f"{name}.schema.json"
            if path.is_file():
                return _compile(name, path, self.verified)
        return None


def _compile(name: str, path: Path, verified: Verified) -> Schema:
    try:
        raw = path.read_bytes()
        schema = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read schema: {exc}") from None
    verified.check("schema", raw, lambda: _check_schema(schema, path))
    return Schema(name, path, schema, fast_validator(schema, _Formats(schema)))


def _check_schema(schema: Any, path: Path) -> None:
    """ConfigError unless `schema` is a valid JSON Schema without risky regular expressions."""
    import jsonschema

    try:
        _validator_class(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"{path}: invalid JSON Schema: {exc.message}") from None
    _check_patterns(schema, path)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class _Formats:
    """`format` checks for the compiled check: jsonschema's (loaded on first use), except `date`,
    checked here exactly as jsonschema checks it: nearly every article has a date, and loading
    jsonschema costs about 0.15 s, a third of a one-file run. (tests/test_verified.py holds
    the two to the same answers.)"""

    def __init__(self, schema: dict[str, Any]):
        self.schema = schema
        self._checker: FormatChecker | None = None

    def conforms(self, value: Any, name: str) -> bool:
        if name == "date":
            return not isinstance(value, str) or bool(_DATE.fullmatch(value) and _is_date(value))
        if self._checker is None:
            self._checker = _validator_class(self.schema).FORMAT_CHECKER
        return self._checker.conforms(value, name)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _check_patterns(node: Any, path: Path, where: str = "") -> None:
    """Refuse `pattern`s and `patternProperties` prone to catastrophic backtracking: they run on
    the articles' text (see lint.workspace.config.regex_problem)."""
    from lint.workspace.config import regex_problem

    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}/{key}"
            patterns = []
            if key == "pattern" and isinstance(value, str):
                patterns = [value]
            elif key == "patternProperties" and isinstance(value, dict):
                patterns = list(value)
            for pattern in patterns:
                problem = regex_problem(pattern)
                if problem:
                    raise ConfigError(f"{path}: `{here}`: regular expression {pattern!r} refused: {problem}")
            _check_patterns(value, path, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _check_patterns(item, path, f"{where}/{i}")


# Keywords whose meaning is the same in draft 7 (what fastjsonschema compiles) and 2020-12.
_SAME_IN_DRAFT7 = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "type",
    "enum",
    "const",
    "properties",
    "patternProperties",
    "additionalProperties",
    "required",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "pattern",
    "minLength",
    "maxLength",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
}
_SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs"}
_SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}


def _draft7_compatible(node: Any, formats: set[str], root: bool = False) -> bool:
    """True if every keyword of the schema means the same in draft 7; collects format names."""
    if isinstance(node, bool):
        return True
    if not isinstance(node, dict):
        return False
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key not in _SAME_IN_DRAFT7 or (key == "$id" and not root):
            return False
        if key == "$ref" and (not isinstance(value, str) or not value.startswith("#") or len(node) > 1):
            return False  # remote refs, and siblings of $ref (ignored by draft 7)
        if key == "items" and not isinstance(value, (dict, bool)):
            return False  # a list of schemas means prefixItems in 2020-12
        if key == "format" and isinstance(value, str):
            formats.add(value)
        if key in _SUBSCHEMA_MAPS:
            if not isinstance(value, dict) or not all(_draft7_compatible(v, formats) for v in value.values()):
                return False
        elif key in _SUBSCHEMA_LISTS:
            if not isinstance(value, list) or not all(_draft7_compatible(v, formats) for v in value):
                return False
        elif key in {"additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else"}:
            if not _draft7_compatible(value, formats):
                return False
    return True


def fast_validator(schema: dict[str, Any], format_checker: FormatCheck) -> Callable[[Any], bool] | None:
    """A compiled yes/no check of the schema (fastjsonschema, about 10x faster than jsonschema),
    using jsonschema's own format checks; None when the schema uses a keyword whose meaning differs
    in draft 7. A document it rejects is validated again by jsonschema for the messages."""
    formats: set[str] = set()
    if not _draft7_compatible(schema, formats, root=True):
        return None
    import fastjsonschema

    def check(name: str) -> Callable[[Any], bool]:
        return lambda value: format_checker.conforms(value, name)

    draft7 = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    draft7.pop("$id", None)  # refs stay local; nothing is ever fetched
    try:
        compiled = fastjsonschema.compile(draft7, formats={f: check(f) for f in formats})
    except Exception:  # noqa: BLE001 - anything it cannot compile is checked by jsonschema alone
        return None

    def is_valid(data: Any) -> bool:
        try:
            compiled(data)
            return True
        except fastjsonschema.JsonSchemaException:
            return False

    return is_valid


_quick: dict[str, Callable[[Any], bool] | None] = {}


def best_error(schema: dict[str, Any], data: Any) -> ValidationError | None:
    """The most relevant jsonschema error of `data` against `schema` (2020-12), or None when valid.
    A compiled check runs first, so valid data (the usual case) never loads jsonschema."""
    key = json.dumps(schema, sort_keys=True)
    if key not in _quick:
        _quick[key] = fast_validator(schema, _NoFormats()) if not _uses_formats(schema) else None
    quick = _quick[key]
    if quick is not None and quick(data):
        return None
    import jsonschema

    error: ValidationError | None = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data)
    )
    return error


class _NoFormats:
    def conforms(self, value: Any, name: str) -> bool:
        return True


def _uses_formats(schema: Any) -> bool:
    if isinstance(schema, dict):
        return "format" in schema or any(_uses_formats(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_uses_formats(v) for v in schema)
    return False
