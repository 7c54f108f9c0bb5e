"""HTTP with the product's safety rules, on top of one httpx client.

- connect and read timeouts are always set; proxies come from the environment;
- redirects are followed here, not by httpx: an ``Authorization`` header goes
  only to the origin it was meant for, and an https→http redirect is refused;
- credentials are never sent over plain http unless the integration is
  marked insecure;
- bodies are streamed and read only up to a limit;
- no cookies are kept, so one client can serve several accounts;
- one INFO log line per request, without query, headers or body.
"""

from __future__ import annotations

import email.utils
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING

import httpx

from dtr_desktop import __version__
from dtr_desktop.registry.challenges import Challenge, parse_challenges
from dtr_desktop.registry.errors import (
    CertificateNameMismatch,
    CheckCancelled,
    InsecureRefused,
    RateLimited,
    RegistryError,
    RegistryTimeout,
    RegistryUnreachable,
    ResponseTooLarge,
    ServerError,
    UnexpectedResponse,
    UntrustedCertificate,
)
from dtr_desktop.registry.tls import is_name_mismatch, read_server_certificate

if TYPE_CHECKING:
    from http.client import HTTPResponse
    from urllib.request import Request

log = logging.getLogger(__name__)

SMALL_BODY = 64 * 1024
PAGE_BODY = 4 * 1024 * 1024
MAX_REDIRECTS = 5
_CANCEL_POLL_SECONDS = 0.05
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait for a connection and for each read of a reply."""

    connect: float = 5.0
    read: float = 15.0

    def for_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.connect, read=self.read, write=self.read, pool=self.connect
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """A fully read (size-capped) reply and whether credentials went with it."""

    method: str
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes
    sent_credentials: bool
    _challenges: tuple[Challenge, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def host(self) -> str:
        return display_host(self.url)

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            raise UnexpectedResponse(
                f"{self.host} sent a reply that is not JSON where JSON was expected. "
                "Check the URL points at a registry.",
                url=str(self.url),
            ) from None

    def challenges(self) -> list[Challenge]:
        """Parsed once per reply: a registry's shared ping is read by every test."""
        parsed: tuple[Challenge, ...] | None = self._challenges
        if parsed is None:
            parsed = tuple(parse_challenges(self.headers.get_list("www-authenticate")))
            object.__setattr__(self, "_challenges", parsed)
        return list(parsed)

    def error_codes(self) -> frozenset[str]:
        """The ``errors[].code`` values of a registry error reply."""
        try:
            document = json.loads(self.body)
        except ValueError:
            return frozenset()
        errors = document.get("errors") if isinstance(document, dict) else None
        if not isinstance(errors, list):
            return frozenset()
        codes = (item.get("code") for item in errors if isinstance(item, dict))
        return frozenset(str(code).upper() for code in codes if code)

    def raise_for_common(self) -> None:
        """Rate limits and server errors mean the same on every endpoint."""
        if self.status == 429:
            raise RateLimited(
                self.host, retry_after_seconds(self.headers.get("retry-after"))
            )
        if self.status >= 500:
            raise ServerError(self.host, self.status)


def display_host(url: httpx.URL) -> str:
    return f"{url.host}:{url.port}" if url.port else url.host


def origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"https": 443, "http": 80}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def make_http_client(tls: ssl.SSLContext, timeouts: Timeouts) -> httpx.Client:
    """An httpx client for one trust configuration; safe to share across threads."""
    no_cookies = _NoCookies(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(
        verify=tls,
        timeout=timeouts.for_httpx(),
        trust_env=True,
        follow_redirects=False,
        cookies=no_cookies,
        headers={"User-Agent": f"dtr-desktop/{__version__}"},
    )


class _NoCookies(CookieJar):
    """Takes no cookie from a reply and sends none (its policy refuses all too).

    httpx offers every reply to the jar; a jar that looks at nothing saves
    the parsing for every request of Test all.
    """

    def extract_cookies(self, response: HTTPResponse, request: Request) -> None:
        return None

    def add_cookie_header(self, request: Request) -> None:
        return None


class HttpSession:
    """Requests for one integration over a (possibly shared) httpx client."""

    def __init__(
        self,
        client: httpx.Client,
        timeouts: Timeouts,
        *,
        insecure: bool = False,
        cancel: threading.Event | None = None,
    ) -> None:
        self.client = client
        self.timeouts = timeouts
        self.insecure = insecure
        self.cancel = cancel

    def check_cancelled(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise CheckCancelled()

    def request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        authorization: str | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        limit: int = SMALL_BODY,
    ) -> Reply:
        """Send, following redirects by the rules above; never raises on status."""
        current = httpx.URL(url)
        home = origin(current)
        for _ in range(MAX_REDIRECTS + 1):
            send_auth = authorization if origin(current) == home else None
            self._refuse_plain_credentials(current, send_auth)
            reply = self._send_once(
                method, current, send_auth, body=(headers, form, limit)
            )
            if reply.status not in _REDIRECTS or "location" not in reply.headers:
                return reply
            target = self._redirect_target(current, reply.headers["location"])
            if reply.status == 303 or (reply.status in (301, 302) and method == "POST"):
                method, form = "GET", None
            current = target
        raise UnexpectedResponse(
            f"{display_host(current)} redirected more than {MAX_REDIRECTS} times. "
            "Check the URL.",
            url=str(current),
        )

    def _refuse_plain_credentials(self, url: httpx.URL, auth: str | None) -> None:
        if auth is not None and url.scheme != "https" and not self.insecure:
            raise InsecureRefused(
                f"dtr-desktop will not send your credentials to {display_host(url)} "
                "over plain http. Use https://, or mark this integration as an "
                "insecure registry if you accept that risk.",
                url=str(url),
            )

    def _redirect_target(self, current: httpx.URL, location: str) -> httpx.URL:
        target = current.join(location)
        if target.scheme not in ("http", "https"):
            raise UnexpectedResponse(
                f"{display_host(current)} redirected to an unsupported address.",
                url=str(current),
            )
        if current.scheme == "https" and target.scheme != "https":
            raise InsecureRefused(
                f"{display_host(current)} redirected from https to plain http "
                f"({display_host(target)}); dtr-desktop refused to follow. Ask the "
                "registry's administrator to keep it on https.",
                url=str(current),
            )
        if origin(target) != origin(current):
            log.info(
                "redirect to another host %s: credentials not forwarded",
                display_host(target),
            )
        return target

    def _send_once(
        self,
        method: str,
        url: httpx.URL,
        authorization: str | None,
        *,
        body: tuple[Mapping[str, str] | None, Mapping[str, str] | None, int],
    ) -> Reply:
        headers, form, limit = body
        del body
        self.check_cancelled()
        request_headers = dict(headers or {})
        if authorization is not None:
            request_headers["Authorization"] = authorization
        request = self.client.build_request(
            method, url, headers=request_headers, data=form
        )
        request.extensions["trace"] = _ConnectionTrace()
        if self.cancel is None:
            return self._exchange(request, limit, authorization is not None)
        return self._cancellable(request, limit, authorization is not None)

    def _cancellable(
        self, request: httpx.Request, limit: int, with_credentials: bool
    ) -> Reply:
        """The exchange in a helper thread, so that Cancel returns at once.

        A blocking socket read cannot be interrupted from another thread; the
        abandoned exchange ends by itself within the timeouts and its reply is
        dropped.
        """
        result: Future[Reply] = Future()

        def run() -> None:
            try:
                result.set_result(self._exchange(request, limit, with_credentials))
            except BaseException as error:
                result.set_exception(error)

        threading.Thread(target=run, name="registry-request", daemon=True).start()
        while True:
            try:
                return result.result(timeout=_CANCEL_POLL_SECONDS)
            except TimeoutError:
                self.check_cancelled()

    def _exchange(
        self, request: httpx.Request, limit: int, with_credentials: bool
    ) -> Reply:
        try:
            response = self.client.send(request, stream=True)
            try:
                content = (
                    b""
                    if response.status_code in _REDIRECTS
                    else self._read(response, limit)
                )
            finally:
                response.close()
        except httpx.HTTPError as error:
            raise self._translate(error, request) from error
        log.info(
            "%s %s%s -> %s",
            request.method,
            display_host(request.url),
            request.url.path,
            response.status_code,
        )
        return Reply(
            request.method,
            request.url,
            response.status_code,
            response.headers,
            content,
            with_credentials,
        )

    def _read(self, response: httpx.Response, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in _chunks(response):
            self.check_cancelled()
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(display_host(response.url), limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _translate(
        self, error: httpx.HTTPError, request: httpx.Request
    ) -> RegistryError:
        url = request.url
        host = display_host(url)
        if isinstance(error, httpx.ConnectTimeout):
            accepted = _connected(request)
            return RegistryTimeout(host, self.timeouts.connect, accepted=accepted)
        if isinstance(error, httpx.TimeoutException):
            return RegistryTimeout(host, self.timeouts.read, accepted=True)
        if isinstance(error, httpx.ProxyError):
            return RegistryUnreachable(
                f"The proxy could not reach {host} ({error}). Check the proxy "
                "settings (HTTPS_PROXY, NO_PROXY).",
                url=str(url),
            )
        for cause in _causes(error):
            translated = self._translate_cause(cause, url)
            if translated is not None:
                return translated
        if isinstance(error, httpx.TransportError):
            return RegistryUnreachable(
                f"The connection to {host} failed ({error}). Check the address and "
                "your network, then try again.",
                url=str(url),
            )
        return UnexpectedResponse(
            f"{host} answered in a way dtr-desktop cannot use ({error}).", url=str(url)
        )

    def _translate_cause(
        self, cause: BaseException, url: httpx.URL
    ) -> RegistryError | None:
        host = display_host(url)
        if isinstance(cause, ssl.SSLCertVerificationError):
            port = url.port or 443
            certificate = read_server_certificate(url.host, port, self.timeouts.connect)
            if is_name_mismatch(cause):
                return CertificateNameMismatch(host, certificate)
            return UntrustedCertificate(host, cause.verify_message, certificate)
        if isinstance(cause, ssl.SSLError):
            return RegistryUnreachable(
                f"The secure connection to {host} failed ({cause.reason}). If the "
                "registry only speaks plain http, use an http:// URL and mark the "
                "integration insecure.",
                url=str(url),
            )
        if isinstance(cause, socket.gaierror):
            return RegistryUnreachable(
                f"The host name {url.host} could not be found. Check the URL, your "
                "DNS or VPN.",
                url=str(url),
            )
        if isinstance(cause, ConnectionRefusedError):
            return RegistryUnreachable(
                f"{host} refused the connection. Check the port and that the "
                "registry is running.",
                url=str(url),
            )
        return None


class _ConnectionTrace:
    """Notes whether the server accepted the TCP connection of a request.

    httpx reports a stalled TLS handshake as a connect timeout, like a server
    that never accepts; this tells the two apart for the message.
    """

    def __init__(self) -> None:
        self.connected = False

    def __call__(self, event: str, info: Mapping[str, object]) -> None:
        if event == "connection.connect_tcp.complete":
            self.connected = True


def _connected(request: httpx.Request) -> bool:
    trace = request.extensions.get("trace")
    return isinstance(trace, _ConnectionTrace) and trace.connected


def _chunks(response: httpx.Response) -> Iterator[bytes]:
    yield from response.iter_bytes(chunk_size=16 * 1024)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
