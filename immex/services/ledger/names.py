"""What the ledger's codes are called in the reader's language: what an import holds and
the kind of a material (files, JSON and commands keep the codes)."""

from __future__ import annotations

from typing import Any

from immex.domain.messages import Msg, Template

#: what a batch holds, as a person reads it (messages and `immex import list`; the JSON and
#: the commands keep the code)
ENTITY_NAMES = {
    "materials": Template("cli.import.entity.materials", "materials"),
    "products": Template("cli.import.entity.products", "products"),
    "bom": Template("cli.import.entity.bom", "bom"),
    "pedimentos": Template("cli.import.entity.pedimentos", "pedimentos"),
    "shipments": Template("cli.import.entity.shipments", "shipments"),
    "datastage": Template("cli.import.entity.datastage", "datastage"),
    "m3": Template("cli.import.entity.m3", "m3"),
}


#: the kind of a material in words (its IMMEX time limit, LA 108; files and JSON keep the code)
GOODS_KIND_NAMES = {
    "input": Template("cli.part.kind.input", "input"),
    "consumable": Template("cli.part.kind.consumable", "consumable"),
    "packaging": Template("cli.part.kind.packaging", "packaging"),
    "container": Template("cli.part.kind.container", "container"),
    "fixed_asset": Template("cli.part.kind.fixed_asset", "fixed asset"),
}


def goods_kind_name(kind: Any) -> Msg | Any:
    """A material's kind (a code or a ``GoodsKind``) in the reader's language; a code it does
    not know as it is."""
    code = getattr(kind, "value", kind)
    return GOODS_KIND_NAMES[code]() if isinstance(code, str) and code in GOODS_KIND_NAMES else kind


def entity_name(entity: str) -> Msg | str:
    """The name of what a batch holds in the reader's language (a code it does not know as
    it is)."""
    return ENTITY_NAMES[entity]() if entity in ENTITY_NAMES else entity
