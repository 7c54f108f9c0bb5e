"""Registry fixtures for the integration tests; see ``registry_servers``."""

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
