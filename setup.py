"""Build step that pyproject.toml cannot express: the templates in docs_templates/
(documentation pages, reports) ship inside the package as apikit/_data/docs_templates.

A source checkout (and an editable install) reads them from docs_templates/ directly;
wheels and sdists carry the copy made here."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TEMPLATES = ROOT / "docs_templates"


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode and TEMPLATES.is_dir():
            target = Path(self.build_lib) / "apikit" / "_data" / "docs_templates"
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(TEMPLATES, target, ignore=shutil.ignore_patterns("__pycache__"))


setup(cmdclass={"build_py": BuildWithTemplates})
