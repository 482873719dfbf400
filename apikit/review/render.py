"""A `Review` as Markdown (a pull request, a wiki page), as a self-contained HTML
page (the Markdown rendered, styles inline, no scripts) or as JSON.

Every piece of spec text goes through `apikit._markdown.text` or `code`, so it is
shown literally; the HTML renderer also refuses raw HTML and script links, and the
page forbids scripts altogether (Content-Security-Policy)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.etree.ElementTree import Element

from apikit._io import dump_json
from apikit._markdown import code, inline, safe_url, text
from apikit.diff import Change
from apikit.findings import Location, Severity
from apikit.review import Review

FORMATS = ("markdown", "html", "json")
TEMPLATE = "review.html.j2"


def render(review: Review, fmt: str, overrides: Path | None = None) -> str:
    """`fmt` is markdown, html or json; `overrides` a folder of templates (html)."""
    if fmt == "json":
        return dump_json(review.as_dict(), sort_keys=False)
    if fmt == "html":
        return as_html(review, overrides)
    return as_markdown(review)


# -- Markdown ----------------------------------------------------------------------


def as_markdown(review: Review) -> str:
    lines = [f"# Design review: {text(review.title)} {text(review.version)}".rstrip(), ""]
    lines += _summary(review)
    lines += _glance(review)
    lines += _changes(review)
    lines += _findings(review)
    lines += _checklist(review)
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(review: Review) -> list[str]:
    if review.blockers:
        verdict = "**Changes needed**: " + " and ".join(review.blockers)
    else:
        accepted = f" ({', '.join(review.accepted)})" if review.accepted else ""
        verdict = "**Ready for approval**" + accepted
    base = code(review.base) if review.base else "none (pass `--base` to compare)"
    if review.changes is None:
        changes = "not compared"
    else:
        changes = f"{len(review.breaking)} breaking, {len(review.non_breaking)} non-breaking"
    findings = ", ".join(
        f"{count} {label}"
        for count, label in (
            (review.errors, "errors"),
            (review.count(Severity.WARNING), "warnings"),
            (review.count(Severity.INFO), "info"),
        )
    )
    open_checks = sum(1 for check in review.checklist if check.items)
    rows = [
        ("Verdict", verdict),
        ("Spec", f"{code(review.spec)} (OpenAPI {text(review.openapi)})"),
        ("Base", base),
        ("Operations", f"{review.operation_count} in {len(review.tags)} tags"),
        ("Schemas", str(len(review.schemas))),
        ("Validation", findings),
        ("Changes", changes),
        (
            "Checklist",
            f"{review.open_questions} open questions in {open_checks} of "
            f"{len(review.checklist)} checks",
        ),
    ]
    return ["| Review | |", "|---|---|", *[f"| {key} | {value} |" for key, value in rows], ""]


def _glance(review: Review) -> list[str]:
    lines = ["## The API at a glance", "", "### Operations per tag", ""]
    lines += ["| Tag | Operations | Description |", "|---|---|---|"]
    for tag in review.tags:
        lines.append(f"| {text(tag.name)} | {len(tag.operations)} | {inline(tag.description)} |")
    lines.append("")
    for tag in review.tags:
        lines += [f"#### {text(tag.name)}", ""]
        lines += ["| Method | Path | Operation | Summary | Auth |", "|---|---|---|---|---|"]
        for op in tag.operations:
            summary = text(op.summary) + (" *(deprecated)*" if op.deprecated else "")
            cells = [op.method, code(op.path), code(op.operation_id), summary, text(op.auth)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"### Schemas ({len(review.schemas)})", ""]
    lines += [", ".join(code(name) for name in review.schemas) or "None.", ""]
    lines += ["### Security schemes", ""]
    if review.schemes:
        lines += ["| Scheme | Type | Operations | Description |", "|---|---|---|---|"]
        for scheme in review.schemes:
            cells = [code(scheme.name), text(scheme.kind), str(scheme.operations)]
            lines.append("| " + " | ".join([*cells, inline(scheme.description)]) + " |")
    else:
        lines.append("None: every operation is open to anyone.")
    lines += ["", "### Environments", ""]
    lines += ["| Environment | Base URL | Read-only | Description |", "|---|---|---|---|"]
    for env in review.environments:
        cells = [code(env.name), code(env.base_url), "yes" if env.read_only else "no"]
        lines.append("| " + " | ".join([*cells, text(env.description)]) + " |")
    return [*lines, ""]


def _changes(review: Review) -> list[str]:
    lines = ["## Changes against the base", ""]
    if review.changes is None:
        lines += [
            "No base given. Pass the last approved version with `--base` (a file or "
            "`git:REV:path`) to see what this design adds, changes and breaks.",
            "",
        ]
        return lines
    if not review.changes:
        return [*lines, f"No changes from {code(review.base)}.", ""]
    lines += [
        f"From {code(review.base)}: **{len(review.breaking)} breaking**, "
        f"{len(review.non_breaking)} non-breaking.",
        "",
    ]
    for title, group in (("Breaking", review.breaking), ("Non-breaking", review.non_breaking)):
        if group:
            lines += [f"### {title} changes ({len(group)})", "", *_change_table(group), ""]
    return lines


def _change_table(changes: Iterable[Change]) -> list[str]:
    lines = ["| Operation | Change | Kind | Where |", "|---|---|---|---|"]
    for change in changes:
        where = change.new or change.old
        cells = [
            code(change.operation) if change.operation else "API-wide",
            text(change.message),
            code(change.kind),
            _where(where),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _findings(review: Review) -> list[str]:
    lines = [f"## Validation findings ({len(review.findings)})", ""]
    if not review.findings:
        return [*lines, "None: the spec is valid and follows the house rules.", ""]
    lines += ["| Severity | Rule | Message | Where |", "|---|---|---|---|"]
    for finding in review.findings:
        cells = [
            finding.severity.value,
            code(finding.rule),
            text(finding.message),
            _where(finding.location),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _checklist(review: Review) -> list[str]:
    lines = ["## Reviewer checklist", ""]
    for check in review.checklist:
        lines += [
            f"### {text(check.title)} ({len(check.items)})",
            "",
            f"*{text(check.question)}*",
            "",
        ]
        if not check.items:
            lines += ["- [x] none found", ""]
            continue
        for item in check.items:
            name = f" {text(item.operation_id)}" if item.operation_id else ""
            where = _where(item.location)
            lines.append(f"- [ ] {code(item.subject)}{name}: {text(item.detail)} ({where})")
        lines.append("")
    lines.append(
        "Answer a question for one node with `x-apikit-ignore: [check]` on it, "
        "e.g. `x-apikit-ignore: [no-pagination]`."
    )
    return [*lines, ""]


def _where(location: Location | None) -> str:
    return code(str(location)) if location is not None and location.file else "-"


# -- HTML --------------------------------------------------------------------------


def as_html(review: Review, overrides: Path | None = None) -> str:
    """The Markdown report as one HTML page that needs nothing else. The page is the
    template `review.html.j2`: a project's `docs_templates/` (`overrides`) may
    replace apikit's."""
    import jinja2
    from markupsafe import Markup

    from apikit.docsite.render import builtin_templates

    folders = [str(overrides)] if overrides is not None and overrides.is_dir() else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(builtin_templates())]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    body = Markup(markdown_to_html(as_markdown(review)))  # the Markdown refuses raw HTML
    page = env.get_template(TEMPLATE)
    return page.render(review=review, body=body, blocked=bool(review.blockers))


def markdown_to_html(source: str) -> str:
    """Markdown apikit wrote -> HTML, with raw HTML shown as text and links limited
    to http(s), mailto and relative URLs (belt and braces: the text is escaped)."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class _SafeLinks(Treeprocessor):  # type: ignore[misc]
        def run(self, root: Element) -> None:
            for element in root.iter():
                for attribute in ("href", "src"):
                    value = element.get(attribute)
                    if value is not None and not safe_url(value):
                        element.set(attribute, "#")

    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(_SafeLinks(converter), "apikit_safe_links", 0)
    return str(converter.convert(source))
