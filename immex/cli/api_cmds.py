"""`immex serve`: the HTTP API and web pages."""

from __future__ import annotations

from dataclasses import replace

import typer

from immex.cli.common import DbOpt


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
) -> None:
    """Serve the JSON API (/api/…, /api/v1 signed in; docs at /docs) and the web pages
    (/ , /login, ?lang=en)."""
    import uvicorn  # imported here: keeps the other commands' start-up fast

    from immex.api.v1.auth import JobRunners, ServerSettings
    from immex.web.site import create_site

    base = ServerSettings()
    settings = replace(
        base,
        secure_cookies=secure_cookies or base.secure_cookies,
        jobs=JobRunners(jobs) if jobs else base.jobs,
    )
    uvicorn.run(create_site(db, settings), host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
