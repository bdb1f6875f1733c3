"""Self-check of the stigma term catalog (rules/stigma.yaml) as data, independent of the engine.

The matching engine is tested in test_stigma.py; here we only check that the catalog is well formed,
internally consistent, covers the research catalog, and that its examples are plausible.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOG_PATH = ROOT / "rules" / "stigma.yaml"
RESEARCH = Path("/work/shared/research/stigma-terms.md")

CATALOG = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
ENTRIES = CATALOG["entries"]
SOURCES = CATALOG["sources"]
EXCEPTIONS = [x["phrase"] for x in CATALOG["exceptions"]]

RULES = {
    "stigma/person-label",
    "stigma/slang",
    "stigma/abuse",
    "stigma/clean-dirty",
    "stigma/equipment",
    "stigma/treatment",
    "stigma/recovery",
    "stigma/newborn",
    "stigma/framing",
}
SEVERITIES = {"error", "warning", "info"}
REQUIRED = ("id", "rule", "terms", "severity", "message", "alternatives", "sources", "examples")
CONTEXT_KEYS = {"near", "window", "not_before", "not_after", "figurative_after"}

# One representative surface form per flaggable row of the research catalog (rows 1-52).
RESEARCH_ROWS = {
    1: "addicts",
    2: "addicted",
    3: "former addict",
    4: "substance abuser",
    5: "substance abuse",
    6: "drugs of abuse",
    7: "junkie",
    8: "crackhead",
    9: "druggie",
    10: "dope fiend",
    11: "meth head",
    12: "pothead",
    13: "drug users",
    14: "iv drug users",
    15: "alcoholic",
    16: "alcoholism",
    17: "alcoholic liver disease",
    18: "drunkard",
    19: "got clean",
    20: "dirty addict",
    21: "dirty urine",
    22: "failed a drug test",
    23: "clean needles",
    24: "dirty needles",
    25: "sharing works",
    26: "drug habit",
    27: "a drug problem",
    28: "hit rock bottom",
    29: "relapse",
    30: "fell off the wagon",
    31: "enabler",
    32: "opioid replacement therapy",
    33: "methadone maintenance",
    34: "medication-assisted treatment",
    35: "detox center",
    36: "rehab",
    37: "addicted babies",
    38: "drug of choice",
    39: "recreational drug use",
    40: "clean and sober",
    41: "drug-free treatment",
    42: "dope sick",
    43: "strung out",
    44: "non-compliant",
    45: "treatment failure",
    46: "hardcore addict",
    47: "self-help group",
    48: "drug overdose",
    49: "drinking binge",
    50: "drug dealer",
    51: "drug offender",
    52: "marijuana",
}


def norm(text: str) -> str:
    """Lower-case, with every run of whitespace collapsed to one space (as the engine matches)."""
    return " ".join(text.lower().replace("’", "'").split())


def phrase_re(phrase: str) -> re.Pattern:
    """Whole-word pattern for a term or phrase; a space matches any whitespace."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(r"(?<![\w-])" + body + r"(?![\w-])", re.I)


TERM_TO_ENTRY = {t: e["id"] for e in ENTRIES for t in e["terms"]}
TERM_RES = {t: phrase_re(t) for t in TERM_TO_ENTRY}
EXCEPTION_RES = [phrase_re(p) for p in EXCEPTIONS]


def term_hits(text: str, terms=None) -> list[tuple[str, int, int]]:
    """(term, start, end) of every catalog term in `text` that no exception phrase covers."""
    covered = [m.span() for rx in EXCEPTION_RES for m in rx.finditer(text)]
    hits = []
    for term in terms if terms is not None else TERM_TO_ENTRY:
        for m in TERM_RES[term].finditer(text):
            if not any(s <= m.start() and m.end() <= e for s, e in covered):
                hits.append((term, m.start(), m.end()))
    return hits


def by_entry(fn):
    return pytest.mark.parametrize("entry", ENTRIES, ids=[e.get("id", "?") for e in ENTRIES])(fn)


# --- file level -------------------------------------------------------------------------------


def test_top_level():
    assert CATALOG["version"] == 1
    assert CATALOG["language"] == "en"
    assert set(CATALOG) <= {"version", "language", "sources", "exceptions", "entries"}


def test_entry_ids_unique():
    counts = Counter(e["id"] for e in ENTRIES)
    assert [i for i, n in counts.items() if n > 1] == []


def test_enough_entries_to_cover_the_research_rows():
    assert len(ENTRIES) >= 52


@pytest.mark.parametrize("row, term", sorted(RESEARCH_ROWS.items()), ids=[f"row{r}" for r in sorted(RESEARCH_ROWS)])
def test_every_research_row_has_a_term(row, term):
    assert term in TERM_TO_ENTRY, f"research row {row}: no entry lists {term!r}"


def test_a_term_belongs_to_exactly_one_entry():
    counts = Counter(t for e in ENTRIES for t in e["terms"])
    assert [t for t, n in counts.items() if n > 1] == []


def test_bare_users_only_in_a_drug_passage_and_only_as_info():
    entry = next(e for e in ENTRIES if "users" in e["terms"])
    assert entry["terms"] == ["users"] and entry["severity"] == "info"
    assert "drug" in entry["context"]["near"]


def test_never_flag_bare_generic_words():
    # the research and alex's history: these words alone are mostly innocent
    for word in [
        "user",
        "habit",
        "clean",
        "dirty",
        "works",
        "rig",
        "rigs",
        "enable",
        "enabling",
        "slip",
        "lapse",
        "fiend",
        "drunk",
        "sober",
        "sobriety",
        "abstinent",
        "abstinence",
        "misuse",
        "addiction",
        "overdose",
        "binge",
        "detox",
        "dealer",
        "problem",
        "resistant",
        "splitting",
        "junky",
    ]:
        assert word not in TERM_TO_ENTRY, f"bare {word!r} must not be a term"


# --- sources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_source_has_title_and_url(key):
    source = SOURCES[key]
    assert isinstance(source.get("title"), str) and source["title"].strip()
    assert isinstance(source.get("url"), str) and source["url"].startswith(("http://", "https://"))
    assert " " not in source["url"]


# --- exceptions -------------------------------------------------------------------------------


def test_enough_exceptions():
    assert len(EXCEPTIONS) >= 40


def test_exceptions_are_non_empty_and_unique_ignoring_case():
    assert all(isinstance(p, str) and p.strip() == p and p for p in EXCEPTIONS)
    counts = Counter(norm(p) for p in EXCEPTIONS)
    assert [p for p, n in counts.items() if n > 1] == []
    assert all(set(x) <= {"phrase", "note"} for x in CATALOG["exceptions"])


@pytest.mark.parametrize(
    "phrase, term",
    [
        ("National Institute on Drug Abuse", "drug abuse"),
        ("Substance Abuse and Mental Health Services Administration", "substance abuse"),
        ("National Institute on Alcohol Abuse and Alcoholism", "alcoholism"),
        ("Alcoholics Anonymous", "alcoholics"),
        ("Vancouver Area Network of Drug Users", "drug users"),
        ("Marijuana Anonymous", "marijuana"),
        ("relapse prevention", "relapse"),
        ("alcoholic beverage", "alcoholic"),
        ("Mainstreaming Addiction Treatment (MAT) Act", "mat"),
    ],
)
def test_exceptions_shield_terms_they_contain(phrase, term):
    """Exceptions win over entries: the phrase contains the term, and no unshielded term remains."""
    assert norm(phrase) in {norm(p) for p in EXCEPTIONS}
    assert TERM_RES[term].search(phrase)
    assert term_hits(phrase) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "neonatal abstinence syndrome",
        "binge drinking",
        "clean-catch",
        "non-alcoholic",
        "drunk driving",
        "Mothers Against Drunk Driving",
        "relapse prevention",
    ],
)
def test_required_fixed_expressions_are_exceptions(phrase):
    assert norm(phrase) in {norm(p) for p in EXCEPTIONS}


# --- entries ----------------------------------------------------------------------------------


@by_entry
def test_entry_has_required_keys(entry):
    missing = [k for k in REQUIRED if k not in entry]
    assert missing == []
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["id"])
    assert entry["rule"] in RULES
    assert entry["severity"] in SEVERITIES
    assert set(entry) <= set(REQUIRED) | {"context", "fix"}


@by_entry
def test_message(entry):
    message = entry["message"]
    assert isinstance(message, str) and message.strip() == message and message.endswith(".")
    assert 20 <= len(message) <= 300
    assert len(re.findall(r"[.!?](?:\s|$)", message)) <= 2, "one or two sentences"


@by_entry
def test_alternatives(entry):
    alternatives = entry["alternatives"]
    assert alternatives and all(isinstance(a, str) and a.strip() for a in alternatives)
    assert len(set(alternatives)) == len(alternatives)
    for alt in alternatives:  # a suggestion must never be flagged itself
        assert term_hits(alt) == [], f"alternative {alt!r} contains a catalog term"


@by_entry
def test_sources_are_defined(entry):
    assert entry["sources"], "every entry cites at least one source"
    assert [s for s in entry["sources"] if s not in SOURCES] == []
    assert len(set(entry["sources"])) == len(entry["sources"])


@by_entry
def test_terms_are_normalised(entry):
    terms = entry["terms"]
    assert terms
    for term in terms:
        assert isinstance(term, str)
        assert term == term.lower(), f"{term!r} is not lower case"
        assert term == term.strip() and "  " not in term and "\n" not in term, f"{term!r} is not normalised"
    assert len(set(terms)) == len(terms)


@by_entry
def test_context_gates(entry):
    ctx = entry.get("context")
    if ctx is None:
        return
    assert ctx and set(ctx) <= CONTEXT_KEYS
    for key in CONTEXT_KEYS - {"window"}:
        words = ctx.get(key, [])
        assert all(isinstance(w, str) and w == norm(w) and w for w in words), f"{key}: lower case, single spaces"
        assert len(set(words)) == len(words), f"{key}: duplicates"
    if "window" in ctx:
        assert "near" in ctx and isinstance(ctx["window"], int) and 1 <= ctx["window"] <= 50


@by_entry
def test_fix(entry):
    fix = entry.get("fix")
    pairs = entry["examples"].get("fix", [])
    if fix is None:
        assert pairs == [], "examples.fix needs a fix"
        return
    assert set(fix) <= {"safe", "replacements"} and isinstance(fix.get("safe", False), bool)
    replacements = fix["replacements"]
    assert replacements
    for term, replacement in replacements.items():
        assert term in entry["terms"], f"fix key {term!r} is not a term of this entry"
        assert replacement == replacement.lower() and replacement.strip() == replacement and replacement
        assert term_hits(replacement) == [], f"replacement {replacement!r} would be flagged itself"
    for pair in pairs:
        assert set(pair) == {"from", "to"} and pair["from"] != pair["to"]
        assert term_hits(pair["from"], [t for t in replacements if t in TERM_RES]), f"{pair['from']!r}: nothing to fix"


@by_entry
def test_examples_shape(entry):
    examples = entry["examples"]
    assert set(examples) <= {"flag", "pass", "fix"}
    assert examples.get("flag") and all(isinstance(s, str) and s.strip() for s in examples["flag"])
    assert examples.get("pass") and all(isinstance(s, str) and s.strip() for s in examples["pass"])


@by_entry
def test_flag_examples_contain_a_term(entry):
    for sentence in entry["examples"]["flag"]:
        text = norm(sentence)
        assert any(phrase_re(t).search(text) for t in entry["terms"]), f"{sentence!r} has no term of {entry['id']}"
        assert term_hits(sentence, entry["terms"]), f"{sentence!r}: the only term sits inside an exception"


@by_entry
def test_pass_examples_are_explained_by_the_data(entry):
    """A pass example that contains one of the entry's terms must rely on a context gate."""
    for sentence in entry["examples"]["pass"]:
        if term_hits(sentence, entry["terms"]):
            assert entry.get("context"), f"{sentence!r} contains a term of {entry['id']} but the entry has no gate"


# --- the seeds --------------------------------------------------------------------------------


def seed(pattern: str) -> str:
    return next((ROOT / "seeds").glob(pattern)).read_text(encoding="utf-8")


def test_canonical_principles_contain_no_term():
    """seeds/004 is the current NHRC wording: nothing in it may even match a term."""
    assert term_hits(seed("004_*")) == []


@pytest.mark.parametrize(
    "term, entry_id",
    [
        ("drug users", "drug-user"),
        ("addicts", "addict"),
        ("clean needles", "clean-equipment"),
        ("clean needle", "clean-equipment"),
        ("iv drug users", "injection-drug-user"),
        ("substance abuse", "substance-abuse"),
        ("severe abuse", "severe-abuse"),
    ],
)
def test_outdated_wording_of_seed_002_is_covered(term, entry_id):
    assert TERM_TO_ENTRY.get(term) == entry_id
    assert term in {t for t, _, _ in term_hits(seed("002_*"))}


def test_seed_004_principle_lines_are_pass_examples():
    lines = {norm(line) for line in seed("004_*").splitlines() if line.strip()}
    used = [e["id"] for e in ENTRIES for s in e["examples"]["pass"] if norm(s) in lines or norm(s).rstrip(".") in lines]
    assert {"substance-abuse", "severe-abuse", "drug-user", "clean-equipment"} <= set(used)


# --- own words --------------------------------------------------------------------------------


@pytest.mark.skipif(not RESEARCH.exists(), reason="research notes not available")
@by_entry
def test_message_is_not_copied_from_the_research(entry):
    research = norm(re.sub(r"[*_`|\[\]]", " ", RESEARCH.read_text(encoding="utf-8")))
    words = norm(entry["message"]).split()
    for i in range(len(words) - 6):
        chunk = " ".join(words[i : i + 7])
        assert chunk not in research, f"message copies {chunk!r} from the research notes"
