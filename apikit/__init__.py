"""apikit: one OpenAPI design spec in; validation, collections, replay, docs, packs out."""

from __future__ import annotations

import sys
import types
from typing import Any

__version__ = "0.1.0"

from apikit.diff import Change, diff
from apikit.errors import ApikitError
from apikit.findings import Finding, Location, Severity
from apikit.spec import Environment, Operation, Spec, load_spec
from apikit.validation import ValidationReport, validate

__all__ = [
    "ApikitError",
    "Change",
    "Environment",
    "Finding",
    "Location",
    "Operation",
    "Severity",
    "Spec",
    "ValidationReport",
    "__version__",
    "build_collections",
    "build_docs",
    "diff",
    "load_spec",
    "pack",
    "replay",
    "review",
    "validate",
]

#: public names imported on first use, so that `import apikit` (and `apikit --help`)
#: stays quick: name -> module
_LAZY = {
    "build_collections": "apikit.api",
    "build_docs": "apikit.api",
    "replay": "apikit.api",
    "pack": "apikit.api",
    "review": "apikit.api",
}
#: names of commands' functions that are also the names of stage packages
_FUNCTIONS_OVER_PACKAGES = frozenset({"pack", "review"})


# The stage package `apikit.replay` is imported first (it is empty) so that importing
# its modules later never rebinds the public name `replay`, which is the function.
import apikit.replay as _replay_stage  # noqa: E402, F401


def replay(*args: Any, **kwargs: Any) -> Any:
    """Replay an environment's collection against its live server and check every
    exchange against the spec; returns a `ReplayReport`. See `apikit.api.replay`."""
    from apikit.api import replay as run

    return run(*args, **kwargs)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'apikit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


class _Package(types.ModuleType):
    """`apikit.pack` and `apikit.review` are the commands' functions. Importing the
    stage package of the same name (`apikit.pack.archive`, ...) would make the name
    point at that package instead; this keeps it for the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS_OVER_PACKAGES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
