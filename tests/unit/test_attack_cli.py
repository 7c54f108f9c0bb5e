"""Files given to the command line that never end or are far too large.

Each run gets an address-space limit, so a command that reads the whole of
/dev/zero fails the test with a MemoryError instead of exhausting the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import keyring_items

MEMORY_LIMIT = 2 * 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def dtr(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtr_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
        preexec_fn=_limit_memory,
    )


def add_with_ca(path: str) -> subprocess.CompletedProcess[str]:
    return dtr(
        "integrations", "add", "--type", "registry", "--name", "Lab",
        "--url", "https://127.0.0.1:5000", "--username", "bob",
        "--password-stdin", "--ca-file", path, stdin="secret-pw\n",
    )  # fmt: skip


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_a_ca_file_that_never_ends_is_refused_and_nothing_is_saved(
    path: str, data_dir: Path
) -> None:
    result = add_with_ca(path)

    assert result.returncode == 1
    assert result.stderr == (
        f"dtr-desktop: ca_file: {path} is not a PEM certificate file\n"
    )
    assert dtr("integrations", "list", "--json").stdout.strip() == "[]"
    assert keyring_items() == []


def test_a_policy_ca_file_that_never_ends_is_a_problem(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "[[integrations]]\n"
        'id = "corp"\nname = "Corp"\ntype = "registry"\n'
        'url = "https://127.0.0.1:5000"\nca_file = "/dev/zero"\n'
    )

    result = dtr("policy", "check", str(policy))

    assert result.returncode != 0
    assert "MemoryError" not in result.stderr + result.stdout
    assert "ca_file /dev/zero is larger than 1 MB" in result.stderr + result.stdout
