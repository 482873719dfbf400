"""`apikit build` (a project's pipeline, gate by gate) and `apikit demo` (the whole job
on the bundled example, end to end in a subprocess)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from apikit.cli import cli
from tests.conftest import EXAMPLE_SPEC, REPO


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the example spec in api/ and `spec = ...` in pyproject.toml."""
    shutil.copytree(
        EXAMPLE_SPEC.parent, tmp_path / "api", ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apikit]\nspec = "api/openapi.yaml"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_build_runs_every_gate(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    steps = [line.split()[0] for line in result.output.splitlines()]
    assert steps == ["validate", "collections", "docs", "pack"]
    assert "api/openapi.yaml" in result.output.splitlines()[0]
    assert (project / "collections" / "bookstore-api.local.postman_collection.json").is_file()
    assert (project / "site" / "index.html").is_file()
    assert (project / "site" / "handover.html").is_file()
    with zipfile.ZipFile(project / "bookstore-api-1.4.0.zip") as archive:
        assert "bookstore-api-1.4.0/HANDOVER.md" in archive.namelist()


def test_build_stops_at_the_first_failing_gate(runner: CliRunner, project: Path) -> None:
    root = project / "api" / "openapi.yaml"
    root.write_text(
        root.read_text(encoding="utf-8").replace("operationId: getHealth", "operationId: getBook"),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("validate")
    assert "operation-id-unique" in result.output
    assert not (project / "collections").exists()
    assert not list(project.glob("*.zip"))


def test_build_without_a_spec_says_how_to_name_one(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert "no spec given" in result.output and "[tool.apikit]" in result.output


def test_demo_end_to_end(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "apikit", "demo", "--dir", str(workdir)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert elapsed < 60
    lines = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines()}
    assert list(lines) == ["validate", "collections", "server", "replay", "docs", "pack"]
    for step in ("validate", "collections", "replay", "docs", "pack"):
        path = Path(lines[step])
        assert (path if path.is_absolute() else REPO / path).exists(), (step, path)
    assert "0 failed" in done.stdout
    with zipfile.ZipFile(workdir / "bookstore-api-1.4.0.zip") as archive:
        assert "bookstore-api-1.4.0/reports/local/report.html" in archive.namelist()
    # the server was stopped
    server = urlsplit(lines["server"])
    with pytest.raises(OSError), socket.create_connection((server.hostname, server.port), 1):
        pass


def test_demo_needs_the_repository(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apikit._example

    # as if installed from a wheel: no examples/ next to the package
    monkeypatch.setattr(apikit._example, "__file__", str(tmp_path / "apikit" / "_example.py"))
    result = runner.invoke(cli, ["demo", "--dir", str(tmp_path / "demo")])
    assert result.exit_code == 2
    assert "bundled example" in result.output and "clone of the apikit repository" in result.output
    assert not (tmp_path / "demo").exists()
