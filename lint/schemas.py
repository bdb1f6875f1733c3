"""JSON Schemas for front matter, chosen by the `_schema` key and compiled once per run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from lint.config import ConfigError
from lint.data import data_dir

PROSE_KEYWORD = "x-hrlint-prose-fields"
MESSAGE_KEYWORD = "x-hrlint-message"


@dataclass
class Schema:
    name: str
    path: Path
    schema: dict[str, Any]
    validator: jsonschema.protocols.Validator

    @property
    def prose_fields(self) -> list[str]:
        return list(self.schema.get(PROSE_KEYWORD, []))


class SchemaStore:
    """Looks schemas up by name in the configured folders, then in the bundled `schemas/`."""

    def __init__(self, dirs: list[Path]):
        self.dirs = [*dirs, data_dir("schemas")]
        self._cache: dict[str, Schema | None] = {}

    def get(self, name: str) -> Schema | None:
        if name not in self._cache:
            self._cache[name] = self._load(name)
        return self._cache[name]

    def names(self) -> list[str]:
        found = {p.name[: -len(".schema.json")] for d in self.dirs if d.is_dir()
                 for p in d.glob("*.schema.json")}
        return sorted(found)

    def _load(self, name: str) -> Schema | None:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        for folder in self.dirs:
            path = folder / f"{name}.schema.json"
            if path.is_file():
                return _compile(name, path)
        return None


def _compile(name: str, path: Path) -> Schema:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read schema: {exc}") from None
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ConfigError(f"{path}: invalid JSON Schema: {exc.message}") from None
    return Schema(name, path, schema, cls(schema, format_checker=cls.FORMAT_CHECKER))
