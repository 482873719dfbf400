"""The apikit error family. Exceptions mean "cannot continue"; problems found in a
spec or a server are `Finding`s, not exceptions.

    ApikitError                      exit 2 unless a subclass says otherwise
    ├── UsageError                   2  bad option, missing file, unknown environment
    ├── ConfigError                  2  invalid [tool.apikit] / apikit.toml settings
    ├── OutputError                  2  an output file could not be written
    ├── SpecError                    1  the spec cannot be loaded
    │   ├── SpecSyntaxError          1  malformed YAML/JSON, bad encoding, empty file, duplicate key
    │   ├── HostileInputError        1  alias bombs, recursive aliases, oversized files
    │   ├── UnsupportedSpecError     1  not OpenAPI 3.0.x / 3.1.x (e.g. Swagger 2.0)
    │   └── RefError                 1  broken, cyclic, remote or out-of-root $ref
    ├── SecretLeakError              1  a file to be packed holds the value of a secret
    ├── ServerUnreachableError       3  a server could not be reached at all
    └── InternalError               70  a bug in apikit (an unexpected exception)

Every error carries an optional source location and a hint saying what to do
next; `str(error)` is a single line fit for a terminal or a CI log.
"""

from __future__ import annotations

from pathlib import Path


class ApikitError(Exception):
    """Base of every error apikit raises on purpose."""

    exit_code: int = 2
    rule: str = "error"

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        pointer: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.pointer = pointer
        self.hint = hint

    @property
    def where(self) -> str:
        """`file:line:col` (as much of it as is known), or an empty string."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class UsageError(ApikitError):
    exit_code = 2
    rule = "usage"


class ConfigError(ApikitError):
    exit_code = 2
    rule = "config"


class OutputError(ApikitError):
    exit_code = 2
    rule = "output"


class SpecError(ApikitError):
    exit_code = 1
    rule = "spec"


class SpecSyntaxError(SpecError):
    rule = "syntax"


class HostileInputError(SpecError):
    rule = "hostile-input"


class UnsupportedSpecError(SpecError):
    rule = "unsupported-version"


class RefError(SpecError):
    rule = "ref"


class SecretLeakError(ApikitError):
    """A file apikit was about to write holds the value of a secret. The message
    names the file and the variable, never the value."""

    exit_code = 1
    rule = "secret-leak"


class ServerUnreachableError(ApikitError):
    exit_code = 3
    rule = "unreachable"


class InternalError(ApikitError):
    """Raised by the CLI in place of a traceback when apikit itself fails."""

    exit_code = 70
    rule = "internal"
