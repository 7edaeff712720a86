"""``immex 63a report``: LA 63-A / USMCA 2.5 on the period's exports to the US and Canada.

The use case: read the US/CA duties file (``document, us_duty_usd``), the period's export
lot portions (journal key ``RT``, per lot and document) of the current run, price them with
the domain (:mod:`immex.domain.usmca_63a`) and say what the figures leave out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from immex.domain.duties import DutyContext
from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidInput
from immex.domain.f4_plan import period_bounds
from immex.domain.lot_portions import PortionSplit
from immex.domain.messages import Template
from immex.domain.money import ZERO, D
from immex.domain.series import Month, month_str
from immex.domain.usmca_63a import DESTINATIONS, UsmcaReport, build_report, price_exports
from immex.services.discharge.caveats import NO_RUN_YET
from immex.services.duties.f4_plan import as_month
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.figure_cache import cached
from immex.services.workspace.context import Workspace

CANNOT_READ = Template("usmca.cannot_read", "{path}: cannot read the US/CA duties file: {exc}")
MISSING_COLUMNS = Template(
    "usmca.missing_columns",
    "{path}:1: missing column {items}; expected: document, us_duty_usd",
    "{path}:1: missing columns {items}; expected: document, us_duty_usd",
)
NEGATIVE = Template("check.negative", "must not be negative")
EMPTY_DOCUMENT = Template("usmca.empty_document", "empty document")
NO_EXPORTS = Template("usmca.no_exports", "no exports to USA/CAN discharged in {period}")
NOT_EXPORTS = Template(
    "usmca.not_exports",
    "{n} document in the US/CA duties file is not an export of {period}: {documents}{more}",
    "{n} documents in the US/CA duties file are not exports of {period}: {documents}{more}",
)


def read_us_duties(path: Path) -> dict[str, Decimal]:
    """The file ``document, us_duty_usd`` (CSV); all-or-nothing with ``file:line`` errors."""
    errors: list[ErrorRecord] = []
    out: dict[str, Decimal] = {}
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput(CANNOT_READ(path=path, exc=exc), field="us_duties") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    cols = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in ("document", "us_duty_usd") if c not in cols]
    if missing:
        raise InvalidInput(
            MISSING_COLUMNS(path=path, items=", ".join(missing), n=len(missing)),
            field="us_duties",
        )
    for n, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        doc = row["document"].replace(" ", "")
        try:
            amount = D(row["us_duty_usd"])
            if amount < 0:
                raise InvalidInput(NEGATIVE())
        except (ImmexError, TypeError) as exc:
            msg = exc.message if isinstance(exc, ImmexError) else str(exc)
            errors.append(ErrorRecord(str(path), n, "us_duty_usd", msg, row["us_duty_usd"]))
            continue
        if not doc:
            errors.append(ErrorRecord(str(path), n, "document", EMPTY_DOCUMENT()))
            continue
        out[doc] = out.get(doc, ZERO) + amount
    if errors:
        raise BatchError(errors)
    return out


def report_63a(
    ws: Workspace,
    period: str | Month,
    us_duties_file: Path | str | None = None,
    *,
    context: DutyContext | None = None,
) -> UsmcaReport:
    """The period's exports to the US/Canada of ``ws.company`` and what 63-A makes owed
    (computed once per state of the database on a server, without a file or ``context``)."""
    month = as_month(period)
    if us_duties_file is None and context is None:
        return cached(ws, "duties.report_63a", (month,),
                      lambda: _report_63a(ws, month, None, None))  # fmt: skip
    return _report_63a(ws, month, us_duties_file, context)


def _report_63a(
    ws: Workspace, month: Month, us_duties_file: Path | str | None, context: DutyContext | None
) -> UsmcaReport:
    company = ws.the_company
    start, end = period_bounds(month)
    us_duties = read_us_duties(Path(us_duties_file)) if us_duties_file else {}
    label = month_str(month)
    with ws.read():
        portions = lot_portions(
            ws, ("RT",), start, end, split=PortionSplit.LOT_DOCUMENT, destinations=DESTINATIONS
        )
        priced = price_exports(
            portions, context or duty_context_of(ws), us_duties, tuple(company.prosec_sectors)
        )
        report = build_report(
            priced,
            us_duties,
            company_rfc=company.rfc,
            company_name=company.name,
            period=label,
            us_duties_file=str(us_duties_file) if us_duties_file else None,
        )
        extra: list[str] = []
        if not has_run(ws):
            extra.append(NO_RUN_YET())
        else:
            if not portions:
                extra.append(NO_EXPORTS(period=label))
            extra += journal_caveats(ws, start, end, ("export",), destinations=DESTINATIONS)
    known = {d.document.replace(" ", "") for d in report.documents}
    unknown = sorted(set(us_duties) - known)
    if unknown:
        more = " …" if len(unknown) > 5 else ""
        extra.append(
            NOT_EXPORTS(n=len(unknown), period=label, documents=", ".join(unknown[:5]), more=more)
        )
    if extra:
        report = replace(report, warnings=tuple([*extra, *report.warnings]))
    return report
