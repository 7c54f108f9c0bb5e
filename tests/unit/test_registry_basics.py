"""Small registry rules: outcomes and labels, Retry-After, names, layering."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from dtr_desktop.domain.errors import DtrDesktopError, ValidationError
from dtr_desktop.registry import errors
from dtr_desktop.registry.client import check_repository_name, repository_error
from dtr_desktop.registry.http import retry_after_seconds

PACKAGE = Path(__file__).resolve().parents[2] / "dtr_desktop"


def test_every_outcome_has_a_label_and_the_issue_spelling() -> None:
    assert {o.value for o in errors.Outcome} == {
        "ok",
        "unverified",
        "bad-credentials",
        "no-permission",
        "untrusted-certificate",
        "name-mismatch",
        "unreachable",
        "timeout",
        "not-a-registry",
        "rate-limited",
        "insecure-refused",
        "server-error",
        "unexpected",
    }
    assert set(errors.OUTCOME_LABELS) == set(errors.Outcome)


def test_registry_errors_belong_to_the_product_tree() -> None:
    error = errors.RateLimited("r.example", 30)

    assert isinstance(error, DtrDesktopError)
    assert error.outcome is errors.Outcome.RATE_LIMITED
    assert "Try again in 30 seconds" in str(error)
    assert errors.ServerError("r", 502).outcome is errors.Outcome.SERVER_ERROR
    assert errors.CatalogNotAllowed("r").outcome is errors.Outcome.NO_PERMISSION


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), ("0", 0.0), (None, None), ("", None), ("soon", None)],
)
def test_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_as_a_date() -> None:
    when = datetime.now(UTC) + timedelta(minutes=2)

    seconds = retry_after_seconds(format_datetime(when, usegmt=True))

    assert seconds is not None and 100 < seconds <= 120


@pytest.mark.parametrize("name", ["team/app", "library/a-b__c.d", "x", "a/b/c"])
def test_valid_repository_names(name: str) -> None:
    assert repository_error(name) is None


@pytest.mark.parametrize("name", ["", "Team/App", "team//app", "-x", "a b", "a:b"])
def test_invalid_repository_names(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        check_repository_name(name)
    assert "repository" in raised.value.field_errors


def test_registry_code_imports_no_qt_sql_or_keyring() -> None:
    files = [
        *(PACKAGE / "registry").glob("*.py"),
        PACKAGE / "services" / "registry_checks.py",
    ]
    forbidden = ("PySide6", "sqlalchemy", "keyring", "secretstorage")
    found = []
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{file.name}: {n}" for n in names if n.startswith(forbidden)]
    assert found == []
