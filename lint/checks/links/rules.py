"""Related-article and body links, resolved against the index of the whole content tree.

`related_articleN` blocks must point at a real article (or a page declared in `links:` config)
whose id, title and subject they repeat; body links (Markdown links, images, reference
definitions, raw HTML href/src) must resolve in the index or on disk, anchors included.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lint.checks.links.pages import known_pages
from lint.store.index import article_of
from lint.text.urls import normalise_text, normalise_title, normalise_url
from lint.model.findings import Fix, Severity
from lint.engine.analysis import Analysis, DocumentAnalysis
from lint.engine.context import CORPUS_INDEX
from lint.engine.registry import Rule

_RELATED = re.compile(r"^related_article([1-9][0-9]*)$")
_CODE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)|(`+)(?!`).+?(?<!`)\2(?!`)", re.M | re.S)
_BODY_LINKS = [
    re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+[\"'(][^\n]*?[\"')])?\s*\)"),
    re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+[\"'(].*)?$", re.M),
    re.compile(r"""<[A-Za-z][^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']"""),
    re.compile(r"<((?:https?|mailto):[^>\s]+)>"),
]
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
    out = [(int(m.group(1)), k, v) for k, v in data.items()
           if isinstance(k, str) and (m := _RELATED.match(k)) and isinstance(v, dict)]
    return sorted(out)


def body_links(doc) -> list[tuple[str, int, int]]:
    """(destination, start, end) of every link in the body, code excluded; offsets in doc.text."""
    start = doc.body_start
    body = doc.text[start:]
    masked = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    found = {}
    for pattern in _BODY_LINKS:
        for m in pattern.finditer(masked):
            found.setdefault(m.start(1), (m.group(1), start + m.start(1), start + m.end(1)))
    return [found[k] for k in sorted(found)]


KNOWN_PAGES: Analysis[set[str]] = Analysis("the declared pages", lambda ctx: known_pages(ctx.config.links, ctx.root))
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

    def known(self, ctx) -> set[str]:
        return ctx.get(KNOWN_PAGES)

    def is_external(self, ctx, url: str) -> bool:
        return any(url.startswith(p) for p in ctx.config.links.get("external-prefixes", []))

    def targets(self, doc, ctx) -> list:
        """The related blocks' targets (looked up once per document: five rules read them)."""
        return ctx.of(doc, LINK_TARGETS)


class Unresolved(LinkRule):
    id = "links/unresolved"
    summary = "A `related_articleN.url` that matches no article in the content tree and no declared page."
    explanation = """
Why: when an article is renamed, moved or deleted, the articles that point at it keep a dead link.
Targets are looked up in an index of the whole content tree (not only the files being checked);
pages of the site that live elsewhere are declared in the config (`links.known-urls`,
`links.sitemap`, `links.external-prefixes`). The closest urls and titles are suggested.

Example: `url: /learn/health-studies/questions/what-is-narcan` after the article was renamed.
"""

    def check(self, doc, ctx):
        known = self.known(ctx)
        index = ctx.get(CORPUS_INDEX)
        for number, key, block, target in self.targets(doc, ctx):
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
            yield self.report(doc, start, end, f"`{key}.url` matches no article in the content tree{hint}",
                              field=f"{key}.url", suggestions=suggestions)


class IdMismatch(LinkRule):
    id = "links/id-mismatch"
    summary = "A related block's `id` differs from the id of the article its url points at."
    explanation = """
Why: the CMS may resolve related articles by id; an id that disagrees with the url shows a
different article than the one named. (An id that belongs to another article is `links/id-conflict`.)

Example: `id: 72024` in a block whose url is the article with id 72023.
"""

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            if target is None or target.id is None or str(block.get("id")) == str(target.id):
                continue
            other = ctx.get(CORPUS_INDEX).by_id.get(str(block.get("id")), [])
            if any(a.path != target.path for a in other):
                continue  # reported by links/id-conflict
            start, end = doc.value_span((key, "id"))
            yield self.report(doc, start, end, f"`{key}.id` is {block.get('id')!r} but the article at its url "
                              f"has id {target.id!r}", field=f"{key}.id", suggestions=[str(target.id)])


class IdConflict(LinkRule):
    id = "links/id-conflict"
    summary = "A related block's `id` belongs to a different article than its `url`."
    explanation = """
Why: the block names two different articles at once (one by id, one by url); one of them is wrong.

Example: `id: 72026` (the psychology article) with the url of the cannabis article.
"""

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            if target is None or str(block.get("id")) == str(target.id):
                continue
            other = [a for a in ctx.get(CORPUS_INDEX).by_id.get(str(block.get("id")), []) if a.path != target.path]
            if other:
                start, end = doc.value_span((key, "id"))
                yield self.report(doc, start, end,
                                  f"`{key}.id` {block.get('id')!r} belongs to `{other[0].url or other[0].path}`, "
                                  f"not to the article at its url (id {target.id!r})",
                                  field=f"{key}.id", suggestions=[str(target.id)])


class TitleMismatch(LinkRule):
    id = "links/title-mismatch"
    summary = "A related block's `title` differs from the current title of the article it points at."
    default_severity = Severity.WARNING
    explanation = """
Why: when an article is retitled, every block that points at it shows the old title. Whitespace
and quote styles are ignored. The current title is offered as a safe fix.

Example: `title: What is Narcan?` for an article now titled "What is naloxone?".
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
            yield self.report(doc, start, end, f"`{key}.title` differs from the target's current title "
                              f"\"{target.title}\"", field=f"{key}.title", suggestions=[target.title], fix=fix)


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
    explanation = """
Why: the subject shown next to a related link must be the subject the target is listed under;
after a target moves to another subject the block goes stale.

Example: `subject: Sociology` for an article now filed under Health Studies.
"""

    def check(self, doc, ctx):
        for _, key, block, target in self.targets(doc, ctx):
            subject = block.get("subject")
            if target is None or not target.subject or not isinstance(subject, str):
                continue
            if _norm_text(subject) != _norm_text(target.subject):
                start, end = doc.value_span((key, "subject"))
                yield self.report(doc, start, end, f"`{key}.subject` is \"{subject}\" but the target's subject is "
                                  f"\"{target.subject}\"", field=f"{key}.subject", suggestions=[target.subject])


class SelfLink(LinkRule):
    id = "links/self-link"
    summary = "An article lists itself as a related article."
    explanation = """
Why: a related link to the page the reader is on is a wasted slot (usually a copy-paste slip).

Example: `related_article2.url` equal to the article's own `url`.
"""

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
    explanation = """
Why: the same related article twice wastes a slot and looks broken to readers.

Example: `related_article1.url` and `related_article3.url` are the same url.
"""

    def check(self, doc, ctx):
        seen: dict[str, str] = {}
        for _, key, block in related_blocks(doc.data):
            url = block.get("url")
            if not isinstance(url, str):
                continue
            if normalise_url(url) in seen:
                start, end = doc.value_span((key, "url"))
                yield self.report(doc, start, end, f"`{key}` points at the same article as `{seen[normalise_url(url)]}`",
                                  field=f"{key}.url")
            else:
                seen[normalise_url(url)] = key


class NumberingGap(LinkRule):
    id = "links/numbering-gap"
    summary = "`related_articleN` numbers skip a number (related_article1, related_article3)."
    default_severity = Severity.WARNING
    explanation = """
Why: templates usually read related_article1, 2, 3 ... in order and stop at the first gap, so
the blocks after a gap are never shown.

Example: `related_article1` and `related_article3` without `related_article2`.
"""

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
    explanation = """
Why: ids, urls and file names identify articles; when two share one, links and the CMS pick one
of them at random. Each article is told which other file holds the same value.

Example: a copied article that kept the original's `id`.
"""

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
                yield self.report(doc, start, end, f"`{key}` {value!r} is also used by {', '.join(others[:3])}",
                                  field=key)


class BodyLink(LinkRule):
    id = "links/body"
    summary = "An internal link in the body (Markdown, reference, HTML href/src) that resolves nowhere."
    explanation = """
Why: site-absolute links (`/learn/...`) must match an article's url or a declared page, and
relative links must name a file that exists; `#anchors` must match a heading of the target.
External http(s) links are checked only with `--check-external` (`links/external`).

Example: `[naloxone](/learn/health-studies/questions/what-is-narcan)` after a rename.
"""

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
                if normalise_url(path) in self.known(ctx) or self.is_external(ctx, path) \
                        or (ctx.root / path.lstrip("/")).exists():
                    return None
                return f"`{path}` matches no article url, declared page or file under the content root"
            return None if not anchor or anchor in target.anchors else \
                f"anchor `#{anchor}` matches no heading of `{path}`"
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
    from lint.text.markdown import heading_anchors

    return heading_anchors(doc.text[doc.body_start:])


class External(LinkRule):
    id = "links/external"
    summary = "An external http(s) link that does not answer (only with --check-external)."
    explanation = """
Why: dead external sources undermine an article. Checked only when asked (`--check-external`),
never under pre-commit otherwise; only http and https are requested, with a timeout per request,
bounded concurrency, retries with backoff for 429/503 and a cache of successes (24 h) in the
content root's `.hrlint_cache/`. `links.external-allow` / `links.external-deny` (regexes) narrow
what is requested.

Example: `[study](https://example.org/removed-page)` answering 404.
"""

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

    settings = ctx.config.links
    return ExternalChecker(None if not ctx.use_cache else ctx.root / ".hrlint_cache" / "external-v1.json",
                           timeout=float(settings.get("external-timeout", 10)),
                           allow=settings.get("external-allow", []), deny=settings.get("external-deny", []))


EXTERNAL_CHECKER: Analysis = Analysis("the external link checker", _external_checker)
EXTERNAL_RESULTS: Analysis[dict] = Analysis("external link results", lambda ctx: {})  # url -> result, this run


def _checker(ctx):
    return ctx.get(EXTERNAL_CHECKER)


class Orphan(LinkRule):
    id = "links/orphan"
    summary = "No other article links to this one (audit metric; off in `check` unless selected)."
    default_severity = Severity.INFO
    default_enabled = False
    explanation = """
Why: an article nothing links to is hard to find. This is an audit metric over the whole content
tree, off by default; `--select links/orphan` turns it on.
"""

    def check(self, doc, ctx):
        rel = ctx.corpus_path(doc)
        inbound = ctx.get(INBOUND)
        if rel in inbound and inbound[rel] == 0:
            yield self.report(doc, 0, 0, "no article in the content tree links to this one")


RULES = [Unresolved, IdMismatch, IdConflict, TitleMismatch, SubjectMismatch, SelfLink, DuplicateTarget,
         NumberingGap, DuplicateArticle, BodyLink, External, Orphan]
