"""Loading: formats, versions, hostile input, references and locations."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.errors import (
    HostileInputError,
    SpecSyntaxError,
    UnsupportedSpecError,
    UsageError,
)

MINIMAL = """
openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
"""

WriteSpec = Callable[..., Path]


def test_yaml_is_read_as_yaml_1_2(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        x-values: {a: yes, b: on, c: 2024-01-01, d: 012, e: 0o17, f: true, g: ~, h: 1.5}
        """,
    )
    values = load_spec(path).document["x-values"]
    assert values == {
        "a": "yes",
        "b": "on",
        "c": "2024-01-01",
        "d": 12,
        "e": 15,
        "f": True,
        "g": None,
        "h": 1.5,
    }


def test_json_spec_loads(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.json", '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}'
    )
    assert load_spec(path).version == "3.0.3"


def test_numeric_status_keys_are_strings(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /a:
            get:
              responses:
                200: {description: ok}
        """,
    )
    assert list(load_spec(path).document["paths"]["/a"]["get"]["responses"]) == ["200"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "swagger: '2.0'\ninfo: {title: T, version: '1'}\n",
            "Swagger 2.0 is not supported",
            id="swagger2",
        ),
        pytest.param(
            "openapi: 3.2.0\ninfo: {title: T, version: '1'}\n", "'3.2.0' is not supported", id="3.2"
        ),
        pytest.param("openapi: 3.0\n", "write the version as a string", id="float-version"),
        pytest.param("info: {title: T}\n", "no 'openapi' field", id="no-version"),
        pytest.param("- a\n- b\n", "found a list", id="list"),
    ],
)
def test_unsupported_documents(write_spec: WriteSpec, text: str, message: str) -> None:
    path = write_spec("api.yaml", text)
    with pytest.raises(UnsupportedSpecError) as info:
        load_spec(path)
    assert message in str(info.value)
    assert "OpenAPI 3.0.x and 3.1.x" in str(info.value)


def test_yaml_syntax_error_has_line_and_column(write_spec: WriteSpec) -> None:
    path = write_spec("api.yaml", "openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: '1'\n")
    with pytest.raises(SpecSyntaxError) as info:
        load_spec(path)
    assert info.value.file == str(path)
    assert info.value.line == 4
    assert info.value.column is not None
    assert "YAML syntax error" in str(info.value)


def test_json_syntax_error_has_line_and_column(write_spec: WriteSpec) -> None:
    path = write_spec("api.json", '{\n  "openapi": "3.1.0",\n  "info": {\n}}}\n')
    with pytest.raises(SpecSyntaxError) as info:
        load_spec(path)
    assert (info.value.line, info.value.column) == (4, 3)


def test_duplicate_yaml_key_is_an_error_with_both_lines(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /a:
            get: {responses: {'200': {description: a}}}
          /a:
            post: {responses: {'200': {description: b}}}
        """,
    )
    with pytest.raises(SpecSyntaxError) as info:
        load_spec(path)
    assert "duplicate key '/a' (first defined on line 4)" in str(info.value)
    assert (info.value.line, info.value.column) == (6, 3)


def test_duplicate_json_key_is_located(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.json",
        '{"openapi": "3.1.0",\n "info": {"title": "T", "version": "1"},\n "info": {}}\n',
    )
    with pytest.raises(SpecSyntaxError) as info:
        load_spec(path)
    assert "duplicate key 'info'" in str(info.value)
    assert info.value.line == 3


def test_billion_laughs_is_refused_quickly(write_spec: WriteSpec) -> None:
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for index, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[index]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = write_spec(
        "bomb.yaml",
        "openapi: 3.1.0\nx-bomb:\n" + "\n".join("  " + level for level in levels) + "\n",
    )
    started = time.monotonic()
    with pytest.raises(HostileInputError) as info:
        load_spec(path)
    assert time.monotonic() - started < 1.0
    assert "alias bomb" in str(info.value)
    assert info.value.file == str(path)


def test_recursive_alias_is_refused(write_spec: WriteSpec) -> None:
    path = write_spec("loop.yaml", "openapi: 3.1.0\nx-loop: &a\n  self: *a\n")
    with pytest.raises(HostileInputError, match="recursive YAML alias"):
        load_spec(path)


def test_modest_anchors_are_fine(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        MINIMAL + "x-common: &common {a: 1}\nx-use: *common\n",
    )
    assert load_spec(path).document["x-use"] == {"a": 1}


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SpecSyntaxError, match="binary file"):
        load_spec(path)


def test_non_utf8_is_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes(b"openapi: 3.1.0\ninfo:\n  title: caf\xe9\n")
    with pytest.raises(SpecSyntaxError) as info:
        load_spec(path)
    assert "not valid UTF-8 (byte 0xe9)" in str(info.value)
    assert (info.value.line, info.value.column) == (3, 13)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("# only a comment\n")
    with pytest.raises(SpecSyntaxError, match="the file is empty"):
        load_spec(path)


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        load_spec(tmp_path)


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_spec(tmp_path / "nope.yaml")


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apikit.spec import source

    monkeypatch.setattr(source, "MAX_FILE_BYTES", 100)
    path = tmp_path / "api.yaml"
    path.write_text(MINIMAL + "x-pad: '" + "x" * 200 + "'\n")
    with pytest.raises(HostileInputError, match="over the 0 MiB limit"):
        load_spec(path)


def test_locations_in_yaml_point_at_keys(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.yaml",
        """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /books/{id}:
            get:
              summary: Get
              responses:
                '200':
                  description: ok
        """,
    )
    spec = load_spec(path)
    loc = spec.locate(("paths", "/books/{id}", "get", "responses", "200"))
    assert (loc.file, loc.line, loc.column) == (str(path), 8, 9)
    assert loc.pointer == "/paths/~1books~1{id}/get/responses/200"


def test_locations_in_json(write_spec: WriteSpec) -> None:
    path = write_spec(
        "api.json",
        """
        {
          "openapi": "3.1.0",
          "info": {"title": "T", "version": "1"},
          "paths": {
            "/a": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/b": {
              "post": {"responses": {"201": {"description": "made"}}}
            }
          }
        }
        """,
    )
    spec = load_spec(path)
    assert (spec.locate("/paths/~1b/post/responses/201").line, spec.locate("/paths/~1b").line) == (
        7,
        6,
    )
    assert spec.locate("/paths/~1b/post/responses/201").column == 30
    assert spec.locate("/paths/~1a/get").line == 5
