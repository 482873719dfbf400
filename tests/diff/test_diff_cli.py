"""`apikit diff` end to end: exit codes, the three formats, stable output."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from apikit.cli import cli
from tests.diff.helpers import HEADER, pair

OLD = """
paths:
  /books:
    get:
      operationId: listBooks
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  isbn: {type: string}
                  title: {type: string}
  /books/{id}:
    delete:
      operationId: deleteBook
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: deleted}
"""
#: one breaking change (isbn removed from a response), one non-breaking (summary)
NEW = OLD.replace("                  isbn: {type: string}\n", "").replace(
    "      operationId: listBooks\n", "      operationId: listBooks\n      summary: List books\n"
)
#: non-breaking only
NEW_SAFE = OLD.replace(
    "      operationId: listBooks\n", "      operationId: listBooks\n      summary: List books\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("new", "fail_on", "code"),
    [
        pytest.param(NEW, None, 1, id="breaking-fails-by-default"),
        pytest.param(NEW_SAFE, None, 0, id="non-breaking-passes-by-default"),
        pytest.param(NEW_SAFE, "any", 1, id="any-fails-on-non-breaking"),
        pytest.param(OLD, "any", 0, id="any-passes-without-changes"),
        pytest.param(NEW, "none", 0, id="none-never-fails"),
        pytest.param(NEW, "breaking", 1, id="breaking-explicit"),
    ],
)
def test_exit_codes(
    runner: CliRunner, tmp_path: Path, new: str, fail_on: str | None, code: int
) -> None:
    old_path, new_path = pair(tmp_path, OLD, new)
    args = ["diff", str(old_path), str(new_path)] + (["--fail-on", fail_on] if fail_on else [])
    assert run(runner, *args)[0] == code


def test_text_output(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(tmp_path, OLD, NEW)
    code, out, _ = run(runner, "diff", str(old_path), str(new_path))
    assert code == 1
    assert out == (
        f"{old_path} -> {new_path}: 1 breaking change, 1 non-breaking\n"
        "\n"
        "Breaking changes (1):\n"
        "  GET /books\n"
        "    response-property-removed: response 200 (application/json): property 'isbn' removed\n"
        f"      old: {old_path}:15:19  new: {new_path}:15:17\n"
        "\n"
        "Non-breaking changes (1):\n"
        "  GET /books\n"
        "    description-changed: operation summary added\n"
        f"      old: {old_path}:5:5  new: {new_path}:7:7\n"
    )


def test_markdown_output_for_a_pull_request(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(tmp_path, OLD, NEW)
    code, out, _ = run(runner, "diff", str(old_path), str(new_path), "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"### API changes: `{old_path}` → `{new_path}`"
    assert lines[2] == ":warning: **1 breaking change**, 1 non-breaking."
    breaking = lines.index("#### Breaking changes (1)")
    folded = lines.index("<details><summary>Non-breaking changes (1)</summary>")
    assert breaking < folded
    assert lines[breaking + 2] == "| Operation | Change | Kind | Old | New |"
    assert lines[breaking + 4] == (
        "| `GET /books` | response 200 (application/json): property 'isbn' removed "
        f"| `response-property-removed` | `{old_path}:15:19` | `{new_path}:15:17` |"
    )
    assert lines[-1] == "</details>"


def test_markdown_escapes_table_cells(runner: CliRunner, tmp_path: Path) -> None:
    old = OLD.replace("title: {type: string}", "title: {type: string, pattern: 'a|b'}")
    new = OLD.replace("title: {type: string}", "title: {type: string, pattern: 'a|<b>'}")
    old_path, new_path = pair(tmp_path, old, new)
    out = run(runner, "diff", str(old_path), str(new_path), "--format", "markdown")[1]
    assert '\'title\' pattern changed from "a\\|b" to "a\\|&lt;b&gt;" |' in out


def test_markdown_without_changes(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(tmp_path, OLD, OLD)
    code, out, _ = run(runner, "diff", str(old_path), str(new_path), "--format", "markdown")
    assert (code, out.splitlines()[-1]) == (0, "No changes.")


def test_json_output(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(tmp_path, OLD, NEW)
    code, out, _ = run(runner, "diff", str(old_path), str(new_path), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert list(data) == ["breaking", "non_breaking", "changes"]
    assert (data["breaking"], data["non_breaking"]) == (1, 1)
    assert data["changes"][0] == {
        "kind": "response-property-removed",
        "breaking": True,
        "message": "response 200 (application/json): property 'isbn' removed",
        "operation": "GET /books",
        "old": {
            "file": str(old_path),
            "line": 15,
            "column": 19,
            "pointer": "/paths/~1books/get/responses/200/content/application~1json/schema/properties/isbn",
        },
        "new": {
            "file": str(new_path),
            "line": 15,
            "column": 17,
            "pointer": "/paths/~1books/get/responses/200/content/application~1json/schema/properties",
        },
    }


def test_removed_operation_has_no_new_location_in_json(runner: CliRunner, tmp_path: Path) -> None:
    new = OLD[: OLD.index("  /books/{id}:")]
    old_path, new_path = pair(tmp_path, OLD, new)
    data = json.loads(run(runner, "diff", str(old_path), str(new_path), "--format", "json")[1])
    (change,) = data["changes"]
    assert (change["kind"], change["operation"], change["new"]) == (
        "operation-removed",
        "DELETE /books/{id}",
        None,
    )
    assert (change["old"]["line"], change["old"]["column"]) == (18, 5)


def test_missing_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    old_path, _ = pair(tmp_path, OLD, OLD)
    code, out, err = run(runner, "diff", str(old_path), str(tmp_path / "nope.yaml"))
    assert (code, out) == (2, "")
    assert err == f"apikit: error: no such file: {tmp_path / 'nope.yaml'} (check the path)\n"


def test_invalid_spec_exits_1_with_its_location(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(
        tmp_path, OLD, OLD.replace("schema: {type: string}}", "schema: {$ref: '#/nope'}}")
    )
    code, _, err = run(runner, "diff", str(old_path), str(new_path))
    assert code == 1
    assert err.startswith(f"apikit: error: {new_path}:21:")


def test_bad_option_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    old_path, new_path = pair(tmp_path, OLD, OLD)
    assert run(runner, "diff", str(old_path), str(new_path), "--fail-on", "sometimes")[0] == 2


def test_output_is_deterministic_whatever_the_key_order(runner: CliRunner, tmp_path: Path) -> None:
    """The same two APIs with their paths, properties and responses in another order
    give the same changes in the same order."""
    old_path, new_path = pair(tmp_path / "a", OLD, NEW)
    first = run(runner, "diff", str(old_path), str(new_path), "--format", "json")[1]
    assert first == run(runner, "diff", str(old_path), str(new_path), "--format", "json")[1]

    def shuffled(text: str, seed: int, folder: Path) -> Path:
        rng = random.Random(seed)

        def mix(node: object) -> object:
            if isinstance(node, dict):
                items = list(node.items())
                rng.shuffle(items)
                return {key: mix(value) for key, value in items}
            return node

        target = folder / "api.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(yaml.safe_dump(mix(yaml.safe_load(HEADER + text)), sort_keys=False))
        return target

    other_old = shuffled(OLD, 1, tmp_path / "b" / "old")
    other_new = shuffled(NEW, 2, tmp_path / "b" / "new")
    second = run(runner, "diff", str(other_old), str(other_new), "--format", "json")[1]
    kinds = [(c["kind"], c["operation"], c["message"]) for c in json.loads(first)["changes"]]
    again = [(c["kind"], c["operation"], c["message"]) for c in json.loads(second)["changes"]]
    assert kinds == again


def test_help_names_git_versions(runner: CliRunner) -> None:
    code, out, _ = run(runner, "diff", "--help")
    assert code == 0
    assert "git:REV:path" in out and "--fail-on [breaking|any|none]" in out
