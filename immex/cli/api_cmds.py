"""`immex serve`: the HTTP API and web pages, in one process or several (``--workers``)."""

from __future__ import annotations

import os
from typing import Any

import typer

from immex.cli.common import DbOpt, handle_errors
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template

BAD_JOBS = Template("cli.serve.bad_jobs", "--jobs must be here or workers, not {value}")
WORKERS_NEED_PG = Template(
    "cli.serve.workers_need_pg",
    "--workers above 1 needs a PostgreSQL workspace (--db postgresql://…): an SQLite file has "
    "one writer and its jobs run in the one server process",
)
WORKERS_NOT_HERE = Template(
    "cli.serve.workers_not_here",
    "--workers above 1 runs jobs on `immex worker`s, not --jobs here",
)


#: how long a worker process may take to answer its supervisor (it imports the whole
#: site first; on a busy machine that takes more than uvicorn's default 5 s)
WORKER_HEALTHCHECK_SECONDS = 120


def _settings_env(db: str | None, secure_cookies: bool, jobs: str | None) -> dict[str, str]:
    """What every process of the server reads at start (``site_from_environment``): the
    workspace and the settings — never a secret on the command line or in a log."""
    env: dict[str, str] = {}
    if db:
        env["IMMEX_DB"] = db
    if secure_cookies:
        env["IMMEX_SECURE_COOKIES"] = "1"
    if jobs:
        env["IMMEX_JOBS"] = jobs
    return env


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    db: str | None = DbOpt,
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Mark cookies Secure (the server is reached by HTTPS)."
    ),
    jobs: str | None = typer.Option(
        None,
        "--jobs",
        help="Who runs background jobs: here (this process) or workers (`immex worker`, "
        "PostgreSQL). Default: here on SQLite, workers on PostgreSQL.",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Web processes on the port (PostgreSQL; jobs then run on `immex worker`s). "
        "Each is stateless: sessions are signed and kept in the database, the signing key "
        "is $IMMEX_SECRET_KEY or the workspace's own.",
    ),  # fmt: skip
) -> None:
    """Serve the JSON API (/api/…, /api/v1 signed in; docs at /docs) and the web pages
    (/ , /login, ?lang=en)."""
    import uvicorn  # imported here: keeps the other commands' start-up fast

    from immex.api.v1.auth import JobRunners
    from immex.services.workspace.companies import open_workspace

    if jobs:
        try:
            JobRunners(jobs)
        except ValueError:
            raise InvalidInput(BAD_JOBS(value=repr(jobs)), field="jobs") from None
    ws = open_workspace(db, actor="server")
    try:
        ws.store.check_schema()
        dialect = ws.store.dialect
    finally:
        ws.store.dispose()
    if workers > 1:
        if dialect != "postgresql":
            raise InvalidInput(WORKERS_NEED_PG(), field="workers")
        if jobs == JobRunners.HERE:
            raise InvalidInput(WORKERS_NOT_HERE(), field="jobs")
    os.environ.update(_settings_env(db, secure_cookies, jobs))
    uvicorn.run(
        "immex.cli.api_cmds:site_from_environment", factory=True, host=host, port=port,
        workers=workers if workers > 1 else None,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )  # fmt: skip


def site_from_environment() -> Any:
    """The site of one server process, from what `immex serve` set: $IMMEX_DB (else
    ./immex.db), $IMMEX_JOBS, $IMMEX_SECURE_COOKIES (read by ``ServerSettings``)."""
    from immex.api.v1.auth import ServerSettings
    from immex.web.site import create_site

    return create_site(os.environ.get("IMMEX_DB") or None, ServerSettings(freeze_figures=True))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
