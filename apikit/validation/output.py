"""Rendering validation reports: human, json, sarif (code scanning), github (annotations)."""

from __future__ import annotations

import json
from typing import Any

from apikit import __version__
from apikit.findings import Finding, Severity
from apikit.validation import BUILTIN_RULES, ValidationReport
from apikit.validation.rules import RULES

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(reports: list[ValidationReport], fmt: str, console: Any, *, strict: bool) -> None:
    if fmt == "json":
        console.file.write(json.dumps(as_json(reports), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "sarif":
        console.file.write(json.dumps(as_sarif(reports), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "github":
        for report in reports:
            for finding in report.findings:
                console.out(github_annotation(finding), highlight=False)
            console.out(summary_line(report, strict), highlight=False)
    else:
        render_human(reports, console, strict=strict)


def as_json(reports: list[ValidationReport]) -> dict[str, Any]:
    return {
        "valid": all(report.valid for report in reports),
        "findings": [f.as_dict() for report in reports for f in report.findings],
    }


def render_human(reports: list[ValidationReport], console: Any, *, strict: bool) -> None:
    """Grouped by file. Styled through rich on a terminal; written straight out
    otherwise, which keeps thousands of findings (a CI log) fast."""
    styled = console.is_terminal and not console.no_color
    for report in reports:
        current_file = None
        for finding in report.findings:
            if finding.location.file != current_file:
                current_file = finding.location.file
                _line(console, styled, f"\n{current_file}", "bold")
            _finding_line(console, styled, finding)
        verdict = summary_line(report, strict)
        failed = report.exit_code(strict) != 0
        _line(console, styled, ("✗ " if failed else "✓ ") + verdict, "red" if failed else "green")


def _finding_line(console: Any, styled: bool, finding: Finding) -> None:
    where, severity = str(finding.location), finding.severity.value
    if not styled:
        console.file.write(f"  {where} {severity} {finding.rule} {finding.message}\n")
        return
    from rich.text import Text

    console.print(
        Text.assemble(
            f"  {where} ",
            (severity, _STYLE[finding.severity]),
            " ",
            (finding.rule, "dim"),
            f" {finding.message}",
        )
    )


def _line(console: Any, styled: bool, text: str, style: str) -> None:
    if styled:
        from rich.text import Text

        console.print(Text(text, style=style))
    else:
        console.file.write(text + "\n")


def summary_line(report: ValidationReport, strict: bool = False) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {_plural(infos, 'info')}"
    verdict = "valid" if report.exit_code(strict) == 0 else "invalid"
    return f"{report.spec_path}: {verdict} ({counts})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 or word == "info" else "s")


def github_annotation(finding: Finding) -> str:
    """A GitHub Actions workflow command that annotates the line in the PR."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    loc = finding.location
    props = [f"file={_escape_property(loc.file)}"]
    if loc.line is not None:
        props.append(f"line={loc.line}")
        if loc.column is not None:
            props.append(f"col={loc.column}")
    props.append(f"title={_escape_property('apikit ' + finding.rule)}")
    return f"::{level[finding.severity]} {','.join(props)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_sarif(reports: list[ValidationReport]) -> dict[str, Any]:
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    descriptions = {**BUILTIN_RULES, **{rule.id: rule.summary for rule in RULES.values()}}
    used = sorted({f.rule for report in reports for f in report.findings} | set(descriptions))
    results = []
    for report in reports:
        for finding in report.findings:
            loc = finding.location
            region = {"startLine": loc.line or 1}
            if loc.column is not None:
                region["startColumn"] = loc.column
            results.append(
                {
                    "ruleId": finding.rule,
                    "level": levels[finding.severity],
                    "message": {"text": finding.message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": loc.file},
                                "region": region,
                            },
                            "logicalLocations": [{"fullyQualifiedName": loc.pointer or "/"}],
                        }
                    ],
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apikit",
                        "version": __version__,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": descriptions.get(rule, rule)}}
                            for rule in used
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
