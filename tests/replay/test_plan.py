"""The plan: steps, expectations, dependencies, safety verdicts, before sending."""

from __future__ import annotations

import importlib

import apikit
from apikit import api
from apikit.collection.build import build_collection
from apikit.replay.auth import load_credentials
from apikit.replay.contract import Contract
from apikit.replay.events import StepKind
from apikit.replay.paging import Pagination, pagination_of
from apikit.replay.plan import Plan, PlanOptions, build_plan
from apikit.replay.probes import PROBES
from tests.replay.conftest import SECRETS, example_spec

BASE = "http://127.0.0.1:8000/v1"


def plan(env: str = "local", **options: object) -> Plan:
    spec = example_spec()
    environment = spec.environment(env)
    contract = Contract(spec, BASE)
    creds = load_credentials(spec, SECRETS)
    settings = PlanOptions(environment.name, BASE, environment.read_only, **options)  # type: ignore[arg-type]
    return build_plan(build_collection(spec, environment), contract, creds, settings)


def test_replay_is_public() -> None:
    importlib.import_module("apikit.replay.runner")  # the stage's modules leave the name alone

    assert "replay" in apikit.__all__
    assert callable(apikit.replay) and api.replay.__name__ == apikit.replay.__name__


def test_chains_and_write_barriers_order_the_steps() -> None:
    steps = {s.id: s for s in plan().steps}
    by_index = {s.index: s.id for s in steps.values()}
    # getBook reads the book the latest create made
    assert steps["getBook"].needs == {"bookId": steps["createBook.minimal"].index}
    # a write waits for every step before it (since the previous write)
    update = steps["updateBook"]
    assert {by_index[i] for i in update.deps} >= {"getBook", "listBooks", "listCategories"}
    # reads between two writes do not wait for each other
    assert steps["listBooks"].deps == {steps["createBook.minimal"].index}
    assert steps["listCategories"].deps == {steps["createBook.minimal"].index}


def test_expectations_follow_the_documented_success() -> None:
    steps = {s.id: s for s in plan(probes=frozenset(PROBES)).steps}
    assert steps["createBook.complete"].expected.statuses == ("201",)  # type: ignore[union-attr]
    assert steps["deleteBook"].expected.statuses == ("204",)  # type: ignore[union-attr]
    assert steps["getBook#probe-auth"].expected.statuses == ("401", "403")  # type: ignore[union-attr]
    assert steps["getBook#probe-not-found"].request.path_params[-1].value == (
        "00000000-0000-4000-8000-000000000000"
    )
    bad = steps["createBook.complete#probe-bad-body"]
    assert bad.kind is StepKind.PROBE_BAD_BODY and bad.note == "sets title to 12345"


def test_read_only_environments_skip_writes_and_write_probes() -> None:
    steps = plan("prod", probes=frozenset(PROBES)).steps
    skipped = {s.method for s in steps if s.skip}
    assert skipped == {"POST", "PATCH", "PUT", "DELETE"}
    assert all(s.skip for s in steps if s.kind is StepKind.PROBE_AUTH and s.is_write) or not [
        s for s in steps if s.kind is StepKind.PROBE_AUTH and s.is_write
    ]
    assert not [s for s in steps if s.kind is StepKind.PROBE_BAD_BODY]
    allowed = plan("prod", allow_writes=True).steps
    assert not [s for s in allowed if s.skip]


def test_pagination_is_found_from_the_spec() -> None:
    spec = example_spec()
    contract = Contract(spec, BASE)
    ops = {op.operation_id: op for op in spec.operations()}
    assert pagination_of(spec, ops["listBooks"], contract) == Pagination("cursor", "/next_cursor")
    assert pagination_of(spec, ops["getBook"], contract) is None
    steps = {s.id: s for s in plan().steps}
    assert ("limit", "2") in [
        (q.name, q.value) for q in steps["listBooks"].request.query if not q.disabled
    ]
