"""Import commands say what the file held and fail on a file that is not there."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_cli import dtr

NAMES = ("alpha", "beta", "gamma", "delta")


def add_anonymous(name: str) -> None:
    added = dtr(
        "integrations", "add", "--type", "registry", "--name", name,
        "--url", f"{name}.registry.example",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def test_docker_config_import_of_a_missing_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "x" / "nonexist.json"

    result = dtr("import", "docker-config", "--file", str(missing))

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"dtr-desktop: {missing}: file not found; give the path of a "
        "config.json or auth.json\n"
    )


def test_docker_config_import_of_a_folder_is_an_error(tmp_path: Path) -> None:
    result = dtr("import", "docker-config", "--file", str(tmp_path))

    assert result.returncode == 1
    assert f"dtr-desktop: {tmp_path} is not a file" in result.stderr
    assert "No logins found." not in result.stdout


def test_importing_a_file_whose_integrations_all_exist_says_so(
    tmp_path: Path,
) -> None:
    for name in NAMES:
        add_anonymous(name)
    exported = tmp_path / "exp.toml"
    assert dtr("integrations", "export", str(exported)).returncode == 0

    result = dtr("integrations", "import", str(exported))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Nothing to add: all 4 integration(s) in the file already exist."
    )
    assert result.stdout.count("Skipped ") == 4


def test_importing_a_file_some_of_whose_integrations_exist_counts_them(
    tmp_path: Path,
) -> None:
    for name in NAMES:
        add_anonymous(name)
    exported = tmp_path / "exp.toml"
    assert dtr("integrations", "export", str(exported)).returncode == 0
    assert dtr("integrations", "delete", "beta", "--yes").returncode == 0

    result = dtr("integrations", "import", str(exported))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Added 1 of 1 new integration(s); 3 of the 4 in the file already existed."
    )
