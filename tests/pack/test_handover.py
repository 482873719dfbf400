"""HANDOVER.md from a hostile spec: spec text cannot add markup or scripts to the guide
(or to the docs page it becomes), nor commands to the shell lines it suggests."""

from __future__ import annotations

import shlex
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import markdown

from apikit import load_spec
from apikit.pack.handover import build_handover, render_handover
from apikit.review.checklist import checklist

HOSTILE = """\
openapi: 3.1.0
info:
  title: "Evil <script>alert('title')</script>"
  version: '1'
  summary: "<img src=x onerror=alert('summary')>"
  description: |
    # Welcome {: onclick="alert('attr')" }

    <script>alert('description')</script>
    [click](javascript:alert('link')) and [ok](https://example.org)
    <iframe src="https://evil.example"></iframe>
  contact:
    name: "Ops | <b>team</b>"
    url: "javascript:alert('contact')"
servers:
  - url: http://127.0.0.1:9/v1
    description: "Local <svg onload=alert('env')>"
    x-apikit-env: "local; touch /tmp/pwned"
paths:
  /things:
    get:
      operationId: listThings
      summary: List
      security: [{"key; rm -rf ~": []}]
      responses:
        '200': {description: ok}
        '404':
          description: "Gone <script>alert('error')</script>"
components:
  securitySchemes:
    "key; rm -rf ~":
      type: apiKey
      in: header
      name: X-Key
      description: "Ask <a href='javascript:alert(1)'>here</a>"
"""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def test_hostile_spec_text_stays_text(tmp_path: Path) -> None:
    spec_path = tmp_path / "openapi.yaml"
    spec_path.write_text(textwrap.dedent(HOSTILE), encoding="utf-8")
    spec = load_spec(spec_path)
    env = spec.environments()[0].name
    files = [f"evil.{env}.postman_collection.json", f"evil.{env}.postman_environment.json"]
    guide = render_handover(
        build_handover(
            spec,
            collection_files=files,
            collections_dir="collections",
            reports={},
            gaps=list(checklist(spec)),
        )
    )
    # as the docs site renders it (the extensions it enables)
    html = markdown.markdown(guide, extensions=["tables", "attr_list", "admonition", "toc"])
    elements = _Elements()
    elements.feed(html)
    tags = {tag for tag, _ in elements.found}
    assert tags.isdisjoint({"script", "img", "iframe", "svg", "b"}), tags
    for tag, attributes in elements.found:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        href = str(attributes.get("href") or "")
        assert not href.replace(" ", "").lower().startswith("javascript"), (tag, href)
    assert 'href="https://example.org"' in html  # safe links still work
    assert "&lt;script&gt;alert(" in html  # shown, not run
    assert "`javascript:alert('contact')`" in guide  # an unsafe contact URL is not a link

    # the shell lines quote what the spec says
    command = next(line for line in guide.splitlines() if "newman run" in line)
    assert shlex.split(command.strip().rstrip("\\"))[3] == (
        f"collections/evil.{env}.postman_collection.json"
    )
    assert "touch /tmp/pwned" not in command.replace(f"'collections/evil.{env}", "")
    export = next(line for line in guide.splitlines() if line.strip().startswith("export "))
    assert export.strip() == "export APIKIT_AUTH_KEY__RM__RF__=..."
