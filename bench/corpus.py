"""Generate a realistic benchmark corpus of N articles from the seed articles.

    python bench/corpus.py OUT_DIR N [--seed S]

    from corpus import make_corpus            # with bench/ on sys.path
    manifest = make_corpus(Path("out"), 2000, seed=0)

Every article follows the format of seeds/000_* and seeds/001_* (the same keys, the literal `\\n`
paragraph breaks inside the folded `answer`) and is consistent: `url` and `file_name` are the
slug of a unique title, `seo.title` and the url's segment name the subject, and every
`related_articleN` block repeats the id, title, subject and url of another generated article.
Files are spread over one folder per subject, as on the site. Faults are then injected into a
known number of articles (exact counts, chosen with random.Random(seed), so a seed always gives
the same corpus):

- stigmatizing sentences ("addict", "drug abuser", "clean needles", ...) in the `answer`;
- principle quotations from rules/nhrc-principles.yaml: canonical (no finding), legacy wording
  and misquoted (one word swapped) as a paragraph of the `answer`;
- related links that are broken (url of no article), retitled or given the wrong subject;
- front matter that is not valid YAML.

The manifest (returned, and written to OUT_DIR/manifest.json, which hrlint does not read) records
what was injected, where, and the findings each fault should cause (`expected_findings`, per rule).
OUT_DIR also gets an `hrlint.yaml` with `content-root: .`, so the link index covers the corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PRINCIPLES = ROOT / "rules" / "nhrc-principles.yaml"

# Share of articles (or, for links, of related links) that get each fault; counts are rounded.
RATES = {
    "stigma": 0.10,
    "principle_canonical": 0.02,
    "principle_legacy": 0.02,
    "principle_misquote": 0.02,
    "broken_yaml": 0.001,
    "link_broken": 0.02 / 3,  # about 2% of related links are faulty, split over the three kinds
    "link_retitled": 0.02 / 3,
    "link_wrong_subject": 0.02 / 3,
}
RELATED_PER_ARTICLE = (2, 3, 4)

# The findings each injected fault causes, one each (legacy quotations: one per outdated phrase,
# computed from the principles file). A wrong subject in a related block also disagrees with the
# subject segment of that block's url, which `consistency/subject` reports.
FAULT_RULES = {
    "principle_canonical": [],
    "principle_misquote": ["principles/misquote"],
    "broken_yaml": ["schema/syntax"],
    "link_broken": ["links/unresolved"],
    "link_retitled": ["links/title-mismatch"],
    "link_wrong_subject": ["links/subject-mismatch", "consistency/subject"],
}

# (sentence, term, rule): each sentence has exactly one stigmatizing term at warning or above.
STIGMA_SENTENCES = [
    ("Many addicts avoid clinics that feel judgmental.", "addicts", "stigma/person-label"),
    ("One caseworker described her client as an addict who needed punishment.", "addict", "stigma/person-label"),
    ("A drug abuser was once seen as beyond help.", "drug abuser", "stigma/person-label"),
    ("The program began by handing out clean needles in 1988.", "clean needles", "stigma/equipment"),
    ("Local newspapers still write about substance abuse in their headlines.", "substance abuse", "stigma/abuse"),
    ("Neighbours called the young man a junkie.", "junkie", "stigma/slang"),
    ("Coverage of crack babies in the 1990s was misleading.", "crack babies", "stigma/newborn"),
    ("He was proud to have stayed clean for two years.", "stayed clean", "stigma/clean-dirty"),
    (
        "Some clinics still describe their service as opioid replacement therapy.",
        "opioid replacement therapy",
        "stigma/treatment",
    ),
    ("The old campaign warned against every drug habit.", "drug habit", "stigma/framing"),
]

# One word per principle, swapped for a near-synonym to make a misquotation.
MISQUOTE_SWAPS = {
    1: ("minimize", "reduce"),
    2: ("clearly", "much"),
    3: ("successful", "effective"),
    4: ("resources", "support"),
    5: ("routinely", "always"),
    6: ("primary", "main"),
    7: ("realities", "facts"),
    8: ("tragic", "serious"),
}
# Old wordings that use stigmatizing words themselves ("drug users", "severe abuse") are left out,
# so that each legacy quotation causes only `principles/legacy-wording` findings.
LEGACY_STIGMA_WORDS = re.compile(r"\b(users|abuse)\b", re.IGNORECASE)
# How a quotation sits in the answer: its own paragraph, a bullet, or after a colon. (A lead-in in
# the same sentence, "As the coalition puts it, harm reduction accepts ...", is read as a misquote.)
QUOTE_FORMS = [
    "{text}",
    "A principle of harm reduction:\\n\\n- {text}",
    "One principle of harm reduction reads: {text}",
]

SUBJECTS = [
    "Health Studies",
    "Sociology",
    "Psychology",
    "Criminal or Civil Law",
    "Public Health",
    "Pharmacology",
    "Social Work",
    "Nursing",
]
STEMS = [
    "What role does {topic} play for {group} {setting}?",
    "How does {topic} reduce harm for {group} {setting}?",
    "What are the benefits and limits of {topic} for {group} {setting}?",
    "How can {topic} be expanded for {group} {setting}?",
    "What does research say about {topic} for {group} {setting}?",
    "Why does {topic} matter for {group} {setting}?",
    "What barriers limit access to {topic} for {group} {setting}?",
    "How is {topic} evaluated for {group} {setting}?",
    "Who provides {topic} for {group} {setting}?",
    "How has {topic} changed for {group} {setting}?",
]
TOPICS = [
    "naloxone distribution",
    "syringe services",
    "drug checking",
    "fentanyl test strip distribution",
    "supervised consumption",
    "peer outreach",
    "opioid agonist treatment",
    "overdose education",
    "hepatitis C testing",
    "HIV prevention",
    "safer smoking supply distribution",
    "housing first",
    "contingency management",
    "low-threshold buprenorphine",
    "mobile health outreach",
    "telehealth prescribing",
    "decriminalization",
    "wound care",
    "an overdose prevention site",
    "harm reduction vending",
    "drug policy reform",
    "community health work",
    "trauma-informed care",
    "school-based prevention",
    "alcohol harm reduction",
]
GROUPS = [
    "young adults",
    "older adults",
    "people experiencing homelessness",
    "people who inject drugs",
    "pregnant people",
    "veterans",
    "college students",
    "sex workers",
    "Indigenous communities",
    "rural residents",
    "people leaving prison",
    "LGBTQ people",
    "migrants",
    "people with chronic pain",
    "families",
    "teenagers",
    "people living with HIV",
    "healthcare workers",
    "festival attendees",
    "people who use stimulants",
]
SETTINGS = [
    "in rural areas",
    "in cities",
    "in emergency departments",
    "in primary care",
    "in prisons",
    "in schools",
    "in pharmacies",
    "at music festivals",
    "in Canada",
    "in Europe",
    "in the United States",
    "in Australia",
    "in shelters",
    "online",
    "in community clinics",
    "after hospital discharge",
    "in small towns",
    "in Scotland",
    "in Portugal",
    "in New Zealand",
    "in Ireland",
    "in Mexico",
    "in South Africa",
    "in India",
    "in Brazil",
    "in Germany",
    "in the Netherlands",
    "in Vietnam",
    "in Kenya",
    "in the Philippines",
    "in Switzerland",
    "in Norway",
]

ARTICLE = """---
_schema: default
id: {id}
date: {date}
title: >-
    {title}
article_title: >-
    {title}
date_format: MMM DD, YYYY
post_on_text: Posted on
seo:
  title: QuickTakes | {subject}
  page_description: >-
    {description}
  page_keywords: >-
    harm reduction, {topic}, {group}, public health, {subject_lower}
author: QuickTakes
question: >-
    {title}
answer: >-
    {answer}
subject: {subject}
file_name: {slug}.md
url: {url}
score: -1.0
{related}---

&nbsp;
"""
RELATED = """related_article{n}:
    id: {id}
    title: >-
        {title}
    subject: {subject}
    url: {url}
"""


def generator_version() -> str:
    """A hash of this file, recorded in the manifest: a kept corpus is regenerated when it changes."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def slugify(text: str) -> str:
    """The site's slug, as the seeds show it: lowercase letters, digits and spaces, spaces -> '-'."""
    return "-".join(re.sub(r"[^a-z0-9\s]", "", text.lower()).split())


def seed_paragraphs() -> list[str]:
    """Clean paragraphs of the seed answers (split at the literal `\\n\\n`), in order.

    Seed 000's list of the coalition's principles (a paraphrase missing principle 6) is left out,
    and its "users"/"drug users" become "people who use drugs", so the base prose has no finding.
    """
    paragraphs = []
    for seed in sorted(SEEDS.glob("00[01]_*")):
        answer = yaml.safe_load(seed.read_text(encoding="utf-8").split("---\n")[1])["answer"]
        for paragraph in answer.split("\\n\\n"):
            if "foundational principles" in paragraph or paragraph.startswith("1. **Acceptance"):
                continue
            paragraphs.append(re.sub(r"\b(drug )?users\b", "people who use drugs", paragraph))
    return paragraphs


def principle_quotes() -> dict[str, list[tuple[str, int]]]:
    """Quotable texts by kind, each with the number of findings it should cause."""
    principles = yaml.safe_load(PRINCIPLES.read_text(encoding="utf-8"))["principles"]
    quotes: dict[str, list[tuple[str, int]]] = {
        "principle_canonical": [],
        "principle_legacy": [],
        "principle_misquote": [],
    }
    for p in principles:
        quotes["principle_canonical"].append((p["canonical"], 0))
        old, new = MISQUOTE_SWAPS[p["number"]]
        quotes["principle_misquote"].append((re.sub(rf"\b{old}\b", new, p["canonical"], count=1), 1))
        legacy = p.get("legacy")
        if legacy and not LEGACY_STIGMA_WORDS.search(legacy["text"]):
            outdated = sum(c["old"].lower() in legacy["text"].lower() for c in legacy["changes"])
            quotes["principle_legacy"].append((legacy["text"], outdated))
    return quotes


def unique_titles(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """n distinct (title, topic, group) from the templates; past their product, numbered parts."""
    combos = len(STEMS) * len(TOPICS) * len(GROUPS) * len(SETTINGS)
    picks = rng.sample(range(combos), min(n, combos)) + [rng.randrange(combos) for _ in range(n - combos)]
    titles = []
    for i, k in enumerate(picks):
        k, s = divmod(k, len(SETTINGS))
        k, g = divmod(k, len(GROUPS))
        stem, t = divmod(k, len(TOPICS))
        title = STEMS[stem].format(topic=TOPICS[t], group=GROUPS[g], setting=SETTINGS[s])
        if i >= combos:
            title = title[:-1] + f" (part {i // combos + 1})?"
        titles.append((title, TOPICS[t], GROUPS[g]))
    return titles


def sample_count(rng: random.Random, population: list, rate: float) -> list:
    """round(len * rate) distinct members of population, at random."""
    return rng.sample(population, min(len(population), round(len(population) * rate)))


def break_yaml(text: str, rng: random.Random) -> str:
    """Front matter that no YAML parser accepts: an unclosed quote or a mis-indented key."""
    if rng.random() < 0.5:
        return re.sub(r"title: >-\n    (.*)\n", r'title: "\1\n', text, count=1)
    return text.replace("\n  page_description:", "\n page_description:", 1)


def make_corpus(folder: Path, n: int, seed: int = 0) -> dict:
    """Write n articles under folder (one sub-folder per subject) and return the manifest."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = seed_paragraphs()
    quotes = principle_quotes()
    articles = []
    for i, (title, topic, group) in enumerate(unique_titles(rng, n)):
        subject = rng.choice(SUBJECTS)
        slug = slugify(title)
        articles.append(
            {
                "id": 200000 + i,
                "title": title,
                "topic": topic,
                "group": group,
                "subject": subject,
                "slug": slug,
                "url": f"/learn/{slugify(subject)}/questions/{slug}",
                "path": f"{slugify(subject)}/{slug}.md",
            }
        )

    indices = list(range(n))
    broken_yaml = set(sample_count(rng, indices, RATES["broken_yaml"]))
    linkable = [i for i in indices if i not in broken_yaml]  # a broken file is in no index
    related = {}
    for i in indices:
        count = min(rng.choice(RELATED_PER_ARTICLE), len(linkable) - 1)
        related[i] = [j for j in rng.sample(linkable, count + 1) if j != i][:count]
    links = [(i, k) for i in linkable for k in range(len(related[i]))]  # faults where hrlint can see them
    link_kinds = [
        kind
        for kind in ("link_broken", "link_retitled", "link_wrong_subject")
        for _ in range(round(len(links) * RATES[kind]))
    ]
    link_faults = dict(zip(rng.sample(links, len(link_kinds)), link_kinds))

    prose_faults: dict[int, list[tuple[str, str, str]]] = {i: [] for i in indices}  # kind, paragraph, rule/detail
    injected: dict[str, list[str]] = {kind: [] for kind in RATES}
    expected: Counter = Counter()
    stigma_terms: Counter = Counter()
    for i in sample_count(rng, linkable, RATES["stigma"]):
        sentence, term, rule = rng.choice(STIGMA_SENTENCES)
        prose_faults[i].append(("stigma", sentence, rule))
        expected[rule] += 1
        stigma_terms[term] += 1
    for kind in ("principle_canonical", "principle_legacy", "principle_misquote"):
        for i in sample_count(rng, linkable, RATES[kind]):
            text, findings = rng.choice(quotes[kind])
            prose_faults[i].append((kind, rng.choice(QUOTE_FORMS).format(text=text), ""))
            if findings:
                expected["principles/legacy-wording" if kind == "principle_legacy" else "principles/misquote"] += (
                    findings
                )

    for i, article in enumerate(articles):
        blocks = []
        for k, j in enumerate(related[i]):
            target = dict(articles[j])
            kind = link_faults.get((i, k))
            if kind == "link_broken":
                target["url"] += "-old"
            elif kind == "link_retitled":
                target["title"] = target["title"][:-1] + " today?"
            elif kind == "link_wrong_subject":
                target["subject"] = rng.choice([s for s in SUBJECTS if s != target["subject"]])
            if kind:
                injected[kind].append(article["path"])
                expected.update(FAULT_RULES[kind])
            blocks.append(RELATED.format(n=k + 1, **target))
        text = ARTICLE.format(
            id=article["id"],
            date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            title=article["title"],
            description=f"This content discusses {article['topic']} for {article['group']}, how it reduces the "
            f"harms of substance use and what the evidence says about it.",
            topic=article["topic"],
            group=article["group"],
            subject=article["subject"],
            subject_lower=article["subject"].lower(),
            answer=answer(rng, article, paragraphs, prose_faults[i]),
            slug=article["slug"],
            url=article["url"],
            related="".join(blocks),
        )
        if i in broken_yaml:
            text = break_yaml(text, rng)
            injected["broken_yaml"].append(article["path"])
            expected.update(FAULT_RULES["broken_yaml"])
        for kind, _, _ in prose_faults[i]:
            injected[kind].append(article["path"])
        path = folder / article["path"]
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")

    (folder / "hrlint.yaml").write_text("# benchmark corpus (bench/corpus.py)\ncontent-root: .\n", encoding="utf-8")
    manifest = {
        "version": 1,
        "generator": generator_version(),
        "articles": n,
        "seed": seed,
        "related_links": sum(map(len, related.values())),
        "rates": RATES,
        "folders": dict(Counter(a["path"].split("/")[0] for a in articles)),
        "injected": {kind: len(paths) for kind, paths in injected.items()},
        "stigma_terms": dict(stigma_terms),
        "expected_findings": dict(sorted(expected.items())),
        "files": {kind: sorted(paths) for kind, paths in injected.items()},  # a path once per fault
        "clean_files": sorted(
            a["path"]
            for i, a in enumerate(articles)
            if i not in broken_yaml
            and not prose_faults[i]
            and not any((i, k) in link_faults for k in range(len(related[i])))
        ),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def answer(rng: random.Random, article: dict, paragraphs: list[str], faults: list[tuple[str, str, str]]) -> str:
    """The answer: an opening about the article's topic, seed paragraphs in order, faults inserted.

    Paragraphs are joined with the literal `\\n\\n` of the seeds; a stigmatizing sentence is
    appended to a paragraph, a quotation is a paragraph of its own.
    """
    chosen = sorted(rng.sample(range(len(paragraphs)), rng.randint(4, 7)))
    opening = (
        f"{article['topic'][0].upper()}{article['topic'][1:]} is one of the practical harm reduction "
        f"approaches available to {article['group']}."
    )
    parts = [opening] + [paragraphs[k] for k in chosen]
    for kind, text, _ in faults:
        at = rng.randrange(1, len(parts) + 1)
        if kind == "stigma":
            parts[at - 1] += " " + text
        else:
            parts.insert(at, text)
    return "\\n\\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    manifest = make_corpus(args.out_dir, args.n, args.seed)
    print(
        f"{args.n} articles in {args.out_dir} in {time.perf_counter() - start:.1f} s; injected "
        f"{manifest['injected']}; expected findings {manifest['expected_findings']}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
