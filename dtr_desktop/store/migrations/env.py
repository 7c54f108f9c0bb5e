"""Alembic environment: migrates the database file named by the caller."""

from __future__ import annotations

from pathlib import Path

from alembic import context

from dtr_desktop.store.engine import make_engine
from dtr_desktop.store.models import Base

path: Path = context.config.attributes["database_path"]
engine = make_engine(path)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
