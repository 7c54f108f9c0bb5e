"""The registry checks service over stored integrations, and the CLI on top."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dtr_desktop.domain.values import Integration, IntegrationDraft
from dtr_desktop.registry import Access, Outcome
from dtr_desktop.registry.certificates import describe_pem
from dtr_desktop.registry.errors import CatalogNotAllowed
from dtr_desktop.services import Services
from dtr_desktop.services.registry_checks import ConnectionReport, RegistryChecks
from tests.fakes.loopback import Answer, LoopbackServer
from tests.fakes.pki import TestPki
from tests.integration.registry_servers import SEEDED, RunningRegistry

pytestmark = pytest.mark.registry


def add(
    services: Services,
    registry: RunningRegistry,
    name: str,
    *,
    user: str = "alice",
    password: str | None = None,
    with_ca: bool = True,
) -> Integration:
    draft = IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username=user,
        insecure=not registry.tls,
        ca_cert_pem=registry.ca_pem if with_ca else None,
    )
    return services.integrations.add(draft, password or registry.password(user))


def test_test_integration_records_the_result(
    services: Services, registry_tls_token: RunningRegistry
) -> None:
    integration = add(services, registry_tls_token, "Token registry")

    report = RegistryChecks(services).test_integration(integration.id)

    stored = services.integrations.get_by_id(integration.id)
    assert report.ok
    assert stored.last_test_outcome == "ok"
    assert stored.last_test_message == report.message
    assert stored.last_tested_at == report.tested_at


def test_draft_uses_the_stored_password_when_untouched(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    integration = add(services, registry_tls_htpasswd, "Basic registry")
    checks = RegistryChecks(services)

    untouched = checks.test_draft(
        integration.draft(), None, integration_id=integration.id
    )
    typed_wrong = checks.test_draft(
        integration.draft(), "not-it", integration_id=integration.id
    )

    assert untouched.outcome is Outcome.OK
    assert typed_wrong.outcome is Outcome.BAD_CREDENTIALS
    assert services.integrations.get_by_id(integration.id).last_test_outcome is None


def test_test_all_reports_progress_and_records_each(
    services: Services,
    registry_tls_token: RunningRegistry,
    registry_tls_htpasswd: RunningRegistry,
    registry_http_htpasswd: RunningRegistry,
) -> None:
    expected = {
        add(services, registry_tls_token, "A token").id: Outcome.OK,
        add(services, registry_tls_htpasswd, "B basic").id: Outcome.OK,
        add(services, registry_http_htpasswd, "C plain").id: Outcome.OK,
        add(services, registry_tls_htpasswd, "D no CA", with_ca=False).id: (
            Outcome.UNTRUSTED_CERTIFICATE
        ),
        add(services, registry_tls_token, "E wrong", password="wrong").id: (
            Outcome.BAD_CREDENTIALS
        ),
    }
    seen: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, item: Integration, _: ConnectionReport) -> None:
        seen.append((done, total, item.id))

    reports = RegistryChecks(services).test_all(progress=progress, max_workers=3)

    assert {key: r.outcome for key, r in reports.items()} == expected
    assert [(done, total) for done, total, _ in seen] == [(n, 5) for n in range(1, 6)]
    assert {item for _, _, item in seen} == set(expected)
    stored = {i.id: i.last_test_outcome for i in services.integrations.list()}
    assert stored == {key: outcome.value for key, outcome in expected.items()}


def test_access_and_browsing_through_the_service(
    services: Services, registry_tls_token: RunningRegistry
) -> None:
    writer = add(services, registry_tls_token, "Writer")
    reader = add(services, registry_tls_token, "Reader", user="reader")
    checks = RegistryChecks(services)

    access = checks.check_access(reader.id, "team/app")
    first = checks.list_repositories(writer.id, page_size=2)
    rest = checks.list_repositories(writer.id, cursor=first.next_cursor, page_size=2)
    tags = checks.list_tags(reader.id, "team/app")

    assert (access.pull.state, access.push.state) == (Access.GRANTED, Access.DENIED)
    assert sorted(first.items + rest.items) == sorted(SEEDED)
    assert sorted(tags.items) == sorted(SEEDED["team/app"])
    with pytest.raises(CatalogNotAllowed):
        checks.list_repositories(reader.id)


def test_trust_a_fetched_dtr_ca(
    services: Services, registry_tls_htpasswd: RunningRegistry, test_pki: TestPki
) -> None:
    def serve_ca(request: object) -> Answer:
        return Answer(
            200, [("Content-Type", "text/plain")], test_pki.ca.cert_pem.encode()
        )

    checks = RegistryChecks(services)
    draft = IntegrationDraft("DTR", "dtr", registry_tls_htpasswd.url, "alice")
    password = registry_tls_htpasswd.password()
    with LoopbackServer(serve_ca, tls=test_pki.server) as dtr:
        fetched = checks.fetch_dtr_ca(dtr.url)

    before = checks.test_draft(draft, password)
    from dataclasses import replace

    after = checks.test_draft(replace(draft, ca_cert_pem=fetched.pem), password)

    expected = describe_pem(test_pki.ca.cert_pem)[0].sha256_fingerprint
    assert fetched.source_url == f"{dtr.url}/ca"
    assert [c.sha256_fingerprint for c in fetched.certificates] == [expected]
    assert before.outcome is Outcome.UNTRUSTED_CERTIFICATE
    assert after.outcome is Outcome.OK


def dtr_desktop(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("dtr-desktop")
    return subprocess.run(
        [str(command), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_integrations_test_json(
    registry_tls_token: RunningRegistry, tmp_path: Path, data_dir: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(registry_tls_token.ca_pem or "")
    for name, user in (("ci", "reader"), ("ci-wrong", "alice")):
        password = registry_tls_token.password(user)
        added = dtr_desktop(
            "integrations",
            "add",
            "--type",
            "registry",
            "--name",
            name,
            "--url",
            registry_tls_token.url,
            "--username",
            user,
            "--ca-file",
            str(ca_file),
            "--password-stdin",
            stdin=password + ("x" if name == "ci-wrong" else "") + "\n",
        )
        assert added.returncode == 0, added.stderr

    ok = dtr_desktop("integrations", "test", "ci", "--json")
    with_repo = dtr_desktop(
        "integrations", "test", "ci", "--repository", "team/app", "--json"
    )
    wrong = dtr_desktop("integrations", "test", "ci-wrong", "--json")
    text = dtr_desktop("integrations", "test", "ci-wrong")

    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {
        "ok": True,
        "outcome": "ok",
        "message": json.loads(ok.stdout)["message"],
    }
    repo = json.loads(with_repo.stdout)
    assert with_repo.returncode == 0
    assert (repo["ok"], repo["outcome"], repo["pull"], repo["push"]) == (
        True,
        "ok",
        "granted",
        "denied",
    )
    assert wrong.returncode != 0
    assert json.loads(wrong.stdout)["outcome"] == "bad-credentials"
    assert json.loads(wrong.stdout)["ok"] is False
    assert text.returncode != 0
    assert text.stdout.startswith("ci-wrong: bad-credentials: ")
    logs = "".join(p.read_text() for p in data_dir.rglob("*.log*"))
    assert "connection test: bad-credentials" in logs
    for user in registry_tls_token.users.values():
        assert user.password not in logs + ok.stderr + wrong.stderr


def test_test_all_cancelled_records_nothing(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    import threading

    add(services, registry_tls_htpasswd, "One")
    add(services, registry_tls_htpasswd, "Two")
    cancel = threading.Event()
    cancel.set()

    reports = RegistryChecks(services).test_all(cancel=cancel)

    assert reports == {}
    assert [i.last_test_outcome for i in services.integrations.list()] == [None, None]
