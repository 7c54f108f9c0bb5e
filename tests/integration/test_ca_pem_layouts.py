"""A CA certificate the form accepts is one a connection test trusts.

People paste CAs with the last base64 line run into the END marker; the
form read them (``cryptography``), the connection refused them (``ssl``).
These tests hold that such a CA is saved in standard PEM and passes a real
TLS registry's connection test, from the services, the CLI and a CA saved
by an older version as it was pasted.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.services import Services
from dtr_desktop.services.registry_checks import RegistryChecks
from dtr_desktop.store.queries import IntegrationStore
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry

END = "-----END CERTIFICATE-----"


def run_into_end(pem: str) -> str:
    """The CA with its last base64 line running straight into the END marker."""
    return pem.replace(f"\n{END}", END)


def draft(registry: RunningRegistry, name: str, ca_pem: str) -> IntegrationDraft:
    return IntegrationDraft(
        name=name,
        provider="registry",
        url=registry.url,
        username="alice",
        ca_cert_pem=ca_pem,
    )


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


def test_odd_pem_is_saved_in_standard_form_and_passes_the_test(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    odd = run_into_end(registry.ca_pem or "")
    assert odd != registry.ca_pem

    added = services.integrations.add(
        draft(registry, "Odd CA", odd), registry.password()
    )
    report = RegistryChecks(services).test_integration(added.id)

    assert (
        services.integrations.get_by_id(added.id).ca_cert_pem
        == (registry.ca_pem or "").strip()
    )
    assert report.outcome.value == "ok", report.message


def test_odd_pem_passes_test_connection_before_saving(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    odd = run_into_end(registry.ca_pem or "")

    report = RegistryChecks(services).test_draft(
        draft(registry, "Unsaved", odd), registry.password()
    )

    assert report.outcome.value == "ok", report.message


def test_odd_pem_saved_by_an_older_version_still_works(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    odd = run_into_end(registry.ca_pem or "")
    with services.session() as session:
        row = IntegrationStore(session).add(draft(registry, "Old CA", odd))
        session.commit()
        integration_id = row.id
    services.secrets.set(integration_id, registry.password())

    report = RegistryChecks(services).test_integration(integration_id)
    stored = services.integrations.get_by_id(integration_id)
    edited = services.integrations.edit(
        integration_id, replace(stored.draft(), email="ops@example.com")
    )

    assert report.outcome.value == "ok", report.message
    assert stored.ca_cert_pem == odd
    assert edited.ca_cert_pem == (registry.ca_pem or "").strip()
    assert edited.last_test_outcome == "ok"  # the same trust: the test still holds


def test_unreadable_pem_is_refused_with_the_field_named(
    services: Services, registry_tls_htpasswd: RunningRegistry
) -> None:
    registry = registry_tls_htpasswd
    broken = f"-----BEGIN CERTIFICATE-----\nnot base64 at all\n{END}\n"

    with pytest.raises(ValidationError) as refused:
        services.integrations.add(draft(registry, "Broken", broken), "pw")

    assert "not a PEM certificate" in refused.value.field_errors["ca_cert_pem"]
    assert services.integrations.list() == []


def test_cli_adds_an_odd_pem_that_integrations_test_then_trusts(
    registry_tls_htpasswd: RunningRegistry, tmp_path: Path
) -> None:
    registry = registry_tls_htpasswd
    odd_file = tmp_path / "bad.pem"
    odd_file.write_text(run_into_end(registry.ca_pem or ""))
    broken_file = tmp_path / "broken.pem"
    broken_file.write_text(f"-----BEGIN CERTIFICATE-----\nAAAA\n{END}\n")
    common = ["integrations", "add", "--type", "registry", "--url", registry.url]
    login = ["--username", "alice", "--password-stdin"]

    added = dtr_desktop(
        *common, "--name", "odd", *login, "--ca-file", str(odd_file),
        stdin=registry.password() + "\n",
    )  # fmt: skip
    tested = dtr_desktop("integrations", "test", "odd")
    refused = dtr_desktop(
        *common, "--name", "broken", *login, "--ca-file", str(broken_file),
        stdin=registry.password() + "\n",
    )  # fmt: skip
    listed = dtr_desktop("integrations", "list")

    assert added.returncode == 0, added.stderr
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.startswith("odd: ok: ")
    assert refused.returncode == 1
    assert f"ca_file: {broken_file}: This is not a PEM certificate" in refused.stderr
    assert "broken" not in listed.stdout
