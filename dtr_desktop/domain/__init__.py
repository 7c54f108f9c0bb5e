"""Values and rules of dtr-desktop that know nothing of Qt, SQL, keyring or HTTP."""
