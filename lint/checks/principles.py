"""Principle-wording rules: quotations and lists of the NHRC principles against the canonical set.

Statements (sentences, list items, lines) are found in every prose region. A statement is only
compared with the principles when it contains a key phrase (one compiled pattern), then scored with
rapidfuzz against each principle's canonical and legacy wording; a close match is diffed word by
word to tell canonical, legacy and misquoted wording apart.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.registry import Example, Rule, RuleError
from lint.model.findings import Fix, Severity
from lint.model.resources import data_dir, parse_yaml
from lint.store.verified import UNKEPT, Verified
from lint.text.words import WholeWords, keep_case

QUOTE_SCORE = 80  # rapidfuzz ratio from which a statement is read as a quotation
LEAD_IN = 3  # words before a quotation that are the author's own ("Harm reduction ...")
PARAPHRASE_SCORE = 45  # token-set ratio (plus a key phrase) from which it is about the principle

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
_ITEM = re.compile(r"^[ \t]*(?:[•\-*+]|\d{1,2}[.)])[ \t]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z])")
_PRINCIPLES = re.compile(r"\bprinciples\b", re.I)
_HEDGED = re.compile(r"\b(?:include|includes|including|such as|some of|several|among|examples?)\b", re.I)


def words(text: str) -> list[str]:
    return [w.lower().replace("'", "").replace("’", "") for w in _TOKEN.findall(text)]


@dataclass
class Change:
    old: list[str]
    new: str
    what: str


@dataclass
class Principle:
    number: int
    name: str
    canonical: str
    key_phrases: list[str]
    legacy: str | None = None
    changes: list[Change] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.canonical_words = words(self.canonical)
        self.legacy_words = words(self.legacy) if self.legacy else None

    @property
    def title(self) -> str:
        return f"principle {self.number} ({self.name})"


class Principles:
    """The compiled canonical set (rules/nhrc-principles.yaml)."""

    def __init__(self, raw: dict[str, Any]):
        self.source = raw["source"]
        self.organisation = raw["organisation"]
        self.items = [
            Principle(
                p["number"],
                p["name"],
                p["canonical"],
                p["key_phrases"],
                (p.get("legacy") or {}).get("text"),
                [Change(words(c["old"]), c["new"], c["what"]) for c in (p.get("legacy") or {}).get("changes", [])],
            )
            for p in raw["principles"]
        ]
        phrases = [" ".join(words(k)) for p in self.items for k in p.key_phrases]
        self.keys = WholeWords(phrases, separator=r"[\s\W]+")
        self.key_owner = {" ".join(words(k)): p for p in self.items for k in p.key_phrases}
        org = self.organisation
        self.old_name = re.compile(
            r"(?<!National )\b"
            + re.escape(org["former"])
            + r"\b(?:\s*\(\s*"
            + re.escape(org["former_abbreviation"])
            + r"\s*\))?|\b"
            + re.escape(org["former_abbreviation"])
            + r"\b"
        )
        bodies = [org["current"], org["current_abbreviation"], org["former"], org["former_abbreviation"]]
        self.coalition = re.compile("|".join(r"\b" + re.escape(b) + r"\b" for b in bodies))
        self.other_bodies = re.compile("|".join(r"\b" + re.escape(b) + r"\b" for b in raw.get("other_bodies", [])))
        self.verdicts: dict[str, Match | None] = {}  # statement text -> its classification at offset 0

    def by_number(self, number: int) -> Principle:
        return self.items[number - 1]


def load_principles(verified: Verified = UNKEPT) -> Principles:
    """The canonical set, parsed (or read from the cache of parsed data, `verified`)."""
    path = data_dir("rules") / "nhrc-principles.yaml"
    try:
        return Principles(verified.parsed(path.read_bytes(), parse_yaml))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise RuleError(f"{path}: cannot read the principles: {exc}") from None


# --- statements -------------------------------------------------------------------------------


@dataclass
class Statement:
    """A sentence, list item or line of a region: region text [a, b)."""

    a: int
    b: int
    text: str
    item: bool  # a bullet or numbered list item
    line: int  # index of the line in the region (for grouping lists)


def statements(text: str) -> list[Statement]:
    out = []
    pos = 0
    for index, line in enumerate(text.split("\n")):
        start, end = pos, pos + len(line)
        pos = end + 1
        marker = _ITEM.match(line)
        if marker:
            content_start = start + marker.end()
            out.append(Statement(content_start, end, text[content_start:end].rstrip(), True, index))
            continue
        s = start
        for m in _SENTENCE_END.finditer(line):
            piece = text[s : start + m.start()]
            if piece.strip():
                out.append(_trimmed(text, s, start + m.start(), index))
            s = start + m.end()
        if text[s:end].strip():
            out.append(_trimmed(text, s, end, index))
    return out


def _trimmed(text: str, a: int, b: int, line: int) -> Statement:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Statement(a, b, text[a:b], False, line)


# --- classification ---------------------------------------------------------------------------


@dataclass
class Match:
    statement: Statement
    principle: Principle
    kind: str  # canonical | legacy | misquote | paraphrase
    legacy: list[tuple[int, int, Change]] = field(default_factory=list)  # region spans
    diff: list[tuple[int, int, str, str]] = field(default_factory=list)  # region span, removed, added
    verbatim_legacy: bool = False


_LABEL = re.compile(r"\s*(?:\*\*|__)?[A-Z][\w&’'/ -]{0,50}?(?:\*\*|__)?:\s+")


def _quote_part(st: Statement) -> tuple[int, str]:
    """Skip a leading label ("**Acceptance**: ", "Pragmatism & Realism: ") before the quotation."""
    m = _LABEL.match(st.text)
    if m and len(m.group(0).split()) <= 6:
        return m.end(), st.text[m.end() :]
    return 0, st.text


# An attribution before the quotation: "As the coalition puts it, ", "The principles state that ".
_ATTRIBUTION = re.compile(
    r"[^,;:]{0,100}?(?:,\s+|\b(?:says?|states?|stated|said|writes|notes|explains|puts it)"
    r"\s+(?:that\s+)?)",
    re.I,
)


def _quote_parts(st: Statement) -> list[tuple[int, str]]:
    """Where the quotation may start: after a label, or after an attribution clause."""
    offset, quote = _quote_part(st)
    parts = [(offset, quote)]
    m = _ATTRIBUTION.match(quote)
    if m and m.end() < len(quote):
        parts.append((offset + m.end(), quote[m.end() :]))
    return parts


def classify(st: Statement, principles: Principles) -> Match | None:
    """The principle a statement quotes or paraphrases, and how (None if none). Each distinct
    statement text is classified once per run: a corpus repeats the same quotations."""
    if st.text not in principles.verdicts:
        if len(principles.verdicts) >= 20_000:
            principles.verdicts.clear()  # bounded memory on huge corpora
        principles.verdicts[st.text] = _classify(Statement(0, len(st.text), st.text, st.item, 0), principles)
    found = principles.verdicts[st.text]
    if found is None:
        return None
    return Match(
        st,
        found.principle,
        found.kind,
        [(a + st.a, b + st.a, c) for a, b, c in found.legacy],
        [(a + st.a, b + st.a, old, new) for a, b, old, new in found.diff],
        found.verbatim_legacy,
    )


def _classify(st: Statement, principles: Principles) -> Match | None:
    key_hits = {
        principles.key_owner[" ".join(words(m.group(0)))].number
        for m in principles.keys.finditer(st.text)
        if " ".join(words(m.group(0))) in principles.key_owner
    }
    if not key_hits:
        return None
    from rapidfuzz import fuzz  # here: most files have no statement worth scoring

    best, best_score, best_offset = None, 0.0, 0
    for offset, quote in _quote_parts(st):
        joined = " ".join(words(quote))
        for p in principles.items:
            score = max(
                fuzz.ratio(joined, " ".join(p.canonical_words)),
                fuzz.ratio(joined, " ".join(p.legacy_words)) if p.legacy_words else 0,
            )
            if score > best_score:
                best, best_score, best_offset = p, score, offset
    if best is not None and best_score >= QUOTE_SCORE:
        quote = st.text[best_offset:]
        tokens = [(m.start() + best_offset, m.end() + best_offset) for m in _TOKEN.finditer(quote)]
        return _diff(st, best, words(quote), tokens)
    scored = [
        (fuzz.token_set_ratio(" ".join(words(st.text)), " ".join(p.canonical_words)), p.number)
        for p in principles.items
        if p.number in key_hits
    ]
    score, number = max(scored)
    principle = principles.by_number(number)
    if score >= PARAPHRASE_SCORE:
        return Match(st, principle, "paraphrase")
    return None


def _find(seq: list[str], sub: list[str]) -> int:
    for i in range(len(seq) - len(sub) + 1):
        if seq[i : i + len(sub)] == sub:
            return i
    return -1


def _diff(st: Statement, p: Principle, cand: list[str], tokens: list[tuple[int, int]]) -> Match:
    def span(i: int, j: int) -> tuple[int, int]:
        if i < j:
            return st.a + tokens[i][0], st.a + tokens[j - 1][1]
        at = st.a + (tokens[i][0] if i < len(tokens) else (tokens[-1][1] if tokens else 0))
        return at, at

    hits = []
    for change in p.changes:
        i = _find(cand, change.old)
        if i >= 0 and not any(h[0] <= i < h[1] for h in hits):
            hits.append((i, i + len(change.old), change))
    ops = [
        op
        for op in difflib.SequenceMatcher(None, cand, p.canonical_words, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if ops and ops[0][0] == "delete" and ops[0][1] == 0 and ops[0][2] <= LEAD_IN:
        ops = ops[1:]  # a short lead-in such as "Harm reduction does not attempt ..."
    unexplained = [op for op in ops if not any(h[0] <= op[1] and op[2] <= h[1] for h in hits)]
    legacy = [(*span(i, j), change) for i, j, change in sorted(hits, key=lambda h: h[0])]
    if not ops:
        return Match(st, p, "canonical")
    if not unexplained:
        return Match(st, p, "legacy", legacy, verbatim_legacy=cand == p.legacy_words)
    diff = [
        (*span(i1, i2), " ".join(cand[i1:i2]), " ".join(p.canonical_words[j1:j2])) for _, i1, i2, j1, j2 in unexplained
    ]
    return Match(st, p, "misquote", legacy, diff)


# --- lists ------------------------------------------------------------------------------------


@dataclass
class PrincipleList:
    intro: Statement
    hedged: bool  # "include", "such as": the list does not claim to be complete
    coalition: bool  # attributed to the coalition (else to another body)
    items: list[tuple[Statement, Match | None]]


def find_lists(sts: list[Statement], matches: dict[int, Match], principles: Principles) -> list[PrincipleList]:
    """Passages that introduce the coalition's principles and then list them."""
    out = []
    for k, st in enumerate(sts):
        if not _PRINCIPLES.search(st.text):
            continue
        coalition = bool(principles.coalition.search(st.text))
        if not (coalition or principles.other_bodies.search(st.text)):
            continue
        items = []
        for nxt in sts[k + 1 :]:
            if nxt.line == st.line:
                continue  # the rest of the introducing line
            match = matches.get(id(nxt))
            if not (nxt.item or match is not None):
                break  # a plain line that is no principle ends the list
            items.append((nxt, match))
        if len(items) >= 2:
            out.append(PrincipleList(st, bool(_HEDGED.search(st.text)), coalition, items))
    return out


def analyse(region, principles: Principles) -> tuple[list[Statement], list[Match], list[PrincipleList]]:
    has_keys = next(principles.keys.finditer(region.text, region.lower), None) is not None
    if not has_keys and "rinciple" not in region.text:
        return [], [], []  # the fast path: nothing here quotes, lists or attributes principles
    sts = statements(region.text)
    matches = {}
    if has_keys:
        for st in sts:
            m = classify(st, principles)
            if m is not None:
                matches[id(st)] = m
    lists = find_lists(sts, matches, principles) if matches else []
    return sts, list(matches.values()), lists


# --- rules ------------------------------------------------------------------------------------

PRINCIPLES: Analysis[Principles] = Analysis("the canonical principles", lambda ctx: load_principles(ctx.verified))


def _analysis(doc, ctx):
    principles = ctx.get(PRINCIPLES)
    return [(region, *analyse(region, principles)) for region in ctx.regions(doc)]


# (region, statements, matches, lists) of each prose region of a document
QUOTATIONS: DocumentAnalysis[list[tuple]] = DocumentAnalysis("principle quotations", _analysis)


class PrincipleRule(Rule):
    default_severity = Severity.WARNING

    analyses = (PRINCIPLES,)

    def analysis(self, doc, ctx):
        return ctx.of(doc, QUOTATIONS)

    @classmethod
    def describe(cls) -> str:
        principles = load_principles()
        text = cls.explanation.rstrip() + "\n\nThe canonical principles (" + principles.source["url"] + "):\n"
        for p in principles.items:
            text += f"\n  {p.number}. {p.name}: {p.canonical}"
        return text + "\n"


# Lists of the principles for the rules' examples: the eight in short paraphrase, and two items of
# the paraphrased list in seeds/000_*.
_AGENCY_ITEM = "6. People who use drugs as the primary agents of reducing the harms of their drug use.\n"
_PRINCIPLE_LIST = f"""\
The principles of harm reduction of the National Harm Reduction Coalition are:

1. Accepting that drug use is part of our world and working to minimize its harmful effects.
2. Understanding drug use as complex and multi-faceted, a continuum of behaviors.
3. Measuring success by the quality of individual and community life, not the cessation of all drug use.
4. Non-judgmental, non-coercive services for people who use drugs.
5. A real voice for people who use drugs in the creation of programs and policies.
{_AGENCY_ITEM}7. Recognizing that poverty, racism and other social inequalities affect vulnerability to harm.
8. Not minimizing the real and tragic harm of illicit drug use.
"""
_PARAPHRASED = """\
The National Harm Reduction Coalition outlines principles central to harm reduction practice, which include:

1. **Acceptance of Drug Use**: Recognizing that drug use is a part of society and working to minimize its harmful effects rather than condemning it.
2. **Complexity of Drug Use**: Understanding that drug use exists on a spectrum, from severe use to total abstinence, and that some methods of drug use are safer than others.
"""


def canonical_message(p: Principle) -> str:
    return f'canonical text of {p.title}: "{p.canonical}"'


class LegacyWording(PrincipleRule):
    id = "principles/legacy-wording"
    summary = "A principle quoted in the old Harm Reduction Coalition wording."
    why = """
        The coalition revised its principles (people who use drugs instead of drug users, severe
        use instead of severe abuse, a continuum instead of a spectrum, "for better or worse").
        Quoting the old wording publishes language the coalition itself has retired. Each outdated
        phrase is reported with its replacement.
    """
    example_flagged = Example("""
        The coalition's fifth principle:

        Ensures that drug users and those with a history of drug use routinely have a real voice in the creation of programs and policies designed to serve them.
    """)
    example_passing = Example("""
        The coalition's fifth principle:

        Ensures that people who use drugs and those with a history of drug use routinely have a real voice in the creation of programs and policies designed to serve them.
    """)
    fix_safety = "mixed"
    fix_note = """
        The first finding of a statement carries a fix that replaces the whole statement with the
        canonical text: safe when the statement is a verbatim old version, unsafe when it also
        differs in other words.
    """

    def check(self, doc, ctx):
        for region, _, matches, _ in self.analysis(doc, ctx):
            for m in matches:
                if m.kind not in ("legacy", "misquote"):
                    continue
                for n, (start, end, change) in enumerate(m.legacy):
                    fix = _statement_fix(doc, region, m) if n == 0 and m.kind == "legacy" else None
                    yield self.report_region(
                        doc,
                        region,
                        start,
                        end,
                        f"outdated wording of {m.principle.title}: {change.what}; {canonical_message(m.principle)}",
                        suggestions=[keep_case(region.text[start:end], change.new)],
                        fix=fix,
                    )


def _statement_fix(doc, region, m: Match) -> Fix | None:
    offset, quote = _quote_part(m.statement)
    a, b = m.statement.a + offset, m.statement.b
    start, end = region.source_span(a, b)
    if doc.text[start:end] != region.text[a:b]:
        return None  # the statement is not spelled verbatim in the source (escapes, folds)
    replacement = m.principle.canonical
    if not quote.rstrip().endswith("."):
        replacement = replacement.rstrip(".")
    return Fix(start, end, replacement, safe=m.verbatim_legacy)


class Misquote(PrincipleRule):
    id = "principles/misquote"
    summary = "A principle quoted with words changed, added or dropped."
    why = """
        A statement presented as the coalition's wording must be its wording. The finding shows a
        minimal word-level diff against the canonical text (`- heavy` / `+ severe`), and suggests
        the canonical text.
    """
    example_flagged = Example(
        """
        Harm reduction "understands drug use as a complex, multi-faceted phenomenon that encompasses a continuum of behaviors from heavy use to total abstinence, and acknowledges that some ways of using drugs are clearly safer than others."
    """,
        caption='"heavy use" where the coalition wrote "severe use".',
    )
    example_passing = Example("""
        Harm reduction "understands drug use as a complex, multi-faceted phenomenon that encompasses a continuum of behaviors from severe use to total abstinence, and acknowledges that some ways of using drugs are clearly safer than others."
    """)

    def check(self, doc, ctx):
        for region, _, matches, _ in self.analysis(doc, ctx):
            for m in matches:
                if m.kind != "misquote":
                    continue
                start, end = m.diff[0][0], m.diff[-1][1]
                changes = "; ".join(f"- {old or '(nothing)'} / + {new or '(nothing)'}" for _, _, old, new in m.diff)
                yield self.report_region(
                    doc,
                    region,
                    start,
                    max(end, start + 1),
                    f"misquoted {m.principle.title}: {changes}; {canonical_message(m.principle)}",
                    suggestions=[m.principle.canonical],
                )


class Paraphrase(PrincipleRule):
    id = "principles/paraphrase"
    summary = "A principle given in the author's own words inside an attributed list (with require-verbatim)."
    default_severity = Severity.INFO
    options_schema = {
        "require-verbatim": {
            "type": "boolean",
            "default": False,
            "description": "report paraphrases of principles listed as the coalition's",
        },
    }
    why = """
        Paraphrasing the principles is fine in most articles, so nothing is reported by default. A
        publisher that wants attributed principles quoted word for word sets `require-verbatim:
        true`; then each paraphrased item of a list introduced as the coalition's principles is
        reported with the canonical text.
    """
    example_flagged = Example(
        _PARAPHRASED,
        config="""
        rules:
          principles/paraphrase: {require-verbatim: true}
    """,
        caption="With `require-verbatim: true`.",
    )
    example_passing = Example(_PARAPHRASED, caption="The same list with the default `require-verbatim: false`.")

    def check(self, doc, ctx):
        if not self.options["require-verbatim"]:
            return
        for region, _, _, lists in self.analysis(doc, ctx):
            for plist in (p for p in lists if p.coalition):
                for st, m in plist.items:
                    if m is not None and m.kind == "paraphrase":
                        yield self.report_region(
                            doc,
                            region,
                            st.a,
                            st.b,
                            f"paraphrase of {m.principle.title} in a list attributed to the "
                            f"coalition; {canonical_message(m.principle)}",
                            suggestions=[m.principle.canonical],
                        )


class Attribution(PrincipleRule):
    id = "principles/attribution"
    summary = "Principles attributed to the coalition's old name or to another body."
    why = """
        The principles belong to the National Harm Reduction Coalition (formerly Harm Reduction
        Coalition, HRC). A sentence that attributes them to the old name is outdated; one that
        attributes the coalition's list to another body (SAMHSA, WHO, ...) is wrong. The old name
        inside "National Harm Reduction Coalition" is never reported.
    """
    example_flagged = Example("""
        The Harm Reduction Coalition (HRC) considers the following principles central to harm reduction practice.
    """)
    example_passing = Example("""
        The National Harm Reduction Coalition (NHRC) considers the following principles central to harm reduction practice.
    """)
    fix_safety = "safe"
    fix_note = """
        The old name is replaced by the current one (`Harm Reduction Coalition (HRC)` -> `National
        Harm Reduction Coalition (NHRC)`) where the source spells it verbatim. A list attributed to
        another body gets a suggestion only.
    """

    def check(self, doc, ctx):
        principles = ctx.get(PRINCIPLES)
        org = principles.organisation
        current = f"{org['current']} ({org['current_abbreviation']})"
        for region, sts, _, lists in self.analysis(doc, ctx):
            for st in sts:
                if "rinciple" not in st.text or not re.search(r"\bprinciples?\b", st.text, re.I):
                    continue
                for m in principles.old_name.finditer(st.text):
                    a, b = st.a + m.start(), st.a + m.end()
                    replacement = (
                        current
                        if "(" in m.group(0)
                        else (
                            org["current_abbreviation"] if m.group(0) == org["former_abbreviation"] else org["current"]
                        )
                    )
                    start, end = region.source_span(a, b)
                    fix = Fix(start, end, replacement, safe=True) if doc.text[start:end] == m.group(0) else None
                    yield self.report_region(
                        doc,
                        region,
                        a,
                        b,
                        f"outdated attribution: `{m.group(0)}` is the former name of the {current}",
                        suggestions=[replacement],
                        fix=fix,
                    )
            for plist in lists:
                other = None if plist.coalition else principles.other_bodies.search(plist.intro.text)
                quoted = any(m is not None and m.kind != "paraphrase" for _, m in plist.items)
                if other and quoted:
                    a, b = plist.intro.a + other.start(), plist.intro.a + other.end()
                    yield self.report_region(
                        doc,
                        region,
                        a,
                        b,
                        f"these principles are the {org['current']}'s, not `{other.group(0)}`'s",
                        suggestions=[org["current"]],
                    )


class Completeness(PrincipleRule):
    id = "principles/completeness"
    summary = "A list presented as the coalition's principles that misses, repeats or adds principles."
    why = """
        A list introduced as the coalition's principles is read as the full set. Missing
        principles, repeated ones and items that match none of the eight are reported at the
        introduction, with the mapping of each item to its principle.
    """
    severity_note = """
        When the introduction says "include" or "such as" the finding is info; when it presents
        the list as the principles it is a warning.
    """
    example_flagged = Example(
        _PRINCIPLE_LIST.replace(_AGENCY_ITEM, ""),
        caption="Seven items: none is about the agency of people who use drugs (principle 6).",
    )
    example_passing = Example(_PRINCIPLE_LIST, caption="All eight, paraphrased (paraphrases are fine here).")

    def check(self, doc, ctx):
        principles = ctx.get(PRINCIPLES)
        for region, _, _, lists in self.analysis(doc, ctx):
            for plist in lists:
                message = _completeness(plist, principles) if plist.coalition else None
                if message:
                    severity = Severity.INFO if plist.hedged else self.severity
                    if self.configured_severity is not None:
                        severity = self.configured_severity
                    yield self.report_region(doc, region, plist.intro.a, plist.intro.b, message, severity=severity)


def _completeness(plist: PrincipleList, principles: Principles) -> str | None:
    mapped = [(n, m.principle) for n, (_, m) in enumerate(plist.items, 1) if m is not None]
    numbers = [p.number for _, p in mapped]
    missing = [p for p in principles.items if p.number not in numbers]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    unmatched = [n for n, (_, m) in enumerate(plist.items, 1) if m is None]
    if not (missing or repeated or unmatched):
        return None
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f'{p.title}: "{p.canonical}"' for p in missing))
    if repeated:
        parts.append("repeated " + ", ".join(principles.by_number(n).title for n in repeated))
    if unmatched:
        parts.append("item(s) " + ", ".join(map(str, unmatched)) + " match none of the eight")
    mapping = ", ".join(f"item {n} -> {p.number} ({p.name})" for n, p in mapped)
    return (
        f"the list of the coalition's principles has {len(plist.items)} items: "
        + "; ".join(parts)
        + f". Mapping: {mapping}."
    )


RULES = [LegacyWording, Misquote, Paraphrase, Attribution, Completeness]
