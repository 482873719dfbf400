"""Spec -> page contexts: everything the documentation templates show, as plain data.

Links between pages are docs-root relative (`reference/books.md#getBook`); the
renderer turns them into URLs relative to the page that shows them. Anchors come
from operationIds and schema names, so deep links survive rebuilds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from apikit.docsite.auth import quick_start, scheme_anchor, scheme_view
from apikit.docsite.catalog import named_schemas, schema_entries
from apikit.docsite.errors_page import error_context
from apikit.docsite.model import (
    Change,
    Changelog,
    Download,
    EnvironmentView,
    OperationView,
    OpRef,
    Page,
    SiteContext,
    Tag,
)
from apikit.docsite.operations import OperationBuilder
from apikit.docsite.safe import anchor_for
from apikit.docsite.schema import SCHEMA_REF, SchemaView
from apikit.spec import Operation, Spec
from apikit.spec.model import slugify
from apikit.spec.source import escape_token


def _unique(name: str, used: set[str]) -> str:
    candidate, counter = name, 2
    while candidate in used:
        candidate, counter = f"{name}-{counter}", counter + 1
    used.add(candidate)
    return candidate


def build_context(
    spec: Spec,
    *,
    downloads: list[Download] | None = None,
    changes: Iterable[Any] | None = None,
    previous_version: str = "",
) -> SiteContext:
    """Everything the site shows, derived from one loaded spec. `changes` (from the
    diff stage: objects with `kind`, `breaking`, `message` and `operation`, the
    operation's "METHOD /path") add a changelog page."""
    operations = list(spec.operations())
    tag_order = _tag_order(spec, operations)
    pages_by_tag, used_pages = {}, {"index", "authentication", "errors", "schemas", "downloads"}
    for name in tag_order:
        pages_by_tag[name] = f"reference/{_unique(slugify(name) or 'other', used_pages)}.md"
    used: set[str] = set()
    op_anchor = {op.operation_id: _unique(anchor_for(op.operation_id), used) for op in operations}
    op_href = {
        op.operation_id: f"{pages_by_tag[_primary(op)]}#{op_anchor[op.operation_id]}"
        for op in operations
    }
    schema_names = named_schemas(spec)
    used_schema: set[str] = set()
    schema_anchor = {n: _unique("schema-" + anchor_for(str(n)), used_schema) for n in schema_names}
    schema_href = {
        SCHEMA_REF + escape_token(str(n)): f"schemas.md#{a}" for n, a in schema_anchor.items()
    }
    view = SchemaView(spec, schema_href.get)
    envs = tuple(_environment(e) for e in spec.environments())
    schemes_raw = spec.security_schemes()
    scheme_href = {name: f"authentication.md#{scheme_anchor(name)}" for name in schemes_raw}
    builder = OperationBuilder(spec, view, op_href, scheme_href, envs[0].base_url if envs else "")
    builder.index(operations)
    views = {op.operation_id: builder.build(op, op_anchor[op.operation_id]) for op in operations}
    refs = {op.operation_id: _op_ref(views[op.operation_id]) for op in operations}

    primary = {op.operation_id: _primary(op) for op in operations}
    tags = tuple(
        _tag(spec, name, pages_by_tag[name], operations, primary, views, refs) for name in tag_order
    )
    problems = [
        f"{v.operation_id}: {what} has no example"
        for v in views.values()
        for what in v.missing_examples
    ]
    problems += [
        f"{v.operation_id}: link {link.name!r} names unknown operation {link.label!r}"
        for v in views.values()
        for r in v.responses
        for link in r.links
        if link.href is None
    ]
    model, statuses = error_context(spec, view, operations, views, refs)
    changelog = None
    if changes is not None:
        by_key = {op.key: op_href[op.operation_id] for op in operations}
        version = str((spec.document.get("info") or {}).get("version") or "")
        changelog = _changelog(changes, previous_version, version, by_key)
    info = spec.document.get("info") if isinstance(spec.document.get("info"), dict) else {}
    assert isinstance(info, dict)
    pages = _pages(tags, changelog)
    targets = {f"operation/{k}": v for k, v in op_href.items()}
    targets.update({f"tag/{t.name}": t.path for t in tags})
    targets.update({f"schema/{n}": f"schemas.md#{a}" for n, a in schema_anchor.items()})
    targets.update({"#" + k: v for k, v in schema_href.items()})
    return SiteContext(
        title=spec.title,
        version=str(info.get("version") or ""),
        openapi=spec.version,
        summary=str(info.get("summary") or ""),
        description=str(info.get("description") or ""),
        contact=_contact(info.get("contact")),
        license=_license(info.get("license")),
        terms=str(info["termsOfService"]) if info.get("termsOfService") else None,
        external_docs=_external(spec.document.get("externalDocs")),
        environments=envs,
        schemes=tuple(
            scheme_view(spec, builder, name, raw, envs, operations, views, refs)
            for name, raw in schemes_raw.items()
        ),
        default_security=builder.security(builder.default_security),
        tags=tags,
        schemas=schema_entries(spec, view, schema_anchor, operations, refs),
        error_model=model,
        errors=statuses,
        downloads=tuple(downloads or ()),
        changelog=changelog,
        quick_start=quick_start(builder, operations, views, refs, envs),
        pages=pages,
        operation_count=len(operations),
        targets=targets,
        link_base=_origin(spec.document.get("externalDocs")),
        problems=tuple(problems),
    )


def _changelog(
    changes: Iterable[Any], previous: str, current: str, by_key: dict[str, str]
) -> Changelog:
    entries = []
    for change in changes:
        operation = str(getattr(change, "operation", "") or "")
        entries.append(
            Change(
                breaking=bool(getattr(change, "breaking", False)),
                kind=str(getattr(change, "kind", "") or "changed"),
                message=str(getattr(change, "message", "") or change),
                where=operation,
                href=by_key.get(operation),
            )
        )
    return Changelog(previous, current, tuple(entries))


def _primary(op: Operation) -> str:
    return op.tags[0] if op.tags else "Other"


def _tag_order(spec: Spec, operations: list[Operation]) -> list[str]:
    declared = spec.document.get("tags")
    order: list[str] = []
    used = {_primary(op) for op in operations}
    for tag in declared if isinstance(declared, list) else []:
        name = str(tag.get("name")) if isinstance(tag, dict) else None
        if name and name in used and name not in order:
            order.append(name)
    for op in operations:
        if _primary(op) not in order:
            order.append(_primary(op))
    return order


def _tag(
    spec: Spec,
    name: str,
    path: str,
    operations: list[Operation],
    primary: dict[str, str],
    views: dict[str, OperationView],
    refs: dict[str, OpRef],
) -> Tag:
    declared = spec.document.get("tags")
    node: dict[str, Any] = {}
    for tag in declared if isinstance(declared, list) else []:
        if isinstance(tag, dict) and str(tag.get("name")) == name:
            node = tag
    title = str(node.get("x-displayName") or name)
    own = tuple(views[op.operation_id] for op in operations if primary[op.operation_id] == name)
    also = tuple(
        refs[op.operation_id]
        for op in operations
        if primary[op.operation_id] != name and name in (op.node.get("tags") or ())[1:]
    )
    return Tag(
        name=name,
        title=title[:1].upper() + title[1:],
        slug=path.rsplit("/", 1)[-1][:-3],
        path=path,
        description=str(node.get("description") or ""),
        operations=own,
        also=also,
        external_docs=_external(node.get("externalDocs")),
    )


def _op_ref(view: OperationView) -> OpRef:
    return OpRef(view.title, view.method, view.path, view.href)


def _pages(tags: tuple[Tag, ...], changelog: Changelog | None) -> tuple[Page, ...]:
    pages = [
        Page("index.md", "Home", "home.md.j2"),
        Page("authentication.md", "Authentication", "authentication.md.j2"),
        Page("errors.md", "Errors", "errors.md.j2"),
    ]
    pages += [Page(tag.path, tag.title, "tag.md.j2", tag.name) for tag in tags]
    pages += [
        Page("schemas.md", "Schemas", "schemas.md.j2"),
        Page("downloads.md", "Downloads", "downloads.md.j2"),
    ]
    if changelog is not None:
        pages.append(Page("changelog.md", "Changelog", "changelog.md.j2"))
    return tuple(pages)


def _environment(env: Any) -> EnvironmentView:
    return EnvironmentView(
        name=env.name,
        url=env.url,
        base_url=env.base_url,
        description=env.description,
        read_only=env.read_only,
        variables=tuple(sorted(env.variables.items())),
    )


def _origin(docs: Any) -> str:
    url = docs.get("url") if isinstance(docs, dict) else None
    parts = urlsplit(str(url)) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _contact(node: Any) -> tuple[tuple[str, str, str | None], ...]:
    if not isinstance(node, dict):
        return ()
    found: list[tuple[str, str, str | None]] = []
    if node.get("name"):
        found.append(("Team", str(node["name"]), None))
    if node.get("email"):
        found.append(("Email", str(node["email"]), f"mailto:{node['email']}"))
    if node.get("url"):
        found.append(("Web", str(node["url"]), str(node["url"])))
    return tuple(found)


def _license(node: Any) -> tuple[str, str | None] | None:
    if not isinstance(node, dict) or not node.get("name"):
        return None
    url = node.get("url")
    if not url and node.get("identifier"):
        url = f"https://spdx.org/licenses/{node['identifier']}.html"
    return str(node["name"]), str(url) if url else None


def _external(node: Any) -> tuple[str, str] | None:
    if not isinstance(node, dict) or not isinstance(node.get("url"), str):
        return None
    return str(node["url"]), str(node.get("description") or node["url"])


__all__ = ["SiteContext", "build_context"]
