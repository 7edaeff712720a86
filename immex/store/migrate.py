"""Create or upgrade a workspace database with Alembic (all branches: ``heads``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config  # imported lazily: keeps CLI start-up fast

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    """Every branch to its head, one branch per transaction (a SQLite table rebuild —
    foreign keys deferred until its commit — does not share a transaction with another
    branch's changes)."""
    from alembic import command

    cfg = alembic_config()
    for head in sorted(code_heads()):
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, head)


def current_heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def code_heads() -> set[str]:
    """The revisions this version of immex upgrades a workspace to."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def missing_heads(engine: Engine) -> set[str]:
    """The revisions of this version the workspace has not been upgraded to (empty when
    it is current)."""
    return code_heads() - current_heads(engine)
