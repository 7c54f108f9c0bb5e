"""Reading WWW-Authenticate headers."""

from __future__ import annotations

import pytest

from dtr_desktop.registry.challenges import Challenge, parse_challenges, preferred


def test_bearer_with_all_parameters() -> None:
    [challenge] = parse_challenges(
        [
            'Bearer realm="https://auth.example/token",service="registry.example",'
            'scope="repository:team/app:pull,push"'
        ]
    )

    assert challenge.scheme == "bearer"
    assert challenge.realm == "https://auth.example/token"
    assert challenge.get("service") == "registry.example"
    assert challenge.scopes == ("repository:team/app:pull,push",)


def test_several_challenges_in_one_header_with_quoted_commas() -> None:
    challenges = parse_challenges(
        ['Basic realm="a, b", Bearer realm="https://t/x?y=1",service="s"']
    )

    assert [c.scheme for c in challenges] == ["basic", "bearer"]
    assert challenges[0].realm == "a, b"
    assert challenges[1].params == {"realm": "https://t/x?y=1", "service": "s"}


def test_escapes_in_quoted_strings() -> None:
    [challenge] = parse_challenges(['Basic realm="say \\"hi\\" \\\\ there"'])

    assert challenge.realm == 'say "hi" \\ there'


def test_scheme_and_parameter_names_ignore_case() -> None:
    [challenge] = parse_challenges(['bEaReR REALM="r", Error=insufficient_scope'])

    assert challenge.scheme == "bearer"
    assert challenge.realm == "r"
    assert challenge.error == "insufficient_scope"


def test_several_scopes_split_on_spaces() -> None:
    [challenge] = parse_challenges(['Bearer realm="r",scope="a:b:pull c:d:push"'])

    assert challenge.scopes == ("a:b:pull", "c:d:push")


def test_token68_scheme_then_another() -> None:
    challenges = parse_challenges(["Negotiate abc==, Basic realm=plain"])

    assert challenges[0] == Challenge("negotiate", {}, "abc==")
    assert challenges[1].realm == "plain"


def test_headers_are_combined_in_order() -> None:
    challenges = parse_challenges(['Basic realm="one"', 'Bearer realm="two"'])

    assert [c.realm for c in challenges] == ["one", "two"]


@pytest.mark.parametrize(
    ("headers", "scheme"),
    [
        (['Basic realm="b"', 'Bearer realm="t"'], "bearer"),
        (['Bearer realm="t", Basic realm="b"'], "bearer"),
        (['Negotiate, Basic realm="b"'], "basic"),
        (["Negotiate abc"], None),
        ([], None),
    ],
)
def test_bearer_is_preferred_over_basic(headers: list[str], scheme: str | None) -> None:
    chosen = preferred(parse_challenges(headers))

    assert (chosen.scheme if chosen else None) == scheme


def test_garbage_does_not_raise() -> None:
    assert parse_challenges(['=,,"', ", ,", 'Basic realm="unterminated']) == [
        Challenge("basic", {"realm": "unterminated"})
    ]
