"""The tariff pages (issue 12): ``/tariff`` searches the Tarifa (each hit with its heading
and subheading, so that "Los demás." reads), ``/tariff/{code}`` shows a fracción — its
history, NICO, and the best lawful rate for an origin on a date with the PROSEC sectors of
the user's company — or a heading / subheading with what it holds. The services of
``immex tariff`` and ``immex rate``; nothing decided here."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immex.domain.company import Company
from immex.domain.messages import Template
from immex.domain.rate_rows import program_name
from immex.reports.i18n import tr
from immex.services.accounts import access
from immex.services.inputs import jsonable
from immex.services.rates import best_rate as rate_service
from immex.services.tariff import lookup as tariff_service
from immex.services.tariff.fraction_view import show_in_workspace
from immex.web.company_pages.overview_pages import day_or_today
from immex.web.company_pages.page_access import PageCallerDep, PageProblem, shown_on_page
from immex.web.company_pages.page_render import page_lang, rate_text, render

router = APIRouter(include_in_schema=False)

#: the words of the tariff pages (catalog keys ``web.tariff.*``)
WORDS = {
    "heading": Template("web.tariff.heading", "Heading"),
    "subheading": Template("web.tariff.subheading", "Subheading"),
    "fraction": Template("web.tariff.fraction", "Fracción"),
    "fractions": Template("web.tariff.fractions", "Fracciones"),
    "subheadings": Template("web.tariff.subheadings", "Subheadings"),
    "umt": Template("web.tariff.umt", "UMT (unit of the tariff)"),
    "igi_on": Template("web.tariff.igi_on", "IGI in force on {day}"),
    "published": Template("web.tariff.published", "IGI as published"),
    "history": Template("web.tariff.history", "Import-rate history"),
    "valid_from": Template("web.tariff.valid_from", "From"),
    "valid_to": Template("web.tariff.valid_to", "To"),
    "rate": Template("web.tariff.rate", "Rate"),
    "source": Template("web.tariff.source", "Source"),
    "certainty": Template("web.tariff.certainty", "Certainty"),
    "nicos": Template("web.tariff.nicos", "NICO (SAT catalog)"),
    "best_rate": Template("web.tariff.best_rate", "Best lawful rate"),
    "origin": Template("web.tariff.origin", "Country of origin (ISO-3, e.g. CHN)"),
    "sectors": Template("web.tariff.sectors", "PROSEC sectors (comma-separated)"),
    "company": Template("web.tariff.company", "Company (its PROSEC sectors)"),
    "no_company": Template("web.tariff.no_company", "none"),
    "date": Template("web.tariff.date", "Date"),
    "compute": Template("web.tariff.compute", "Find the rate"),
    "program": Template("web.tariff.program", "Program"),
    "eligible": Template("web.tariff.eligible", "Eligible"),
    "chosen": Template("web.tariff.chosen", "Chosen"),
    "reason": Template("web.tariff.reason", "Reason"),
    "validity": Template("web.tariff.validity", "In force"),
    "review": Template("web.tariff.review", "To review"),
    "chosen_rate": Template("web.tariff.chosen_rate", "Rate to use: {program} {rate}"),
    "none_chosen": Template("web.tariff.none_chosen", "No lawful rate could be chosen."),
    "no_results": Template("web.tariff.no_results", "No fracción matches."),
    "results": Template("web.tariff.results", "{count} fracciones, best matches first"),
    "description": Template("web.tariff.description", "Description"),
    "search": Template("web.tariff.search", "Search the Tarifa"),
    "hint": Template("web.tariff.hint", "Description (circuitos integrados) or code (8471.80)"),
}
NO_COMPANY = Template(
    "web.tariff.company_not_granted", "company {rfc} is not one of the companies of your account"
)


def words(lang: str) -> dict[str, str]:
    """The page's words in ``lang`` (those with fields are filled in by :func:`say`)."""
    return {k: say(lang, k) for k, tpl in WORDS.items() if "{" not in tpl.english}


def say(lang: str, key: str, **fields: Any) -> str:
    return str(tr(WORDS[key](**fields), lang))


@router.get("/tariff", response_class=HTMLResponse)
def tariff_page(request: Request, who: PageCallerDep, q: str = "") -> HTMLResponse:
    results: list[dict[str, Any]] = []
    if q.strip():
        with shown_on_page():
            results = tariff_service.search(q, 30)
    lang = page_lang(request)
    return render(request, who, "tariff.html", q=q, results=results, w=words(lang),
                  count=say(lang, "results", count=len(results)))  # fmt: skip


def _company(who: Any, rfc: str) -> Company | None:
    """The company whose sectors the page uses: ``?rfc=`` (granted, else 404) or the user's
    only company."""
    companies = access.visible_companies(who.ws, who.user)
    if rfc.strip():
        found = [c for c in companies if c.rfc == rfc.strip().upper()]
        if not found:
            raise PageProblem(404, "not_found", NO_COMPANY(rfc=rfc.strip().upper()))
        return found[0]
    return companies[0] if len(companies) == 1 else None


@router.get("/tariff/{code}", response_class=HTMLResponse)
def fraction_page(
    request: Request, who: PageCallerDep, code: str, as_of: str = "", origin: str = "",
    prosec: str | None = None, rfc: str = "",
) -> HTMLResponse:  # fmt: skip
    lang = page_lang(request)
    day = day_or_today(as_of, who.ws.today)
    company = _company(who, rfc)
    if prosec is None:  # the form not yet sent: the company's sectors
        sectors = list(company.prosec_sectors) if company else []
    else:
        sectors = [s for s in prosec.replace(" ", "").split(",") if s]
    decision = None
    with shown_on_page():
        doc = jsonable(show_in_workspace(who.ws, code, day))
        if doc["level"] == "fraction" and origin.strip():
            found = rate_service.rate_decision(
                who.ws, doc["fraccion"], origin, day, sectors, today=who.ws.today
            )
            decision = jsonable(rate_service.decision_dict(found))
    chosen = decision["chosen"] if decision else None
    chosen_text = (
        say(lang, "chosen_rate", rate=rate_text(chosen["rate"]),
            program=tr(program_name(chosen["program"], chosen.get("detail") or ""), lang))
        if chosen else say(lang, "none_chosen")
    )  # fmt: skip
    return render(
        request, who, "tariff_code.html", doc=doc, decision=decision, w=words(lang),
        as_of=day.isoformat(), origin=origin, prosec=",".join(sectors),
        companies=access.visible_companies(who.ws, who.user), chosen_company=company,
        igi_on=say(lang, "igi_on", day=day.isoformat()), chosen_text=chosen_text,
        heading=f"{say(lang, doc['level'])} {doc.get('fraccion') or doc['code']}",
    )  # fmt: skip
