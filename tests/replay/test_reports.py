"""Reports: JSON (deterministic, written while the run goes on), JUnit, HTML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from apikit._io import dump_json
from apikit.replay.events import Event, RunFinished, StepFinished
from apikit.replay.reporters.html import render_html
from apikit.replay.reporters.json_report import render_json
from tests.replay.conftest import replay_example


def test_reports_are_written_from_the_start_and_completed_at_the_end(
    faulty_bookstore: Any, tmp_path: Path
) -> None:
    seen: list[str] = []

    def watch(event: Event) -> None:
        if isinstance(event, StepFinished) and not seen:
            seen.append(json.loads((tmp_path / "replay.json").read_text())["state"])
        if isinstance(event, RunFinished):
            seen.append("finished")

    with faulty_bookstore("bad-enum") as url:
        report = replay_example(
            url + "/v1", tags=["books"], report_dir=tmp_path, subscribers=[watch]
        )
    assert seen == ["running", "finished"]
    text = (tmp_path / "replay.json").read_bytes().decode()
    assert text == dump_json(report.as_dict()) == render_json(report)
    data = json.loads(text)
    assert data["state"] == "finished"
    assert data["summary"]["failed"] == len(report.failed) > 0
    assert data["coverage"]["operations"]["total"] == 8

    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(report.results)
    assert int(suite.get("failures", "0")) == len(report.failed)
    failed = [c for c in cases if c.find("failure") is not None]
    assert failed and failed[0].find("failure").get("type") == "body-schema"  # type: ignore[union-attr]

    html = (tmp_path / "report.html").read_bytes().decode()
    assert html == render_html(report)
    assert "<title>Replay of local:" in html
    assert '"cookbook" is not one of' in html.replace("&#34;", '"')
    assert "Implementation coverage" in html
    assert "<script" not in html and "http://" not in html.split("</style>")[0]
