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
import os
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

        everything, cpu = [], []
        for _ in range(max(3, runs // 3)):
            before = cpu_by_process()
            everything.append(timed(test_all))
            cpu.append(cpu_spent(before, cpu_by_process()))
        failed = sum(1 for report in reports.values() if not report.ok)
        return {
            "one": one,
            "all": everything,
            "cpu": cpu,
            "tested": len(reports),
            "failed": failed,
        }
    finally:
        services.close()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listed:
            return [int(child) for child in listed.read().split()]
    except OSError:
        return []


def _cpu_ms(pid: int) -> float:
    """User and system time of one process so far, in milliseconds."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as line:
            return line.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _tree(pid: int) -> list[int]:
    found = [pid]
    for child in _children(pid):
        found += _tree(child)
    return found


def _helpers() -> dict[str, list[int]]:
    """This run's servers (the registries and the token service, with the
    proxies) and its keyring daemon, found among the harness's processes so
    that other benchmarks on the machine are not counted."""
    harness = os.getppid()  # python -m bench
    session = _parent(harness)  # scripts/with-keyring, which started the daemon
    servers = [p for p in _children(harness) if "bench.servers" in _command(p)]
    keyring = [p for p in _children(session) if "gnome-keyring" in _command(p)]
    return {
        "registries": [p for s in servers for p in _tree(s)],
        "keyring": keyring,
    }


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def cpu_by_process() -> dict[str, float]:
    """CPU used so far by this process, the servers and the keyring daemon."""
    found = {"ours": time.process_time() * 1000}
    for name, pids in _helpers().items():
        found[name] = sum(_cpu_ms(pid) for pid in pids)
    return found


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


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
