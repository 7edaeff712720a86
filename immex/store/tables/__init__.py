"""All tables, on one MetaData. Importing this package registers every area's tables."""

from immex.store.tables.base import metadata
from immex.store.tables import core  # noqa: F401  (registers tables)

__all__ = ["metadata"]
