"""`apikit validate` end to end: formats, exit codes, several files, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from apikit.cli import cli

WriteSpec = Callable[..., Path]

VALID = """
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: getThing
      summary: Get a thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}, example: abc}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {when: {type: string, format: date-time}}}
              example: {when: '2024-01-01T10:00:00Z'}
        '404': {description: missing}
"""

BROKEN_EXAMPLE = VALID.replace("'2024-01-01T10:00:00Z'", "yesterday")
WARNING_ONLY = VALID.replace("      summary: Get a thing\n", "")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_valid_spec_exits_0_with_summary(runner: CliRunner, write_spec: WriteSpec) -> None:
    code, out, _ = run(runner, "validate", str(write_spec("api.yaml", VALID)))
    assert code == 0
    assert "api.yaml: valid (0 errors, 0 warnings, 0 info)" in out


def test_invalid_example_exits_1_with_location(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", BROKEN_EXAMPLE)
    code, out, _ = run(runner, "validate", str(path))
    assert code == 1
    assert f"{path}:16:" in out
    assert "example-invalid" in out and "date-time" in out
    assert "invalid (1 error" in out


def test_json_format_is_exact(runner: CliRunner, write_spec: WriteSpec) -> None:
    code, out, _ = run(
        runner, "validate", "--format", "json", str(write_spec("api.yaml", BROKEN_EXAMPLE))
    )
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"valid", "findings"}
    assert data["valid"] is False
    (finding,) = data["findings"]
    assert set(finding) == {"rule", "severity", "message", "file", "line", "column", "pointer"}
    assert finding["rule"] == "example-invalid"
    assert finding["severity"] == "error"
    assert finding["line"] == 16
    assert finding["pointer"].startswith(
        "/paths/~1things~1{id}/get/responses/200/content/application~1json/example"
    )


def test_sarif_format(runner: CliRunner, write_spec: WriteSpec) -> None:
    code, out, _ = run(
        runner, "validate", "--format", "sarif", str(write_spec("api.yaml", BROKEN_EXAMPLE))
    )
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "example-invalid" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 16
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "example-invalid" in rule_ids and "structure" in rule_ids


def test_github_format(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", WARNING_ONLY)
    code, out, _ = run(runner, "validate", "--format", "github", str(path))
    assert code == 0
    line = next(row for row in out.splitlines() if row.startswith("::warning"))
    assert line.startswith(f"::warning file={path},line=5,col=5,title=apikit operation-summary::")
    assert line.endswith("GET /things/{id} has no summary")


def test_strict_makes_warnings_fail(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = str(write_spec("api.yaml", WARNING_ONLY))
    assert run(runner, "validate", path)[0] == 0
    assert run(runner, "validate", "--strict", path)[0] == 1


def test_several_files_each_reported_worst_exit(runner: CliRunner, write_spec: WriteSpec) -> None:
    good = write_spec("good.yaml", VALID)
    bad = write_spec("bad.yaml", "openapi: 3.1.0\ninfo: [unclosed\n")
    code, out, _ = run(runner, "validate", str(good), str(bad))
    assert code == 1
    assert "good.yaml: valid" in out
    assert "bad.yaml: invalid" in out and "YAML syntax error" in out


def test_missing_file_is_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert err.strip() == f"apikit: error: no such file: {tmp_path / 'nope.yaml'} (check the path)"


def test_bad_option_is_usage_error(runner: CliRunner, write_spec: WriteSpec) -> None:
    result = runner.invoke(cli, ["validate", "--format", "xml", str(write_spec("a.yaml", VALID))])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_config_disables_and_escalates_rules(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        WARNING_ONLY,
        {"apikit.toml": "[rules]\noperation-summary = 'error'\n"},
    )
    code, out, _ = run(runner, "validate", "--format", "json", str(path))
    assert code == 1
    assert json.loads(out)["findings"][0]["severity"] == "error"
    (path.parent / "apikit.toml").write_text("[rules]\noperation-summary = 'off'\n")
    code, out, _ = run(runner, "validate", "--format", "json", str(path))
    assert code == 0 and json.loads(out)["findings"] == []


def test_pyproject_tool_table_and_unknown_rule(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        VALID,
        {"pyproject.toml": "[tool.apikit.rules]\noperation-sumary = 'off'\n"},
    )
    code, _, err = run(runner, "validate", str(path))
    assert code == 2
    assert "unknown rule 'operation-sumary'" in err and "did you mean 'operation-summary'?" in err


def test_refused_ref_is_a_spec_error(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        VALID + "components:\n  schemas:\n    X: {$ref: 'http://example.invalid/x.yaml'}\n",
    )
    code, out, _ = run(runner, "validate", "--format", "json", str(path))
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert "ref" in rules


def test_version_and_help(runner: CliRunner) -> None:
    from apikit import __version__

    assert run(runner, "--version")[1].strip() == f"apikit, version {__version__}"
    for command in cli.commands:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage:" in result.stdout


def test_no_traceback_and_no_colour_in_a_subprocess(write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", "openapi: 3.1.0\n\tinfo: x\n")
    proc = subprocess.run(
        [sys.executable, "-m", "apikit", "validate", str(path)],
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "\x1b[" not in proc.stdout
    assert "syntax" in proc.stdout


def test_bundle_command_writes_one_document(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        VALID + "components:\n  schemas:\n    Thing: {$ref: 'thing.yaml'}\n",
        {"thing.yaml": "type: object\nproperties: {name: {type: string}}\n"},
    )
    out = path.parent / "bundled.json"
    code, _, err = run(runner, "bundle", str(path), "-o", str(out))
    assert code == 0 and "wrote" in err
    bundled = json.loads(out.read_text())
    assert bundled["components"]["schemas"]["Thing"]["properties"] == {"name": {"type": "string"}}
    code, text, _ = run(runner, "bundle", str(path))
    assert code == 0 and text.startswith("openapi: 3.1.0\n")


def test_bundle_refuses_a_spec_with_broken_refs(runner: CliRunner, write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", VALID + "components:\n  schemas:\n    X: {$ref: 'gone.yaml'}\n")
    out = path.parent / "bundled.yaml"
    code, _, err = run(runner, "bundle", str(path), "-o", str(out))
    assert code == 1
    assert "gone.yaml" in err and "apikit validate" in err
    assert not out.exists()


def test_unexpected_exception_is_one_line_exit_70(
    runner: CliRunner, write_spec: WriteSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing real fails on demand once a bug is fixed, so a fault is injected here.
    from apikit import api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "validate_files", broken)
    monkeypatch.delenv("APIKIT_DEBUG", raising=False)
    code, out, err = run(runner, "validate", str(write_spec("api.yaml", VALID)))
    assert code == 70
    assert err.strip().splitlines() == [
        "apikit: error: internal error: RuntimeError: boom (this is a bug in apikit; "
        "rerun with APIKIT_DEBUG=1 for the traceback and report it)"
    ]
    assert "Traceback" not in out + err
