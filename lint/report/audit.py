"""`hrlint audit`: where a content folder stands, as a terminal summary, JSON and a self-contained
HTML report (inline CSS, SVG and script; every piece of article text escaped)."""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from lint import __version__
from lint.checks.links.rules import INBOUND
from lint.checks.principles import QUOTATIONS
from lint.engine.context import CORPUS_INDEX
from lint.model.findings import Severity
from lint.report.json_format import summary

AUDIT_VERSION = 1
TOP = 10
WEIGHT = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}
LINK_RULES = ("links/unresolved", "links/body", "links/external")


@dataclass
class Collector:
    """Per-document facts gathered while the run still holds each document."""

    subjects: dict[str, str] = field(default_factory=dict)  # path -> subject
    quoted: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # principle -> paths
    legacy: set[str] = field(default_factory=set)  # paths with old principle wording
    misquoted: set[str] = field(default_factory=set)
    degrees: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (in, out)

    def __call__(self, doc, ctx, findings, done, total) -> None:
        data = doc.data
        if isinstance(data, dict) and isinstance(data.get("subject"), str):
            self.subjects[doc.display] = data["subject"]
        for _, _, matches, _ in doc.memo.get(QUOTATIONS, []):
            for m in matches:
                if m.kind != "paraphrase":
                    self.quoted[m.principle.number].add(doc.display)
                if m.kind == "legacy" or m.legacy:
                    self.legacy.add(doc.display)
                if m.kind == "misquote":
                    self.misquoted.add(doc.display)
        if ctx.has(CORPUS_INDEX) and doc.front_matter is not None:
            inbound = ctx.get(INBOUND)
            rel = ctx.corpus_path(doc)
            article = ctx.get(CORPUS_INDEX).by_path.get(rel)
            if article is not None:
                self.degrees[doc.display] = (inbound.get(rel, 0), len(article.links))


def build(report, collector: Collector, root: str) -> dict:
    """The versioned audit summary (also the data behind the terminal and HTML views)."""
    base = summary(report)
    terms = Counter()
    per_file: dict[str, Counter] = defaultdict(Counter)
    per_subject: dict[str, Counter] = defaultdict(Counter)
    for f in report.findings:
        per_file[f.path][str(f.severity)] += 1
        per_subject[collector.subjects.get(f.path, "(no subject)")][str(f.severity)] += 1
        if f.rule.startswith("stigma/"):
            lines = report.sources.get(f.path)
            if lines is not None:
                terms[" ".join(lines.text[f.start : f.end].lower().split())] += 1

    def score(counts: Counter) -> int:
        return sum(WEIGHT[Severity.parse(k)] * n for k, n in counts.items())

    def worst(table: dict[str, Counter], key: str) -> list[dict]:
        ranked = sorted(table.items(), key=lambda kv: (-score(kv[1]), kv[0]))[:TOP]
        return [
            {key: name, "score": score(c), **{s: c.get(s, 0) for s in ("error", "warning", "info")}}
            for name, c in ranked
        ]

    return {
        "version": AUDIT_VERSION,
        "hrlint": __version__,
        "root": root,
        **base,
        "top_terms": [{"term": t, "count": n} for t, n in sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]],
        "principles": {
            "articles_quoting": {str(n): len(collector.quoted.get(n, ())) for n in range(1, 9)},
            "articles_with_legacy_wording": len(collector.legacy),
            "articles_with_misquotes": len(collector.misquoted),
        },
        "links": {
            "broken": sum(base["by_rule"].get(r, 0) for r in LINK_RULES),
            "orphans": base["by_rule"].get("links/orphan", 0),
            "degrees": [{"path": p, "in": i, "out": o} for p, (i, o) in sorted(collector.degrees.items())],
        },
        "worst_articles": worst(per_file, "path"),
        "worst_subjects": worst(per_subject, "subject"),
    }


# --- terminal --------------------------------------------------------------------------------


def render_summary(data: dict) -> str:
    out = [
        f"hrlint audit of {data['root']}",
        f"  files checked:        {data['files_checked']}",
        f"  files with findings:  {data['files_with_findings']}",
        "  findings:             " + ", ".join(f"{n} {s}" for s, n in data["by_severity"].items()),
        f"  broken links:         {data['links']['broken']}",
        f"  orphan articles:      {data['links']['orphans']}",
        "",
        "Findings by rule:",
    ]
    out += [f"  {n:6d}  {rule}" for rule, n in sorted(data["by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))]
    out += ["", "Most frequent stigmatizing terms:"]
    out += [f"  {t['count']:6d}  {t['term']}" for t in data["top_terms"]] or ["  none"]
    p = data["principles"]
    out += [
        "",
        "Principle wording (articles quoting each principle):",
        "  " + "  ".join(f"{n}: {c}" for n, c in p["articles_quoting"].items()),
        f"  with legacy wording: {p['articles_with_legacy_wording']}, with misquotes: {p['articles_with_misquotes']}",
        "",
        "Worst articles:",
    ]
    out += [
        f"  {w['score']:6d}  {w['path']} ({w['error']} errors, {w['warning']} warnings, {w['info']} info)"
        for w in data["worst_articles"]
    ] or ["  none"]
    out += ["", "Worst subjects:"]
    out += [f"  {w['score']:6d}  {w['subject']}" for w in data["worst_subjects"]] or ["  none"]
    return "\n".join(out) + "\n"


# --- HTML ------------------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f;max-width:1200px}
h1{margin:0 0 .2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ddd;border-radius:8px;padding:.6rem 1rem}
.card b{display:block;font-size:1.6rem}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:1rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f6f6f6}td.src{font-family:ui-monospace,monospace;white-space:pre-wrap;font-size:12px}
mark{background:#ffd54f}.error{color:#b00020}.warning{color:#a15c00}.info{color:#1a5fb4}.note{color:#666}
.filters{display:flex;gap:.5rem;margin:.5rem 0}
"""
SCRIPT = """
(function(){
var t=document.getElementById('findings');if(!t)return;var rows=[].slice.call(t.tBodies[0].rows);
function apply(){var q=document.getElementById('q').value.toLowerCase(),f={};
['rule','severity','subject'].forEach(function(k){f[k]=document.getElementById('f-'+k).value});
rows.forEach(function(r){var ok=(!q||r.textContent.toLowerCase().indexOf(q)>=0);
['rule','severity','subject'].forEach(function(k){if(f[k]&&r.dataset[k]!==f[k])ok=false});r.hidden=!ok});}
['q','f-rule','f-severity','f-subject'].forEach(function(id){document.getElementById(id).addEventListener('input',apply)});
[].slice.call(t.tHead.rows[0].cells).forEach(function(th,i){th.addEventListener('click',function(){
var dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir>0?'asc':'desc';
rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,y=b.cells[i].dataset.sort||b.cells[i].textContent;
var nx=parseFloat(x),ny=parseFloat(y);if(!isNaN(nx)&&!isNaN(ny))return dir*(nx-ny);return dir*x.localeCompare(y)});
rows.forEach(function(r){t.tBodies[0].appendChild(r)})})});
})();
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def bar_chart(title: str, items: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as inline SVG (labels escaped)."""
    if not items:
        return f"<div><h3>{_e(title)}</h3><p class=note>none</p></div>"
    top = max(v for _, v in items) or 1
    row, label_w, bar_w = 22, 190, 200
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" width="{label_w + bar_w + 60}" '
        f'height="{row * len(items) + 4}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        width = max(1, round(bar_w * value / top))
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{_e(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 8}" fill="#4a78c2">'
            f"<title>{_e(label)}: {value}</title></rect>"
            f'<text x="{label_w + width + 4}" y="{y + 15}" font-size="12">{value}</text>'
        )
    return f"<div><h3>{_e(title)}</h3>" + "".join(parts) + "</svg></div>"


def _source(report, f) -> str:
    lines = report.sources.get(f.path)
    if lines is None or f.line > len(lines.starts):
        return ""
    text = lines.line_text(f.line)
    a = f.column - 1
    b = (f.end_column - 1) if f.end_line == f.line else len(text)
    b = max(b, a)
    lo, hi = max(0, a - 80), min(len(text), b + 80)
    return (
        ("…" if lo else "")
        + _e(text[lo:a])
        + "<mark>"
        + _e(text[a:b])
        + "</mark>"
        + _e(text[b:hi])
        + ("…" if hi < len(text) else "")
    )


def render_html(report, data: dict, collector: Collector, max_rows_per_rule: int = 200) -> str:
    sev = data["by_severity"]
    cards = [
        ("files checked", data["files_checked"]),
        ("with findings", data["files_with_findings"]),
        ("errors", sev["error"]),
        ("warnings", sev["warning"]),
        ("info", sev["info"]),
        ("broken links", data["links"]["broken"]),
        ("orphans", data["links"]["orphans"]),
    ]
    subjects = Counter()
    for f in report.findings:
        subjects[collector.subjects.get(f.path, "(no subject)")] += 1
    charts = [
        bar_chart("Findings per rule", sorted(data["by_rule"].items(), key=lambda kv: (-kv[1], kv[0]))),
        bar_chart("Findings per severity", [(s, n) for s, n in sev.items()]),
        bar_chart("Findings per subject (top 10)", subjects.most_common(TOP)),
        bar_chart("Most frequent stigmatizing terms", [(t["term"], t["count"]) for t in data["top_terms"]]),
    ]
    p = data["principles"]
    principle_rows = "".join(f"<tr><td>{n}</td><td>{c}</td></tr>" for n, c in p["articles_quoting"].items())
    worst = "".join(
        f"<tr><td>{_e(w['path'])}</td><td>{w['score']}</td><td>{w['error']}</td><td>{w['warning']}</td>"
        f"<td>{w['info']}</td></tr>"
        for w in data["worst_articles"]
    )
    worst_subjects = "".join(
        f"<tr><td>{_e(w['subject'])}</td><td>{w['score']}</td></tr>" for w in data["worst_subjects"]
    )
    shown: Counter = Counter()
    rows, hidden = [], Counter()
    for f in report.findings:
        if shown[f.rule] >= max_rows_per_rule:
            hidden[f.rule] += 1
            continue
        shown[f.rule] += 1
        subject = collector.subjects.get(f.path, "(no subject)")
        rows.append(
            f'<tr data-rule="{_e(f.rule)}" data-severity="{f.severity}" data-subject="{_e(subject)}">'
            f'<td>{_e(f.path)}</td><td data-sort="{f.line}">{f.line}:{f.column}</td><td>{_e(f.rule)}</td>'
            f'<td class="{f.severity}" data-sort="{int(f.severity)}">{f.severity}</td><td>{_e(subject)}</td>'
            f"<td>{_e(f.message)}</td><td class=src>{_source(report, f)}</td></tr>"
        )
    notes = "".join(
        f"<li>{n} more findings of {_e(rule)} not shown (limit {max_rows_per_rule} per rule; "
        "the JSON summary and `hrlint check` list them all)</li>"
        for rule, n in sorted(hidden.items())
    )

    def options(values) -> str:
        return "<option value=''>all</option>" + "".join(f"<option>{_e(v)}</option>" for v in sorted(values))

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>hrlint audit</title><style>{CSS}</style></head>
<body><h1>hrlint audit</h1><p class=note>{_e(data["root"])} · hrlint {_e(data["hrlint"])}</p>
<div class=cards>{"".join(f"<div class=card><b>{v}</b>{_e(k)}</div>" for k, v in cards)}</div>
<h2>Charts</h2><div class=charts>{"".join(charts)}</div>
<h2>Principle wording</h2><p>Articles quoting each principle; {p["articles_with_legacy_wording"]} with legacy
wording, {p["articles_with_misquotes"]} with misquotes.</p>
<table><thead><tr><th>principle</th><th>articles</th></tr></thead><tbody>{principle_rows}</tbody></table>
<h2>Worst articles</h2><table><thead><tr><th>file</th><th>score</th><th>errors</th><th>warnings</th><th>info</th></tr>
</thead><tbody>{worst}</tbody></table>
<h2>Worst subjects</h2><table><thead><tr><th>subject</th><th>score</th></tr></thead><tbody>{worst_subjects}</tbody></table>
<h2>Findings</h2><div class=filters><input id=q placeholder="filter text" aria-label="filter">
<select id=f-rule aria-label=rule>{options(data["by_rule"])}</select>
<select id=f-severity aria-label=severity>{options(["error", "warning", "info"])}</select>
<select id=f-subject aria-label=subject>{options(set(collector.subjects.values()) | {"(no subject)"})}</select></div>
<ul class=note>{notes}</ul>
<table id=findings><thead><tr><th>file</th><th>line</th><th>rule</th><th>severity</th><th>subject</th>
<th>message</th><th>source</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<script>{SCRIPT}</script></body></html>
"""


def render_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
