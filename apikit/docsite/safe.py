"""Untrusted spec text, made safe for the documentation site.

Everything a spec says is treated as hostile: a description may carry `<script>`,
event handlers or `javascript:` links. Two doors lead into a page, and both escape:

- `md_text` for plain values (names, summaries, enum values): every character that
  means something to Markdown or HTML becomes a character reference, so the value
  shows literally wherever a template puts it (headings, table cells, attributes);
- `render_markdown` for descriptions: CommonMark rendered to HTML with raw HTML
  disabled (it is shown as text) and links limited to http(s), mailto and relative
  URLs. The page embeds that HTML as a block, so MkDocs passes it through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

#: characters with a meaning in Markdown, in the Markdown extensions a site enables,
#: or in HTML (text and attribute values)
_SPECIAL = re.compile(r"[\\`*_{}\[\]<>&|#\"'!:~^=$]")
#: what starts a block when it begins a line: a list item, a quote, a setext underline
_LINE_START = re.compile(r"^(?:[-+](?=\s|$)|\d+[.)](?=\s|$)|>|=+\s*$)")
_WHITESPACE = re.compile(r"[\r\n\t]+")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_ALERTS = {
    "NOTE": ("note", "Note"),
    "TIP": ("tip", "Tip"),
    "IMPORTANT": ("info", "Important"),
    "WARNING": ("warning", "Warning"),
    "CAUTION": ("danger", "Caution"),
}


def _reference(match: re.Match[str]) -> str:
    return f"&#{ord(match.group(0))};"


def md_text(value: Any) -> Markup:
    """A plain value as inline text that Markdown and HTML both show literally."""
    text = _WHITESPACE.sub(" ", str(value))
    escaped = _SPECIAL.sub(_reference, text)
    if _LINE_START.match(escaped):
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return Markup(escaped)


def anchor_for(text: str) -> str:
    """An HTML id (and URL fragment) from a name: operationIds keep their letters,
    anything else becomes `-`."""
    return _ANCHOR_UNSAFE.sub("-", text).strip("-") or "op"


def plain_html(value: Any) -> str:
    """A plain value for places that insert it as HTML unescaped (MkDocs' theme
    templates do so with site_name, nav titles and page titles)."""
    text = _WHITESPACE.sub(" ", str(value))
    return (
        text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")
    )


def safe_url(url: Any) -> str | None:
    """The URL if following it cannot run code: http(s), mailto, or relative."""
    text = str(url)
    probe = _CONTROL.sub("", text)
    match = _SCHEME.match(probe)
    if match and match.group(1).lower() not in SAFE_SCHEMES:
        return None
    if probe.startswith("\\"):
        return None
    return text


def code_html(text: str, language: str = "") -> Markup:
    """An example as a plain preformatted block, styled like Material's code blocks.

    Deliberately not `<pre><code>`: Material measures every such block when a page
    loads (to add its copy button), which makes pages with hundreds of examples
    slow to open; examples are read more than copied."""
    css = f"apikit-example language-{language}" if language else "apikit-example"
    return Markup(f'<pre class="{css}">{escape(text)}</pre>')


#: resolves a link target written in a spec (e.g. `#operation/getBook`) to a URL
#: relative to the current page, or None to leave it alone
Resolver = Callable[[str], str | None]


#: characters that would mean something to a Markdown processor reading the HTML
#: again (a page's Markdown is processed after apikit rendered a description)
_INERT = re.compile(r"[\\`*_{}\[\]!|<>&\"]")


def inert(text: str) -> str:
    """Text for HTML that stays text even if Markdown processes it again."""
    return _INERT.sub(_reference, text)


def _text_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return inert(tokens[idx].content)


def _code_inline_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"<code>{inert(tokens[idx].content)}</code>"


def _code_block_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"<pre><code>{inert(tokens[idx].content)}</code></pre>\n"


def _image_rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Images become links: the site must not fetch anything from elsewhere (it is
    read offline, and a spec should not make readers' browsers call its servers)."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    src = str(token.attrGet("src") or "")
    return f'<a href="{escape(src)}">{inert("image: " + alt)}</a>'


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    md.core.ruler.push("apikit_alerts", _alerts)
    # text and code come out with Markdown's special characters as references, so
    # that a page's Markdown processor cannot turn them into links or markup
    md.add_render_rule("text", _text_rule)
    md.add_render_rule("code_inline", _code_inline_rule)
    md.add_render_rule("code_block", _code_block_rule)
    md.add_render_rule("fence", _code_block_rule)
    md.add_render_rule("image", _image_rule)
    return md


def _alerts(state: Any) -> None:
    """GitHub-style `> [!NOTE]` blockquotes become Material admonitions."""
    tokens: list[Token] = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens):
            continue
        inline = tokens[index + 2]
        first = inline.children[0] if inline.children else None
        if inline.type != "inline" or first is None or first.type != "text":
            continue
        match = re.match(r"^\[!(\w+)\]\s*$", first.content)
        if not match or match.group(1).upper() not in _ALERTS:
            continue
        css, title = _ALERTS[match.group(1).upper()]
        close = _matching_close(tokens, index)
        token.tag = tokens[close].tag = "div"
        token.attrSet("class", f"admonition {css}")
        first.content = ""
        children = inline.children or []
        if len(children) > 1 and children[1].type in ("softbreak", "hardbreak"):
            del children[1]
        heading = Token("html_block", "", 0)
        heading.content = f'<p class="admonition-title">{title}</p>\n'
        tokens.insert(index + 1, heading)


def _matching_close(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for position in range(start, len(tokens)):
        if tokens[position].type == "blockquote_open":
            depth += 1
        elif tokens[position].type == "blockquote_close":
            depth -= 1
            if depth == 0:
                return position
    return len(tokens) - 1


_PARSER = _make_parser()


def render_markdown(text: str, *, shift: int = 0, resolve: Resolver | None = None) -> Markup:
    """Untrusted CommonMark -> safe HTML. Headings move down `shift` levels so a
    description never outranks the section it sits in."""
    if not text or not text.strip():
        return Markup("")
    tokens = _PARSER.parse(text)
    for token in _walk(tokens):
        if shift and token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        elif resolve is not None and token.type == "link_open":
            href = str(token.attrGet("href") or "")
            target = resolve(href)
            if target is not None:
                token.attrSet("href", target)
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return Markup(html)


def _walk(tokens: Sequence[Token]) -> Any:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def inline_markdown(text: str, *, resolve: Resolver | None = None) -> Markup:
    """A description as HTML on one line, fit for a table cell (also a Markdown
    table's: no newlines, no bare `|`)."""
    html = str(render_markdown(text, resolve=resolve)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html.replace("|", "&#124;").replace("\n", " "))
