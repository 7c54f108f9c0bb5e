"""Connection tests, access checks and browsing against real registries."""

from __future__ import annotations

import pytest

from dtr_desktop.registry import Access, Credentials, Outcome, RegistryClient
from dtr_desktop.registry.client import RegistryTarget
from dtr_desktop.registry.errors import CatalogNotAllowed, RepositoryNotFound
from dtr_desktop.services.registry_checks import run_connection_test
from tests.fakes.loopback import LoopbackServer
from tests.fakes.pki import TestPki
from tests.integration.registry_servers import SEEDED, RunningRegistry

pytestmark = pytest.mark.registry


def target(registry: RunningRegistry, **changes: object) -> RegistryTarget:
    values: dict[str, object] = {
        "url": registry.url,
        "insecure": not registry.tls,
        "ca_cert_pem": registry.ca_pem,
    }
    values.update(changes)
    return RegistryTarget(**values)  # type: ignore[arg-type]


def login(registry: RunningRegistry, user: str = "alice") -> Credentials:
    return Credentials(user, registry.password(user))


@pytest.fixture(
    params=["registry_tls_htpasswd", "registry_tls_token", "registry_http_htpasswd"]
)
def any_registry(request: pytest.FixtureRequest) -> RunningRegistry:
    registry: RunningRegistry = request.getfixturevalue(request.param)
    return registry


def test_connection_ok(any_registry: RunningRegistry) -> None:
    report = run_connection_test(target(any_registry), login(any_registry))

    assert (report.outcome, report.ok) == (Outcome.OK, True)
    assert report.message.startswith("Signed in to 127.0.0.1:")


def test_wrong_password(any_registry: RunningRegistry) -> None:
    wrong = Credentials("alice", any_registry.password("alice") + "x")

    report = run_connection_test(target(any_registry), wrong)

    assert report.outcome is Outcome.BAD_CREDENTIALS
    assert not report.ok
    assert "user name or password" in report.message


def test_unknown_user_on_token_registry(registry_tls_token: RunningRegistry) -> None:
    report = run_connection_test(
        target(registry_tls_token), Credentials("mallory", "guess")
    )

    assert report.outcome is Outcome.BAD_CREDENTIALS


def test_anonymous_is_refused_where_a_login_is_needed(
    any_registry: RunningRegistry,
) -> None:
    report = run_connection_test(target(any_registry), None)

    assert report.outcome is Outcome.BAD_CREDENTIALS
    assert "needs a user name and password" in report.message


def test_read_only_user_can_pull_not_push(registry_tls_token: RunningRegistry) -> None:
    report = run_connection_test(
        target(registry_tls_token),
        login(registry_tls_token, "reader"),
        repository="team/app",
    )

    assert report.outcome is Outcome.OK
    assert report.access is not None
    assert report.access.pull.state is Access.GRANTED
    assert report.access.push.state is Access.DENIED
    assert "does not grant push" in report.access.push.reason


def test_writer_can_pull_and_push_and_leaves_no_upload(
    registry_tls_token: RunningRegistry, registry_token_service: LoopbackServer
) -> None:
    report = run_connection_test(
        target(registry_tls_token), login(registry_tls_token), repository="team/tools"
    )

    assert report.access is not None
    assert (report.access.pull.state, report.access.push.state) == (
        Access.GRANTED,
        Access.GRANTED,
    )
    uploads = registry_tls_token.root / (
        "data/docker/registry/v2/repositories/team/tools/_uploads"
    )
    leftovers = list(uploads.rglob("data")) if uploads.exists() else []
    assert leftovers == []
    asked = [r.query.get("scope", []) for r in registry_token_service.requests]
    assert any("repository:team/tools:delete" in scopes for scopes in asked)


def test_user_without_rights_has_no_permission(
    registry_tls_token: RunningRegistry,
) -> None:
    report = run_connection_test(
        target(registry_tls_token),
        login(registry_tls_token, "stranger"),
        repository="team/app",
    )

    assert report.outcome is Outcome.NO_PERMISSION
    assert report.access is not None
    assert report.access.pull.state is Access.DENIED
    assert report.access.push.state is Access.DENIED


def test_unknown_repository(any_registry: RunningRegistry) -> None:
    report = run_connection_test(
        target(any_registry), login(any_registry), repository="team/does-not-exist"
    )

    assert report.outcome is Outcome.OK
    assert report.access is not None
    assert report.access.pull.state is Access.UNKNOWN
    assert "does not exist" in report.access.pull.reason
    assert report.access.push.state is Access.GRANTED


def test_catalog_pagination(any_registry: RunningRegistry) -> None:
    with RegistryClient(target(any_registry), login(any_registry)) as client:
        first = client.catalog_page(page_size=2)
        assert first.next_cursor is not None
        second = client.catalog_page(first.next_cursor, page_size=2)

    assert len(first.items) == 2
    assert second.next_cursor is None
    assert sorted(first.items + second.items) == sorted(SEEDED)


def test_all_tags_by_following_cursors(any_registry: RunningRegistry) -> None:
    """distribution 2.8 ignores ``n`` for tags (one page); the fakes paginate."""
    tags: list[str] = []
    cursor: str | None = None
    with RegistryClient(target(any_registry), login(any_registry)) as client:
        for _ in range(5):
            page = client.tags_page("team/app", cursor, page_size=2)
            tags += page.items
            cursor = page.next_cursor
            if cursor is None:
                break

    assert cursor is None
    assert sorted(tags) == sorted(SEEDED["team/app"])


def test_tags_of_unknown_repository(registry_tls_htpasswd: RunningRegistry) -> None:
    with (
        RegistryClient(
            target(registry_tls_htpasswd), login(registry_tls_htpasswd)
        ) as client,
        pytest.raises(RepositoryNotFound, match="team/nope"),
    ):
        client.tags_page("team/nope")


def test_catalog_not_allowed_for_reader(registry_tls_token: RunningRegistry) -> None:
    with (
        RegistryClient(
            target(registry_tls_token), login(registry_tls_token, "reader")
        ) as client,
        pytest.raises(CatalogNotAllowed, match="Type the name of a repository"),
    ):
        client.catalog_page()


def test_reader_lists_tags_without_catalog(registry_tls_token: RunningRegistry) -> None:
    with RegistryClient(
        target(registry_tls_token), login(registry_tls_token, "reader")
    ) as client:
        page = client.tags_page("team/tools")

    assert page.items == ("1.0",)


def test_untrusted_without_the_integration_ca(
    registry_tls_htpasswd: RunningRegistry, test_pki: TestPki
) -> None:
    report = run_connection_test(
        target(registry_tls_htpasswd, ca_cert_pem=None), login(registry_tls_htpasswd)
    )

    assert report.outcome is Outcome.UNTRUSTED_CERTIFICATE
    assert report.certificate is not None
    server = test_pki.server.certificate
    assert report.certificate.sha256_fingerprint == _fingerprint(server)
    assert "CN=localhost" in report.certificate.subject
    assert "CN=dtr-desktop test CA" in report.certificate.issuer
    assert report.certificate.ip_addresses == ("127.0.0.1",)


def test_untrusted_with_an_unrelated_ca(
    registry_tls_htpasswd: RunningRegistry, test_pki: TestPki
) -> None:
    report = run_connection_test(
        target(registry_tls_htpasswd, ca_cert_pem=test_pki.other_ca.cert_pem),
        login(registry_tls_htpasswd),
    )

    assert report.outcome is Outcome.UNTRUSTED_CERTIFICATE
    assert "not trusted" in report.message


def test_plain_http_needs_the_insecure_mark(
    registry_http_htpasswd: RunningRegistry,
) -> None:
    report = run_connection_test(
        target(registry_http_htpasswd, insecure=False), login(registry_http_htpasswd)
    )

    assert report.outcome is Outcome.INSECURE_REFUSED
    assert "insecure registry" in report.message


def _fingerprint(cert: object) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    assert isinstance(cert, x509.Certificate)
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def test_tokens_are_reused_per_scope(
    registry_tls_token: RunningRegistry, registry_token_service: LoopbackServer
) -> None:
    with RegistryClient(
        target(registry_tls_token), login(registry_tls_token)
    ) as client:
        client.catalog_page()
        before = len(registry_token_service.requests)
        client.catalog_page()
        client.catalog_page()

    assert len(registry_token_service.requests) == before


def test_trusting_the_presented_certificate_works(
    registry_tls_htpasswd: RunningRegistry,
) -> None:
    """The Trust button can pin the server's own certificate when no CA is at hand."""
    untrusted = run_connection_test(
        target(registry_tls_htpasswd, ca_cert_pem=None), login(registry_tls_htpasswd)
    )
    assert untrusted.certificate is not None
    assert not untrusted.certificate.is_ca

    pinned = run_connection_test(
        target(registry_tls_htpasswd, ca_cert_pem=untrusted.certificate.pem),
        login(registry_tls_htpasswd),
    )

    assert pinned.outcome is Outcome.OK
