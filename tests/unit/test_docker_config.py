"""Docker and containers credential files: parsing, atomic writes, helper entries."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from dtr_desktop.docker_config.cred_helpers import (
    disable_helper,
    enable_helper,
    move_to_helper,
    uses_helper,
)
from dtr_desktop.docker_config.errors import ConfigFileError, CredentialHelperError
from dtr_desktop.docker_config.files import read_config, write_config
from dtr_desktop.docker_config.helper_client import helper_get, run_helper
from dtr_desktop.docker_config.locations import (
    CredentialFile,
    containers_auth_paths,
    credential_files,
    docker_config_path,
)
from dtr_desktop.docker_config.logins import (
    WHOLE_FILE,
    decode_auth,
    encode_auth,
    read_logins,
)
from dtr_desktop.docker_config.protocol import (
    credentials_json,
    docker_server_key,
    go_json,
)
from dtr_desktop.docker_config.store_lookup import DATABASE_NAME
from dtr_desktop.store.engine import DATABASE_NAME as STORE_DATABASE_NAME

COLON = "pa:ss:word"
NON_ASCII = "пароль-密码-🔑"
LONG = "x:" + "é" * 998


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def write_json(path: Path, value: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))
    return path


# -- auth values ----------------------------------------------------------------


@pytest.mark.parametrize("password", [COLON, NON_ASCII, LONG, ""])
def test_auth_splits_on_the_first_colon_only(password: str) -> None:
    assert decode_auth(encode_auth("alice", password)) == ("alice", password)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("%%%not-base64", "not valid base64"),
        (b64("no-colon-here"), "has no ':'"),
        (base64.b64encode(b"user:\xff\xfe").decode(), "not UTF-8"),
        (42, "not a string"),
    ],
)
def test_bad_auth_values_say_what_is_wrong(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_auth(value)


# -- where the files are ----------------------------------------------------------


def test_docker_config_follows_docker_config_variable(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "DOCKER_CONFIG": str(tmp_path / "elsewhere")}
    assert docker_config_path(env) == tmp_path / "elsewhere" / "config.json"
    assert docker_config_path({"HOME": str(tmp_path)}) == (
        tmp_path / ".docker" / "config.json"
    )


def test_containers_auth_files_in_lookup_order(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    assert containers_auth_paths(env) == [
        tmp_path / "run" / "containers" / "auth.json",
        tmp_path / ".config" / "containers" / "auth.json",
    ]
    env["REGISTRY_AUTH_FILE"] = str(tmp_path / "mine.json")
    assert containers_auth_paths(env)[0] == tmp_path / "mine.json"
    kinds = [file.kind for file in credential_files(env)]
    assert kinds == ["docker", "containers", "containers"]


# -- reading logins ------------------------------------------------------------


def test_reads_auth_and_identity_token_entries(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "config.json",
        {
            "auths": {
                "registry.example.com:5000": {"auth": b64(f"alice:{COLON}")},
                "https://index.docker.io/v1/": {
                    "auth": b64("bob:"),
                    "identitytoken": "refresh-token-value",
                },
                "held.example.com": {},
            },
            "psFormat": "table",
        },
    )
    logins = read_logins(CredentialFile(path, "docker"))
    found = {(x.host_key, x.username, x.secret, x.origin) for x in logins}
    assert found == {
        ("registry.example.com:5000", "alice", COLON, "auth"),
        ("docker.io", "<token>", "refresh-token-value", "identitytoken"),
    }
    assert all(login.plaintext and login.problem is None for login in logins)


def test_malformed_entries_each_get_a_message(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "config.json",
        {
            "auths": {
                "good.example.com": {"auth": b64("alice:pw")},
                "nocolon.example.com": {"auth": b64("alicepw")},
                "badb64.example.com": {"auth": "***"},
                "weird.example.com": "not an object",
            },
            "credHelpers": {"helped.example.com": "no-such-helper-xyz"},
        },
    )
    logins = {x.server: x for x in read_logins(CredentialFile(path, "docker"))}
    assert logins["good.example.com"].problem is None
    assert "no ':'" in (logins["nocolon.example.com"].problem or "")
    assert "base64" in (logins["badb64.example.com"].problem or "")
    assert "not an object" in (logins["weird.example.com"].problem or "")
    helped = logins["helped.example.com"].problem or ""
    assert "docker-credential-no-such-helper-xyz is not installed" in helped
    assert all(x.secret == "" for x in logins.values() if x.problem)


def test_bad_json_is_one_problem_for_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"auths": {"a": {"auth": "x"}},,}')
    (login,) = read_logins(CredentialFile(path, "docker"))
    assert login.server == WHOLE_FILE
    assert "not valid JSON" in (login.problem or "")
    assert "line 1" in (login.problem or "")


def test_our_own_helper_entries_are_not_imported(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "config.json",
        {"credHelpers": {"r.example.com": "dtr-desktop"}, "credsStore": "dtr-desktop"},
    )
    assert read_logins(CredentialFile(path, "docker")) == []


def test_a_missing_file_has_no_logins(tmp_path: Path) -> None:
    assert read_logins(CredentialFile(tmp_path / "none.json", "docker")) == []


# -- other helpers, run for real ------------------------------------------------


@pytest.fixture
def helper_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on PATH for small helper programs written by a test."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


def add_helper(folder: Path, name: str, script: str) -> None:
    program = folder / f"docker-credential-{name}"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(0o755)


def test_a_failing_helper_is_reported_with_its_message(helper_bin: Path) -> None:
    add_helper(helper_bin, "broken", 'echo "backend exploded"; exit 1\n')
    with pytest.raises(CredentialHelperError, match="get failed: backend exploded"):
        helper_get("broken", "r.example.com")


def test_a_helper_that_hangs_is_stopped(helper_bin: Path) -> None:
    add_helper(helper_bin, "slow", "exec sleep 30\n")
    with pytest.raises(CredentialHelperError, match="did not answer 'get' within"):
        run_helper("slow", "get", "r.example.com", timeout=0.3)


def test_helper_not_found_answer_means_no_login(helper_bin: Path) -> None:
    add_helper(
        helper_bin, "empty", 'echo "credentials not found in native keychain"; exit 1\n'
    )
    assert helper_get("empty", "r.example.com") is None


def test_helper_gets_the_server_on_stdin_not_argv(
    helper_bin: Path, tmp_path: Path
) -> None:
    seen = tmp_path / "seen"
    add_helper(
        helper_bin,
        "echoing",
        f'echo "$@" > {seen}.argv; cat > {seen}.stdin\n'
        'printf \'{"ServerURL":"x","Username":"u","Secret":"s"}\'\n',
    )
    answer = helper_get("echoing", "r.example.com")
    assert answer is not None and (answer.username, answer.secret) == ("u", "s")
    assert Path(f"{seen}.argv").read_text().strip() == "get"
    assert Path(f"{seen}.stdin").read_text() == "r.example.com"


# -- writing files ----------------------------------------------------------------


def test_write_keeps_a_backup_and_the_file_mode(tmp_path: Path) -> None:
    path = write_json(tmp_path / "config.json", {"auths": {}, "detachKeys": "ctrl-x"})
    path.chmod(0o640)
    old = path.read_bytes()
    backup = write_config(path, {"auths": {}, "detachKeys": "ctrl-y"})
    assert backup is not None and backup.read_bytes() == old
    assert read_config(path) == {"auths": {}, "detachKeys": "ctrl-y"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_new_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.json"
    assert write_config(path, {"credHelpers": {}}) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_write_follows_a_symlink(tmp_path: Path) -> None:
    real = write_json(tmp_path / "dotfiles" / "config.json", {"auths": {}})
    link = tmp_path / ".docker" / "config.json"
    link.parent.mkdir()
    link.symlink_to(real)
    write_config(link, {"auths": {}, "x": 1})
    assert link.is_symlink()
    assert json.loads(real.read_text()) == {"auths": {}, "x": 1}


def test_unreadable_json_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("[1, 2]")
    with pytest.raises(ConfigFileError, match="JSON object"):
        enable_helper(path, "r.example.com", "docker")
    assert path.read_text() == "[1, 2]"


# -- credHelpers entries ------------------------------------------------------------


def test_enable_and_disable_keep_every_other_key(tmp_path: Path) -> None:
    original = {
        "auths": {"other.example.com": {"auth": b64("u:p")}},
        "credHelpers": {"gcr.io": "gcloud"},
        "credsStore": "secretservice",
        "proxies": {"default": {"httpProxy": "http://127.0.0.1:3128"}},
    }
    path = write_json(tmp_path / "config.json", original)
    change = enable_helper(path, "127.0.0.1:5000", "docker")
    assert change is not None and change.backup is not None
    config = read_config(path)
    assert config == {
        **original,
        "credHelpers": {"gcr.io": "gcloud", "127.0.0.1:5000": "dtr-desktop"},
    }
    assert uses_helper(path, "127.0.0.1:5000")
    assert enable_helper(path, "127.0.0.1:5000", "docker") is None
    assert disable_helper(path, "127.0.0.1:5000") is not None
    assert read_config(path) == original
    assert disable_helper(path, "127.0.0.1:5000") is None


def test_disable_leaves_another_tools_helper_alone(tmp_path: Path) -> None:
    path = write_json(tmp_path / "config.json", {"credHelpers": {"gcr.io": "gcloud"}})
    assert disable_helper(path, "gcr.io") is None
    assert read_config(path) == {"credHelpers": {"gcr.io": "gcloud"}}


def test_docker_hub_keys_differ_between_docker_and_containers(tmp_path: Path) -> None:
    docker = tmp_path / "config.json"
    containers = tmp_path / "auth.json"
    enable_helper(docker, "docker.io", "docker")
    enable_helper(containers, "docker.io", "containers")
    assert read_config(docker) == {
        "credHelpers": {"https://index.docker.io/v1/": "dtr-desktop"}
    }
    assert read_config(containers) == {"credHelpers": {"docker.io": "dtr-desktop"}}
    assert uses_helper(docker, "docker.io") and uses_helper(containers, "docker.io")


def test_move_to_helper_removes_only_the_chosen_secrets(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "config.json",
        {
            "auths": {
                "https://a.example.com": {"auth": b64("u:p"), "email": "u@x.org"},
                "b.example.com": {"auth": b64("v:q")},
            },
            "HttpHeaders": {"User-Agent": "x"},
        },
    )
    change = move_to_helper(path, {"a.example.com"}, "docker")
    assert change is not None and change.backup is not None
    assert read_config(path) == {
        "auths": {
            "https://a.example.com": {"email": "u@x.org"},
            "b.example.com": {"auth": b64("v:q")},
        },
        "HttpHeaders": {"User-Agent": "x"},
        "credHelpers": {"a.example.com": "dtr-desktop"},
    }


# -- protocol encoding ------------------------------------------------------------


def test_replies_are_encoded_as_go_encodes_them() -> None:
    reply = credentials_json("r:5000", "a\\b", 'p<>&"\n\x08\u2028ü')
    assert reply == (
        '{"ServerURL":"r:5000","Username":"a\\\\b",'
        '"Secret":"p\\u003c\\u003e\\u0026\\"\\n\\u0008\\u2028ü"}\n'
    )
    assert go_json({"b": "1", "a": "2"}) == '{"b":"1","a":"2"}\n'
    assert go_json({"\x01\t\r\x1f\x7f": "\u2029/"}) == (
        '{"\\u0001\\t\\r\\u001f\x7f":"\\u2029/"}\n'
    )
    for plain in ("", "plain text ü 😀", "a'b/c%d"):
        assert (
            go_json({plain: plain})
            == json.dumps({plain: plain}, ensure_ascii=False, separators=(",", ":"))
            + "\n"
        )


def test_docker_hub_has_dockers_own_spelling() -> None:
    assert docker_server_key("docker.io") == "https://index.docker.io/v1/"
    assert docker_server_key("127.0.0.1:5000") == "127.0.0.1:5000"


def test_helper_reads_the_same_database_file_as_the_store() -> None:
    assert DATABASE_NAME == STORE_DATABASE_NAME
