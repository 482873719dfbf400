"""The `apikit` MkDocs plugin: fast builds of big generated pages, and a site that
works offline, from a folder or a zip opened with file://, search included.

- Blocks the templates mark with `<!--apikit:html-->` are raw HTML that MkDocs
  would pass through unchanged; the plugin sets them aside before Markdown runs
  and puts them back after, so Python-Markdown never parses megabytes of tables.
- Pages with such blocks are indexed for search here (a regular-expression pass
  over the HTML, leaving out `<!--apikit:noindex-->` parts such as code samples
  and examples) instead of by Material's HTML parser, which is far slower.
- Material's own offline plugin loads a helper script from a CDN, so that site
  would need the network after all. Instead the search index is also written as a
  script (Material loads it on file://) and the search worker's source is embedded
  where the `offline.js` shim starts it from a blob.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import secrets
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

OFFLINE_SCRIPT = "assets/apikit/offline.js"
_OPEN = "<!--apikit:html-->\n"
_CLOSE = "\n<!--/apikit:html-->"
_SKIP, _RESUME = "<!--apikit:noindex-->", "<!--/apikit:noindex-->"
_HEADING = re.compile(r'<h([1-6])\b[^>]*?\sid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_HEADERLINK = re.compile(r'<a class="headerlink".*?</a>', re.S)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class ApikitConfig(base.Config):  # type: ignore[no-untyped-call]
    #: the spec the site documents, relative to mkdocs.yml (`apikit docs build`
    #: without a SPEC argument reads it from here)
    spec = c.Type(str, default="")


class ApikitPlugin(BasePlugin[ApikitConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.nonce = secrets.token_hex(8)
        self.stash: dict[str, list[str]] = {}
        self.entries: list[dict[str, str]] = []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # links must name files (page.html), not folders, to work from file://
        config.use_directory_urls = False
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.stash.clear()
        self.entries.clear()

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # the theme's templates compile once per machine, not once per build
        with contextlib.suppress(OSError):  # no writable cache: compile every time
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_cache_folder(env)))
        return env

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        markdown, blocks = set_aside(markdown, f"APIKIT{self.nonce}X")
        if blocks:
            self.stash[page.file.src_uri] = blocks
            search = page.meta.get("search")
            page.meta["search"] = {**(search if isinstance(search, dict) else {}), "exclude": True}
        return markdown

    def on_page_content(
        self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        blocks = self.stash.pop(page.file.src_uri, None)
        if blocks is None:
            return html_text
        html_text = re.sub(
            rf"<p>APIKIT{self.nonce}X(\d+)</p>", lambda m: blocks[int(m.group(1))], html_text
        )
        self.entries.extend(search_entries(html_text, page.url, page.title or ""))
        return html_text

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        index = site_dir / "search" / "search_index.json"
        if index.is_file() and self.entries:
            data = json.loads(index.read_text(encoding="utf-8"))
            data["docs"] = list(data.get("docs", [])) + self.entries
            index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        make_offline(site_dir)


def _cache_folder(env: jinja2.Environment) -> Path:
    """Where compiled theme templates are kept. Compiled code depends on how each
    filter and test is called, so the folder is named after all of them (and the
    Jinja version): a different theme, plugin or version gets a folder of its own."""
    import hashlib
    import os

    calls = sorted(
        (kind, name, str(getattr(func, "jinja_pass_arg", "")))
        for kind, functions in (("filter", env.filters), ("test", env.tests))
        for name, func in functions.items()
    )
    digest = hashlib.sha256(repr((jinja2.__version__, calls)).encode()).hexdigest()[:16]
    # the user's own cache (compiled code must not come from a shared /tmp)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "apikit" / f"jinja-{digest}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def set_aside(markdown: str, token: str) -> tuple[str, list[str]]:
    """Replace each marked raw HTML block by a paragraph `<token><n>`."""
    blocks: list[str] = []
    parts: list[str] = []
    position = 0
    while (start := markdown.find(_OPEN, position)) != -1:
        at_line_start = start == 0 or markdown[start - 1] == "\n"
        end = markdown.find(_CLOSE, start)
        if not at_line_start or end == -1:
            break
        parts.append(markdown[position:start])
        blocks.append(markdown[start + len(_OPEN) : end])
        parts.append(f"\n{token}{len(blocks) - 1}\n")
        position = end + len(_CLOSE)
    parts.append(markdown[position:])
    return "".join(parts), blocks


def _indexed(page_html: str) -> str:
    """The page without its `<!--apikit:noindex-->` parts."""
    parts: list[str] = []
    position = 0
    while (start := page_html.find(_SKIP, position)) != -1:
        end = page_html.find(_RESUME, start)
        if end == -1:
            break
        parts.append(page_html[position:start])
        position = end + len(_RESUME)
    parts.append(page_html[position:])
    return " ".join(parts)


def search_entries(page_html: str, url: str, title: str) -> list[dict[str, str]]:
    """Search index entries of one page, one per heading with an id, in the shape
    Material's search expects (title and text are HTML-escaped text)."""
    body = _indexed(page_html)
    entries: list[dict[str, str]] = []
    position, location, heading = 0, url, html.escape(title, quote=False)
    for match in _HEADING.finditer(body):
        entries.append(_entry(location, heading, body[position : match.start()]))
        location = f"{url}#{match.group(2)}"
        heading = _text(_HEADERLINK.sub("", match.group(3)))
        position = match.end()
    entries.append(_entry(location, heading, body[position:]))
    return entries


def _text(fragment: str) -> str:
    text = html.unescape(_TAG.sub(" ", fragment))
    return html.escape(_SPACE.sub(" ", text).strip(), quote=False)


def _entry(location: str, title: str, fragment: str) -> dict[str, str]:
    return {"location": location, "title": title, "text": _text(fragment)}


def make_offline(site_dir: Path) -> None:
    index = site_dir / "search" / "search_index.json"
    if index.is_file():
        script = "var __index = " + index.read_text(encoding="utf-8") + ";\n"
        (site_dir / "search" / "search_index.js").write_text(script, encoding="utf-8")
    shim = site_dir / OFFLINE_SCRIPT
    workers = sorted((site_dir / "assets" / "javascripts" / "workers").glob("search.*.js"))
    if shim.is_file() and workers:
        source = workers[0].read_text(encoding="utf-8")
        prefix = "window.__apikitSearchWorker = " + json.dumps(source) + ";\n"
        shim.write_text(prefix + shim.read_text(encoding="utf-8"), encoding="utf-8")


__all__ = ["ApikitPlugin", "make_offline", "search_entries"]
