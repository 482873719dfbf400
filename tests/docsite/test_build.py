"""`apikit docs build` end to end: sources and site, --strict, template overrides,
mkdocs.yml merging, deterministic output, and the repository's own mkdocs.yml."""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from apikit.cli import cli
from tests.conftest import EXAMPLE_SPEC, REPO

WriteSpec = Callable[..., Path]

SMALL = """
openapi: 3.1.0
info: {title: Things, version: '2.0'}
servers: [{url: 'https://api.example.com', x-apikit-env: prod}]
tags: [{name: things, description: All about *things*.}]
paths:
  /things/{id}:
    get:
      tags: [things]
      operationId: getThing
      summary: Get a thing
      description: See also [listing](#operation/getThing).
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}, example: abc}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {name: {type: string}}}
              example: {name: bolt}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _build(runner: CliRunner, spec: Path, root: Path, *extra: str) -> tuple[int, str, str]:
    empty = root / "no-collections"
    empty.mkdir(parents=True, exist_ok=True)
    return run(
        runner,
        "docs",
        "build",
        str(spec),
        "--docs-dir",
        str(root / "docs"),
        "--site-dir",
        str(root / "site"),
        "--collections-dir",
        str(empty),
        *extra,
    )


def test_build_writes_sources_config_and_site(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SMALL)
    code, out, _ = _build(runner, spec, tmp_path / "out", "--format", "json", "--strict")
    assert code == 0, out
    report = json.loads(out)
    assert report["pages"] == 6 and report["operations"] == 1 and report["broken_links"] == []
    site = tmp_path / "out" / "site"
    assert (site / "reference" / "things.html").is_file()
    page = (site / "reference" / "things.html").read_text(encoding="utf-8")
    assert 'href="things.html#getThing"' in page  # `#operation/getThing` in a description
    assert (site / "search" / "search_index.js").is_file()  # offline search
    assert (site / "downloads" / "things-2.0.openapi.yaml").read_text() == spec.read_text()
    config = yaml.safe_load((tmp_path / "out" / "mkdocs.yml").read_text())
    assert config["docs_dir"] == "docs" and config["site_dir"] == "site"
    assert config["nav"][3] == {"API reference": [{"Things": "reference/things.md"}]}
    assert config["plugins"][1] == {"apikit": {"spec": "../openapi.yaml"}}


def test_human_report_says_where_the_site_is(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    code, out, _ = _build(runner, write_spec("openapi.yaml", SMALL), tmp_path / "out")
    assert code == 0
    assert "6 pages, 1 operations" in out and "site/index.html" in out and "offline" in out


def test_sources_are_deterministic(runner: CliRunner, tmp_path: Path) -> None:
    """The Markdown, mkdocs.yml and downloads of two builds are byte-identical."""
    trees = []
    for name in ("one", "two"):
        root = tmp_path / name
        code, _, _ = run(
            runner,
            "docs",
            "build",
            str(EXAMPLE_SPEC),
            "--docs-dir",
            str(root / "docs"),
            "--sources-only",
        )
        assert code == 0
        trees.append(root)
    files = sorted(p.relative_to(trees[0]) for p in trees[0].rglob("*") if p.is_file())
    assert Path("mkdocs.yml") in files and Path("docs/reference/books.md") in files
    assert files == sorted(p.relative_to(trees[1]) for p in trees[1].rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(trees[0], trees[1], [str(f) for f in files], False)
    assert mismatch == [] and errors == []


def test_strict_fails_on_missing_examples(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SMALL.replace("              example: {name: bolt}\n", ""))
    code, _, err = _build(runner, spec, tmp_path / "out", "--strict")
    assert code == 1
    assert "getThing: response 200 (application/json) has no example" in err
    code, out, _ = _build(runner, spec, tmp_path / "out")
    assert code == 0 and "problem" in out  # without --strict: reported, not fatal


def test_strict_fails_on_broken_links(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SMALL.replace("#operation/getThing", "#nowhere"))
    code, _, err = _build(runner, spec, tmp_path / "out", "--strict")
    assert code == 1 and "broken links" in err and "#nowhere" in err


def test_a_foreign_docs_folder_is_never_overwritten(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    (tmp_path / "out" / "docs").mkdir(parents=True)
    (tmp_path / "out" / "docs" / "handbook.md").write_text("# Mine\n")
    code, _, err = _build(runner, write_spec("openapi.yaml", SMALL), tmp_path / "out")
    assert code == 2 and "was not generated by apikit" in err
    assert (tmp_path / "out" / "docs" / "handbook.md").read_text() == "# Mine\n"


def test_the_site_folder_may_not_hold_the_project(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SMALL)
    code, _, err = run(
        runner,
        "docs",
        "build",
        str(spec),
        "--docs-dir",
        str(tmp_path / "docs"),
        "--site-dir",
        str(tmp_path),
    )
    assert code == 2 and "would be emptied" in err
    assert spec.is_file()


def test_templates_are_overridden_by_name(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    project = tmp_path / "out"
    (project / "docs_templates").mkdir(parents=True)
    (project / "docs_templates" / "home.md.j2").write_text(
        '{% include "apikit/home.md.j2" %}\n## Support\n\nAsk {{ "<the API team>" }}.\n'
    )
    (project / "docs_templates" / "extra.css").write_text(".md-header { background: teal; }\n")
    code, _, _ = _build(runner, write_spec("openapi.yaml", SMALL), project)
    assert code == 0
    home = (project / "docs" / "index.md").read_text(encoding="utf-8")
    assert "## Environments" in home and "Ask &lt;the API team&gt;." in home
    css = project / "site" / "assets" / "apikit" / "extra.css"
    assert css.read_text() == ".md-header { background: teal; }\n"


def test_an_existing_mkdocs_yml_is_merged(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    project = tmp_path / "out"
    project.mkdir()
    (project / "mkdocs.yml").write_text(
        "site_name: Our handbook\n"
        "copyright: !ENV [COPYRIGHT, 'Example Corp']\n"
        "theme:\n  name: readthedocs\n  palette: {primary: teal}\n  features: [navigation.tabs]\n"
        "markdown_extensions:\n  - toc: {permalink: '#'}\n  - footnotes\n"
        "plugins: [search]\n"
        "nav: [{Old: old.md}]\n",
        encoding="utf-8",
    )
    code, _, _ = _build(runner, write_spec("openapi.yaml", SMALL), project)
    assert code == 0
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "copyright: !ENV" in text  # tags survive the merge
    config = yaml.load(text, Loader=_AnyTag)
    assert config["site_name"] == "Our handbook"
    assert config["theme"]["name"] == "material" and config["theme"]["palette"] == {
        "primary": "teal"
    }
    assert config["theme"]["features"][0] == "navigation.tabs"
    assert "content.code.copy" in config["theme"]["features"]
    assert {"toc": {"permalink": "#"}} in config["markdown_extensions"]
    assert (
        "footnotes" in config["markdown_extensions"]
        and "admonition" in config["markdown_extensions"]
    )
    assert config["nav"][0] == {"Home": "index.md"}
    # the merge is stable: building again changes nothing
    code, _, _ = _build(runner, write_spec("openapi.yaml", SMALL), project)
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == text


class _AnyTag(yaml.SafeLoader):
    pass


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)


def test_spec_defaults_to_the_one_mkdocs_yml_names(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    spec = write_spec("openapi.yaml", SMALL)
    code, _, _ = _build(runner, spec, tmp_path / "out", "--sources-only")
    assert code == 0
    code, out, _ = run(
        runner, "docs", "build", "--docs-dir", str(tmp_path / "out" / "docs"), "--sources-only"
    )
    assert code == 0 and "docs of" in out and "openapi.yaml" in out


def test_unknown_spec_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "docs", "build", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err


def test_previous_spec_adds_a_changelog(
    runner: CliRunner, write_spec: WriteSpec, tmp_path: Path
) -> None:
    old = write_spec(
        "old.yaml",
        SMALL.replace("version: '2.0'", "version: '1.0'")
        + "  /gone:\n    delete:\n      operationId: dropAll\n"
        "      responses: {'204': {description: done}}\n",
    )
    code, _, err = _build(
        runner, write_spec("openapi.yaml", SMALL), tmp_path / "out", "--previous", str(old)
    )
    assert code == 0, err
    page = (tmp_path / "out" / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert "<code>1.0</code> to <code>2.0</code>" in page and "1 breaking" in page
    assert "operation-removed" in page and "/gone" in page
    assert (tmp_path / "out" / "site" / "changelog.html").is_file()


def test_templates_ship_inside_the_package(tmp_path: Path) -> None:
    """Wheels carry docs_templates/ as apikit/_data/docs_templates (setup.py's build
    step); a source checkout reads docs_templates/ itself."""
    from apikit.docsite.render import builtin_templates

    assert builtin_templates() == REPO / "docs_templates"
    done = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(tmp_path / "lib")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shipped = tmp_path / "lib" / "apikit" / "_data" / "docs_templates"
    for template in (REPO / "docs_templates").iterdir():
        if template.is_file():
            assert (shipped / template.name).read_bytes() == template.read_bytes()
    shutil.rmtree(REPO / "build", ignore_errors=True)


def test_committed_docs_of_the_example_are_current(tmp_path: Path) -> None:
    """docs/ and mkdocs.yml at the repository root are what `apikit docs build
    examples/bookstore/openapi.yaml` writes; regenerate them when this fails."""
    from apikit.api import build_docs

    shutil.copytree(
        REPO / "examples" / "bookstore",
        tmp_path / "examples" / "bookstore",
        ignore=shutil.ignore_patterns("__pycache__", "*.py"),
    )
    build_docs(
        tmp_path / "examples" / "bookstore" / "openapi.yaml",
        docs_dir=tmp_path / "docs",
        site_dir=None,
    )
    fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / "docs").rglob("*") if p.is_file())
    committed = sorted(p.relative_to(REPO) for p in (REPO / "docs").rglob("*") if p.is_file())
    assert fresh == committed
    names = ["mkdocs.yml", *map(str, fresh)]
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, REPO, names, shallow=False)
    assert mismatch == [] and errors == [], (
        "run: apikit docs build examples/bookstore/openapi.yaml --sources-only"
    )


def test_mkdocs_build_works_at_the_repository_root(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "reference" / "books.html").is_file()
    assert (tmp_path / "site" / "search" / "search_index.js").is_file()


def test_build_docs_is_public() -> None:
    import apikit
    from apikit.api import build_docs

    assert "build_docs" in apikit.__all__ and apikit.build_docs is build_docs


def test_schema_recursive_through_inline_all_of_builds(tmp_path: Path) -> None:
    """A schema that contains itself through an inline allOf (seen in AWS specs)."""
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.0.3\n"
        "info: {title: Loop, version: '1'}\n"
        "paths:\n"
        "  /nodes:\n"
        "    post:\n"
        "      operationId: createNode\n"
        "      requestBody:\n"
        "        content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}\n"
        "      responses: {'204': {description: done}}\n"
        "components:\n"
        "  schemas:\n"
        "    Node:\n"
        "      type: object\n"
        "      properties:\n"
        "        child: {allOf: [{$ref: '#/components/schemas/Node'}]}\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "apikit",
            "docs",
            "build",
            str(spec),
            "--sources-only",
            "--docs-dir",
            str(tmp_path / "docs"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "docs" / "reference").glob("*.md")
    assert any("createNode" in p.read_text() for p in page)
