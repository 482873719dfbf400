"""References across files, confinement, cycles, and bundling."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.api import bundle_spec
from apikit.errors import SpecError

WriteSpec = Callable[..., Path]

ROOT = """
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /books:
    $ref: paths/books.yaml#/books
components:
  schemas:
    Book:
      $ref: schemas.yaml#/Book
"""

BOOKS = """
books:
  get:
    operationId: listBooks
    responses:
      '200':
        description: ok
        content:
          application/json:
            schema:
              type: array
              items:
                $ref: ../schemas.yaml#/Book
      '404':
        $ref: ../responses.yaml#/NotFound
"""

SCHEMAS = """
Book:
  type: object
  properties:
    id: {type: string}
    related:
      type: array
      items:
        $ref: '#/Book'
    category:
      $ref: '#/Category'
Category:
  type: object
  properties:
    name: {type: string}
    a~b/c: {type: integer}
"""

RESPONSES = """
NotFound:
  description: not found
  content:
    application/json:
      schema:
        $ref: schemas.yaml#/Category/properties/a~0b~1c
"""


@pytest.fixture
def multi(write_spec: WriteSpec) -> Path:
    return write_spec(
        "openapi.yaml",
        ROOT,
        {"paths/books.yaml": BOOKS, "schemas.yaml": SCHEMAS, "responses.yaml": RESPONSES},
    )


def test_multi_file_spec_bundles_to_internal_refs(multi: Path) -> None:
    spec = load_spec(multi)
    assert spec.load_findings == []
    doc = spec.document
    assert doc["components"]["schemas"]["Book"]["properties"]["related"]["items"] == {
        "$ref": "#/components/schemas/Book"
    }
    ok = doc["paths"]["/books"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["items"] == {"$ref": "#/components/schemas/Book"}
    assert doc["paths"]["/books"]["get"]["responses"]["404"] == {
        "$ref": "#/components/responses/NotFound"
    }
    assert doc["components"]["schemas"]["Category"]["properties"]["name"] == {"type": "string"}
    not_found = doc["components"]["responses"]["NotFound"]["content"]["application/json"]
    assert not_found["schema"] == {"$ref": "#/components/schemas/a_b_c"}
    assert doc["components"]["schemas"]["a_b_c"] == {"type": "integer"}
    all_refs = json.dumps(doc)
    assert ".yaml" not in all_refs


def test_bundled_nodes_point_back_to_their_files(multi: Path) -> None:
    spec = load_spec(multi)
    loc = spec.locate(("components", "schemas", "Category", "properties", "name"))
    assert loc.file.endswith("schemas.yaml") and loc.line == 14
    assert loc.pointer == "/Category/properties/name"
    loc = spec.locate(("paths", "/books", "get", "operationId"))
    assert loc.file.endswith("books.yaml") and (loc.line, loc.column) == (3, 5)


def test_bundle_is_deterministic_and_reloadable(multi: Path, tmp_path: Path) -> None:
    first = bundle_spec(multi, tmp_path / "one.yaml")
    second = bundle_spec(multi, tmp_path / "two.yaml")
    assert first == second
    assert (tmp_path / "one.yaml").read_bytes() == (tmp_path / "two.yaml").read_bytes()
    reloaded = load_spec(tmp_path / "one.yaml")
    assert reloaded.load_findings == []
    assert reloaded.document == load_spec(multi).document
    bundle_spec(multi, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text())["openapi"] == "3.1.0"


def test_broken_ref_is_reported_where_written(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            A:
              $ref: '#/components/schemas/Bee'
            Be: {type: string}
        """,
    )
    (finding,) = load_spec(path).load_findings
    assert finding.rule == "ref"
    assert "does not exist" in finding.message and "did you mean 'Be'?" in finding.message
    assert (finding.location.line, finding.location.column) == (7, 7)


def test_missing_file_ref(multi: Path) -> None:
    (multi.parent / "schemas.yaml").unlink()
    findings = load_spec(multi).load_findings
    assert findings and all("schemas.yaml" in f.message for f in findings)
    assert "no such file" in findings[0].message


def test_syntax_error_in_referenced_file_names_that_file(multi: Path) -> None:
    (multi.parent / "responses.yaml").write_text("NotFound: [unclosed\n")
    findings = load_spec(multi).load_findings
    assert any(
        "responses.yaml:2" in f.message and "YAML syntax error" in f.message for f in findings
    )


def test_pure_ref_cycle_is_an_error(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            A: {$ref: '#/components/schemas/B'}
            B: {$ref: '#/components/schemas/A'}
        """,
    )
    findings = load_spec(path).load_findings
    assert findings and "cyclic $ref with no value" in findings[0].message


def test_recursive_schema_is_fine(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            Node:
              type: object
              properties:
                children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        """,
    )
    assert load_spec(path).load_findings == []


def test_ref_outside_root_is_refused_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "shared.yaml").write_text("Thing: {type: string}\n")
    project = tmp_path / "project"
    project.mkdir()
    spec_path = project / "openapi.yaml"
    spec_path.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    Thing:\n      $ref: ../shared.yaml#/Thing\n"
    )
    (finding,) = load_spec(spec_path).load_findings
    assert "'../shared.yaml#/Thing' leaves the spec's folder" in finding.message
    assert "--allow-external-refs" in finding.message
    assert finding.location.line == 7
    allowed = load_spec(spec_path, allow_external_refs=True)
    assert allowed.load_findings == []
    assert allowed.document["components"]["schemas"]["Thing"] == {"type": "string"}


def test_remote_ref_is_refused_without_network(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            X: {$ref: 'https://example.invalid/schemas.yaml#/X'}
        """,
    )
    (finding,) = load_spec(path).load_findings
    assert "remote $ref 'https://example.invalid/schemas.yaml#/X' refused" in finding.message


def test_refs_inside_examples_are_data(write_spec: WriteSpec) -> None:
    path = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          schemas:
            Doc:
              type: object
              example: {$ref: 'not/a/ref.yaml'}
        """,
    )
    assert load_spec(path).load_findings == []


def test_open_spec_raises_on_reference_problems(write_spec: WriteSpec) -> None:
    from apikit.api import open_spec

    path = write_spec(
        "openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
        "components: {schemas: {A: {$ref: 'missing.yaml'}}}\n",
    )
    with pytest.raises(SpecError, match=r"missing\.yaml"):
        open_spec(path)
