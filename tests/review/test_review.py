"""`apikit review`: verdict and exit codes, changes against a base, findings, the
reviewer's checklist, and spec text that cannot change the report."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from apikit.cli import cli
from apikit.review.render import markdown_to_html
from tests.conftest import EXAMPLE_SPEC

HEADER = """\
openapi: 3.1.0
info: {title: Shelf, version: '2.0'}
servers:
  - {url: 'http://127.0.0.1:9000/v1', description: Local, x-apikit-env: local}
"""

#: the approved version: books have an isbn, and there is a way to delete them
OLD = """
paths:
  /books:
    get:
      operationId: listBooks
      summary: List books
      description: All books.
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/BookPage'}
              example: {items: [{isbn: '1', title: T}]}
        '401': {description: no}
  /books/{id}:
    delete:
      operationId: deleteBook
      summary: Remove a book
      description: Gone for good.
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: deleted}
        '404': {description: no such book}
components:
  schemas:
    BookPage:
      description: A page of books.
      type: object
      properties:
        items:
          type: array
          items:
            type: object
            properties:
              isbn: {type: string}
              title: {type: string}
"""
#: two breaking changes: a response field and an operation are gone
_WITHOUT_ISBN = OLD.replace("              isbn: {type: string}\n", "")
NEW = (
    _WITHOUT_ISBN.split("  /books/{id}:")[0] + "components:" + _WITHOUT_ISBN.split("components:")[1]
)

#: one of each checklist gap, plus a security requirement on an undefined scheme
GAPS = """
paths:
  /shelves:
    get:
      operationId: listShelves
      summary: List shelves
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Shelf'}}
    post:
      operationId: addShelf
      summary: Add a shelf
      description: Anyone may add one.
      security: []
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Shelf'}
      responses:
        '201': {description: created}
  /shelves/{id}:
    get:
      operationId: getShelf
      summary: Get a shelf
      description: One shelf, with its books.
      x-apikit-ignore: [no-example]
      security: [{ghost: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  books: {type: array, items: {type: string}}
        '404': {description: no such shelf}
components:
  schemas:
    Shelf:
      type: object
      properties:
        name: {type: string}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def review_json(runner: CliRunner, *args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(cli, ["review", *args, "--format", "json"])
    return result.exit_code, json.loads(result.output)


def test_breaking_changes_fail_the_review_unless_accepted(
    runner: CliRunner, tmp_path: Path
) -> None:
    old = write(tmp_path / "v1", "api.yaml", OLD)
    new = write(tmp_path / "v2", "api.yaml", NEW)

    result = runner.invoke(cli, ["review", str(new), "--base", str(old)])
    assert result.exit_code == 1
    report = result.output
    assert "**Changes needed**: 2 breaking changes" in report
    breaking = report.index("### Breaking changes (2)")
    assert breaking < report.index("## Validation findings")
    assert "`operation-removed`" in report and "`response-property-removed`" in report
    assert "`DELETE /books/{id}`" in report
    assert "isbn" in report

    accepted = runner.invoke(cli, ["review", str(new), "--base", str(old), "--accept-breaking"])
    assert accepted.exit_code == 0
    assert "**Ready for approval** (2 breaking changes accepted)" in accepted.output


def test_validation_errors_fail_the_review_unless_accepted(
    runner: CliRunner, tmp_path: Path
) -> None:
    spec = write(tmp_path, "api.yaml", GAPS)
    code, data = review_json(runner, str(spec))
    assert code == 1
    assert data["approvable"] is False
    assert data["verdict"] == "changes needed: 1 validation error"
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["line"]) for f in errors] == [("security-defined", 33)]
    assert "'ghost'" in errors[0]["message"]
    # errors come first, then warnings (no-4xx, no-example ...)
    severities = [f["severity"] for f in data["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert {"no-4xx", "no-example"} <= {f["rule"] for f in data["findings"]}

    code, data = review_json(runner, str(spec), "--accept-errors")
    assert code == 0
    assert data["verdict"] == "ready for approval (1 validation error accepted)"


def test_checklist_lists_each_gap_with_its_location(runner: CliRunner, tmp_path: Path) -> None:
    spec = write(tmp_path, "api.yaml", GAPS)
    _, data = review_json(runner, str(spec), "--accept-errors")
    found = {
        check["id"]: [(item["subject"], item["line"]) for item in check["items"]]
        for check in data["checklist"]
    }
    assert found == {
        "no-error-response": [("GET /shelves", 7), ("POST /shelves", 16)],
        # getShelf's response has no example either, but x-apikit-ignore answers that
        "no-example": [("GET /shelves", 7), ("POST /shelves", 16)],
        "unauthenticated-write": [("POST /shelves", 16)],
        # getShelf returns an object holding an array, but on an item's path
        "no-pagination": [("GET /shelves", 7)],
        "no-description": [("GET /shelves", 7)],
        "schema-no-description": [("Shelf", 48)],
    }
    items = {check["id"]: check["items"] for check in data["checklist"]}
    assert items["no-example"][1]["detail"] == ("no example: request body (application/json)")
    assert items["no-pagination"][0]["operation_id"] == "listShelves"

    markdown = runner.invoke(cli, ["review", str(spec), "--accept-errors"]).output
    checklist = markdown[markdown.index("## Reviewer checklist") :]
    assert "### Writes without authentication (1)" in checklist
    assert re.search(
        r"- \[ \] `POST /shelves` addShelf: anyone may call it.*api\.yaml:16:", checklist
    )


def test_the_example_at_a_glance(runner: CliRunner) -> None:
    code, data = review_json(runner, str(EXAMPLE_SPEC))
    assert code == 0
    assert data["summary"]["operations"] == 20
    assert [(t["name"], len(t["operations"])) for t in data["tags"]] == [
        ("books", 7),
        ("authors", 6),
        ("orders", 4),
        ("admin", 2),
        ("system", 1),
    ]
    # named schemas only: not the property schemas that bundling hoists
    assert "Book" in data["schemas"] and "title" not in data["schemas"]
    schemes = {s["name"]: (s["kind"], s["operations"]) for s in data["security_schemes"]}
    assert schemes == {
        "bearerAuth": ("http bearer (JWT)", 17),
        "adminApiKey": ("apiKey in header X-Admin-Key", 2),
    }
    assert [(e["name"], e["read_only"]) for e in data["environments"]] == [
        ("local", False),
        ("staging", False),
        ("prod", True),
    ]
    health = data["tags"][-1]["operations"][0]
    assert (health["operation_id"], health["auth"]) == ("getHealth", "none")
    assert data["changes"] is None


def test_base_from_git_history(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write(tmp_path, "api.yaml", OLD)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    git("add", "api.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    spec.write_text(HEADER + textwrap.dedent(NEW).lstrip("\n"), encoding="utf-8")

    monkeypatch.chdir(tmp_path)
    code, data = review_json(runner, "api.yaml", "--base", "git:HEAD:api.yaml")
    assert code == 1
    assert data["base"] == "git:HEAD:api.yaml"
    assert data["summary"]["breaking"] == 2
    assert data["changes"][0]["breaking"] is True


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def test_html_is_one_page_without_scripts(runner: CliRunner, tmp_path: Path) -> None:
    hostile = (
        GAPS.replace(
            "summary: Add a shelf",
            "summary: 'Add <script>alert(1)</script> | [x](javascript:alert(2)) "
            "<img src=x onerror=alert(3)>'",
        )
        .replace("    Shelf:\n", "    'Sh<b>elf':\n")
        .replace("'#/components/schemas/Shelf'", "'#/components/schemas/Sh<b>elf'")
    )
    spec = write(tmp_path, "api.yaml", hostile)
    out = tmp_path / "review.html"
    result = runner.invoke(
        cli, ["review", str(spec), "--format", "html", "-o", str(out), "--accept-errors"]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    elements = _Elements()
    elements.feed(page)
    tags = {tag for tag, _ in elements.found}
    assert tags.isdisjoint({"script", "img", "b", "iframe", "link"})
    for tag, attributes in elements.found:
        assert not any(name.startswith("on") for name in attributes), tag
        assert not str(attributes.get("href", "")).startswith("javascript"), tag
    assert "Add &lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the pipe in the summary did not split its table row: the auth cell follows
    lines = page.splitlines()
    at = next(i for i, line in enumerate(lines) if "Add &lt;script" in line)
    assert lines[at + 1 : at + 3] == ["<td>none</td>", "</tr>"]
    assert "<h2>Reviewer checklist</h2>" in page


def test_markdown_to_html_refuses_raw_html_and_script_links() -> None:
    html = markdown_to_html(
        "<div onclick=x>a</div>\n\n[b](javascript:alert(1)) [c](https://example.org)"
    )
    assert "<div" not in html and "&lt;div onclick=x&gt;" in html
    assert 'href="#"' in html and 'href="https://example.org"' in html


def test_output_file_and_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out" / "review.md"
    result = runner.invoke(cli, ["review", str(EXAMPLE_SPEC), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Design review: Bookstore API 1.4.0")
    assert "ready for approval" in result.output

    missing = runner.invoke(cli, ["review", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    no_base = runner.invoke(cli, ["review", str(EXAMPLE_SPEC), "--base", str(tmp_path / "v0.yaml")])
    assert no_base.exit_code == 2
