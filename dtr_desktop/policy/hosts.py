"""The allow-list of registry hosts and the no-insecure rule, checked on a draft."""

from __future__ import annotations

from dtr_desktop.domain.validation import normalize_url, registry_host_key
from dtr_desktop.policy.model import HostPattern, Rules


def parse_host_pattern(text: str) -> HostPattern:
    """``registry.example.com``, ``host:5000`` or ``*.example.com``; else ValueError."""
    raw = text.strip().lower()
    wildcard = raw.startswith("*.")
    if wildcard:
        raw = raw[2:]
    if not raw or "*" in raw or "/" in raw or "@" in raw:
        raise ValueError(
            f"{text!r} is not a host pattern (write host, host:port or *.domain)"
        )
    normalize_url(f"https://{raw}")  # a ValueError here says what is wrong
    host, port = split_host_key(registry_host_key(raw))
    if wildcard and host.startswith("["):
        raise ValueError(f"{text!r}: a wildcard needs a domain name, not an address")
    return HostPattern(host=host, port=port, wildcard=wildcard)


def split_host_key(key: str) -> tuple[str, int | None]:
    """``host:port`` (as ``registry_host_key`` gives it) into host and port."""
    if key.startswith("["):
        end = key.find("]")
        rest = key[end + 1 :]
        return key[: end + 1], int(rest[1:]) if rest[1:].isdigit() else None
    host, sep, port = key.rpartition(":")
    if sep and port.isdigit():
        return host, int(port)
    return key, None


def host_allowed(rules: Rules, url: str) -> bool:
    if rules.allowed_hosts is None:
        return True
    host, port = split_host_key(registry_host_key(url))
    return any(pattern.matches(host, port) for pattern in rules.allowed_hosts)


def rule_violations(rules: Rules, url: str, insecure: bool) -> dict[str, str]:
    """Form-field reasons why the policy refuses this URL and insecure flag."""
    problems: dict[str, str] = {}
    if rules.forbid_insecure:
        if insecure:
            problems["insecure"] = (
                "Your administrator's policy does not allow insecure registries."
            )
        if url.strip().lower().startswith("http://"):
            problems["url"] = (
                "Your administrator's policy allows only https:// registries."
            )
    if "url" not in problems and not host_allowed(rules, url):
        allowed = ", ".join(str(p) for p in rules.allowed_hosts or ()) or "none"
        problems["url"] = (
            f"Your administrator's policy allows only these registry hosts: {allowed}."
        )
    return problems
