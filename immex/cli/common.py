"""Shared CLI plumbing: JSON output, error reporting, dates, the visible 'today'."""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from immex.domain.errors import BatchError, ImmexError, InvalidInput

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON instead of text.")
DbOpt = typer.Option(
    None, "--db", help="Workspace database URL or SQLite path (default $IMMEX_DB or ./immex.db)."
)
CompanyOpt = typer.Option(
    None, "--company", help="Company RFC (optional when the workspace has one company)."
)


def jsonable(obj: Any) -> Any:
    """Convert results to JSON-ready values: Decimal → str, dates → ISO, dataclasses → dict."""
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, Path):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    return obj


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(obj), ensure_ascii=False, indent=2) + "\n")


def report_error(exc: ImmexError) -> None:
    if isinstance(exc, BatchError):
        for record in exc.errors:
            err_console.print(str(record), markup=False, highlight=False)
    err_console.print(f"error: {exc.message}", markup=False, highlight=False)


def handle_errors(func: F) -> F:
    """Turn project errors into `file:line: message` on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ImmexError as exc:
            report_error(exc)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def parse_date(text: str | None, field: str = "date") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"--{field}: not a date: {text!r} (expected YYYY-MM-DD)", field=field
        ) from None


def parse_month(text: str, field: str = "month") -> tuple[int, int]:
    try:
        year_s, month_s = text.strip().split("-")
        year, month = int(year_s), int(month_s)
        if not 1 <= month <= 12 or len(year_s) != 4:
            raise ValueError
        return year, month
    except ValueError:
        raise InvalidInput(
            f"{field}: not a month: {text!r} (expected YYYY-MM)", field=field
        ) from None


def today_default(value: date | None, warnings: list[str] | None = None) -> date:
    """The CLI is the one place that reads the clock, and it says so."""
    if value is not None:
        return value
    today = date.today()
    if warnings is not None:
        warnings.append(f"no --as-of given: using today's date {today.isoformat()}")
    return today
