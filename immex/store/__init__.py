"""The workspace store: SQLite by default, PostgreSQL for a team server.

SQLAlchemy 2 Core tables (``immex.store.tables``) on one shared ``metadata``; Alembic
migrations under ``immex/store/migrations`` (one branch per area, all applied with
``upgrade heads``). Services own transactions; the domain never sees SQL.
"""
