"""Validation: Spec -> findings (structure, references, examples, house rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apikit.config import Config
from apikit.errors import ConfigError
from apikit.findings import Finding, Severity
from apikit.spec import Spec
from apikit.validation.rules import RULES

#: rules that are not in RULES because they come from other passes
BUILTIN_RULES = {
    "structure": "the document matches the OpenAPI 3.0/3.1 schema",
    "ref": "every $ref resolves inside the spec's folder, without cycles",
    "syntax": "files are valid UTF-8 YAML 1.2 or JSON without duplicate keys",
    "hostile-input": "no alias bombs, recursive aliases or oversized files",
    "unsupported-version": "the document is OpenAPI 3.0.x or 3.1.x",
    "example-invalid": "every example is valid against its schema (formats asserted)",
    "example-unchecked": "an example could not be checked because its schema does not compile",
    "example-external": "externalValue examples are listed, not fetched",
}


@dataclass
class ValidationReport:
    spec_path: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, strict: bool = False) -> int:
        if not self.valid:
            return 1
        if strict and self.count(Severity.WARNING):
            return 1
        return 0


def all_rule_ids() -> list[str]:
    return sorted([*BUILTIN_RULES, *RULES])


def validate(spec: Spec, config: Config | None = None) -> ValidationReport:
    """Every finding for one loaded spec, sorted by file and position."""
    from apikit.spec.schema import SchemaSet
    from apikit.validation.examples import example_findings
    from apikit.validation.structure import structure_findings

    settings = _rule_settings(config or Config())
    findings = list(spec.load_findings)
    findings += structure_findings(spec)
    hits = [
        (rule, path, message)
        for rule in RULES.values()
        if settings.get(rule.id) != "off"
        for path, message in rule.check(spec)
        if rule.id not in ignored_rules(spec, path)
    ]
    spec.prefetch_locations([path for _, path, _ in hits])
    findings += [
        spec.finding(rule.id, rule.severity, message, path) for rule, path, message in hits
    ]
    findings += example_findings(spec, SchemaSet(spec))
    return ValidationReport(spec.path, _apply_settings(findings, settings))


def ignored_rules(spec: Spec, path: tuple[str, ...]) -> set[str]:
    """Rules silenced by `x-apikit-ignore: [rule, ...]` on the node or an ancestor."""
    ignored: set[str] = set()
    node: Any = spec.document
    for part in (None, *path):
        if part is not None:
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                break
        if isinstance(node, dict) and isinstance(node.get("x-apikit-ignore"), list):
            ignored.update(str(rule) for rule in node["x-apikit-ignore"])
    return ignored


def _rule_settings(config: Config) -> dict[str, str]:
    known = set(all_rule_ids())
    for rule_id in config.rules:
        if rule_id not in known:
            import difflib

            close = difflib.get_close_matches(rule_id, known, n=1)
            raise ConfigError(
                f"unknown rule {rule_id!r} in [rules]",
                file=config.source,
                hint=f"did you mean {close[0]!r}?" if close else "see `apikit rules`",
            )
    return dict(config.rules)


def _apply_settings(findings: list[Finding], settings: dict[str, str]) -> list[Finding]:
    result = []
    for finding in findings:
        setting = settings.get(finding.rule)
        if setting == "off":
            continue
        if setting is not None and setting != finding.severity.value:
            finding = Finding(finding.rule, Severity(setting), finding.message, finding.location)
        result.append(finding)
    return sorted(set(result), key=Finding.sort_key)
