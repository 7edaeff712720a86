"""The shared `immex import …` group; each area adds its importers to ``import_app``."""

import typer

import_app = typer.Typer(
    help="Import files into the workspace (all-or-nothing).", no_args_is_help=True
)
