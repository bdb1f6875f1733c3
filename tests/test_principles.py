"""Principle-wording rules on the seeds, on constructed lists, and on the labelled passages."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, ROOT, SEEDS

from lint.checks.principles import Statement, classify, load_principles, statements

PRINCIPLES = load_principles()


def seed_findings(hrlint, pattern: str, *args: str):
    path = next(SEEDS.glob(pattern))
    result = hrlint("check", "--format", "json", "--select", "principles", "--fail-on", "info", *args, path)
    return result.findings


@pytest.mark.parametrize("pattern", ["003_*", "004_*", "001_*"])
def test_canonical_seeds_have_no_finding(hrlint, pattern):
    assert seed_findings(hrlint, pattern) == []


def test_seed_002_legacy_wording_and_attribution(hrlint):
    findings = seed_findings(hrlint, "002_*")
    assert [(f["rule"], f["line"], f["column"], f["end_column"], f["suggestions"]) for f in findings] == [
        ("principles/attribution", 15, 67, 97, ["National Harm Reduction Coalition (NHRC)"]),
        ("principles/legacy-wording", 17, 5, 17, ["Accepts, for better or worse, that"]),
        ("principles/legacy-wording", 17, 18, 35, ["licit and illicit"]),
        ("principles/legacy-wording", 18, 5, 33, ["Understands drug use as"]),
        ("principles/legacy-wording", 18, 89, 97, ["continuum"]),
        ("principles/legacy-wording", 18, 116, 128, ["severe use"]),
        ("principles/legacy-wording", 21, 18, 28, ["people who use drugs"]),
        ("principles/legacy-wording", 22, 13, 24, ["people who use drugs (PWUD)"]),
        ("principles/legacy-wording", 22, 112, 125, ["empower PWUD"]),
        ("principles/legacy-wording", 24, 80, 122, ["that can be associated with illicit drug use"]),
    ]
    assert all(f["severity"] == "warning" for f in findings)
    assert findings[5]["message"].startswith(
        'outdated wording of principle 2 (complexity): "severe abuse" became "severe use"; canonical text of '
        'principle 2 (complexity): "Understands drug use as a complex'
    )


def test_seed_002_fixes(hrlint):
    findings = seed_findings(hrlint, "002_*")
    attribution = findings[0]["fix"]
    assert (attribution["replacement"], attribution["applicability"]) == (
        "National Harm Reduction Coalition (NHRC)",
        "safe",
    )
    first = findings[1]["fix"]  # the whole verbatim legacy statement -> the canonical text
    assert (first["line"], first["column"], first["end_line"]) == (17, 5, 17)
    assert first["replacement"] == PRINCIPLES.by_number(1).canonical
    assert first["applicability"] == "safe"
    assert [f["fix"] is not None for f in findings[1:]] == [True, False, True, False, False, True, True, False, True]


def test_seed_000_only_the_completeness_note(hrlint):
    (finding,) = seed_findings(hrlint, "000_*")
    assert (finding["rule"], finding["line"], finding["column"], finding["severity"]) == (
        "principles/completeness",
        21,
        335,
        "info",
    )
    assert "missing principle 6 (agency of PWUD)" in finding["message"]
    assert "item 5 -> 5 (voice), item 6 -> 7 (social inequalities), item 7 -> 8 (real harm)" in finding["message"]


def test_require_verbatim_reports_paraphrases(hrlint, write):
    root = write(
        {
            "hrlint.yaml": "rules:\n  principles/paraphrase: {require-verbatim: true}\n",
            "a.txt": (SEEDS / next(p.name for p in SEEDS.iterdir() if p.name.startswith("000_"))).read_text(),
        }
    )
    result = hrlint(
        "check", "--format", "json", "--select", "principles/paraphrase", "--fail-on", "info", "a.txt", cwd=root
    )
    assert len(result.findings) == 7
    assert result.findings[4]["message"].startswith("paraphrase of principle 5 (voice) in a list attributed to")


LIST = """The principles of the National Harm Reduction Coalition are:

- Understands drug use as a complex, multi-faceted phenomenon that encompasses a continuum of behaviors from heavy use to total abstinence, and acknowledges that some ways of using drugs are safer than others.
- Calls for the non-judgmental, non-coercive provision of services and resources to people who use drugs and the communities in which they live in order to assist them in reducing attendant harm.
- Calls for the non-judgmental, non-coercive provision of services and resources to people who use drugs and the communities in which they live in order to assist them in reducing attendant harm.
- Offers free coffee on Tuesdays.

SAMHSA's principles of harm reduction include:

- Does not attempt to minimize or ignore the real and tragic harm and danger that can be associated with illicit drug use.
- Establishes quality of individual and community life and well-being — not necessarily cessation of all drug use — as the criteria for successful interventions and policies.
"""


@pytest.fixture
def list_findings(hrlint, write):
    root = write({"a.md": LIST})
    return hrlint("check", "--format", "json", "--select", "principles", "a.md", cwd=root).findings


def test_misquote_has_a_word_diff(list_findings):
    (m,) = [f for f in list_findings if f["rule"] == "principles/misquote"]
    assert (m["line"], m["column"], m["end_column"]) == (3, 110, 192)  # "heavy" .. where "clearly" is missing
    assert m["message"].startswith(
        "misquoted principle 2 (complexity): - heavy / + severe; - (nothing) / + clearly; canonical text of principle 2"
    )


def test_completeness_warning_names_missing_repeated_and_unmatched(list_findings):
    (c,) = [f for f in list_findings if f["rule"] == "principles/completeness"]
    assert (c["line"], c["column"], c["severity"]) == (1, 1, "warning")
    message = c["message"]
    assert message.startswith("the list of the coalition's principles has 4 items: missing principle 1 (acceptance)")
    for part in (
        "repeated principle 4 (non-judgmental services)",
        "item(s) 4 match none of the eight",
        "Mapping: item 1 -> 2 (complexity), item 2 -> 4 (non-judgmental services), "
        "item 3 -> 4 (non-judgmental services).",
    ):
        assert part in message


def test_principles_attributed_to_another_body(list_findings):
    (a,) = [f for f in list_findings if f["rule"] == "principles/attribution"]
    assert (a["line"], a["column"], a["end_column"]) == (8, 1, 7)
    assert a["message"] == "these principles are the National Harm Reduction Coalition's, not `SAMHSA`'s"


@pytest.mark.parametrize(
    "text",
    [
        "The National Harm Reduction Coalition publishes principles of harm reduction.",
        "Harm Reduction Coalition staff trained volunteers in naloxone use.",  # old name, no principles
        "Syringe services programs reduce HIV transmission among people who inject drugs.",
        # verbatim quotations after an attribution clause
        "As the National Harm Reduction Coalition puts it, harm reduction accepts, for better or worse, that licit "
        "and illicit drug use is part of our world and chooses to work to minimize its harmful effects rather than "
        "simply ignore or condemn them.",
        "The coalition's principles state that harm reduction accepts, for better or worse, that licit and illicit "
        "drug use is part of our world and chooses to work to minimize its harmful effects rather than simply "
        "ignore or condemn them.",
    ],
)
def test_no_finding(hrlint, write, text):
    root = write({"a.md": text + "\n"})
    assert (
        hrlint("check", "--format", "json", "--select", "principles", "--fail-on", "info", "a.md", cwd=root).findings
        == []
    )


def test_explain_prints_all_eight(hrlint):
    text = hrlint("explain", "principles/legacy-wording").stdout
    for p in PRINCIPLES.items:
        assert f"  {p.number}. {p.name}: {p.canonical}" in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("One. Two.\n- item one\n3. item two", ["One.", "Two.", "item one", "item two"]),
        ("Intro:\n\n1. **A**: x\n2. **B**: y", ["Intro:", "**A**: x", "**B**: y"]),
    ],
)
def test_statements(text, expected):
    assert [s.text for s in statements(text)] == expected


def test_unrelated_prose_is_not_compared():
    st = Statement(0, 20, "Naloxone reverses opioid overdoses.", False, 0)
    assert classify(st, PRINCIPLES) is None


# --- the labelled passages --------------------------------------------------------------------


def test_accuracy_on_the_labelled_passages():
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from principles_eval import evaluate, load

    passages = load(DATA / "principles-eval.jsonl")
    labels = [p["label"] for p in passages]
    assert len(passages) >= 40 and labels.count("unrelated") >= 12
    accuracy, _ = evaluate(passages)
    assert accuracy >= 0.9


def unrelated_passages() -> list:
    rows = [json.loads(line) for line in (DATA / "principles-eval.jsonl").read_text(encoding="utf-8").splitlines()]
    return [pytest.param(r["text"], id=r["id"]) for r in rows if r["label"] == "unrelated"]


@pytest.mark.parametrize("text", unrelated_passages())
def test_unrelated_passage_has_no_principle_finding(text):
    from lint.engine.runner import Linter
    from lint.model.document import Document
    from lint.workspace.config import Config

    config = Config(rules={"principles/paraphrase": {"require-verbatim": True}})
    linter = Linter(config, select=["principles"])
    assert linter.check(Document.from_text(text, "a.txt"), linter.context()) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "As the National Harm Reduction Coalition puts it, harm reduction does not attempt to minimize or ignore "
            "the real and tragic harm and danger associated with licit and illicit drug use.",
            [("principles/legacy-wording", 1, 141)],
        ),
        (
            "As the National Harm Reduction Coalition puts it, harm reduction accepts, for better or worse, that illicit "
            "drug use is part of our world and chooses to work to minimize its harmful effects rather than ignore them.",
            [("principles/misquote", 1, 101)],
        ),
    ],
)
def test_quotation_after_an_attribution_clause(hrlint, write, text, expected):
    root = write({"a.md": text + "\n"})
    result = hrlint("check", "--format", "json", "--select", "principles", "--fail-on", "info", "a.md", cwd=root)
    assert result.triples() == expected
