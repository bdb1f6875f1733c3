"""Rules for problems found while reading a file: encoding, size, YAML syntax, duplicate keys."""

from __future__ import annotations

from lint.engine.registry import Example, Rule
from lint.model.findings import Severity


class ProblemRule(Rule):
    """Reports the document's read/parse problems that carry this rule's id."""

    default_severity = Severity.ERROR

    def check(self, doc, ctx):
        for problem in doc.problems:
            if problem.rule == self.id:
                yield self.report(doc, problem.start, problem.end, problem.message, field=problem.field)


class Unreadable(ProblemRule):
    id = "file/unreadable"
    summary = "The file could not be read (permissions, deleted while running, not a file)."
    why = """
        A file that cannot be read cannot be checked, and a gate that silently skips it lets
        anything through. The other files are still checked, and the run exits with 2.
    """
    example_flagged = Example(
        caption="A file made unreadable (`chmod 000 example.md`), or deleted between discovery and reading.",
        illustrative="needs a file the linter is not allowed to read, or one that disappears during the run",
    )
    example_passing = Example("Naloxone reverses an opioid overdose.\n", caption="Any file hrlint can open and read.")


class Encoding(ProblemRule):
    id = "file/encoding"
    summary = "The file is not valid UTF-8 (or UTF-16 with a byte-order mark), or is binary."
    why = """
        Positions, fixes and the published page all depend on the text being decoded the same way
        everywhere. UTF-8 (with or without BOM) and UTF-16 with a BOM are read; anything else is
        reported, the file is not checked further and the run exits with 2.
    """
    example_flagged = Example(
        "Ask for naloxone at the café on Main Street.\n",
        encoding="latin-1",
        caption="The file saved as Latin-1: `é` is the single byte 0xE9.",
    )
    example_passing = Example("Ask for naloxone at the café on Main Street.\n", caption="The same text saved as UTF-8.")


class TooLarge(ProblemRule):
    id = "file/too-large"
    summary = "The file is larger than `max-file-size` (default 10 MiB) and was not checked."
    why = """
        Articles are a few kilobytes; a file of many megabytes is almost always a mistake (a data
        dump, a binary renamed .md) and would slow every run down. The file is not read, and the
        run exits with 2. Raise `max-file-size` if the file is meant to be there.
    """
    example_flagged = Example(
        """
        Naloxone is a medicine that rapidly reverses an opioid overdose. It can be given as a nasal spray
        or as an injection, and anyone can learn to use it.
    """,
        config="max-file-size: 100",
        caption="A 150-byte file where the config sets `max-file-size` to 100 bytes.",
    )
    example_passing = Example(
        "Naloxone reverses an opioid overdose.\n",
        config="max-file-size: 100",
        caption="A 38-byte file under the same limit.",
    )


class Syntax(ProblemRule):
    id = "schema/syntax"
    summary = "Front matter that cannot be parsed (invalid YAML/TOML/JSON, unclosed block)."
    why = """
        When the front matter does not parse, the CMS shows nothing or the wrong values, and no
        other front-matter rule can run. The finding points at the first place the parser could
        not follow.
    """
    example_flagged = Example(
        """
        ---
        title: "What is naloxone?
        ---
    """,
        caption="The closing quote is missing.",
    )
    example_passing = Example("""
        ---
        title: "What is naloxone?"
        ---
    """)


class DuplicateKey(ProblemRule):
    id = "schema/duplicate-key"
    summary = "A key appears twice in one mapping; YAML silently keeps only the last value."
    why = """
        With duplicate keys the first value is lost without any warning from the CMS, which is how
        an edited title or answer quietly disappears. The second key is reported.
    """
    example_flagged = Example("""
        ---
        title: What is harm reduction?
        title: What is harm reduction, and does it work?
        ---
    """)
    example_passing = Example("""
        ---
        title: What is harm reduction, and does it work?
        ---
    """)


class YamlTag(ProblemRule):
    id = "schema/yaml-tag"
    summary = "A YAML tag (`!!python/object`, `!custom`) in front matter; it is never executed."
    why = """
        Article front matter is plain data. Tags are never constructed by hrlint (it only composes
        the YAML), but a CMS or site generator with an unsafe loader might execute them. Standard
        tags such as `!!str` are plain data and are not reported.
    """
    example_flagged = Example("""
        ---
        title: !!python/object/apply:os.system ["echo hi"]
        ---
    """)
    example_passing = Example(
        """
        ---
        title: !!str 2024
        ---
    """,
        caption="A standard tag: the value is the text `2024`.",
    )


class UnusedSuppression(Rule):
    id = "suppression/unused"
    summary = "An `hrlint-disable` comment that suppresses nothing."
    default_severity = Severity.INFO
    why = """
        Suppressions outlive the text they were written for; an unused one hides the next real
        problem. Remove it. Reported only when the rules it names are enabled.
    """
    example_flagged = Example(
        """
        <!-- hrlint-disable-next-line stigma -->
        Naloxone is free for people who use drugs and their friends.
    """,
        caption="The line below the comment has no stigma finding.",
    )
    example_passing = Example(
        """
        <!-- hrlint-disable-next-line stigma -- the title of a 1995 leaflet -->
        The leaflet was called Help for Addicts.
    """,
        caption="The comment hides a finding on the next line.",
    )


class StaleBaseline(Rule):
    id = "baseline/stale"
    summary = "A `--baseline` entry that matches no finding any more (fixed, or the text changed)."
    default_severity = Severity.INFO
    why = """
        A baseline that keeps entries for problems already fixed would hide them if they came
        back. Reported on the baseline file; `--prune-baseline` removes such entries.
    """
    example_flagged = Example(
        """
        {"version": 1, "tool": "hrlint", "entries": [
          {"path": "a.md", "rule": "stigma/person-label", "field": null, "text": "addicts", "count": 1}]}
    """,
        path=".hrlint-baseline.json",
        files={"a.md": "Help for people who use drugs.\n"},
        args=("--baseline", ".hrlint-baseline.json"),
        caption='`a.md` once said "Help for addicts." and was reworded; its baseline entry now matches nothing.',
    )
    example_passing = Example(
        """
        {"version": 1, "tool": "hrlint", "entries": [
          {"path": "a.md", "rule": "stigma/person-label", "field": null, "text": "addicts", "count": 1}]}
    """,
        path=".hrlint-baseline.json",
        files={"a.md": "Help for addicts.\n"},
        args=("--baseline", ".hrlint-baseline.json"),
        caption="The entry still matches the finding in `a.md` (which the baseline hides).",
    )


class TooManyFindings(Rule):
    id = "file/too-many-findings"
    kept_by_select = True  # a run never drops findings without saying so
    summary = "A file has more findings than are reported for one file (1,000); the rest are not shown."
    default_severity = Severity.INFO
    why = """
        A file with thousands of findings (a pasted data dump, a generated page) would flood the
        report and take minutes and gigabytes to list. The first 1,000 findings, in file order,
        are reported, then this note at the first finding left out. Fix those, or exclude the file.
        This note is reported even when `--select` names other rules.
    """
    example_flagged = Example(
        caption="A pasted word list with 1,200 stigmatizing terms: findings 1 to 1,000 are reported, then this note.",
        illustrative="needs a file with more than 1,000 findings, too long to show",
    )
    example_passing = Example("Help for addicts.\n", caption="A file with one finding.")


RULES = [
    Unreadable,
    Encoding,
    TooLarge,
    Syntax,
    DuplicateKey,
    YamlTag,
    UnusedSuppression,
    StaleBaseline,
    TooManyFindings,
]
