"""Related-article and body links, resolved against the index of the whole content tree.

`related_articleN` blocks must point at a real article (or a page declared in `links:` config)
whose id, title and subject they repeat; body links (Markdown links, images, reference
definitions, raw HTML href/src) must resolve in the index or on disk, anchors included.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lint.checks.links.pages import known_pages
from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.context import CORPUS_INDEX
from lint.engine.registry import Example, Rule
from lint.engine.sections import Section
from lint.model.findings import Fix, Severity
from lint.store.index import article_of
from lint.text.markdown import scan
from lint.text.urls import normalise_text, normalise_title, normalise_url
from lint.workspace.config import ConfigError, regex_problem

_RELATED = re.compile(r"^related_article([1-9][0-9]*)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


_norm_text = normalise_text


def related_blocks(data) -> list[tuple[int, str, dict]]:
    """(number, key, block) of every related_articleN mapping, in number order (computed once per
    front matter: every link rule reads them)."""
    if not isinstance(data, dict):
        return []
    if _last[0] is not data:
        _last[:] = [data, _related_blocks(data)]
    return _last[1]


_last: list = [None, []]  # (front matter, its blocks): the most recent document


def _related_blocks(data: dict) -> list[tuple[int, str, dict]]:
    out = [
        (int(m.group(1)), k, v)
        for k, v in data.items()
        if isinstance(k, str) and (m := _RELATED.match(k)) and isinstance(v, dict)
    ]
    return sorted(out)


def body_links(doc) -> list[tuple[str, int, int]]:
    """(destination, start, end) of every link in the body, in source order, code excluded
    (inline links, images, reference definitions, autolinks, raw HTML href/src; not e-mail
    autolinks); offsets in doc.text."""
    return [(link.destination, link.start, link.end) for link in scan(doc).links if link.kind != "email"]


def _check_patterns(values: dict, where: str) -> None:
    """`external-allow`/`external-deny` must be regular expressions that cannot backtrack for ever."""
    for key in ("external-allow", "external-deny"):
        for pattern in values.get(key, []):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: `links.{key}`: invalid regular expression {pattern!r}: {exc}") from None
            problem = regex_problem(pattern)
            if problem:
                raise ConfigError(f"{where}: `links.{key}`: regular expression {pattern!r} refused: {problem}")


_STRINGS = {"type": "array", "items": {"type": "string"}, "errorMessage": "must be a list of strings"}
# The `links:` config section: pages outside the repository and external link checks.
LINKS = Section(
    "links",
    {
        "known-urls": {**_STRINGS, "description": "site urls that exist outside the content tree"},
        "sitemap": {
            "type": "string",
            "errorMessage": "must be a path",
            "description": "a sitemap.xml of the live site",
        },
        "external-prefixes": {**_STRINGS, "description": "url prefixes served by another system (never reported)"},
        "external-allow": {**_STRINGS, "description": "regular expressions: only matching external urls are requested"},
        "external-deny": {**_STRINGS, "description": "regular expressions: matching external urls are never requested"},
        "external-timeout": {
            "type": "number",
            "exclusiveMinimum": 0,
            "errorMessage": "must be a positive number of seconds",
            "description": "seconds to wait for one external url (default 10)",
        },
    },
    paths=("sitemap",),
    check=_check_patterns,
)

KNOWN_PAGES: Analysis[set[str]] = Analysis("the declared pages", lambda ctx: known_pages(ctx.section(LINKS), ctx.root))
INBOUND: Analysis[dict[str, int]] = Analysis("inbound link counts", lambda ctx: ctx.get(CORPUS_INDEX).inbound())


def _targets(doc, ctx) -> list:
    blocks = [(n, k, b) for n, k, b in related_blocks(doc.data) if isinstance(b.get("url"), str)]
    found = ctx.get(CORPUS_INDEX).find_urls([b["url"] for _, _, b in blocks])
    return [(number, key, block, found[block["url"]]) for number, key, block in blocks]


# (number, key, block, target article or None) of each related block with a url
LINK_TARGETS: DocumentAnalysis[list] = DocumentAnalysis("related-link targets", _targets)


class LinkRule(Rule):
    default_severity = Severity.ERROR
    analyses = (CORPUS_INDEX, KNOWN_PAGES)
    section = LINKS

    def known(self, ctx) -> set[str]:
        return ctx.get(KNOWN_PAGES)

    def is_external(self, ctx, url: str) -> bool:
        return any(url.startswith(p) for p in ctx.section(LINKS).get("external-prefixes", []))

    def targets(self, doc, ctx) -> list:
        """The related blocks' targets (looked up once per document: five rules read them)."""
        return ctx.of(doc, LINK_TARGETS)


# The rules' examples: articles of a small content tree that link to `what-is-naloxone.md`.
_NALOXONE = {
    "what-is-naloxone.md": """\
---
id: 72023
title: What is naloxone?
subject: Health Studies
url: /learn/health-studies/questions/what-is-naloxone
---
# What is naloxone?

## How to use it
"""
}
_STRIPS = {
    "what-are-fentanyl-test-strips.md": """\
---
id: 72026
title: What are fentanyl test strips?
subject: Health Studies
url: /learn/health-studies/questions/what-are-fentanyl-test-strips
---
"""
}


def _linking(
    *blocks: str, head: str = "id: 72030\nurl: /learn/health-studies/questions/where-to-get-naloxone\n", body: str = ""
) -> str:
    """An article with the given related_articleN blocks (their text, numbered from 1) and body."""
    related = "".join(
        f"related_article{n}:\n" + "".join(f"  {line}\n" for line in block.strip().splitlines())
        for n, block in enumerate(blocks, 1)
        if block
    )
    text = "".join(line.strip() + "\n" for line in body.strip().splitlines())
    return f"---\n{head}{related}---\n{text}"


_BLOCK = """\
id: 72023
title: What is naloxone?
subject: Health Studies
url: /learn/health-studies/questions/what-is-naloxone"""


class Unresolved(LinkRule):
    id = "links/unresolved"
    summary = "A `related_articleN.url` that matches no article in the content tree and no declared page."
    why = """
        When an article is renamed, moved or deleted, the articles that point at it keep a dead
        link. Targets are looked up in an index of the whole content tree (not only the files being
        checked); pages of the site that live elsewhere are declared in the config
        (`links.known-urls`, `links.sitemap`, `links.external-prefixes`). The closest urls and
        titles are suggested.
    """
    example_flagged = Example(
        _linking(_BLOCK.replace("what-is-naloxone", "what-is-narcan")),
        files=_NALOXONE,
        caption="The url the article had before it was renamed.",
    )
    example_passing = Example(
        _linking(_BLOCK, "url: /learn/sociology/questions/what-is-the-war-on-drugs"),
        files=_NALOXONE,
        config="""
        links:
          known-urls: [/learn/sociology/questions/what-is-the-war-on-drugs]
    """,
        caption="The current url, and a page of the site declared in the config.",
    )

    def check(self, doc, ctx):
        known = self.known(ctx)
        index = ctx.get(CORPUS_INDEX)
        for _, key, block, target in self.targets(doc, ctx):
            url = block["url"]
            if target is not None or normalise_url(url) in known or self.is_external(ctx, url):
                continue
            suggestions = index.similar_urls(url)
            title = block.get("title")
            if isinstance(title, str):
                same = [a.url for a in index.by_title.get(normalise_title(title), []) if a.url][:1]
                suggestions = same + [s for s in suggestions if s not in same]
            hint = f"; did you mean `{suggestions[0]}`?" if suggestions else ""
            start, end = doc.value_span((key, "url"))
            yield self.report(
                doc,
                start,
                end,
                f"`{key}.url` matches no article in the content tree{hint}",
                field=f"{key}.url",
                suggestions=suggestions,
            )


class IdMismatch(LinkRule):
    id = "links/id-mismatch"
    summary = "A related block's `id` differs from the id of the article its url points at."
    why = """
        The CMS may resolve related articles by id; an id that disagrees with the url shows a
        different article than the one named. (An id that belongs to another article is
        `links/id-conflict`.) The target's id is suggested.
    """
    example_flagged = Example(
        _linking(_BLOCK.replace("72023", "72024")),
        files=_NALOXONE,
        caption="No article has the id 72024; the one at the url has 72023.",
    )
    example_passing = Example(_linking(_BLOCK), files=_NALOXONE)

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            if target is None or target.id is None or str(block.get("id")) == str(target.id):
                continue
            other = ctx.get(CORPUS_INDEX).by_id.get(str(block.get("id")), [])
            if any(a.path != target.path for a in other):
                continue  # reported by links/id-conflict
            start, end = doc.value_span((key, "id"))
            yield self.report(
                doc,
                start,
                end,
                f"`{key}.id` is {block.get('id')!r} but the article at its url has id {target.id!r}",
                field=f"{key}.id",
                suggestions=[str(target.id)],
            )


class IdConflict(LinkRule):
    id = "links/id-conflict"
    summary = "A related block's `id` belongs to a different article than its `url`."
    why = """
        The block names two different articles at once (one by id, one by url); one of them is
        wrong. The id of the article at the url is suggested.
    """
    example_flagged = Example(
        _linking(_BLOCK.replace("72023", "72026")),
        files={**_NALOXONE, **_STRIPS},
        caption="72026 is the id of the test-strips article; the url is the naloxone article.",
    )
    example_passing = Example(_linking(_BLOCK), files={**_NALOXONE, **_STRIPS})

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            if target is None or str(block.get("id")) == str(target.id):
                continue
            other = [a for a in ctx.get(CORPUS_INDEX).by_id.get(str(block.get("id")), []) if a.path != target.path]
            if other:
                start, end = doc.value_span((key, "id"))
                yield self.report(
                    doc,
                    start,
                    end,
                    f"`{key}.id` {block.get('id')!r} belongs to `{other[0].url or other[0].path}`, "
                    f"not to the article at its url (id {target.id!r})",
                    field=f"{key}.id",
                    suggestions=[str(target.id)],
                )


class TitleMismatch(LinkRule):
    id = "links/title-mismatch"
    summary = "A related block's `title` differs from the current title of the article it points at."
    default_severity = Severity.WARNING
    why = """
        When an article is retitled, every block that points at it shows the old title.
        Whitespace and quote styles are ignored.
    """
    example_flagged = Example(
        _linking(_BLOCK.replace("title: What is naloxone?", "title: What is Narcan?")),
        files=_NALOXONE,
        caption='The target is now titled "What is naloxone?".',
    )
    example_passing = Example(_linking(_BLOCK), files=_NALOXONE)
    fix_safety = "safe"
    fix_note = """
        The target's current title replaces the old one, where the old title is a plain one-line
        value spelt verbatim and the new one needs no quoting.
    """

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            title = block.get("title")
            if target is None or not target.title or not isinstance(title, str):
                continue
            if _norm_text(title) == _norm_text(target.title):
                continue
            start, end = doc.value_span((key, "title"))
            fix = _value_fix(doc, (key, "title"), title, target.title)
            yield self.report(
                doc,
                start,
                end,
                f'`{key}.title` differs from the target\'s current title "{target.title}"',
                field=f"{key}.title",
                suggestions=[target.title],
                fix=fix,
            )


def _value_fix(doc, path: tuple, old: str, new: str) -> Fix | None:
    """Replace a plain one-line value whose source spells it verbatim (quoting left untouched)."""
    entry = doc.entry(path)
    if entry is None or entry.value_span is None or "\n" in old or any(c in new for c in ":#\"'\n"):
        return None
    start, end = entry.value_span
    source = doc.text[start:end]
    at = source.find(old)
    if at < 0 or source.count(old) != 1:
        return None
    return Fix(start + at, start + at + len(old), new, safe=True)


class SubjectMismatch(LinkRule):
    id = "links/subject-mismatch"
    summary = "A related block's `subject` differs from the subject of the article it points at."
    why = """
        The subject shown next to a related link must be the subject the target is listed under;
        after a target moves to another subject the block goes stale. The target's subject is
        suggested.
    """
    example_flagged = Example(
        _linking(_BLOCK.replace("subject: Health Studies", "subject: Sociology")),
        files=_NALOXONE,
        caption="The target is filed under Health Studies.",
    )
    example_passing = Example(_linking(_BLOCK), files=_NALOXONE)

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            subject = block.get("subject")
            if target is None or not target.subject or not isinstance(subject, str):
                continue
            if _norm_text(subject) != _norm_text(target.subject):
                start, end = doc.value_span((key, "subject"))
                yield self.report(
                    doc,
                    start,
                    end,
                    f'`{key}.subject` is "{subject}" but the target\'s subject is "{target.subject}"',
                    field=f"{key}.subject",
                    suggestions=[target.subject],
                )


class SelfLink(LinkRule):
    id = "links/self-link"
    summary = "An article lists itself as a related article."
    why = """
        A related link to the page the reader is on is a wasted slot (usually a copy-paste slip).
    """
    example_flagged = Example(
        _linking(_BLOCK, head="id: 72023\nurl: /learn/health-studies/questions/what-is-naloxone\n"),
        caption="The naloxone article lists itself.",
    )
    example_passing = Example(_linking(_BLOCK), files=_NALOXONE)

    def check(self, doc, ctx):
        data = doc.data
        own = normalise_url(data["url"]) if isinstance(data, dict) and isinstance(data.get("url"), str) else None
        for _, key, block in related_blocks(data):
            if own and isinstance(block.get("url"), str) and normalise_url(block["url"]) == own:
                start, end = doc.value_span((key, "url"))
                yield self.report(doc, start, end, f"`{key}` points at this article itself", field=f"{key}.url")


class DuplicateTarget(LinkRule):
    id = "links/duplicate-target"
    summary = "Two related blocks point at the same article."
    default_severity = Severity.WARNING
    why = """
        The same related article twice wastes a slot and looks broken to readers. Urls are
        compared normalised (case, trailing slash).
    """
    example_flagged = Example(_linking(_BLOCK, _BLOCK), files=_NALOXONE)
    example_passing = Example(
        _linking(
            _BLOCK,
            _BLOCK.replace("72023", "72026")
            .replace("What is naloxone?", "What are fentanyl test strips?")
            .replace("what-is-naloxone", "what-are-fentanyl-test-strips"),
        ),
        files={**_NALOXONE, **_STRIPS},
    )

    def check(self, doc, ctx):
        seen: dict[str, str] = {}
        for _, key, block in related_blocks(doc.data):
            url = block.get("url")
            if not isinstance(url, str):
                continue
            if normalise_url(url) in seen:
                start, end = doc.value_span((key, "url"))
                yield self.report(
                    doc,
                    start,
                    end,
                    f"`{key}` points at the same article as `{seen[normalise_url(url)]}`",
                    field=f"{key}.url",
                )
            else:
                seen[normalise_url(url)] = key


class NumberingGap(LinkRule):
    id = "links/numbering-gap"
    summary = "`related_articleN` numbers skip a number (related_article1, related_article3)."
    default_severity = Severity.WARNING
    why = """
        Templates usually read related_article1, 2, 3 ... in order and stop at the first gap, so
        the blocks after a gap are never shown.
    """
    example_flagged = Example(
        _linking(_BLOCK).replace("related_article1:", "related_article2:"),
        files=_NALOXONE,
        caption="`related_article2` without `related_article1`.",
    )
    example_passing = Example(_linking(_BLOCK), files=_NALOXONE)

    def check(self, doc, ctx):
        expected = 1
        for number, key, _ in related_blocks(doc.data):
            if number != expected:
                missing = ", ".join(f"related_article{n}" for n in range(expected, number))
                start, end = doc.key_span((key,))
                yield self.report(doc, start, end, f"`{key}` follows a gap: {missing} is missing", field=key)
            expected = number + 1


class DuplicateArticle(LinkRule):
    id = "links/duplicate-article"
    summary = "Two articles in the content tree share an `id`, `url` or `file_name` (reported on both)."
    why = """
        Ids, urls and file names identify articles; when two share one, links and the CMS pick one
        of them at random. Each article is told which other file holds the same value.
    """
    example_flagged = Example(
        _linking(head="id: 72023\nurl: /learn/health-studies/questions/where-to-get-naloxone\n"),
        files=_NALOXONE,
        caption="A copy of the naloxone article that kept its `id`.",
    )
    example_passing = Example(_linking(), files=_NALOXONE)

    def prepare(self, ctx):
        super().prepare(ctx)
        if not ctx.get(CORPUS_INDEX).checks_freshness:  # before the workers fork, what check() uses
            ctx.get(CORPUS_INDEX).paths  # noqa: B018
            for _, table, _ in self.tables(ctx.get(CORPUS_INDEX)):
                table.repeated  # noqa: B018

    @staticmethod
    def tables(index):
        return (("id", index.by_id, str), ("url", index.by_url, normalise_url), ("file_name", index.by_file_name, str))

    def check(self, doc, ctx):
        data = doc.data
        if not isinstance(data, dict):
            return
        index, rel = ctx.get(CORPUS_INDEX), ctx.corpus_path(doc)
        for key, table, norm in self.tables(index):
            value = data.get(key)
            if value is None or isinstance(value, (dict, list)):
                continue
            if not index.checks_freshness and rel in index.paths and norm(value) not in table.repeated:
                continue  # its index entry (fresh in this run) is the only one with this key: this file
            others = [a.path for a in table.get(norm(value), []) if a.path != rel]
            if others:
                start, end = doc.value_span((key,))
                yield self.report(
                    doc, start, end, f"`{key}` {value!r} is also used by {', '.join(others[:3])}", field=key
                )


class BodyLink(LinkRule):
    id = "links/body"
    summary = "An internal link in the body (Markdown, reference, HTML href/src) that resolves nowhere."
    why = """
        Site-absolute links (`/learn/...`) must match an article's url, a declared page or a file
        under the content root, and relative links must name a file that exists; `#anchors` must
        match a heading of the target. Code is skipped. External http(s) links are checked only
        with `--check-external` (`links/external`).
    """
    example_flagged = Example(
        _linking(
            body="""
        Carry [naloxone](/learn/health-studies/questions/what-is-narcan) and read
        [how to use it](what-is-naloxone.md#how-to-give-it).
    """
        ),
        files=_NALOXONE,
        caption="A url from before a rename, and an anchor that matches no heading.",
    )
    example_passing = Example(
        _linking(
            body="""
        Carry [naloxone](/learn/health-studies/questions/what-is-naloxone) and read
        [how to use it](what-is-naloxone.md#how-to-use-it).
    """
        ),
        files=_NALOXONE,
    )

    def check(self, doc, ctx):
        for dest, start, end in body_links(doc):
            problem = self.resolve(doc, ctx, dest)
            if problem:
                yield self.report(doc, start, end, problem)

    def resolve(self, doc, ctx, dest: str) -> str | None:
        """None when `dest` resolves, else the reason it does not."""
        if _SCHEME.match(dest) or dest.startswith("//"):
            return None  # external or another scheme
        path, _, anchor = dest.partition("#")
        path = unquote(path.split("?", 1)[0])
        if not path:
            anchors = article_of(doc, "").anchors if doc.front_matter else _own_anchors(doc)
            return None if not anchor or anchor in anchors else f"anchor `#{anchor}` matches no heading here"
        if path.startswith("/"):
            target = ctx.get(CORPUS_INDEX).find_url(path)
            if target is None:
                if (
                    normalise_url(path) in self.known(ctx)
                    or self.is_external(ctx, path)
                    or (ctx.root / path.lstrip("/")).exists()
                ):
                    return None
                return f"`{path}` matches no article url, declared page or file under the content root"
            return (
                None if not anchor or anchor in target.anchors else f"anchor `#{anchor}` matches no heading of `{path}`"
            )
        file = (doc.path.parent / path).resolve()
        if not file.exists():
            return f"`{path}` does not exist (relative to {doc.display})"
        if anchor and file.is_file():
            rel = file.relative_to(ctx.root).as_posix() if file.is_relative_to(ctx.root) else None
            target = ctx.get(CORPUS_INDEX).by_path.get(rel) if rel else None
            if target is not None and anchor not in target.anchors:
                return f"anchor `#{anchor}` matches no heading of `{path}`"
        return None


def _own_anchors(doc) -> list[str]:
    return scan(doc).anchors


class External(LinkRule):
    id = "links/external"
    summary = "An external http(s) link that does not answer (only with --check-external)."
    why = """
        Dead external sources undermine an article. Checked only when asked (`--check-external`),
        never under pre-commit otherwise; only http and https are requested, with a timeout per
        request, bounded concurrency, retries with backoff for 429/503 and a cache of successes
        (24 h) in the content root's `.hrlint_cache/`. `links.external-allow` /
        `links.external-deny` (regexes) narrow what is requested.
    """
    example_flagged = Example(
        "See the [study](https://example.org/removed-page).\n",
        args=("--check-external",),
        caption="The server answers 404.",
        illustrative="needs the network",
    )
    example_passing = Example(
        "See the [study](https://example.org/naloxone-trial).\n",
        args=("--check-external",),
        caption="The server answers 200.",
        illustrative="needs the network",
    )

    def check(self, doc, ctx):
        if not ctx.check_external:
            return
        links = [(d, s, e) for d, s, e in body_links(doc) if d.startswith(("http://", "https://"))]
        if not links:
            return
        results = ctx.get(EXTERNAL_RESULTS)
        todo = [d for d, _, _ in links if d not in results]
        if todo:
            results.update(_checker(ctx).check(todo))
        for dest, start, end in links:
            result = results.get(dest)
            if result is not None and result.ok is False:
                yield self.report(doc, start, end, f"external link does not answer: {result.detail}")


def _external_checker(ctx):
    from lint.checks.links.external import ExternalChecker

    settings = ctx.section(LINKS)
    return ExternalChecker(
        None if not ctx.use_cache else ctx.root / ".hrlint_cache" / "external-v1.json",
        timeout=float(settings.get("external-timeout", 10)),
        allow=settings.get("external-allow", []),
        deny=settings.get("external-deny", []),
    )


EXTERNAL_CHECKER: Analysis = Analysis("the external link checker", _external_checker)
EXTERNAL_RESULTS: Analysis[dict] = Analysis("external link results", lambda ctx: {})  # url -> result, this run


def _checker(ctx):
    return ctx.get(EXTERNAL_CHECKER)


class Orphan(LinkRule):
    id = "links/orphan"
    summary = "No other article links to this one (audit metric; off in `check` unless selected)."
    default_severity = Severity.INFO
    default_enabled = False
    why = """
        An article nothing links to is hard to find. This is an audit metric over the whole
        content tree (`hrlint audit` reports it), off in `check` by default; `--select
        links/orphan` turns it on.
    """
    example_flagged = Example(
        _NALOXONE["what-is-naloxone.md"],
        path="what-is-naloxone.md",
        files={"where-to-get-naloxone.md": _linking()},
        args=("--select", "links/orphan"),
        caption="No other article lists it as a related article.",
    )
    example_passing = Example(
        _NALOXONE["what-is-naloxone.md"],
        path="what-is-naloxone.md",
        files={"where-to-get-naloxone.md": _linking(_BLOCK)},
        args=("--select", "links/orphan"),
        caption="`where-to-get-naloxone.md` lists it as a related article.",
    )

    def check(self, doc, ctx):
        rel = ctx.corpus_path(doc)
        inbound = ctx.get(INBOUND)
        if rel in inbound and inbound[rel] == 0:
            yield self.report(doc, 0, 0, "no article in the content tree links to this one")


RULES = [
    Unresolved,
    IdMismatch,
    IdConflict,
    TitleMismatch,
    SubjectMismatch,
    SelfLink,
    DuplicateTarget,
    NumberingGap,
    DuplicateArticle,
    BodyLink,
    External,
    Orphan,
]
