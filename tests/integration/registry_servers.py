"""Real registries on 127.0.0.1 for the integration tests: a pytest plugin.

Fixtures (all session-scoped, started on first use, stopped with SIGTERM at
the end of the session):

``test_pki`` -> :class:`tests.fakes.pki.TestPki`
    A throwaway CA (``.ca``) with a server certificate for localhost and
    127.0.0.1 (``.server``), a CN-only certificate (``.cn_only_server``) and
    an unrelated CA (``.other_ca``) for untrusted-certificate tests.

``registry_tls_htpasswd``, ``registry_tls_token``, ``registry_http_htpasswd``
    -> :class:`RunningRegistry`
    Debian's ``docker-registry`` (CNCF distribution 2.8) with TLS + htpasswd,
    TLS + token auth (a token service issuing RS256 JWTs, see
    :mod:`tests.fakes.tokens`), and plain http + htpasswd. Each is seeded
    with real images (:data:`SEEDED`) pushed by skopeo.

``registry_token_service`` -> :class:`tests.fakes.loopback.LoopbackServer`
    The token service in front of ``registry_tls_token``; ``.requests``
    records what it was asked.

Users (:data:`USERS`; passwords are random per session, ``alice``'s holds a
colon): ``alice`` may pull, push and delete everywhere and list the catalog;
``reader`` may pull everywhere, nothing else; ``stranger`` signs in but may do
nothing. The htpasswd registries know the same users and passwords but, as
distribution does, give every signed-in user every right.

For skopeo (e.g. as a client of the credential helper), use
``registry.skopeo_tls_args("dest")`` (``--dest-cert-dir`` with ``ca.crt``, or
``--dest-tls-verify=false`` for plain http), ``registry.ref(repo, tag)`` for
a ``docker://`` reference and ``registry.creds(user)`` for ``--dest-creds``;
run it with :func:`skopeo_env` so it never reads a real auth file.

Use from another test folder with
``pytest_plugins = ["tests.integration.registry_servers"]`` in a root
conftest, or import the fixtures into a local ``conftest.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.fakes.loopback import LoopbackServer
from tests.fakes.pki import TestPki, make_test_pki, make_token_signer
from tests.fakes.tokens import TokenService, TokenUser

REGISTRY_BINARY = "/usr/bin/docker-registry"
TOKEN_ISSUER = "dtr-desktop-test-issuer"
TOKEN_SERVICE = "dtr-desktop-test-registry"

#: repository -> tags pushed into every registry.
SEEDED: dict[str, tuple[str, ...]] = {
    "team/app": ("1.0", "1.1", "latest"),
    "team/tools": ("1.0",),
    "base/alpine": ("3.19",),
}

ALL = frozenset({"pull", "push", "delete"})


@dataclass(frozen=True)
class RegistryUser:
    name: str
    password: str = field(repr=False)
    repositories: dict[str, frozenset[str]]
    catalog: bool


def _make_users() -> dict[str, RegistryUser]:
    return {
        "alice": RegistryUser(
            "alice", f"al:{secrets.token_urlsafe(12)}", {"*": ALL}, True
        ),
        "reader": RegistryUser(
            "reader",
            f"rd-{secrets.token_urlsafe(12)}",
            {"*": frozenset({"pull"})},
            False,
        ),
        "stranger": RegistryUser(
            "stranger", f"st-{secrets.token_urlsafe(12)}", {}, False
        ),
    }


USERS = _make_users()


@dataclass
class RunningRegistry:
    """A started registry: where it is, who may use it, how to trust it."""

    name: str
    url: str
    tls: bool
    auth: str  # "htpasswd" or "token"
    users: dict[str, RegistryUser]
    ca_pem: str | None
    cert_dir: Path | None
    root: Path
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    repositories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, as in an image reference or an auth file key."""
        return self.url.split("://", 1)[1]

    def password(self, user: str = "alice") -> str:
        return self.users[user].password

    def creds(self, user: str = "alice") -> str:
        return f"{user}:{self.users[user].password}"

    def ref(self, repository: str, tag: str) -> str:
        return f"docker://{self.host}/{repository}:{tag}"

    def skopeo_tls_args(self, side: str) -> list[str]:
        """``side`` is "src" or "dest" (or "" for commands like list-tags)."""
        prefix = f"--{side}-" if side else "--"
        if self.cert_dir is None:
            return [f"{prefix}tls-verify=false"]
        return [f"{prefix}cert-dir", str(self.cert_dir)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def registry_env() -> dict[str, str]:
    """The environment without REGISTRY_* (distribution reads them as config)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}


def skopeo_env(scratch: Path) -> dict[str, str]:
    """skopeo's environment: its own auth file and HOME under ``scratch``."""
    env = registry_env()
    env["HOME"] = str(scratch)
    env["REGISTRY_AUTH_FILE"] = str(scratch / "auth.json")
    env["XDG_RUNTIME_DIR"] = str(scratch)
    return env


def _htpasswd(users: dict[str, RegistryUser], path: Path) -> None:
    lines = []
    for user in users.values():
        result = subprocess.run(
            ["htpasswd", "-iBn", user.name],
            input=user.password.encode(),
            capture_output=True,
            check=True,
        )
        lines.append(result.stdout.decode().strip())
    path.write_text("\n".join(lines) + "\n")


def _config(root: Path, port: int, tls: tuple[Path, Path] | None, auth: str) -> str:
    lines = [
        "version: 0.1",
        "log:",
        "  level: warn",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {root / 'data'}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: 127.0.0.1:{port}",
        f"  secret: {secrets.token_hex(16)}",
    ]
    if tls:
        lines += ["  tls:", f"    certificate: {tls[0]}", f"    key: {tls[1]}"]
    return "\n".join([*lines, auth]) + "\n"


def _wait_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("docker-registry did not start listening")


def start_registry(
    name: str, root: Path, *, tls: tuple[Path, Path] | None, auth_yaml: str
) -> tuple[str, subprocess.Popen[bytes], Path]:
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = root / "config.yml"
    config.write_text(_config(root, port, tls, auth_yaml))
    log_path = root / "registry.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [REGISTRY_BINARY, "serve", str(config)],
            env=registry_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    _wait_listening(port, process, log_path)
    scheme = "https" if tls else "http"
    return f"{scheme}://127.0.0.1:{port}", process, log_path


def stop_registry(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- a hand-built OCI image -------------------------------------------------


def _blob(layout: Path, data: bytes) -> dict[str, object]:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def build_oci_layout(layout: Path, tag: str = "seed") -> Path:
    """A one-layer OCI image layout holding ``/hello.txt``, tagged ``tag``."""
    (layout / "blobs" / "sha256").mkdir(parents=True)
    content = b"hello from dtr-desktop tests\n"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mode, info.mtime = len(content), 0o644, 0
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    layer = _blob(layout, gzip.compress(tar_bytes, mtime=0))
    config = _blob(
        layout,
        json.dumps(
            {
                "architecture": "amd64",
                "os": "linux",
                "config": {"Cmd": ["/hello.txt"]},
                "rootfs": {
                    "type": "layers",
                    "diff_ids": [f"sha256:{hashlib.sha256(tar_bytes).hexdigest()}"],
                },
            }
        ).encode(),
    )
    manifest = _blob(
        layout,
        json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    **config,
                },
                "layers": [
                    {
                        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        **layer,
                    }
                ],
            }
        ).encode(),
    )
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                **manifest,
                "annotations": {"org.opencontainers.image.ref.name": tag},
            }
        ],
    }
    (layout / "index.json").write_text(json.dumps(index))
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    return layout


def seed(registry: RunningRegistry, layout: Path, scratch: Path) -> None:
    """Push the seed image under every repository and tag, one at a time."""
    scratch.mkdir(parents=True, exist_ok=True)
    for repository, tags in SEEDED.items():
        for tag in tags:
            subprocess.run(
                [
                    "skopeo",
                    "--insecure-policy",
                    "copy",
                    "--quiet",
                    "--dest-creds",
                    registry.creds("alice"),
                    *registry.skopeo_tls_args("dest"),
                    f"oci:{layout}:seed",
                    registry.ref(repository, tag),
                ],
                env=skopeo_env(scratch),
                check=True,
                capture_output=True,
                timeout=60,
            )
    registry.repositories = dict(SEEDED)


# -- fixtures ---------------------------------------------------------------


@pytest.fixture(scope="session")
def test_pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="session")
def _registry_files(
    tmp_path_factory: pytest.TempPathFactory, test_pki: TestPki
) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("registries")
    cert, key = test_pki.server.write(base / "tls", "server")
    cert_dir = base / "certs.d"
    cert_dir.mkdir()
    (cert_dir / "ca.crt").write_text(test_pki.ca.cert_pem)
    htpasswd = base / "htpasswd"
    _htpasswd(USERS, htpasswd)
    layout = build_oci_layout(base / "oci")
    return {
        "base": base,
        "cert": cert,
        "key": key,
        "cert_dir": cert_dir,
        "htpasswd": htpasswd,
        "layout": layout,
    }


@pytest.fixture(scope="session")
def registry_token_service(
    _registry_files: dict[str, Path], test_pki: TestPki
) -> Iterator[LoopbackServer]:
    signer = make_token_signer()
    signer.write(_registry_files["base"] / "token", "signer")
    users = {
        name: TokenUser(user.password, dict(user.repositories), user.catalog)
        for name, user in USERS.items()
    }
    service = TokenService(
        signer, issuer=TOKEN_ISSUER, service=TOKEN_SERVICE, users=users
    )
    with LoopbackServer(service, tls=test_pki.server) as server:
        yield server


def _running(
    name: str,
    files: dict[str, Path],
    test_pki: TestPki,
    *,
    tls: bool,
    auth_yaml: str,
    auth: str,
) -> RunningRegistry:
    root = files["base"] / name
    pair = (files["cert"], files["key"]) if tls else None
    url, process, log_path = start_registry(name, root, tls=pair, auth_yaml=auth_yaml)
    registry = RunningRegistry(
        name=name,
        url=url,
        tls=tls,
        auth=auth,
        users=USERS,
        ca_pem=test_pki.ca.cert_pem if tls else None,
        cert_dir=files["cert_dir"] if tls else None,
        root=root,
        log_path=log_path,
        process=process,
    )
    try:
        seed(registry, files["layout"], root / "skopeo")
    except BaseException:
        stop_registry(process)
        raise
    return registry


def _htpasswd_yaml(files: dict[str, Path]) -> str:
    return "\n".join(
        [
            "auth:",
            "  htpasswd:",
            "    realm: dtr-desktop-tests",
            f"    path: {files['htpasswd']}",
        ]
    )


@pytest.fixture(scope="session")
def registry_tls_htpasswd(
    _registry_files: dict[str, Path], test_pki: TestPki
) -> Iterator[RunningRegistry]:
    registry = _running(
        "tls-htpasswd",
        _registry_files,
        test_pki,
        tls=True,
        auth_yaml=_htpasswd_yaml(_registry_files),
        auth="htpasswd",
    )
    yield registry
    stop_registry(registry.process)


@pytest.fixture(scope="session")
def registry_http_htpasswd(
    _registry_files: dict[str, Path], test_pki: TestPki
) -> Iterator[RunningRegistry]:
    registry = _running(
        "http-htpasswd",
        _registry_files,
        test_pki,
        tls=False,
        auth_yaml=_htpasswd_yaml(_registry_files),
        auth="htpasswd",
    )
    yield registry
    stop_registry(registry.process)


@pytest.fixture(scope="session")
def registry_tls_token(
    _registry_files: dict[str, Path],
    test_pki: TestPki,
    registry_token_service: LoopbackServer,
) -> Iterator[RunningRegistry]:
    auth_yaml = "\n".join(
        [
            "auth:",
            "  token:",
            f"    realm: {registry_token_service.url}/token",
            f"    service: {TOKEN_SERVICE}",
            f"    issuer: {TOKEN_ISSUER}",
            f"    rootcertbundle: {_registry_files['base'] / 'token' / 'signer.crt'}",
        ]
    )
    registry = _running(
        "tls-token",
        _registry_files,
        test_pki,
        tls=True,
        auth_yaml=auth_yaml,
        auth="token",
    )
    yield registry
    stop_registry(registry.process)
