"""Postman export (valid v2.1, deterministic ids, auth, tests) and import (apikit's
own collections, hand-edited exports and the official example collections)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apikit.collection import Collection, build_for_environments
from apikit.exporters.postman import (
    SCHEMA_URL,
    read_postman,
    stable_id,
    to_postman,
    to_postman_environment,
)
from apikit.spec import load_spec
from tests.collection.test_build import FEATURES
from tests.exporters.conftest import FIXTURES, SLUG, load

ENVS = ("local", "staging", "prod")


def items(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in document["item"]:
        found += items(item) if "item" in item else [item]
    return found


@pytest.mark.parametrize("env", ENVS)
def test_generated_collections_match_the_official_schema(
    bookstore_out: Path, postman_schema: Any, env: str
) -> None:
    document = load(bookstore_out / f"{SLUG}.{env}.postman_collection.json")
    errors = [e.message for e in postman_schema.iter_errors(document)]
    assert errors == []
    assert document["info"]["schema"] == SCHEMA_URL
    assert len(items(document)) == 22


def test_feature_collections_match_the_official_schema(
    write_spec: Callable[..., Path], postman_schema: Any
) -> None:
    for collection in build_for_environments(load_spec(write_spec("openapi.yaml", FEATURES))):
        document = to_postman(collection)
        assert [e.message for e in postman_schema.iter_errors(document)] == []


def test_collection_is_self_contained_for_its_environment(bookstore_out: Path) -> None:
    document = load(bookstore_out / f"{SLUG}.staging.postman_collection.json")
    variables = {v["key"]: v for v in document["variable"]}
    assert variables["baseUrl"]["value"] == "https://staging.bookstore.example/v1"
    assert variables["bookId"]["value"] == "9b2e7c14-3f5a-4d8e-a1c6-2e4f6a8b0c21"
    assert variables["bearerAuth"]["value"] == ""
    assert "APIKIT_AUTH_BEARERAUTH" in variables["bearerAuth"]["description"]
    assert document["auth"] == {
        "type": "bearer",
        "bearer": [{"key": "token", "value": "{{bearerAuth}}", "type": "string"}],
    }
    assert document["info"]["name"] == "Bookstore API (staging)"
    assert "Environment **staging**" in document["info"]["description"]
    assert "event" not in document  # the read-only guard is for read-only environments only


def test_environment_file(bookstore_out: Path) -> None:
    document = load(bookstore_out / f"{SLUG}.prod.postman_environment.json")
    values = {v["key"]: v for v in document["values"]}
    assert values["baseUrl"] == {
        "key": "baseUrl",
        "value": "https://api.bookstore.example/v1",
        "type": "default",
        "enabled": True,
    }
    assert values["bearerAuth"]["type"] == values["adminApiKey"]["type"] == "secret"
    assert values["bearerAuth"]["value"] == values["adminApiKey"]["value"] == ""
    assert values["allowWrites"]["value"] == "false"
    assert "bookId" not in values  # captured variables live in the collection
    assert document["_postman_variable_scope"] == "environment"


def test_read_only_environment_guards_writes(bookstore_out: Path) -> None:
    document = load(bookstore_out / f"{SLUG}.prod.postman_collection.json")
    (event,) = document["event"]
    source = "\n".join(event["script"]["exec"])
    assert event["listen"] == "prerequest"
    assert "pm.execution.skipRequest()" in source and "allowWrites" in source


def test_ids_are_stable_and_derived_from_operation_ids(bookstore_out: Path) -> None:
    document = load(bookstore_out / f"{SLUG}.local.postman_collection.json")
    assert document["info"]["_postman_id"] == stable_id(f"{SLUG}.local")
    by_name = {i["name"]: i for i in items(document)}
    assert by_name["Get a book"]["id"] == stable_id(f"{SLUG}.local", "getBook")
    ids = [i["id"] for i in items(document)]
    assert len(ids) == len(set(ids))
    other = load(bookstore_out / f"{SLUG}.prod.postman_collection.json")
    assert not set(ids) & {i["id"] for i in items(other)}


def test_request_shape(bookstore_out: Path) -> None:
    document = load(bookstore_out / f"{SLUG}.local.postman_collection.json")
    by_name = {i["name"]: i for i in items(document)}
    upload = by_name["Upload a cover image"]["request"]
    assert upload["url"]["raw"] == "{{baseUrl}}/books/:bookId/cover"
    assert upload["url"]["host"] == ["{{baseUrl}}"]
    assert upload["url"]["path"] == ["books", ":bookId", "cover"]
    assert upload["url"]["variable"][0]["value"] == "{{bookId}}"
    assert upload["body"]["formdata"][0] == {
        "key": "file",
        "type": "file",
        "src": "files/cover.png",
        "contentType": "image/png",
    }
    listing = by_name["List and search books"]["request"]
    assert listing["url"]["query"][0] == {
        "key": "limit",
        "value": "2",
        "description": "Maximum number of items on one page.",
        "disabled": True,
    }
    stats = by_name["Get store statistics"]["request"]
    assert stats["auth"]["type"] == "apikey"
    assert by_name["Check service health"]["request"]["auth"] == {"type": "noauth"}
    create = by_name["Add a book (Every field filled in)"]
    assert create["request"]["body"]["options"] == {"raw": {"language": "json"}}
    assert create["response"][0]["code"] == 201
    script = "\n".join(create["event"][0]["script"]["exec"])
    assert 'var operationId = "createBook";' in script
    assert "pm.response.to.have.jsonSchema" in script
    assert "pm.collectionVariables.set(capture.variable" in script


def test_own_collections_read_back(
    bookstore_out: Path, bookstore_collections: list[Collection]
) -> None:
    original = bookstore_collections[0]
    back = read_postman(bookstore_out / f"{SLUG}.local.postman_collection.json")
    assert back.name == original.name
    assert [f.name for f in back.items] == [f.name for f in original.items]
    assert {v.key: v.value for v in back.variables} == {v.key: v.value for v in original.variables}
    assert back.auth is not None and back.auth.get("token") == "{{bearerAuth}}"
    for mine, theirs in zip(original.requests(), back.requests(), strict=True):
        assert (theirs.name, theirs.method, theirs.url) == (mine.name, mine.method, mine.url)
        assert theirs.query == mine.query
        assert theirs.path_params == tuple(
            p.__class__(p.name, p.value, p.description) for p in mine.path_params
        )
        assert [(h.name, h.value) for h in theirs.headers] == [
            (h.name, h.value) for h in mine.headers
        ]
        assert theirs.body == mine.body
        assert theirs.auth == (
            None if mine.auth is None else mine.auth.__class__(mine.auth.type, mine.auth.params)
        )
        assert theirs.operation_id == mine.operation_id
        assert theirs.expected_statuses == mine.expected_statuses
        assert theirs.captures == mine.captures
        assert all(s.generated for s in theirs.scripts)


def test_hand_edited_export_reads_back(bookstore_out: Path, tmp_path: Path) -> None:
    """What Postman writes after someone edits the collection: string URLs, new
    requests without ids, literal credentials, their own scripts, v2.0 auth."""
    document = load(bookstore_out / f"{SLUG}.local.postman_collection.json")
    edited = copy.deepcopy(document)
    edited["info"]["_exporter_id"] = "12345"
    edited["info"].pop("description")
    books = edited["item"][0]
    books["auth"] = {"type": "bearer", "bearer": {"token": "{{myToken}}"}}  # v2.0 style
    books["item"].append(
        {
            "name": "My quick check",
            "request": "{{baseUrl}}/books?limit=1&q=sea",
            "event": [
                {
                    "listen": "test",
                    "script": {"exec": "pm.test('ok', () => {});", "type": "text/javascript"},
                }
            ],
            "protocolProfileBehavior": {"disableBodyPruning": True},
        }
    )
    health = edited["item"][-1]["item"][0]
    health["request"]["header"].append({"key": "X-Debug", "value": "1", "disabled": True})
    health["request"]["description"] = {"content": "Edited *by hand*.", "type": "text/markdown"}
    edited["variable"].append({"key": "myToken", "value": "abc", "type": "secret"})
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited, indent="\t"), encoding="utf-8")

    collection = read_postman(path)
    books_folder = collection.items[0]
    assert books_folder.auth is not None  # type: ignore[union-attr]
    assert books_folder.auth.get("token") == "{{myToken}}"  # type: ignore[union-attr]
    added = list(books_folder.requests())[-1]  # type: ignore[union-attr]
    assert (added.method, added.url) == ("GET", "{{baseUrl}}/books")
    assert [(q.name, q.value) for q in added.query] == [("limit", "1"), ("q", "sea")]
    assert added.scripts[0].generated is False
    assert added.id == "my-quick-check"
    health_request = next(iter(collection.items[-1].requests()))  # type: ignore[union-attr]
    assert health_request.description == "Edited *by hand*."
    assert health_request.headers[-1].disabled
    assert collection.variable("myToken") is not None
    assert collection.variable("myToken").secret  # type: ignore[union-attr]


EXAMPLES = sorted(FIXTURES.glob("example-*.json"))


def _count(nodes: list[Any]) -> int:
    return sum(_count(n["item"]) if "item" in n else 1 for n in nodes)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_official_examples_read(path: Path) -> None:
    collection = read_postman(path)
    document = load(path)
    requests = list(collection.requests())
    assert len(requests) == _count(document["item"])
    for request in requests:
        assert request.method.isupper()
        assert "?" not in request.url


def test_example_details() -> None:
    graphql = next(read_postman(FIXTURES / "example-reqBodyGraphQL.json").requests())
    assert graphql.body is not None and json.loads(graphql.body.raw)["query"]
    formdata = next(read_postman(FIXTURES / "example-formdata-body.json").requests())
    assert formdata.body is not None and formdata.body.mode == "formdata"
    no_file = next(read_postman(FIXTURES / "example-req-body-file-src-null.json").requests())
    assert no_file.body is None or no_file.body.mode in ("file", "formdata")
    bearer = next(read_postman(FIXTURES / "example-bearerAuthTest.json").requests())
    assert bearer.auth is not None and bearer.auth.type == "bearer" and bearer.auth.get("token")
    nested = read_postman(FIXTURES / "example-nestedEntities.json")
    assert nested.auth is not None and nested.auth.type == "basic"
    assert any(f.__class__.__name__ == "Folder" for f in nested.items)


def test_not_a_collection(tmp_path: Path) -> None:
    from apikit.errors import UsageError

    path = tmp_path / "x.json"
    path.write_text('{"openapi": "3.1.0"}', encoding="utf-8")
    with pytest.raises(UsageError, match="not a Postman collection"):
        read_postman(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError):
        read_postman(path)


def test_environment_document(bookstore_collections: list[Collection]) -> None:
    local = to_postman_environment(bookstore_collections[0])
    assert [v["key"] for v in local["values"]] == ["baseUrl", "bearerAuth", "adminApiKey"]
