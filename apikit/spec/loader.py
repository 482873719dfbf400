"""load_spec: files on disk -> one trusted, bundled Spec."""

from __future__ import annotations

from pathlib import Path

from apikit.errors import ApikitError, UnsupportedSpecError
from apikit.findings import Finding, Location, Severity
from apikit.spec.bundle import RefProblem, bundle
from apikit.spec.model import Spec
from apikit.spec.refs import Workspace
from apikit.spec.source import to_pointer

SUPPORTED = "OpenAPI 3.0.x and 3.1.x"


def load_spec(
    path: str | Path,
    *,
    root_dir: str | Path | None = None,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> Spec:
    """Load an OpenAPI 3.0/3.1 spec (YAML or JSON, possibly many files).

    Raises a SpecError when the spec cannot be read at all (syntax, encoding,
    hostile input, unsupported version). Problems with individual references are
    kept in `Spec.load_findings` so that every one of them can be reported."""
    workspace = Workspace.open(
        path,
        root_dir=root_dir,
        allow_external=allow_external_refs,
        allow_remote=allow_remote_refs,
    )
    _check_version(workspace)
    bundled = bundle(workspace)
    spec = Spec(workspace, bundled.document, bundled.source_map, _refs=bundled.refs)
    spec.load_findings = [_ref_finding(workspace, p) for p in bundled.problems]
    return spec


def _check_version(workspace: Workspace) -> None:
    root = workspace.root
    data = root.data
    if not isinstance(data, dict):
        raise UnsupportedSpecError(
            f"expected an OpenAPI document (a mapping), found a {type(data).__name__}",
            file=root.display,
            line=1,
            column=1,
            hint=f"apikit reads {SUPPORTED}",
        )
    if "swagger" in data:
        line, column = root.locate(("swagger",)) or (None, None)
        raise UnsupportedSpecError(
            f"Swagger {data['swagger']} is not supported; apikit reads {SUPPORTED}",
            file=root.display,
            line=line,
            column=column,
            hint="convert it first, e.g. with swagger2openapi",
        )
    version = data.get("openapi")
    if version is None:
        raise UnsupportedSpecError(
            "no 'openapi' field: this is not an OpenAPI document",
            file=root.display,
            line=1,
            column=1,
            hint=f"apikit reads {SUPPORTED}; add e.g. openapi: 3.1.0",
        )
    text = str(version)
    if not (text.startswith("3.0.") or text.startswith("3.1.")) or not isinstance(version, str):
        line, column = root.locate(("openapi",)) or (None, None)
        raise UnsupportedSpecError(
            f"openapi: {version!r} is not supported; apikit reads {SUPPORTED}",
            file=root.display,
            line=line,
            column=column,
            hint="write the version as a string, e.g. openapi: '3.1.0'"
            if not isinstance(version, str)
            else None,
        )


def _ref_finding(workspace: Workspace, problem: RefProblem) -> Finding:
    source = workspace.files.get(problem.file)
    display = source.display if source else problem.file
    line_col = source.locate(problem.path) if source else None
    line, column = line_col if line_col else (None, None)
    error = problem.error
    message = error.message + (f" ({error.hint})" if error.hint else "")
    return Finding(
        error.rule if error.rule != "spec" else "ref",
        Severity.ERROR,
        message,
        Location(display, line, column, to_pointer(problem.path)),
    )


def load_error_finding(error: ApikitError) -> Finding:
    """A load failure as a finding, for reports that list everything."""
    message = error.message + (f" ({error.hint})" if error.hint else "")
    return Finding(
        error.rule,
        Severity.ERROR,
        message,
        Location(error.file or "", error.line, error.column, error.pointer or ""),
    )
