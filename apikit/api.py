"""One orchestrating function per command. Each reads like the pipeline it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apikit._io import dump_json, dump_yaml, write_atomic
from apikit.collection.build import build_for_environments
from apikit.config import Config, load_config
from apikit.errors import ApikitError, SpecError, UsageError
from apikit.exporters import (
    FORMATS,
    WriteOutcome,
    owned_globs,
    parse_formats,
    render_files,
    write_files,
)
from apikit.findings import Severity
from apikit.spec import Spec, load_spec
from apikit.spec.loader import load_error_finding
from apikit.validation import ValidationReport, validate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from apikit.diff import Change
    from apikit.docsite.build import DocsResult
    from apikit.docsite.model import Download
    from apikit.pack import PackResult
    from apikit.pack.secrets import Secret
    from apikit.review import Review


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


def build_collections(
    spec_path: str | Path | Spec,
    out_dir: str | Path = Path("collections"),
    formats: str | Sequence[str] = FORMATS,
    envs: Sequence[str] | None = None,
    check: bool = False,
    *,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> WriteOutcome:
    """Collections for every environment (or those named) in every format, written
    to `out_dir`; with `check`, nothing is written and the outcome tells whether
    the files on disk are current."""
    spec = (
        spec_path
        if isinstance(spec_path, Spec)
        else open_spec(
            Path(spec_path),
            allow_external_refs=allow_external_refs,
            allow_remote_refs=allow_remote_refs,
        )
    )
    chosen = parse_formats(formats)
    collections = build_for_environments(spec, list(envs) if envs else None)
    files = render_files(collections, chosen)
    owned = owned_globs(collections, chosen, all_envs=not envs)
    outcome = write_files(files, Path(out_dir), check=check, owned=owned)
    outcome.findings = list(collections[0].findings) if collections else []
    return outcome


def docs_spec(spec: Path | None, docs_dir: Path) -> Path:
    """The spec to document: the one given, else the one the project's mkdocs.yml
    was generated from, else the project's spec (see `project_spec`)."""
    from apikit.docsite.build import configured_spec

    if spec is not None:
        return spec
    return configured_spec(docs_dir.parent / "mkdocs.yml") or project_spec()


def build_docs(
    spec_path: Path | Spec,
    *,
    site_dir: Path | None = Path("site"),
    docs_dir: Path = Path("docs"),
    strict: bool = False,
    collections_dir: Path | None = None,
    previous: Path | None = None,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> DocsResult:
    """The handover documentation: spec -> page contexts -> Markdown in `docs_dir`
    (plus `mkdocs.yml` beside it) -> an offline MkDocs Material site in `site_dir`
    (None: write the sources only). Under `strict`, missing examples and broken
    links fail the build (SpecError)."""
    from dataclasses import replace

    from apikit.docsite import build as site
    from apikit.docsite import downloads
    from apikit.docsite.context import build_context
    from apikit.docsite.render import PARALLEL_THRESHOLD, TEMPLATES_FOLDER, render_pages

    refs = {"allow_external_refs": allow_external_refs, "allow_remote_refs": allow_remote_refs}
    spec = (
        spec_path
        if isinstance(spec_path, Spec)
        else open_spec(
            spec_path, allow_external_refs=allow_external_refs, allow_remote_refs=allow_remote_refs
        )
    )
    project = docs_dir.parent
    if site_dir is not None:
        site.safe_site_dir(site_dir, [project, docs_dir, spec.workspace.root.path])
    if collections_dir is not None and not collections_dir.is_dir():
        raise UsageError(f"no such folder: {collections_dir}", hint="check --collections-dir")
    offered, files = downloads.spec_download(spec)
    big = sum(1 for _ in spec.operations()) >= PARALLEL_THRESHOLD
    collected = site.in_background(lambda: _docs_collections(spec, collections_dir), enabled=big)
    changes, previous_version = _docs_changes(spec, previous, refs)
    context = build_context(spec, changes=changes, previous_version=previous_version)
    collections, collection_files, notes = collected()
    context = replace(context, downloads=(offered, *collections))
    if strict and context.problems:
        raise _strict_failure("missing examples or broken links", context.problems)
    overrides = project / TEMPLATES_FOLDER
    pages = render_pages(context, overrides)
    sources = site.write_sources(
        pages, docs_dir, overrides=overrides, extra_files={**files, **collection_files}
    )
    config_file = project / "mkdocs.yml"
    config = site.mkdocs_config(
        context, config_file, docs_dir, site_dir or project / "site", spec.workspace.root.path
    )
    site.write_config(config, config_file)
    result = site.DocsResult(
        docs_dir,
        config_file,
        site_dir,
        len(context.pages),
        context.operation_count,
        len(sources.written),
        problems=[*notes, *context.problems],
    )
    if site_dir is not None:
        cleaning = site.clear_in_background(site_dir)
        result.warnings = site.run_mkdocs(config_file, strict=strict)
        if cleaning is not None:
            cleaning.join()
        result.broken_links = site.check_links(site_dir)
        if strict and result.broken_links:
            raise _strict_failure("broken links in the built site", result.broken_links)
    return result


def _docs_collections(
    spec: Spec, folder: Path | None
) -> tuple[list[Download], dict[str, bytes], list[str]]:
    """The collections offered on the Downloads page: those in `folder`, else freshly
    built ones (when the exporters are installed; a failure there is noted, and the
    documentation is built without them)."""
    import importlib.util
    import tempfile

    from apikit.docsite.downloads import collection_downloads

    names = [env.name for env in spec.environments()]
    if folder is not None:
        return (*collection_downloads(folder, names), [])
    if importlib.util.find_spec("apikit.exporters") is None:
        return [], {}, []
    with tempfile.TemporaryDirectory(prefix="apikit-collections-") as tmp:
        try:
            build_collections(spec, Path(tmp))
        except ApikitError as error:
            return [], {}, [f"collections left out of the downloads: {error}"]
        return (*collection_downloads(Path(tmp), names), [])


def _docs_changes(
    spec: Spec, previous: Path | None, refs: dict[str, bool]
) -> tuple[list[Any] | None, str]:
    """Changes since `previous` (an older spec) for the changelog page."""
    from apikit.diff import diff as compare

    if previous is None:
        return None, ""
    old = open_spec(
        previous,
        allow_external_refs=refs["allow_external_refs"],
        allow_remote_refs=refs["allow_remote_refs"],
    )
    info = old.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    return list(compare(old, spec)), version


def _strict_failure(what: str, problems: Sequence[str]) -> SpecError:
    shown = "; ".join(problems[:3]) + (
        f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    )
    return SpecError(f"docs --strict: {what}: {shown}", hint="fix them, or build without --strict")


def serve_docs(
    spec_path: Path,
    *,
    docs_dir: Path = Path("docs"),
    dev_addr: str = "127.0.0.1:8000",
    open_browser: bool = False,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> None:
    """Write the sources, serve them with live reload, and regenerate them whenever a
    file of the spec changes (the browser reloads the pages that changed)."""
    from mkdocs.commands.serve import serve

    from apikit.docsite.build import watch

    def regenerate() -> DocsResult:
        return build_docs(
            spec_path,
            site_dir=None,
            docs_dir=docs_dir,
            allow_external_refs=allow_external_refs,
            allow_remote_refs=allow_remote_refs,
        )

    result = regenerate()
    spec_files = [source.path for source in load_spec(spec_path).workspace.files.values()]
    watch(spec_files, regenerate)
    serve(str(result.config_file), livereload=True, dev_addr=dev_addr, open_in_browser=open_browser)


def diff_specs(
    old: str | Path,
    new: str | Path,
    *,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> list[Change]:
    """The changes from `old` to `new`: each a spec file or `git:REV:path`."""
    from apikit.diff import diff

    refs = {"allow_external_refs": allow_external_refs, "allow_remote_refs": allow_remote_refs}
    return diff(load_version(old, **refs), load_version(new, **refs))


def replay(
    spec: str | Path | Spec,
    env: str,
    *,
    collection: str | Path | None = None,
    base_url: str | None = None,
    concurrency: int = 8,
    timeout: float = 10.0,
    allow_writes: bool = False,
    allow_hosts: Sequence[str] = (),
    tags: Sequence[str] = (),
    operations: Sequence[str] = (),
    probes: str | Sequence[str] = "all",
    max_pages: int = 3,
    max_body: int = 16 * 1024 * 1024,
    report_dir: str | Path | None = None,
    json_report: str | Path | None = None,
    junit: str | Path | None = None,
    html: str | Path | None = None,
    client: Any = None,
    environ: Any = None,
    subscribers: Sequence[Any] = (),
) -> Any:
    """Replay an environment's collection against its live server and check every
    response (and request) against the spec. Returns a `ReplayReport`; reports are
    written as results arrive. `client` may be an `httpx.AsyncClient` to use."""
    from apikit.collection.build import build_collection
    from apikit.exporters.postman import read_postman
    from apikit.replay.auth import Redactor, environment_values, load_credentials
    from apikit.replay.contract import Contract
    from apikit.replay.events import RunInfo
    from apikit.replay.plan import PlanOptions, build_plan
    from apikit.replay.probes import parse_probes
    from apikit.replay.runner import RunOptions
    from apikit.replay.session import check_base_url, execute, file_reporters, report_paths

    if concurrency < 1 or timeout <= 0 or max_pages < 1:
        raise UsageError("--concurrency and --max-pages must be at least 1, --timeout above 0")
    loaded = spec if isinstance(spec, Spec) else open_spec(Path(spec))
    environment = loaded.environment(env)
    base = check_base_url(base_url or environment.base_url, environment.name)
    coll = read_postman(collection) if collection else build_collection(loaded, environment)
    contract = Contract(loaded, base)
    folders = [Path.cwd(), Path(loaded.path).parent]
    creds = load_credentials(loaded, environment_values(folders, environ))
    options = PlanOptions(
        environment.name,
        base,
        environment.read_only,
        allow_writes,
        frozenset(allow_hosts),
        frozenset(tags),
        frozenset(operations),
        parse_probes(probes),
        max_pages,
    )
    plan = build_plan(coll, contract, creds, options)
    creds.require(plan.needed_schemes(creds))
    secrets = creds.secret_values() + [v.value for v in coll.variables if v.secret]
    redactor = Redactor(secrets, creds.header_names, creds.query_names)
    info = RunInfo(
        loaded.path,
        environment.name,
        base,
        str(collection) if collection else f"built from the spec ({coll.name})",
        environment.read_only,
        allow_writes,
        concurrency,
        timeout,
        tuple(sorted(options.probes)),
    )
    run = RunOptions(
        concurrency=concurrency,
        timeout=timeout,
        max_body=max_body,
        max_pages=max_pages,
        collection_dir=Path(collection).parent if collection else None,
    )
    paths = report_paths(report_dir, json_report, junit, html)
    subscribers = [*file_reporters(paths), *subscribers]
    report = execute(plan, contract, creds, redactor, info, run, subscribers, client)
    report.report_files = {kind: str(path) for kind, path in paths.items()}
    return report


def replay_environments(
    spec: str | Path,
    envs: Sequence[str],
    *,
    base_urls: Sequence[str] = (),
    report_dir: str | Path | None = None,
    **kwargs: Any,
) -> Any:
    """Replay two environments and compare how they answer (a `Comparison`).
    `base_urls`, when given, replace the environments' URLs in the same order."""
    from apikit.replay.compare import compare

    if len(envs) != 2 or len(set(envs)) != 2:
        raise UsageError("compare two different environments, e.g. --env local --env prod")
    loaded = open_spec(Path(spec))
    folder = Path(report_dir) if report_dir is not None else None
    urls: list[str | None] = list(base_urls) or [None, None]
    reports = [
        replay(loaded, env, base_url=url, report_dir=folder / env if folder else None, **kwargs)
        for env, url in zip(envs, urls, strict=True)
    ]
    comparison = compare(reports[0], reports[1])
    if folder is not None:
        write_atomic(folder / "compare.json", dump_json(comparison.as_dict()))
    return comparison


def load_version(
    text: str | Path, *, allow_external_refs: bool = False, allow_remote_refs: bool = False
) -> Spec:
    """A sound spec from a file or from git history (`git:REV:path`)."""
    from apikit.diff.git import is_git_version, load_from_git

    def load(path: Path, config_anchor: Path) -> Spec:
        return open_spec(
            path,
            load_config(config_anchor),
            allow_external_refs=allow_external_refs,
            allow_remote_refs=allow_remote_refs,
        )

    text = str(text)
    if is_git_version(text):
        return load_from_git(text, load, whole_tree=allow_external_refs)
    if not Path(text).exists():
        git_hint = "; for a version from git history write git:REV:path" if ":" in text else ""
        raise UsageError(f"no such file: {text}", hint="check the path" + git_hint)
    return load(Path(text), Path(text))


def review(
    spec_path: str | Path,
    *,
    base: str | Path | None = None,
    accept_breaking: bool = False,
    accept_errors: bool = False,
    config_path: Path | None = None,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> Review:
    """The design review of a spec: the API at a glance, the changes against `base`
    (the last approved version: a file or `git:REV:path`), every validation finding
    and the reviewer's checklist. `Review.exit_code` is 1 while errors or breaking
    changes remain that were not accepted."""
    from apikit.diff import diff
    from apikit.review import build_review

    path = Path(spec_path)
    if not path.exists():
        raise UsageError(f"no such file: {path}", hint="check the path")
    config = load_config(path, config_path)
    external = allow_external_refs or config.allow_external_refs
    remote = allow_remote_refs or config.allow_remote_refs
    spec = load_spec(path, allow_external_refs=external, allow_remote_refs=remote)
    report = validate(spec, config)
    changes = None
    if base is not None:
        old = load_version(base, allow_external_refs=external, allow_remote_refs=remote)
        changes = diff(old, spec)
    return build_review(
        spec,
        report,
        changes,
        str(base) if base is not None else None,
        accept_breaking=accept_breaking,
        accept_errors=accept_errors,
    )


def pack(
    spec_path: str | Path | Spec,
    *,
    envs: Sequence[str] = (),
    base: str | Path | None = None,
    reports_dir: str | Path | None = None,
    output: str | Path | None = None,
    docs_dir: Path | None = None,
    site_dir: Path | None = None,
    templates: Path = Path("docs_templates"),
    environ: Mapping[str, str] | None = None,
    allow_external_refs: bool = False,
    allow_remote_refs: bool = False,
) -> PackResult:
    """The knowledge-transfer pack: the bundled spec, the collections of every (or
    each named) environment, the offline docs site with HANDOVER.md as a page, the
    latest replay report per environment (from `reports_dir`, default
    `.apikit/replay/`), the changelog against `base`, HANDOVER.md and MANIFEST.json,
    in one reproducible zip (default `<api>-<version>.zip`). The docs are built in a
    temporary folder unless `docs_dir` / `site_dir` say where. Refuses to write a
    pack that holds a secret (SecretLeakError)."""
    import tempfile

    from apikit.diff import diff
    from apikit.pack import pack_root, spec_about, write_pack
    from apikit.pack.archive import folder_files
    from apikit.pack.handover import build_handover, render_handover
    from apikit.pack.reports import latest_reports
    from apikit.replay.session import DEFAULT_REPORT_DIR
    from apikit.review.checklist import checklist

    external, remote = allow_external_refs, allow_remote_refs
    spec = (
        spec_path
        if isinstance(spec_path, Spec)
        else open_spec(Path(spec_path), allow_external_refs=external, allow_remote_refs=remote)
    )
    names = [spec.environment(name).name for name in envs] or [
        env.name for env in spec.environments()
    ]
    root = pack_root(spec)
    spec_name, spec_data = _bundled(spec)
    files = {spec_name: spec_data}
    with tempfile.TemporaryDirectory(prefix="apikit-pack-") as tmp:
        work = Path(tmp)
        collections = work / "collections"
        build_collections(spec, collections, envs=list(envs) or None)
        files.update(folder_files(collections, "collections"))
        changes, previous = None, None
        if base is not None:
            old = load_version(base, allow_external_refs=external, allow_remote_refs=remote)
            changes = diff(old, spec)
            previous = write_atomic(work / "base" / "openapi.json", dump_json(old.document))
            files["CHANGELOG.md"] = _changelog(changes, str(base), spec).encode("utf-8")
        reports = latest_reports(Path(reports_dir or DEFAULT_REPORT_DIR), names)
        for env, report in reports.items():
            for name in report.files:
                files[f"reports/{env}/{name}"] = (report.folder / name).read_bytes()
        handover = build_handover(
            spec,
            collection_files=sorted(path.name for path in collections.iterdir()),
            collections_dir="collections",
            reports=reports,
            gaps=list(checklist(spec)),
            environments=names,
            base=str(base) if base is not None else None,
            changes=changes,
            contents=_pack_contents(spec_name, files, reports),
        )
        text = render_handover(handover, templates)
        files["HANDOVER.md"] = text.encode("utf-8")
        site = site_dir or work / "site"
        _docs_with_handover(
            spec,
            text,
            docs_dir=docs_dir or _docs_project(work, templates) / "docs",
            site_dir=site,
            collections_dir=collections,
            previous=previous,
        )
        files.update(folder_files(site, "docs", skip=SITE_LEFT_OUT))
    about = {
        "apikit": _version(),
        "spec": spec_about(spec, spec_name, spec_data),
        "base": str(base) if base is not None else None,
        "environments": names,
        "reports": sorted(reports),
    }
    target = Path(output) if output is not None else Path(f"{root}.zip")
    secrets = _pack_secrets(spec, environ)
    result = write_pack(files, target, root=root, about=about, secrets=secrets)
    result.environments, result.reports = names, sorted(reports)
    result.changelog = base is not None
    return result


def _docs_project(work: Path, templates: Path) -> Path:
    """A temporary docs project that uses the current project's template overrides."""
    import shutil

    project = work / "project"
    if templates.is_dir():
        shutil.copytree(templates, project / templates.name)
    return project


def _pack_secrets(spec: Spec, environ: Mapping[str, str] | None) -> list[Secret]:
    """The secrets a pack must not hold: APIKIT_AUTH_* (environment and `.env`
    files, as replay reads them), the variables schemes name with
    `x-apikit-secret-env`, and those of `secret-env` in the configuration."""
    from apikit.pack.secrets import secrets_from
    from apikit.replay.auth import SECRET_ENV_EXTENSION, environment_values

    named = list(load_config(Path(spec.path)).secret_env)
    for scheme in spec.security_schemes().values():
        if isinstance(scheme.get(SECRET_ENV_EXTENSION), str):
            named.append(str(scheme[SECRET_ENV_EXTENSION]))
    values = environment_values([Path.cwd(), Path(spec.path).parent], environ)
    return secrets_from(values, named)


#: site files a pack leaves out: sitemaps carry the build date and need a server
SITE_LEFT_OUT = frozenset({"sitemap.xml", "sitemap.xml.gz"})
HANDOVER_PAGE = "handover.md"


def _bundled(spec: Spec) -> tuple[str, bytes]:
    if spec.workspace.root.is_json:
        return "openapi.json", dump_json(spec.document, sort_keys=False).encode("utf-8")
    return "openapi.yaml", dump_yaml(spec.document).encode("utf-8")


def _changelog(changes: list[Change], base: str, spec: Spec) -> str:
    from apikit.diff.render import as_markdown

    info = spec.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    body = as_markdown(changes, base, f"{spec.title} {version}".strip())
    return f"# Changelog\n\n{body}"


def _pack_contents(
    spec_name: str, files: Mapping[str, bytes], reports: Mapping[str, Any]
) -> list[tuple[str, str]]:
    contents = [
        ("HANDOVER.md", "this guide"),
        (spec_name, "the OpenAPI description in one file"),
        ("collections/", "Postman, Bruno and .http collections; environment files without secrets"),
        ("docs/index.html", "the documentation site (works offline); this guide is a page of it"),
    ]
    contents += [(f"reports/{env}/", f"the latest replay of {env}") for env in sorted(reports)]
    if "CHANGELOG.md" in files:
        contents.append(("CHANGELOG.md", "what changed since the base version"))
    contents.append(("MANIFEST.json", "every file's size and sha256; the spec's version and hash"))
    return contents


def _docs_with_handover(
    spec: Spec,
    handover: str,
    *,
    docs_dir: Path,
    site_dir: Path,
    collections_dir: Path,
    previous: Path | None,
) -> None:
    """The docs site with HANDOVER.md as a page after Home: the sources are written,
    the page joins them and the navigation, then MkDocs builds the site."""
    import os

    import yaml

    from apikit.docsite import build as site
    from apikit.errors import ConfigError

    protected = [Path.cwd(), docs_dir.parent, docs_dir, spec.workspace.root.path]
    site.safe_site_dir(site_dir, protected)
    result = build_docs(
        spec,
        site_dir=None,
        docs_dir=docs_dir,
        collections_dir=collections_dir,
        previous=previous,
    )
    write_atomic(docs_dir / HANDOVER_PAGE, handover)
    try:
        config = yaml.safe_load(result.config_file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"cannot add the handover page to {result.config_file}: {exc}") from None
    nav = [entry for entry in config.get("nav") or [] if entry != {"Handover": HANDOVER_PAGE}]
    config["nav"] = [*nav[:1], {"Handover": HANDOVER_PAGE}, *nav[1:]]
    config["site_dir"] = os.path.relpath(site_dir, result.config_file.parent)
    site.write_config(config, result.config_file)
    site.run_mkdocs(result.config_file, strict=False)


def _version() -> str:
    from apikit import __version__

    return __version__


@dataclass(frozen=True)
class Step:
    """One stage of `build` or `demo`: what it made (`artefact`) and how it went."""

    name: str
    artefact: str
    detail: str = ""
    exit_code: int = 0


@dataclass
class Pipeline:
    steps: list[Step] = field(default_factory=list)
    validation: ValidationReport | None = None

    @property
    def exit_code(self) -> int:
        return next((step.exit_code for step in self.steps if step.exit_code), 0)

    def add(self, step: Step, progress: Callable[[Step], None] | None) -> bool:
        """Record a step; False when it failed (the pipeline stops there)."""
        self.steps.append(step)
        if progress is not None:
            progress(step)
        return step.exit_code == 0


def project_spec(spec: Path | None = None, config_path: Path | None = None) -> Path:
    """SPEC, else `spec = ...` of [tool.apikit], else openapi.yaml/.yml/.json here."""
    if spec is not None:
        return spec
    config = load_config(Path.cwd(), config_path)
    if config.spec is not None:
        if not config.spec.is_file():
            raise UsageError(
                f"the spec named in {config.source} does not exist: {config.spec}",
                hint="fix `spec = ...` in [tool.apikit]",
            )
        return config.spec
    for name in ("openapi.yaml", "openapi.yml", "openapi.json"):
        if Path(name).is_file():
            return Path(name)
    raise UsageError(
        "no spec given, none configured and no openapi.yaml here",
        hint='pass SPEC, or set spec = "path/to/openapi.yaml" under [tool.apikit]',
    )


def build(
    spec: Path | None = None,
    *,
    output: Path | None = None,
    config_path: Path | None = None,
    progress: Callable[[Step], None] | None = None,
) -> Pipeline:
    """validate -> collections (`collections/`) -> docs (`docs/`, `site/`) -> pack,
    for the project's spec; stops at the first gate that fails. Later stages raise
    ApikitErrors as their commands do."""
    path = project_spec(spec, config_path)
    result = Pipeline()
    (report,) = validate_files([path], config_path=config_path)
    result.validation = report
    summary = _findings_count(report)
    if not result.add(Step("validate", _shown(path), summary, report.exit_code()), progress):
        return result
    loaded = open_spec(path, load_config(path, config_path))
    outcome = build_collections(loaded, Path("collections"))
    detail = f"{len(outcome.files)} files, {len(outcome.written)} written"
    if not result.add(Step("collections", "collections/", detail, outcome.exit_code), progress):
        return result
    packed = pack(loaded, output=output, docs_dir=Path("docs"), site_dir=Path("site"))
    site_index = str(Path("site") / "index.html")
    result.add(Step("docs", site_index, "with HANDOVER.md as a page"), progress)
    result.add(Step("pack", str(packed.path), _pack_detail(packed)), progress)
    return result


def demo(
    workdir: Path = Path(".apikit") / "demo",
    *,
    progress: Callable[[Step], None] | None = None,
) -> Pipeline:
    """The whole pipeline on the bundled example: validate, collections, the example
    server on a free port of 127.0.0.1, replay of `local` against it (with the
    example's local credentials), the docs site, the pack; the server is stopped at
    the end. Artefacts go to `workdir`."""
    from apikit._example import demo_environ, example_server, locate_example

    example = locate_example()
    result = Pipeline()
    (report,) = validate_files([example.spec])
    result.validation = report
    detail = _findings_count(report)
    shown = _shown(example.spec)
    if not result.add(Step("validate", shown, detail, report.exit_code()), progress):
        return result
    spec = open_spec(example.spec)
    build_collections(spec, workdir / "collections")
    detail = f"{len(spec.environments())} environments: Postman, Bruno, .http"
    result.add(Step("collections", f"{workdir / 'collections'}/", detail), progress)
    reports = workdir / "reports"
    with example_server(example) as url:
        server = f"{_shown(example.server)}, stopped at the end"
        result.add(Step("server", url, server), progress)
        replayed = replay(
            spec, "local", base_url=url, report_dir=reports / "local", environ=demo_environ()
        )
        summary = replayed.summary
        detail = f"{summary.passed} passed, {summary.failed} failed, {summary.skipped} skipped"
        html_report = replayed.report_files.get("html", str(reports / "local"))
        result.add(Step("replay", html_report, detail, replayed.exit_code), progress)
        packed = pack(
            spec,
            reports_dir=reports,
            output=workdir / f"{_pack_root(spec)}.zip",
            docs_dir=workdir / "docs",
            site_dir=workdir / "site",
            environ=demo_environ(),
        )
        site_index = str(workdir / "site" / "index.html")
        result.add(Step("docs", site_index, "offline site with the handover page"), progress)
        result.add(Step("pack", str(packed.path), _pack_detail(packed)), progress)
    return result


def _findings_count(report: ValidationReport) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _shown(path: Path) -> str:
    """`path` relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _pack_root(spec: Spec) -> str:
    from apikit.pack import pack_root

    return pack_root(spec)


def _pack_detail(packed: PackResult) -> str:
    size = packed.size / (1024 * 1024)
    reports = ", ".join(packed.reports) or "none"
    return f"{len(packed.files)} files, {size:.1f} MB; replay reports: {reports}"
