"""Spec loading: files -> one bundled, located `Spec`."""

from apikit.spec.loader import load_spec
from apikit.spec.model import Environment, Operation, Spec

__all__ = ["Environment", "Operation", "Spec", "load_spec"]
