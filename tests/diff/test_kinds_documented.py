"""Every change kind is documented in the README with its verdict, and exercised by a
case in this folder."""

from __future__ import annotations

import re
from typing import Any

from apikit.diff import KINDS
from tests.conftest import REPO
from tests.diff import test_operation_kinds, test_schema_kinds


def test_readme_table_matches_the_kinds() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (yes|no) \|", readme, flags=re.MULTILINE))
    documented = {kind: verdict for kind, verdict in rows.items() if kind in KINDS}
    assert documented == {
        kind: "yes" if breaking else "no" for kind, (breaking, _) in KINDS.items()
    }


def _kinds(cases: list[Any]) -> set[str]:
    return {item[0] for case in cases for item in case.values[-1]}


def test_every_kind_has_a_case() -> None:
    covered = (
        _kinds(test_schema_kinds.CASES)
        | _kinds(test_operation_kinds.CASES)
        | _kinds(test_operation_kinds.BODY_CASES)
        | _kinds(test_operation_kinds.SECURITY_CASES)
        | {"security-scheme-changed"}  # test_security_scheme_changed_is_reported_once
    )
    assert set(KINDS) - covered == set()
    assert covered - set(KINDS) == set()
