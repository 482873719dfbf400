"""The public API is pinned, and dependencies run one way: cli -> api -> stages."""

from __future__ import annotations

import ast
from pathlib import Path

import apikit

PACKAGE = Path(apikit.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_public_names_are_exported() -> None:
    expected = {
        "ApikitError",
        "Environment",
        "Finding",
        "Location",
        "Operation",
        "Severity",
        "Spec",
        "ValidationReport",
        "__version__",
        "load_spec",
        "pack",
        "review",
        "validate",
    }
    assert expected <= set(apikit.__all__)
    for name in apikit.__all__:
        assert hasattr(apikit, name), name


def test_commands_named_like_their_stage_packages_stay_functions() -> None:
    # loading the stage packages must not turn the names into modules
    import apikit.pack.archive
    import apikit.review.render

    assert callable(apikit.pack) and callable(apikit.review)
    assert apikit.pack.__module__ == apikit.review.__module__ == "apikit.api"


def test_library_never_imports_click_or_the_cli() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        imported = _imports(path)
        assert "click" not in imported, path
        assert "apikit.cli" not in imported, path


def test_stages_do_not_import_the_orchestrator() -> None:
    for path in PACKAGE.rglob("*.py"):
        if (
            path.name in ("cli.py", "__main__.py", "api.py", "__init__.py")
            and path.parent == PACKAGE
        ):
            continue
        assert "apikit.api" not in _imports(path), path


def test_spec_package_depends_on_no_later_stage() -> None:
    later = (
        "apikit.validation",
        "apikit.collection",
        "apikit.exporters",
        "apikit.replay",
        "apikit.docsite",
    )
    for path in (PACKAGE / "spec").rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(later), (path, name)
