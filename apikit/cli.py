"""The `apikit` command line: a thin layer over `apikit.api`.

Each command parses options, calls one api function and renders the result. Library
errors are turned into one line and an exit code here, and only here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from apikit import __version__
from apikit.errors import ApikitError

F = TypeVar("F", bound=Callable[..., Any])


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=True)


def fail(error: ApikitError) -> NoReturn:
    """Print the one-line cause (and hint) and exit with the error's code."""
    click.echo(f"apikit: error: {error}", err=True)
    sys.exit(error.exit_code)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ApikitError as error:
            fail(error)
        except KeyboardInterrupt:
            click.echo("apikit: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="apikit")
def cli() -> None:
    """apikit: one OpenAPI design spec in; validation, shareable collections,
    contract replay, handover docs and knowledge-transfer packs out."""


def ref_options(func: F) -> F:
    """Options every spec-reading command shares."""
    func = click.option(
        "--allow-external-refs",
        is_flag=True,
        help="Follow $refs to files outside the spec's folder.",
    )(func)
    func = click.option(
        "--allow-remote-refs", is_flag=True, help="Fetch http(s) $refs (off: no network)."
    )(func)
    return func


@cli.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json", "sarif", "github"]),
    default="human",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit 1).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="apikit.toml")
@ref_options
def validate(
    specs: tuple[Path, ...],
    output_format: str,
    strict: bool,
    config_path: Path | None,
    allow_external_refs: bool,
    allow_remote_refs: bool,
) -> None:
    """Validate OpenAPI specs: structure, references, examples and house rules.

    Exit 0 when no spec has errors, 1 when one has (or warnings under --strict),
    2 on usage problems.

    \b
    Example:
      apikit validate examples/bookstore/openapi.yaml --format github
    """
    from apikit import api
    from apikit.validation.output import render

    reports = api.validate_files(
        list(specs),
        config_path=config_path,
        allow_external_refs=allow_external_refs,
        allow_remote_refs=allow_remote_refs,
    )
    render(reports, output_format, _console(), strict=strict)
    sys.exit(max(report.exit_code(strict) for report in reports))


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="out.yaml or out.json")
@ref_options
def bundle(
    spec: Path, output: Path | None, allow_external_refs: bool, allow_remote_refs: bool
) -> None:
    """Bundle a multi-file spec into one self-contained document.

    External $refs become internal `#/components/...` refs; the output format
    follows the file extension (YAML without -o).

    \b
    Example:
      apikit bundle examples/bookstore/openapi.yaml -o bookstore.json
    """
    from apikit import api

    text = api.bundle_spec(
        spec,
        output,
        allow_external_refs=allow_external_refs,
        allow_remote_refs=allow_remote_refs,
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {output}", err=True)


def main() -> None:
    cli(prog_name="apikit")
