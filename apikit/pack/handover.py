"""HANDOVER.md: the onboarding guide of a pack, for the team that builds on the API.

    Spec + collection files + latest replay reports (+ changes) -> Handover -> Markdown

The page is the Jinja2 template `HANDOVER.md.j2` from `docs_templates/` (a
project's own folder of that name overrides apikit's). Every value a template
prints is escaped for Markdown unless a filter says how to show it: `block` and
`inline` for descriptions, `code` for names, `sh` for words of a shell command."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from apikit import _markdown
from apikit.diff import Change
from apikit.pack.reports import EnvironmentReport, OperationStatus
from apikit.review import scheme_kind
from apikit.review.checklist import Check, effective_security
from apikit.spec import Spec

TEMPLATE = "HANDOVER.md.j2"


@dataclass(frozen=True)
class Credential:
    """A security scheme and the variables that carry its secret."""

    scheme: str
    kind: str
    description: str
    env_vars: tuple[str, ...]  # what replay reads: APIKIT_AUTH_...
    variables: tuple[tuple[str, str], ...]  # (collection variable, env var) for newman
    operations: int


@dataclass(frozen=True)
class EnvironmentView:
    name: str
    base_url: str
    description: str
    read_only: bool
    postman_collection: str
    postman_environment: str
    http_file: str
    report: EnvironmentReport | None


@dataclass(frozen=True)
class ErrorView:
    status: str
    description: str
    media_types: tuple[str, ...]
    schemas: tuple[str, ...]
    operations: int


@dataclass(frozen=True)
class StatusRow:
    operation: str
    operation_id: str
    statuses: tuple[OperationStatus | None, ...]  # one per environment with a report


@dataclass
class Handover:
    title: str
    version: str
    summary: str
    description: str
    contact: dict[str, str]
    environments: list[EnvironmentView]
    credentials: list[Credential]
    bruno_folder: str
    collections_dir: str
    errors: list[ErrorView]
    reported: list[str]  # environments with a replay report, in spec order
    status: list[StatusRow]
    gaps: list[Check]
    base: str | None = None
    changes: list[Change] | None = None
    contents: list[tuple[str, str]] = field(default_factory=list)  # (path, what)

    @property
    def breaking(self) -> int:
        return sum(1 for change in self.changes or [] if change.breaking)


def build_handover(
    spec: Spec,
    *,
    collection_files: list[str],
    collections_dir: str,
    reports: dict[str, EnvironmentReport],
    gaps: list[Check],
    environments: list[str] | None = None,
    base: str | None = None,
    changes: list[Change] | None = None,
    contents: list[tuple[str, str]] | None = None,
) -> Handover:
    """The guide's content. `collection_files` are the names in the collections
    folder (as `collections_dir/<name>` in the pack); `reports` the latest replay
    report per environment."""
    info = spec.document.get("info")
    info = info if isinstance(info, dict) else {}
    contact = info.get("contact")
    wanted = [env for env in spec.environments() if not environments or env.name in environments]
    views = [
        EnvironmentView(
            env.name,
            env.base_url,
            env.description,
            env.read_only,
            _named(collection_files, f".{env.name}.postman_collection.json"),
            _named(collection_files, f".{env.name}.postman_environment.json"),
            _named(collection_files, f".{env.name}.http"),
            reports.get(env.name),
        )
        for env in wanted
    ]
    reported = [view.name for view in views if view.report is not None]
    return Handover(
        title=spec.title,
        version=str(info.get("version") or ""),
        summary=str(info.get("summary") or ""),
        description=str(info.get("description") or ""),
        contact={str(k): str(v) for k, v in contact.items() if k in ("name", "email", "url")}
        if isinstance(contact, dict)
        else {},
        environments=views,
        credentials=_credentials(spec),
        bruno_folder=_named(collection_files, ".bruno"),
        collections_dir=collections_dir,
        errors=_errors(spec),
        reported=reported,
        status=_status_rows(spec, [reports[name] for name in reported]),
        gaps=[check for check in gaps if check.items],
        base=base,
        changes=changes,
        contents=contents or [],
    )


def render_handover(handover: Handover, overrides: Path | None = None) -> str:
    import jinja2

    from apikit.docsite.render import builtin_templates

    folders = [str(overrides)] if overrides is not None and overrides.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(builtin_templates())]),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        block=lambda value, shift=0: Markup(_markdown.block(value, shift)),
        inline=lambda value: Markup(_markdown.inline(value)),
        code=lambda value: Markup(_markdown.code(value)),
        sh=lambda value: Markup(shlex.quote(re.sub(r"\s+", " ", str(value)))),
        url=lambda value: Markup(_url(value)),
        envarg=lambda pair: Markup(_env_argument(*pair)),
    )
    try:
        text = env.get_template(TEMPLATE).render(h=handover)
    except jinja2.TemplateError as exc:
        from apikit.errors import ConfigError

        raise ConfigError(f"HANDOVER template error: {exc}") from None
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip() + "\n"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    return "" if value is None else _markdown.text(value)


def _url(value: Any) -> str:
    """A spec URL shown as a link when following it is safe, else as text."""
    url = str(value).strip()
    if re.match(r"^https?://[^\s<>()\[\]]+$", url) and _markdown.safe_url(url):
        return f"<{url}>"
    return _markdown.code(url)


def _env_argument(variable: str, env_var: str) -> str:
    """`"var=${ENV_VAR}"` for a shell command: the shell fills in the secret."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", variable) and re.fullmatch(r"[A-Za-z_]\w*", env_var):
        return f'"{variable}=${{{env_var}}}"'
    return shlex.quote(f"{variable}=...")


def _named(files: list[str], suffix: str) -> str:
    return next((name for name in sorted(files) if name.endswith(suffix)), "")


def _credentials(spec: Spec) -> list[Credential]:
    from apikit.collection.auth import variable_name
    from apikit.replay.auth import secret_env_name

    usage: dict[str, int] = {}
    for op in spec.operations():
        for name in {str(n) for req in effective_security(spec, op) for n in req}:
            usage[name] = usage.get(name, 0) + 1
    result = []
    for name, scheme in spec.security_schemes().items():
        env = secret_env_name(name, scheme)
        kind = str(scheme.get("type", ""))
        http = str(scheme.get("scheme", "")).lower()
        env_vars: tuple[str, ...]
        pairs: tuple[tuple[str, str], ...]
        if kind == "http" and http in ("basic", "digest"):
            env_vars = (env, f"{env}_USERNAME", f"{env}_PASSWORD")
            pairs = (
                (variable_name(name, "username"), f"{env}_USERNAME"),
                (variable_name(name, "password"), f"{env}_PASSWORD"),
            )
        elif kind in ("oauth2", "openIdConnect"):
            env_vars = (env, f"{env}_CLIENT_ID", f"{env}_CLIENT_SECRET")
            pairs = ((variable_name(name), env),)
        else:
            env_vars, pairs = (env,), ((variable_name(name), env),)
        description = str(scheme.get("description") or "")
        result.append(
            Credential(name, scheme_kind(scheme), description, env_vars, pairs, usage.get(name, 0))
        )
    return result


def _errors(spec: Spec) -> list[ErrorView]:
    """Every error status the operations document, with how its body looks."""
    found: dict[str, dict[str, Any]] = {}
    for op in spec.operations():
        responses = op.node.get("responses")
        for code, response in responses.items() if isinstance(responses, dict) else []:
            status = str(code)
            if not (status[0] in "45" or status == "default"):
                continue
            entry = found.setdefault(
                status, {"description": "", "media": set(), "schemas": set(), "ops": 0}
            )
            entry["ops"] += 1
            resolved = spec.resolve(response)
            if not isinstance(resolved, dict):
                continue
            entry["description"] = entry["description"] or str(resolved.get("description") or "")
            content = resolved.get("content")
            for media, media_type in content.items() if isinstance(content, dict) else []:
                entry["media"].add(str(media))
                schema = media_type.get("schema") if isinstance(media_type, dict) else None
                if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
                    entry["schemas"].add(schema["$ref"].rsplit("/", 1)[-1])
    order = sorted(found, key=lambda s: (s == "default", s))
    return [
        ErrorView(
            status,
            found[status]["description"],
            tuple(sorted(found[status]["media"])),
            tuple(sorted(found[status]["schemas"])),
            found[status]["ops"],
        )
        for status in order
    ]


def _status_rows(spec: Spec, reports: list[EnvironmentReport]) -> list[StatusRow]:
    if not reports:
        return []
    statuses = [report.statuses() for report in reports]
    rows = []
    for op in spec.operations():
        cells = tuple(by_op.get(op.operation_id) for by_op in statuses)
        rows.append(StatusRow(op.key, op.operation_id, cells))
    return rows
