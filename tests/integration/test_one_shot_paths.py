"""The quick paths of one-shot commands and Test all agree with the full ones.

``integrations test`` reads and records with plain SQL and reads the secret
as the credential helper does; Test all reads every secret in one Secret
Service session; a command on a machine without a policy file skips the
policy. Each must give what the store, keyring and the policy would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from dtr_desktop.docker_config.fast_secret import CHOICE_FILE
from dtr_desktop.domain import values
from dtr_desktop.domain.values import IntegrationDraft
from dtr_desktop.secret_store import KeyringSecretStore
from dtr_desktop.services import Services
from dtr_desktop.services.policy import apply_policy_at_start
from dtr_desktop.store import direct
from dtr_desktop.store.engine import HEAD_REVISION
from tests.integration.registry_servers import RunningRegistry

POLICY = """\
[[integrations]]
id = "corp"
name = "Corp"
type = "registry"
url = "https://registry.corp.example"
"""


def test_plain_sql_writes_what_the_store_reads(services: Services) -> None:
    added = services.integrations.add(
        IntegrationDraft("Ünïcode Name", "registry", "https://r.example"), None
    )
    when = datetime(2026, 12, 4, 17, 16, 5, 123456)
    assert direct.SCHEMA_REVISION == HEAD_REVISION

    connection = direct.connect(services.data_dir, writable=True)
    assert connection is not None
    with connection:
        stored = direct.target_by_name(connection, "ünïcode name")
        assert stored is not None and stored.id == added.id
        assert direct.record_test(
            connection, added.id, values.TestResult("ok", "fine", when)
        )
        assert not direct.record_test(
            connection, "0" * 32, values.TestResult("ok", "", when)
        )
    connection.close()

    again = services.integrations.get_by_id(added.id)
    assert (again.last_test_outcome, again.last_test_message) == ("ok", "fine")
    assert again.last_tested_at == when


def test_get_many_answers_as_get_does(services: Services) -> None:
    ids = [
        services.integrations.add(
            IntegrationDraft(f"R{n}", "registry", f"r{n}.example", "me"), f"pw-{n}"
        ).id
        for n in range(3)
    ]
    store = KeyringSecretStore()
    wanted = [*ids, ids[0], "f" * 32]

    found = store.get_many(wanted)

    assert found == {ids[0]: "pw-0", ids[1]: "pw-1", ids[2]: "pw-2", "f" * 32: None}
    assert found == {key: store.get(key) for key in found}
    assert store.get_many([]) == {}


def test_a_removed_policy_file_still_releases_what_it_managed(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    monkeypatch.setenv("DTR_DESKTOP_POLICY", str(policy))
    assert apply_policy_at_start(services) == []
    assert services.integrations.get("Corp").managed
    policy.unlink()

    assert apply_policy_at_start(services) == []

    assert not services.integrations.get("Corp").managed
    assert not direct.holds_policy_entries(services.data_dir)


LOADED = """
import sys
from dtr_desktop.cli import main
code = main(["integrations", "test", sys.argv[1], "--json"])
heavy = sorted({m.split(".")[0] for m in sys.modules
               if m.startswith(("PySide6", "sqlalchemy", "keyring", "alembic",
                                "secretstorage", "cryptography"))})
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def command_test(name: str) -> tuple[dict[str, object], dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + LOADED, name],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    return json.loads(done.stdout), loaded


@pytest.mark.registry
def test_integrations_test_loads_neither_orm_nor_keyring_and_records_the_result(
    services: Services, registry_tls_htpasswd: RunningRegistry, data_dir: Path
) -> None:
    registry = registry_tls_htpasswd
    added = services.integrations.add(
        IntegrationDraft(
            "Team", "registry", registry.url, "alice", ca_cert_pem=registry.ca_pem
        ),
        registry.password("alice"),
    )

    first, loaded_first = command_test("team")  # keyring answers, choice recorded
    second, loaded_second = command_test("TEAM")

    assert first["outcome"] == second["outcome"] == "ok"
    assert "keyring" in loaded_first["heavy"]  # type: ignore[operator]
    assert (data_dir / CHOICE_FILE).exists()
    assert loaded_second == {"code": 0, "heavy": []}
    stored = services.integrations.get_by_id(added.id)
    assert stored.last_test_outcome == "ok"
    assert stored.last_test_message == second["message"]


@pytest.mark.registry
def test_integrations_test_of_an_unknown_name_fails_plainly(
    services: Services,
) -> None:
    services.integrations.add(IntegrationDraft("One", "registry", "r.example"), None)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dtr-desktop")), "integrations", "test",
         "Two"],
        check=False, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == "dtr-desktop: There is no integration named 'Two'.\n"
