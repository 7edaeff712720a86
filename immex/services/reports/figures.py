"""Arrange the figures computed by the services into a :class:`~immex.reports.model.Report`.

Nothing is computed here that a service does not already compute: this module picks
columns, orders rows and adds the frame (company, period, data version, computation date,
illustrative notice). The Annex 24 tables come from :mod:`immex.services.reports.annex24`
(ledger reads through the reports repository), the duty sections from
:mod:`immex.services.reports.duty_sections`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from immex.domain.f4_plan import F4Plan, period_bounds
from immex.domain.messages import Msg, Template
from immex.domain.money import ZERO
from immex.domain.savings import SavingsReport
from immex.domain.series import Month, month_str
from immex.domain.usmca_63a import UsmcaReport
from immex.refdata.bundled import load_fx, load_inpc, load_manifest
from immex.reports.i18n import t
from immex.reports.model import CitedRule, Report, ReportMeta, Section, SummaryItem
from immex.services.decide.expiry_plan import expiry_plan
from immex.services.decide.prosec_advice import prosec_advise
from immex.services.rates.annex_load import annex_data
from immex.services.refdata.rules import rule_message, rules_cited
from immex.services.reports.annex24 import (
    annex24_sections,
    expiry_radar,
    expiry_section,
    ledger_tables,
)
from immex.services.reports.annex_section import annex_section, annex_summary
from immex.services.reports.decide_sections import (
    advice_section,
    decide_summary,
    expiry_plan_section,
)
from immex.services.reports.duty_sections import f4_section, savings_section, usmca_section
from immex.services.reports.wording import loaded_files, rewording
from immex.services.workspace.context import Workspace

DATA_UNKNOWN = Template("report.data_unknown", "unknown (reference data not built)")

__all__ = ["build_report", "data_version", "expiry_section", "make_meta", "summary_items"]


def data_version() -> str:
    """A short, stable name for the bundled reference data: manifest version + content hash."""
    try:
        manifest = load_manifest()
    except Exception:  # noqa: BLE001 - the report still renders, saying the data is unknown
        return DATA_UNKNOWN()
    explicit = manifest.get("data_version")
    if explicit:
        return str(explicit)
    digest = hashlib.sha256()
    for table in sorted(manifest.get("tables", []), key=lambda x: x.get("file", "")):
        digest.update(f"{table.get('file')}:{table.get('sha256')}\n".encode())
    fx_to = inpc_to = ""
    try:
        fx_to = load_fx().last.isoformat()
        last = load_inpc().last_month
        inpc_to = month_str(last)
    except Exception:  # noqa: BLE001
        pass
    extra = f" (FIX to {fx_to}, INPC to {inpc_to})" if fx_to else ""
    return f"v{manifest.get('version', '?')}-{digest.hexdigest()[:10]}{extra}"


def make_meta(
    company_name: str,
    company_rfc: str,
    period: str,
    computed_at: datetime,
    illustrative: bool,
    lang: str,
    warnings: Sequence[str] = (),
) -> ReportMeta:
    return ReportMeta(
        company_name,
        company_rfc,
        period,
        data_version(),
        computed_at,
        illustrative,
        lang,
        tuple(warnings),
    )


def summary_items(
    plan: F4Plan | None,
    usmca: UsmcaReport | None,
    sav: SavingsReport | None,
    expiring_value: Decimal,
    expiring_lots: int,
    expired_lots: int,
) -> tuple[SummaryItem, ...]:
    items = []
    if plan is not None:
        items += [
            SummaryItem("sum.f4_total", plan.totals["total"], currency="MXN"),
            SummaryItem("sum.f4_mfn", plan.totals_mfn["total"], currency="MXN"),
            SummaryItem("sum.f4_savings", plan.savings, currency="MXN"),
        ]
    if usmca is not None:
        items.append(SummaryItem("sum.usmca_owed", usmca.totals["owed"], currency="MXN"))
    if sav is not None:
        items.append(
            SummaryItem("sum.prosec_saved", sum(sav.by_sector.values(), ZERO), currency="MXN")
        )
        best = sav.best_unregistered()
        if best is not None:
            items.append(
                SummaryItem(
                    "sum.best_sector", f"{best.sector} ({best.igi_saving:,.2f} MXN)", "text"
                )
            )
    items += [
        SummaryItem("sum.expiring_value", expiring_value, currency="MXN"),
        SummaryItem("sum.expiring_lots", expiring_lots, "int"),
        SummaryItem("sum.expired_lots", expired_lots, "int"),
    ]
    return tuple(items)


def assemble(
    meta: ReportMeta, summary: tuple[SummaryItem, ...], sections: Sequence[Section]
) -> Report:
    return Report(meta, summary, tuple(sections))


def title(key: str, lang: str) -> str:
    return t(key, lang)


def build_report(
    ws: Workspace,
    period: Month,
    *,
    plan: F4Plan,
    usmca: UsmcaReport,
    sav: SavingsReport,
    computed_at: datetime,
    lang: str = "es",
    illustrative: bool = False,
    soon_days: int = 90,
) -> tuple[Report, dict[str, Any]]:
    """The whole month-end report of ``ws.company``, and the ledger figures it used (for
    summaries/tests). The demo workspace's report is always illustrative."""
    company = ws.the_company
    start, end = period_bounds(period)
    led = ledger_tables(ws, start, end)
    radar = expiry_radar(led["balances"], end, soon_days)
    label = month_str(period)
    warnings = list(dict.fromkeys([*plan.warnings[:6], *usmca.warnings[:3], *sav.notes[2:]]))
    meta = make_meta(
        company.name, company.rfc, label, computed_at, illustrative or ws.demo, lang, warnings
    )
    annex = annex_section(led, annex_data(ws))  # Annex I/II of the IMMEX Decree (RULES I-10)
    # the decision tools (issue 15): the PROSEC advisor over the savings' period, the expiry
    # action plan of the lots the radar shows (past their limit or within soon_days)
    advice = prosec_advise(ws, sav.date_from, sav.date_to)
    way_out = expiry_plan(ws, soon_days, end)
    summary = (
        summary_items(
            plan, usmca, sav, radar["soon_value_mxn"], len(radar["soon"]), len(radar["expired"])
        )
        + annex_summary(annex)
        + decide_summary(advice, way_out)
    )
    span = (start.isoformat(), end.isoformat())
    as_of = {  # (since, as of): a period, or a single day ("" since)
        "balances": ("", end.isoformat()),
        "f4": ("", plan.change_date.isoformat()),
        "savings": (sav.date_from.isoformat(), sav.date_to.isoformat()),
        "expiry": ("", end.isoformat()),
    }
    #: tables that extend a section and rest on their own dates: the advisor's period, the
    #: plan's day (each says it under its title)
    own = {
        "prosec_advice": (advice.date_from.isoformat(), advice.date_to.isoformat()),
        "expiry_plan": ("", way_out.as_of.isoformat()),
        "expiry_plan_all": ("", way_out.as_of.isoformat()),
    }
    sections = [
        dated(section, *as_of.get(section.key, span), own)
        for section in (
            *annex24_sections(led),
            f4_section(plan),
            usmca_section(usmca),
            # the advisor and the plan as the last tables of the sections they extend (no
            # section of their own: the PDF stays within its page budget)
            with_tables(savings_section(sav, lang), advice_section(advice)),
            with_tables(
                expiry_section(radar["months"], [*radar["expired"], *radar["soon"]], label),
                expiry_plan_section(way_out),
            ),
            annex,
        )
    ]
    report = reworded(assemble(meta, summary, sections), rewording(loaded_files(ws)))
    report = replace(report, rules=cited_rules(report), rules_version=rules_version())
    return report, {"ledger": led, "radar": radar}


def dated(section: Section, since: str, as_of: str, own: dict[str, tuple[str, str]]) -> Section:
    """``section`` with the date (or period) of its figures, and each of its tables with its
    own (its section's unless ``own`` names it): every table of a section says it."""
    tables = []
    for tb in section.tables:
        tb_since, tb_as_of = own.get(tb.key, (since, as_of))
        tables.append(replace(tb, since=tb_since, as_of=tb_as_of))
    return replace(section, since=since, as_of=as_of, tables=tuple(tables))


def reworded(report: Report, say: Callable[[Any], Any]) -> Report:
    """The report with the messages it shares with the CLI in its own words (no command,
    parameter key or file name: what is missing and its legal source)."""

    def row(r: dict[str, Any]) -> dict[str, Any]:
        if not any(isinstance(v, Msg) for v in r.values()):
            return r
        return {k: say(v) for k, v in r.items()}

    sections = tuple(
        replace(
            s,
            tables=tuple(
                replace(
                    tb, notes=tuple(say(n) for n in tb.notes), rows=tuple(row(r) for r in tb.rows)
                )  # fmt: skip
                for tb in s.tables
            ),
        )
        for s in report.sections
    )
    summary = tuple(replace(i, value=say(i.value)) for i in report.summary)
    meta = replace(report.meta, warnings=tuple(say(w) for w in report.meta.warnings))
    return replace(report, meta=meta, summary=summary, sections=sections)


RULES_VERSION = Template(
    "report.rules_version", "{rows} rules, file sha256 {sha}… (reference data {version})"
)


def rules_version() -> str:
    """The rule book's version as the manifest names it: its rules and content hash."""
    try:
        manifest = load_manifest()
    except Exception:  # noqa: BLE001 - the appendix still renders, without the version
        return ""
    book = next((x for x in manifest.get("tables", []) if x.get("file") == "rules.csv"), None)
    if book is None:
        return ""
    return RULES_VERSION(rows=book.get("rows", "?"), sha=str(book.get("sha256", ""))[:12],
                         version=data_version())  # fmt: skip


def with_tables(section: Section, extra: Section) -> Section:
    """``section`` followed by the tables of ``extra``."""
    return replace(section, tables=(*section.tables, *extra.tables))


def cited_rules(report: Report) -> tuple[CitedRule, ...]:
    """The rules of the rule book the report's texts cite (warnings, notes, every cell)."""
    texts: list[str] = [*report.meta.warnings]
    for table in report.tables():
        texts.extend(table.notes)
        texts.extend(str(v) for row in table.rows for v in row.values() if isinstance(v, str))
    return tuple(
        CitedRule(r.id, rule_message(r), r.citations, r.confidence) for r in rules_cited(texts)
    )
