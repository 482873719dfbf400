"""Page contexts -> Markdown files, through the Jinja2 templates in `docs_templates/`.

Templates are looked up in the project's own `docs_templates/` first, then in the
ones apikit ships, so any page can be replaced by a file of the same name; an
override can also extend the original as `apikit/<name>`.

Every `{{ value }}` is escaped for Markdown and HTML at once (see `safe.md_text`)
unless it is already markup, which only the filters below produce."""

from __future__ import annotations

import os
import posixpath
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from apikit.docsite.highlight import highlight
from apikit.docsite.model import Page, SiteContext
from apikit.docsite.safe import (
    anchor_for,
    code_html,
    inline_markdown,
    md_text,
    render_markdown,
    safe_url,
)
from apikit.docsite.schema import Constraint, Tok
from apikit.errors import ConfigError

#: the folder, next to mkdocs.yml, where a project keeps its template overrides
TEMPLATES_FOLDER = "docs_templates"
#: pages rendered in worker processes when there are at least this many operations
PARALLEL_THRESHOLD = 300


def builtin_templates() -> Path:
    """The templates apikit ships: inside the installed package (wheels) or at the
    root of a source checkout (editable installs)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data" / TEMPLATES_FOLDER, package.parent / TEMPLATES_FOLDER):
        if (candidate / "operation.md.j2").is_file():
            return candidate
    raise ConfigError(
        "apikit's documentation templates are missing from this installation",
        hint="reinstall apikit",
    )


@dataclass(frozen=True)
class RenderedPage:
    path: str
    text: str


def environment(overrides: Path | None = None) -> jinja2.Environment:
    builtin = str(builtin_templates())
    search = [str(overrides)] if overrides is not None and overrides.is_dir() else []
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"apikit": jinja2.FileSystemLoader(builtin)}),
            jinja2.FileSystemLoader([*search, builtin]),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["cached"] = _cached
    env.filters.update(
        markdown=_markdown,
        inline=_inline,
        href=_href,
        types=_types,
        constraints=_constraints,
        code=_code,
        codeblock=_codeblock,
        highlight=_highlight,
        url=_url,
        anchor=_anchor,
        attr=_attr,
        size=_size,
    )
    return env


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    return md_text(value)


# -- filters -----------------------------------------------------------------------


_FRAGMENTS: dict[Any, Any] = {}


@jinja2.pass_context
def _cached(context: Any, macro: Any, *args: Any) -> Any:
    """`macro(*args)`, rendered once per page folder: big specs show the same
    schema tables and examples in many places. Arguments must be hashable values."""
    key = (macro.name, args, _page_dir(context))
    if key not in _FRAGMENTS:
        _FRAGMENTS[key] = macro(*args)
    return _FRAGMENTS[key]


def _page_dir(context: Any) -> str:
    return str(context["page_dir"])


@lru_cache(maxsize=65536)
def relative_url(target: str, page_dir: str) -> str:
    """A docs-root target (`schemas.md#x`) as a URL from a page in `page_dir`."""
    path, _, fragment = target.partition("#")
    if path.endswith(".md"):
        path = path[:-3] + ".html"
    url = posixpath.relpath(path, page_dir or ".") if path else ""
    return url + ("#" + fragment if fragment else "")


@jinja2.pass_context
def _href(context: Any, target: str | None) -> Markup:
    if not target:
        return Markup("")
    return Markup(escape(relative_url(target, _page_dir(context))))


@lru_cache(maxsize=16384)
def _render_cached(text: str, shift: int, page_dir: str, site_key: int, inline: bool) -> Markup:
    site = _SITES[site_key]

    def resolve(href: str) -> str | None:
        """`#operation/getBook`, `#tag/books`, `#/components/schemas/Book` -> the
        page that shows it; `/rest/...` -> the spec's documentation site."""
        if href.startswith("/") and not href.startswith("//"):
            return site.link_base + href if site.link_base else None
        if not href.startswith("#"):
            return None
        target = site.targets.get(href[1:]) or site.targets.get(href)
        return relative_url(target, page_dir) if target else None

    if inline:
        return inline_markdown(text, resolve=resolve)
    return render_markdown(text, shift=shift, resolve=resolve)


_SITES: dict[int, SiteContext] = {}


@jinja2.pass_context
def _markdown(context: Any, text: str, shift: int = 2) -> Markup:
    """A spec description as a safe HTML block (empty when there is none)."""
    if not text or not str(text).strip():
        return Markup("")
    site: SiteContext = context["site"]
    _SITES[id(site)] = site
    html = _render_cached(str(text), shift, _page_dir(context), id(site), False)
    return Markup('<div class="apikit-md">\n') + html + Markup("</div>\n")


@jinja2.pass_context
def _inline(context: Any, text: str) -> Markup:
    """A short description as one line of HTML, for table cells."""
    if not text:
        return Markup("")
    site: SiteContext = context["site"]
    _SITES[id(site)] = site
    return _render_cached(str(text), 0, _page_dir(context), id(site), True)


@jinja2.pass_context
def _types(context: Any, tokens: tuple[Tok, ...]) -> Markup:
    """A type label, its named schemas linked to their entries."""
    if not tokens:
        return Markup("any")
    page_dir = _page_dir(context)
    parts = []
    for tok in tokens:
        text = str(escape(tok.text))
        if tok.href:
            url = escape(relative_url(tok.href, page_dir))
            parts.append(f'<a href="{url}"><code>{text}</code></a>')
        else:
            parts.append(text)
    return Markup("".join(parts))


def _constraints(items: tuple[Constraint, ...]) -> Markup:
    """Constraints, one per line: `maximum <code>100</code>`."""
    lines = []
    for item in items:
        values = Markup(", ").join(_code(v) for v in item.values)
        lines.append(md_text(item.label) + (Markup(" ") + values if item.values else Markup("")))
    return Markup("<br>").join(lines)


def _code(value: Any) -> Markup:
    return Markup(f"<code>{escape(str(value))}</code>")


def _codeblock(text: str, language: str = "") -> Markup:
    return code_html(str(text), language)


def _highlight(text: str, language: str) -> Markup:
    return highlight(str(text), language)


def _url(value: Any) -> str:
    """A spec URL fit for href, or '' when it could run code."""
    return safe_url(value) or "" if value else ""


def _anchor(value: Any) -> Markup:
    return Markup(anchor_for(str(value)))


def _attr(value: Any) -> Markup:
    return Markup(escape(str(value)))


def _size(value: int) -> str:
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


# -- rendering ---------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _render_one(index: int) -> RenderedPage:
    env: jinja2.Environment = _STATE["env"]
    site: SiteContext = _STATE["site"]
    page = site.pages[index]
    template = env.get_template(page.template)
    tag = next((t for t in site.tags if t.name == page.key), None) if page.key else None
    text = template.render(site=site, page=page, page_dir=posixpath.dirname(page.path), tag=tag)
    return RenderedPage(page.path, text)


def render_pages(
    site: SiteContext, overrides: Path | None = None, *, workers: int | None = None
) -> Iterator[RenderedPage]:
    """Render every page; big sites are rendered by several processes at once."""
    env = environment(overrides)
    _STATE.update(env=env, site=site)
    indices = list(range(len(site.pages)))
    cpus = workers if workers is not None else min(os.cpu_count() or 1, 8)
    use_pool = (
        cpus > 1
        and site.operation_count >= PARALLEL_THRESHOLD
        and sys.platform == "linux"
        and threading.active_count() == 1  # forking a threaded process can deadlock
    )
    try:
        if not use_pool:
            for index in indices:
                yield _render_one(index)
            return
        import multiprocessing

        # fork: the workers inherit the context instead of receiving a pickled copy
        ctx = multiprocessing.get_context("fork")
        heavy = sorted(indices, key=lambda i: -_weight(site, site.pages[i]))
        with ProcessPoolExecutor(max_workers=cpus, mp_context=ctx) as pool:
            results = dict(zip(heavy, pool.map(_render_one, heavy, chunksize=1), strict=True))
        for index in indices:
            yield results[index]
    except jinja2.TemplateError as exc:
        raise ConfigError(f"documentation template error: {exc}") from None
    finally:
        _STATE.clear()
        _FRAGMENTS.clear()
        _SITES.clear()
        _render_cached.cache_clear()


def _weight(site: SiteContext, page: Page) -> int:
    if page.template == "schemas.md.j2":
        return len(site.schemas)
    tag = next((t for t in site.tags if t.name == page.key), None)
    return len(tag.operations) * 2 if tag else 0
