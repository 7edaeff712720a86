"""`immex serve`: the HTTP API and web pages."""

from __future__ import annotations

import typer

from immex.cli.common import DbOpt


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    db: str | None = DbOpt,
) -> None:
    """Serve the JSON API (/api/…, docs at /docs) and the web pages (/ , ?lang=en)."""
    import uvicorn

    from immex.api.app import create_app

    uvicorn.run(create_app(db), host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
