"""Connection tests, access checks and browsing for integrations.

What the Add/Edit dialog, the Integrations table, Test all, Browse and the
``integrations test`` command call. Everything here blocks on the network
(within the timeouts), so a window calls it from a worker thread. Pass a
``threading.Event`` as ``cancel``; setting it makes the call raise
:class:`~dtr_desktop.registry.errors.CheckCancelled` within ~50 ms, even while
a request is waiting for the server.

A connection test never raises for a registry failure: it returns a
:class:`ConnectionReport` whose ``outcome`` and ``message`` say what
happened. Listings and access checks raise
:class:`~dtr_desktop.registry.errors.RegistryError` instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import TYPE_CHECKING

import httpx

from dtr_desktop.domain.errors import IntegrationNotFound
from dtr_desktop.domain.validation import clean_draft
from dtr_desktop.domain.values import Integration, IntegrationDraft, TestResult
from dtr_desktop.registry.auth import Credentials
from dtr_desktop.registry.certificates import CertificateInfo
from dtr_desktop.registry.client import (
    Access,
    AccessReport,
    LoginResult,
    Page,
    RegistryClient,
    RegistryTarget,
    SharedPings,
    check_repository_name,
)
from dtr_desktop.registry.dtr_ca import FetchedCa, fetch_dtr_ca
from dtr_desktop.registry.errors import (
    CertificateProblem,
    CheckCancelled,
    Outcome,
    RateLimited,
    RegistryError,
)
from dtr_desktop.registry.http import Timeouts, make_http_client
from dtr_desktop.registry.tls import trust_context

if TYPE_CHECKING:
    from dtr_desktop.services.app import Services
    from dtr_desktop.store.direct import StoredTarget

log = logging.getLogger(__name__)

#: Called as each integration of Test all finishes: (done, total, which, report).
Progress = Callable[[int, int, Integration, "ConnectionReport"], None]

#: Tests Test all runs at once at most. A test of a registry a network away
#: mostly waits (two or three round trips), so many run side by side.
TEST_ALL_WORKERS = 16
#: Tests run at once when every registry answered its ping quickly (the same
#: machine or network): then a test mostly costs CPU here and at the
#: registry, and more threads only compete for it and for the window's GIL.
NEAR_AT_ONCE = 4
#: A ping (with its connection set-up) slower than this marks a far registry.
FAR_PING_SECONDS = 0.03


@dataclass(frozen=True, slots=True)
class ConnectionReport:
    """The result of a connection test, ready to show and to store."""

    outcome: Outcome
    message: str
    tested_at: datetime
    access: AccessReport | None = None
    certificate: CertificateInfo | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True only when the credentials were proven (``outcome`` is ok)."""
        return self.outcome is Outcome.OK

    def as_test_result(self) -> TestResult:
        return TestResult(self.outcome.value, self.message, self.tested_at)

    def to_json(self) -> dict[str, object]:
        """The shape ``integrations test --json`` prints."""
        document: dict[str, object] = {
            "ok": self.ok,
            "outcome": self.outcome.value,
            "message": self.message,
        }
        if self.access is not None:
            document["repository"] = self.access.repository
            document["pull"] = self.access.pull.state.value
            document["push"] = self.access.push.state.value
            document["reasons"] = {
                "pull": self.access.pull.reason,
                "push": self.access.push.reason,
            }
        if self.certificate is not None:
            document["certificate"] = self.certificate.to_json()
        if self.retry_after is not None:
            document["retry_after"] = self.retry_after
        return document


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def target_of(draft: IntegrationDraft | Integration) -> RegistryTarget:
    return RegistryTarget(draft.url, draft.insecure, draft.ca_cert_pem)


def credentials_of(username: str, password: str | None) -> Credentials | None:
    """``None`` for an anonymous integration (no user name)."""
    if not username:
        return None
    return Credentials(username, password or "")


def run_connection_test(
    target: RegistryTarget,
    credentials: Credentials | None,
    *,
    repository: str | None = None,
    timeouts: Timeouts | None = None,
    http_client: httpx.Client | None = None,
    cancel: threading.Event | None = None,
    pings: SharedPings | None = None,
) -> ConnectionReport:
    """Ping, prove the credentials, and check ``repository`` if given.

    ``pings`` shares the anonymous ping with other tests of the same
    registry (Test all). Raises only :class:`CheckCancelled` and, for a bad
    repository name, :class:`~dtr_desktop.domain.errors.ValidationError`.
    """
    if repository is not None:
        repository = check_repository_name(repository)
    if credentials is not None and not credentials.password:
        return ConnectionReport(
            Outcome.BAD_CREDENTIALS,
            "No password is stored for this integration. Edit it and enter the "
            "password or access token.",
            _now(),
        )
    try:
        with RegistryClient(
            target,
            credentials,
            timeouts=timeouts,
            http_client=http_client,
            cancel=cancel,
            pings=pings,
        ) as client:
            login = client.check_login()
            access = client.check_access(repository) if repository else None
            report = _compose(login, access, client.credentials_proven)
    except CheckCancelled:
        raise
    except RegistryError as error:
        report = _failure(error)
    log.info("connection test: %s", report.outcome.value)
    return report


def _failure(error: RegistryError) -> ConnectionReport:
    certificate = error.certificate if isinstance(error, CertificateProblem) else None
    retry_after = error.retry_after if isinstance(error, RateLimited) else None
    return ConnectionReport(
        error.outcome, str(error), _now(), None, certificate, retry_after
    )


def _compose(
    login: LoginResult, access: AccessReport | None, proven: bool
) -> ConnectionReport:
    """One verdict from the ping and, when a repository was named, its access."""
    if access is None:
        return ConnectionReport(login.outcome, login.message, _now())
    outcome, message = login.outcome, login.message
    if outcome is Outcome.UNVERIFIED and proven:
        outcome = Outcome.OK
        message = f"Signed in (checked on {access.repository})."
    denied = (access.pull.state, access.push.state) == (Access.DENIED, Access.DENIED)
    if outcome is Outcome.OK and denied:
        outcome = Outcome.NO_PERMISSION
        message = (
            f"Signed in, but this account may neither pull from nor push to "
            f"{access.repository}. Ask the registry's administrator for access."
        )
    return ConnectionReport(outcome, message, _now(), access)


class RegistryChecks:
    """Registry use cases over stored integrations and typed-in drafts."""

    def __init__(self, services: Services, *, timeouts: Timeouts | None = None) -> None:
        self._services = services
        self.timeouts = timeouts or Timeouts()

    # -- connection tests ------------------------------------------------------

    def test_integration(
        self,
        integration_id: str,
        *,
        repository: str | None = None,
        cancel: threading.Event | None = None,
    ) -> ConnectionReport:
        """Test a stored integration with its keyring password; record the result."""
        integration = self._services.integrations.get_by_id(integration_id)
        password = self._password(integration)
        report = run_connection_test(
            target_of(integration),
            credentials_of(integration.username, password),
            repository=repository,
            timeouts=self.timeouts,
            cancel=cancel,
        )
        self._services.integrations.record_test(integration_id, report.as_test_result())
        return report

    def test_by_name(
        self, name: str, *, repository: str | None = None
    ) -> tuple[str, ConnectionReport]:
        """Test the stored integration ``name`` for a one-shot command; record it.

        Returns the integration's stored name and the report. The command
        line runs this once per process, where loading the ORM and keyring's
        backend discovery cost several times the test itself: the
        integration is read and the result recorded with plain SQL
        (``store.direct``), and the secret read as the credential helper reads
        it. A database that plain SQL cannot use (none yet, another schema
        revision) goes through the store like the window.
        """
        from dtr_desktop.domain.validation import name_key
        from dtr_desktop.store import direct

        data_dir = self._services.data_dir
        reader = direct.connect(data_dir)
        if reader is None:
            integration = self._services.integrations.get(name)
            report = self.test_integration(integration.id, repository=repository)
            return integration.name, report
        with closing(reader):
            stored = direct.target_by_name(reader, name_key(name))
        if stored is None:
            raise IntegrationNotFound(name)
        report = run_connection_test(
            RegistryTarget(stored.url, stored.insecure, stored.ca_cert_pem),
            credentials_of(stored.username, self._command_password(stored)),
            repository=repository,
            timeouts=self.timeouts,
        )
        self._record_directly(stored, report)
        return stored.name, report

    def _command_password(self, stored: StoredTarget) -> str | None:
        from dtr_desktop.secret_store import KeyringSecretStore

        if not stored.username:
            return None
        secrets = self._services.secrets
        if isinstance(secrets, KeyringSecretStore):
            return secrets.get_for_command(stored.id, self._services.data_dir)
        return secrets.get(stored.id)

    def _record_directly(self, stored: StoredTarget, report: ConnectionReport) -> None:
        from dtr_desktop.store import direct

        writer = direct.connect(self._services.data_dir, writable=True)
        if writer is None:  # migrated by someone else meanwhile
            self._services.integrations.record_test(stored.id, report.as_test_result())
            return
        with closing(writer):
            if not direct.record_test(writer, stored.id, report.as_test_result()):
                raise IntegrationNotFound(stored.name)

    def test_draft(
        self,
        draft: IntegrationDraft,
        password: str | None,
        *,
        integration_id: str | None = None,
        repository: str | None = None,
        cancel: threading.Event | None = None,
    ) -> ConnectionReport:
        """Test what the Add/Edit form holds; nothing is stored.

        ``password=None`` with an ``integration_id`` uses that integration's
        stored password (an Edit form whose password field was not touched).
        Raises ``ValidationError`` when the form itself is invalid.
        """
        draft = clean_draft(draft)
        if password is None and integration_id is not None:
            password = self._services.integrations.password(integration_id)
        return run_connection_test(
            target_of(draft),
            credentials_of(draft.username, password),
            repository=repository,
            timeouts=self.timeouts,
            cancel=cancel,
        )

    def test_all(
        self,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        max_workers: int = TEST_ALL_WORKERS,
    ) -> dict[str, ConnectionReport]:
        """Test every integration concurrently; record and report each as it ends.

        Integrations with the same CA settings share one connection pool, and
        those of one registry its anonymous ping, sent while the passwords
        are read. How long those pings took sets how many tests run at once
        (``NEAR_AT_ONCE``, or up to ``max_workers`` for far registries).
        ``progress`` runs in the calling thread. When ``cancel`` is set,
        unfinished tests are dropped and those finished are returned. A result
        is not recorded for an integration edited while the run went on (it
        tested the values read when the run started).
        """
        started = _now()
        integrations = self._services.integrations.list()
        reports: dict[str, ConnectionReport] = {}
        workers = max(1, max_workers)
        with (
            _SharedClients(self.timeouts) as shared,
            ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="test-all"
            ) as pool,
        ):
            warming = [
                pool.submit(shared.warm_up, target, cancel)
                for target in {target_of(i) for i in integrations}
            ]
            passwords = self._services.secrets.get_many(
                [i.id for i in integrations if i.username]
            )
            at_once = workers if _far_away(warming) else min(workers, NEAR_AT_ONCE)

            def test(integration: Integration) -> ConnectionReport:
                password = passwords.get(integration.id)
                return self._test_one(integration, password, shared, cancel)

            try:
                finished = _finished(pool, test, integrations, at_once, cancel)
                for integration, report in finished:
                    reports[integration.id] = report
                    if progress is not None:
                        progress(len(reports), len(integrations), integration, report)
            finally:
                self._record_all(reports, started)
        return reports

    def _record_all(
        self, reports: dict[str, ConnectionReport], started: datetime
    ) -> None:
        """One transaction (one statement) for every result.

        An integration deleted or edited since ``started`` is skipped.
        """
        from dtr_desktop.store.queries import IntegrationStore

        if not reports:
            return
        results = {key: report.as_test_result() for key, report in reports.items()}
        with self._services.session() as session:
            skipped = IntegrationStore(session).record_tests(results, started)
        for integration_id in sorted(skipped):
            log.info(
                "integration %s was edited or deleted during Test all; its result "
                "is not recorded",
                integration_id,
            )

    def _test_one(
        self,
        integration: Integration,
        password: str | None,
        shared: _SharedClients,
        cancel: threading.Event | None,
    ) -> ConnectionReport:
        target = target_of(integration)
        try:
            client = shared.client_for(target)
        except RegistryError as error:
            return _failure(error)
        return run_connection_test(
            target,
            credentials_of(integration.username, password),
            timeouts=self.timeouts,
            http_client=client,
            cancel=cancel,
            pings=shared.pings,
        )

    # -- access and browsing ---------------------------------------------------

    def check_access(
        self,
        integration_id: str,
        repository: str,
        *,
        cancel: threading.Event | None = None,
    ) -> AccessReport:
        """Pull and push rights on ``repository``; raises ``RegistryError``."""
        with self._client(integration_id, cancel) as client:
            return client.check_access(repository)

    def list_repositories(
        self,
        integration_id: str,
        *,
        cursor: str | None = None,
        page_size: int = 100,
        cancel: threading.Event | None = None,
    ) -> Page:
        """One page of the catalog; ``CatalogNotAllowed`` when it is not listed.

        Pass the returned ``next_cursor`` to get the next page.
        """
        with self._client(integration_id, cancel) as client:
            return client.catalog_page(cursor, page_size)

    def list_tags(
        self,
        integration_id: str,
        repository: str,
        *,
        cursor: str | None = None,
        page_size: int = 100,
        cancel: threading.Event | None = None,
    ) -> Page:
        """One page of the tags of ``repository``; ``RepositoryNotFound`` if none."""
        with self._client(integration_id, cancel) as client:
            return client.tags_page(repository, cursor, page_size)

    def fetch_dtr_ca(
        self, url: str, *, cancel: threading.Event | None = None
    ) -> FetchedCa:
        """The CA that a DTR serves at ``/ca``, unverified, for the user to confirm."""
        return fetch_dtr_ca(url, timeouts=self.timeouts, cancel=cancel)

    # -- helpers ---------------------------------------------------------------

    def _password(self, integration: Integration) -> str | None:
        if not integration.username:
            return None
        return self._services.integrations.password(integration.id)

    def _client(
        self, integration_id: str, cancel: threading.Event | None
    ) -> RegistryClient:
        integration = self._services.integrations.get_by_id(integration_id)
        return RegistryClient(
            target_of(integration),
            credentials_of(integration.username, self._password(integration)),
            timeouts=self.timeouts,
            cancel=cancel,
        )


class _SharedClients:
    """What Test all's tests share: one httpx client (connection pool) per
    distinct CA setting, and each registry's anonymous ping."""

    def __init__(self, timeouts: Timeouts) -> None:
        self._timeouts = timeouts
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()
        self._stack = ExitStack()
        self.pings = SharedPings()

    def warm_up(self, target: RegistryTarget, cancel: threading.Event | None) -> float:
        """Connect and ping ``target``'s registry before its tests need it.

        Returns the seconds it took.
        """
        started = time.monotonic()
        try:
            client = RegistryClient(
                target,
                timeouts=self._timeouts,
                http_client=self.client_for(target),
                cancel=cancel,
                pings=self.pings,
            )
            client.warm_up()
        except (RegistryError, CheckCancelled):
            pass  # each test meets the problem itself and reports it
        return time.monotonic() - started

    def client_for(self, target: RegistryTarget) -> httpx.Client:
        key = target.ca_cert_pem or ""
        with self._lock:
            if key not in self._clients:
                client = make_http_client(trust_context(key or None), self._timeouts)
                self._clients[key] = self._stack.enter_context(client)
            return self._clients[key]

    def __enter__(self) -> _SharedClients:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()


def _far_away(warming: list[Future[float]]) -> bool:
    """Whether a registry took long to connect and answer its ping.

    Checked once the passwords are read: a ping still running then, or one
    that took longer than ``FAR_PING_SECONDS``, means tests mostly wait.
    """
    return any(not ping.done() or ping.result() > FAR_PING_SECONDS for ping in warming)


def _finished(
    pool: ThreadPoolExecutor,
    test: Callable[[Integration], ConnectionReport],
    integrations: list[Integration],
    at_once: int,
    cancel: threading.Event | None,
) -> Iterator[tuple[Integration, ConnectionReport]]:
    """Run ``test`` on each integration, ``at_once`` at a time; yield as they end.

    On cancel, tests not started are dropped and those cancelled skipped.
    """
    waiting = iter(integrations)
    running: dict[Future[ConnectionReport], Integration] = {}

    def top_up() -> None:
        for integration in islice(waiting, at_once - len(running)):
            running[pool.submit(test, integration)] = integration

    top_up()
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        if cancel is not None and cancel.is_set():
            for pending in running:
                pending.cancel()
            return
        ended = [(running.pop(future), future) for future in done]
        top_up()
        for integration, future in ended:
            try:
                yield integration, future.result()
            except CheckCancelled:
                continue
