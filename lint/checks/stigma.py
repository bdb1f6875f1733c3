"""Stigmatizing-language rules, driven by the term catalog in `rules/stigma.yaml`.

All terms of the catalog are compiled into one case-insensitive alternation (longest first), so a
region is scanned once whatever the catalog size. Each match is then checked against the
catalog's exceptions (proper names, fixed clinical terms) and its entry's context gates; quoted
terms are downgraded and terms discussed as words are skipped.
"""

from __future__ import annotations

import json
import re
from itertools import islice
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from lint.model.resources import data_dir, parse_yaml
from lint.model.findings import Fix, Severity
from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.registry import Rule, RuleError
from lint.store.verified import UNKEPT, Verified

CONTEXT_CHARS = 300  # how far around a match quote detection looks
MAX_MATCHES = 2000  # per document: more than a report shows for one file (runner.MAX_FINDINGS_PER_FILE)
_WORD = re.compile(r"[\w'’-]+")
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’"}
_MENTION = re.compile(r"(?:\bthe\s+(?:word|term|label)s?|\b(?:words?|terms?|labels?)\s+(?:such\s+as|like)"
                      r"|\b(?:call(?:ed|ing)?|say(?:ing)?|instead\s+of)(?:\s+\w+){0,2})\W{0,3}$", re.I)


def trie_regex(phrases: list[str]) -> str:
    """One alternation factored by common prefixes, so each position fails after a character or two
    instead of trying every phrase (a space in a phrase matches any run of whitespace)."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + ("?" if optional else "")

    return build(trie)


class WholeWords:
    """Lower-case phrases found as whole words, case-insensitively. The text is lower-cased and
    searched with a case-sensitive pattern (about 3x faster than `re.I`); the rare text whose
    length changes when lower-cased is searched with the `re.I` pattern instead."""

    def __init__(self, phrases: list[str], separator: str = r"\s+"):
        """`separator`: what a space in a phrase matches."""
        self.source = r"(?<![\w-])" + trie_regex(phrases).replace(r"\s+", separator) + r"(?![\w-])"
        self.lower = re.compile(self.source)
        self._ignore_case: re.Pattern | None = None

    def finditer(self, text: str, low: str | None = None):
        """Matches in `text`; `low` is `text.lower()` when the caller has it already."""
        low = text.lower() if low is None else low
        if len(low) == len(text):
            return self.lower.finditer(low)
        if self._ignore_case is None:
            self._ignore_case = re.compile(self.source, re.I)
        return self._ignore_case.finditer(text)


def _whole_words(phrases: list[str]) -> WholeWords | None:
    return WholeWords(phrases) if phrases else None


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def keep_case(original: str, replacement: str) -> str:
    """`Addicts` -> `People ...`, `ADDICTS` -> `PEOPLE ...`, `addicts` -> `people ...`."""
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper() and (len(original) == 1 or not original[1].isupper()):
        return replacement[:1].upper() + replacement[1:]
    return replacement  # lower case, or an acronym such as "IV drug users"


class Gates:
    """An entry's context conditions (see `context` in rules/stigma.schema.json), compiled when
    the entry first matches: most entries never match a given file."""

    def __init__(self, context: dict[str, Any] | None = None):
        self.context = context or {}
        self._compiled: tuple | None = None

    def compiled(self) -> tuple:
        """(not_before, not_after, near, window, figurative): a phrase right before or right after
        the term cancels it; one of the `near` words must be within `window` words; one of the
        figurative words within 3 words after lowers it to info."""
        if self._compiled is None:
            def words(key: str, prefix: str, suffix: str) -> re.Pattern | None:
                phrases = [_norm(p) for p in self.context.get(key, [])]
                return re.compile(prefix + trie_regex(phrases) + suffix, re.I) if phrases else None

            self._compiled = (words("not_before", r"(?<![\w-])", r"[\s-]*\Z"), words("not_after", r"[\s-]*", r"(?!\w)"),
                              words("near", r"(?<![\w-])", r"(?![\w-])"), int(self.context.get("window", 6)),
                              words("figurative_after", r"(?<![\w-])", r"(?![\w-])"))
        return self._compiled

    def verdict(self, text: str, a: int, b: int, severity: Severity) -> tuple[Severity, str] | None:
        """None to drop the match at [a, b), else its (severity, note)."""
        not_before, not_after, near, window, figurative = self.compiled()
        if not_before and not_before.search(text, max(0, a - 60), a):
            return None
        if not_after and not_after.match(text, b, b + 60):
            return None
        if near:
            reach = window * 20
            nearby = " ".join(_WORD.findall(text, max(0, a - reach), a)[-window:] + _WORD.findall(text, b, b + reach)[:window])
            if not near.search(nearby):
                return None
        if figurative and figurative.search(" ".join(_WORD.findall(text, b, b + 60)[:3])):
            return Severity.INFO, "figurative"
        return severity, ""


@dataclass
class Entry:
    id: str
    rule: str
    terms: list[str]
    severity: Severity
    message: str
    alternatives: list[str]
    sources: list[str]
    gates: Gates = field(default_factory=Gates)
    fix: dict[str, Any] | None = None


class Catalog:
    """The compiled catalog: one pattern for every term, one for every exception phrase."""

    def __init__(self, raw: dict[str, Any], quoted_severity: Severity = Severity.INFO):
        self.quoted_severity = quoted_severity
        self.sources = raw.get("sources", {})
        self.entries = [Entry(e["id"], e["rule"], [_norm(t) for t in e["terms"]], Severity.parse(e["severity"]),
                              e["message"], e.get("alternatives", []), e.get("sources", []),
                              Gates(e.get("context")), e.get("fix")) for e in raw.get("entries", [])]
        self.by_term = {t: entry for entry in self.entries for t in entry.terms}
        self.pattern = _whole_words(list(self.by_term))
        self.exception_phrases = [_norm(x["phrase"]) for x in raw.get("exceptions", [])]

    @cached_property
    def exceptions(self) -> WholeWords | None:
        """One pattern for every exception phrase, compiled when a term is first found."""
        return _whole_words(self.exception_phrases)

    def matches(self, text: str, low: str | None = None):
        """(start, end, entry, severity, note) of every finding-worthy term in `text` (`low`: the
        text lower-cased, if already known)."""
        if self.pattern is None:
            return
        excluded = None  # exception phrases are looked for only once a term is found
        for m in self.pattern.finditer(text, low):
            a, b = m.span()
            if excluded is None:
                excluded = [x.span() for x in self.exceptions.finditer(text, low)] if self.exceptions else []
            if any(s <= a and b <= e for s, e in excluded):
                continue
            entry = self.by_term[_norm(m.group(0))]
            verdict = entry.gates.verdict(text, a, b, entry.severity)
            if verdict is None:
                continue
            severity, note = verdict
            if _MENTION.search(text[max(0, a - 30):a]) and _quoted(text, a, b):
                continue  # the term is discussed as a word, not used
            if _quoted(text, a, b):
                severity, note = min(severity, self.quoted_severity), "quoted"
            yield a, b, entry, severity, note


def _quoted(text: str, a: int, b: int) -> bool:
    """True if [a, b) is in a Markdown blockquote line or between quotation marks on its line."""
    line_start = max(text.rfind("\n", max(0, a - CONTEXT_CHARS), a) + 1, a - CONTEXT_CHARS, 0)
    line_end = text.find("\n", b, b + CONTEXT_CHARS)
    line_end = min(len(text), b + CONTEXT_CHARS) if line_end < 0 else line_end
    head, tail = text[line_start:a], text[b:line_end]
    if head.lstrip().startswith(">"):
        return True
    for opening, closing in _QUOTES.items():
        i = head.rfind(opening)
        if i < 0 or (opening == "'" and i > 0 and head[i - 1].isalpha()):
            continue  # an apostrophe, not a quote
        if closing in head[i + 1:] and opening != closing:
            continue
        if opening == closing and head[i + 1:].count(opening) % 2:
            continue
        j = tail.find(closing)
        if j >= 0 and not (closing == "'" and j + 1 < len(tail) and tail[j + 1].isalpha()):
            return True
    return False


_SCHEMA_FILE = "stigma.schema.json"


def _read(path: Path, verified: Verified) -> dict[str, Any]:
    """A catalog file, parsed (or read from the cache of parsed data) and validated unless these
    bytes passed before (`verified`)."""
    try:
        content = path.read_bytes()
        raw = verified.parsed(content, parse_yaml)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read stigma catalog: {exc}".replace("\n", " ")) from None
    verified.check("stigma-catalog", content, lambda: _validate(raw, str(path)))
    return raw


def _validate(raw: Any, where: str) -> None:
    from lint.store.schemas import best_error

    schema = json.loads((data_dir("rules") / _SCHEMA_FILE).read_text(encoding="utf-8"))
    error = best_error(schema, raw)
    if error is not None:
        at = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise RuleError(f"{where}: invalid stigma catalog at {at}: {error.message}")


def build_catalog(settings: dict[str, Any], verified: Verified = UNKEPT) -> Catalog:
    """The bundled catalog plus the config's `stigma` settings (extra catalogs, entries, overrides)."""
    raw = _read(data_dir("rules") / "stigma.yaml", verified)
    entries, exceptions, sources = list(raw.get("entries", [])), list(raw.get("exceptions", [])), dict(raw.get("sources", {}))
    for path in settings.get("catalogs", []):
        extra = _read(path, verified)
        entries += extra.get("entries", [])
        exceptions += extra.get("exceptions", [])
        sources.update(extra.get("sources", {}))
    if settings.get("entries"):
        _validate({"entries": settings["entries"]}, "config `stigma.entries`")
        entries += settings["entries"]
    exceptions += [{"phrase": p} for p in settings.get("exceptions", [])]
    ids = {e["id"] for e in entries}
    for entry_id in [*settings.get("disable", []), *settings.get("severity", {})]:
        if entry_id not in ids:
            raise RuleError(f"config `stigma`: unknown catalog entry `{entry_id}` (see rules/stigma.yaml)")
    disabled = set(settings.get("disable", []))
    overrides = settings.get("severity", {})
    entries = [{**e, "severity": overrides.get(e["id"], e["severity"])} for e in entries if e["id"] not in disabled]
    quoted = Severity.parse(settings.get("quoted-severity", "info"))
    return Catalog({"entries": entries, "exceptions": exceptions, "sources": sources}, quoted)


STIGMA_CATALOG: Analysis[Catalog] = Analysis(
    "the stigma catalog", lambda ctx: build_catalog(ctx.config.stigma, ctx.verified))


def find(doc, ctx) -> list[tuple]:
    """Every stigma match of a document, shared by the stigma rules: (region, a, b, entry, severity, note)."""
    catalog = ctx.get(STIGMA_CATALOG)
    found = ((region, a, b, entry, severity, note)
             for region in ctx.regions(doc)
             for a, b, entry, severity, note in catalog.matches(region.text, region.lower))
    return list(islice(found, MAX_MATCHES))  # bounded work on a pathological file


STIGMA_MATCHES: DocumentAnalysis[list[tuple]] = DocumentAnalysis("stigma matches", find)


class StigmaRule(Rule):
    """Reports the catalog matches whose entry belongs to this rule id."""

    default_severity = Severity.ERROR
    analyses = (STIGMA_CATALOG,)

    @property
    def severity_label(self) -> str:
        return str(self.configured_severity) if self.configured_severity else "per-term"

    def check(self, doc, ctx):
        for region, a, b, entry, severity, note in ctx.of(doc, STIGMA_MATCHES):
            if entry.rule != self.id:
                continue
            found = region.text[a:b]
            alternatives = [keep_case(found, alt) for alt in entry.alternatives]
            message = f"`{' '.join(found.split())}`: {entry.message}"
            if alternatives:
                message += f" Prefer \"{alternatives[0]}\"."
            if note == "quoted":
                message += " (Quoted: reported as info.)"
            yield self.report_region(doc, region, a, b, message, suggestions=alternatives,
                                     fix=_fix(doc, region, a, b, entry),
                                     severity=self._severity(entry, severity, note))

    def _severity(self, entry: Entry, severity: Severity, note: str) -> Severity:
        """The entry's severity, unless the config set this rule's (a downgraded match stays down)."""
        if note or self.configured_severity is None:
            return severity
        return self.configured_severity


def _fix(doc, region, a: int, b: int, entry: Entry) -> Fix | None:
    if not entry.fix:
        return None
    found = region.text[a:b]
    replacement = entry.fix.get("replacements", {}).get(_norm(found))
    start, end = region.source_span(a, b)
    if replacement is None or doc.text[start:end] != found:
        return None  # only where the source spells the term verbatim (no escapes or folds inside)
    # A related article's title must repeat the target's title: rewording it there is never safe.
    safe = bool(entry.fix.get("safe", False)) and not (region.field or "").startswith("related_article")
    return Fix(start, end, keep_case(found, replacement), safe)


def _rule(rule_id: str, summary: str, why: str, example: str) -> type[StigmaRule]:
    """One rule class per catalog rule id; the catalog decides which terms belong to it."""
    name = "".join(part.title() for part in rule_id.split("/")[1].split("-"))
    return type(name, (StigmaRule,), {
        "id": rule_id, "summary": summary,
        "explanation": f"\nWhy: {why}\n\nExample: {example}\n\nTerms, alternatives and sources: rules/stigma.yaml.\n",
    })


RULES = [
    _rule("stigma/person-label", "Labels that reduce a person to their substance use (addict, abuser, alcoholic).",
          "NIDA, ONDCP, SAMHSA and the AP Stylebook ask for person-first language: a label such as "
          "\"addict\" defines a person by a condition and raises stigma, including among clinicians.",
          "\"addicts\" -> \"people with a substance use disorder\"; \"drug users\" -> \"people who use drugs\"."),
    _rule("stigma/slang", "Slang for people who use drugs (junkie, crackhead, druggie).",
          "Slang labels are plainly demeaning; guidance treats them as self-evidently stigmatizing.",
          "\"junkies\" -> \"people who use drugs\"."),
    _rule("stigma/abuse", "\"Abuse\" for substance use (substance abuse, drug abuse).",
          "\"Abuse\" frames a health condition as wilful wrongdoing; \"use\", \"misuse\" or \"use disorder\" "
          "describe it. Child, elder and domestic abuse are never flagged.",
          "\"substance abuse\" -> \"substance use\"."),
    _rule("stigma/clean-dirty", "\"Clean\"/\"dirty\" about people or drug-test results.",
          "Calling people or test results clean or dirty links drug use with filth; say \"in recovery\", "
          "\"not currently using\", \"tested negative/positive\". Clean water or energy is never flagged.",
          "\"she has been clean for two years\" -> \"in recovery for two years\"."),
    _rule("stigma/equipment", "\"Clean\"/\"dirty\" injection equipment (clean needles).",
          "Harm-reduction programmes speak of sterile or new equipment; \"dirty needles\" implies dirty people.",
          "\"clean needles\" -> \"sterile needles\"."),
    _rule("stigma/treatment", "Outdated treatment wording (replacement therapy, MAT).",
          "\"Replacement\" suggests one addiction swapped for another; current guidance says medication "
          "for opioid use disorder or opioid agonist treatment.",
          "\"opioid replacement therapy\" -> \"opioid agonist therapy\"."),
    _rule("stigma/recovery", "Moralising recovery wording (relapse, hit bottom, enabler).",
          "Recovery advocates prefer neutral descriptions such as \"return to use\"; some terms are disputed "
          "and reported as warnings or info.",
          "\"he relapsed\" -> \"he returned to use\"."),
    _rule("stigma/newborn", "Labels for babies exposed to substances (addicted baby, crack baby).",
          "Babies are not addicted; they may be exposed to substances or have neonatal withdrawal.",
          "\"crack babies\" -> \"newborns exposed to substances\"."),
    _rule("stigma/framing", "Framing that moralises substance use (drug habit, drug problem, drug-seeking).",
          "\"Habit\" and \"problem\" deny the medical nature of a use disorder; clinical labels such as "
          "\"non-compliant\" blame the person.",
          "\"drug habit\" -> \"substance use disorder\"."),
]
