"""No pack holds a secret: the scan finds values in every encoding and inside nested
archives, names the files and the variables, and never prints the value."""

from __future__ import annotations

import base64
import gzip
import io
import json
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from apikit.cli import cli
from apikit.config import load_config
from apikit.errors import SecretLeakError
from apikit.pack.secrets import Secret, scan, secrets_from

SECRET = "s3cr3t-Token/with+chars"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def leaked(files: dict[str, bytes], *secrets: Secret) -> str:
    with pytest.raises(SecretLeakError) as caught:
        scan(files, list(secrets))
    message = str(caught.value)
    assert SECRET not in message and caught.value.exit_code == 1
    return message


def nested_zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(SECRET.encode(), id="raw"),
        pytest.param(b"token=" + SECRET.replace("/", "%2F").replace("+", "%2B").encode(), id="url"),
        pytest.param(json.dumps({"t": SECRET}).encode(), id="json"),
        pytest.param(b"Basic " + base64.b64encode(SECRET.encode()), id="base64"),
    ],
)
def test_every_encoding_is_found(content: bytes) -> None:
    message = leaked({"a.txt": b"fine", "b/c.json": content}, Secret("APIKIT_AUTH_X", SECRET))
    assert "b/c.json (APIKIT_AUTH_X)" in message and "a.txt" not in message


def test_values_inside_archives_are_found() -> None:
    files = {
        "docs/downloads/x.zip": nested_zip("x/env.bru", b"token: " + SECRET.encode()),
        "docs/sitemap.xml.gz": gzip.compress(SECRET.encode(), mtime=0),
    }
    message = leaked(files, Secret("APIKIT_AUTH_X", SECRET))
    assert "docs/downloads/x.zip!x/env.bru" in message
    assert "docs/sitemap.xml.gz!" in message


def test_the_password_part_of_user_and_password_is_a_secret() -> None:
    message = leaked(
        {"r.json": b'"password": "hunter22"'}, Secret("APIKIT_AUTH_BASIC", "ann:hunter22")
    )
    assert "r.json (APIKIT_AUTH_BASIC)" in message


def test_which_variables_hold_secrets() -> None:
    values = {
        "APIKIT_AUTH_BEARERAUTH": SECRET,
        "APIKIT_AUTH_EMPTY": "",
        "APIKIT_AUTH_TINY": "abc",  # too short to look for
        "DB_PASSWORD": "correct horse",
        "HOME": "/root",
    }
    found = secrets_from(values, ["DB_PASSWORD"])
    assert [s.variable for s in found] == ["APIKIT_AUTH_BEARERAUTH", "DB_PASSWORD"]


def test_many_files_are_summed_up() -> None:
    files = {f"f{i}.txt": SECRET.encode() for i in range(8)}
    message = leaked(files, Secret("APIKIT_AUTH_X", SECRET))
    assert message.count("(APIKIT_AUTH_X)") == 5 and "and 3 more files" in message


def test_config_names_more_secret_variables_and_the_spec(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apikit]\nspec = "api/openapi.yaml"\nsecret-env = ["DB_PASSWORD"]\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "api" / "openapi.yaml")
    assert config.secret_env == ("DB_PASSWORD",)
    assert config.spec == tmp_path / "api" / "openapi.yaml"


LEAKY = """\
openapi: 3.1.0
info:
  title: Leaky
  version: '1'
  description: Until the identity service is live, use the token {secret}.
servers:
  - {{url: 'http://127.0.0.1:9/v1', x-apikit-env: local}}
paths:
  /ping:
    get:
      operationId: ping
      summary: Ping
      security: [{{bearerAuth: []}}]
      responses:
        '204': {{description: pong}}
components:
  securitySchemes:
    bearerAuth: {{type: http, scheme: bearer}}
"""


def test_pack_refuses_to_write_a_secret_and_names_the_files(
    runner: CliRunner, tmp_path: Path
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(textwrap.dedent(LEAKY.format(secret=SECRET)), encoding="utf-8")
    output = tmp_path / "leaky.zip"
    result = runner.invoke(
        cli,
        ["pack", str(spec), "-o", str(output)],
        env={"APIKIT_AUTH_BEARERAUTH": SECRET},
    )
    assert result.exit_code == 1
    assert "refusing to write the pack" in result.output
    assert "HANDOVER.md (APIKIT_AUTH_BEARERAUTH)" in result.output
    assert "docs/downloads/" in result.output and "more files" in result.output
    assert SECRET not in result.output
    assert not output.exists()
    assert not list(tmp_path.glob(".leaky.zip*"))  # no temporary file left either
