"""All tables, on one MetaData. Importing this package registers every area's tables."""

from immex.store.tables import annex, core, ledger, rates, sat  # noqa: F401  (registers tables)
from immex.store.tables.base import metadata

__all__ = ["metadata"]
