"""Helpers for replay tests: the example's secrets and a replay of the bundled spec
against a server on 127.0.0.1."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from apikit import Spec, api
from apikit.replay.events import Outcome, ReplayReport, StepResult
from tests.conftest import EXAMPLE_SPEC

SECRETS = {
    "APIKIT_AUTH_BEARERAUTH": "local-dev-token",
    "APIKIT_AUTH_ADMINAPIKEY": "local-admin-key",
}


@lru_cache(maxsize=1)
def example_spec() -> Spec:
    """The bundled spec, loaded once for all replay tests (replay never changes it)."""
    return api.open_spec(EXAMPLE_SPEC)


def replay_example(base_url: str, env: str = "local", **kwargs: Any) -> ReplayReport:
    """Replay the bundled spec against `base_url` (the example server's URL + /v1)."""
    kwargs.setdefault("environ", SECRETS)
    kwargs.setdefault("timeout", 5.0)
    report: ReplayReport = api.replay(example_spec(), env, base_url=base_url, **kwargs)
    return report


def failures(report: ReplayReport) -> list[tuple[str, str, str]]:
    """(result id, rule, message) of every failing finding."""
    return [(r.id, f.rule, f.message) for r in report.failed for f in r.failures]


def result(report: ReplayReport, step_id: str) -> StepResult:
    found = [r for r in report.results if r.id == step_id]
    assert found, f"no result {step_id}; have {[r.id for r in report.results]}"
    return found[0]


def outcomes(report: ReplayReport) -> dict[str, Outcome]:
    return {r.id: r.outcome for r in report.results}


def spec_copy(tmp_path: Path) -> Path:
    """A copy of the example spec's folder that a test may edit."""
    import shutil

    target = tmp_path / "bookstore"
    shutil.copytree(
        EXAMPLE_SPEC.parent, target, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    return target / "openapi.yaml"
