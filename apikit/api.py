"""One orchestrating function per command. Each reads like the pipeline it runs."""

from __future__ import annotations

from pathlib import Path

from apikit._io import dump_json, dump_yaml, write_atomic
from apikit.config import Config, load_config
from apikit.errors import ApikitError, SpecError, UsageError
from apikit.spec import Spec, load_spec
from apikit.spec.loader import load_error_finding
from apikit.validation import ValidationReport, validate


def open_spec(
    path: Path,
    config: Config | None = None,
    *,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> Spec:
    """Load a spec for a command that needs a sound one: reference problems stop here."""
    config = config or load_config(path)
    spec = load_spec(
        path,
        allow_external_refs=allow_external_refs or config.allow_external_refs,
        allow_remote_refs=allow_remote_refs or config.allow_remote_refs,
    )
    if spec.load_findings:
        first = spec.load_findings[0]
        more = len(spec.load_findings) - 1
        raise SpecError(
            first.message + (f" (and {more} more reference problems)" if more else ""),
            file=first.location.file,
            line=first.location.line,
            column=first.location.column,
            hint="run `apikit validate` to see them all",
        )
    return spec


def validate_files(
    paths: list[Path],
    *,
    config_path: Path | None = None,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> list[ValidationReport]:
    """Validate each spec on its own; a spec that cannot be loaded is reported, not raised."""
    reports = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file: {path}", hint="check the path")
        config = load_config(path, config_path)
        try:
            spec = load_spec(
                path,
                allow_external_refs=allow_external_refs or config.allow_external_refs,
                allow_remote_refs=allow_remote_refs or config.allow_remote_refs,
            )
        except UsageError:
            raise
        except ApikitError as error:
            reports.append(ValidationReport(str(path), [load_error_finding(error)]))
            continue
        reports.append(validate(spec, config))
    return reports


def bundle_spec(
    path: Path,
    output: Path | None,
    *,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> str:
    """The spec as one document: JSON for a .json output, YAML otherwise."""
    spec = open_spec(
        path, allow_external_refs=allow_external_refs, allow_remote_refs=allow_remote_refs
    )
    as_json = output is not None and output.suffix.lower() == ".json"
    text = dump_json(spec.document, sort_keys=False) if as_json else dump_yaml(spec.document)
    if output is not None:
        write_atomic(output, text)
    return text
