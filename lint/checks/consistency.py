"""Consistency between front-matter fields: titles, url slug, file name and subject."""

from __future__ import annotations

from lint.engine.registry import Example, Rule
from lint.model.findings import Severity
from lint.text.urls import slugify


def _norm(text: str) -> str:
    return " ".join(text.split())


def _strings(data, *keys):
    values = [data.get(k) if isinstance(data, dict) else None for k in keys]
    return values if all(isinstance(v, str) for v in values) else None


def _report(rule: Rule, doc, name: str, message: str, suggestion: str):
    """A finding at a top-level field's value, suggesting the consistent value."""
    start, end = doc.value_span((name,))
    return rule.report(doc, start, end, message, field=name, suggestions=[suggestion])


class TitleMatch(Rule):
    id = "consistency/title-match"
    summary = "`article_title` and `question` must read the same as `title`."
    default_severity = Severity.ERROR
    options_schema = {
        "fields": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["article_title", "question"],
            "description": "fields that must equal `title` (whitespace-insensitive)",
        },
    }
    why = """
        The title, the on-page article title and the question are shown in different places
        (search results, the page heading, the Q&A block); when one is edited and the others are
        not, readers see two different questions. Differences in whitespace are ignored; the title
        is suggested.
    """
    example_flagged = Example("""
        ---
        title: What is naloxone?
        article_title: What is naloxone?
        question: What is naloxone and how is it used?
        ---
    """)
    example_passing = Example("""
        ---
        title: What is naloxone?
        article_title: What is naloxone?
        question: What is naloxone?
        ---
    """)

    def check(self, doc, ctx):
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            return
        title = data["title"]
        for name in self.options["fields"]:
            value = data.get(name)
            if isinstance(value, str) and _norm(value) != _norm(title):
                yield _report(self, doc, name, f'`{name}` differs from `title` ("{_norm(title)}")', _norm(title))


class UrlSlug(Rule):
    id = "consistency/url-slug"
    summary = "`url` must end with the slug of `title`."
    default_severity = Severity.ERROR
    why = """
        The url is derived from the title; when they disagree the article was retitled without
        moving it (or copied without updating), and related links to it go stale. The slug keeps
        letters, digits and spaces, lowercases them and joins words with `-` (so "alcohol-related"
        becomes "alcoholrelated"). The url with the title's slug is suggested.
    """
    example_flagged = Example("""
        ---
        title: What is naloxone?
        url: /learn/health-studies/questions/what-is-narcan
        ---
    """)
    example_passing = Example("""
        ---
        title: What is naloxone?
        url: /learn/health-studies/questions/what-is-naloxone
        ---
    """)

    def check(self, doc, ctx):
        title, url = _strings(doc.data, "title", "url") or (None, None)
        slug = slugify(title) if title else ""
        if slug and url.rstrip("/").rsplit("/", 1)[-1] != slug:
            expected = url.rstrip("/").rsplit("/", 1)[0] + "/" + slug
            yield _report(self, doc, "url", f"`url` does not end with the title's slug `{slug}`", expected)


class FileName(Rule):
    id = "consistency/file-name"
    summary = "`file_name` must be the slug of `title` plus `.md`."
    default_severity = Severity.ERROR
    why = """
        The CMS stores the article under `file_name`; one that does not follow the title is a sign
        of a copied or retitled article and breaks the link between file and page. The expected
        name is suggested.
    """
    example_flagged = Example("""
        ---
        title: What is naloxone?
        file_name: what-is-narcan.md
        ---
    """)
    example_passing = Example("""
        ---
        title: What is naloxone?
        file_name: what-is-naloxone.md
        ---
    """)

    def check(self, doc, ctx):
        title, file_name = _strings(doc.data, "title", "file_name") or (None, None)
        expected = slugify(title) + ".md" if title else ".md"
        if expected != ".md" and file_name != expected:
            yield _report(self, doc, "file_name", f"`file_name` should be `{expected}` (the title's slug)", expected)


class Subject(Rule):
    id = "consistency/subject"
    summary = "`subject`, the url's subject segment and `seo.title` must name the same subject."
    default_severity = Severity.ERROR
    options_schema = {
        "seo-title-prefix": {
            "type": "string",
            "default": "QuickTakes | ",
            "description": "what `seo.title` reads before the subject",
        },
    }
    why = """
        The subject decides where the article is listed; when `subject`, the second url segment
        (`/learn/<subject>/...`) and `seo.title` (`QuickTakes | <subject>`) disagree, the page shows
        up under one subject and is titled with another. Checked for each `related_articleN` block
        too.
    """
    example_flagged = Example(
        """
        ---
        subject: Health Studies
        url: /learn/sociology/questions/what-is-naloxone
        seo:
          title: QuickTakes | Sociology
        ---
    """,
        caption="The url and `seo.title` name Sociology; `subject` says Health Studies.",
    )
    example_passing = Example("""
        ---
        subject: Health Studies
        url: /learn/health-studies/questions/what-is-naloxone
        seo:
          title: QuickTakes | Health Studies
        ---
    """)

    def check(self, doc, ctx):
        data = doc.data
        if not isinstance(data, dict):
            return
        prefix = self.options["seo-title-prefix"]
        blocks = [()] + [
            (k,)
            for k, v in data.items()
            if isinstance(k, str) and k.startswith("related_article") and isinstance(v, dict)
        ]
        for block in blocks:
            values = data if not block else data[block[0]]
            subject = values.get("subject")
            if not isinstance(subject, str):
                continue
            url = values.get("url")
            parts = url.split("/") if isinstance(url, str) else []
            if len(parts) > 2 and parts[1] == "learn" and parts[2] != slugify(subject):
                start, end = doc.value_span(block + ("url",))
                yield self.report(
                    doc,
                    start,
                    end,
                    f"the url's subject segment `{parts[2]}` does not match "
                    f"subject `{subject}` (expected `{slugify(subject)}`)",
                    field=".".join(block + ("url",)),
                )
            seo = values.get("seo") if not block else None
            if isinstance(seo, dict) and isinstance(seo.get("title"), str):
                expected = prefix + subject
                if _norm(seo["title"]) != _norm(expected) and seo["title"].startswith(prefix):
                    start, end = doc.value_span(("seo", "title"))
                    yield self.report(
                        doc,
                        start,
                        end,
                        f"`seo.title` should be `{expected}` (the subject is `{subject}`)",
                        field="seo.title",
                        suggestions=[expected],
                    )


RULES = [TitleMatch, UrlSlug, FileName, Subject]
