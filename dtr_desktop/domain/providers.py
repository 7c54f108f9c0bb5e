"""The kinds of registry an integration can point at.

One form serves every provider; the table below only changes its defaults
and hints. Short ids are what the command line and exports use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    label: str
    default_url: str
    url_hint: str
    username_hint: str
    password_hint: str
    anonymous_allowed: bool


PROVIDERS: tuple[Provider, ...] = (
    Provider(
        id="dtr",
        label="Docker Trusted Registry",
        default_url="",
        url_hint="https://dtr.example.com — the address of your DTR",
        username_hint="Your DTR (UCP) user name",
        password_hint="Your password or an access token",
        anonymous_allowed=False,
    ),
    Provider(
        id="registry",
        label="Docker Registry (private)",
        default_url="",
        url_hint="https://registry.example.com:5000",
        username_hint="User name, if the registry asks for one",
        password_hint="Password or token",
        anonymous_allowed=True,
    ),
    Provider(
        id="dockerhub",
        label="Docker Hub",
        default_url="https://registry-1.docker.io",
        url_hint="Leave as is for Docker Hub",
        username_hint="Your Docker ID",
        password_hint="A personal access token is recommended",
        anonymous_allowed=False,
    ),
    Provider(
        id="quay",
        label="Quay.io",
        default_url="https://quay.io",
        url_hint="https://quay.io, or your Quay server",
        username_hint="User name or robot account (org+robot)",
        password_hint="Password or robot token",
        anonymous_allowed=False,
    ),
    Provider(
        id="harbor",
        label="Harbor",
        default_url="",
        url_hint="https://harbor.example.com",
        username_hint="User name or robot account (robot$name)",
        password_hint="Password or robot secret",
        anonymous_allowed=False,
    ),
    Provider(
        id="gitlab",
        label="GitLab Container Registry",
        default_url="https://registry.gitlab.com",
        url_hint="https://registry.gitlab.com, or your GitLab's registry",
        username_hint="GitLab user name or deploy token user",
        password_hint="A personal, project or deploy token",
        anonymous_allowed=False,
    ),
)

_BY_ID = {provider.id: provider for provider in PROVIDERS}


def provider_by_id(provider_id: str) -> Provider:
    """The provider for a short id; ``KeyError`` names the valid ones."""
    try:
        return _BY_ID[provider_id]
    except KeyError:
        valid = ", ".join(_BY_ID)
        message = f"Unknown integration type {provider_id!r}; use one of {valid}."
        raise KeyError(message) from None


def provider_ids() -> list[str]:
    return list(_BY_ID)
