"""Failures before any response can be checked: a connection dropped mid-response,
a body too large to read, a server that is not there."""

from __future__ import annotations

from apikit.replay.events import Outcome
from tests.conftest import free_port
from tests.replay.conftest import replay_example, result
from tests.servers import dropping, huge
from tests.servers.raw import raw_server


def test_a_connection_dropped_mid_response_is_named() -> None:
    with raw_server(dropping.handler) as url:
        report = replay_example(url + "/v1", operations=["getHealth"], probes="none")
    health = result(report, "getHealth")
    assert health.outcome is Outcome.FAIL
    (finding,) = health.failures
    assert finding.rule == "connection-dropped"
    assert "dropped before the response was complete" in finding.message
    assert "tried 3 times" in finding.message  # a GET is retried, then reported
    assert report.exit_code == 1


def test_a_huge_body_is_cut_and_named() -> None:
    with raw_server(huge.handler) as url:
        report = replay_example(
            url + "/v1", operations=["getHealth"], probes="none", max_body=1024 * 1024
        )
    (finding,) = result(report, "getHealth").failures
    assert finding.rule == "body-too-large"
    assert "larger than 1048576 bytes; stopped reading" in finding.message


def test_an_unreachable_server_ends_the_run_with_exit_3() -> None:
    report = replay_example(f"http://127.0.0.1:{free_port()}/v1", probes="none")
    assert report.unreachable and report.interrupted
    assert report.exit_code == 3
    assert "server unreachable: cannot connect to http://127.0.0.1:" in report.reason
    assert len(report.results) == 1
    assert report.results[0].failures[0].rule == "unreachable"
