"""The JSON report: everything, for machines. Deterministic (sorted keys, two-space
indent, the same bytes as `apikit._io.dump_json` of the whole report); each result
is serialised once, when it arrives."""

from __future__ import annotations

import json

from apikit._io import dump_json
from apikit.replay.events import ReplayReport, StepResult
from apikit.replay.reporters import FileReporter

_PLACEHOLDER = "\u0000apikit-results\u0000"


class JsonReporter(FileReporter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._fragments: list[str] = []

    def added(self, result: StepResult) -> None:
        self._fragments.append(fragment(result))

    def render(self, report: ReplayReport) -> str:
        if len(self._fragments) != len(report.results):
            self._fragments = [fragment(r) for r in report.results]
        return render_json(report, self._fragments)


def fragment(result: StepResult) -> str:
    data = result.as_dict()
    if _orjson is not None:
        try:
            text = _orjson.dumps(data, option=_orjson.OPT_INDENT_2 | _orjson.OPT_SORT_KEYS).decode()
        except TypeError:  # what orjson cannot write, json can
            text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    else:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return "    " + text.replace("\n", "\n    ")


try:  # several times faster; the output is byte for byte the standard library's
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None  # type: ignore[assignment]


def render_json(report: ReplayReport, fragments: list[str] | None = None) -> str:
    data = report.as_dict(with_results=False)
    if not report.results:
        return dump_json(data)
    data["results"] = _PLACEHOLDER
    text = dump_json(data)
    parts = fragments if fragments is not None else [fragment(r) for r in report.results]
    body = "[\n" + ",\n".join(parts) + "\n  ]"
    return text.replace(json.dumps(_PLACEHOLDER), body, 1)
