"""Syntax colours for the code samples apikit writes (curl, JavaScript, Python, JSON).

The samples come from a handful of shapes apikit itself produces, so one regular
expression per language marks what matters (strings, keywords, comments, numbers,
variables) with Pygments' short class names, which Material already colours. It
is a hundred times faster than a full lexer, which counts on specs with a thousand
operations."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
_NUMBER = r"\b-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b"
_PATTERNS = {
    "bash": re.compile(
        rf"(?P<c1>#[^\n]*)|(?P<s2>{_STRING})|(?P<nv>\$\{{?[A-Za-z_][A-Za-z0-9_]*\}}?)"
        r"|(?P<nt>(?<![\w-])--?[A-Za-z][\w-]*)|(?P<k>\bcurl\b)"
    ),
    "js": re.compile(
        rf"(?P<c1>//[^\n]*)|(?P<s2>{_STRING}|`(?:[^`\\]|\\.)*`)"
        r"|(?P<k>\b(?:const|let|await|new|if|throw|return|null|true|false)\b)"
        rf"|(?P<m>{_NUMBER})"
    ),
    "python": re.compile(
        rf"(?P<c1>#[^\n]*)|(?P<s2>f?(?:{_STRING}))"
        r"|(?P<k>\b(?:import|from|as|if|else|print|open|True|False|None)\b)"
        rf"|(?P<m>{_NUMBER})"
    ),
    "json": re.compile(
        rf"(?P<nt>\"(?:[^\"\\\n]|\\.)*\"(?=\s*:))|(?P<s2>\"(?:[^\"\\\n]|\\.)*\")"
        rf"|(?P<k>\b(?:true|false|null)\b)|(?P<m>{_NUMBER})"
    ),
}


def highlight(code: str, language: str) -> Markup:
    """Code as a Material code block, coloured when the language is known."""
    pattern = _PATTERNS.get(language)
    if pattern is None:
        body = str(escape(code))
    else:
        parts: list[str] = []
        last = 0
        for match in pattern.finditer(code):
            parts.append(str(escape(code[last : match.start()])))
            kind = match.lastgroup or ""
            parts.append(f'<span class="{kind}">{escape(match.group(0))}</span>')
            last = match.end()
        parts.append(str(escape(code[last:])))
        body = "".join(parts)
    css = f"language-{language} highlight" if language else "highlight"
    return Markup(f'<div class="{css}"><pre><span></span><code>{body}</code></pre></div>')
