"""Stigmatizing-language rules, driven by the term catalog in `rules/stigma.yaml`.

All terms of the catalog are compiled into one case-insensitive alternation (longest first), so a
region is scanned once whatever the catalog size. Each match is then checked against the
catalog's exceptions (proper names, fixed clinical terms) and its entry's context gates; quoted
terms are downgraded and terms discussed as words are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.registry import Example, Rule, RuleError
from lint.engine.sections import Section
from lint.model.findings import Fix, Severity
from lint.model.resources import data_dir, parse_yaml
from lint.store.verified import UNKEPT, Verified
from lint.text.words import WholeWords, keep_case, quoted, trie_regex

MAX_MATCHES = 2000  # per document: more than a report shows for one file (runner.MAX_FINDINGS_PER_FILE)
_WORD = re.compile(r"[\w'’-]+")
_MENTION = re.compile(
    r"(?:\bthe\s+(?:word|term|label)s?|\b(?:words?|terms?|labels?)\s+(?:such\s+as|like)"
    r"|\b(?:call(?:ed|ing)?|say(?:ing)?|instead\s+of)(?:\s+\w+){0,2})\W{0,3}$",
    re.I,
)


def _whole_words(phrases: list[str]) -> WholeWords | None:
    return WholeWords(phrases) if phrases else None


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


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

            self._compiled = (
                words("not_before", r"(?<![\w-])", r"[\s-]*\Z"),
                words("not_after", r"[\s-]*", r"(?!\w)"),
                words("near", r"(?<![\w-])", r"(?![\w-])"),
                int(self.context.get("window", 6)),
                words("figurative_after", r"(?<![\w-])", r"(?![\w-])"),
            )
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
            nearby = " ".join(
                _WORD.findall(text, max(0, a - reach), a)[-window:] + _WORD.findall(text, b, b + reach)[:window]
            )
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
        self.entries = [
            Entry(
                e["id"],
                e["rule"],
                [_norm(t) for t in e["terms"]],
                Severity.parse(e["severity"]),
                e["message"],
                e.get("alternatives", []),
                e.get("sources", []),
                Gates(e.get("context")),
                e.get("fix"),
            )
            for e in raw.get("entries", [])
        ]
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
            if _MENTION.search(text[max(0, a - 30) : a]) and quoted(text, a, b):
                continue  # the term is discussed as a word, not used
            if quoted(text, a, b):
                severity, note = min(severity, self.quoted_severity), "quoted"
            yield a, b, entry, severity, note


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


def _rule_ids(cls: type) -> set[str]:
    """The ids of the stigma rules defined (built-in and plugins'): an entry names one of them."""
    return {sub.id for sub in cls.__subclasses__() if hasattr(sub, "id")} | {
        rid for sub in cls.__subclasses__() for rid in _rule_ids(sub)
    }


def build_catalog(settings: dict[str, Any], verified: Verified = UNKEPT) -> Catalog:
    """The bundled catalog plus the config's `stigma` settings (extra catalogs, entries, overrides)."""
    raw = _read(data_dir("rules") / "stigma.yaml", verified)
    entries, exceptions, sources = (
        list(raw.get("entries", [])),
        list(raw.get("exceptions", [])),
        dict(raw.get("sources", {})),
    )
    for path in settings.get("catalogs", []):
        extra = _read(path, verified)
        entries += extra.get("entries", [])
        exceptions += extra.get("exceptions", [])
        sources.update(extra.get("sources", {}))
    if settings.get("entries"):
        _validate({"entries": settings["entries"]}, "config `stigma.entries`")
        entries += settings["entries"]
    exceptions += [{"phrase": p} for p in settings.get("exceptions", [])]
    rules = _rule_ids(StigmaRule)
    for entry in entries:
        if entry["rule"] not in rules:
            raise RuleError(
                f"stigma catalog entry `{entry['id']}`: `{entry['rule']}` is not a stigma rule "
                f"(known: {', '.join(sorted(rules))})"
            )
    ids = {e["id"] for e in entries}
    for entry_id in [*settings.get("disable", []), *settings.get("severity", {})]:
        if entry_id not in ids:
            raise RuleError(f"config `stigma`: unknown catalog entry `{entry_id}` (see rules/stigma.yaml)")
    disabled = set(settings.get("disable", []))
    overrides = settings.get("severity", {})
    entries = [{**e, "severity": overrides.get(e["id"], e["severity"])} for e in entries if e["id"] not in disabled]
    quoted = Severity.parse(settings.get("quoted-severity", "info"))
    return Catalog({"entries": entries, "exceptions": exceptions, "sources": sources}, quoted)


_STRINGS = {"type": "array", "items": {"type": "string"}, "errorMessage": "must be a list of strings"}
_SEVERITY = {"enum": ["error", "warning", "info"], "errorMessage": "must be error, warning or info"}
# The `stigma:` config section: catalog extensions, read by every stigma rule.
STIGMA = Section(
    "stigma",
    {
        "catalogs": {**_STRINGS, "description": "more catalog files (YAML, the format of rules/stigma.yaml)"},
        "entries": {
            "type": "array",
            "items": {"type": "object"},
            "errorMessage": "must be a list of catalog entries",
            "description": "catalog entries written in the config",
        },
        "exceptions": {**_STRINGS, "description": "more phrases in which no term is reported"},
        "disable": {**_STRINGS, "description": "ids of catalog entries to leave out"},
        "severity": {
            "type": "object",
            "additionalProperties": _SEVERITY,
            "errorMessage": "must map entry ids to severities (error, warning or info)",
            "description": "severity per catalog entry id",
        },
        "quoted-severity": {**_SEVERITY, "description": "severity of a term in quotation marks (default info)"},
    },
    paths=("catalogs",),
)

STIGMA_CATALOG: Analysis[Catalog] = Analysis(
    "the stigma catalog", lambda ctx: build_catalog(ctx.section(STIGMA), ctx.verified)
)


def find(doc, ctx) -> list[tuple]:
    """Every stigma match of a document, shared by the stigma rules: (region, a, b, entry, severity, note)."""
    catalog = ctx.get(STIGMA_CATALOG)
    found = (
        (region, a, b, entry, severity, note)
        for region in ctx.regions(doc)
        for a, b, entry, severity, note in catalog.matches(region.text, region.lower)
    )
    return list(islice(found, MAX_MATCHES))  # bounded work on a pathological file


STIGMA_MATCHES: DocumentAnalysis[list[tuple]] = DocumentAnalysis("stigma matches", find)


class StigmaRule(Rule):
    """Reports the catalog matches whose entry belongs to this rule id."""

    default_severity = Severity.ERROR
    analyses = (STIGMA_CATALOG,)
    section = STIGMA

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
                message += f' Prefer "{alternatives[0]}".'
            if note == "quoted":
                message += " (Quoted: reported as info.)"
            yield self.report_region(
                doc,
                region,
                a,
                b,
                message,
                suggestions=alternatives,
                fix=_fix(doc, region, a, b, entry),
                severity=self._severity(entry, severity, note),
            )

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


def _rule(
    rule_id: str, summary: str, why: str, flagged: str, passing: str, fix_safety: str, fix_note: str = ""
) -> type[StigmaRule]:
    """One rule class per catalog rule id; the catalog decides which terms belong to it (and so
    which fixes it offers: `fix_safety` states it, and a test holds it to the catalog)."""
    name = "".join(part.title() for part in rule_id.split("/")[1].split("-"))
    return type(
        name,
        (StigmaRule,),
        {
            "id": rule_id,
            "summary": summary,
            "why": why + " Terms, alternatives and sources: `rules/stigma.yaml`.",
            "example_flagged": Example(flagged),
            "example_passing": Example(passing),
            "severity_note": _SEVERITY_NOTE,
            "fix_safety": fix_safety,
            "fix_note": fix_note or (_FIX_NOTE if fix_safety != "none" else ""),
        },
    )


_SEVERITY_NOTE = (
    "Each catalog term has its own severity: error where guidance agrees, warning where it "
    "is disputed or depends on context, info for a style preference. A quoted term is reported "
    "as info (`stigma.quoted-severity`); `stigma.severity` re-rates one entry, and a severity "
    "set for the rule in `rules:` applies to all its terms."
)
_FIX_NOTE = (
    "A catalog entry may offer a replacement that keeps the case and reads correctly in place; it is "
    "offered only where the source spells the term verbatim, and never as safe inside a "
    "`related_articleN.title`, which must repeat the target's title."
)

RULES = [
    _rule(
        "stigma/person-label",
        "Labels that reduce a person to their substance use (addict, abuser, alcoholic).",
        "NIDA, ONDCP, SAMHSA and the AP Stylebook ask for person-first language: a label such as "
        '"addict" defines a person by a condition and raises stigma, including among clinicians.',
        "Services for addicts are scarce.\n",
        "Services for people with a substance use disorder are scarce.\n",
        "unsafe",
        "Person-first replacements change the sentence around the label, so they are unsafe: review each one.",
    ),
    _rule(
        "stigma/slang",
        "Slang for people who use drugs (junkie, crackhead, druggie).",
        "Slang labels are plainly demeaning; guidance treats them as self-evidently stigmatizing.",
        "The junkies in the park were offered naloxone.\n",
        "The people who use drugs in the park were offered naloxone.\n",
        "none",
    ),
    _rule(
        "stigma/abuse",
        '"Abuse" for substance use (substance abuse, drug abuse).',
        '"Abuse" frames a health condition as wilful wrongdoing; "use", "misuse" or "use disorder" '
        "describe it. Child, elder and domestic abuse are never flagged.",
        "Trauma can lead to substance abuse.\n",
        "Trauma can lead to substance use. Child abuse is one such trauma.\n",
        "mixed",
    ),
    _rule(
        "stigma/clean-dirty",
        '"Clean"/"dirty" about people or drug-test results.',
        'Calling people or test results clean or dirty links drug use with filth; say "in recovery", '
        '"not currently using", "tested negative/positive". Clean water or energy is never flagged.',
        "She has been clean for two years; last month she gave a dirty urine sample.\n",
        "She has been in recovery for two years; last month she gave a positive urine sample, "
        "and she drinks clean water.\n",
        "unsafe",
    ),
    _rule(
        "stigma/equipment",
        '"Clean"/"dirty" injection equipment (clean needles).',
        'Harm-reduction programmes speak of sterile or new equipment; "dirty needles" implies dirty people.',
        "They need clean needles.\n",
        "They need sterile needles.\n",
        "mixed",
    ),
    _rule(
        "stigma/treatment",
        "Outdated treatment wording (replacement therapy, MAT).",
        '"Replacement" suggests one addiction swapped for another; current guidance says medication '
        "for opioid use disorder or opioid agonist treatment.",
        "Opioid replacement therapy reduces deaths.\n",
        "Opioid agonist therapy reduces deaths.\n",
        "mixed",
    ),
    _rule(
        "stigma/recovery",
        "Moralising recovery wording (relapse, hit bottom, enabler).",
        'Recovery advocates prefer neutral descriptions such as "return to use"; some terms are disputed '
        "and reported as warnings or info.",
        "He relapsed after two years of sobriety, and found a self-help group useful.\n",
        "He returned to use after two years of sobriety, and found a mutual-aid group useful.\n",
        "unsafe",
    ),
    _rule(
        "stigma/newborn",
        "Labels for babies exposed to substances (addicted baby, crack baby).",
        "Babies are not addicted; they may be exposed to substances or have neonatal withdrawal.",
        "The ward cares for crack babies.\n",
        "The ward cares for newborns exposed to substances.\n",
        "none",
    ),
    _rule(
        "stigma/framing",
        "Framing that moralises substance use (drug habit, drug problem, drug-seeking).",
        '"Habit" and "problem" deny the medical nature of a use disorder; clinical labels such as '
        '"non-compliant" blame the person.',
        "Her drug habit began after surgery.\n",
        "Her substance use disorder began after surgery.\n",
        "mixed",
    ),
]
