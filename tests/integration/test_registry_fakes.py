"""Behaviours no real registry shows, served by small loopback servers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.registry import (
    CheckCancelled,
    Credentials,
    Outcome,
    RegistryClient,
    RegistryTarget,
    Timeouts,
)
from dtr_desktop.registry.dtr_ca import fetch_dtr_ca
from dtr_desktop.registry.errors import ResponseTooLarge, UnexpectedResponse
from dtr_desktop.registry.http import make_http_client
from dtr_desktop.registry.tls import trust_context
from dtr_desktop.services.registry_checks import run_connection_test
from tests.fakes.hostile_registry import (
    basic_registry,
    bearer_registry,
    endless_json,
    paged_tags,
    redirect_everything,
    registry_json,
    unauthorized,
)
from tests.fakes.loopback import Answer, LoopbackServer, Recorded, Route
from tests.fakes.pki import KeyPair, TestPki, make_token_signer
from tests.fakes.tokens import TokenService, TokenUser, parse_basic

USER, PASSWORD = "dev", "s3cret:with-colon"
LOGIN = Credentials(USER, PASSWORD)


@pytest.fixture(scope="module")
def signer() -> KeyPair:
    return make_token_signer()


@pytest.fixture
def serve(test_pki: TestPki) -> Iterator[object]:
    """``serve(route, tls=True)`` starts a loopback server stopped after the test."""
    started: list[LoopbackServer] = []

    def start(route: Route, *, tls: bool | KeyPair = True) -> LoopbackServer:
        pair = tls if isinstance(tls, KeyPair) else (test_pki.server if tls else None)
        server = LoopbackServer(route, tls=pair).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def trusted(url: str, test_pki: TestPki, insecure: bool = False) -> RegistryTarget:
    return RegistryTarget(url, insecure=insecure, ca_cert_pem=test_pki.ca.cert_pem)


def token_service(signer: KeyPair, *, harbor_style: bool = False) -> TokenService:
    users = {USER: TokenUser(PASSWORD, {"*": frozenset({"pull", "push"})}, True)}
    return TokenService(
        signer, issuer="fake", service="fake", users=users, harbor_style=harbor_style
    )


def test_redirect_to_another_port_gets_no_credentials(serve, test_pki) -> None:
    elsewhere = serve(lambda request: registry_json(200, {}))

    def route(request: Recorded) -> Answer:
        if parse_basic(request.authorization) != (USER, PASSWORD):
            return unauthorized('Basic realm="fake"')
        return Answer(307, [("Location", f"{elsewhere.url}/v2/")])

    registry = serve(route)

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.UNVERIFIED
    assert len(elsewhere.requests) == 1
    assert elsewhere.requests[0].authorization is None


def test_token_realm_over_http_is_refused(serve, test_pki, signer) -> None:
    tokens = serve(token_service(signer), tls=False)
    registry = serve(bearer_registry(f"{tokens.url}/token"))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.INSECURE_REFUSED
    assert "plain http" in report.message
    assert tokens.requests == []


def test_https_to_http_redirect_is_refused(serve, test_pki) -> None:
    plain = serve(basic_registry(USER, PASSWORD), tls=False)
    registry = serve(redirect_everything(plain.url))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.INSECURE_REFUSED
    assert "https to plain http" in report.message
    assert plain.requests == []


def test_slow_reply_times_out(serve, test_pki) -> None:
    registry = serve(lambda request: Answer(200, wait_seconds=60))

    report = run_connection_test(
        trusted(registry.url, test_pki),
        LOGIN,
        timeouts=Timeouts(connect=5, read=0.3),
    )

    assert report.outcome is Outcome.TIMEOUT
    assert "did not answer within 0.3 seconds" in report.message


def test_oversized_catalog_is_not_read(serve, test_pki) -> None:
    def route(request: Recorded) -> Answer:
        if request.path == "/v2/_catalog":
            return Answer(
                200, [("Content-Type", "application/json")], chunks=endless_json()
            )
        return registry_json(200, {})

    registry = serve(route)

    with (
        RegistryClient(trusted(registry.url, test_pki)) as client,
        pytest.raises(ResponseTooLarge, match="larger than 4096 KiB"),
    ):
        client.catalog_page()


def test_oversized_ping_reply(serve, test_pki) -> None:
    registry = serve(lambda request: Answer(200, chunks=endless_json()))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.UNEXPECTED
    assert "larger than 64 KiB" in report.message


def test_rate_limited_is_reported_once(serve, test_pki) -> None:
    registry = serve(
        lambda request: registry_json(
            429, {"errors": [{"code": "TOOMANYREQUESTS"}]}, ("Retry-After", "120")
        )
    )

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.RATE_LIMITED
    assert report.retry_after == 120
    assert "in 120 seconds" in report.message
    assert len(registry.requests) == 1


def test_harbor_style_empty_token_on_wrong_password(serve, test_pki, signer) -> None:
    tokens = serve(token_service(signer, harbor_style=True))
    registry = serve(bearer_registry(f"{tokens.url}/token"))
    target = trusted(registry.url, test_pki)

    wrong = run_connection_test(target, Credentials(USER, "wrong"))
    right = run_connection_test(target, LOGIN)

    assert wrong.outcome is Outcome.BAD_CREDENTIALS
    assert "anonymous token" in wrong.message
    assert right.outcome is Outcome.OK


def _anonymous_ping(tags_need_login: bool) -> Route:
    def route(request: Recorded) -> Answer:
        login = parse_basic(request.authorization)
        wants_login = request.path.endswith("/tags/list") and tags_need_login
        if wants_login and login != (USER, PASSWORD):
            return unauthorized('Basic realm="fake"')
        if request.path.endswith("/blobs/uploads/"):
            return registry_json(405, {"errors": [{"code": "UNSUPPORTED"}]})
        if request.path.endswith("/tags/list"):
            return registry_json(200, {"name": "team/app", "tags": ["1"]})
        return registry_json(200, {})

    return route


def test_anonymous_ping_is_unverified(serve, test_pki) -> None:
    registry = serve(_anonymous_ping(tags_need_login=False))

    plain = run_connection_test(trusted(registry.url, test_pki), LOGIN)
    with_repo = run_connection_test(
        trusted(registry.url, test_pki), LOGIN, repository="team/app"
    )

    assert plain.outcome is Outcome.UNVERIFIED
    assert "not checked" in plain.message
    assert with_repo.outcome is Outcome.UNVERIFIED
    assert all(r.authorization is None for r in registry.requests)


def test_anonymous_ping_then_checked_on_a_repository(serve, test_pki) -> None:
    registry = serve(_anonymous_ping(tags_need_login=True))
    target = trusted(registry.url, test_pki)

    right = run_connection_test(target, LOGIN, repository="team/app")
    wrong = run_connection_test(
        target, Credentials(USER, "nope"), repository="team/app"
    )

    assert right.outcome is Outcome.OK
    assert right.access is not None and right.access.pull.state == "granted"
    assert right.access.push.state == "denied"
    assert wrong.outcome is Outcome.BAD_CREDENTIALS


def test_cn_only_certificate_is_rejected(serve, test_pki) -> None:
    registry = serve(basic_registry(USER, PASSWORD), tls=test_pki.cn_only_server)

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.NAME_MISMATCH
    assert "Common Name" in report.message
    assert report.certificate is not None
    assert not report.certificate.has_subject_alt_names
    assert registry.requests == []


def _bearer_after(challenges: list[str]) -> Route:
    def route(request: Recorded) -> Answer:
        if (request.authorization or "").startswith("Bearer "):
            return registry_json(200, {})
        return unauthorized(*challenges)

    return route


@pytest.mark.parametrize("one_header", [True, False])
def test_several_challenges_bearer_preferred(
    serve, test_pki, signer, one_header: bool
) -> None:
    tokens = serve(token_service(signer))
    basic = 'bAsIc realm="say \\"hi\\", friend"'
    bearer = f'BEARER realm="{tokens.url}/token?tenant=blue",service="fake"'
    challenges = [f"{basic}, {bearer}"] if one_header else [basic, bearer]
    registry = serve(_bearer_after(challenges))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.OK
    asked = tokens.requests[0].query
    assert asked["tenant"] == ["blue"]
    assert asked["service"] == ["fake"]
    assert asked["account"] == [USER]


def test_token_reissued_after_invalid_token(serve, test_pki, signer) -> None:
    tokens = serve(token_service(signer))
    seen: list[str] = []

    def route(request: Recorded) -> Answer:
        auth = request.authorization or ""
        realm = f'Bearer realm="{tokens.url}/token",service="fake"'
        if not auth.startswith("Bearer "):
            return unauthorized(realm)
        seen.append(auth)
        if len(seen) == 1:
            return unauthorized(f'{realm},error="invalid_token"')
        return registry_json(200, {})

    registry = serve(route)

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.OK
    assert len(tokens.requests) == 2
    assert seen[0] != seen[1]


def _oauth_token_service(get_allowed: bool, post_allowed: bool) -> Route:
    def route(request: Recorded) -> Answer:
        if request.method == "GET" and get_allowed:
            if parse_basic(request.authorization) == (USER, PASSWORD):
                return registry_json(200, {"token": "opaque-get"})
            return registry_json(401, {})
        if request.method == "POST" and post_allowed:
            form = request.body.decode()
            if "grant_type=password" in form and f"username={USER}" in form:
                return registry_json(
                    200, {"access_token": "opaque-post", "expires_in": 5}
                )
            return registry_json(401, {})
        return Answer(405)

    return route


def test_oauth2_post_when_the_realm_refuses_get(serve, test_pki) -> None:
    tokens = serve(_oauth_token_service(get_allowed=False, post_allowed=True))
    registry = serve(bearer_registry(f"{tokens.url}/token"))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.OK
    assert [r.method for r in tokens.requests] == ["GET", "POST"]
    assert registry.requests[-1].authorization == "Bearer opaque-post"


def test_oauth2_post_falls_back_to_get(serve, test_pki) -> None:
    tokens = serve(_oauth_token_service(get_allowed=True, post_allowed=False))
    registry = serve(bearer_registry(f"{tokens.url}/token"))

    with RegistryClient(trusted(registry.url, test_pki), LOGIN, oauth2=True) as client:
        result = client.check_login()

    assert result.outcome is Outcome.OK
    assert [r.method for r in tokens.requests] == ["POST", "GET"]


def test_tag_pagination_follows_link(serve, test_pki) -> None:
    tags = ["a", "b", "c", "d", "e"]
    registry = serve(paged_tags("team/app", tags))
    pages = []
    with RegistryClient(trusted(registry.url, test_pki)) as client:
        cursor = None
        while True:
            page = client.tags_page("team/app", cursor, page_size=2)
            pages.append(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break

    assert pages == [("a", "b"), ("c", "d"), ("e",)]


@pytest.mark.parametrize(
    "answer",
    [
        Answer(404, [("Content-Type", "text/html")], b"<html>nope</html>"),
        Answer(200, [("Content-Type", "text/html")], b"<html>welcome</html>"),
    ],
)
def test_not_a_registry(serve, test_pki, answer: Answer) -> None:
    site = serve(lambda request: answer)

    report = run_connection_test(trusted(site.url, test_pki), LOGIN)

    assert report.outcome is Outcome.NOT_A_REGISTRY


def test_server_error(serve, test_pki) -> None:
    registry = serve(lambda request: registry_json(503, {}))

    report = run_connection_test(trusted(registry.url, test_pki), LOGIN)

    assert report.outcome is Outcome.SERVER_ERROR
    assert "HTTP 503" in report.message


def test_connection_refused(test_pki) -> None:
    with LoopbackServer(basic_registry(USER, PASSWORD)) as closed:
        url = closed.url.replace("http://", "https://")
    report = run_connection_test(trusted(url, test_pki), LOGIN)

    assert report.outcome is Outcome.UNREACHABLE
    assert "refused the connection" in report.message


def test_cancelled_before_any_request(serve, test_pki) -> None:
    registry = serve(basic_registry(USER, PASSWORD))
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(CheckCancelled):
        run_connection_test(trusted(registry.url, test_pki), LOGIN, cancel=cancel)
    assert registry.requests == []


def _token_registry(realm: str, upload_status: int, tags_status: int) -> Route:
    def route(request: Recorded) -> Answer:
        if not (request.authorization or "").startswith("Bearer "):
            return unauthorized(f'Bearer realm="{realm}",service="fake"')
        if request.path.endswith("/blobs/uploads/"):
            return registry_json(upload_status, {"errors": [{"code": "UNKNOWN"}]})
        if request.path.endswith("/tags/list") and tags_status != 200:
            return registry_json(tags_status, {"errors": [{"code": "DENIED"}]})
        return registry_json(200, {"name": "team/app", "tags": []})

    return route


def test_push_from_the_token_when_the_upload_proves_nothing(
    serve, test_pki, signer
) -> None:
    tokens = serve(token_service(signer))
    registry = serve(_token_registry(f"{tokens.url}/token", 500, 403))

    report = run_connection_test(
        trusted(registry.url, test_pki), LOGIN, repository="team/app"
    )

    assert report.outcome is Outcome.OK
    assert report.access is not None
    assert report.access.pull.state == "denied"
    assert "denied pull" in report.access.pull.reason
    assert report.access.push.state == "granted"
    assert "token grants push" in report.access.push.reason


def test_dtr_ca_that_is_no_certificate(serve, test_pki) -> None:
    site = serve(lambda request: Answer(200, body=b"<html>hello</html>"))

    with pytest.raises(UnexpectedResponse, match="did not return a PEM"):
        fetch_dtr_ca(site.url)
    with pytest.raises(ValidationError):
        fetch_dtr_ca("ftp://example")


def test_cancel_while_the_server_is_still_thinking(serve, test_pki) -> None:
    cancel = threading.Event()

    def route(request: Recorded) -> Answer:
        cancel.set()  # the user presses Cancel while the reply is pending
        return Answer(200, wait_seconds=60)

    registry = serve(route)

    with pytest.raises(CheckCancelled):
        run_connection_test(
            trusted(registry.url, test_pki),
            LOGIN,
            timeouts=Timeouts(connect=5, read=50),
            cancel=cancel,
        )
    assert len(registry.requests) == 1


def test_proxy_from_the_environment_is_used(
    serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = serve(lambda request: registry_json(200, {}), tls=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    report = run_connection_test(
        RegistryTarget("http://registry.invalid:5000", insecure=True), None
    )

    assert report.outcome is Outcome.OK
    assert [r.target for r in proxy.requests] == ["http://registry.invalid:5000/v2/"]


def test_insecure_http_registry_with_credentials(serve, test_pki) -> None:
    registry = serve(basic_registry(USER, PASSWORD), tls=False)

    refused = run_connection_test(RegistryTarget(registry.url), LOGIN)
    allowed = run_connection_test(RegistryTarget(registry.url, insecure=True), LOGIN)

    assert refused.outcome is Outcome.INSECURE_REFUSED
    assert allowed.outcome is Outcome.OK


def test_tests_of_one_registry_share_its_anonymous_ping(
    serve, test_pki, signer
) -> None:
    """Test all asks each registry for its challenge once; every password is
    still sent to the token service and judged on its own."""
    from dtr_desktop.registry.client import SharedPings

    tokens = serve(token_service(signer))
    registry = serve(bearer_registry(f"{tokens.url}/token"))
    target = trusted(registry.url, test_pki)
    pings = SharedPings()
    logins = [LOGIN, Credentials(USER, "wrong"), LOGIN]

    reports = [run_connection_test(target, login, pings=pings) for login in logins]

    assert [r.outcome for r in reports] == [
        Outcome.OK,
        Outcome.BAD_CREDENTIALS,
        Outcome.OK,
    ]
    anonymous = [r for r in registry.requests if r.authorization is None]
    assert len(anonymous) == 1
    assert len(tokens.requests) == 3
    assert [parse_basic(r.authorization) for r in tokens.requests] == [
        (login.username, login.password) for login in logins
    ]


def test_cookies_a_registry_sets_are_never_sent_back(serve, test_pki) -> None:
    """One connection pool serves several accounts in Test all."""
    login = basic_registry(USER, PASSWORD)

    def route(request: Recorded) -> Answer:
        answer = login(request)
        answer.headers.append(("Set-Cookie", "session=alice; Path=/"))
        return answer

    registry = serve(route)
    target = trusted(registry.url, test_pki)
    with make_http_client(trust_context(test_pki.ca.cert_pem), Timeouts()) as shared:
        first = run_connection_test(target, LOGIN, http_client=shared)
        second = run_connection_test(target, LOGIN, http_client=shared)

    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.OK)
    assert len(registry.requests) == 4
    assert all("cookie" not in r.headers for r in registry.requests)


def test_a_failed_ping_is_not_shared(serve, test_pki) -> None:
    """A registry's passing trouble fails one test, not every test after it."""
    from dtr_desktop.registry.client import SharedPings

    login = basic_registry(USER, PASSWORD)
    pings: list[Recorded] = []

    def route(request: Recorded) -> Answer:
        if request.authorization is None:
            pings.append(request)
            if len(pings) == 1:
                return registry_json(503, {"errors": [{"code": "UNAVAILABLE"}]})
        return login(request)

    registry = serve(route)
    target = trusted(registry.url, test_pki)
    shared = SharedPings()

    reports = [run_connection_test(target, LOGIN, pings=shared) for _ in range(3)]

    assert [r.outcome for r in reports] == [
        Outcome.SERVER_ERROR,
        Outcome.OK,
        Outcome.OK,
    ]
    assert len(pings) == 2, "the second test asked again; the third shared it"
