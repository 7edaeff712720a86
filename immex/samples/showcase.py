"""``immex demo``: the month-end job on the illustrative electronics manufacturer.

Creates a fresh SQLite workspace, loads the company's data through the same services a user
calls (company, PROSEC list, materials, products, BOM, pedimentos, shipments), runs the
FIFO discharge, plans the close month's F4 and 63-A, measures the program savings over the
last twelve months, writes the reports and returns a short summary.

ILLUSTRATIVE DATA: the company and its movements are invented (seeded); fractions and
rates (LIGIE), the PROSEC rows (DOF 23-04-2026 excerpt), exchange rates and INPC are the
bundled real data. The close month is the last month the bundled exchange-rate series
covers, so every figure is computed from real series (no invented exchange rate).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from immex.domain.f4_dta import DtaBasis
from immex.domain.f4_plan import F4Plan, period_bounds
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.savings import SavingsReport, savings_start
from immex.domain.usmca_63a import UsmcaReport
from immex.refdata.bundled import load_fx
from immex.samples import demo as sample
from immex.services.discharge import runs as discharge
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.journal_portions import duty_context_of
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.ledger import importer as ledger_import
from immex.services.month_end import close
from immex.services.rates import loading as rates_service
from immex.services.reports.figures import build_report, data_version
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace

DTA_NONE = Template("demo.dta_none", "DTA: no line pays DTA on value")
DTA_NOT_CHECKED = Template(
    "demo.dta_not_checked",
    "DTA minimum (LFD 49) not applied: the fr. III fee of {year} is not in the data — load it "
    "with `immex rates load parameters`",
)
DTA_MINIMUM = Template(
    "demo.dta_minimum",
    "DTA: 8 per thousand ({amount}) is below the LFD 49-III fee ({fee}): the pedimento pays "
    "the fee",
)
DTA_ON_VALUE = Template(
    "demo.dta_on_value",
    "DTA: 8 per thousand ({amount}), above the LFD 49-III fee",
)
PROSEC_NOTE = Template("demo.prosec_note", "{fraccion} ({detail}): {reason}")
SECTOR_NOTE = Template("demo.sector_note", "sector {sector}: {reason}")


T = TypeVar("T")

PROSEC_EXCERPT = Path(sample.__file__).with_name("prosec_dof_2026-04-23_excerpt.csv")
DB_NAME = "immex-demo.db"
#: a step of the demo: (name, done, total)
Progress = Callable[[str, int, int], None]
STEPS = (
    "workspace",
    "reference data",
    "import",
    "discharge",
    "F4",
    "63-A",
    "savings",
    "reports",
)


@dataclass
class DemoSummary:
    folder: Path
    db: str
    company_rfc: str
    company_name: str
    period: str
    change_date: date
    data_version: str
    f4_total: Decimal
    f4_total_mfn: Decimal
    f4_savings: Decimal
    f4_lines: int
    f4_portions: int
    f4_dta: str
    usmca_owed: Decimal
    usmca_mx_duty: Decimal
    usmca_documents: int
    usmca_due_by: date | None
    prosec_saved: Decimal
    program_saved: Decimal
    savings_from: date
    savings_to: date
    prosec_note: str
    best_sector: str | None
    best_sector_saving: Decimal
    expiring_lots: int
    expiring_value_mxn: Decimal
    expiring_first: dict[str, Any] | None
    expired_lots: int
    counts: dict[str, int]
    discharge: dict[str, Any]
    reports: dict[str, str]
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    illustrative: str = sample.ILLUSTRATIVE_NOTICE


def dta_sentence(plan: F4Plan) -> str:
    """How the F4 pedimento's DTA was settled (LFD 49 and its minimum, RULES C-10)."""
    dta = plan.dta
    if dta is None or dta.basis is DtaBasis.NOTHING_ON_VALUE:
        return DTA_NONE()
    if dta.basis is DtaBasis.NOT_CHECKED:
        return DTA_NOT_CHECKED(year=dta.date.year)
    if dta.basis is DtaBasis.MINIMUM_FEE:
        return DTA_MINIMUM(amount=_pesos(dta.per_thousand_exact), fee=dta.fee)
    return DTA_ON_VALUE(amount=_pesos(dta.per_thousand_exact))


def _pesos(amount: Decimal) -> str:
    return f"MXN {amount:,.2f}"


def close_month() -> tuple[tuple[int, int], date]:
    """The demo's close: the last full month before the end of the bundled FIX series."""
    last = load_fx().last
    first_of = date(last.year, last.month, 1)
    prev = first_of - timedelta(days=1)
    return (prev.year, prev.month), last


class _Clock:
    """Progress and the seconds of each step of the demo."""

    def __init__(self, progress: Progress | None) -> None:
        self.step = progress or (lambda _name, _done, _total: None)
        self.seconds: dict[str, float] = {}
        self._tick = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._tick, 3)
        self._tick = now

    def one(self, name: str, job: Callable[[], T]) -> T:
        """Run a one-step job, reporting its progress and timing it."""
        self.step(name, 0, 1)
        result = job()
        self.step(name, 1, 1)
        self.lap(name)
        return result


def _fresh_workspace(folder: Path) -> Workspace:
    """A new SQLite workspace in ``folder`` (any previous demo database replaced), marked
    as the demo's: every report of it is illustrative."""
    db_path = folder / DB_NAME
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return replace(workspace.create_workspace(f"sqlite:///{db_path}"), demo=True)


def _import_files(ws: Workspace, files: sample.DemoFiles, clock: _Clock) -> None:
    order = [
        ("materials", files.materials),
        ("products", files.products),
        ("bom", files.bom),
        ("pedimentos", files.pedimentos),
        ("shipments", files.shipments),
    ]
    for i, (entity, path) in enumerate(order):
        clock.step("import", i, len(order))
        ledger_import.import_file(ws, entity, path)
    clock.step("import", len(order), len(order))
    clock.lap("import")


def run_demo(
    folder: Path | str,
    *,
    formats: Sequence[str] = ("xlsx", "html", "pdf"),
    lang: str = "es",
    progress: Progress | None = None,
    seed: int = sample.DEMO_SEED,
    computed_at: datetime | None = None,
) -> DemoSummary:
    """Run the whole illustrative month-end job into ``folder`` (created; its db replaced)."""
    chosen = close.report_options(formats, lang)
    clock = _Clock(progress)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    # 1. workspace and company; 2. reference data in the workspace: the real PROSEC excerpt
    ws = clock.one("workspace", lambda: _demo_company(_fresh_workspace(folder)))
    clock.one("reference data", lambda: rates_service.load_rates(ws, "prosec", PROSEC_EXCERPT))
    period, fx_last = close_month()
    end = period_bounds(period)[1]

    # 3. the company's files, through the importers; 4. discharge through the close
    timeline = sample.DemoTimeline(period, last_entry=min(end, fx_last))
    files = sample.generate(folder / "data", timeline, seed)
    _import_files(ws, files, clock)
    run = clock.one("discharge", lambda: discharge.run_discharge(ws, through=end))

    # 5-7. the month's F4 and 63-A, the year's savings (one connection, one duty context)
    with ws.read():
        ctx = duty_context_of(ws)
        plan = clock.one("F4", lambda: plan_f4(ws, period, context=ctx))
        usmca = clock.one("63-A", lambda: report_63a(ws, period, files.us_duties, context=ctx))
        sav_from = savings_start(period)
        sav = clock.one("savings", lambda: savings(ws, sav_from, end, context=ctx))

        # 8. reports
        when = computed_at or datetime.now(UTC).replace(microsecond=0)
        report, used = build_report(
            ws, period, plan=plan, usmca=usmca, sav=sav, computed_at=when, lang=lang
        )
    paths = close.write_reports(
        report, chosen, folder / "reports", lambda done, total: clock.step("reports", done, total)
    )
    clock.lap("reports")
    written = {fmt: str(path) for fmt, path in paths.items()}
    ws.store.dispose()
    return _summary(ws, folder, plan, usmca, sav, used["radar"], files, run, written, clock)


def _demo_company(ws: Workspace) -> Workspace:
    company = workspace.add_company(
        ws, sample.COMPANY_RFC, sample.COMPANY_NAME, sample.IMMEX_PROGRAM, sample.PROSEC_SECTORS
    )
    return ws.with_company(company)


def _summary(
    ws: Workspace,
    folder: Path,
    plan: F4Plan,
    usmca: UsmcaReport,
    sav: SavingsReport,
    radar: dict[str, Any],
    files: sample.DemoFiles,
    run: Any,
    written: dict[str, str],
    clock: _Clock,
) -> DemoSummary:
    company = ws.the_company
    first = radar["soon"][0] if radar["soon"] else None
    best = sav.best_unregistered()
    return DemoSummary(
        folder=folder,
        db=f"sqlite:///{folder / DB_NAME}",
        company_rfc=company.rfc,
        company_name=company.name,
        period=plan.period,
        change_date=plan.change_date,
        data_version=data_version(),
        f4_total=plan.totals["total"],
        f4_total_mfn=plan.totals_mfn["total"],
        f4_savings=plan.savings,
        f4_lines=len(plan.lines),
        f4_portions=plan.portions,
        f4_dta=dta_sentence(plan),
        usmca_owed=usmca.totals["owed"],
        usmca_mx_duty=usmca.totals["mx_duty"],
        usmca_documents=len(usmca.documents),
        usmca_due_by=min((d.due_by for d in usmca.documents), default=None),
        prosec_saved=sum(sav.by_sector.values(), ZERO),
        program_saved=sav.total,
        savings_from=sav.date_from,
        savings_to=sav.date_to,
        prosec_note=_prosec_note(plan, sav),
        best_sector=best.sector if best else None,
        best_sector_saving=best.igi_saving if best else ZERO,
        expiring_lots=len(radar["soon"]),
        expiring_value_mxn=radar["soon_value_mxn"],
        expiring_first=(
            {
                "pedimento": first["pedimento"],
                "part": first["part"],
                "limit_date": first["limit_date"],
                "value_mxn": first["value_mxn"],
            }
            if first
            else None
        ),
        expired_lots=len(radar["expired"]),
        counts={**files.counts, "allocations": run.allocations, "shortfalls": run.shortfalls},
        discharge={
            "run_id": run.run_id,
            "allocations": run.allocations,
            "by_key": run.by_key,
            "shortfalls": run.shortfalls,
            "expired_lots": run.expired_lots,
        },
        reports=written,
        seconds=clock.seconds,
        warnings=plan.warnings[:4],
    )


def _prosec_note(plan: Any, sav: Any) -> str:
    """Why PROSEC did (not) save: the engine's own reason, taken from a trace."""
    if sum(sav.by_sector.values(), ZERO) > 0:
        return ""
    registered = {f"sector {s}" for s in plan.prosec_sectors}
    found = ""
    for line in plan.lines:
        for pp in line.portions:
            for o in pp.best.options:
                if o.program == "PROSEC" and not o.eligible and "in force" in o.reason:
                    note = PROSEC_NOTE(fraccion=line.fraccion, detail=o.detail, reason=o.reason)
                    if o.detail in registered:
                        return note
                    found = found or note
    if found:
        return found
    for w in sav.what_if:
        if w.reason:
            return SECTOR_NOTE(sector=w.sector, reason=w.reason)
    return ""
