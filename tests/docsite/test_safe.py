"""Untrusted spec text: plain values stay literal, descriptions keep their Markdown
but lose raw HTML and dangerous links, and nothing survives a second Markdown pass."""

from __future__ import annotations

import re

import markdown
import pytest

from apikit.docsite.highlight import highlight
from apikit.docsite.safe import (
    inline_markdown,
    md_text,
    plain_html,
    render_markdown,
    safe_url,
)


def _through_mkdocs_markdown(text: str) -> str:
    """What MkDocs' Markdown processor makes of a piece of a generated page."""
    return markdown.markdown(text, extensions=["attr_list", "tables", "admonition"])


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param("[x](javascript:alert(1))", id="link"),
        pytest.param("*bold* _it_ `code` {: onclick=alert(1) }", id="markdown"),
        pytest.param("a | b", id="pipe"),
        pytest.param("# not a heading", id="heading"),
        pytest.param("1. not a list", id="list"),
        pytest.param('" onmouseover="alert(1)', id="attribute"),
    ],
)
def test_plain_values_show_literally_after_markdown(value: str) -> None:
    html = _through_mkdocs_markdown(f"Value: {md_text(value)}")
    assert "<script" not in html and "<a " not in html and "<em>" not in html
    assert 'onmouseover="' not in html and "onclick" not in html.split("&#")[0]
    start = _through_mkdocs_markdown(str(md_text(value)))
    assert "<h1" not in start and "<ol" not in start


def test_plain_value_keeps_its_text() -> None:
    import html

    value = "List & search <books> [fast]"
    rendered = _through_mkdocs_markdown(str(md_text(value)))
    assert html.unescape(rendered) == f"<p>{value}</p>"


def test_descriptions_keep_markdown_but_not_raw_html() -> None:
    html = str(render_markdown("**Bold** and `code`\n\n<script>alert(1)</script>\n\n- item"))
    assert "<strong>Bold</strong>" in html and "<code>code</code>" in html
    assert "<li>item</li>" in html
    assert "<script" not in html and "&#60;script&#62;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
    ],
)
def test_dangerous_links_are_dropped(url: str) -> None:
    assert safe_url(url) is None
    html = str(render_markdown(f"[click]({url}) ![img]({url}) <{url}>"))
    assert "href=" not in html and "src=" not in html


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=c", "http://x", "mailto:a@b.c", "../page.html", "#anchor"]
)
def test_safe_links_are_kept(url: str) -> None:
    assert safe_url(url) == url
    assert "href=" in str(render_markdown(f"[x]({url})"))


def test_rendered_html_stays_inert_under_a_second_markdown_pass() -> None:
    source = "Use `a*b*c` and \\[x\\](javascript:alert(1)) {: onclick=alert(1) }"
    once = str(render_markdown(source))
    twice = _through_mkdocs_markdown(f"| a |\n|---|\n| {inline_markdown(source)} |")
    assert "<em>" not in twice and "<a " not in twice
    assert not re.search(r"<[^>]*onclick", twice)
    assert "a*b*c" in __import__("html").unescape(twice)
    assert "<code>" in once


def test_images_become_links() -> None:
    html = str(render_markdown("![a *cat*](https://cdn.example.com/cat.png)"))
    assert "<img" not in html
    assert html.strip() == '<p><a href="https://cdn.example.com/cat.png">image: a cat</a></p>'


def test_headings_move_down() -> None:
    assert "<h3>" in str(render_markdown("# Title", shift=2))
    assert "<h6>" in str(render_markdown("###### Deep", shift=3))


def test_github_alerts_become_admonitions() -> None:
    html = str(render_markdown("> [!WARNING]\n> Careful **now**"))
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Warning</p>' in html
    assert "<strong>now</strong>" in html and "[!WARNING]" not in html


def test_inline_markdown_fits_a_table_cell() -> None:
    html = str(inline_markdown("one | two\n\nsecond paragraph"))
    assert "|" not in html and "\n" not in html


def test_plain_html_for_theme_templates() -> None:
    assert plain_html("<b>\"A\" & 'B'</b>") == "&lt;b&gt;&quot;A&quot; & &#39;B&#39;&lt;/b&gt;"


def test_highlight_escapes_and_colours() -> None:
    html = str(highlight('curl -H "X: <b>" $TOKEN', "bash"))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<span class="nt">-H</span>' in html and '<span class="nv">$TOKEN</span>' in html
    assert '<span class="s2">' in str(highlight('{"a": "b"}', "json"))
