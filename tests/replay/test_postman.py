"""Replaying a Postman v2.1 collection, including one people edited in Postman:
their own variables and auth, every body mode, scripts that cannot run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apikit.collection.build import build_collection
from apikit.exporters.postman import to_postman
from apikit.replay.events import Outcome, StepKind
from tests.replay.conftest import example_spec, failures, replay_example, result


def edited_collection(path: Path) -> Path:
    """The example's collection as a person would have it after a week in Postman."""
    data: dict[str, Any] = to_postman(build_collection(example_spec(), "local"))
    requests = [item for folder in data["item"] for item in folder["item"]]
    for item in requests:
        item.pop("event", None)  # their own tests replaced apikit's
    by_name = {item["name"]: item for item in requests}
    by_name["Get a book"]["event"] = [
        {"listen": "test", "script": {"exec": ["pm.test('ok', () => pm.response.to.be.ok);"]}}
    ]
    data["event"] = [{"listen": "prerequest", "script": {"exec": ["console.log('hi');"]}}]
    # their token lives in a collection variable of their own
    data["auth"] = {"type": "bearer", "bearer": [{"key": "token", "value": "{{myToken}}"}]}
    data["variable"].append({"key": "myToken", "value": "local-dev-token", "type": "secret"})
    # a query parameter the spec does not know
    stats = by_name["List authors"]["request"]["url"]
    stats["query"].append({"key": "sort", "value": "name"})
    # a request added by hand: a plain URL, no operationId anywhere
    data["item"].append(
        {
            "name": "health check (added by hand)",
            "request": {"method": "GET", "url": "{{baseUrl}}/health"},
        }
    )
    # one pointing at another host
    data["item"].append(
        {
            "name": "elsewhere",
            "request": {"method": "GET", "url": "https://elsewhere.example/v1/health"},
        }
    )
    # one that needs a value only a script would set
    data["item"].append(
        {
            "name": "session",
            "request": {"method": "GET", "url": "{{baseUrl}}/books/{{sessionBook}}"},
        }
    )
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_a_collection_edited_in_postman_replays(bookstore_server: str, tmp_path: Path) -> None:
    collection = edited_collection(tmp_path / "bookstore.postman_collection.json")
    report = replay_example(
        bookstore_server,
        collection=collection,
        environ={"APIKIT_AUTH_ADMINAPIKEY": "local-admin-key"},
        report_dir=tmp_path / "reports",
    )
    found = failures(report)
    # the extra query parameter is the collection's drift, not the server's fault
    assert {(i, r) for i, r, _ in found} == {
        ("List authors", "request-parameter"),
        ("List authors#page2", "request-parameter"),  # the next page sends it too
    }
    assert "sends query parameter sort, which the spec does not declare" in found[0][2]
    assert result(report, "List authors").drift
    by_name = {r.name: r for r in report.results}
    health = by_name["health check (added by hand)"]
    assert health.operation_id == "getHealth" and health.outcome is Outcome.PASS
    elsewhere = by_name["elsewhere"]
    assert elsewhere.outcome is Outcome.SKIP
    assert "--allow-host elsewhere.example" in elsewhere.skip_reason
    session = by_name["session"]
    assert session.outcome is Outcome.SKIP
    assert "uses {{sessionBook}}, which no variable defines" in session.skip_reason
    # every body mode went out and was accepted
    for name in ("Upload a cover image", "Cancel an order", "Add a book (Every field filled in)"):
        assert by_name[name].outcome is Outcome.PASS, by_name[name]
    # chaining survives without apikit's scripts: the spec's links stand in
    get_book = by_name["Get a book"]
    assert (
        get_book.exchange is not None
        and '"Stone Circles of the North"' in get_book.exchange.response_body
    )
    # scripts are reported, never silently ignored
    assert get_book.scripts_not_run == ("pre-request script (collection)", "test script (request)")
    requests = sum(1 for r in report.results if r.kind is StepKind.REQUEST)
    assert report.summary.scripts_not_run == requests + 1  # the collection's, and getBook's
    assert any(f.rule == "script-not-run" for f in get_book.findings)
    # the person's own token variable is a secret: redacted like the others
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").iterdir())
    assert "local-dev-token" not in written and "local-admin-key" not in written
