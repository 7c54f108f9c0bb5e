"""The registries the benchmarks talk to, started the way the tests start them.

Runs as its own process (``python -m bench.servers DIR``) so the token
service's Python threads never compete with the process being measured. It
uses the integration tests' own starters (``tests.integration.registry_servers``)
— Debian's docker-registry with TLS + htpasswd and with TLS + token auth,
the test token service in front of the latter, seeded by skopeo — writes
``DIR/servers.json`` (mode 600: it holds the throwaway passwords), prints
``ready`` and serves until its stdin is closed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.delay_proxy import DelayingProxy
from tests.fakes import loopback
from tests.fakes.loopback import LoopbackServer
from tests.fakes.pki import TestPki, make_test_pki, make_token_signer
from tests.fakes.tokens import TokenService, TokenUser
from tests.integration import registry_servers as fixtures

USER = "alice"
#: Half the round trip to a "far" registry: 20 ms, a registry in the same region.
FAR_ONE_WAY = 0.010


@dataclass(frozen=True, slots=True)
class Registry:
    """What a client needs to reach one registry as ``USER``."""

    name: str
    url: str
    auth: str
    ca_pem: str
    cert_dir: str
    username: str
    password: str

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1]


def _files(base: Path, pki: TestPki) -> dict[str, Path]:
    cert, key = pki.server.write(base / "tls", "server")
    cert_dir = base / "certs.d"
    cert_dir.mkdir(parents=True)
    (cert_dir / "ca.crt").write_text(pki.ca.cert_pem)
    htpasswd = base / "htpasswd"
    fixtures._htpasswd(fixtures.USERS, htpasswd)
    layout = fixtures.build_oci_layout(base / "oci")
    return {
        "cert": cert,
        "key": key,
        "cert_dir": cert_dir,
        "htpasswd": htpasswd,
        "layout": layout,
        "base": base,
    }


def _token_service(stack: ExitStack, files: dict[str, Path], pki: TestPki) -> str:
    signer = make_token_signer()
    signer.write(files["base"] / "token", "signer")
    users = {
        name: TokenUser(user.password, dict(user.repositories), user.catalog)
        for name, user in fixtures.USERS.items()
    }
    service = TokenService(
        signer,
        issuer=fixtures.TOKEN_ISSUER,
        service=fixtures.TOKEN_SERVICE,
        users=users,
    )
    server = stack.enter_context(LoopbackServer(service, tls=pki.server))
    return server.url


def _auth_yaml(files: dict[str, Path], token_url: str | None) -> str:
    if token_url is None:
        return "\n".join(
            [
                "auth:",
                "  htpasswd:",
                "    realm: dtr-desktop-bench",
                f"    path: {files['htpasswd']}",
            ]
        )
    return "\n".join(
        [
            "auth:",
            "  token:",
            f"    realm: {token_url}/token",
            f"    service: {fixtures.TOKEN_SERVICE}",
            f"    issuer: {fixtures.TOKEN_ISSUER}",
            f"    rootcertbundle: {files['base'] / 'token' / 'signer.crt'}",
        ]
    )


def _start(
    stack: ExitStack,
    name: str,
    files: dict[str, Path],
    pki: TestPki,
    token_url: str | None,
) -> Registry:
    root = files["base"] / name
    url, process, log_path = fixtures.start_registry(
        name,
        root,
        tls=(files["cert"], files["key"]),
        auth_yaml=_auth_yaml(files, token_url),
    )
    stack.callback(fixtures.stop_registry, process)
    running = fixtures.RunningRegistry(
        name=name,
        url=url,
        tls=True,
        auth="token" if token_url else "htpasswd",
        users=fixtures.USERS,
        ca_pem=pki.ca.cert_pem,
        cert_dir=files["cert_dir"],
        root=root,
        log_path=log_path,
        process=process,
    )
    fixtures.seed(running, files["layout"], root / "skopeo")
    return Registry(
        name,
        url,
        running.auth,
        pki.ca.cert_pem,
        str(files["cert_dir"]),
        USER,
        fixtures.USERS[USER].password,
    )


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _behind_proxy(stack: ExitStack, registry: Registry, kind: str) -> Registry:
    proxy = stack.enter_context(DelayingProxy(_port(registry.url), FAR_ONE_WAY))
    return replace(
        registry,
        name=f"{registry.name}-far",
        url=f"https://127.0.0.1:{proxy.port}",
        auth=kind,
    )


def _far_away(
    stack: ExitStack,
    files: dict[str, Path],
    pki: TestPki,
    token_url: str,
    htpasswd: Registry,
) -> list[Registry]:
    """The same kinds of registry, each request and reply delayed as if remote.

    The token registry's realm must point at the delayed token service too,
    so it is a registry of its own.
    """
    token_proxy = stack.enter_context(DelayingProxy(_port(token_url), FAR_ONE_WAY))
    far_token_url = f"https://127.0.0.1:{token_proxy.port}"
    token = _start(stack, "tls-token-far", files, pki, far_token_url)
    return [
        _behind_proxy(stack, htpasswd, "htpasswd-far"),
        _behind_proxy(stack, token, "token-far"),
    ]


def serve(base: Path) -> None:
    # The test token service writes a reply's headers and body separately;
    # with Nagle's algorithm on, the client's delayed ACK then holds every
    # token reply back ~40 ms. Real token services (Go's net/http) set
    # TCP_NODELAY, so the benchmark's does too.
    loopback._Handler.disable_nagle_algorithm = True
    pki = make_test_pki()
    files = _files(base, pki)
    with ExitStack() as stack:
        token_url = _token_service(stack, files, pki)
        registries = [
            _start(stack, "tls-htpasswd", files, pki, None),
            _start(stack, "tls-token", files, pki, token_url),
        ]
        registries += _far_away(stack, files, pki, token_url, registries[0])
        described = base / "servers.json"
        described.touch(mode=0o600)
        described.write_text(json.dumps([asdict(r) for r in registries]))
        print("ready", flush=True)
        sys.stdin.read()


@contextmanager
def running_servers(base: Path) -> Iterator[dict[str, Registry]]:
    """Start ``python -m bench.servers`` and yield its registries by kind.

    Kinds: ``htpasswd`` and ``token`` on 127.0.0.1, and ``htpasswd-far`` and
    ``token-far``, the same behind proxies that add a 20 ms round trip.
    """
    base.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.servers", str(base)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the benchmark registries did not start")
        loaded = json.loads((base / "servers.json").read_text())
        yield {entry["auth"]: Registry(**entry) for entry in loaded}
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=30)


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
