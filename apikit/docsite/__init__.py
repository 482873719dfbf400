"""The handover documentation site: Spec -> page contexts (context) -> Markdown
through Jinja2 templates (render) -> MkDocs Material site (build).

`apikit.api.build_docs` runs the stages in that order."""

from apikit.docsite.build import DocsResult
from apikit.docsite.context import SiteContext, build_context
from apikit.docsite.render import render_pages

__all__ = ["DocsResult", "SiteContext", "build_context", "render_pages"]
