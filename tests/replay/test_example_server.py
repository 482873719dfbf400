"""Replay against the bundled example server: a clean run has no false alarms, and
every kind of drift the server can be switched to is caught and named."""

from __future__ import annotations

from typing import Any

import pytest

from apikit.replay.events import Outcome, StepKind
from tests.replay.conftest import failures, replay_example, result


def test_clean_server_passes_every_check(bookstore_server: str) -> None:
    report = replay_example(bookstore_server)
    assert failures(report) == []
    assert report.exit_code == 0
    assert report.summary.skipped == 0
    kinds = {r.kind for r in report.results}
    assert kinds == {
        StepKind.REQUEST,
        StepKind.PAGE,
        StepKind.PROBE_AUTH,
        StepKind.PROBE_NOT_FOUND,
        StepKind.PROBE_BAD_BODY,
    }
    coverage = report.coverage
    assert coverage.operations_exercised == coverage.operations_total == 20
    by_op = {op.operation_id: op for op in coverage.operations}
    assert set(by_op["getBook"].exercised) == {"200", "401", "404"}
    assert set(by_op["createBook"].exercised) == {"201", "401", "422"}
    # the book created by createBook is the one getBook reads
    created = result(report, "createBook.minimal").exchange
    assert created is not None and created.status == 201
    read = result(report, "getBook").exchange
    assert read is not None and '"Stone Circles of the North"' in read.response_body


def test_pagination_checks_page_two(bookstore_server: str) -> None:
    report = replay_example(bookstore_server, operations=["listBooks"], probes="none")
    pages = [r for r in report.results if r.kind is StepKind.PAGE]
    assert [p.id for p in pages] == ["listBooks#page2", "listBooks#page3"]
    assert all(p.outcome is Outcome.PASS for p in pages)
    first = result(report, "listBooks").exchange
    assert first is not None and "limit=2" in first.url
    assert "cursor=" in pages[0].exchange.url  # type: ignore[union-attr]


BOOKS = ("createBook", "listBooks", "getBook")
FAULTS = [
    pytest.param(
        "wrong-type",
        BOOKS,
        "body-schema",
        '/pages: "412" is not of type "integer"',
        id="wrong-type",
    ),
    pytest.param(
        "missing-field", BOOKS, "body-schema", '"title" is a required property', id="missing-field"
    ),
    pytest.param(
        "undocumented-status",
        BOOKS,
        "status-undocumented",
        "status 418 is not documented",
        id="undocumented-status",
    ),
    pytest.param(
        "wrong-content-type",
        BOOKS,
        "content-type",
        "is text/plain; expected application/json",
        id="wrong-content-type",
    ),
    pytest.param(
        "bad-enum", BOOKS, "body-schema", '/genre: "cookbook" is not one of', id="bad-enum"
    ),
    pytest.param(
        "bad-datetime",
        BOOKS,
        "body-schema",
        'created_at: "2024-01-15 09:30:00" is not a "date-time"',
        id="bad-datetime",
    ),
    pytest.param("null-field", BOOKS, "body-schema", "/isbn: null is not of type", id="null-field"),
    pytest.param(
        "extra-property",
        BOOKS,
        "body-schema",
        "Additional properties are not allowed ('internal_sku'",
        id="extra-property",
    ),
    pytest.param(
        "missing-header",
        ("getHealth",),
        "header-missing",
        "lacks the required header X-Request-Id",
        id="missing-header",
    ),
    pytest.param(
        "missing-location",
        ("createAuthor",),
        "location-missing",
        "201 response has no Location header",
        id="missing-location",
    ),
    pytest.param(
        "wrong-error-body",
        ("getOrder",),
        "body-schema",
        'response 404: (body): "type" is a required property',
        id="wrong-error-body",
    ),
    pytest.param(
        "not-implemented",
        ("listCategories",),
        "not-implemented",
        "listCategories (GET /categories): answered 404 (text/plain)",
        id="not-implemented",
    ),
    pytest.param(
        "page2-violation",
        BOOKS,
        "body-schema",
        "/items/0/pages: -12 is less than the minimum of 1",
        id="page2-violation",
    ),
    pytest.param("non-json", BOOKS, "body-not-json", "body is not valid JSON", id="non-json"),
    pytest.param(
        "status-202",
        BOOKS,
        "status-undocumented",
        "status 202 is not documented (documented: 201, 400, 401, 403, 422); expected 201",
        id="status-202",
    ),
]


@pytest.mark.parametrize(("fault", "operations", "rule", "text"), FAULTS)
def test_each_fault_is_caught_and_named(
    faulty_bookstore: Any, fault: str, operations: tuple[str, ...], rule: str, text: str
) -> None:
    with faulty_bookstore(fault) as url:
        report = replay_example(url + "/v1", operations=operations)
    found = failures(report)
    assert any(r == rule and text in m for _, r, m in found), found
    assert report.exit_code == 1
    # one fault, one kind of finding (plus its direct consequences)
    assert {r for _, r, _ in found} <= {rule, "status-undocumented", "not-implemented"}


def test_page_two_violation_is_reported_on_page_two_only(faulty_bookstore: Any) -> None:
    with faulty_bookstore("page2-violation") as url:
        report = replay_example(url + "/v1", operations=["listBooks"], probes="none")
    assert [r.id for r in report.failed] == ["listBooks#page2"]


def test_slow_responses_time_out(faulty_bookstore: Any) -> None:
    with faulty_bookstore("slow") as url:
        report = replay_example(url + "/v1", operations=["listBooks"], probes="none", timeout=0.5)
    (failed,) = report.failed
    assert failed.id == "listBooks"
    assert [f.rule for f in failed.failures] == ["timeout"]
    assert "no complete response within 0.5 s" in failed.failures[0].message
    assert failed.latency_ms is not None and failed.latency_ms < 2000


def test_not_implemented_endpoint_is_named(faulty_bookstore: Any) -> None:
    with faulty_bookstore("not-implemented") as url:
        report = replay_example(url + "/v1", operations=["listCategories"], probes="none")
    (failed,) = report.failed
    (finding,) = failed.failures
    assert finding.rule == "not-implemented"
    assert "the endpoint looks not implemented; expected 200" in finding.message
    assert finding.location.file.endswith("paths/books.yaml")


def test_202_where_201_is_documented_fails(faulty_bookstore: Any) -> None:
    with faulty_bookstore("status-202") as url:
        report = replay_example(url + "/v1", operations=["createBook", "getBook"], probes="none")
    assert {r.id for r in report.failed} == {"createBook.complete", "createBook.minimal"}
    assert result(report, "getBook").outcome is Outcome.PASS
