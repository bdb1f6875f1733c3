"""Schemas and catalogs that passed their checks are not checked again (nor is jsonschema loaded
for it) until their bytes change; rule data parsed from YAML is kept as JSON; the compiled check's
`date` format agrees with jsonschema's."""

from __future__ import annotations

import datetime
import json

import jsonschema
import pytest

from lint.checks import principles, stigma
from lint.model.resources import parse_yaml
from lint.store import schemas
from lint.store.verified import KEEP_PARSED, PARSED_DIR, VERIFIED_FILE, Verified

SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}, "date": {"type": "string", "format": "date"}}}


@pytest.fixture
def site(write):
    return write(
        {
            "hrlint.yaml": "default-schema: mini\nschema-dirs: [schemas]\n",
            "schemas/mini.schema.json": json.dumps(SCHEMA),
            "a.md": "---\nid: 1\ndate: 2024-02-30\n---\n&nbsp;\n",
        }
    )


@pytest.fixture
def checks(monkeypatch):
    """Count the schema and catalog checks that run."""
    seen: list[str] = []
    check_schema, validate = schemas._check_schema, stigma._validate
    monkeypatch.setattr(
        schemas, "_check_schema", lambda schema, path: (seen.append(path.name), check_schema(schema, path))
    )
    monkeypatch.setattr(
        stigma, "_validate", lambda raw, where: (seen.append(where.rsplit("/", 1)[-1]), validate(raw, where))
    )
    return seen


def findings(hrlint, site, *args):
    result = hrlint("check", "--format", "json", *args, ".", cwd=site)
    assert result.exit_code == 1, result.stderr
    return [(f["rule"], f["line"], f["column"], f["message"]) for f in result.findings]


def test_checked_once_then_remembered(hrlint, site, checks):
    first = findings(hrlint, site)
    assert first == [("schema/format", 3, 7, "`date` must be a valid date, found text `2024-02-30`")]
    assert sorted(checks) == ["mini.schema.json", "stigma.yaml"]
    assert (site / ".hrlint_cache" / VERIFIED_FILE).is_file()
    checks.clear()
    assert findings(hrlint, site) == first
    assert checks == []


def test_changed_schema_is_checked_again(hrlint, site, checks):
    findings(hrlint, site)
    (site / "schemas" / "mini.schema.json").write_text(json.dumps({**SCHEMA, "type": "strnig"}), encoding="utf-8")
    checks.clear()
    result = hrlint("check", ".", cwd=site)
    assert checks == ["mini.schema.json"]
    assert result.exit_code == 2 and "invalid JSON Schema" in result.stderr


@pytest.mark.parametrize("damage", [b"", b"{", b'{"a": 1}', b"[1, 2]", b"\xff\xfe"])
def test_damaged_record_means_checking_again(hrlint, site, checks, damage):
    first = findings(hrlint, site)
    (site / ".hrlint_cache" / VERIFIED_FILE).write_bytes(damage)
    checks.clear()
    assert findings(hrlint, site) == first
    assert sorted(checks) == ["mini.schema.json", "stigma.yaml"]


@pytest.fixture
def parses(monkeypatch):
    """Count the rule-data files parsed from YAML (bypassing the per-process memo)."""
    seen: list[str] = []

    def counting(content: bytes):
        seen.append("stigma" if b"entries:" in content else "principles")
        return parse_yaml.__wrapped__(content)

    monkeypatch.setattr(stigma, "parse_yaml", counting)
    monkeypatch.setattr(principles, "parse_yaml", counting)
    return seen


def test_parsed_rule_data_is_kept_as_json(hrlint, site, parses):
    first = findings(hrlint, site)
    assert sorted(parses) == ["principles", "stigma"]
    assert len(list((site / ".hrlint_cache" / PARSED_DIR).glob("*.json"))) == 2
    parses.clear()
    assert findings(hrlint, site) == first
    assert parses == []


def test_an_edited_catalog_is_parsed_again(hrlint, site, parses):
    (site / "b.md").write_text("---\nid: 2\n---\nA loud word.\n", encoding="utf-8")
    (site / "extra.yaml").write_text("entries: []\n", encoding="utf-8")
    (site / "hrlint.yaml").write_text(
        "default-schema: mini\nschema-dirs: [schemas]\nstigma:\n  catalogs: [extra.yaml]\n", encoding="utf-8"
    )
    assert [f for f in findings(hrlint, site) if f[0].startswith("stigma/")] == []
    (site / "extra.yaml").write_text(
        "entries:\n- {id: shout, rule: stigma/framing, terms: [loud], severity: warning, message: Too loud.}\n",
        encoding="utf-8",
    )
    parses.clear()
    assert ("stigma/framing", 4, 3, "`loud`: Too loud.") in findings(hrlint, site)
    assert parses == ["stigma"]  # the edited catalog only


@pytest.mark.parametrize("damage", [b"", b"{", b"\xff", b"[1, 2"])
def test_damaged_parsed_data_is_parsed_again(hrlint, site, parses, damage):
    first = findings(hrlint, site)
    for kept in (site / ".hrlint_cache" / PARSED_DIR).glob("*.json"):
        kept.write_bytes(damage)
    parses.clear()
    assert findings(hrlint, site) == first
    assert sorted(parses) == ["principles", "stigma"]


def test_no_cache_checks_and_parses_every_time(hrlint, site, checks, parses):
    findings(hrlint, site, "--no-cache")
    checks.clear()
    parses.clear()
    findings(hrlint, site, "--no-cache")
    assert sorted(checks) == ["mini.schema.json", "stigma.yaml"]
    assert sorted(parses) == ["principles", "stigma"]
    assert not (site / ".hrlint_cache").exists()


def test_data_json_cannot_give_back_is_not_kept(tmp_path):
    calls = []

    def parse(content: bytes):
        calls.append(content)
        return {"when": datetime.date(2024, 7, 15), 1: "one"}

    store = Verified(lambda: tmp_path)
    assert store.parsed(b"when: 2024-07-15\n1: one\n", parse) == {"when": datetime.date(2024, 7, 15), 1: "one"}
    assert store.parsed(b"when: 2024-07-15\n1: one\n", parse) == {"when": datetime.date(2024, 7, 15), 1: "one"}
    assert len(calls) == 2
    assert not (tmp_path / PARSED_DIR).exists() or not any((tmp_path / PARSED_DIR).iterdir())


def test_only_the_newest_parsed_files_are_kept(tmp_path):
    store = Verified(lambda: tmp_path)
    for i in range(KEEP_PARSED + 5):
        assert store.parsed(f"n: {i}\n".encode(), parse_yaml) == {"n": i}
    assert len(list((tmp_path / PARSED_DIR).glob("*.json"))) == KEEP_PARSED


@pytest.mark.parametrize(
    "value",
    [
        "2024-07-15",
        "2024-02-29",
        "2023-02-29",
        "2024-02-30",
        "2024-13-01",
        "2024-00-10",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "2024-7-15",
        "20240715",
        "2024-07-15T00:00:00",
        "2024-07-15 ",
        " 2024-07-15",
        "2024-07-15\n",
        "２０２４-07-15",
        "2024-W01-1",
        "",
        "July 15, 2024",
        20240715,
        None,
        True,
        ["2024-07-15"],
    ],
)
def test_date_format_agrees_with_jsonschema(value):
    expected = jsonschema.Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")
    assert schemas._Formats(SCHEMA).conforms(value, "date") is expected
