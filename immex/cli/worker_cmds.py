"""`immex worker`: run the jobs that the web processes of a team server queue."""

from __future__ import annotations

import typer

from immex.cli.common import DbOpt, handle_errors, open_ws


@handle_errors
def worker(
    db: str | None = DbOpt,
    concurrency: int = typer.Option(1, "--concurrency", min=1, help="Jobs run at once."),
    once: bool = typer.Option(False, "--once", help="Stop when no job is left."),
) -> None:
    """Run queued jobs (discharge runs) of a PostgreSQL workspace until stopped; start as
    many workers, on as many machines, as the work needs."""
    from immex.services.jobs.worker import run_worker  # procrastinate: only here

    ws = open_ws(db, None, need_company=False)
    ws.store.check_schema()
    run_worker(ws, concurrency=concurrency, wait=not once)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
