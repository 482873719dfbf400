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
from apikit.errors import ApikitError, InternalError

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
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get("APIKIT_DEBUG"):
                raise
            fail(
                InternalError(
                    f"internal error: {type(exc).__name__}: {exc}",
                    hint="this is a bug in apikit; rerun with APIKIT_DEBUG=1 for the "
                    "traceback and report it",
                )
            )


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


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default="collections", show_default=True
)
@click.option(
    "--format",
    "formats",
    default="postman,bruno,http",
    show_default=True,
    help="Comma-separated formats: postman, bruno, http.",
)
@click.option("--env", "envs", multiple=True, help="Only this environment (repeatable).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the files differ.")
@ref_options
def collections(
    spec: Path,
    out_dir: Path,
    formats: str,
    envs: tuple[str, ...],
    check: bool,
    allow_external_refs: bool,
    allow_remote_refs: bool,
) -> None:
    """Generate Postman, Bruno and .http collections for each environment.

    Requests carry example bodies, auth with secrets as empty variables, contract
    tests and chaining from links. With --check (for CI) nothing is written and
    the command exits 1 when the files on disk are not what it would write.

    \b
    Examples:
      apikit collections examples/bookstore/openapi.yaml --out collections/
      apikit collections api.yaml --format postman --env staging
      apikit collections api.yaml --check
    """
    from apikit import api
    from apikit.exporters.report import render_outcome, render_warnings

    outcome = api.build_collections(
        spec,
        out_dir,
        formats,
        envs,
        check,
        allow_external_refs=allow_external_refs,
        allow_remote_refs=allow_remote_refs,
    )
    if outcome.findings:
        click.echo(render_warnings(outcome, spec), err=True)
    click.echo(render_outcome(outcome, spec), err=outcome.exit_code != 0)
    sys.exit(outcome.exit_code)


@cli.group()
def docs() -> None:
    """Handover documentation: an offline, searchable MkDocs Material site.

    \b
    Examples:
      apikit docs build examples/bookstore/openapi.yaml
      apikit docs serve examples/bookstore/openapi.yaml
    """


docs_dir_option = click.option(
    "--docs-dir",
    type=click.Path(path_type=Path),
    default="docs",
    show_default=True,
    help="Where the Markdown sources go; mkdocs.yml is written beside it.",
)


@docs.command("build")
@click.argument("spec", required=False, type=click.Path(path_type=Path))
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path),
    default="site",
    show_default=True,
    help="Where the built site goes (emptied first).",
)
@docs_dir_option
@click.option("--strict", is_flag=True, help="Missing examples or broken links fail (exit 1).")
@click.option(
    "--collections-dir",
    type=click.Path(path_type=Path),
    help="Offer these collection files for download (default: build them).",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="Older spec: adds a Changelog page.",
)
@click.option("--sources-only", is_flag=True, help="Write Markdown and mkdocs.yml; no site.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
)
@ref_options
def docs_build(
    spec: Path | None,
    site_dir: Path,
    docs_dir: Path,
    strict: bool,
    collections_dir: Path | None,
    previous: Path | None,
    sources_only: bool,
    output_format: str,
    allow_external_refs: bool,
    allow_remote_refs: bool,
) -> None:
    """Build the documentation site of SPEC (default: the spec mkdocs.yml names).

    Renders Markdown pages from the templates in docs_templates/ (a project's own
    docs_templates/ next to mkdocs.yml overrides them by name), merges mkdocs.yml
    and builds the site with MkDocs Material. Open site/index.html: the site works
    offline, from a folder or a zip.

    \b
    Examples:
      apikit docs build examples/bookstore/openapi.yaml
      apikit docs build api.yaml --site-dir public --strict
      apikit docs build api.yaml --previous old/api.yaml    # adds a changelog
    """
    import json

    from apikit import api

    path = api.docs_spec(spec, docs_dir)
    result = api.build_docs(
        path,
        site_dir=None if sources_only else site_dir,
        docs_dir=docs_dir,
        strict=strict,
        collections_dir=collections_dir,
        previous=previous,
        allow_external_refs=allow_external_refs,
        allow_remote_refs=allow_remote_refs,
    )
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(result.report(f"docs of {path}"))


@docs.command("serve")
@click.argument("spec", required=False, type=click.Path(path_type=Path))
@docs_dir_option
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    help="IP:PORT to serve on.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@ref_options
def docs_serve(
    spec: Path | None,
    docs_dir: Path,
    dev_addr: str,
    open_browser: bool,
    allow_external_refs: bool,
    allow_remote_refs: bool,
) -> None:
    """Serve the documentation with live reload; edits to the spec show up at once.

    \b
    Example:
      apikit docs serve examples/bookstore/openapi.yaml -a 127.0.0.1:8001
    """
    from apikit import api

    api.serve_docs(
        api.docs_spec(spec, docs_dir),
        docs_dir=docs_dir,
        dev_addr=dev_addr,
        open_browser=open_browser,
        allow_external_refs=allow_external_refs,
        allow_remote_refs=allow_remote_refs,
    )


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format (markdown: fit for a pull-request comment).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["breaking", "any", "none"]),
    default="breaking",
    show_default=True,
    help="Exit 1 on breaking changes, on any change, or never.",
)
@ref_options
def diff(
    old: str,
    new: str,
    output_format: str,
    fail_on: str,
    allow_external_refs: bool,
    allow_remote_refs: bool,
) -> None:
    """Compare two versions of a spec; classify each change as breaking or not.

    OLD and NEW are spec files or git:REV:path (path relative to the repository's
    top folder). Exit 1 when --fail-on is met, 0 otherwise, 2 on usage problems.

    \b
    Examples:
      apikit diff git:main:api/openapi.yaml api/openapi.yaml
      apikit diff old.yaml new.yaml --format markdown --fail-on none
    """
    from apikit import api
    from apikit.diff import exit_code
    from apikit.diff.render import render

    changes = api.diff_specs(
        old, new, allow_external_refs=allow_external_refs, allow_remote_refs=allow_remote_refs
    )
    click.echo(render(changes, output_format, old, new), nl=False)
    sys.exit(exit_code(changes, fail_on))


@cli.command()
@click.option("--spec", type=click.Path(path_type=Path), help="Default: ./openapi.yaml")
@click.option("--env", "envs", multiple=True, required=True, help="Environment; twice to compare.")
@click.option("--collection", type=click.Path(path_type=Path), help="Run a Postman v2.1 file.")
@click.option("--base-url", "base_urls", multiple=True, help="Use this URL, not the env's.")
@click.option("--concurrency", type=click.IntRange(1, 256), default=8, help="At once (8).")
@click.option("--timeout", type=click.FloatRange(0.001), default=10.0, help="Seconds (10).")
@click.option("--allow-writes", is_flag=True, help="Send writes to a read-only environment.")
@click.option("--allow-host", "allow_hosts", multiple=True, help="Another host to send to.")
@click.option("--tag", "tags", multiple=True, help="Only operations with this tag.")
@click.option("--operation", "operations", multiple=True, help="Only this operationId.")
@click.option("--probes", default="all", show_default=True, help="none, or auth,not-found,bad-body")
@click.option("--max-pages", type=click.IntRange(1, 100), default=3, help="Pages followed (3).")
@click.option("--report-dir", type=click.Path(path_type=Path), help="Default: .apikit/replay/ENV")
@click.option("--junit", type=click.Path(path_type=Path), help="JUnit XML report file.")
@click.option("--json", "json_report", type=click.Path(path_type=Path), help="JSON report file.")
@click.option("--html", type=click.Path(path_type=Path), help="HTML report file.")
def replay(
    spec: Path | None,
    envs: tuple[str, ...],
    base_urls: tuple[str, ...],
    report_dir: Path | None,
    **options: Any,
) -> None:
    """Replay an environment's collection against its live server and check every
    response against the spec (status, content type, body schema, headers).

    Exit 0 when every check passed, 1 on contract failures (or differences between
    two environments), 2 on usage problems, 3 when the server cannot be reached.

    \b
    Examples:
      APIKIT_AUTH_BEARERAUTH=... apikit replay --env prod --junit replay.xml
      apikit replay --env local --base-url http://127.0.0.1:8123/v1 --probes none
      apikit replay --env local --env prod
    """
    from apikit import api
    from apikit.errors import UsageError
    from apikit.replay.reporters.console import ConsoleReporter, render_comparison, render_files
    from apikit.replay.session import DEFAULT_REPORT_DIR, default_spec

    out, console = _console(), ConsoleReporter(_console(), _console(stderr=True))
    explicit = report_dir or any(options[k] for k in ("junit", "json_report", "html"))
    spec = spec or default_spec()
    if len(base_urls) not in (0, len(envs)):
        raise UsageError("give --base-url once per --env (in the same order), or not at all")
    if len(envs) == 1:
        folder = report_dir if explicit else DEFAULT_REPORT_DIR / envs[0]
        base = base_urls[0] if base_urls else None
        report = api.replay(
            spec, envs[0], base_url=base, report_dir=folder, subscribers=[console], **options
        )
        render_files(out, report.report_files)
        sys.exit(report.exit_code)
    if any(options[k] for k in ("junit", "json_report", "html")):
        raise UsageError("--json, --junit and --html take one environment; use --report-dir")
    folder = report_dir or DEFAULT_REPORT_DIR
    comparison = api.replay_environments(
        spec, envs, base_urls=base_urls, report_dir=folder, subscribers=[console], **options
    )
    render_comparison(out, comparison)
    render_files(out, {"comparison": str(folder / "compare.json")})
    sys.exit(comparison.exit_code)


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("--base", help="The last approved version: a spec file or git:REV:path.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "html", "json"]),
    default="markdown",
    show_default=True,
    help="markdown (a PR or wiki), html (one self-contained page) or json.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report here.")
@click.option("--accept-breaking", is_flag=True, help="Breaking changes do not fail (exit 0).")
@click.option("--accept-errors", is_flag=True, help="Validation errors do not fail (exit 0).")
@ref_options
def review(spec: Path, output_format: str, output: Path | None, **options: Any) -> None:
    """A design-review report for the lead who approves SPEC: the API at a glance,
    the changes against --base (breaking first), every validation finding and a
    checklist of gaps a reviewer would ask about.

    Exit 1 while the design has validation errors or breaking changes (unless
    accepted with --accept-errors / --accept-breaking), 0 otherwise, 2 on usage
    problems.

    \b
    Examples:
      apikit review api.yaml --base git:main:api.yaml -o review.md
      apikit review api.yaml --base v1/api.yaml --format html -o review.html
    """
    from apikit import api
    from apikit._io import write_atomic
    from apikit.review.render import render

    result = api.review(spec, **options)
    text = render(result, output_format, overrides=Path("docs_templates"))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}: {result.verdict}", err=True)
    sys.exit(result.exit_code)


@cli.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option("--env", "envs", multiple=True, help="Only this environment (repeatable).")
@click.option("--base", help="Previous version for the changelog: a file or git:REV:path.")
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(path_type=Path),
    help="Replay reports to include (default: .apikit/replay/).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Default: API-VERSION.zip")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
)
@ref_options
def pack(spec: Path, output_format: str, envs: tuple[str, ...], **options: Any) -> None:
    """The knowledge-transfer pack for the team that builds on the API: one
    reproducible zip with the bundled spec, the collections per environment (no
    secrets), the offline docs site, the latest replay reports, the changelog
    against --base, HANDOVER.md and MANIFEST.json.

    Refuses (exit 1) when a file would hold the value of a secret (APIKIT_AUTH_*,
    or a variable listed in secret-env of the configuration), naming the file.

    \b
    Examples:
      apikit pack api.yaml --base git:v1.3.0:api.yaml -o handover.zip
      apikit pack api.yaml --env staging --reports .apikit/replay
    """
    import json

    from apikit import api

    result = api.pack(spec, envs=envs, **options)
    if output_format == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        click.echo(result.report())


def _step_line(step: Any) -> None:
    mark = "" if step.exit_code == 0 else "  (failed)"
    click.echo(f"{step.name:<12} {step.artefact}  {step.detail}{mark}")


@cli.command()
@click.argument("spec", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Default: API-VERSION.zip")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="apikit.toml")
def build(spec: Path | None, output: Path | None, config_path: Path | None) -> None:
    """Run the project's pipeline: validate, collections (collections/), docs
    (docs/, site/) and the pack. SPEC defaults to `spec` of [tool.apikit], else
    ./openapi.yaml.

    Stops at the first step that fails, with its exit code.

    \b
    Example:
      apikit build
    """
    from apikit import api
    from apikit.validation.output import render

    result = api.build(spec, output=output, config_path=config_path, progress=_step_line)
    if result.validation is not None and not result.validation.valid:
        render([result.validation], "human", _console(stderr=True), strict=False)
    sys.exit(result.exit_code)


@cli.command()
@click.option(
    "--dir",
    "workdir",
    type=click.Path(path_type=Path),
    default=".apikit/demo",
    show_default=True,
    help="Where the artefacts go.",
)
def demo(workdir: Path) -> None:
    """The whole job on the bundled example API: validate, collections, the example
    server on 127.0.0.1, a contract replay against it, the docs site and the pack.
    Prints where each artefact is. Needs a source checkout with the example extra
    installed (pip install -e '.[example]').

    \b
    Example:
      apikit demo
    """
    from apikit import api

    result = api.demo(workdir, progress=_step_line)
    sys.exit(result.exit_code)


def main() -> None:
    cli(prog_name="apikit")
