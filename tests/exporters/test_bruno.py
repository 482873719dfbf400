"""Bruno output, read back with Bruno's own parser (@usebruno/lang)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from apikit.collection import Collection
from apikit.exporters.bruno import render_bruno
from tests.conftest import REPO
from tests.exporters.conftest import SLUG

PARSE = """
const fs = require("fs");
const lang = require(process.argv[1]);
const out = {};
for (const f of JSON.parse(fs.readFileSync(0, "utf8"))) {
  const text = fs.readFileSync(f, "utf8");
  if (f.includes("/environments/")) out[f] = lang.bruToEnvJsonV2(text);
  else if (/(collection|folder)\\.bru$/.test(f)) out[f] = lang.collectionBruToJson(text);
  else out[f] = lang.bruToJsonV2(text);
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def parsed(bookstore_out: Path, bruno: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    folder = bookstore_out / f"{SLUG}.bruno"
    files = sorted(str(p) for p in folder.rglob("*.bru"))
    result = subprocess.run(
        [node, "-e", PARSE, str(REPO / "node_modules" / "@usebruno" / "lang")],
        input=json.dumps(files),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return {str(Path(k).relative_to(folder)): v for k, v in data.items()}


def test_layout(bookstore_out: Path) -> None:
    folder = bookstore_out / f"{SLUG}.bruno"
    assert json.loads((folder / "bruno.json").read_text()) == {
        "ignore": ["node_modules", ".git"],
        "name": "Bookstore API",
        "type": "collection",
        "version": "1",
    }
    assert sorted(p.name for p in (folder / "environments").iterdir()) == [
        "local.bru",
        "prod.bru",
        "staging.bru",
    ]
    assert (folder / "files" / "cover.png").read_bytes().startswith(b"\x89PNG")
    requests = [p for p in folder.glob("*/*.bru") if p.parent.name != "environments"]
    assert len(requests) == 22 + 5  # requests + folder.bru files


def test_requests_parse_back_to_the_model(
    parsed: dict[str, Any], bookstore_collections: list[Collection]
) -> None:
    local = bookstore_collections[0]
    for folder_seq, folder in enumerate(local.items, start=1):
        meta = parsed[f"{folder.name}/folder.bru"]["meta"]
        assert (meta["name"], str(meta["seq"])) == (folder.name, str(folder_seq))
        for seq, request in enumerate(folder.requests(), start=1):
            bru = parsed[f"{folder.name}/{request.id}.bru"]
            assert bru["meta"]["name"] == request.name
            assert str(bru["meta"]["seq"]) == str(seq)
            assert bru["http"]["method"] == request.method.lower()
            assert bru["http"]["url"].split("?")[0] == request.url
            query = [
                (p["name"], p["value"], p["enabled"])
                for p in bru.get("params", [])
                if p["type"] == "query"
            ]
            assert query == [(p.name, p.value, not p.disabled) for p in request.query]
            path = {p["name"]: p["value"] for p in bru.get("params", []) if p["type"] == "path"}
            assert path == {p.name: p.value for p in request.path_params}
            expected_auth = (
                "inherit"
                if request.auth is None
                else {"noauth": "none"}.get(request.auth.type, request.auth.type)
            )
            assert bru["http"]["auth"] == expected_auth
            if request.body is not None and request.body.is_json:
                assert json.loads(bru["body"]["json"]) == json.loads(request.body.raw)
            if request.responses:
                assert "to.have.jsonSchema" in bru["tests"]
            if request.captures:
                assert "bru.setVar" in bru["script"]["res"]


def test_bodies_and_auth(parsed: dict[str, Any]) -> None:
    cover = parsed["books/uploadBookCover.bru"]["body"]["multipartForm"]
    assert cover[0]["type"] == "file" and cover[0]["value"] == ["files/cover.png"]
    assert cover[0]["contentType"] == "image/png"
    form = parsed["orders/cancelOrder.bru"]["body"]["formUrlEncoded"]
    assert [(f["name"], f["value"]) for f in form] == [
        ("reason", "customer-request"),
        ("comment", "Ordered the wrong edition."),
    ]
    stats = parsed["admin/getStats.bru"]["auth"]["apikey"]
    assert stats == {"key": "X-Admin-Key", "value": "{{adminApiKey}}", "placement": "header"}
    collection = parsed["collection.bru"]
    assert collection["auth"]["bearer"]["token"] == "{{bearerAuth}}"
    assert "bru.runner.skipRequest()" in collection["script"]["req"]


def test_environments_hold_secret_names_only(parsed: dict[str, Any]) -> None:
    for env in ("local", "staging", "prod"):
        variables = {v["name"]: v for v in parsed[f"environments/{env}.bru"]["variables"]}
        assert variables["bearerAuth"]["secret"] and variables["bearerAuth"]["value"] == ""
        assert variables["adminApiKey"]["secret"] and variables["adminApiKey"]["value"] == ""
        assert variables["readOnly"]["value"] == ("true" if env == "prod" else "false")
    local = {v["name"]: v["value"] for v in parsed["environments/local.bru"]["variables"]}
    assert local["baseUrl"] == "http://127.0.0.1:8000/v1"


def test_file_names_stay_unique(bookstore_collections: list[Collection]) -> None:
    from dataclasses import replace

    from apikit.collection import Folder

    first = bookstore_collections[0]
    folder = first.items[0]
    assert isinstance(folder, Folder)
    request = next(folder.requests())
    twins = (replace(request, id="a/b"), replace(request, id="a-b"), replace(request, id="A-B"))
    collection = replace(first, items=(Folder("x/y", twins), Folder("x-y", twins)))
    files = render_bruno([collection])
    names = sorted(k for k in files if k.endswith(".bru") and "/" in k and "environments" not in k)
    assert names == [
        "x-y-2/A-B-3.bru",
        "x-y-2/a-b-2.bru",
        "x-y-2/a-b.bru",
        "x-y-2/folder.bru",
        "x-y/A-B-3.bru",
        "x-y/a-b-2.bru",
        "x-y/a-b.bru",
        "x-y/folder.bru",
    ]
