"""apikit: one OpenAPI design spec in; validation, collections, replay, docs, packs out."""

from __future__ import annotations

__version__ = "0.1.0"

from apikit.errors import ApikitError
from apikit.findings import Finding, Location, Severity
from apikit.spec import Environment, Operation, Spec, load_spec
from apikit.validation import ValidationReport, validate

__all__ = [
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
    "validate",
]
