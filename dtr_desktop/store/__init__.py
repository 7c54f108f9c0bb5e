"""The SQLite store of integrations and subscriptions (SQLAlchemy 2)."""
