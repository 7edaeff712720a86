"""A server or worker refuses a workspace an earlier version made and nobody upgraded,
saying how to upgrade it (instead of failing on the first request that reads a new
column)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from immex.cli.main import app
from immex.store import migrate
from immex.store.unit import Store


def _outdated(tmp_path: Path) -> str:
    """A workspace upgraded to every branch but the newest revision of one (as an earlier
    version of immex left it)."""
    from alembic import command
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    heads = sorted(migrate.code_heads())
    engine = create_engine(url)
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for head in heads[:-1]:
            command.upgrade(cfg, head)
    assert migrate.missing_heads(engine) == {heads[-1]}
    engine.dispose()
    return url


def test_current_workspace_passes(tmp_path: Path) -> None:
    store = Store.create(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert migrate.missing_heads(store.engine) == set()
        store.check_schema()
    finally:
        store.dispose()


def test_serve_and_worker_refuse_an_outdated_workspace(tmp_path: Path) -> None:
    url = _outdated(tmp_path)
    for args in (["serve", "--db", url], ["worker", "--db", url, "--once"]):
        res = CliRunner().invoke(app, ["--lang", "en", *args])
        assert res.exit_code == 2, res.output
        assert "earlier version of immex" in res.output and "immex init --db" in res.output
    res = CliRunner().invoke(app, ["--lang", "es", "serve", "--db", url])
    assert res.exit_code == 2 and "actualícelo primero" in res.output
    # upgraded, it is current again
    assert CliRunner().invoke(app, ["init", "--db", url]).exit_code == 0
    store = Store.open(url)
    try:
        store.check_schema()
    finally:
        store.dispose()
