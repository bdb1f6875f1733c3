"""`--format junit`: JUnit XML for CI test tabs. One test case per checked file; a file with
findings fails, its failure text listing `line:col severity rule message` per finding."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lint.report.common import plural

# Characters XML 1.0 cannot hold at all (ElementTree escapes markup but not these).
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render_junit(report, **_) -> str:
    by_path: dict[str, list] = {path: [] for path in report.files}
    for f in report.findings:  # findings on files not checked (a stale baseline entry) still count
        by_path.setdefault(f.path, []).append(f)
    failures = sum(1 for found in by_path.values() if found)
    counts = {"tests": str(len(by_path)), "failures": str(failures), "errors": "0"}
    suites = ET.Element("testsuites", {"name": "hrlint", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": "hrlint", **counts, "skipped": "0"})
    for path, found in by_path.items():
        case = ET.SubElement(suite, "testcase", {"classname": "hrlint", "name": _clean(path)})
        if found:
            failure = ET.SubElement(
                case, "failure", {"message": plural(len(found), "problem"), "type": str(max(f.severity for f in found))}
            )
            failure.text = _clean("\n".join(f"{f.line}:{f.column} {f.severity} {f.rule} {f.message}" for f in found))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
