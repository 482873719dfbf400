"""`apikit collections`: files, determinism, --check, stale files, secrets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from apikit.cli import cli
from tests.conftest import EXAMPLE_SPEC, REPO
from tests.exporters.conftest import SLUG

SECRETS = {
    "BOOKSTORE_TOKEN": "local-dev-token",
    "BOOKSTORE_ADMIN_KEY": "local-admin-key",
    "APIKIT_AUTH_BEARERAUTH": "local-dev-token",
    "APIKIT_AUTH_ADMINAPIKEY": "local-admin-key",
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["collections", str(EXAMPLE_SPEC), *args])
    return result.exit_code, result.output


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_writes_every_format_for_every_environment(tmp_path: Path) -> None:
    code, output = run("--out", str(tmp_path))
    assert code == 0, output
    names = set(tree(tmp_path))
    for env in ("local", "staging", "prod"):
        assert f"{SLUG}.{env}.postman_collection.json" in names
        assert f"{SLUG}.{env}.postman_environment.json" in names
        assert f"{SLUG}.{env}.http" in names
        assert f"{SLUG}.bruno/environments/{env}.bru" in names
    assert "files/cover.png" in names
    assert f"{SLUG}.bruno/books/getBook.bru" in names
    assert "wrote 43 files" in output
    assert not [n for n in names if n.endswith(".tmp")]


def test_output_is_deterministic(tmp_path: Path) -> None:
    assert run("--out", str(tmp_path / "a"))[0] == 0
    assert run("--out", str(tmp_path / "b"))[0] == 0
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second
    code, output = run("--out", str(tmp_path / "a"))
    assert code == 0 and "wrote 0 files, 43 unchanged" in output


def test_check_reports_changed_missing_and_stale_files(tmp_path: Path) -> None:
    assert run("--out", str(tmp_path))[0] == 0
    assert run("--out", str(tmp_path), "--check") == (0, f"{tmp_path}/ is up to date (43 files)\n")
    changed = tmp_path / f"{SLUG}.local.postman_collection.json"
    changed.write_text(changed.read_text().replace("Get a book", "Get one book"))
    (tmp_path / f"{SLUG}.staging.http").unlink()
    stale = tmp_path / f"{SLUG}.bruno" / "books" / "oldOperation.bru"
    stale.write_text("tests {\n  // apikit: contract test\n}\n")
    mine = tmp_path / f"{SLUG}.bruno" / "books" / "handWritten.bru"
    mine.write_text("meta {\n  name: mine\n}\n")
    snapshot = tree(tmp_path)
    code, output = run("--out", str(tmp_path), "--check")
    assert code == 1
    assert f"changed  {SLUG}.local.postman_collection.json" in output
    assert f"missing  {SLUG}.staging.http" in output
    assert f"stale    {SLUG}.bruno/books/oldOperation.bru" in output
    assert "handWritten" not in output
    assert tree(tmp_path) == snapshot  # --check writes nothing
    code, output = run("--out", str(tmp_path))
    assert code == 0 and f"removed  {SLUG}.bruno/books/oldOperation.bru" in output
    assert mine.exists() and not stale.exists()
    assert run("--out", str(tmp_path), "--check")[0] == 0


def test_removed_environment_files_are_stale(tmp_path: Path) -> None:
    assert run("--out", str(tmp_path))[0] == 0
    old = tmp_path / f"{SLUG}.qa.postman_collection.json"
    old.write_text("{}")
    code, output = run("--out", str(tmp_path), "--check")
    assert code == 1 and f"stale    {SLUG}.qa.postman_collection.json" in output


def test_format_and_environment_selection(tmp_path: Path) -> None:
    code, output = run("--out", str(tmp_path), "--format", "postman", "--env", "local")
    assert code == 0, output
    assert sorted(tree(tmp_path)) == [
        f"{SLUG}.local.postman_collection.json",
        f"{SLUG}.local.postman_environment.json",
        "files/cover.png",
    ]
    (tmp_path / "keep.json").write_text("{}")
    assert run("--out", str(tmp_path), "--format", "http,bruno", "--env", "staging")[0] == 0
    names = set(tree(tmp_path))
    assert f"{SLUG}.local.postman_collection.json" in names  # other environments untouched
    assert f"{SLUG}.staging.http" in names and "keep.json" in names
    assert f"{SLUG}.bruno/environments/staging.bru" in names
    assert f"{SLUG}.bruno/environments/local.bru" not in names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "insomnia"], "unknown collection format(s): insomnia"),
        (["--env", "qa"], "unknown environment 'qa'"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    code, output = run("--out", str(tmp_path), *args)
    assert code == 2 and message in output


def test_missing_spec(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["collections", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2


def test_secret_values_never_reach_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    assert run("--out", str(tmp_path))[0] == 0
    for rel, data in tree(tmp_path).items():
        for value in set(SECRETS.values()):
            assert value.encode() not in data, (rel, value)


def test_repository_collections_are_current() -> None:
    """`collections/` holds the example's generated collections; regenerate them with
    `apikit collections examples/bookstore/openapi.yaml --out collections`."""
    code, output = run("--out", str(REPO / "collections"), "--check")
    assert code == 0, output


def test_library_api(tmp_path: Path) -> None:
    import apikit
    from apikit.collection import build_collection
    from apikit.exporters.postman import read_postman
    from apikit.spec import load_spec

    outcome = apikit.build_collections(str(EXAMPLE_SPEC), tmp_path, "postman", ["local"])
    assert outcome.exit_code == 0 and len(outcome.written) == 3
    again = apikit.build_collections(
        load_spec(EXAMPLE_SPEC), tmp_path, ["postman"], ["local"], True
    )
    assert again.up_to_date and again.written == []
    collection = read_postman(tmp_path / f"{SLUG}.local.postman_collection.json")
    request = next(r for r in collection.requests() if r.operation_id == "listBooks")
    variables = {"baseUrl": "http://127.0.0.1:8000/v1"}
    assert request.url_with(variables) == "http://127.0.0.1:8000/v1/books"
    get = next(r for r in build_collection(load_spec(EXAMPLE_SPEC)).requests() if r.id == "getBook")
    assert get.url_with({"baseUrl": "http://h", "bookId": "a b"}) == "http://h/books/a%20b"


def test_invalid_examples_are_reported(tmp_path: Path, write_spec: Callable[..., Path]) -> None:
    spec = write_spec(
        "openapi.yaml",
        """
        openapi: 3.1.0
        info: {title: Notes, version: '1'}
        paths:
          /notes:
            post:
              operationId: addNote
              requestBody:
                content:
                  application/json:
                    schema: {type: object, properties: {text: {type: string}}}
                    example: {text: 5}
              responses:
                '201': {description: Added.}
        """,
    )
    result = CliRunner().invoke(cli, ["collections", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "warning: " in result.output and "the example of the request body of addNote" in (
        result.output
    )
