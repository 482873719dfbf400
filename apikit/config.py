"""Project configuration from `apikit.toml` or `[tool.apikit]` in `pyproject.toml`.

The nearest such file at or above the spec's folder wins (an explicit path wins
over both). Example::

    [tool.apikit]
    spec = "api/openapi.yaml"        # what `apikit build` builds (relative to this file)
    allow-external-refs = false
    secret-env = ["BOOKSTORE_TOKEN"] # more variables whose values must never be packed

    [tool.apikit.rules]
    operation-summary = "off"        # disable a rule
    unused-component = "error"       # or change its severity
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from apikit.errors import ConfigError

RuleSetting = Literal["off", "error", "warning", "info"]


@dataclass(frozen=True)
class Config:
    rules: dict[str, RuleSetting] = field(default_factory=dict)
    allow_external_refs: bool = False
    allow_remote_refs: bool = False
    source: str | None = None
    #: the project's spec, resolved against the config file's folder
    spec: Path | None = None
    #: environment variables whose values count as secrets, besides APIKIT_AUTH_*
    secret_env: tuple[str, ...] = ()


def find_config_file(start: Path) -> Path | None:
    """The nearest apikit.toml, or pyproject.toml with a [tool.apikit] table."""
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate_dir in [folder, *folder.parents]:
        own = candidate_dir / "apikit.toml"
        if own.is_file():
            return own
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and "apikit" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(spec_path: Path | None = None, explicit: Path | None = None) -> Config:
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"no such config file: {explicit}", hint="check the --config path")
    path = explicit or (find_config_file(spec_path) if spec_path else None)
    if path is None:
        return Config()
    data = _read_toml(path)
    table = data.get("tool", {}).get("apikit", {}) if path.name == "pyproject.toml" else data
    values = _validated(table, path)
    if values.get("spec") is not None:
        values["spec"] = path.parent / values["spec"]
    values["secret_env"] = tuple(values.get("secret_env") or ())
    return Config(**values, source=str(path))


def _validated(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """Check the table with pydantic (imported only when a config file exists)."""
    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class _Table(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)

        rules: dict[str, RuleSetting] = Field(default_factory=dict)
        allow_external_refs: bool = Field(False, alias="allow-external-refs")
        allow_remote_refs: bool = Field(False, alias="allow-remote-refs")
        spec: str | None = None
        secret_env: list[str] = Field(default_factory=list, alias="secret-env")

    try:
        return _Table.model_validate(table).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{where}: {first['msg']}",
            file=path,
            hint="see the Configuration section of the README",
        ) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config: {exc.strerror or exc}", file=path) from None
