"""The codes the pages show as words a person reads: what a file holds (an import, a load of
reference data), the kind of a material, an audit entry's action, outcome and details. The
JSON API, the exports and the commands keep the codes; a code without a word here is shown
as it is (never hidden)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from immex.domain.duties.trace import figure
from immex.domain.messages import Msg, Template
from immex.services.ledger.names import entity_name

#: what a reference-data file holds (``immex rates load KIND``)
REFDATA_KINDS = {
    "fix": Template("web.code.refdata.fix", "FIX exchange rate (Banxico)"),
    "inpc": Template("web.code.refdata.inpc", "INPC (INEGI)"),
    "prosec": Template("web.code.refdata.prosec", "PROSEC sector lists"),
    "fta": Template("web.code.refdata.fta", "trade-agreement preferences"),
    "amendments": Template("web.code.refdata.amendments", "LIGIE amendments"),
    "immex-annex": Template("web.code.refdata.immex_annex", "IMMEX Decree Annexes I and II"),
    "tariff": Template("web.code.refdata.tariff", "tariff (LIGIE)"),
    "parameters": Template("web.code.refdata.parameters", "legal parameters"),
}

#: an audit entry's action (``immex audit`` and the exports keep the code)
ACTIONS = {
    "company.add": Template("web.audit.action.company.add", "Company added"),
    "company.remove": Template("web.audit.action.company.remove", "Company removed"),
    "company.restore": Template("web.audit.action.company.restore", "Company restored"),
    "company.certify": Template(
        "web.audit.action.company.certify", "Certification or authorisation recorded"
    ),
    "discharge.run": Template("web.audit.action.discharge.run", "Discharge run"),
    "import.rectify": Template("web.audit.action.import.rectify", "Rectifying import"),
    "import.void": Template("web.audit.action.import.void", "Import voided"),
    "job.submit": Template("web.audit.action.job.submit", "Job queued"),
    "job.done": Template("web.audit.action.job.done", "Job finished"),
    "job.failed": Template("web.audit.action.job.failed", "Job failed"),
    "job.retry": Template("web.audit.action.job.retry", "Job retried"),
    "login": Template("web.audit.action.login", "Sign-in"),
    "login.failed": Template("web.audit.action.login.failed", "Failed sign-in"),
    "login.refused": Template("web.audit.action.login.refused", "Sign-in refused"),
    "logout": Template("web.audit.action.logout", "Sign-out"),
    "sat.import_datastage": Template(
        "web.audit.action.sat.import_datastage", "Import of the SAT Data Stage"
    ),
    "sat.import_m3": Template("web.audit.action.sat.import_m3", "Import of the SAT archivo M"),
    "sat.reconcile": Template("web.audit.action.sat.reconcile", "Reconciliation with the SAT"),
    "token.create": Template("web.audit.action.token.create", "API token created"),
    "token.revoke": Template("web.audit.action.token.revoke", "API token revoked"),
    "user.add": Template("web.audit.action.user.add", "User added"),
    "user.grant": Template("web.audit.action.user.grant", "Role granted"),
    "user.revoke": Template("web.audit.action.user.revoke", "Role revoked"),
    "user.disable": Template("web.audit.action.user.disable", "Account disabled"),
    "user.enable": Template("web.audit.action.user.enable", "Account enabled"),
    "user.expiry": Template("web.audit.action.user.expiry", "Account expiry set"),
    "user.language": Template("web.audit.action.user.language", "Language of the pages changed"),
    "user.password_change": Template("web.audit.action.user.password_change", "Password changed"),
    "user.password_set": Template("web.audit.action.user.password_set", "Password set"),
}
#: ``import.<entity>``: the import of a file of the ledger
IMPORT_OF = Template("web.audit.action.import", "Import of {what}")
#: ``rates.load.<kind>``: the load of a reference-data file
LOAD_OF = Template("web.audit.action.rates.load", "Load of {what}")

OUTCOMES = {
    "ok": Template("web.audit.outcome.ok", "ok"),
    "failed": Template("web.audit.outcome.failed", "failed"),
    "throttled": Template("web.audit.outcome.throttled", "refused (too many attempts)"),
}

#: an audit entry's detail (the key; its value is shown as it is)
DETAILS = {
    "file": Template("web.audit.detail.file", "file"),
    "files": Template("web.audit.detail.files", "files"),
    "sha256": Template("web.audit.detail.sha256", "SHA-256"),
    "rows": Template("web.audit.detail.rows", "rows"),
    "new": Template("web.audit.detail.new", "new"),
    "updated": Template("web.audit.detail.updated", "updated"),
    "batch": Template("web.audit.detail.batch", "import"),
    "rfc": Template("web.audit.detail.rfc", "RFC"),
    "prosec": Template("web.audit.detail.prosec", "PROSEC sectors"),
    "pedimentos": Template("web.audit.detail.pedimentos", "pedimentos"),
    "run_id": Template("web.audit.detail.run_id", "run"),
    "inputs_hash": Template("web.audit.detail.inputs_hash", "inputs hash"),
    "journal_hash": Template("web.audit.detail.journal_hash", "journal hash"),
    "lots": Template("web.audit.detail.lots", "lots"),
    "shipments": Template("web.audit.detail.shipments", "shipments"),
    "consumptions": Template("web.audit.detail.consumptions", "consumptions"),
    "allocations": Template("web.audit.detail.allocations", "allocations (discharges)"),
    "shortfalls": Template("web.audit.detail.shortfalls", "shortfalls"),
    "expired_lots": Template("web.audit.detail.expired_lots", "expired lots reached"),
    "unexploded_shipments": Template(
        "web.audit.detail.unexploded_shipments", "shipments without BOM"
    ),
    "by_key": Template("web.audit.detail.by_key", "allocations by key"),
    "through": Template("web.audit.detail.through", "through"),
    "supersedes": Template("web.audit.detail.supersedes", "supersedes run"),
    "entity": Template("web.audit.detail.entity", "content"),
    "reason": Template("web.audit.detail.reason", "reason"),
    "withdrawn": Template("web.audit.detail.withdrawn", "withdrawn"),
    "stale_run": Template("web.audit.detail.stale_run", "run to repeat"),
    "parts": Template("web.audit.detail.parts", "parts"),
    "products": Template("web.audit.detail.products", "products"),
    "role": Template("web.audit.detail.role", "role"),
    "company": Template("web.audit.detail.company", "company"),
    "language": Template("web.audit.detail.language", "language"),
    "kind": Template("web.audit.detail.kind", "kind"),
    "error": Template("web.audit.detail.error", "error"),
    "expires": Template("web.audit.detail.expires", "expires"),
    "name": Template("web.audit.detail.name", "name"),
    "source": Template("web.audit.detail.source", "source"),
    "reference": Template("web.audit.detail.reference", "reference"),
    "from": Template("web.audit.detail.from", "from"),
    "to": Template("web.audit.detail.to", "to"),
    "token": Template("web.audit.detail.token", "token"),
    "totals": Template("web.audit.detail.totals", "totals"),
}


def _word(table: Mapping[str, Template], code: Any) -> Msg | Any:
    return table[code]() if isinstance(code, str) and code in table else code


def refdata_kind(code: str) -> Msg | str:
    return _word(REFDATA_KINDS, code)


def step_value(step: Any) -> Any:
    """A trace step's value as the CLI and the workbook show it (:func:`trace.figure` of the
    step's kind: cents, whole pesos, 4 decimals for a factor …); a step read back from JSON
    (its value a text) is read as its figure again; a message or a date as it is."""
    fields = step if isinstance(step, Mapping) else {"value": step.value, "kind": step.kind}
    value, kind = fields.get("value"), fields.get("kind") or ""
    if isinstance(value, str) and not isinstance(value, Msg):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    return figure(value, kind) if isinstance(value, (Decimal, int)) else value


def action(code: str) -> Msg | str:
    """``import.materials`` → "Import of materials", ``discharge.run`` → "Discharge run"."""
    if code in ACTIONS:
        return ACTIONS[code]()
    head, _, rest = code.partition(".")
    if head == "import" and rest:
        return IMPORT_OF(what=entity_name(rest))
    if code.startswith("rates.load.") and code.count(".") == 2:
        return LOAD_OF(what=refdata_kind(code.rsplit(".", 1)[1]))
    return code


def outcome(code: str) -> Msg | str:
    return _word(OUTCOMES, code)


def detail_key(key: str) -> Msg | str:
    return _word(DETAILS, key)


def detail_value(key: str, value: Any) -> Any:
    """A detail's value as a person reads it: what an import held, the kind of a load in
    words; anything else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Mapping):  # allocations by key: "RT 2,245 · F4 863"
        return " · ".join(f"{k} {detail_value(str(k), v)}" for k, v in value.items())
    if key == "entity" and isinstance(value, str):
        return entity_name(value)
    if key == "kind" and isinstance(value, str) and value in REFDATA_KINDS:
        return refdata_kind(value)
    return value


def when(iso: str) -> str:
    """An audit entry's time in UTC, to the second: ``2026-12-02 17:46:49 UTC`` (a time
    stored without its zone is UTC: the workspace's clock writes UTC)."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"{at:%Y-%m-%d %H:%M:%S} UTC"
