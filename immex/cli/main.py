"""The ``immex`` command. Each area registers its commands from its own module."""

from __future__ import annotations

import importlib

import typer

from immex import __version__
from immex.cli.language import RootGroup, display_lang, localize_classes
from immex.domain.errors import ImmexError
from immex.reports.i18n import default_lang, reset_lang, set_lang, tr

app = typer.Typer(
    name="immex",
    cls=RootGroup,
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


def _lang(ctx: typer.Context, value: str | None) -> str | None:
    """The run's language: every report and message of this command, until it ends (a
    context variable reset when the command's context closes — the process environment is
    left alone, so an in-process command does not choose the language of the next)."""
    if value:
        try:
            token = set_lang(value)
        except ImmexError as exc:
            raise typer.BadParameter(str(tr(exc.message, display_lang()))) from None
        ctx.call_on_close(lambda: reset_lang(token))
        return value
    try:  # no --lang: IMMEX_LANG must be a language too (checked once, before any output)
        default_lang()
    except ImmexError as exc:
        raise typer.BadParameter(f"IMMEX_LANG: {tr(exc.message, display_lang())}") from None
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

localize_classes(app)  # help and Click's messages in the run's language (immex.cli.language)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
