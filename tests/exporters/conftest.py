"""The bundled example's collections, generated once for the exporter tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apikit.api import build_collections
from apikit.collection import Collection, build_for_environments
from apikit.spec import load_spec
from tests.conftest import EXAMPLE_SPEC, REPO

FIXTURES = REPO / "tests" / "fixtures" / "postman"
SLUG = "bookstore-api"


@pytest.fixture(scope="session")
def bookstore_collections() -> list[Collection]:
    return build_for_environments(load_spec(EXAMPLE_SPEC))


@pytest.fixture(scope="session")
def bookstore_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All formats, all environments of the example, in a fresh folder."""
    out = tmp_path_factory.mktemp("collections")
    build_collections(EXAMPLE_SPEC, out)
    return out


@pytest.fixture(scope="session")
def postman_schema() -> Any:
    import jsonschema_rs

    schema = json.loads((FIXTURES / "collection-v2.1.0.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
