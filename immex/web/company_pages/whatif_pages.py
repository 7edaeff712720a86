"""The page "¿Exportar o vender en México?" (``/c/{rfc}/whatif``): the form of
``immex whatif sell`` — product, quantity, date, destinations — and its result side by side:
the Mexican duties of each destination, the lots the shipment would take (FIFO, days left),
the components that would fall short, the lots past their limit, and the trace of every
figure. One service call (:func:`immex.services.decide.whatif.whatif_sell`); a simulation:
nothing is written, so whoever may read the company may use it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.domain.money import D
from immex.reports.i18n import tr
from immex.services.decide.whatif import whatif_products, whatif_sell
from immex.services.inputs import jsonable
from immex.web.company_pages.page_access import PageQuery, ReadPage, shown_on_page
from immex.web.company_pages.page_render import page_lang, render

router = APIRouter(include_in_schema=False)

#: the words of the page (catalog keys ``web.whatif.*``)
WORDS = {
    "heading": Template("web.whatif.heading", "Export or sell in Mexico?"),
    "intro": Template(
        "web.whatif.intro",
        "A simulation: the shipment is discharged FIFO through the BOM in force against "
        "today's open lots, after every recorded shipment up to its date; nothing is written.",
    ),
    "product": Template("web.whatif.product", "Product"),
    "quantity": Template("web.whatif.quantity", "Quantity"),
    "date": Template("web.whatif.date", "Shipment date"),
    "destinations": Template(
        "web.whatif.destinations",
        "Destinations (ISO-3, comma-separated; empty: MEX, USA and the first other country "
        "of the exports)",
    ),
    "us_duty": Template("web.whatif.us_duty", "US/CA duty paid on the good, USD (63-A)"),
    "pedimento": Template("web.whatif.pedimento", "Directed pedimento (optional)"),
    "ped": Template("web.whatif.ped", "Pedimento"),
    "simulate": Template("web.whatif.simulate", "Simulate"),
    "result": Template("web.whatif.result", "{quantity} × {product} on {day}: inputs USD {value}"),
    "by_destination": Template("web.whatif.by_destination", "Mexican duties by destination (MXN)"),
    "cheapest": Template("web.whatif.cheapest", "cheapest"),
    "not_priced": Template("web.whatif.not_priced", "not priced"),
    "igi": Template("web.whatif.igi", "IGI updated / 63-A owed (MXN)"),
    "dta": Template("web.whatif.dta", "DTA (MXN)"),
    "iva": Template("web.whatif.iva", "IVA (MXN)"),
    "iva_credit": Template("web.whatif.iva_credit", "IVA credited (MXN)"),
    "total": Template("web.whatif.total", "Pedimento total (MXN)"),
    "cash_cost": Template("web.whatif.cash_cost", "Cash cost (MXN)"),
    "total_mfn": Template("web.whatif.total_mfn", "At the general rate only (MXN)"),
    "savings": Template("web.whatif.savings", "Saved by programs (MXN)"),
    "total_mxn": Template("web.whatif.total_mxn", "Total (MXN)"),
    "programs": Template("web.whatif.programs", "Programs"),
    "due_by": Template("web.whatif.due_by", "Due by"),
    "rules": Template("web.whatif.rules", "Rules"),
    "lots": Template("web.whatif.lots", "Lots the shipment would use (FIFO)"),
    "lot": Template("web.whatif.lot", "Lot"),
    "part": Template("web.whatif.part", "Part"),
    "fraccion": Template("web.whatif.fraccion", "Fracción"),
    "origin": Template("web.whatif.origin", "Origin"),
    "entered": Template("web.whatif.entered", "Entered"),
    "limit": Template("web.whatif.limit", "Limit"),
    "days_left": Template("web.whatif.days_left", "Days left"),
    "value_usd": Template("web.whatif.value_usd", "USD"),
    "open_after": Template("web.whatif.open_after", "Open after"),
    "directed": Template("web.whatif.directed", "directed"),
    "no_limit": Template("web.whatif.no_limit", "while the program lasts"),
    "shortfalls": Template("web.whatif.shortfalls", "Components that would fall short"),
    "required": Template("web.whatif.required", "Required"),
    "missing": Template("web.whatif.missing", "Missing"),
    "past_limit": Template(
        "web.whatif.past_limit", "Lots past their limit (skipped; regularize with A3)"
    ),
    "days_past": Template("web.whatif.days_past", "Days past"),
    "open": Template("web.whatif.open", "Open"),
    "trace": Template("web.whatif.trace", "Trace of {destination}"),
    "step": Template("web.whatif.step", "Step"),
    "formula": Template("web.whatif.formula", "Formula"),
    "value": Template("web.whatif.value", "Value"),
    "reference": Template("web.whatif.reference", "Reference"),
    "rate": Template("web.whatif.rate", "Rate"),
    "mfn_rate": Template("web.whatif.mfn_rate", "General rate"),
    "program": Template("web.whatif.program", "Program"),
    "warnings": Template("web.whatif.warnings", "Warnings"),
    "notes": Template("web.whatif.notes", "Notes"),
    "data_used": Template("web.whatif.data_used", "Data used"),
    "no_products": Template(
        "web.whatif.no_products", "The company has no products yet: import its BOM first."
    ),
}
#: a service's error on a field of the form: the form's field it is shown next to
FORM_FIELDS = {"quantity": "quantity", "us_duty": "us_duty", "destination": "destinations",
               "pedimento": "pedimento", "day": "day"}  # fmt: skip


def words(lang: str) -> dict[str, str]:
    return {k: str(tr(tpl(), lang)) for k, tpl in WORDS.items() if "{" not in tpl.english}


@router.get("/c/{rfc}/whatif", response_class=HTMLResponse)
def whatif_page(
    request: Request, page: ReadPage, product: str = "", quantity: str = "", day: str = "",
    destinations: str = "", us_duty: str = "", pedimento: str = "",
) -> HTMLResponse:  # fmt: skip
    """A bad quantity, date, destination, US duty or pedimento answers with the form, the
    error next to its field and the value typed kept (400), like every page's filters."""
    lang = page_lang(request)
    query = PageQuery(request, page, "whatif.html")
    when = query.day(day, "day")
    amount = query.number(quantity or "1", "quantity", positive=True) or D(1)
    duty = query.number(us_duty, "us_duty")
    with shown_on_page():
        products = whatif_products(page.ws)
    chosen = [d.strip() for d in destinations.replace(";", ",").split(",") if d.strip()]
    form: dict[str, Any] = dict(
        company=page.ws.the_company, w=words(lang), products=products, product=product.strip(),
        quantity=quantity or "1", day=day or when.isoformat(), destinations=", ".join(chosen),
        us_duty=us_duty, pedimento=pedimento, result=None,
    )  # fmt: skip
    query.check(**form)
    if not product.strip():
        return render(request, page.who, "whatif.html", **form)
    with shown_on_page():
        try:
            sale = whatif_sell(page.ws, product.strip(), amount, when, chosen,
                               pedimento=pedimento.strip() or None, us_duty_usd=duty)  # fmt: skip
        except InvalidInput as exc:
            field = FORM_FIELDS.get(exc.field or "")
            if field is None:
                raise
            query.problem(field, str(form[field]), exc.message)
            query.check(**form)  # the form, the error next to its field (400)
            raise
    result = jsonable(sale.to_dict())
    result["heading"] = str(tr(WORDS["result"](
        quantity=f"{sale.quantity.normalize():f}", product=sale.product,
        day=sale.date.isoformat(), value=f"{sale.value_usd:,.2f}",
    ), lang))  # fmt: skip
    for o, option in zip(result["options"], sale.options, strict=True):
        o["trace_title"] = str(tr(WORDS["trace"](destination=option.destination), lang))
        o["notes"] = [str(tr(n, lang)) for n in option.notes]
    for name in ("warnings", "notes", "data_used"):
        result[name] = [str(tr(n, lang)) for n in getattr(sale, name)]
    return render(request, page.who, "whatif.html", **{**form, "result": result})
