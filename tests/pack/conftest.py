"""The pack of the bundled example, built once per session: after a replay of
`local` against the example server, with a changelog against an older version."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE_SPEC, serve

#: the example server's local credentials, as replay reads them
CREDENTIALS = {
    "APIKIT_AUTH_BEARERAUTH": "local-dev-token",
    "APIKIT_AUTH_ADMINAPIKEY": "local-admin-key",
}
ROOT = "bookstore-api-1.4.0"


@dataclass(frozen=True)
class Packed:
    zip: Path
    folder: Path  # the unzipped pack's root folder
    base: Path
    reports: Path
    result: object

    def text(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")


def older_version(folder: Path) -> Path:
    """The example as version 1.3.0, with one more operation than today."""
    import shutil

    copy = folder / "bookstore-1.3.0"
    shutil.copytree(EXAMPLE_SPEC.parent, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    root = copy / "openapi.yaml"
    document = yaml.safe_load(root.read_text(encoding="utf-8"))
    document["info"]["version"] = "1.3.0"
    document["paths"]["/legacy/ping"] = {
        "get": {
            "operationId": "legacyPing",
            "summary": "Old ping",
            "security": [],
            "responses": {"204": {"description": "pong"}},
        }
    }
    root.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return root


def build_pack(work: Path, output: Path) -> object:
    from apikit.api import pack

    return pack(
        EXAMPLE_SPEC,
        base=work / "bookstore-1.3.0" / "openapi.yaml",
        reports_dir=work / "reports",
        output=output,
        environ=CREDENTIALS,
    )


@pytest.fixture(scope="session")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Packed:
    from apikit.api import replay
    from examples.bookstore.server import create_app

    work = tmp_path_factory.mktemp("pack")
    with serve(create_app()) as url:
        report = replay(
            EXAMPLE_SPEC,
            "local",
            base_url=url + "/v1",
            report_dir=work / "reports" / "local",
            environ=CREDENTIALS,
        )
    assert report.exit_code == 0
    base = older_version(work)
    result = build_pack(work, work / "pack.zip")
    with zipfile.ZipFile(work / "pack.zip") as archive:
        archive.extractall(work / "unzipped")
    return Packed(work / "pack.zip", work / "unzipped" / ROOT, base, work / "reports", result)
