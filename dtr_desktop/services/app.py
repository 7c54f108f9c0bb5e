"""The composition root: one database and one secret store for a data dir."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from dtr_desktop.domain.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from dtr_desktop.secret_store import SecretStore
    from dtr_desktop.services.integrations import IntegrationService
    from dtr_desktop.services.policy import PolicyService
    from dtr_desktop.services.subscriptions import SubscriptionService


class Services:
    """Everything a front end needs, opened lazily so start-up stays quick."""

    def __init__(self, data_dir: Path, secrets: SecretStore | None = None) -> None:
        self.data_dir = data_dir
        self._secrets = secrets

    @cached_property
    def secrets(self) -> SecretStore:
        if self._secrets is None:
            from dtr_desktop.secret_store import KeyringSecretStore

            self._secrets = KeyringSecretStore()
        return self._secrets

    @cached_property
    def engine(self) -> Engine:
        from dtr_desktop.store.engine import open_database

        return open_database(self.data_dir)

    @cached_property
    def _sessionmaker(self) -> sessionmaker[Session]:
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One session per user action: committed on success, rolled back on error."""
        from sqlalchemy.exc import OperationalError

        session = self._sessionmaker()
        try:
            yield session
            session.commit()
        except OperationalError as error:
            session.rollback()
            raise StoreError(
                f"The database could not be written ({error.orig}). Nothing was saved; "
                "try again, and check the disk has space."
            ) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @cached_property
    def integrations(self) -> IntegrationService:
        from dtr_desktop.services.integrations import IntegrationService

        return IntegrationService(self)

    @cached_property
    def subscriptions(self) -> SubscriptionService:
        from dtr_desktop.services.subscriptions import SubscriptionService

        return SubscriptionService(self)

    @cached_property
    def policy(self) -> PolicyService:
        from dtr_desktop.services.policy import PolicyService

        return PolicyService(self)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
