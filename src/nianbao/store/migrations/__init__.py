"""Alembic migrations of the ledger's database, run by `nianbao.store.db.upgrade`."""
