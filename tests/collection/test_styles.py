"""Parameter serialisation by `style` and `explode`."""

from __future__ import annotations

from typing import Any

import pytest

from apikit.collection._styles import query_pairs, simple


@pytest.mark.parametrize(
    ("value", "param", "expected"),
    [
        pytest.param([1, 2], {}, [("p", "1"), ("p", "2")], id="form-explode"),
        pytest.param([1, 2], {"explode": False}, [("p", "1,2")], id="form"),
        pytest.param([1, 2], {"style": "pipeDelimited"}, [("p", "1|2")], id="pipes"),
        pytest.param([1, 2], {"style": "spaceDelimited"}, [("p", "1 2")], id="spaces"),
        pytest.param({"a": 1, "b": True}, {}, [("a", "1"), ("b", "true")], id="object-explode"),
        pytest.param({"a": 1}, {"explode": False}, [("p", "a,1")], id="object"),
        pytest.param(
            {"a": {"b": [1, None]}},
            {"style": "deepObject", "explode": True},
            [("p[a][b][0]", "1"), ("p[a][b][1]", "")],
            id="deep-object",
        ),
        pytest.param(None, {}, [("p", "")], id="null"),
    ],
)
def test_query_pairs(value: Any, param: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert query_pairs("p", value, {"name": "p", **param}) == expected


def test_simple_label_and_matrix() -> None:
    assert simple([1, 2], {"name": "id"}) == "1,2"
    assert simple({"a": 1}, {"name": "id", "explode": True}) == "a=1"
    assert simple(5, {"name": "id", "style": "label"}) == ".5"
    assert simple(5, {"name": "id", "style": "matrix"}) == ";id=5"
