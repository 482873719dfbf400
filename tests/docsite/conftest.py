"""Fixtures of the documentation-site tests: the example's site, built once per
session, and a headless Chromium driven over the DevTools protocol."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_SPEC, REPO


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    docs: Path
    site: Path
    config: Path

    def url(self, page: str) -> str:
        path, _, fragment = page.partition("#")
        return (self.site / path).as_uri() + (f"#{fragment}" if fragment else "")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The bundled example's documentation, built like `apikit docs build` does."""
    from apikit.api import build_docs

    root = tmp_path_factory.mktemp("example-docs")
    result = build_docs(EXAMPLE_SPEC, docs_dir=root / "docs", site_dir=root / "site")
    assert result.index is not None and result.index.is_file()
    return BuiltSite(root, root / "docs", root / "site", result.config_file)


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[object]:
    from tests.docsite.browser import Browser

    driver = Browser(chromium)
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests keep files for people to look at (git-ignored)."""
    folder = REPO / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
