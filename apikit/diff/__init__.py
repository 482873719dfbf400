"""Two versions of an API -> the changes between them, each breaking or not for
the API's consumers.

    import apikit

    changes = apikit.diff(apikit.load_spec("old.yaml"), apikit.load_spec("new.yaml"))
    breaking = [change for change in changes if change.breaking]
"""

from __future__ import annotations

from apikit.diff.context import Context
from apikit.diff.model import KINDS, Change, FailOn, exit_code
from apikit.diff.operations import compare_operations
from apikit.diff.security import compare_schemes
from apikit.spec import Spec

__all__ = ["KINDS", "Change", "FailOn", "diff", "exit_code"]


def diff(old: Spec, new: Spec) -> list[Change]:
    """Every change from `old` to `new`, in a stable order: by path, then method
    (changes outside operations first), breaking before non-breaking, then message."""
    ctx = Context(old, new)
    compare_schemes(ctx)
    compare_operations(ctx)
    unique = {(c.kind, c.message, c.operation, c.old, c.new): c for c in ctx.changes}
    return sorted(unique.values(), key=Change.sort_key)
