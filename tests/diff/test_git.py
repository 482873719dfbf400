"""`git:REV:path` versions, read from a real repository made for each test."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from apikit.api import diff_specs
from apikit.errors import UsageError
from tests.diff.helpers import document, write

ROOT = document("""
    paths:
      /books:
        $ref: 'paths/books.yaml'
""")
BOOKS = """
    get:
      operationId: listBooks
      parameters:
        - $ref: '../components/parameters.yaml#/Limit'
      responses:
        '200':
          description: ok
"""
LIMIT_V1 = """
    Limit:
      name: limit
      in: query
      schema: {type: integer, maximum: 100}
"""
LIMIT_V2 = LIMIT_V1.replace("maximum: 100", "maximum: 50")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two commits of a three-file spec under api/, and the working
    tree one edit further (the parameter became required)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = {"api/openapi.yaml": ROOT, "api/paths/books.yaml": BOOKS}
    write(repo, {**files, "api/components/parameters.yaml": LIMIT_V1, "README.md": "x\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    write(repo, {"api/components/parameters.yaml": LIMIT_V2})
    git(repo, "commit", "-q", "-am", "v2")
    write(
        repo,
        {
            "api/components/parameters.yaml": LIMIT_V2.replace(
                "in: query", "in: query\n      required: true"
            )
        },
    )
    monkeypatch.chdir(repo)
    return repo


def test_two_revisions_of_a_multi_file_spec(repo: Path) -> None:
    (change,) = diff_specs("git:v1:api/openapi.yaml", "git:HEAD:api/openapi.yaml")
    assert (change.kind, change.operation) == ("request-constraint-tightened", "GET /books")
    assert change.message == "parameter 'limit' (query): maximum lowered from 100 to 50"
    assert change.old is not None and change.new is not None
    assert (str(change.old), change.old.pointer) == (
        "v1:api/components/parameters.yaml:4:27",
        "/Limit/schema/maximum",
    )
    assert str(change.new) == "HEAD:api/components/parameters.yaml:4:27"


def test_a_revision_against_the_working_tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "api")
    (change,) = diff_specs("git:HEAD:./openapi.yaml", "openapi.yaml")
    assert change.kind == "request-parameter-became-required"
    assert change.breaking
    assert change.old is not None and str(change.old) == "HEAD:api/components/parameters.yaml:1:1"
    assert change.new is not None and change.new.file == "components/parameters.yaml"
    assert (change.new.line, change.new.pointer) == (4, "/Limit/required")


def test_unknown_revision(repo: Path) -> None:
    with pytest.raises(UsageError) as caught:
        diff_specs("git:v9:api/openapi.yaml", "api/openapi.yaml")
    assert str(caught.value) == (
        "unknown git revision 'v9' (list revisions with `git log --oneline` or `git branch -a`)"
    )
    assert caught.value.exit_code == 2


def test_path_missing_at_that_revision_suggests_a_name(repo: Path) -> None:
    with pytest.raises(
        UsageError,
        match=r"api/openapi\.yml does not exist in v1 \(did you mean api/openapi\.yaml\?\)",
    ):
        diff_specs("git:v1:api/openapi.yml", "api/openapi.yaml")


@pytest.mark.parametrize(
    ("version", "message"),
    [
        pytest.param("git:HEAD", "'git:HEAD' names no revision and path", id="no-path"),
        pytest.param("git::api/openapi.yaml", "names no revision and path", id="no-rev"),
        pytest.param(
            "git:--all:api/openapi.yaml", "'--all' is not a git revision", id="option-like-rev"
        ),
        pytest.param("git:HEAD:../outside.yaml", "points outside the repository", id="outside"),
    ],
)
def test_malformed_versions(repo: Path, version: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        diff_specs(version, "api/openapi.yaml")


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(UsageError, match="not inside a git repository"):
        diff_specs("git:HEAD:api.yaml", "api.yaml")


def test_a_broken_spec_at_a_revision_names_the_revision(repo: Path) -> None:
    write(
        repo,
        {"api/paths/books.yaml": BOOKS.replace("parameters.yaml#/Limit", "parameters.yaml#/Limt")},
    )
    git(repo, "commit", "-q", "-am", "broken")
    with pytest.raises(Exception) as caught:
        diff_specs("git:HEAD:api/openapi.yaml", "git:v1:api/openapi.yaml")
    text = str(caught.value)
    assert text.startswith("HEAD:api/paths/books.yaml:")
    assert "did you mean 'Limit'?" in text
    assert "apikit-git-" not in text


def test_refs_outside_the_spec_folder_need_the_whole_tree(repo: Path) -> None:
    shared = "Limit:\n  name: limit\n  in: query\n  schema: {type: integer, maximum: 10}\n"
    write(repo, {"shared/limit.yaml": shared})
    write(
        repo,
        {
            "api/paths/books.yaml": BOOKS.replace(
                "'../components/parameters.yaml#/Limit'", "'../../shared/limit.yaml#/Limit'"
            )
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shared")
    with pytest.raises(Exception, match=r"leaves the spec's folder"):
        diff_specs("git:v1:api/openapi.yaml", "git:HEAD:api/openapi.yaml")
    (change,) = diff_specs(
        "git:v1:api/openapi.yaml", "git:HEAD:api/openapi.yaml", allow_external_refs=True
    )
    assert change.message == "parameter 'limit' (query): maximum lowered from 100 to 10"
    assert change.new is not None and str(change.new) == "HEAD:shared/limit.yaml:4:27"
