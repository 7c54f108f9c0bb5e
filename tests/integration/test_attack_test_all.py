"""Attacks on Test all's shared pings and batching, against real registries.

The verdict Test all gives each integration must be the one a test of that
integration alone gives: sharing a registry's anonymous ping may save
requests, never change an answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.registry.http import Timeouts
from dtr_desktop.services import Services
from dtr_desktop.services.registry_checks import RegistryChecks
from tests.fakes.loopback import Answer, LoopbackServer, Recorded
from tests.fakes.pki import TestPki
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry


def add(
    services: Services,
    registry: RunningRegistry,
    name: str,
    *,
    user: str = "alice",
    password: str | None = None,
) -> Integration:
    draft = IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username=user,
        insecure=not registry.tls,
        ca_cert_pem=registry.ca_pem,
    )
    return services.integrations.add(draft, password or registry.password(user))


def alone(services: Services, items: list[Integration]) -> dict[str, str]:
    checks = RegistryChecks(services)
    return {i.id: checks.test_integration(i.id).outcome.value for i in items}


@pytest.mark.parametrize("max_workers", [1, 4, 16])
def test_each_integration_of_one_registry_gets_its_own_verdict(
    services: Services,
    registry_tls_token: RunningRegistry,
    registry_tls_htpasswd: RunningRegistry,
    max_workers: int,
) -> None:
    items = []
    for registry in (registry_tls_token, registry_tls_htpasswd):
        kind = registry.auth
        items += [
            add(services, registry, f"{kind} right"),
            add(services, registry, f"{kind} wrong", password="wrong"),
            add(services, registry, f"{kind} reader", user="reader"),
            add(services, registry, f"{kind} nobody", user="nobody", password="x"),
            services.integrations.add(
                IntegrationDraft(
                    name=f"{kind} anonymous",
                    provider="registry",
                    url=registry.url,
                    ca_cert_pem=registry.ca_pem,
                ),
                None,
            ),
        ]
    expected = alone(services, items)
    assert sorted(set(expected.values())) == ["bad-credentials", "ok"]

    reports = RegistryChecks(services).test_all(max_workers=max_workers)

    assert {key: r.outcome.value for key, r in reports.items()} == expected
    stored = {i.id: i.last_test_outcome for i in services.integrations.list()}
    assert stored == expected


def test_a_ping_that_answers_differently_later_is_judged_per_test(
    services: Services, test_pki: TestPki
) -> None:
    """The first anonymous ping fails with 503; the next ones are 401 Basic."""
    pings: list[int] = []

    def route(request: Recorded) -> Answer:
        challenge = [("WWW-Authenticate", 'Basic realm="r"')]
        version = [("Docker-Distribution-API-Version", "registry/2.0")]
        if request.headers.get("authorization"):
            return Answer(200, version)
        pings.append(1)
        if len(pings) == 1:
            return Answer(503, version)
        return Answer(401, challenge + version)

    with LoopbackServer(route, tls=test_pki.server) as server:
        items = [
            services.integrations.add(
                IntegrationDraft(
                    name=name,
                    provider="registry",
                    url=server.url,
                    username="alice",
                    ca_cert_pem=test_pki.ca.cert_pem,
                ),
                "pw",
            )
            for name in ("One", "Two", "Three")
        ]

        reports = RegistryChecks(services).test_all(max_workers=1)

    outcomes = sorted(reports[i.id].outcome.value for i in items)
    assert outcomes == ["ok", "ok", "ok"]


def test_a_cancelled_run_keeps_no_result_of_an_edit_made_meanwhile(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    wrong = add(services, registry_tls_htpasswd, "Wrong", password="nope")
    checks = RegistryChecks(services)
    fixed = threading.Event()

    def fix_the_password(*_args: object) -> None:
        if not fixed.is_set():
            draft = services.integrations.get_by_id(wrong.id).draft()
            services.integrations.edit(
                wrong.id, draft, registry_tls_htpasswd.password("alice")
            )
            fixed.set()

    reports = checks.test_all(progress=fix_the_password)

    assert reports[wrong.id].outcome.value == "bad-credentials"
    assert services.integrations.get_by_id(wrong.id).last_test_outcome is None
    assert checks.test_integration(wrong.id).ok


def test_the_list_command_shows_what_test_all_recorded(
    services: Services, registry_tls_htpasswd: RunningRegistry, data_dir: Path
) -> None:
    add(services, registry_tls_htpasswd, "Right")
    add(services, registry_tls_htpasswd, "Wrong", password="nope")
    RegistryChecks(services).test_all()

    done = subprocess.run(
        [sys.executable, "-m", "dtr_desktop", "integrations", "list", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    listed = {item["name"]: item for item in json.loads(done.stdout)}
    assert set(listed) == {"Right", "Wrong"}
    outcomes = {name: json.dumps(item) for name, item in listed.items()}
    assert "bad-credentials" in outcomes["Wrong"]
    assert '"ok"' in outcomes["Right"]


def test_a_rename_during_the_run_keeps_the_result(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    item = add(services, registry_tls_htpasswd, "Before")
    checks = RegistryChecks(services)
    checks.test_integration(item.id)  # a last test from before the run
    renamed = threading.Event()

    def rename(*_args: object) -> None:
        if not renamed.is_set():
            draft = services.integrations.get_by_id(item.id).draft()
            services.integrations.edit(item.id, replace(draft, name="After"))
            renamed.set()

    reports = checks.test_all(progress=rename)

    stored = services.integrations.get_by_id(item.id)
    assert stored.name == "After"
    assert stored.last_tested_at == reports[item.id].tested_at


def test_tests_waiting_on_a_ping_that_timed_out_do_not_wait_again(
    services: Services, test_pki: TestPki
) -> None:
    """A registry that never answers: the tests that waited for its shared
    ping meet that ping's timeout, instead of each sending its own and
    waiting as long again (a hung registry took twice the timeout)."""
    with LoopbackServer(
        lambda request: Answer(200, wait_seconds=60), tls=test_pki.server
    ) as server:
        for name in ("One", "Two", "Three"):
            services.integrations.add(
                IntegrationDraft(
                    name=name,
                    provider="registry",
                    url=server.url,
                    username="alice",
                    ca_cert_pem=test_pki.ca.cert_pem,
                ),
                "pw",
            )
        checks = RegistryChecks(services, timeouts=Timeouts(connect=2, read=1))

        reports = checks.test_all()

        assert [r.outcome.value for r in reports.values()] == ["timeout"] * 3
        assert len(server.requests) == 1
