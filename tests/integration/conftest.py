"""Registry fixtures for the integration tests; see ``registry_servers``."""

import os

import pytest

from tests.integration.registry_servers import (
    _registry_files,
    registry_http_htpasswd,
    registry_tls_htpasswd,
    registry_tls_token,
    registry_token_service,
    test_pki,
)

__all__ = [
    "_registry_files",
    "registry_http_htpasswd",
    "registry_tls_htpasswd",
    "registry_tls_token",
    "registry_token_service",
    "test_pki",
]


@pytest.fixture(autouse=True)
def _loopback_bypasses_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Servers under test are on 127.0.0.1: never send them through a proxy."""
    for name in ("NO_PROXY", "no_proxy"):
        current = [part for part in (os.environ.get(name) or "").split(",") if part]
        monkeypatch.setenv(name, ",".join([*current, "127.0.0.1", "localhost"]))
