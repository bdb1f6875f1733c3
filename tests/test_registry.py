"""Rule plugins are found from the `hrlint.rules` entry points of the installed distributions,
read straight from their `entry_points.txt` files: the same entries importlib.metadata gives."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest

from lint.engine.registry import ENTRY_POINT_GROUP, RuleError, entry_points, load_rules

PLUGIN_MODULE = """
from lint.engine.registry import Rule


class Shout(Rule):
    id = "shout/caps"
    summary = "Words in capitals."

    def check(self, doc, ctx):
        return ()


RULES = [Shout]
"""


def importlib_entry_points(group: str) -> list[tuple[str, str]]:
    return sorted((e.name, e.value) for e in metadata.entry_points(group=group))


@pytest.fixture
def dists(tmp_path, monkeypatch):
    """Two folders of distributions put first on sys.path; returns a function that adds one."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))

    def add(folder: str, dist: str, text: str | None) -> None:
        info = tmp_path / folder / dist
        info.mkdir()
        if text is not None:
            (info / "entry_points.txt").write_text(text, encoding="utf-8")

    return add


@pytest.mark.parametrize("group", ["console_scripts", ENTRY_POINT_GROUP, "pytest11", "no.such.group"])
def test_the_installed_distributions_give_what_importlib_metadata_gives(group):
    assert sorted(entry_points(group)) == importlib_entry_points(group)


def test_entry_point_files_are_read_like_importlib_metadata(dists):
    dists(
        "first",
        "shout_rules-1.0.dist-info",
        "# a comment\n[console_scripts]\nshout = shout_rules.cli:main\n\n"
        "[hrlint.rules]\n# another comment\nshout = shout_rules:RULES [extra]\n  quiet=shout_rules.q:RULES\n",
    )
    dists("first", "Other.Rules-2.0.dist-info", "[hrlint.rules]\nother = other_rules:RULES\n")
    dists("first", "no_entries-1.0.dist-info", None)
    dists("first", "legacy_rules-0.1-py3.11.egg-info", "[hrlint.rules]\nlegacy = legacy_rules:RULES\n")
    dists("second", "shout_rules-0.9.dist-info", "[hrlint.rules]\nshadowed = old_shout:RULES\n")
    dists("second", "other_rules-1.0.dist-info", "[hrlint.rules]\nshadowed-too = old_other:RULES\n")
    found = sorted(entry_points(ENTRY_POINT_GROUP))
    assert found == importlib_entry_points(ENTRY_POINT_GROUP)
    plugins = [e for e in found if not e[1].startswith("lint.")]
    assert plugins == [
        ("legacy", "legacy_rules:RULES"),
        ("other", "other_rules:RULES"),
        ("quiet", "shout_rules.q:RULES"),
        ("shout", "shout_rules:RULES [extra]"),
    ]


def test_a_plugin_found_this_way_is_loaded(dists, tmp_path):
    (tmp_path / "first" / "shout_rules.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    dists("first", "shout_rules-1.0.dist-info", "[hrlint.rules]\nshout = shout_rules:RULES\n")
    try:
        rules = load_rules()
    finally:
        sys.modules.pop("shout_rules", None)
    assert list(rules)[-1] == "shout/caps"
    assert "stigma/person-label" in rules


@pytest.mark.parametrize(
    "value, why",
    [
        ("missing_module_xyz:RULES", "No module named 'missing_module_xyz'"),
        ("os:NO_SUCH_ATTRIBUTE", "has no attribute 'NO_SUCH_ATTRIBUTE'"),
        ("not a reference!", "not an entry point reference"),
    ],
)
def test_a_broken_plugin_reference_is_a_rule_error(dists, value, why):
    dists("first", "broken-1.0.dist-info", f"[hrlint.rules]\nbroken = {value}\n")
    with pytest.raises(RuleError, match=f"cannot load rule plugin broken .*{why}"):
        load_rules()
