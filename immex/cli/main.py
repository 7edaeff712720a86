"""The ``immex`` command. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib
import os

import typer

from immex import __version__
from immex.reports.i18n import check_lang

app = typer.Typer(
    name="immex",
    help="immex — IMMEX/PROSEC assistant: tariff, best lawful rate, Annex 24 ledger, duties.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: area modules under immex.cli, each with ``register(app)``
AREAS = [
    "refdata_cmds",
    "tariff_cmds",
    "workspace_cmds",
    "rates_cmds",
    "ledger_cmds",
    "part_cmds",
    "sat_cmds",
    "job_cmds",
    "api_cmds",
    "accounts_cmds",
    "worker_cmds",
    "decide_cmds",
    "program_cmds",
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"immex {__version__}")
        raise typer.Exit()


def _lang(value: str | None) -> str | None:
    if value:  # the run's language: every report and message of this command
        os.environ["IMMEX_LANG"] = check_lang(value.strip().lower())
    return value


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        callback=_lang,
        is_eager=True,
        help="Language of reports and messages: es (default) or en; also IMMEX_LANG.",
    ),
) -> None:
    """immex — IMMEX/PROSEC assistant for Mexican export manufacturers."""


for _area in AREAS:
    importlib.import_module(f"immex.cli.{_area}").register(app)


from immex.cli.import_group import import_app  # noqa: E402

if import_app.registered_commands:
    app.add_typer(import_app, name="import")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
