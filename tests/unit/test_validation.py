"""The rules shared by the window and the CLI, value by value."""

from __future__ import annotations

import pytest

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.validation import (
    clean_draft,
    draft_errors,
    email_error,
    name_error,
    normalize_url,
    password_error,
    registry_host_key,
    username_error,
)
from dtr_desktop.domain.values import IntegrationDraft


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dtr.example.com", "https://dtr.example.com"),
        ("  DTR.Example.COM/  ", "https://dtr.example.com"),
        ("https://dtr.example.com:443", "https://dtr.example.com"),
        ("http://reg.local:80/", "http://reg.local"),
        ("localhost:5000", "https://localhost:5000"),
        (
            "HTTPS://Registry.Example.com:5000/v2/",
            "https://registry.example.com:5000/v2",
        ),
        ("127.0.0.1:5000", "https://127.0.0.1:5000"),
        ("[::1]:5000", "https://[::1]:5000"),
        ("https://[0:0:0:0:0:0:0:1]", "https://[::1]"),
        ("bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_urls_get_one_spelling(typed: str, expected: str) -> None:
    assert normalize_url(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter the registry URL"),
        ("ftp://dtr.example.com", "not ftp://"),
        ("https://bob:secret@dtr.example.com", "they go in their own fields"),
        ("https://bob@dtr.example.com", "they go in their own fields"),
        ("https://dtr.example.com/?x=1", "?query"),
        ("https://dtr.example.com/#top", "#fragment"),
        ("https://dtr.example.com:0", "1 to 65535"),
        ("https://dtr.example.com:65536", "1 to 65535"),
        ("https://dtr.example.com:http", "1 to 65535"),
        ("https://::1:5000", "in brackets"),
        ("https://[::1", "Close the IPv6"),
        ("https://[zz::1]", "not a valid IPv6"),
        ("https://", "needs a host"),
        ("https://dtr example.com", "spaces"),
        ("https://bad_host!.com", "not a valid host"),
    ],
)
def test_bad_urls_say_why(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match=None) as caught:
        normalize_url(typed)
    assert reason in str(caught.value)


def test_names_are_trimmed_and_limited() -> None:
    assert name_error("  ok  ") is None
    assert name_error("   ") == "Enter a name for the integration."
    assert name_error("x" * 64) is None
    assert "at most 64" in (name_error("x" * 65) or "")
    assert "control" in (name_error("bad\tname") or "")
    assert "control" in (name_error("zero\u200bwidth") or "")


def test_email_is_optional_but_checked() -> None:
    assert email_error("") is None
    assert email_error("ops@example.com") is None
    assert email_error("ops@example") is not None
    assert email_error("two@@example.com") is not None


def test_username_rules_follow_the_provider() -> None:
    assert username_error("", "registry") is None
    assert username_error("", "dtr") == "Docker Trusted Registry needs a user name."
    assert "':'" in (username_error("a:b", "dtr") or "")
    assert username_error(" bob", "dtr") is not None


def test_passwords_may_hold_colons_and_any_script() -> None:
    assert password_error("p:a:ss", "bob") is None
    assert password_error("пароль-密码-🔑", "bob") is None
    assert password_error("", "bob") == "Enter the password or access token."
    assert password_error("", "") is None


def test_plain_http_needs_the_insecure_flag() -> None:
    draft = IntegrationDraft(name="Lab", provider="registry", url="http://lab:5000")
    assert "Insecure registry" in draft_errors(draft)["url"]
    insecure = IntegrationDraft(
        name="Lab", provider="registry", url="http://lab:5000", insecure=True
    )
    assert draft_errors(insecure) == {}


def test_clean_draft_reports_every_field_at_once() -> None:
    draft = IntegrationDraft(name="", provider="dtr", url="x:y@host", email="nope")
    with pytest.raises(ValidationError) as caught:
        clean_draft(draft)
    assert set(caught.value.field_errors) == {"name", "url", "username", "email"}


def test_clean_draft_normalises() -> None:
    draft = IntegrationDraft(
        name="  Prod  ",
        provider="dtr",
        url="DTR.example.com/",
        username="bob",
        email=" ops@example.com ",
        ca_cert_pem="  \n ",
    )
    cleaned = clean_draft(draft)
    assert (cleaned.name, cleaned.url, cleaned.email) == (
        "Prod",
        "https://dtr.example.com",
        "ops@example.com",
    )
    assert cleaned.ca_cert_pem is None


@pytest.mark.parametrize(
    ("server", "key"),
    [
        ("docker.io", "docker.io"),
        ("index.docker.io", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("https://index.docker.io/v1/", "docker.io"),
        ("HTTPS://Registry.Example.com:5000/", "registry.example.com:5000"),
        ("registry.example.com:05000", "registry.example.com:5000"),
        ("127.0.0.1:5000", "127.0.0.1:5000"),
        ("[::1]:5000", "[::1]:5000"),
    ],
)
def test_registry_host_keys(server: str, key: str) -> None:
    assert registry_host_key(server) == key


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # IDNA 2008: ß and ẞ keep their own domain instead of becoming "ss".
        ("https://straße.example.test", "https://xn--strae-oqa.example.test"),
        ("https://faß.de", "https://xn--fa-hia.de"),
        ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
        ("https://10.1.2.3:5000", "https://10.1.2.3:5000"),
        ("https://reg.example/team//sub/", "https://reg.example/team/sub"),
    ],
)
def test_international_and_numeric_hosts(typed: str, expected: str) -> None:
    assert normalize_url(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("https://" + "a" * 60 + ("." + "b" * 60) * 4, "at most 253"),
        ("https://999.1.1.1", "not a valid IPv4"),
        ("https://127.1", "not a valid IPv4"),
        ("https://0x7f.1", "not a valid IPv4"),
        ("https://[fe80::1%25eth0]", "%zone"),
        ("https://[fe80::1%eth0]", "%zone"),
        ("https://host:²", "1 to 65535"),
        ("https://host:٥٠٠٠", "1 to 65535"),
        ("https://reg.example/%00", "path"),
        ("https://reg.example/a/../../x", "path"),
        ("https://reg.example/ünï", "path"),
    ],
)
def test_hosts_ports_and_paths_that_are_refused(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        normalize_url(typed)
    assert reason in str(caught.value)


def test_names_compare_in_one_unicode_form() -> None:
    from dtr_desktop.domain.validation import name_key, normalize_name

    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert name_key(composed) == name_key(decomposed)
    assert normalize_name(decomposed) == composed
    assert name_key("ＰＲＯＤ") == name_key("prod")


@pytest.mark.parametrize("blank", ["\u3164", "\u2800 \u2800", "\u115f"])
def test_names_that_render_as_nothing_are_refused(blank: str) -> None:
    assert name_error(blank) == "Enter a name for the integration."


def test_emoji_sequences_are_ordinary_text() -> None:
    assert name_error("Family 👨\u200d👩\u200d👧 builds") is None
    assert name_error("bad\u202eevil") is not None  # right-to-left override


def test_long_tokens_fit_and_undecodable_bytes_do_not() -> None:
    assert password_error("t" * 9000, "bob") is None
    assert "at most 65536" in (password_error("t" * 65537, "bob") or "")
    assert password_error("ok\udcff", "bob") == "The password must be UTF-8 text."


@pytest.mark.parametrize(
    ("server", "key"),
    [
        ("reg443.example.test:443", "reg443.example.test"),
        ("https://reg443.example.test:443/", "reg443.example.test"),
        ("http://reg80.example.test:80", "reg80.example.test"),
        ("reg.example.test:80", "reg.example.test:80"),
        ("bücher.example.test", "xn--bcher-kva.example.test"),
        ("https://docker.io:443", "docker.io"),
        ("[broken", "[broken"),
    ],
)
def test_host_keys_match_how_urls_are_stored(server: str, key: str) -> None:
    assert registry_host_key(server) == key
