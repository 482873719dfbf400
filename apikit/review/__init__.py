"""Design review: what a lead needs to approve a design, in one report.

    Spec + ValidationReport (+ changes against the approved base) -> Review

The review shows the API at a glance (operations per tag, schemas, security
schemes, environments), the changes against the base with the breaking ones
first, every validation finding, and a checklist of gaps (see `checklist`).
`render` turns it into Markdown, a self-contained HTML page or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apikit.diff import Change
from apikit.findings import Finding, Severity
from apikit.review.checklist import Check, checklist, effective_security, named_schemas
from apikit.spec import Environment, Operation, Spec
from apikit.validation import ValidationReport

__all__ = ["Check", "Review", "build_review"]

UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class OperationLine:
    method: str
    path: str
    operation_id: str
    summary: str
    auth: str
    deprecated: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class TagGroup:
    """The operations whose first tag is `name`."""

    name: str
    description: str
    operations: tuple[OperationLine, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "operations": [op.as_dict() for op in self.operations],
        }


@dataclass(frozen=True)
class SchemeLine:
    name: str
    kind: str
    description: str
    operations: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Review:
    """Everything the report shows. `accept_breaking` / `accept_errors` record that
    the reviewer accepted those on purpose; the exit code then ignores them."""

    spec: str
    title: str
    version: str
    openapi: str
    tags: tuple[TagGroup, ...]
    schemas: tuple[str, ...]
    schemes: tuple[SchemeLine, ...]
    environments: tuple[Environment, ...]
    findings: list[Finding]
    checklist: tuple[Check, ...]
    base: str | None = None
    changes: list[Change] | None = None
    accept_breaking: bool = False
    accept_errors: bool = False
    operation_count: int = field(init=False)

    def __post_init__(self) -> None:
        self.operation_count = sum(len(tag.operations) for tag in self.tags)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def breaking(self) -> list[Change]:
        return [change for change in self.changes or [] if change.breaking]

    @property
    def non_breaking(self) -> list[Change]:
        return [change for change in self.changes or [] if not change.breaking]

    @property
    def open_questions(self) -> int:
        return sum(len(check.items) for check in self.checklist)

    @property
    def blockers(self) -> list[str]:
        """What stops approval and was not accepted: errors, breaking changes."""
        found = []
        if self.errors and not self.accept_errors:
            found.append(_plural(self.errors, "validation error"))
        if self.breaking and not self.accept_breaking:
            found.append(_plural(len(self.breaking), "breaking change"))
        return found

    @property
    def exit_code(self) -> int:
        return 1 if self.blockers else 0

    @property
    def accepted(self) -> list[str]:
        """Errors and breaking changes the reviewer accepted with a flag."""
        found = []
        if self.errors and self.accept_errors:
            found.append(_plural(self.errors, "validation error") + " accepted")
        if self.breaking and self.accept_breaking:
            found.append(_plural(len(self.breaking), "breaking change") + " accepted")
        return found

    @property
    def verdict(self) -> str:
        if self.blockers:
            return "changes needed: " + " and ".join(self.blockers)
        return "ready for approval" + (f" ({', '.join(self.accepted)})" if self.accepted else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "title": self.title,
            "version": self.version,
            "openapi": self.openapi,
            "base": self.base,
            "verdict": self.verdict,
            "approvable": self.exit_code == 0,
            "summary": {
                "operations": self.operation_count,
                "schemas": len(self.schemas),
                "errors": self.errors,
                "warnings": self.count(Severity.WARNING),
                "info": self.count(Severity.INFO),
                "breaking": len(self.breaking),
                "non_breaking": len(self.non_breaking),
                "open_questions": self.open_questions,
            },
            "tags": [tag.as_dict() for tag in self.tags],
            "schemas": list(self.schemas),
            "security_schemes": [scheme.as_dict() for scheme in self.schemes],
            "environments": [
                {
                    "name": env.name,
                    "base_url": env.base_url,
                    "description": env.description,
                    "read_only": env.read_only,
                }
                for env in self.environments
            ],
            "changes": None
            if self.changes is None
            else [change.as_dict() for change in [*self.breaking, *self.non_breaking]],
            "findings": [finding.as_dict() for finding in _by_severity(self.findings)],
            "checklist": [check.as_dict() for check in self.checklist],
        }


def build_review(
    spec: Spec,
    report: ValidationReport,
    changes: list[Change] | None = None,
    base: str | None = None,
    *,
    accept_breaking: bool = False,
    accept_errors: bool = False,
) -> Review:
    """The review of `spec`: its validation `report`, and the `changes` from `base`
    (None when there is no base to compare with)."""
    info = spec.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    return Review(
        spec=spec.path,
        title=spec.title,
        version=version,
        openapi=spec.version,
        tags=_tags(spec),
        schemas=tuple(named_schemas(spec)),
        schemes=_schemes(spec),
        environments=tuple(spec.environments()),
        findings=_by_severity(report.findings),
        checklist=checklist(spec),
        base=base,
        changes=changes,
        accept_breaking=accept_breaking,
        accept_errors=accept_errors,
    )


def auth_label(spec: Spec, op: Operation) -> str:
    """`bearerAuth`, `apiKey + session` (both at once), `a or b`, or `none`."""
    requirements = effective_security(spec, op)
    if not requirements:
        return "none"
    labels = [" + ".join(str(name) for name in req) or "none" for req in requirements]
    return " or ".join(dict.fromkeys(labels))


def _tags(spec: Spec) -> tuple[TagGroup, ...]:
    declared: dict[str, str] = {}
    for tag in spec.document.get("tags") or []:
        if isinstance(tag, dict) and "name" in tag:
            declared[str(tag["name"])] = str(tag.get("description") or "")
    groups: dict[str, list[OperationLine]] = {}
    for op in spec.operations():
        line = OperationLine(
            op.method.upper(),
            op.path,
            op.operation_id,
            op.summary,
            auth_label(spec, op),
            op.node.get("deprecated") is True,
        )
        groups.setdefault(op.tags[0] if op.tags else UNTAGGED, []).append(line)
    order = [name for name in declared if name in groups]
    order += sorted(name for name in groups if name not in declared)
    return tuple(TagGroup(name, declared.get(name, ""), tuple(groups[name])) for name in order)


def _schemes(spec: Spec) -> tuple[SchemeLine, ...]:
    usage: dict[str, int] = {}
    for op in spec.operations():
        for name in {str(n) for req in effective_security(spec, op) for n in req}:
            usage[name] = usage.get(name, 0) + 1
    return tuple(
        SchemeLine(
            name, scheme_kind(scheme), str(scheme.get("description") or ""), usage.get(name, 0)
        )
        for name, scheme in spec.security_schemes().items()
    )


def scheme_kind(scheme: dict[str, Any]) -> str:
    """A security scheme in a few words: `http bearer (JWT)`, `apiKey in header X-Key`."""
    kind = str(scheme.get("type", ""))
    if kind == "http":
        text = f"http {scheme.get('scheme', '')}".strip()
        return text + (f" ({scheme['bearerFormat']})" if scheme.get("bearerFormat") else "")
    if kind == "apiKey":
        return f"apiKey in {scheme.get('in', '?')} {scheme.get('name', '')}".strip()
    if kind == "oauth2":
        flows = scheme.get("flows")
        names = ", ".join(str(f) for f in flows) if isinstance(flows, dict) else ""
        return f"oauth2 ({names})" if names else "oauth2"
    if kind == "openIdConnect":
        return "openIdConnect"
    return kind or "unknown"


def _by_severity(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-f.severity.rank, *f.sort_key()))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
