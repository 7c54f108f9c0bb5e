"""P4 and P6 in one warm process: connection tests against the local registries.

``registry_probe.py PLAN.json`` where the plan (written by bench/registries.py)
names the token registry, the data dir with 100 integrations, one of their
ids and the number of runs. Prints ``result JSON`` with milliseconds.

P4 compares the product's connection test (``run_connection_test``, what the
Add/Edit dialog's Test button runs) with the shortest httpx sequence that
proves the same thing, written out below: ping, token, ping with the token.
Both build their TLS context for the integration's CA on every check, as a
fresh test does. Runs alternate so a slow moment hits both alike.
"""

from __future__ import annotations

import json
import ssl
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from dtr_desktop.registry.auth import Credentials
from dtr_desktop.registry.client import RegistryTarget
from dtr_desktop.services import Services
from dtr_desktop.services.registry_checks import RegistryChecks, run_connection_test


def inline_check(url: str, ca_pem: str, username: str, password: str) -> None:
    """The baseline: the three requests a token-auth login check needs."""
    context = ssl.create_default_context(cadata=ca_pem)
    with httpx.Client(verify=context, timeout=10.0) as client:
        challenge = client.get(f"{url}/v2/")
        assert challenge.status_code == 401
        fields = _bearer_fields(challenge.headers["www-authenticate"])
        token = client.get(
            fields["realm"],
            params={"service": fields["service"]},
            auth=(username, password),
        )
        token.raise_for_status()
        bearer = token.json()["token"]
        ping = client.get(f"{url}/v2/", headers={"Authorization": f"Bearer {bearer}"})
        assert ping.status_code == 200


def _bearer_fields(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme.lower() == "bearer"
    fields = {}
    for part in rest.split(","):
        key, _, value = part.partition("=")
        fields[key.strip()] = value.strip().strip('"')
    return fields


def product_check(url: str, ca_pem: str, username: str, password: str) -> None:
    report = run_connection_test(
        RegistryTarget(url, False, ca_pem), Credentials(username, password)
    )
    assert report.ok, report.message


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def p4(registry: dict[str, str], runs: int) -> dict[str, list[float]]:
    args = (
        registry["url"],
        registry["ca_pem"],
        registry["username"],
        registry["password"],
    )
    inline_check(*args)
    product_check(*args)
    ours, baseline = [], []
    for _ in range(runs):
        ours.append(timed(lambda: product_check(*args)))
        baseline.append(timed(lambda: inline_check(*args)))
    return {"ours": ours, "baseline": baseline}


def p6(data_dir: Path, one_id: str, runs: int) -> dict[str, Any]:
    services = Services(data_dir)
    checks = RegistryChecks(services)
    try:
        first = checks.test_integration(one_id)
        assert first.ok, first.message
        one = [timed(lambda: checks.test_integration(one_id)) for _ in range(runs)]
        reports: dict[str, Any] = {}

        def test_all() -> None:
            reports.update(checks.test_all())

        everything = [timed(test_all) for _ in range(max(3, runs // 3))]
        failed = sum(1 for report in reports.values() if not report.ok)
        return {"one": one, "all": everything, "tested": len(reports), "failed": failed}
    finally:
        services.close()


def main() -> int:
    plan = json.loads(Path(sys.argv[1]).read_text())
    result: dict[str, Any] = {}
    try:
        result["p4"] = p4(plan["registry"], plan["runs"])
        result["p6"] = p6(Path(plan["data_dir"]), plan["one_id"], plan["runs"])
        result["p6_far"] = p6(
            Path(plan["far_data_dir"]), plan["far_one_id"], plan["runs"] // 3
        )
    except Exception as error:  # reported to the harness, which shows it
        result["error"] = f"{type(error).__name__}: {error}"
    print("result " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
