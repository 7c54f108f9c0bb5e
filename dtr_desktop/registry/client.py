"""The registry client: ping, credential verdicts, access checks, browsing.

Verdicts say only what was proven. An anonymous ``/v2/`` 200 proves the
registry is reachable, not that the password is right; a token with an empty
grant proves nothing; push access is proven by starting a blob upload and
cancelling it, so nothing is left behind.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType

import httpx

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.registry.auth import Authenticator, Credentials, scope_for
from dtr_desktop.registry.challenges import preferred
from dtr_desktop.registry.errors import (
    BadCredentials,
    CatalogNotAllowed,
    InsecureRefused,
    NoPermission,
    NotARegistry,
    Outcome,
    RegistryError,
    RepositoryNotFound,
    UnexpectedResponse,
)
from dtr_desktop.registry.http import (
    PAGE_BODY,
    HttpSession,
    Reply,
    Timeouts,
    display_host,
    make_http_client,
    origin,
)
from dtr_desktop.registry.tls import trust_context

log = logging.getLogger(__name__)

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY_RE = re.compile(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")
_LINK_RE = re.compile(r"<([^>]*)>([^,<]*)")
_REL_NEXT_RE = re.compile(r';\s*rel\s*=\s*"?next"?', re.IGNORECASE)
CATALOG_SCOPE = "registry:catalog:*"
_WAIT_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class RegistryTarget:
    """Where a registry is and how to trust it; ``url`` as normalised by domain."""

    url: str
    insecure: bool = False
    ca_cert_pem: str | None = None


class Access(StrEnum):
    GRANTED = "granted"
    DENIED = "denied"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Permission:
    """One right (pull or push) on one repository, and why we think so."""

    state: Access
    reason: str


@dataclass(frozen=True, slots=True)
class AccessReport:
    repository: str
    pull: Permission
    push: Permission


@dataclass(frozen=True, slots=True)
class LoginResult:
    """What the ping proved: ``OK`` (credentials accepted) or ``UNVERIFIED``."""

    outcome: Outcome
    message: str


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing; pass ``next_cursor`` back to get the next one."""

    items: tuple[str, ...]
    next_cursor: str | None


def repository_error(repository: str) -> str | None:
    if not repository or len(repository) > 255:
        return "Enter a repository name such as team/app."
    if not _REPOSITORY_RE.match(repository):
        return (
            "Use lower-case letters, digits, '.', '_', '-' and '/' "
            "(for example team/app)."
        )
    return None


def check_repository_name(repository: str) -> str:
    repository = repository.strip().strip("/")
    why = repository_error(repository)
    if why:
        raise ValidationError({"repository": why})
    return repository


class SharedPings:
    """Each registry's anonymous ``/v2/`` answer, asked once for many clients.

    Without credentials a registry answers every client alike: with its
    challenge (401) or as an open registry (200). Clients of one registry
    with the same trust settings (Test all's integrations) share that answer,
    so each test sends only the requests that prove its own credentials. The
    first client to ask sends the ping; the others wait for its answer. Any
    other answer is not shared: each client then asks itself. A failure (a
    timeout, a refused connection, an untrusted certificate) reaches the
    clients already waiting, which would wait as long again for their own;
    clients that ask later send a new ping.
    """

    _SHARED_STATUSES = frozenset({200, 401})

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, bool, str], Future[Reply | None]] = {}

    def answer(
        self,
        key: tuple[str, bool, str],
        send: Callable[[], Reply],
        check_cancelled: Callable[[], None],
    ) -> Reply:
        with self._lock:
            pending = self._answers.get(key)
            leading = pending is None
            if pending is None:
                pending = self._answers[key] = Future()
        if not leading:
            shared = _wait_for(pending, check_cancelled)
            return shared if shared is not None else send()
        try:
            reply = send()
        except RegistryError as error:
            self._give_up(key, pending, error)
            raise
        except BaseException:
            self._give_up(key, pending)
            raise
        if reply.status not in self._SHARED_STATUSES:
            self._give_up(key, pending)
        else:
            pending.set_result(reply)
        return reply

    def _give_up(
        self,
        key: tuple[str, bool, str],
        pending: Future[Reply | None],
        failure: RegistryError | None = None,
    ) -> None:
        """Let the next client ask again; those waiting meet ``failure``, or
        ask for themselves when there is none."""
        with self._lock:
            if self._answers.get(key) is pending:
                del self._answers[key]
        if failure is None:
            pending.set_result(None)
        else:
            pending.set_exception(failure)


def _wait_for(
    pending: Future[Reply | None], check_cancelled: Callable[[], None]
) -> Reply | None:
    while True:
        try:
            return pending.result(timeout=_WAIT_POLL_SECONDS)
        except TimeoutError:
            check_cancelled()


class RegistryClient:
    """Talks to one registry with one set of credentials (or none).

    Pass a shared ``http_client`` (from :func:`make_http_client`) to reuse
    connections across integrations with the same trust settings; it is then
    not closed by :meth:`close`. Pass ``pings`` to share the anonymous ping
    with other clients (see :class:`SharedPings`). ``cancel`` stops work
    between requests.
    """

    def __init__(
        self,
        target: RegistryTarget,
        credentials: Credentials | None = None,
        *,
        timeouts: Timeouts | None = None,
        http_client: httpx.Client | None = None,
        cancel: threading.Event | None = None,
        oauth2: bool = False,
        pings: SharedPings | None = None,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self.base, self._ping_url = _registry_urls(target.url)
        self._pings = pings
        self._ping_key = (str(self.base), target.insecure, target.ca_cert_pem or "")
        if self.base.scheme != "https" and not target.insecure:
            raise InsecureRefused(
                f"{target.url} is plain http. Use https://, or mark this integration "
                "as an insecure registry if you accept that risk."
            )
        self._owns_client = http_client is None
        if http_client is None:
            http_client = make_http_client(
                trust_context(target.ca_cert_pem), self.timeouts
            )
        self._session = HttpSession(
            http_client, self.timeouts, insecure=target.insecure, cancel=cancel
        )
        self.credentials = credentials
        self._auth = Authenticator(self._session, self.base, credentials, oauth2=oauth2)

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_client:
            self._session.client.close()

    @property
    def credentials_proven(self) -> bool:
        """True once the registry (or its token service) accepted the login."""
        return self._auth.credentials_proven

    @property
    def host(self) -> str:
        return display_host(self.base)

    # -- the ping -------------------------------------------------------------

    def check_login(self) -> LoginResult:
        """Ping ``/v2/`` and prove the credentials if the registry lets us.

        Raises a :class:`~dtr_desktop.registry.errors.RegistryError` for every
        failure; returns ``OK`` or ``UNVERIFIED`` otherwise.
        """
        reply = self._anonymous_ping()
        reply.raise_for_common()
        if reply.status == 200:
            self._require_registry(reply)
            return self._open_registry()
        if reply.status != 401:
            raise self._ping_failure(reply)
        if preferred(reply.challenges()) is None:
            raise self._no_usable_challenge(reply)
        authorization = self._auth.answer(reply, ())
        if authorization is None:
            raise BadCredentials(
                f"{self.host} needs a user name and password. Enter them and test "
                "again."
            )
        if self.credentials is None:
            return LoginResult(
                Outcome.OK, f"{self.host} is reachable and gives anonymous access."
            )
        return self._judge_login(self._call("GET", self._ping_url, ()))

    def warm_up(self) -> None:
        """Send the anonymous ping now, for clients that share it to find.

        Test all calls this while it reads the passwords; a failure is left
        for each test to meet and report.
        """
        try:
            self._anonymous_ping()
        except RegistryError as error:
            log.info("registry ping ahead of the tests failed: %s", error.outcome)

    def _anonymous_ping(self) -> Reply:
        url = self._ping_url
        if self._pings is None:
            return self._session.request("GET", url)
        return self._pings.answer(
            self._ping_key,
            lambda: self._session.request("GET", url),
            self._session.check_cancelled,
        )

    def _open_registry(self) -> LoginResult:
        if self.credentials is None:
            return LoginResult(
                Outcome.OK, f"{self.host} is reachable and open to anonymous access."
            )
        return LoginResult(
            Outcome.UNVERIFIED,
            f"{self.host} answers without a login, so the user name and password "
            "were not checked. Check access to a repository to check them.",
        )

    def _judge_login(self, reply: Reply) -> LoginResult:
        self._auth.note_basic_reply(reply)
        reply.raise_for_common()
        if reply.status == 200 and reply.sent_credentials and self.credentials_proven:
            return LoginResult(Outcome.OK, f"Signed in to {self.host}.")
        if reply.status == 200:
            return LoginResult(
                Outcome.UNVERIFIED,
                f"{self.host} is reachable, but it did not confirm the user name and "
                "password. Check access to a repository to check them.",
            )
        if reply.status == 401 and self._auth.scheme == "basic":
            raise BadCredentials(
                f"{self.host} rejected the user name or password. Check them; use an "
                "access token if the account signs in with two factors."
            )
        if reply.status == 403:
            raise NoPermission(
                f"{self.host} accepted the login but refuses this account. Ask the "
                "registry's administrator for access."
            )
        raise UnexpectedResponse(
            f"{self.host} did not accept the token from its own token service "
            f"(HTTP {reply.status}). Tell the registry's administrator."
        )

    def _require_registry(self, reply: Reply) -> None:
        if _speaks_v2(reply):
            return
        try:
            document = json.loads(reply.body)
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise NotARegistry(self.host, "its /v2/ address answered a web page")

    def _ping_failure(self, reply: Reply) -> Exception:
        if reply.status == 403:
            return NoPermission(
                f"{self.host} refuses access to its registry API (HTTP 403). Ask its "
                "administrator whether your network or account is allowed."
            )
        if reply.status == 404 or not _speaks_v2(reply):
            return NotARegistry(self.host, f"/v2/ answered HTTP {reply.status}")
        return UnexpectedResponse(
            f"{self.host} answered HTTP {reply.status} to the registry ping. Check "
            "the URL, or tell the registry's administrator."
        )

    def _no_usable_challenge(self, reply: Reply) -> Exception:
        if not _speaks_v2(reply) and not reply.challenges():
            return NotARegistry(self.host, "it asks for a login but not as a registry")
        schemes = ", ".join(c.scheme for c in reply.challenges()) or "none"
        return UnexpectedResponse(
            f"{self.host} asks for a sign-in method dtr-desktop does not support "
            f"({schemes}); Basic and Bearer tokens are supported."
        )

    # -- requests with authentication ------------------------------------------

    def _call(
        self,
        method: str,
        url: httpx.URL,
        scopes: tuple[str, ...],
        *,
        limit: int = 64 * 1024,
    ) -> Reply:
        """One API request, answering up to two challenges (e.g. a new scope)."""
        authorization = self._auth.authorization(scopes)
        reply = self._session.request(
            method, url, authorization=authorization, limit=limit
        )
        for _ in range(2):
            self._auth.note_basic_reply(reply)
            if reply.status != 401:
                break
            retry_with = self._auth.answer(reply, scopes)
            if retry_with is None:
                break
            reply = self._session.request(
                method, url, authorization=retry_with, limit=limit
            )
        self._auth.note_basic_reply(reply)
        return reply

    # -- access ---------------------------------------------------------------

    def check_access(self, repository: str) -> AccessReport:
        """Whether this login can pull from and push to ``repository``."""
        repository = check_repository_name(repository)
        pull = self._check_pull(repository)
        push = self._check_push(repository)
        log.info("access to a repository: pull %s, push %s", pull.state, push.state)
        return AccessReport(repository, pull, push)

    def _check_pull(self, repository: str) -> Permission:
        url = self.base.join(f"/v2/{repository}/tags/list").copy_merge_params({"n": 1})
        reply = self._call("GET", url, (scope_for(repository, "pull"),))
        reply.raise_for_common()
        if reply.status == 200:
            return Permission(
                Access.GRANTED, "Tags can be listed, so images can be pulled."
            )
        if reply.status == 404:
            return Permission(
                Access.UNKNOWN,
                f"Repository {repository!r} does not "
                "exist (or is hidden from this account).",
            )
        if (
            reply.status == 401
            and self._auth.scheme == "basic"
            and (reply.sent_credentials)
        ):
            raise BadCredentials(f"{self.host} rejected the user name or password.")
        if reply.status in (401, 403):
            return Permission(Access.DENIED, _denial_reason(reply, "pull"))
        return Permission(Access.UNKNOWN, f"The registry answered HTTP {reply.status}.")

    def _check_push(self, repository: str) -> Permission:
        url = self.base.join(f"/v2/{repository}/blobs/uploads/")
        reply = self._call("POST", url, (scope_for(repository, "pull", "push"),))
        if reply.status == 429:
            reply.raise_for_common()
        if reply.status == 202:
            self._cancel_upload(reply, repository)
            return Permission(
                Access.GRANTED,
                "An upload could be started (and was "
                "cancelled), so images can be pushed.",
            )
        if reply.status in (401, 403):
            return Permission(Access.DENIED, _denial_reason(reply, "push"))
        if reply.status == 405:
            return Permission(
                Access.DENIED, "The registry does not accept pushes (read-only)."
            )
        return self._push_from_token(repository, reply.status)

    def _push_from_token(self, repository: str, status: int) -> Permission:
        """When the upload proves nothing, the token's grant is the next best."""
        token = self._auth.last_token
        actions = token.granted_actions("repository", repository) if token else None
        if actions is None:
            return Permission(
                Access.UNKNOWN,
                f"Starting an upload answered HTTP "
                f"{status}; push rights could not be checked.",
            )
        if "push" in actions:
            return Permission(
                Access.GRANTED,
                "The registry's token grants push "
                f"(the upload itself answered HTTP {status}).",
            )
        return Permission(Access.DENIED, "The registry's token does not grant push.")

    def _cancel_upload(self, reply: Reply, repository: str) -> None:
        location = reply.headers.get("location")
        if not location:
            return
        upload = reply.url.join(location)
        if origin(upload) != origin(self.base):
            log.info("upload location is on another host; not cancelled")
            return
        scopes = (scope_for(repository, "pull", "push"),)
        cancelled = self._call("DELETE", upload, scopes)
        if cancelled.status not in (200, 202, 204):
            # The registry purges abandoned uploads itself; nothing to undo here.
            log.info(
                "the test upload could not be cancelled (HTTP %s)", cancelled.status
            )

    # -- browsing -------------------------------------------------------------

    def catalog_page(self, cursor: str | None = None, page_size: int = 100) -> Page:
        """One page of repository names; ``CatalogNotAllowed`` when not listed."""
        url = self._page_url(cursor, "/v2/_catalog", page_size)
        reply = self._call("GET", url, (CATALOG_SCOPE,), limit=PAGE_BODY)
        reply.raise_for_common()
        if reply.status in (401, 403, 404):
            raise CatalogNotAllowed(self.host)
        items = self._listing(reply, "repositories")
        return Page(items, self._next_cursor(reply))

    def tags_page(
        self, repository: str, cursor: str | None = None, page_size: int = 100
    ) -> Page:
        """One page of the tags of ``repository``."""
        repository = check_repository_name(repository)
        url = self._page_url(cursor, f"/v2/{repository}/tags/list", page_size)
        reply = self._call(
            "GET", url, (scope_for(repository, "pull"),), limit=PAGE_BODY
        )
        reply.raise_for_common()
        if reply.status == 404:
            raise RepositoryNotFound(repository)
        if reply.status in (401, 403):
            raise NoPermission(
                f"This account may not pull from {repository!r}. Ask the registry's "
                "administrator for access."
            )
        return Page(self._listing(reply, "tags"), self._next_cursor(reply))

    def _page_url(self, cursor: str | None, path: str, page_size: int) -> httpx.URL:
        if cursor is None:
            return self.base.join(path).copy_merge_params({"n": page_size})
        url = self.base.join(cursor)
        if origin(url) != origin(self.base) or not url.path.startswith("/v2/"):
            raise ValueError("That listing cursor does not belong to this registry.")
        return url

    def _listing(self, reply: Reply, key: str) -> tuple[str, ...]:
        if reply.status != 200:
            raise UnexpectedResponse(
                f"{self.host} answered HTTP {reply.status} to a listing."
            )
        document = reply.json()
        values = document.get(key) if isinstance(document, dict) else None
        if values is None:
            return ()
        if not isinstance(values, list):
            raise UnexpectedResponse(f"{self.host} sent a listing without {key}.")
        return tuple(str(value) for value in values)

    def _next_cursor(self, reply: Reply) -> str | None:
        for header in reply.headers.get_list("link"):
            for target, params in _LINK_RE.findall(header):
                if not _REL_NEXT_RE.search(params):
                    continue
                url = reply.url.join(target)
                if origin(url) == origin(self.base):
                    return url.raw_path.decode("ascii")
        return None


@functools.lru_cache(maxsize=256)
def _registry_urls(url: str) -> tuple[httpx.URL, httpx.URL]:
    """The registry's origin (the v2 API always lives at the root) and its ping.

    Kept per URL: Test all builds a client per integration, mostly of the
    same few registries, and parsing cost ~0.3 ms each time.
    """
    base = httpx.URL(url).copy_with(path="/", query=None, fragment=None)
    return base, base.join("/v2/")


def _speaks_v2(reply: Reply) -> bool:
    version = str(reply.headers.get("docker-distribution-api-version", ""))
    return version.lower().startswith("registry/2")


def _denial_reason(reply: Reply, action: str) -> str:
    codes = reply.error_codes()
    challenge = preferred(reply.challenges())
    if challenge is not None and challenge.error == "insufficient_scope":
        return f"The registry's token does not grant {action} on this repository."
    if "DENIED" in codes or reply.status == 403:
        return f"The registry denied {action} on this repository."
    return f"The registry refused {action} for this account (HTTP {reply.status})."
