"""Shared CLI plumbing: JSON output, error reporting, dates, the visible 'today', and how
figures and tables are printed for a person (a terminal) and for a log (a pipe, a file)."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from immex.domain.codes import format_pedimento
from immex.domain.errors import BatchError, ImmexError
from immex.domain.messages import Msg, Template
from immex.domain.series import Month
from immex.reports.i18n import default_lang, record_text, reset_lang, set_lang, tr
from immex.services import inputs as formats
from immex.services.inputs import jsonable


class Out(Console):
    """The CLI's console: a table never loses a character of a value.

    On a terminal a column too narrow for a value wraps it (``overflow="fold"``) instead of
    cutting it with ``…``. When the output is not a terminal (a pipe, a file, a log, a test)
    a table is written as plain columns — a title line, a header line, one line per row,
    columns two spaces apart, every value in full — whatever the width of the screen."""

    @property
    def to_screen(self) -> bool:
        """Whether the output is a terminal (the file itself, whatever FORCE_COLOR says)."""
        isatty = getattr(self.file, "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed file
            return False

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not any(isinstance(o, Table) for o in objects):
            super().print(*objects, **kwargs)
            return
        for obj in objects:
            if not isinstance(obj, Table):
                super().print(obj, **kwargs)
            elif self.to_screen:
                for column in obj.columns:
                    column.overflow = "fold"
                super().print(obj, **kwargs)
            else:
                self.file.write(plain_table(obj, self))


def _cell_text(cell: Any, out: Console) -> str:
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return out.render_str(cell).plain
    return str(cell)


_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+ ?%?")


def _numeric(values: list[str]) -> bool:
    """A column of numbers (amounts, quantities, rates): aligned on the right."""
    shown = [v for v in values if v not in ("", "-", "—")]
    return bool(shown) and all(_NUMBER.fullmatch(v) for v in shown)


def plain_table(table: Table, out: Console) -> str:
    """``table`` as plain text columns: every value whole, numbers aligned as the column says
    (``justify="right"``), multi-line cells on several lines, no box characters."""
    heads = [_cell_text(c.header, out) for c in table.columns]
    cells = [[_cell_text(v, out) for v in c.cells] for c in table.columns]
    n_rows = max((len(c) for c in cells), default=0)
    rows: list[list[str]] = [heads] if table.show_header else []
    rows += [[col[i] if i < len(col) else "" for col in cells] for i in range(n_rows)]
    lines: list[list[str]] = []
    for row in rows:  # a cell with line breaks spreads its row over several lines
        split = [v.splitlines() or [""] for v in row]
        depth = max((len(s) for s in split), default=1)
        lines += [[s[k] if k < len(s) else "" for s in split] for k in range(depth)]
    widths = [max((len(line[i]) for line in lines), default=0) for i in range(len(heads))]
    right = [c.justify == "right" or _numeric(v) for c, v in zip(table.columns, cells, strict=True)]
    text = [
        "  ".join(
            v.rjust(w) if r else v.ljust(w) for v, w, r in zip(line, widths, right, strict=True)
        ).rstrip()
        for line in lines
    ]
    for label in (table.title, table.caption):
        if label:
            pos = 0 if label is table.title else len(text)
            text.insert(pos, _cell_text(label, out))
    return "\n".join(text) + "\n"


console = Out(soft_wrap=True)
err_console = Out(stderr=True, soft_wrap=True)


def qty(value: Any) -> str:
    """A quantity as a person reads it: no meaningless trailing zeros (``12.000000`` → ``12``,
    ``708.500000`` → ``708.5``), thousands grouped (``14,833.25``)."""
    if value is None or value == "":
        return "-"
    d = Decimal(value)
    d = d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()
    return f"{d:,f}"


def money(value: Any) -> str:
    """An amount with its two decimals and thousands grouped (``1,234.50``)."""
    if value is None or value == "":
        return "-"
    return f"{Decimal(value):,.2f}"


def pedimento_text(number: Any) -> str:
    """A pedimento as a person reads it (``YY AD PPPP NNNNNNN``); JSON keeps the 15 digits."""
    return "-" if number is None else format_pedimento(str(number))


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


def text(message: Any) -> str:
    """A message of the catalog (or any text) in the run's language (``--lang``)."""
    return str(tr(message, default_lang()))


#: the placeholders of a command a person types (``immex rates load fix FILE``), in the
#: run's language: the command and its options stay as typed, the words to replace are said
PLACEHOLDERS = {
    "FILE": Template("cli.placeholder.file", "FILE"),
    "DATE": Template("cli.placeholder.date", "DATE"),
    "TEXT": Template("cli.placeholder.text", "TEXT"),
    "BATCH": Template("cli.placeholder.batch", "BATCH"),
    "KIND": Template("cli.placeholder.kind", "KIND"),
}
_PLACEHOLDER = re.compile(r"\b(" + "|".join(PLACEHOLDERS) + r")\b")


def command_text(command: str) -> str:
    """``command`` with its placeholders in the run's language (``immex rates load fix
    ARCHIVO``)."""
    return _PLACEHOLDER.sub(lambda m: text(PLACEHOLDERS[m.group(1)]()), command)


#: what a dated legal parameter is, for a person (the key stays next to it: a user types it
#: into a parameters file)
PARAMETER_WORDS = {
    "iva.rate": Template("cli.param.iva.rate", "IVA rate, LIVA 1"),
    "dta.ad_valorem": Template("cli.param.dta.ad_valorem", "DTA ad valorem rate, LFD 49-I"),
    "dta.immex_temporary_fee": Template(
        "cli.param.dta.immex_temporary_fee", "DTA fixed fee, LFD 49-III"
    ),
    "recargos.lif_monthly_rate": Template(
        "cli.param.recargos.lif_monthly_rate",
        "monthly surcharge rate of the Ley de Ingresos de la Federación",
    ),
    "recargos.cff21_increase": Template(
        "cli.param.recargos.cff21_increase", "increase of the surcharge rate, CFF 21"
    ),
    "recargos.max_years": Template(
        "cli.param.recargos.max_years", "longest period of recargos, CFF 21"
    ),
    "usmca.proof_period_days": Template(
        "cli.param.usmca.proof_period_days",
        "days to prove the duty paid in the US/Canada, LA 63-A",
    ),
}
PARAMETER = Template("cli.param.named", "{label} (parameter {name})")


def parameter_text(name: str) -> str:
    """A parameter as a person reads it: what it is, then its key (``DTA fixed fee, LFD
    49-III (parameter dta.immex_temporary_fee)``); a parameter not listed by its key."""
    words = PARAMETER_WORDS.get(name)
    return text(PARAMETER(label=words(), name=name)) if words else name


def say(message: Any, *, err: bool = False) -> None:
    """Print one line for a person, in the run's language, exactly as given (no markup)."""
    (err_console if err else console).print(text(message), markup=False, highlight=False)


def run_lang(ctx: typer.Context, lang: str | None) -> str:
    """A command's own ``--lang``: the language of the rest of the command (its reports and
    its messages) — reset when the command's context closes; returns the language in force."""
    if lang:
        token = set_lang(lang)
        ctx.call_on_close(lambda: reset_lang(token))
    return default_lang()


ERROR_LINE = Template("cli.error", "error: {message}")
WARNING_LINE = Template("cli.warning", "warning: {message}")
NOTE_LINE = Template("cli.note", "note: {message}")


def error_code(message: Any) -> str | None:
    """The stable code of an error message: its catalog key (``None`` for a text that is not
    yet a message of the catalog)."""
    return message.key if isinstance(message, Msg) else None


def error_records(exc: ImmexError, lang: str | None = None) -> list[dict[str, Any]]:
    """The errors of ``exc`` as records ``{file, line, column, message, value, code}``: the
    message in ``lang`` (the run's language), ``code`` its catalog key."""
    lang = lang or default_lang()
    if isinstance(exc, BatchError) and exc.errors:
        return [
            {"file": r.source, "line": r.line, "column": r.field,
             "message": str(tr(r.message, lang)), "value": r.value,
             "code": error_code(r.message)}
            for r in exc.errors
        ]  # fmt: skip
    return [
        {"file": None, "line": None, "column": exc.field, "message": str(tr(exc.message, lang)),
         "value": None, "code": error_code(exc.message)}
    ]  # fmt: skip


def report_error(exc: ImmexError, json_out: bool = False) -> None:
    """``file:line: column: message`` on stderr; with ``json_out`` also
    ``{"errors": [{file, line, column, message, value, code}], "message": …, "code": …}`` on
    stdout — in the run's language, ``code`` the message's catalog key."""
    lang = default_lang()
    if json_out:
        print_json(
            {
                "errors": error_records(exc, lang),
                "message": str(tr(exc.message, lang)),
                "code": error_code(exc.message),
            }
        )
    if isinstance(exc, BatchError):
        for record in exc.errors:
            err_console.print(record_text(record, lang), markup=False, highlight=False)
    say(ERROR_LINE(message=exc.message), err=True)


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


TODAY_USED = Template("cli.today_used", "no {option} given: using today's date {day}")


def today_default(
    value: date | None, warnings: list[str] | None = None, option: str = "--as-of"
) -> date:
    """The CLI is the one place that reads the clock, and it says so (naming ``option``)."""
    if value is not None:
        return value
    today = date.today()
    if warnings is not None:
        warnings.append(TODAY_USED(option=option, day=today.isoformat()))
    return today


def open_ws(db: str | None, company: str | None = None, *, need_company: bool = True) -> Any:
    """The workspace of one command: the store at ``db``, the company (by ``--company`` or the
    only one), the terminal user as actor (``$IMMEX_USER`` or the OS user) and today."""
    from immex.services.workspace.companies import open_workspace

    return open_workspace(db, company, require_company=need_company)
