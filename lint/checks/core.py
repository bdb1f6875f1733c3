"""Rules for problems found while reading a file: encoding, size, YAML syntax, duplicate keys."""

from __future__ import annotations

from lint.model.findings import Severity
from lint.engine.registry import Rule


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
    explanation = """
Why: a file that cannot be read cannot be checked, and a gate that silently skips it lets
anything through. The other files are still checked.

Example: a file made unreadable (`chmod 000`) or deleted between discovery and reading.
"""


class Encoding(ProblemRule):
    id = "file/encoding"
    summary = "The file is not valid UTF-8 (or UTF-16 with a byte-order mark), or is binary."
    explanation = """
Why: positions, fixes and the published page all depend on the text being decoded the same way
everywhere. UTF-8 (with or without BOM) and UTF-16 with a BOM are read; anything else is reported.

Example: a file saved as Latin-1 with `é` written as the single byte 0xE9.
"""


class TooLarge(ProblemRule):
    id = "file/too-large"
    summary = "The file is larger than `max-file-size` (default 10 MiB) and was not checked."
    explanation = """
Why: articles are a few kilobytes; a file of many megabytes is almost always a mistake (a data
dump, a binary renamed .md) and would slow every run down. Raise `max-file-size` if it is not.
"""


class Syntax(ProblemRule):
    id = "schema/syntax"
    summary = "Front matter that cannot be parsed (invalid YAML/TOML/JSON, unclosed block)."
    explanation = """
Why: when the front matter does not parse, the CMS shows nothing or the wrong values, and no other
front-matter rule can run. The finding points at the first place the parser could not follow.

Example:
    ---
    title: "What is naloxone?
    ---
(the closing quote is missing).
"""


class DuplicateKey(ProblemRule):
    id = "schema/duplicate-key"
    summary = "A key appears twice in one mapping; YAML silently keeps only the last value."
    explanation = """
Why: with duplicate keys the first value is lost without any warning from the CMS, which is how
an edited title or answer quietly disappears.

Example:
    title: What is harm reduction?
    title: What is harm reduction, and does it work?
"""


class YamlTag(ProblemRule):
    id = "schema/yaml-tag"
    summary = "A YAML tag (`!!python/object`, `!custom`) in front matter; it is never executed."
    explanation = """
Why: article front matter is plain data. Tags are never constructed by hrlint (it only composes
the YAML), but a CMS or site generator with an unsafe loader might execute them.

Example: `title: !!python/object/apply:os.system ["echo hi"]`
"""


class UnusedSuppression(Rule):
    id = "suppression/unused"
    summary = "An `hrlint-disable` comment that suppresses nothing."
    default_severity = Severity.INFO
    explanation = """
Why: suppressions outlive the text they were written for; an unused one hides the next real
problem. Remove it (reported only when the rules it names are enabled).

Example: `<!-- hrlint-disable-next-line stigma -->` above a line with no stigma finding.
"""


class StaleBaseline(Rule):
    id = "baseline/stale"
    summary = "A `--baseline` entry that matches no finding any more (fixed, or the text changed)."
    default_severity = Severity.INFO
    explanation = """
Why: a baseline that keeps entries for problems already fixed would hide them if they came back.
Reported on the baseline file (info); `--prune-baseline` removes such entries.
"""


class TooManyFindings(Rule):
    id = "file/too-many-findings"
    kept_by_select = True  # a run never drops findings without saying so
    summary = "A file has more findings than are reported for one file (1,000); the rest are not shown."
    default_severity = Severity.INFO
    explanation = """
Why: a file with thousands of findings (a pasted data dump, a generated page) would flood the
report and take minutes and gigabytes to list. The first 1,000 findings, in file order, are
reported, then this note at the first finding left out. Fix those, or exclude the file.
"""


RULES = [Unreadable, Encoding, TooLarge, Syntax, DuplicateKey, YamlTag, UnusedSuppression, StaleBaseline,
         TooManyFindings]
