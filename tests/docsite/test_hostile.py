"""Spec text is untrusted: a hostile spec must not run code in the built site.

Every place a spec value reaches (titles, descriptions, names, enum values,
examples, URLs, tag names, schema names) carries a payload that sets
`window.__pwned` if it ever executes. The site is checked twice: statically (no
script, event handler or javascript: URL from the spec in any page or in the
Markdown sources) and in Chromium (pages and search results leave no trace)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.docsite.browser import Browser
from tests.docsite.test_browser import search

SPEC = r"""
openapi: 3.1.0
info:
  title: "<script>window.__pwned='title'</script>Evil API"
  version: "1.0 <img src=x onerror=window.__pwned='version'>"
  summary: "<img src=x onerror=window.__pwned='summary'>"
  description: |
    Pwnage starts here. <script>window.__pwned = 'info'</script>

    <img src=x onerror="window.__pwned='img'">

    [click me](javascript:window.__pwned='link') and [again](JaVaScRiPt&#58;window.__pwned='l2')
    and <javascript:window.__pwned='auto'> and [data](data:text/html,<script>alert(1)</script>)

    <a href="javascript:window.__pwned='a'">raw link</a>
    <iframe src="javascript:window.__pwned='iframe'"></iframe>
    <svg onload="window.__pwned='svg'"></svg>

    > [!NOTE]
    > <script>window.__pwned='alert'</script>

    Some paragraph {: onclick="window.__pwned='attr'" }
  contact:
    name: "<b onmouseover=window.__pwned='contact'>team</b>"
    url: "javascript:window.__pwned='contact-url'"
    email: "x@example.com\"><script>window.__pwned='email'</script>"
  license:
    name: "<script>window.__pwned='license'</script>"
    url: "javascript:window.__pwned='license-url'"
  termsOfService: "javascript:window.__pwned='terms'"
externalDocs:
  url: "javascript:window.__pwned='docs'"
  description: "<script>window.__pwned='docs-text'</script>"
servers:
  - url: "https://example.com/v1?q=<script>window.__pwned='server'</script>"
    description: "<script>window.__pwned='server-desc'</script>"
    x-apikit-env: "pwn<script>window.__pwned='env'</script>"
tags:
  - name: "<img src=x onerror=window.__pwned='tag'>"
    description: "<svg onload=window.__pwned='tag-desc'>"
    externalDocs:
      url: "javascript:window.__pwned='tag-docs'"
security:
  - "evil<script>": []
paths:
  "/items/{id}":
    get:
      tags: ["<img src=x onerror=window.__pwned='tag'>"]
      operationId: "get\" onmouseover=\"window.__pwned='opid'"
      summary: "</h2><script>window.__pwned='op-summary'</script> {: onclick=alert(1) }"
      description: "<script>window.__pwned='op-desc'</script> [x](javascript:window.__pwned='op-link')"
      externalDocs:
        url: "javascript:window.__pwned='op-docs'"
      parameters:
        - name: "id"
          in: path
          required: true
          description: "<img src=x onerror=window.__pwned='param-desc'>"
          schema:
            type: string
            pattern: "</code><script>window.__pwned='pattern'</script>"
          example: "</code><script>window.__pwned='param-example'</script>"
        - name: "q\"><script>window.__pwned='param-name'</script>"
          in: query
          required: true
          schema:
            type: string
            enum: ["</code><script>window.__pwned='enum'</script>"]
        - name: "X-Evil"
          in: header
          required: true
          schema: {type: string}
          example: "'; window.__pwned='header'; '"
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Evil'}
            examples:
              "<script>window.__pwned='ex-name'</script>":
                summary: "<script>window.__pwned='ex-summary'</script>"
                value: {"html": "</code></pre><script>window.__pwned='ex-value'</script>"}
      responses:
        '200':
          description: "<script>window.__pwned='response'</script>"
          headers:
            "X-<script>":
              description: "<script>window.__pwned='header-desc'</script>"
              schema: {type: string}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Evil'}
              example: {"html": "</code></pre><script>window.__pwned='example'</script>"}
          links:
            "<script>":
              operationId: "nowhere<script>window.__pwned='link-op'</script>"
              description: "[x](javascript:window.__pwned='link-desc')"
        default:
          description: "<script>window.__pwned='default'</script>"
components:
  schemas:
    Evil:
      description: "<script>window.__pwned='schema'</script>"
      properties:
        "<script>window.__pwned='prop'</script>":
          type: string
          description: "[x](javascript:window.__pwned='prop-link')"
          default: "</code><script>window.__pwned='default'</script>"
  securitySchemes:
    "evil<script>":
      type: apiKey
      in: header
      name: "X-Key\"><script>window.__pwned='key'</script>"
      description: "<script>window.__pwned='scheme'</script>"
      x-apikit-credentials:
        "pwn<script>window.__pwned='env'</script>": "[get](javascript:window.__pwned='how')"
"""

ALLOWED_SCRIPT = re.compile(
    r'<script src="[^"]*assets/(?:javascripts/bundle\.[0-9a-f]+\.min|apikit/offline)\.js">'
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from apikit.api import build_docs

    root = tmp_path_factory.mktemp("hostile")
    spec = root / "openapi.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    (root / "no-collections").mkdir()
    build_docs(
        spec,
        docs_dir=root / "docs",
        site_dir=root / "site",
        collections_dir=root / "no-collections",
    )
    return root / "docs", root / "site"


class _Elements(HTMLParser):
    """Every attribute of every element, as a browser would read it."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(tag, name.lower(), value) for name, value in attrs]
        if tag in ("title", "textarea"):  # text only (RCDATA), as in browsers
            self.set_cdata_mode(tag)


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


def test_the_payloads_reach_the_pages_as_text(hostile_site: tuple[Path, Path]) -> None:
    """The hostile values are shown (escaped), not dropped: the test is meaningful."""
    _, site = hostile_site
    text = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    assert "<script>window.__pwned = 'info'</script>" in text  # shown as text
    reference = next((site / "reference").glob("*.html")).read_text(encoding="utf-8")
    assert "window.__pwned=&#39;op-summary&#39;" in reference or "op-summary" in reference


def test_no_script_handler_or_javascript_url_in_any_page(hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    pages = _pages(site)
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", text, re.I | re.S):
            assert "pwned" not in body, (page.name, body[:80])  # Material's own scripts
            if "src=" in tag:
                assert ALLOWED_SCRIPT.match(tag), (page.name, tag)
        article = text[text.find("<article") : text.find("</article>")]
        for element in ("iframe", "svg", "img", "object", "embed", "form", "style"):
            assert not re.search(rf"<{element}\b", article, re.I), (page.name, element)
        elements = _Elements()
        elements.feed(text)
        for tag, name, value in elements.attributes:
            assert not name.startswith("on"), (page.name, tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                url = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not url.startswith(("javascript:", "vbscript:", "data:")), (page.name, value)


def test_the_markdown_sources_carry_no_raw_html_from_the_spec(
    hostile_site: tuple[Path, Path],
) -> None:
    docs, _ = hostile_site
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8").lower()
        assert "<script" not in text, page.name
        assert "](javascript" not in text, page.name
        assert not re.search(r'(?:href|src)="\s*javascript', text), page.name


def test_search_index_holds_only_escaped_text(hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        for field in ("title", "text"):
            assert "<script" not in entry[field].lower(), entry["location"]
            assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", entry[field], re.I)


def test_nothing_runs_in_the_browser(browser: Browser, hostile_site: tuple[Path, Path]) -> None:
    _, site = hostile_site
    for page in _pages(site):
        browser.open(page.as_uri(), settle=0.3)
        assert browser.evaluate("typeof window.__pwned") == "undefined", page.name
        scripts = browser.evaluate("[...document.scripts].map(s => s.src + s.text).join()")
        assert "pwned" not in scripts, page.name
    browser.open((site / "index.html").as_uri())
    assert search(browser, "Pwnage")
    browser.pump(0.5)
    assert browser.evaluate("typeof window.__pwned") == "undefined"
