"""No password, Basic header or token may appear in logs, messages or errors."""

from __future__ import annotations

import base64
import logging
import re

import pytest

from dtr_desktop.registry import Credentials, RegistryClient, RegistryTarget
from dtr_desktop.registry.errors import RegistryError
from dtr_desktop.services.registry_checks import run_connection_test
from tests.fakes.loopback import LoopbackServer
from tests.integration.registry_servers import RunningRegistry

pytestmark = pytest.mark.registry

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.")


def _forbidden(registry: RunningRegistry) -> list[str]:
    words = []
    for user in registry.users.values():
        for password in (user.password, user.password + "x"):
            raw = f"{user.name}:{password}".encode()
            words += [password, base64.b64encode(raw).decode()]
    return words


def test_no_secret_in_logs_messages_or_errors(
    caplog: pytest.LogCaptureFixture,
    registry_tls_token: RunningRegistry,
    registry_tls_htpasswd: RunningRegistry,
    registry_token_service: LoopbackServer,
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    for registry in (registry_tls_token, registry_tls_htpasswd):
        target = RegistryTarget(registry.url, ca_cert_pem=registry.ca_pem)
        for user in ("alice", "reader", "stranger"):
            for password in (registry.password(user), registry.password(user) + "x"):
                login = Credentials(user, password)
                report = run_connection_test(target, login, repository="team/app")
                texts += [report.message, repr(report), repr(login)]
                texts += _browse(target, login)

    captured = caplog.text + "\n".join(texts)
    leaked = [word for word in _forbidden(registry_tls_token) if word in captured]
    assert leaked == []
    # Challenges (``Bearer realm=...``) may appear; credentials never do.
    assert re.search(r"(?i)\b(bearer|basic) (?!realm=)", captured) is None
    assert _JWT.search(captured) is None
    assert len(registry_token_service.requests) > 10


def _browse(target: RegistryTarget, login: Credentials) -> list[str]:
    texts = []
    with RegistryClient(target, login) as client:
        for action in (client.catalog_page, lambda: client.tags_page("team/none")):
            try:
                texts.append(repr(action()))
            except RegistryError as error:
                texts += [str(error), repr(error), repr(error.__cause__)]
    return texts
