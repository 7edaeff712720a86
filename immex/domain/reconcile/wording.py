"""What the reconciliation says to a person, by catalog key (translated at the edge).

A :class:`~immex.domain.reconcile.records.Difference` names its ``field`` (a stable code:
its English text never changes, JSON and tests read it), the values a side holds when they
are words (``IN paid 2025-03-03``), the records it came from and a note explaining it — each
a message of the catalog, so the CLI, the workbook and the page show it in the reader's
language.
"""

from __future__ import annotations

from immex.domain.messages import Template

#: the kinds of difference, as a person reads them (the keys the CLI declared first)
CATEGORY_NAMES = {
    "only_in_sat": Template("cli.reconcile.cat.only_in_sat", "only in SAT"),
    "only_in_ledger": Template("cli.reconcile.cat.only_in_ledger", "only in the ledger"),
    "quantity_value": Template("cli.reconcile.cat.quantity_value", "quantity or value"),
    "discharge": Template("cli.reconcile.cat.discharge", "discharge"),
    "rectification": Template("cli.reconcile.cat.rectification", "rectification"),
    "open_past_limit": Template("cli.reconcile.cat.open_past_limit", "open past its limit"),
}

# --------------------------------------------------------------------------- fields compared

FIELD_PEDIMENTO = Template("reconcile.field.pedimento", "pedimento")
FIELD_CURRENT_VERSION = Template("reconcile.field.current_version", "current version")
FIELD_CLAVE = Template("reconcile.field.clave", "clave")
FIELD_FRACCION = Template("reconcile.field.fraccion", "fracción")
FIELD_QTY_UMC = Template("reconcile.field.qty_umc", "qty_umc (unit {unit})")
FIELD_UNIT = Template("reconcile.field.unit", "unit")
FIELD_QTY_UMT = Template("reconcile.field.qty_umt", "qty_umt")
FIELD_VALUE_USD = Template("reconcile.field.value_usd", "value_usd")
FIELD_DISCHARGED = Template("reconcile.field.discharged", "discharged")
FIELD_OPEN_UMT = Template("reconcile.field.open_umt", "open quantity (UMT)")
FIELD_OPEN_ALL = Template("reconcile.field.open_all", "open quantity (all fracciones)")

# --------------------------------------------------------------------------- values in words

VALUE_SAT_PAID = Template("reconcile.value.sat_paid", "{clave} paid {day}")
VALUE_LEDGER_ENTERED = Template("reconcile.value.ledger_entered", "{clave} entered {day}")
VALUE_QTY_UNIT = Template("reconcile.value.qty_unit", "{qty} (unit {unit})")

# --------------------------------------------------------------------------- explanations

NOTE_CURRENT_VERSION_OF = Template(
    "reconcile.note.current_version_of", "current version of {numbers} (rectified)"
)
NOTE_RECTIFIED = Template(
    "reconcile.note.rectified",
    "SAT shows {number} rectified; its current version is {current} ({clave}, paid {day}): "
    "the ledger should carry {current}",
)
NOTE_KEYS_DIFFER = Template("reconcile.note.keys_differ", "pedimento keys differ")
NOTE_FRACCION_ONE_SIDE = Template("reconcile.note.fraccion_one_side", "fracción on one side only")
NOTE_UNITS_NOT_COMPARABLE = Template(
    "reconcile.note.units_not_comparable", "units differ: quantities not comparable"
)
NOTE_UNITS_MISSING = Template("reconcile.note.units_missing", "units differ or are missing")
NOTE_PER_PEDIMENTO = Template(
    "reconcile.note.per_pedimento", "SAT 512 rows without fracción: compared per pedimento"
)
NOTE_NOT_IN_512 = Template("reconcile.note.not_in_512", "not in SAT's 512")
NOTE_NOT_IN_JOURNAL = Template("reconcile.note.not_in_journal", "not in the discharge journal")
NOTE_OPEN_PAST_LIMIT = Template(
    "reconcile.note.open_past_limit",
    "{clave} paid {start}, limit {months} months → {limit}, still open on {as_of}; regularise "
    "(A3) or return it",
)
NOTE_OPEN_PAST_LIMIT_WHOLE = Template(
    "reconcile.note.open_past_limit_whole",
    "limit {limit} passed; SAT's 512 rows without fracción ({quantity}) counted against the "
    "whole pedimento",
)
NOTE_NO_JOURNAL = Template(
    "reconcile.note.no_journal",
    "the ledger has no discharge journal yet (run `immex discharge run`): SAT's 512 discharges "
    "were not compared",
)

# --------------------------------------------------------------------------- the records

REFS_MORE = Template("reconcile.refs_more", "{refs} (+{n} more)")
REF_SAT_512 = Template("reconcile.ref.sat_512", "SAT 512 on {number} (discharges {original})")
REF_LEDGER_PEDIMENTO = Template("reconcile.ref.ledger_pedimento", "ledger pedimentos {where}")
REF_LEDGER_LOT = Template("reconcile.ref.ledger_lot", "ledger lot {lot} ({part}, {where})")
REF_RUN_LOT = Template("reconcile.ref.run_lot", "discharge run {run}, lot {lot}")
