"""What a what-if reads: the slice of the plant one shipment line can touch.

The FIFO is per component, so a simulated line of a product needs only the lots of the
components of its BOM in force on its date (through every level of its sub-assemblies) and
the recorded shipments of the products that use those components at any level
(:func:`immex.services.decide.simulate.restrict` says the same on a whole plant). This reads
just that slice — the discharge's own packing
(:func:`immex.services.discharge.plant.load_plant`) over a narrowed view of its inputs — so
a what-if on a ten-million-consumption plant reads thousands of rows, not millions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from immex.domain.company import Company
from immex.domain.discharge import kernel as fe
from immex.domain.discharge.bom_tree import assemblies_reaching, parts_consumed
from immex.domain.discharge.limits import LimitPolicy
from immex.domain.errors import NotFound
from immex.domain.ledger import TEMPORARY_KEYS
from immex.services.discharge.plant import load_plant
from immex.store.unit import Repositories


class _SliceInputs:
    """The discharge inputs narrowed to some parts (lots) and products (shipments)."""

    def __init__(
        self, repos: Repositories, bom: list[Any], parts: Sequence[str], products: Sequence[str]
    ) -> None:
        self._repos, self._bom, self.parts, self.products = repos, bom, parts, products

    def materials(self, company_id: int) -> list[tuple[int, str, str]]:
        return self._repos.discharge_inputs.materials(company_id)

    def bom(self, company_id: int) -> list[Any]:
        return self._bom

    def lot_tuples(self, company_id: int, keys: Sequence[str]) -> list[tuple[Any, ...]]:
        return self._repos.decisions.lot_tuples_of_parts(company_id, keys, self.parts)

    def shipment_tuples(self, company_id: int) -> list[tuple[Any, ...]]:
        return self._repos.decisions.shipment_tuples_of_products(company_id, self.products)


class _SliceRepos:
    """What :func:`load_plant` reads of the repositories, with the narrowed inputs."""

    def __init__(self, repos: Repositories, inputs: _SliceInputs) -> None:
        self.discharge_inputs = inputs
        self.companies = repos.companies


def load_slice(
    repos: Repositories,
    company: Company,
    product: str,
    day: date,
    temporary_keys: Sequence[str] = TEMPORARY_KEYS,
) -> tuple[fe.Plant, LimitPolicy]:
    """The plant slice a line of ``product`` shipped on ``day`` can touch."""
    bom = repos.discharge_inputs.bom(company.id)
    # the materials it consumes through every level of its sub-assemblies (bom_tree)
    parts = sorted(parts_consumed(bom, product, day))
    if not parts:
        known = any(b.product == product for b in bom)
        raise NotFound(
            f"product {product!r} has no BOM version in force on {day}: nothing to simulate"
            if known
            else f"product {product!r} has no BOM in this workspace; import its BOM with "
            "`immex import bom`",
            field="product",
        )
    users = assemblies_reaching(bom, parts)  # the products (at any level) that use them
    keep = users | set(parts)
    inputs = _SliceInputs(repos, [b for b in bom if b.component in keep], parts, sorted(users))
    return load_plant(cast(Repositories, _SliceRepos(repos, inputs)), company, temporary_keys)
