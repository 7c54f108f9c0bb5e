"""The trust contexts: OS store plus the integration's CA, built once and shared."""

from __future__ import annotations

import os
import ssl
import sys
from pathlib import Path

import pytest

from dtr_desktop.registry.errors import InvalidCaCertificate
from dtr_desktop.registry.tls import trust_context
from tests.fakes.pki import make_ca

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the OpenSSL trust store of Linux"
)


def _subjects(context: ssl.SSLContext) -> list[str]:
    found = []
    for certificate in context.get_ca_certs():
        for rdn in certificate["subject"]:
            found += [value for key, value in rdn if key == "commonName"]
    return found


def test_a_context_is_kept_per_ca_and_refuses_cn_only_names() -> None:
    own = make_ca("dtr-desktop tls test own CA").cert_pem

    plain, with_ca = trust_context(), trust_context(own)

    assert trust_context(None) is plain
    assert trust_context(own) is with_ca
    assert with_ca is not plain
    assert "dtr-desktop tls test own CA" in _subjects(with_ca)
    assert "dtr-desktop tls test own CA" not in _subjects(plain)
    for context in (plain, with_ca):
        assert context.verify_mode is ssl.CERT_REQUIRED
        assert context.check_hostname
        assert not context.hostname_checks_common_name


def test_ssl_cert_file_is_honoured_and_a_change_is_picked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text(make_ca("dtr-desktop tls test system CA").cert_pem)
    empty = tmp_path / "no-hashed-certs"
    empty.mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(empty))

    first = trust_context()
    assert _subjects(first) == ["dtr-desktop tls test system CA"]
    assert trust_context() is first

    written = bundle.stat().st_mtime_ns
    bundle.write_text(make_ca("dtr-desktop tls test renewed CA").cert_pem)
    os.utime(bundle, ns=(written + 10**9, written + 10**9))  # coarse clocks
    renewed = trust_context()
    assert renewed is not first
    assert _subjects(renewed) == ["dtr-desktop tls test renewed CA"]

    monkeypatch.delenv("SSL_CERT_FILE")
    assert "dtr-desktop tls test renewed CA" not in _subjects(trust_context())


def test_a_broken_ca_is_refused() -> None:
    with pytest.raises(InvalidCaCertificate):
        trust_context("-----BEGIN CERTIFICATE-----\nnot a certificate\n")


def test_the_distribution_folder_stands_for_its_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = ssl.get_default_verify_paths()
    folder = os.path.realpath(defaults.openssl_capath)
    if os.path.dirname(os.path.realpath(defaults.openssl_cafile)) != folder:
        pytest.skip("the bundle is not kept in the hashed folder here")
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    # Nothing parsed up front: OpenSSL reads the folder's files on demand.
    assert trust_context().cert_store_stats()["x509_ca"] == 0
    own = make_ca("dtr-desktop tls test folder CA").cert_pem
    assert _subjects(trust_context(own)) == ["dtr-desktop tls test folder CA"]
