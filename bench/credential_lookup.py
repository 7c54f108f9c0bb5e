"""P7: ``docker-credential-dtr-desktop get`` against Debian's secretservice helper.

Both ask the same Secret Service, which holds 1,000 dtr-desktop secrets (one
per integration in the database) and docker's own logins. Each helper is
asked for a registry in the middle of its list, as ``docker pull`` would.
"""

from __future__ import annotations

import shutil

from bench.context import BIN, Context
from bench.keyring_seed import store_docker_secrets, store_product_secrets
from bench.report import Row, ratio_text
from bench.seed import SeedIntegration, seed
from bench.stats import Command, run_checked, time_interleaved

WHAT = "`docker-credential-dtr-desktop get`, 1,000 secrets in the keyring"
GOAL = "≤ 2×"
LIMIT = 2.0
PRODUCT_SECRETS = 1_000
DOCKER_SECRETS = 100
ASKED = 500
BASELINE = "/usr/bin/docker-credential-secretservice"


def _host(number: int) -> str:
    return f"registry-{number:04d}.bench.test"


def _integrations() -> list[SeedIntegration]:
    return [
        SeedIntegration(
            id=f"{number + 1:032x}",
            name=f"Registry {number:04d}",
            provider="registry",
            url=f"https://{_host(number)}",
            username=f"builder-{number}",
        )
        for number in range(PRODUCT_SECRETS)
    ]


def _prepare(ctx: Context) -> None:
    seed(ctx.data_dir("p7-helper"), _integrations())
    store_product_secrets(
        (f"{number + 1:032x}", f"secret-{number}") for number in range(PRODUCT_SECRETS)
    )
    store_docker_secrets(
        (f"https://{_host(number)}", f"builder-{number}", f"secret-{number}")
        for number in range(DOCKER_SECRETS)
    )


def measure_p7(ctx: Context) -> list[Row]:
    helper = BIN / "docker-credential-dtr-desktop"
    if not helper.exists():
        raise FileNotFoundError(f"{helper} is not installed")
    if shutil.which(BASELINE) is None:
        raise FileNotFoundError(f"{BASELINE} (golang-docker-credential-helpers)")
    ctx.once("p7-keyring", lambda: _prepare(ctx))
    env = ctx.child_env(ctx.data_dir("p7-helper"))
    ours_asked, theirs_asked = _host(ASKED), f"https://{_host(ASKED % DOCKER_SECRETS)}"
    _check_answer([str(helper), "get"], env, ours_asked, f"secret-{ASKED}")
    _check_answer([BASELINE, "get"], env, theirs_asked, "secret-")
    found = time_interleaved(
        {
            "ours": Command([str(helper), "get"], env, ours_asked),
            "baseline": Command([BASELINE, "get"], env, theirs_asked),
        },
        ctx.runs * 2,
    )
    ours, baseline = found["ours"], found["baseline"]
    return [
        Row(
            "P7",
            WHAT,
            ours.describe(),
            baseline.describe(),
            ratio_text(ours.median, baseline.median),
            GOAL,
            ours.median <= LIMIT * baseline.median,
            (
                f"keyring held {PRODUCT_SECRETS} dtr-desktop and {DOCKER_SECRETS} "
                "docker secrets; the helpers were asked for "
                f"{ours_asked} and {theirs_asked}",
            ),
        )
    ]


def _check_answer(
    argv: list[str], env: dict[str, str], server: str, secret: str
) -> None:
    answer = run_checked(argv, env, server).stdout
    if f'"Secret":"{secret}' not in answer:
        raise RuntimeError(f"{argv[0]} did not return the stored secret")
