"""Reading policy.toml: what it yields, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtr_desktop.policy import (
    HostPattern,
    PolicyError,
    parse_policy,
    policy_path,
    read_policy,
)
from tests.fakes.pki import make_ca

# A real certificate: a policy's CA is checked and kept in standard PEM.
PEM = make_ca("policy test CA").cert_pem.strip()

FULL = f'''
version = 1

[rules]
forbid_insecure = true
allowed_hosts = ["dtr.corp.example", "*.registry.corp.example", "docker.io"]

[[integrations]]
id = "corp-dtr"
name = "Corp DTR"
type = "dtr"
url = "HTTPS://DTR.corp.example/"
ca_certificate = """
{PEM}
"""

[[integrations]]
id = "hub"
name = "Docker Hub"
type = "dockerhub"
locked = false

[[subscriptions]]
name = "Production"
integrations = ["corp-dtr", "hub"]
'''


def problem_lines(text: str) -> list[int]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, Path("/etc/dtr-desktop/policy.toml"))
    return [problem.line for problem in caught.value.problems]


def test_a_full_policy_is_read_with_normalised_values() -> None:
    policy = parse_policy(FULL)

    assert policy.rules.forbid_insecure is True
    assert policy.rules.allowed_hosts == (
        HostPattern("dtr.corp.example"),
        HostPattern("registry.corp.example", wildcard=True),
        HostPattern("docker.io"),
    )
    dtr, hub = policy.integrations
    assert (dtr.key, dtr.name, dtr.provider) == ("corp-dtr", "Corp DTR", "dtr")
    assert dtr.url == "https://dtr.corp.example"
    assert dtr.ca_cert_pem == PEM
    assert dtr.locked is True
    assert dtr.line == 8
    assert hub.url == "https://registry-1.docker.io"
    assert hub.locked is False
    assert policy.subscriptions[0].name == "Production"
    assert policy.subscriptions[0].integration_keys == ("corp-dtr", "hub")


def test_an_empty_file_is_an_empty_policy() -> None:
    policy = parse_policy("")

    assert policy.is_empty
    assert policy.rules.allowed_hosts is None


def test_a_syntax_error_names_its_line() -> None:
    text = '[rules]\nforbid_insecure = true\nallowed_hosts = ["a.example",\n'

    with pytest.raises(PolicyError) as caught:
        parse_policy(text, Path("/etc/dtr-desktop/policy.toml"))

    message = str(caught.value)
    assert "/etc/dtr-desktop/policy.toml" in message
    assert caught.value.first_line in (3, 4)
    assert f"line {caught.value.first_line}: TOML syntax error" in message
    assert "your own integrations are unchanged" in message


def test_a_mistyped_key_names_its_line_and_the_valid_keys() -> None:
    text = "[rules]\nforbid_insecure = true\nallowed_host = []\n"

    with pytest.raises(PolicyError) as caught:
        parse_policy(text)

    assert caught.value.first_line == 3
    assert "unknown key 'allowed_host' in [rules]" in str(caught.value)
    assert "allowed_hosts" in str(caught.value)


def test_every_problem_of_an_entry_is_reported_on_its_own_line() -> None:
    text = """
[[integrations]]
id = "ok"
name = "Fine"
type = "registry"
url = "https://fine.example"

[[integrations]]
id = "broken"
name = "Broken"
type = "artifactory"
url = "ftp://broken.example"
insecure = "yes"
"""
    assert problem_lines(text) == [11, 12, 13]


def test_http_needs_insecure_and_forbid_insecure_refuses_it() -> None:
    plain = '[[integrations]]\nid = "a"\nname = "A"\ntype = "registry"\n'
    plain += 'url = "http://a.example"\n'
    assert problem_lines(plain) == [5]

    forbidden = "[rules]\nforbid_insecure = true\n" + plain + "insecure = true\n"
    with pytest.raises(PolicyError) as caught:
        parse_policy(forbidden)
    reasons = " ".join(p.reason for p in caught.value.problems)
    assert "does not allow insecure registries" in reasons
    assert "only https://" in reasons


def test_policy_integrations_must_be_inside_its_own_allow_list() -> None:
    text = """[rules]
allowed_hosts = ["dtr.corp.example"]

[[integrations]]
id = "other"
name = "Other"
type = "registry"
url = "https://other.example"
"""
    assert problem_lines(text) == [8]


def test_missing_id_duplicates_and_unknown_references_are_named() -> None:
    text = """
[[integrations]]
name = "No id"
type = "registry"
url = "https://a.example"

[[integrations]]
id = "b"
name = "B"
type = "registry"
url = "https://b.example"

[[integrations]]
id = "b"
name = "b"
type = "registry"
url = "https://c.example"

[[subscriptions]]
name = "Team"
integrations = ["b", "nope"]
"""
    assert problem_lines(text) == [2, 14, 15, 21]


def test_an_unsupported_version_is_refused() -> None:
    assert problem_lines("version = 2\n") == [1]


def test_bad_allow_list_patterns_are_refused() -> None:
    text = '[rules]\nallowed_hosts = ["ok.example", "https://x.example/path", "*"]\n'
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert [p.line for p in caught.value.problems] == [2, 2]


def test_ca_file_is_read_relative_to_the_policy(tmp_path: Path) -> None:
    (tmp_path / "corp-ca.pem").write_text(PEM + "\n")
    path = tmp_path / "policy.toml"
    path.write_text(
        '[[integrations]]\nid = "a"\nname = "A"\ntype = "registry"\n'
        'url = "https://a.example"\nca_file = "corp-ca.pem"\n'
    )

    policy = read_policy(path)

    assert policy is not None
    assert policy.integrations[0].ca_cert_pem == PEM


def test_a_missing_ca_file_is_a_problem_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        '[[integrations]]\nid = "a"\nname = "A"\ntype = "registry"\n'
        'url = "https://a.example"\nca_file = "missing.pem"\n'
    )
    with pytest.raises(PolicyError) as caught:
        read_policy(path)
    assert caught.value.first_line == 6
    assert "missing.pem" in str(caught.value)


def test_no_file_is_no_policy(tmp_path: Path) -> None:
    assert read_policy(tmp_path / "policy.toml") is None


def test_a_pem_in_a_multiline_string_does_not_confuse_line_numbers() -> None:
    text = FULL + '\n[[integrations]]\nid = "x"\nname = "X"\ntype = "nope"\n'
    text += 'url = "https://x.example"\n'
    assert problem_lines(text) == [FULL.count("\n") + 5]


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "/etc/dtr-desktop/policy.toml"),
        (
            "darwin",
            {},
            "/Library/Application Support/dtr-desktop/policy.toml",
        ),
        ("linux", {"DTR_DESKTOP_POLICY": "/srv/p.toml"}, "/srv/p.toml"),
    ],
)
def test_the_policy_path_of_each_platform(
    platform: str, environ: dict[str, str], expected: str
) -> None:
    assert str(policy_path(platform, environ)) == expected


def test_the_windows_path_uses_programdata() -> None:
    path = policy_path("win32", {"PROGRAMDATA": r"D:\ProgramData"})
    assert str(path).replace("/", "\\") == r"D:\ProgramData\dtr-desktop\policy.toml"
