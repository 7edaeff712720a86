"""Shared CLI plumbing: JSON output, error reporting, dates, the visible 'today'."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import typer
from rich.console import Console

from immex.domain.errors import BatchError, ImmexError
from immex.domain.series import Month
from immex.services import inputs as formats
from immex.services.inputs import jsonable

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON instead of text.")
DbOpt = typer.Option(
    None, "--db", help="Workspace database URL or SQLite path (default $IMMEX_DB or ./immex.db)."
)
DryRunOpt = typer.Option(
    False, "--dry-run", help="Check everything and report what would be written; write nothing."
)
CompanyOpt = typer.Option(
    None, "--company", help="Company RFC (optional when the workspace has one company)."
)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def error_records(exc: ImmexError) -> list[dict[str, Any]]:
    """The errors of ``exc`` as records ``{file, line, column, message, value}``."""
    if isinstance(exc, BatchError) and exc.errors:
        return [
            {"file": r.source, "line": r.line, "column": r.field, "message": r.message,
             "value": r.value}
            for r in exc.errors
        ]  # fmt: skip
    return [
        {"file": None, "line": None, "column": exc.field, "message": exc.message, "value": None}
    ]


def report_error(exc: ImmexError, json_out: bool = False) -> None:
    """``file:line: column: message`` on stderr; with ``json_out`` also
    ``{"errors": [{file, line, column, message, value}], "message": …}`` on stdout."""
    if json_out:
        print_json({"errors": error_records(exc), "message": exc.message})
    if isinstance(exc, BatchError):
        for record in exc.errors:
            err_console.print(str(record), markup=False, highlight=False)
    err_console.print(f"error: {exc.message}", markup=False, highlight=False)


def handle_errors(func: F) -> F:
    """Turn project errors into `file:line: message` on stderr and exit code 2 (and into
    JSON error records on stdout when the command was given ``--json``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ImmexError as exc:
            report_error(exc, json_out=bool(kwargs.get("json_out")))
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def parse_date(text: str | None, field: str = "date", *, label: str | None = None) -> date | None:
    """A date typed for the option ``--<field>``; pass ``label`` for an argument (``DATE``)."""
    return formats.parse_date(text, label or f"--{field}", field.replace("-", "_"))


def parse_month(text: str, field: str = "month", *, label: str | None = None) -> Month:
    """A month ``YYYY-MM`` typed for the argument ``<field>`` (or ``label``)."""
    return formats.parse_month(text, label or field, field.replace("-", "_").lower())


def today_default(
    value: date | None, warnings: list[str] | None = None, option: str = "--as-of"
) -> date:
    """The CLI is the one place that reads the clock, and it says so (naming ``option``)."""
    if value is not None:
        return value
    today = date.today()
    if warnings is not None:
        warnings.append(f"no {option} given: using today's date {today.isoformat()}")
    return today


def open_ws(db: str | None, company: str | None = None, *, need_company: bool = True) -> Any:
    """The workspace of one command: the store at ``db``, the company (by ``--company`` or the
    only one), the terminal user as actor (``$IMMEX_USER`` or the OS user) and today."""
    from immex.services.workspace.companies import open_workspace

    return open_workspace(db, company, require_company=need_company)
