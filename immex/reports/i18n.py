"""A small message catalog for the reports: Spanish by default, English with ``lang="en"``.

Keys are stable identifiers; a missing key falls back to Spanish, then to the key itself
(so a forgotten translation shows up plainly instead of failing a month-end close).
"""

from __future__ import annotations

from immex.domain.errors import InvalidInput

LANGS = ("es", "en")

_CATALOG: dict[str, dict[str, str]] = {
    # frame
    "report.title": {"es": "Cierre mensual IMMEX/PROSEC", "en": "IMMEX/PROSEC monthly close"},
    "report.company": {"es": "Empresa", "en": "Company"},
    "report.period": {"es": "Periodo", "en": "Period"},
    "report.data_version": {"es": "Versión de datos", "en": "Data version"},
    "report.computed_at": {"es": "Calculado el", "en": "Computed on"},
    "report.illustrative": {
        "es": "DATOS ILUSTRATIVOS: empresa, partes y movimientos ficticios; fracciones, tasas, "
        "tipo de cambio e INPC reales.",
        "en": "ILLUSTRATIVE DATA: fictitious company, parts and movements; real fractions, "
        "rates, exchange rates and INPC.",
    },
    "report.contents": {"es": "Contenido", "en": "Contents"},
    "report.warnings": {"es": "Advertencias", "en": "Warnings"},
    "report.summary": {"es": "Resumen", "en": "Summary"},
    "report.total": {"es": "Total", "en": "Total"},
    "report.no_rows": {"es": "Sin movimientos en el periodo.", "en": "No movements in the period."},
    "report.no_lots": {
        "es": "Ningún lote con saldo abierto al cierre del periodo.",
        "en": "No lot with an open balance at the end of the period.",
    },
    "report.no_expiry": {
        "es": "Ningún lote con saldo abierto vencido o cerca de su plazo.",
        "en": "No lot with an open balance past or near its limit.",
    },
    "report.no_rows_range": {
        "es": "Nada que mostrar en el rango de fechas.",
        "en": "Nothing to show in the date range.",
    },
    "report.rows_shown": {
        "es": "Se muestran {shown} de {total} renglones; el libro de Excel los tiene todos.",
        "en": "Showing {shown} of {total} rows; the Excel workbook has them all.",
    },
    "report.footer": {
        "es": "immex — cada cifra puede rehacerse a mano con la traza del cálculo.",
        "en": "immex — every figure can be redone by hand from its computation trace.",
    },
    "report.page": {"es": "Página", "en": "Page"},
    "report.section_basis": {
        "es": "Datos de referencia {version}; cifras al {as_of}.",
        "en": "Reference data {version}; figures as of {as_of}.",
    },
    "report.section_version": {
        "es": "Datos de referencia {version}.",
        "en": "Reference data {version}.",
    },
    # summary items
    "sum.f4_total": {"es": "F4 a pagar (tasa óptima)", "en": "F4 to pay (best rate)"},
    "sum.f4_mfn": {"es": "F4 a tasa general (sin programas)", "en": "F4 at MFN only"},
    "sum.f4_savings": {"es": "Ahorro por programas en el F4", "en": "Program savings on the F4"},
    "sum.usmca_owed": {"es": "63-A / T-MEC 2.5 a pagar", "en": "63-A / USMCA 2.5 owed"},
    "sum.prosec_saved": {"es": "Ahorro PROSEC en el rango", "en": "PROSEC savings in range"},
    "sum.expiring_value": {
        "es": "Valor que vence en 90 días (MXN)",
        "en": "Value expiring within 90 days (MXN)",
    },
    "sum.expiring_lots": {
        "es": "Lotes que vencen en 90 días",
        "en": "Lots expiring within 90 days",
    },
    "sum.expired_lots": {"es": "Lotes vencidos (regularizar)", "en": "Expired lots (regularize)"},
    "sum.best_sector": {
        "es": "Sector PROSEC que más ahorraría (no registrado)",
        "en": "Unregistered PROSEC sector that would save most",
    },
    # sections
    "sec.summary": {"es": "Resumen", "en": "Summary"},
    "sec.entries": {"es": "Anexo 24: entradas", "en": "Annex 24: entries"},
    "sec.exits": {"es": "Anexo 24: salidas", "en": "Annex 24: exits"},
    "sec.balances": {"es": "Anexo 24: saldos", "en": "Annex 24: balances"},
    "sec.materials_used": {
        "es": "Anexo 24: materiales utilizados",
        "en": "Annex 24: materials used",
    },
    "sec.discharge": {"es": "Descargo por pedimento", "en": "Discharge by pedimento"},
    "sec.f4": {"es": "F4: cambio de régimen", "en": "F4: change of regime"},
    "sec.usmca": {"es": "63-A / T-MEC 2.5", "en": "63-A / USMCA 2.5"},
    "sec.f4_trace": {"es": "F4: traza de cada cálculo", "en": "F4: trace of every computation"},
    "sec.usmca_trace": {
        "es": "63-A: traza de cada cálculo",
        "en": "63-A: trace of every computation",
    },
    "sec.savings": {"es": "Ahorros por programa", "en": "Program savings"},
    "sec.savings_month": {"es": "Ahorros por mes", "en": "Savings by month"},
    "sec.savings_fraction": {"es": "Ahorros por fracción", "en": "Savings by fraction"},
    "sec.what_if": {
        "es": "¿Qué sector PROSEC agregar?",
        "en": "Which PROSEC sector to add?",
    },
    "sec.expiry": {"es": "Radar de vencimientos", "en": "Expiry radar"},
    "sec.rules": {"es": "Anexo: reglas citadas", "en": "Appendix: rules cited"},
    "sec.expiry_lots": {"es": "Lotes por vencer o vencidos", "en": "Lots near or past their limit"},
    # charts
    "chart.savings_by_sector": {
        "es": "Ahorro vs. tasa general por sector (MXN)",
        "en": "Savings vs MFN by sector (MXN)",
    },
    "chart.expiry_radar": {
        "es": "Valor en riesgo por mes de vencimiento (MXN)",
        "en": "Value at risk by month of limit (MXN)",
    },
    "chart.balance_by_fraction": {
        "es": "Saldo por fracción (MXN)",
        "en": "Balance by fraction (MXN)",
    },
    "chart.empty": {"es": "sin datos", "en": "no data"},
    "chart.all_zero_of": {"es": "todo en cero ({labels})", "en": "all zero ({labels})"},
    "chart.registered": {"es": "registrado", "en": "registered"},
    "chart.if_added": {"es": "si se agrega", "en": "if added"},
    # values
    "status.open": {"es": "abierto", "en": "open"},
    "status.near": {"es": "por vencer", "en": "near its limit"},
    "status.expired": {"es": "vencido", "en": "expired"},
    "kind.export": {"es": "exportación", "en": "export"},
    "kind.domestic": {"es": "venta nacional", "en": "domestic sale"},
    "kind.transfer": {"es": "transferencia", "en": "transfer"},
    # columns
    "col.pedimento": {"es": "Pedimento", "en": "Pedimento"},
    "col.clave": {"es": "Clave", "en": "Key"},
    "col.date": {"es": "Fecha", "en": "Date"},
    "col.part": {"es": "Parte", "en": "Part"},
    "col.description": {"es": "Descripción", "en": "Description"},
    "col.fraccion": {"es": "Fracción", "en": "Fraction"},
    "col.origin": {"es": "Origen", "en": "Origin"},
    "col.quantity": {"es": "Cantidad", "en": "Quantity"},
    "col.value_usd": {"es": "Valor USD", "en": "Value USD"},
    "col.value_mxn": {"es": "Valor MXN", "en": "Value MXN"},
    "col.customs_value_mxn": {"es": "Valor en aduana MXN", "en": "Customs value MXN"},
    "col.document": {"es": "Documento", "en": "Document"},
    "col.documents": {"es": "Documentos de salida", "en": "Exit documents"},
    "col.kind": {"es": "Tipo", "en": "Kind"},
    "col.destination": {"es": "Destino", "en": "Destination"},
    "col.product": {"es": "Producto", "en": "Product"},
    "col.lot": {"es": "Lote", "en": "Lot"},
    "col.entry_date": {"es": "Fecha de entrada", "en": "Entry date"},
    "col.limit_date": {"es": "Fecha límite", "en": "Limit date"},
    "col.days_left": {"es": "Días restantes", "en": "Days left"},
    "col.open_qty": {"es": "Saldo (cantidad)", "en": "Open quantity"},
    "col.open_value": {"es": "Saldo (valor USD)", "en": "Open value USD"},
    "col.allocated_qty": {"es": "Cantidad descargada", "en": "Quantity discharged"},
    "col.allocated_value": {"es": "Valor descargado USD", "en": "Value discharged USD"},
    "col.program": {"es": "Programa", "en": "Program"},
    "col.sector": {"es": "Sector", "en": "Sector"},
    "col.rate": {"es": "Tasa %", "en": "Rate %"},
    "col.mfn_rate": {"es": "Tasa general %", "en": "MFN rate %"},
    "col.igi": {"es": "IGI", "en": "IGI"},
    "col.igi_updated": {"es": "IGI actualizado", "en": "Updated IGI"},
    "col.dta": {"es": "DTA", "en": "DTA"},
    "col.iva": {"es": "IVA", "en": "IVA"},
    "col.total": {"es": "Total", "en": "Total"},
    "col.total_mfn": {"es": "Total a tasa general", "en": "Total at MFN"},
    "col.savings": {"es": "Ahorro", "en": "Savings"},
    "col.portions": {"es": "Porciones", "en": "Portions"},
    "col.mx_duty": {"es": "Arancel MX", "en": "MX duty"},
    "col.us_duty_mxn": {"es": "Arancel EUA/CAN (MXN)", "en": "US/CA duty (MXN)"},
    "col.exemption": {"es": "Exención", "en": "Exemption"},
    "col.owed": {"es": "A pagar", "en": "Owed"},
    "col.due_by": {"es": "Vence", "en": "Due by"},
    "col.month": {"es": "Mes", "en": "Month"},
    "col.value_at_risk": {"es": "Valor en riesgo MXN", "en": "Value at risk MXN"},
    "col.lots": {"es": "Lotes", "en": "Lots"},
    "col.status": {"es": "Estado", "en": "Status"},
    "col.would_save": {"es": "Ahorraría", "en": "Would save"},
    "col.reason": {"es": "Motivo", "en": "Reason"},
    "col.fractions": {"es": "Fracciones", "en": "Fractions"},
    "col.warnings": {"es": "Advertencias", "en": "Warnings"},
    "col.run": {"es": "Corrida", "en": "Run"},
    "col.consumed_qty": {"es": "Cantidad consumida", "en": "Quantity consumed"},
    "col.item": {"es": "Concepto", "en": "Item"},
    "col.line": {"es": "Renglón", "en": "Line"},
    "col.step": {"es": "Paso", "en": "Step"},
    "col.step_name": {"es": "Concepto del paso", "en": "Step"},
    "col.formula": {"es": "Fórmula", "en": "Formula"},
    "col.reference": {"es": "Fundamento", "en": "Legal reference"},
    "col.value": {"es": "Valor", "en": "Value"},
    "col.rule": {"es": "Regla", "en": "Rule"},
    "col.rule_text": {"es": "Texto", "en": "Text"},
    "col.confidence": {"es": "Certeza", "en": "Confidence"},
}


def t(key: str, lang: str = "es", **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (Spanish when missing), formatted with ``fmt``."""
    entry = _CATALOG.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["es"]
    return text.format(**fmt) if fmt else text


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}", field="lang")
    return lang


def keys() -> list[str]:
    return sorted(_CATALOG)


def missing(lang: str) -> list[str]:
    """Keys without a translation in ``lang`` (a test keeps this empty)."""
    return [k for k, v in _CATALOG.items() if lang not in v]
