"""`immex part history PART` — every version of a material or product and the BOM lines
that name it, with the batch, who, when and why (the ledger's corrections of master data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer

from immex.cli.common import CompanyOpt, DbOpt, JsonOpt, console, handle_errors, open_ws, print_json
from immex.domain.messages import Msg, Template
from immex.reports.i18n import default_lang, tr
from immex.services.ledger import corrections, names

VERSION = Template(
    "cli.part.version",
    "version {version} ({master}): batch {batch} {file} {day} by {actor} — {status}",
)
CURRENT = Template("cli.part.current", "current")
ENDED_IMPORT = Template(
    "cli.part.ended_import", "replaced by the import of batch {batch} on {day} by {actor}"
)
ENDED_RECTIFY = Template(
    "cli.part.ended_rectify", "rectified by batch {batch} on {day} by {actor}: {reason}"
)
ENDED_VOID = Template(
    "cli.part.ended_void", "set aside when its batch was voided on {day} by {actor}: {reason}"
)
BOM_HEAD = Template("cli.part.bom_head", "BOM lines naming {part}:")
BOM_LINE = Template(
    "cli.part.bom_line",
    "  {product} → {component}: {qty} per unit, scrap {scrap} %, in force {span}; batch "
    "{batch} {file} {day} by {actor} — {status}",
)
WITHDRAWN = Template("cli.part.withdrawn", "withdrawn ({how}) on {day} by {actor}: {reason}")
NO_VERSION = Template("cli.part.no_version", "no stored version: every one was withdrawn")
#: a stored part's fields as a person reads them (``--json`` keeps the file's column names)
FIELDS = {
    "description": Template("cli.part.field.description", "description"),
    "fraccion": Template("cli.part.field.fraccion", "fracción"),
    "kind": Template("cli.part.field.kind", "kind"),
    "umc": Template("cli.part.field.umc", "UMC"),
}
FIELD = Template("cli.part.field", "{name}: {value}")
#: how a BOM line was withdrawn
HOW = {
    corrections.VOID: Template("cli.part.how.void", "batch voided"),
    corrections.RECTIFY: Template("cli.part.how.rectify", "rectified"),
}

part_app = typer.Typer(help="Parts (materials and products) of the ledger.", no_args_is_help=True)


def _day(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M}"


def _field(name: str, value: Any, lang: str) -> str:
    """One stored field: its name and value in ``lang`` (a field or kind not listed as
    stored)."""
    shown = (
        names.goods_kind_name(value) if name == "kind" else ("-" if value is None else value)
    )
    label = FIELDS[name]() if name in FIELDS else name
    return str(tr(FIELD(name=label, value=shown), lang))


def _ended(v: corrections.PartVersionRow) -> Msg:
    if v.current:
        return CURRENT()
    fields: dict[str, Any] = {"day": _day(v.ended_at), "actor": v.ended_actor}
    if v.ended_by == corrections.VOID:
        return ENDED_VOID(reason=v.reason, **fields)
    if v.ended_by == corrections.RECTIFY:
        return ENDED_RECTIFY(batch=v.ended_batch, reason=v.reason, **fields)
    return ENDED_IMPORT(batch=v.ended_batch, **fields)


@part_app.command("history")
@handle_errors
def part_history(
    part: str = typer.Argument(..., help="Part number (a material or a product)."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Every version of a material or product (imports, rectifications, voids) and every
    BOM line naming it, current or withdrawn, with the batch, who, when and why."""
    history = corrections.part_versions(open_ws(db, company), part)
    if json_out:
        print_json(history)
        return
    lang = default_lang()

    def say(msg: Msg) -> None:
        console.print(tr(msg, lang), markup=False, highlight=False)

    if not any(v.current for v in history.versions):
        say(NO_VERSION())
    for v in history.versions:
        say(
            VERSION(version=v.version, master=names.entity_name(v.master),
                    batch=v.batch_id, file=v.file_name,
                    day=_day(v.imported_at), actor=v.imported_by, status=_ended(v))
        )  # fmt: skip
        shown = "; ".join(_field(k, val, lang) for k, val in sorted(v.values.items()))
        console.print(f"  {shown}", markup=False, highlight=False)
    if history.bom:
        say(BOM_HEAD(part=history.part))
    for x in history.bom:
        span = f"{x.valid_from or '…'} – {x.valid_to or '…'}"
        status = (
            CURRENT()
            if x.current
            else WITHDRAWN(how=HOW[x.withdrawn_by]() if x.withdrawn_by in HOW else x.withdrawn_by,
                           day=_day(x.withdrawn_at), actor=x.withdrawn_actor,
                           reason=x.reason)
        )  # fmt: skip
        per_unit = f"{x.qty_per_unit.normalize():f}"
        say(
            BOM_LINE(product=x.product, component=x.component, qty=per_unit,
                     scrap=f"{x.scrap_pct.normalize():f}", span=span, batch=x.batch_id,
                     file=x.file_name, day=_day(x.imported_at), actor=x.imported_by,
                     status=status)
        )  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(part_app, name="part")
