"""Related-article and body links against an index of the whole content tree."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS, index_rows

from lint.text.urls import slugify


def article(
    id: int, title: str, subject: str = "Health Studies", related=(), body: str = "", url: str | None = None
) -> str:
    slug = slugify(title)
    lines = [
        "---",
        f"id: {id}",
        f"title: {title}",
        f"subject: {subject}",
        f"url: {url or f'/learn/{slugify(subject)}/questions/{slug}'}",
        f"file_name: {slug}.md",
    ]
    for n, block in enumerate(related, 1):
        if block is None:  # leave a numbering gap
            continue
        rid, rtitle, rsubject, rurl = block
        lines += [
            f"related_article{n}:",
            f"    id: {rid}",
            f"    title: {rtitle}",
            f"    subject: {rsubject}",
            f"    url: {rurl}",
        ]
    return "\n".join(lines + ["---", body])


NALOXONE = (10, "What is naloxone?", "Health Studies", "/learn/health-studies/questions/what-is-naloxone")
STIGMA = (11, "Why does stigma matter?", "Sociology", "/learn/sociology/questions/why-does-stigma-matter")


@pytest.fixture
def tree(write):
    """A content tree: two targets and a file that links to them (edited per test)."""

    def make(linking: str, **extra: str):
        files = {
            "hrlint.yaml": "rules:\n  schema: off\n  consistency: off\n",
            "content/naloxone.md": article(*NALOXONE[:3], body="# Overview\n\n## How to use it\n"),
            "content/stigma.md": article(*STIGMA[:3]),
            "content/a.md": linking,
            **extra,
        }
        return write(files)

    return make


def findings(hrlint, root, *paths: str, args=()):
    result = hrlint(
        "check", "--format", "json", "--select", "links", "--fail-on", "info", *args, *(paths or ["content"]), cwd=root
    )
    assert result.exit_code in (0, 1), result.stderr
    return [(f["path"], f["rule"], f["line"], f["column"], f["field"]) for f in result.findings], result.findings


def test_valid_links_are_clean(hrlint, tree):
    root = tree(
        article(
            1,
            "A",
            related=[NALOXONE, STIGMA],
            body="See [naloxone](/learn/health-studies/questions/what-is-naloxone#how-to-use-it) "
            "and [stigma](stigma.md) and ![logo](naloxone.md).\n",
        )
    )
    assert findings(hrlint, root)[0] == []


def test_renamed_or_deleted_target(hrlint, tree):
    old = (10, "What is naloxone?", "Health Studies", "/learn/health-studies/questions/what-is-narcan")
    root = tree(article(1, "A", related=[old]))
    triples, raw = findings(hrlint, root)
    assert triples == [("content/a.md", "links/unresolved", 11, 10, "related_article1.url")]
    assert raw[0]["suggestions"][0] == "/learn/health-studies/questions/what-is-naloxone"  # same title
    assert raw[0]["message"].endswith("did you mean `/learn/health-studies/questions/what-is-naloxone`?")


def test_retitled_target_offers_a_safe_fix(hrlint, tree):
    stale = (10, "What is Narcan?", "Health Studies", NALOXONE[3])
    root = tree(article(1, "A", related=[stale]))
    triples, raw = findings(hrlint, root)
    assert triples == [("content/a.md", "links/title-mismatch", 9, 12, "related_article1.title")]
    assert raw[0]["fix"] == {
        "line": 9,
        "column": 12,
        "end_line": 9,
        "end_column": 27,
        "replacement": "What is naloxone?",
        "applicability": "safe",
    }


def test_title_compared_without_whitespace_and_quote_styles(hrlint, tree):
    same = (10, "What  is naloxone?", "Health Studies", NALOXONE[3])
    root = tree(article(1, "A", related=[same]))
    assert findings(hrlint, root)[0] == []


def test_wrong_id_subject_and_id_of_another_article(hrlint, tree):
    root = tree(
        article(1, "A", related=[(99, NALOXONE[1], "Sociology", NALOXONE[3]), (10, STIGMA[1], STIGMA[2], STIGMA[3])])
    )
    assert findings(hrlint, root)[0] == [
        ("content/a.md", "links/id-mismatch", 8, 9, "related_article1.id"),
        ("content/a.md", "links/subject-mismatch", 10, 14, "related_article1.subject"),
        ("content/a.md", "links/id-conflict", 13, 9, "related_article2.id"),
    ]


def test_self_link_duplicates_and_gaps(hrlint, tree):
    own = (1, "A", "Health Studies", "/learn/health-studies/questions/a")
    root = tree(article(1, "A", related=[own, NALOXONE, None, NALOXONE]))
    assert findings(hrlint, root)[0] == [
        ("content/a.md", "links/self-link", 11, 10, "related_article1.url"),
        ("content/a.md", "links/numbering-gap", 17, 1, "related_article4"),
        ("content/a.md", "links/duplicate-target", 21, 10, "related_article4.url"),
    ]


def test_duplicate_articles_reported_on_both(hrlint, tree):
    root = tree(article(10, "What is naloxone?"))
    triples, raw = findings(hrlint, root)
    assert [(p, r, line, f) for p, r, line, _, f in triples] == [
        ("content/a.md", "links/duplicate-article", 2, "id"),
        ("content/a.md", "links/duplicate-article", 5, "url"),
        ("content/a.md", "links/duplicate-article", 6, "file_name"),
        ("content/naloxone.md", "links/duplicate-article", 2, "id"),
        ("content/naloxone.md", "links/duplicate-article", 5, "url"),
        ("content/naloxone.md", "links/duplicate-article", 6, "file_name"),
    ]
    assert raw[0]["message"] == "`id` 10 is also used by content/naloxone.md"


def test_body_links_and_anchors(hrlint, tree):
    body = (
        "[gone](/learn/health-studies/questions/what-is-narcan)\n"
        "[bad anchor](/learn/health-studies/questions/what-is-naloxone#dosage)\n"
        "[file](missing.md) [ok](naloxone.md#overview) [bad](naloxone.md#nope)\n"
        '<a href="/learn/x/questions/y">x</a> <img src="img/none.png">\n\n'
        "[ref]: /learn/nowhere\n"  # a definition cannot interrupt a paragraph
        "`[code](/not/checked)` [mail](mailto:x@example.org) [web](https://example.org/x)\n"
        "[here](#top)\n\n# Top\n"
    )
    text = article(1, "A", body=body)
    root = tree(text)
    triples, raw = findings(hrlint, root)
    lines = text.split("\n")

    def at(dest: str, occurrence: int = 0) -> tuple[int, int]:
        hits = [(n, line.index(dest) + 1) for n, line in enumerate(lines, 1) if dest in line]
        return hits[occurrence]

    broken = [
        "/learn/health-studies/questions/what-is-narcan",
        "/learn/health-studies/questions/what-is-naloxone#dosage",
        "missing.md",
        "naloxone.md#nope",
        "/learn/x/questions/y",
        "img/none.png",
        "/learn/nowhere",
    ]
    assert [(line, column) for _, rule, line, column, _ in triples if rule == "links/body"] == [at(d) for d in broken]
    messages = [f["message"] for f in raw]
    assert "anchor `#dosage` matches no heading of `/learn/health-studies/questions/what-is-naloxone`" in messages
    assert "`missing.md` does not exist (relative to content/a.md)" in messages


def test_single_file_run_matches_full_run(hrlint, tree):
    """What pre-commit does: only the staged file is passed, the index still covers the tree."""
    stale = (10, "What is Narcan?", "Sociology", NALOXONE[3])
    root = tree(article(1, "A", related=[stale, (5, "Gone", "Sociology", "/learn/sociology/questions/gone")]))
    full = [t for t in findings(hrlint, root)[0] if t[0] == "content/a.md"]
    single = findings(hrlint, root, "content/a.md")[0]
    assert single == full and len(full) == 3


def test_cache_is_written_reused_and_rebuilt(hrlint, tree):
    root = tree(article(1, "A", related=[NALOXONE]))
    findings(hrlint, root)
    cache = root / ".hrlint_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text() == "*\n"
    assert sorted(index_rows(root)) == ["content/a.md", "content/naloxone.md", "content/stigma.md"]
    # a retitled target is seen through the cache (size and mtime change)
    (root / "content/naloxone.md").write_text(article(10, "What is Narcan?", body="# Overview\n", url=NALOXONE[3]))
    assert [t[1] for t in findings(hrlint, root)[0]] == ["links/title-mismatch"]
    (cache / "index-v4.sqlite").write_text("{not a database")  # corrupt: rebuilt
    assert [t[1] for t in findings(hrlint, root)[0]] == ["links/title-mismatch"]
    assert index_rows(root)["content/naloxone.md"][4] == "What is Narcan?"


def test_no_cache_writes_nothing(hrlint, tree):
    root = tree(article(1, "A", related=[NALOXONE]))
    findings(hrlint, root, args=["--no-cache"])
    assert not (root / ".hrlint_cache").exists()


def test_content_root_from_config(hrlint, write):
    root = write(
        {
            "hrlint.yaml": "content-root: site\nrules:\n  schema: off\n  consistency: off\n",
            "site/n.md": article(*NALOXONE[:3]),
            "drafts/a.md": article(1, "A", related=[NALOXONE]),
        }
    )
    assert findings(hrlint, root, "drafts/a.md")[0] == []


def test_seeds_related_links_unresolved_until_declared(hrlint, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (tmp_path / "hrlint.yaml").write_text("content-root: seeds\n")
    triples, _ = findings(hrlint, tmp_path, "seeds")
    assert [(p.split("/")[-1][:4], line) for p, rule, line, _, _ in triples if rule == "links/unresolved"] == [
        ("000_", 31),
        ("000_", 37),
        ("000_", 43),
        ("001_", 31),
        ("001_", 37),
        ("001_", 43),
    ]
    urls = [
        f"/learn/{u}"
        for u in (
            "sociology/questions/how-has-the-war-on-drugs-influenced-current-drug-policies-and-public-perception",
            "criminal-or-civil-law/questions/what-are-the-main-criticisms-of-the-criminal-model-in-drug-policy",
            "health-studies/questions/what-is-the-relationship-between-trauma-and-drug-abuse-and-how-can-it-be-addressed-in-policy",
            "health-studies/questions/what-are-the-potential-risks-and-benefits-of-cannabis-use",
            "psychology/questions/how-do-psychological-dimensions-influence-the-development-of-substance-use-disorders",
            "health-studies/questions/what-are-the-characteristics-of-alcoholrelated-disorders",
        )
    ]
    (tmp_path / "hrlint.yaml").write_text(
        "content-root: seeds\nlinks:\n  known-urls:\n" + "".join(f"    - {u}\n" for u in urls)
    )
    assert findings(hrlint, tmp_path, "seeds")[0] == []


def test_sitemap_and_external_prefixes(hrlint, tree):
    gone = (5, "Gone", "Sociology", "/learn/sociology/questions/gone")
    other = (6, "Elsewhere", "Sociology", "/learn/archive/questions/elsewhere")
    root = tree(
        article(1, "A", related=[gone, other]),
        **{
            "sitemap.xml": '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://example.org/learn/sociology/questions/gone/</loc></url></urlset>"
        },
    )
    (root / "hrlint.yaml").write_text(
        "rules:\n  schema: off\n  consistency: off\nlinks:\n  sitemap: sitemap.xml\n"
        "  external-prefixes: [/learn/archive/]\n"
    )
    assert findings(hrlint, root)[0] == []


def test_orphans_only_when_selected(hrlint, tree):
    root = tree(article(1, "A", related=[NALOXONE]))
    result = hrlint("check", "--format", "json", "--select", "links/orphan", "--fail-on", "info", "content", cwd=root)
    assert sorted(f["path"] for f in result.findings) == ["content/a.md", "content/stigma.md"]
    assert [f["rule"] for f in findings(hrlint, root)[1]] == []  # not part of `--select links`
    assert "links/orphan                 off" in hrlint("rules", cwd=root).stdout


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1: /ok answers 200, everything else 404."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_external_links_only_with_the_flag(hrlint, tree, server, monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    root = tree(article(1, "A", body=f"[ok]({server}/ok) and [gone]({server}/gone) [file](file:///etc/passwd)\n"))
    assert findings(hrlint, root)[0] == []
    triples, raw = findings(hrlint, root, args=["--check-external"])
    assert triples == [("content/a.md", "links/external", 8, 1 + len(f"[ok]({server}/ok) and [gone]("), None)]
    assert raw[0]["message"] == "external link does not answer: HTTP 404"
    cache = json.loads((root / ".hrlint_cache" / "external-v1.json").read_text())
    assert list(cache["results"]) == [f"{server}/ok"]  # failures are never cached
