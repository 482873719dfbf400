"""Credentials, safety and chaining against a small API with the edge cases."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from apikit import api
from apikit.errors import UsageError
from apikit.replay.events import Outcome, ReplayReport
from tests.conftest import serve
from tests.replay.conftest import failures, result
from tests.servers import gateway
from tests.servers.gateway import Gateway

SECRETS = {
    "GATEWAY_BASIC": f"{gateway.BASIC_USER}:{gateway.BASIC_PASSWORD}",
    "APIKIT_AUTH_OAUTH": f"{gateway.CLIENT_ID}:{gateway.CLIENT_SECRET}",
}


@contextmanager
def running(app: Gateway) -> Iterator[str]:
    with serve(app.app()) as url:
        yield url + "/api"


def replay(tmp_path: Path, base_url: str, env: str = "test", **kwargs: Any) -> ReplayReport:
    spec = tmp_path / "gateway.yaml"
    spec.write_text(gateway.SPEC, encoding="utf-8")
    kwargs.setdefault("environ", SECRETS)
    kwargs.setdefault("timeout", 5.0)
    report: ReplayReport = api.replay(spec, env, base_url=base_url, **kwargs)
    return report


def test_oauth2_token_is_fetched_once_and_basic_auth_uses_its_own_variable(
    tmp_path: Path,
) -> None:
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, operations=["echo", "basic"], probes="none")
    assert failures(report) == []
    assert app.token_requests == 1
    assert result(report, "echo").status == 200
    assert result(report, "basic").status == 200


def test_secrets_are_redacted_everywhere(tmp_path: Path) -> None:
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, operations=["echo", "basic"], report_dir=tmp_path / "r")
    assert failures(report) == []
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "r").iterdir())
    written += json.dumps(report.as_dict())
    basic = base64.b64encode(f"{gateway.BASIC_USER}:{gateway.BASIC_PASSWORD}".encode()).decode()
    for secret in (gateway.ACCESS_TOKEN, gateway.BASIC_PASSWORD, gateway.CLIENT_SECRET, basic):
        assert secret not in written
    echo = result(report, "echo").exchange
    assert echo is not None
    assert ("authorization", "[redacted]") in echo.request_headers
    assert '"authorization":"Bearer [redacted]"' in echo.response_body


def test_a_missing_secret_stops_before_any_request(tmp_path: Path) -> None:
    app = Gateway()
    with running(app) as url, pytest.raises(UsageError) as caught:
        replay(tmp_path, url, environ={"APIKIT_AUTH_OAUTH": "a:b"})
    assert "GATEWAY_BASIC (scheme basicAuth)" in str(caught.value)
    assert caught.value.exit_code == 2
    assert app.calls == []


def test_secrets_come_from_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        "# local secrets\n"
        f"export GATEWAY_BASIC='{gateway.BASIC_USER}:{gateway.BASIC_PASSWORD}'\n"
        f"APIKIT_AUTH_OAUTH={gateway.CLIENT_ID}:{gateway.CLIENT_SECRET}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, operations=["basic", "echo"], probes="none", environ={})
    assert failures(report) == []


def test_redirects_leaving_the_host_are_not_followed(tmp_path: Path) -> None:
    other = Gateway()
    with serve(other.app()) as other_url:
        app = Gateway(other_host=other_url.replace("127.0.0.1", "localhost"))
        with running(app) as url:
            report = replay(
                tmp_path, url, operations=["redirectAway", "redirectHome"], probes="none"
            )
    assert other.calls == []
    away = result(report, "redirectAway")
    assert away.status == 302
    assert any(f.rule == "redirect-not-followed" for f in away.findings)
    home = result(report, "redirectHome")
    assert home.status == 200 and home.outcome is Outcome.PASS


def test_retries_only_idempotent_requests(tmp_path: Path) -> None:
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, operations=["flaky", "busy"], probes="none")
    assert result(report, "flaky").outcome is Outcome.PASS
    assert app.flaky_attempts == 2
    assert app.calls.count(("POST", "/api/busy")) == 1
    busy = result(report, "busy")
    assert busy.status == 503 and busy.outcome is Outcome.FAIL


def test_operation_servers_elsewhere_are_refused(tmp_path: Path) -> None:
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, operations=["elsewhere"], probes="none")
    elsewhere = result(report, "elsewhere")
    assert elsewhere.outcome is Outcome.SKIP
    assert "--allow-host files.other.example" in elsewhere.skip_reason
    assert app.calls == []


def test_chained_steps_of_a_failed_create_are_skipped_with_the_reason(tmp_path: Path) -> None:
    app = Gateway(fail_writes=True)
    with running(app) as url:
        report = replay(tmp_path, url, operations=["createThing", "getThing"])
    get = result(report, "getThing")
    assert get.outcome is Outcome.SKIP
    assert get.skip_reason == (
        "createThing did not give {{thingId}} (answered 500), which this request needs"
    )
    probe = result(report, "createThing#probe-bad-body")
    assert [f.rule for f in probe.failures] == ["server-error"]
    assert (
        "answered 500 to a body that breaks the schema (not documented" in probe.failures[0].message
    )


def test_a_resource_just_created_that_reads_as_404_fails(tmp_path: Path) -> None:
    app = Gateway(forget=True)
    with running(app) as url:
        report = replay(tmp_path, url, operations=["createThing", "getThing"], probes="none")
    (finding,) = result(report, "getThing").failures
    assert finding.rule == "created-not-found"
    assert "(from createThing) was just created, but reads as 404; expected 200" in finding.message


def test_an_operation_that_answers_without_credentials_fails_the_auth_probe(
    tmp_path: Path,
) -> None:
    app = Gateway(open_echo=True)
    with running(app) as url:
        report = replay(tmp_path, url, operations=["echo"], probes="auth")
    probe = result(report, "echo#probe-auth")
    assert [f.rule for f in probe.failures] == ["auth-not-enforced"]
    assert ("GET", "/api/echo") in app.calls
    sent = probe.exchange
    assert sent is not None and not any(
        k.lower() == "authorization" for k, _ in sent.request_headers
    )


def test_production_is_read_only_by_name(tmp_path: Path) -> None:
    app = Gateway()
    with running(app) as url:
        report = replay(tmp_path, url, env="production")
    assert {method for method, _ in app.calls} <= {"GET", "HEAD", "OPTIONS", "POST"}
    assert [path for method, path in app.calls if method == "POST"] == ["/api/token"]
    skipped = {r.id: r.skip_reason for r in report.results if r.outcome is Outcome.SKIP}
    assert "read-only environment production: POST is not sent" in skipped["createThing"]
    assert not any(r.id.startswith("createThing#") for r in report.results)
