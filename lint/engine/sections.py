"""Config sections that rules declare: a top-level key such as `stigma:` or `links:` shared by a
family's rules. The rule that reads a section declares it (`Rule.section`); the configuration
only keeps what it does not know itself, and the engine validates it here, generically, against
the section's JSON Schema, so a family adds settings without touching the configuration code."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint.workspace.config import CONFIG_KEYS, Config, ConfigError, unknown_key


@dataclass(frozen=True, eq=False)
class Section:
    """A config section: `properties` is the JSON Schema of its keys (a property's non-standard
    `errorMessage` is the message when its value is invalid); `paths` are the keys whose values
    are paths relative to the config folder; `check(values, where)` adds what a schema cannot
    say (raises ConfigError)."""

    name: str
    properties: dict[str, Any]
    paths: tuple[str, ...] = ()
    check: Callable[[dict[str, Any], str], None] | None = None
    _validator: list[Callable[[Any], Any]] = field(default_factory=list, repr=False)

    def validate(self, raw: Any, root: Path, where: str) -> dict[str, Any]:
        """The section's values from the raw config (paths resolved), or ConfigError."""
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: `{self.name}` must be a mapping ({', '.join(self.properties)})")
        for key in raw:
            if key not in self.properties:
                raise unknown_key(f"{self.name}.{key}", [f"{self.name}.{k}" for k in self.properties], where)
        self._check_schema(raw, where)
        values = dict(raw)
        for key in self.paths:
            if key in values:
                item = values[key]
                values[key] = [root / p for p in item] if isinstance(item, list) else root / item
        if self.check is not None:
            self.check(values, where)
        return values

    def _check_schema(self, raw: dict[str, Any], where: str) -> None:
        import fastjsonschema  # a few ms, and only for a config that has this section

        if not self._validator:
            schema = {"type": "object", "properties": self.properties}
            self._validator.append(fastjsonschema.compile(schema))
        try:
            self._validator[0](raw)
        except fastjsonschema.JsonSchemaValueException as exc:
            key = exc.path[1] if len(exc.path) > 1 else None
            spec = self.properties.get(key, {}) if key else {}
            if "errorMessage" in spec:
                raise ConfigError(f"{where}: `{self.name}.{key}` {spec['errorMessage']}") from None
            where_in = exc.name.replace("data", self.name, 1)
            raise ConfigError(f"{where}: `{where_in}` {exc.message[len(exc.name) :].strip()}") from None


def validate_sections(config: Config, declared: Iterable[Section]) -> dict[Section, dict[str, Any]]:
    """The values of every section the config sets; an unknown top-level key is a ConfigError."""
    by_name = {s.name: s for s in declared}
    out: dict[Section, dict[str, Any]] = {}
    for name, raw in config.sections.items():
        section = by_name.get(name)
        if section is None:
            raise unknown_key(name, [*CONFIG_KEYS, *by_name], config.name)
        out[section] = section.validate(raw, config.root, config.name)
    return out


def data_files(sections: dict[Section, dict[str, Any]]) -> list[Path]:
    """The files the sections name (catalogs, sitemaps): cached results depend on their content."""
    files: list[Path] = []
    for section, values in sections.items():
        for key in section.paths:
            item = values.get(key)
            files += item if isinstance(item, list) else [item] if item is not None else []
    return files
